//! Applying the pending steps in order, each in one transaction together with its journal
//! row (step 007 apart: PRAGMAs that cannot run in a transaction). The first failure stops
//! the run; the failed step left nothing behind and the report names it.

use super::exec::{self, in_transaction};
use super::inspect;
use super::journal;
use super::plan::{self, LOCAL_PRAGMAS_NOTE, REMOTE_PRAGMAS_NOTE};
use super::report::{ms_since, ApplyReport, ChangedStep, Status, StepFailure, StepRun};
use super::steps::{Kind, Step, STEPS};
use super::Ctx;
use crate::db::conn::Conn;
use crate::error::Result;
use std::time::Instant;

fn run_of(step: &Step) -> StepRun {
    StepRun {
        id: step.id.into(),
        name: step.name.into(),
        title: step.title.into(),
        ms: 0.0,
        creates: vec![],
        drops: vec![],
        rewrites: vec![],
        restores: None,
        pragmas: vec![],
        note: None,
    }
}

/// One transactional step. `None`: another run applied it meanwhile (checked under the lock).
fn apply_in_transaction(conn: &mut Conn, ctx: &Ctx<'_>, step: &Step) -> Result<Option<StepRun>> {
    let started = Instant::now();
    in_transaction(conn, ctx.local, |c| {
        journal::ensure(c)?;
        if journal::has(c, step.id)? {
            return Ok(None);
        }
        let before = inspect::read(c)?;
        let mut run = run_of(step);
        match step.kind {
            Kind::Validate => {
                let n = exec::validate(c, step.up)?;
                run.note = Some(format!("{n} objects present; the full-text index matches questions"));
            }
            Kind::Data => {
                run.rewrites = exec::rewrites(c, step.up)?;
                exec::run_all(c, step.up)?;
            }
            Kind::Schema | Kind::Pragmas => exec::run_all(c, step.up)?,
        }
        run.creates = inspect::read(c)?.added_since(&before);
        run.ms = ms_since(started);
        journal::record(c, step, run.ms, ctx.now)?;
        Ok(Some(run))
    })
}

/// Step 007: the PRAGMAs outside any transaction, then the journal row in one. If recording
/// fails, the PRAGMAs get their previous values back.
fn apply_pragmas(conn: &mut Conn, ctx: &Ctx<'_>, step: &Step) -> Result<Option<StepRun>> {
    let started = Instant::now();
    let mut run = run_of(step);
    if ctx.local {
        run.pragmas = exec::run_pragmas(conn, step.up)?;
        run.note = Some(LOCAL_PRAGMAS_NOTE.into());
    } else {
        run.note = Some(REMOTE_PRAGMAS_NOTE.into());
    }
    run.ms = ms_since(started);
    let recorded = in_transaction(conn, ctx.local, |c| {
        journal::ensure(c)?;
        if journal::has(c, step.id)? {
            return Ok(false);
        }
        journal::record(c, step, run.ms, ctx.now)?;
        Ok(true)
    });
    match recorded {
        Ok(true) => Ok(Some(run)),
        Ok(false) => Ok(None),
        Err(e) => {
            exec::restore_pragmas(conn, &run.pragmas);
            Err(e)
        }
    }
}

pub fn apply(conn: &mut Conn, ctx: &Ctx<'_>) -> Result<ApplyReport> {
    let started = Instant::now();
    let schema = inspect::read(conn)?;
    inspect::require_app_schema(&schema, &ctx.target)?;
    let journal = journal::read(conn, &schema)?;
    let mut already_applied = Vec::new();
    let mut changed = Vec::new();
    let mut pending = Vec::new();
    for step in STEPS {
        match (plan::status(step, &journal), journal.get(step.id)) {
            (Status::Pending, _) => pending.push(step),
            (Status::Changed, Some(e)) => changed.push(ChangedStep {
                id: step.id.into(),
                name: step.name.into(),
                journal_checksum: e.checksum.clone(),
                checksum: step.checksum(),
            }),
            _ => already_applied.push(step.id.to_string()),
        }
    }
    let up_to_date = pending.is_empty();
    let mut applied = Vec::new();
    let mut failed = None;
    let mut not_run = Vec::new();
    for (i, step) in pending.iter().enumerate() {
        (ctx.progress)(&format!("[{}/{}] applying {}", i + 1, pending.len(), step.label()));
        let r = if step.kind == Kind::Pragmas { apply_pragmas(conn, ctx, step) } else { apply_in_transaction(conn, ctx, step) };
        match r {
            Ok(Some(run)) => {
                (ctx.after_ddl)(conn);
                applied.push(run);
            }
            Ok(None) => already_applied.push(step.id.to_string()),
            Err(e) => {
                failed = Some(StepFailure {
                    id: step.id.into(),
                    name: step.name.into(),
                    title: step.title.into(),
                    code: e.code,
                    message: e.message,
                });
                not_run = pending[i + 1..].iter().map(|s| s.id.to_string()).collect();
                break;
            }
        }
    }
    let message = match &failed {
        Some(f) => format!(
            "step {} {} failed and left nothing behind: {}{}",
            f.id,
            f.name,
            f.message,
            if not_run.is_empty() { String::new() } else { format!("; not run: {}", not_run.join(", ")) }
        ),
        None if up_to_date => format!("up to date: all {} steps were already applied; nothing to do", STEPS.len()),
        None => format!(
            "applied {} step(s): {}",
            applied.len(),
            applied.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ")
        ),
    };
    let message = if changed.is_empty() {
        message
    } else {
        let ids: Vec<&str> = changed.iter().map(|c| c.id.as_str()).collect();
        format!("{message}; changed since applied (not re-applied): {}", ids.join(", "))
    };
    Ok(ApplyReport {
        target: ctx.target.clone(),
        ok: failed.is_none(),
        up_to_date,
        applied,
        already_applied,
        changed,
        failed,
        not_run,
        total_ms: ms_since(started),
        message,
    })
}
