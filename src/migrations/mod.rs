//! The performance migration: ten embedded steps (`steps/`), a journal of what was applied,
//! and the `db:*` command line over them (`cli/`).
//!
//! Every operation runs on one `Conn`: `apply` and `rollback` on the writer (one transaction
//! per step), a dry run on a reader or a read-only connection (no write transaction at all,
//! not even the journal table), `maintenance` on the writer. `optimize` is the entry point
//! for a `Database`; `run_on` takes any connection (the CLI's read-only dry run, tests).

pub mod apply;
pub mod checksum;
pub mod cli;
pub mod exec;
pub mod inspect;
pub mod journal;
pub mod maintenance;
pub mod plan;
pub mod readonly;
pub mod report;
pub mod rollback;
pub mod sql;
pub mod steps;

pub use report::Report;

use crate::db::conn::Conn;
use crate::db::Database;
use crate::error::Result;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Apply every pending step, in order.
    Apply,
    /// Undo applied steps, newest first: the given ones, or all (`None`).
    Rollback { steps: Option<Vec<String>> },
    /// ANALYZE / PRAGMA optimize, WAL checkpoint, integrity check, VACUUM when worth it.
    Maintenance,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub action: Action,
    /// Report what the action would do; change nothing.
    pub dry_run: bool,
}

/// Told about each step as it starts (the CLI prints it on a terminal's stderr).
pub type Progress = Arc<dyn Fn(&str) + Send + Sync>;

/// What a run needs to know about where it runs.
pub struct Ctx<'a> {
    /// The database as it can be shown (no secrets).
    pub target: String,
    /// A local file: `BEGIN IMMEDIATE`, the PRAGMA step and WAL checkpoints apply. A server
    /// or a replica gets a plain `BEGIN` and keeps its own settings.
    pub local: bool,
    /// Unix seconds recorded as `applied_at`.
    pub now: i64,
    pub progress: &'a dyn Fn(&str),
    /// Called on the same connection after each step that changed the schema, so the
    /// statement classifier and the caches follow (`Ready::schema_changed`).
    pub after_ddl: &'a dyn Fn(&mut Conn),
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Refuses unknown step ids (and `steps` outside a rollback) before anything is opened.
pub fn check_options(opts: &Options) -> Result<()> {
    if let Action::Rollback { steps: Some(ids) } = &opts.action {
        steps::select(Some(ids))?;
    }
    Ok(())
}

/// Runs `opts` on `conn`. A dry run only reads, so `conn` may be read-only.
pub fn run_on(conn: &mut Conn, ctx: &Ctx<'_>, opts: &Options) -> Result<Report> {
    check_options(opts)?;
    Ok(match (&opts.action, opts.dry_run) {
        (Action::Apply, true) => Report::Plan(plan::apply_plan(conn, ctx)?),
        (Action::Apply, false) => Report::Apply(apply::apply(conn, ctx)?),
        (Action::Rollback { steps }, true) => Report::Plan(plan::rollback_plan(conn, ctx, steps.as_deref())?),
        (Action::Rollback { steps }, false) => Report::Rollback(rollback::rollback(conn, ctx, steps.as_deref())?),
        (Action::Maintenance, dry_run) => Report::Maintenance(maintenance::maintenance(conn, ctx, dry_run)?),
    })
}

/// Runs `opts` on a `Database`: a dry run on a reader connection, everything else on the
/// writer (queued behind the app's writes, never beside them).
pub async fn optimize(db: &Database, opts: Options, progress: Option<Progress>) -> Result<Report> {
    check_options(&opts)?;
    let ready = db.ready().await?;
    let target = db.cfg.display_target();
    let local = ready.is_local();
    let dry_run = opts.dry_run;
    let r = ready.clone();
    let job = move |conn: &mut Conn| {
        let quiet = |_: &str| {};
        let progress: &dyn Fn(&str) = match &progress {
            Some(p) => &**p,
            None => &quiet,
        };
        let after_ddl = |c: &mut Conn| r.schema_changed(c);
        let ctx = Ctx { target, local, now: unix_now(), progress, after_ddl: &after_ddl };
        run_on(conn, &ctx, &opts)
    };
    let out = if dry_run { ready.read_async(job).await } else { ready.write_async(job).await };
    out.map_err(|e| db.scrub(e))
}
