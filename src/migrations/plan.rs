//! Dry runs: what `apply` or `rollback` would do, from the journal and sqlite_master. Only
//! reads (it runs on a reader or a read-only connection): not even the journal table is
//! created, so the database file stays byte-identical.

use super::exec;
use super::inspect::{self, Schema};
use super::journal::{self, Entry, Journal};
use super::report::{PlanMode, PlanReport, PlannedStep, Status};
use super::rollback;
use super::sql::split;
use super::steps::{Kind, Step, STEPS};
use super::Ctx;
use crate::db::conn::Conn;
use crate::error::Result;

pub const REMOTE_PRAGMAS_NOTE: &str =
    "not run here: a libSQL server (or the primary behind a replica) owns its journal mode and connection settings";
pub const LOCAL_PRAGMAS_NOTE: &str =
    "journal_mode is stored in the database file; the other settings apply to the connection that runs them (the runtime sets its own on every connection it opens)";
pub const VALIDATE_NOTE: &str =
    "checks that every object of steps 001-008 exists and that questions_fts matches questions; writes nothing";

pub fn status(step: &Step, journal: &Journal) -> Status {
    match journal.get(step.id) {
        None => Status::Pending,
        Some(e) if e.checksum == step.checksum() => Status::Applied,
        Some(_) => Status::Changed,
    }
}

pub fn planned(step: &Step, status: Status, entry: Option<&Entry>) -> PlannedStep {
    PlannedStep {
        id: step.id.into(),
        name: step.name.into(),
        title: step.title.into(),
        status,
        will_run: false,
        transactional: step.transactional(),
        checksum: step.checksum(),
        journal_checksum: entry.map(|e| e.checksum.clone()),
        applied_at: entry.map(|e| e.applied_at),
        creates: vec![],
        drops: vec![],
        rewrites: vec![],
        restores: None,
        pragmas: vec![],
        note: None,
    }
}

fn read_state(conn: &mut Conn, ctx: &Ctx<'_>) -> Result<(Schema, Journal)> {
    let schema = inspect::read(conn)?;
    inspect::require_app_schema(&schema, &ctx.target)?;
    let journal = journal::read(conn, &schema)?;
    Ok((schema, journal))
}

/// What `apply` would do: every step with its status; for each pending one the objects its
/// CREATE statements name (and whether they exist already), the PRAGMAs it sets, or the
/// rows it rewrites.
pub fn apply_plan(conn: &mut Conn, ctx: &Ctx<'_>) -> Result<PlanReport> {
    let (schema, journal) = read_state(conn, ctx)?;
    let mut steps = Vec::new();
    for step in STEPS {
        let st = status(step, &journal);
        let mut p = planned(step, st, journal.get(step.id));
        if st == Status::Pending {
            p.will_run = true;
            p.creates = split(step.up).iter().filter_map(|s| s.creates()).map(|o| schema.object(&o)).collect();
            match step.kind {
                Kind::Data => p.rewrites = exec::rewrites(conn, step.up)?,
                Kind::Pragmas if ctx.local => {
                    p.pragmas = exec::pragma_plan(conn, step.up)?.into_iter().map(|(_, c)| c).collect();
                    p.note = Some(LOCAL_PRAGMAS_NOTE.into());
                }
                Kind::Pragmas => p.note = Some(REMOTE_PRAGMAS_NOTE.into()),
                Kind::Validate => p.note = Some(VALIDATE_NOTE.into()),
                Kind::Schema => {}
            }
        } else if st == Status::Changed {
            p.note = Some("the shipped SQL differs from the SQL that was applied: not re-applied (roll it back, then apply, to pick up the change)".into());
        }
        steps.push(p);
    }
    let would_run: Vec<String> = steps.iter().filter(|s| s.will_run).map(|s| s.id.clone()).collect();
    let changed: Vec<String> = steps.iter().filter(|s| s.status == Status::Changed).map(|s| s.id.clone()).collect();
    let journal_exists = schema.has_table(journal::TABLE);
    let message = if would_run.is_empty() {
        format!("up to date: all {} steps are applied; `db:optimize` would do nothing", STEPS.len())
    } else {
        format!("{} step(s) would run: {} (dry run: nothing was changed)", would_run.len(), would_run.join(", "))
    };
    Ok(PlanReport {
        target: ctx.target.clone(),
        mode: PlanMode::Apply,
        journal_exists,
        creates_journal: !journal_exists && !would_run.is_empty(),
        drops_journal: false,
        steps,
        would_run,
        changed,
        not_applied: vec![],
        message,
    })
}

/// What `rollback` would undo, newest first: the objects each down step drops (and whether
/// they exist), the text timestamps 010 would restore, the PRAGMAs 007 would reset.
pub fn rollback_plan(conn: &mut Conn, ctx: &Ctx<'_>, ids: Option<&[String]>) -> Result<PlanReport> {
    let (schema, journal) = read_state(conn, ctx)?;
    let sel = rollback::select(&journal, ids)?;
    let mut steps = Vec::new();
    for step in &sel.targets {
        let mut p = planned(step, status(step, &journal), journal.get(step.id));
        p.will_run = true;
        p.drops = split(step.down).iter().filter_map(|s| s.drops()).map(|o| schema.object(&o)).collect();
        match step.kind {
            Kind::Data => p.restores = rollback::saved_timestamps(conn, &schema)?,
            Kind::Pragmas if ctx.local => {
                p.pragmas = exec::pragma_plan(conn, step.down)?.into_iter().map(|(_, c)| c).collect();
                p.note = Some(rollback::LOCAL_PRAGMAS_DOWN_NOTE.into());
            }
            Kind::Pragmas => p.note = Some(REMOTE_PRAGMAS_NOTE.into()),
            Kind::Validate => p.note = Some("step 009 only checked; nothing to undo but its journal row".into()),
            Kind::Schema => {}
        }
        steps.push(p);
    }
    let would_run: Vec<String> = steps.iter().map(|s| s.id.clone()).collect();
    let message = if would_run.is_empty() {
        "nothing to roll back: none of the selected steps is applied".to_string()
    } else {
        format!("{} step(s) would be rolled back, newest first: {} (dry run: nothing was changed)", would_run.len(), would_run.join(", "))
    };
    Ok(PlanReport {
        target: ctx.target.clone(),
        mode: PlanMode::Rollback,
        journal_exists: schema.has_table(journal::TABLE),
        creates_journal: false,
        drops_journal: sel.drops_journal,
        steps,
        would_run,
        changed: vec![],
        not_applied: sel.not_applied,
        message,
    })
}
