//! Undoing applied steps, newest first, each in one transaction with the removal of its
//! journal row. The rollback that empties the journal drops the journal table in the same
//! transaction, so after rolling back everything sqlite_master is what it was before.

use super::exec::{self, in_transaction};
use super::inspect::{self, Schema};
use super::journal::{self, Journal};
use super::report::{ms_since, RollbackReport, StepFailure, StepRun};
use super::steps::{self, Kind, Step};
use super::Ctx;
use crate::db::conn::Conn;
use crate::error::{Error, Result};
use std::time::Instant;

/// Step 010's side table of original text values.
const TIMESTAMP_BACKUP: &str = "perf_migration_timestamp_backup";
const TIMESTAMP_BACKUP_COUNT: &str = "SELECT count(*) FROM perf_migration_timestamp_backup";

/// The settings every connection of the runtime runs with (src/db/open.rs). Step 007's down
/// resets them to SQLite's defaults on the connection that runs it; that connection is one of
/// the app's, so they are set back right after (its foreign keys must stay enforced).
const RUNTIME_CONNECTION_SETTINGS: &str = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

pub const LOCAL_PRAGMAS_DOWN_NOTE: &str = "back to SQLite's defaults; journal_mode is the only one stored in the file, and the runtime reopens in WAL mode; this connection keeps the runtime's synchronous=NORMAL and foreign_keys=ON";

pub struct Selection {
    /// Applied steps to undo, newest first.
    pub targets: Vec<&'static Step>,
    /// Requested steps that are not applied.
    pub not_applied: Vec<String>,
    /// Every journal row goes: the journal table goes too.
    pub drops_journal: bool,
}

/// Picks the applied steps among `ids` (all when `None`). Refuses an unknown id, and a step
/// that a step staying applied still needs (006's triggers write into 005's table).
pub fn select(journal: &Journal, ids: Option<&[String]>) -> Result<Selection> {
    let wanted = steps::select(ids)?;
    let mut targets: Vec<&'static Step> = wanted.iter().copied().filter(|s| journal.contains_key(s.id)).collect();
    targets.reverse();
    let not_applied = match ids {
        Some(_) => wanted.iter().filter(|s| !journal.contains_key(s.id)).map(|s| s.id.to_string()).collect(),
        None => vec![],
    };
    for stays in steps::STEPS.iter().filter(|s| journal.contains_key(s.id) && !targets.iter().any(|t| t.id == s.id)) {
        if let Some(needed) = stays.needs.iter().find(|n| targets.iter().any(|t| t.id == **n)) {
            return Err(Error::usage(
                "ERR_STEP_DEPENDENCY",
                format!(
                    "step {needed} cannot be rolled back while step {} ({}) stays applied: it uses what {needed} created; roll back both (--step={} --step={needed})",
                    stays.id, stays.name, stays.id
                ),
            ));
        }
    }
    let drops_journal = !journal.is_empty() && journal.keys().all(|id| targets.iter().any(|t| t.id == id));
    Ok(Selection { targets, not_applied, drops_journal })
}

/// Text timestamps step 010 saved (and its rollback would put back), if its table exists.
pub fn saved_timestamps(conn: &mut Conn, schema: &Schema) -> Result<Option<i64>> {
    if !schema.has_table(TIMESTAMP_BACKUP) {
        return Ok(None);
    }
    Ok(conn.query_map(TIMESTAMP_BACKUP_COUNT, vec![], |r| Ok(r.get::<i64>(0)?))?.first().copied())
}

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

/// Undoes one step; returns what it did and whether the journal table went with it.
fn rollback_step(conn: &mut Conn, ctx: &Ctx<'_>, step: &Step) -> Result<(StepRun, bool)> {
    let started = Instant::now();
    let mut run = run_of(step);
    if step.kind == Kind::Pragmas {
        if ctx.local {
            run.pragmas = exec::run_pragmas(conn, step.down)?;
            conn.exec_script(RUNTIME_CONNECTION_SETTINGS)?;
            run.note = Some(LOCAL_PRAGMAS_DOWN_NOTE.into());
        } else {
            run.note = Some(super::plan::REMOTE_PRAGMAS_NOTE.into());
        }
    }
    let pragmas = run.pragmas.clone();
    let dropped = in_transaction(conn, ctx.local, |c| {
        let before = inspect::read(c)?;
        if step.kind != Kind::Pragmas {
            if step.kind == Kind::Data {
                run.restores = saved_timestamps(c, &before)?;
            }
            exec::run_all(c, step.down)?;
        }
        journal::remove(c, step.id)?;
        let dropped = journal::drop_if_empty(c)?;
        run.drops = inspect::read(c)?.removed_since(&before);
        Ok(dropped)
    });
    let dropped = dropped.inspect_err(|_| exec::restore_pragmas(conn, &pragmas))?;
    run.ms = ms_since(started);
    Ok((run, dropped))
}

pub fn rollback(conn: &mut Conn, ctx: &Ctx<'_>, ids: Option<&[String]>) -> Result<RollbackReport> {
    let started = Instant::now();
    let schema = inspect::read(conn)?;
    inspect::require_app_schema(&schema, &ctx.target)?;
    let journal = journal::read(conn, &schema)?;
    let sel = select(&journal, ids)?;
    let mut rolled_back = Vec::new();
    let mut failed = None;
    let mut not_run = Vec::new();
    let mut journal_dropped = false;
    for (i, step) in sel.targets.iter().enumerate() {
        (ctx.progress)(&format!("[{}/{}] rolling back {}", i + 1, sel.targets.len(), step.label()));
        match rollback_step(conn, ctx, step) {
            Ok((run, dropped)) => {
                (ctx.after_ddl)(conn);
                journal_dropped |= dropped;
                rolled_back.push(run);
            }
            Err(e) => {
                failed = Some(StepFailure {
                    id: step.id.into(),
                    name: step.name.into(),
                    title: step.title.into(),
                    code: e.code,
                    message: e.message,
                });
                not_run = sel.targets[i + 1..].iter().map(|s| s.id.to_string()).collect();
                break;
            }
        }
    }
    let ids: Vec<&str> = rolled_back.iter().map(|r| r.id.as_str()).collect();
    let message = match &failed {
        Some(f) => format!(
            "rollback of step {} {} failed and was undone: {}{}",
            f.id,
            f.name,
            f.message,
            if not_run.is_empty() { String::new() } else { format!("; not rolled back: {}", not_run.join(", ")) }
        ),
        None if ids.is_empty() => "nothing to roll back: none of the selected steps is applied".into(),
        None => format!(
            "rolled back {} step(s), newest first: {}{}",
            ids.len(),
            ids.join(", "),
            if journal_dropped { "; no step is applied any more, the journal table was dropped" } else { "" }
        ),
    };
    Ok(RollbackReport {
        target: ctx.target.clone(),
        ok: failed.is_none(),
        rolled_back,
        not_applied: sel.not_applied,
        journal_dropped,
        failed,
        not_run,
        total_ms: ms_since(started),
        message,
    })
}
