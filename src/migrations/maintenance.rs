//! `--maintenance`: statistics (ANALYZE the first time, PRAGMA optimize after), a WAL
//! checkpoint that truncates the WAL (local files), an integrity check, and VACUUM only
//! when more than a fifth of the file is free pages. Each task reports what it did and
//! how long it took; a dry run reports what would run and changes nothing.

use super::inspect;
use super::report::{ms_since, MaintenanceReport, Task, TaskStatus};
use super::Ctx;
use crate::db::conn::Conn;
use crate::error::Result;
use std::time::Instant;

const PAGE_COUNT: &str = "PRAGMA page_count";
const FREELIST_COUNT: &str = "PRAGMA freelist_count";
const HAS_STATS: &str = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'";
const ANALYZE: &str = "ANALYZE";
const OPTIMIZE: &str = "PRAGMA optimize";
const CHECKPOINT: &str = "PRAGMA wal_checkpoint(TRUNCATE)";
const INTEGRITY: &str = "PRAGMA integrity_check";
const VACUUM: &str = "VACUUM";
/// Free pages above this share of the file make VACUUM worth rewriting the whole file.
pub const VACUUM_THRESHOLD: f64 = 0.2;
/// A libSQL server refuses these over the network ("unsupported statement"); it runs its own.
const SERVER_STATISTICS: &str = "a libSQL server refuses ANALYZE / PRAGMA optimize over the network";
const SERVER_CHECKPOINT: &str = "the server checkpoints its own WAL";
const SERVER_VACUUM: &str = "a libSQL server refuses VACUUM over the network";
/// How many integrity-check messages the report keeps.
const INTEGRITY_MESSAGES: usize = 5;

fn int(conn: &mut Conn, sql: &str) -> Result<i64> {
    Ok(conn.query_map(sql, vec![], |r| Ok(r.get::<i64>(0)?))?.first().copied().unwrap_or(0))
}

fn task(name: &str, status: TaskStatus, started: Instant, detail: impl Into<String>) -> Task {
    Task { name: name.into(), status, ms: ms_since(started), detail: detail.into() }
}

/// Runs `f` as a task: Done with its detail, or Failed with the error.
fn timed(name: &str, f: impl FnOnce() -> Result<String>) -> Task {
    let t = Instant::now();
    match f() {
        Ok(detail) => task(name, TaskStatus::Done, t, detail),
        Err(e) => task(name, TaskStatus::Failed, t, format!("{} ({})", e.message, e.code)),
    }
}

fn checkpoint(conn: &mut Conn) -> Result<String> {
    let rows = conn.hold_checkpoints(|c| c.query_map(CHECKPOINT, vec![], |r| Ok((r.get::<i64>(0)?, r.get::<i64>(1)?, r.get::<i64>(2)?))))?;
    Ok(match rows.first() {
        Some((0, log, done)) if *log >= 0 => format!("{done} of {log} WAL frames written back; WAL truncated"),
        Some((1, log, done)) => format!("busy: {done} of {log} WAL frames written back (a reader held the rest)"),
        _ => "not in WAL mode: nothing to checkpoint".into(),
    })
}

fn integrity(conn: &mut Conn) -> Result<(bool, String)> {
    let rows = conn.query_map(INTEGRITY, vec![], |r| Ok(r.get::<String>(0)?))?;
    if rows.len() == 1 && rows[0] == "ok" {
        return Ok((true, "ok".into()));
    }
    let shown: Vec<&str> = rows.iter().take(INTEGRITY_MESSAGES).map(String::as_str).collect();
    Ok((false, format!("{} problem(s): {}", rows.len(), shown.join("; "))))
}

pub fn maintenance(conn: &mut Conn, ctx: &Ctx<'_>, dry_run: bool) -> Result<MaintenanceReport> {
    let started = Instant::now();
    let schema = inspect::read(conn)?;
    inspect::require_app_schema(&schema, &ctx.target)?;
    let page_count = int(conn, PAGE_COUNT)?;
    let freelist_count = int(conn, FREELIST_COUNT)?;
    let ratio = if page_count > 0 { freelist_count as f64 / page_count as f64 } else { 0.0 };
    let has_stats = int(conn, HAS_STATS)? > 0;
    let stats_sql = if has_stats { OPTIMIZE } else { ANALYZE };
    let vacuum_worth = ratio > VACUUM_THRESHOLD;
    let free = format!("{freelist_count} of {page_count} pages free ({:.1}%, threshold {:.0}%)", ratio * 100.0, VACUUM_THRESHOLD * 100.0);
    let mut tasks = Vec::new();

    let skipped = |name: &str, why: &str| Task { name: name.into(), status: TaskStatus::Skipped, ms: 0.0, detail: why.into() };
    let would = |name: &str, detail: &str| Task { name: name.into(), status: TaskStatus::WouldRun, ms: 0.0, detail: detail.into() };
    if dry_run {
        tasks.push(if ctx.local { would("statistics", stats_sql) } else { skipped("statistics", SERVER_STATISTICS) });
        tasks.push(if ctx.local { would("wal checkpoint", CHECKPOINT) } else { skipped("wal checkpoint", SERVER_CHECKPOINT) });
        tasks.push(would("integrity check", INTEGRITY));
        tasks.push(match (vacuum_worth, ctx.local) {
            (false, _) => skipped("vacuum", &free),
            (true, true) => would("vacuum", &free),
            (true, false) => skipped("vacuum", &format!("{free}; {SERVER_VACUUM}")),
        });
    } else {
        if ctx.local {
            (ctx.progress)(&format!("maintenance: {stats_sql}"));
            tasks.push(timed("statistics", || conn.exec_script(stats_sql).map(|_| stats_sql.to_string())));
            (ctx.progress)("maintenance: WAL checkpoint");
            tasks.push(timed("wal checkpoint", || checkpoint(conn)));
        } else {
            tasks.push(skipped("statistics", SERVER_STATISTICS));
            tasks.push(skipped("wal checkpoint", SERVER_CHECKPOINT));
        }
        (ctx.progress)("maintenance: integrity check");
        let t = Instant::now();
        let healthy = match integrity(conn) {
            Ok((true, d)) => {
                tasks.push(task("integrity check", TaskStatus::Done, t, d));
                true
            }
            Ok((false, d)) => {
                tasks.push(task("integrity check", TaskStatus::Failed, t, d));
                false
            }
            Err(e) => {
                tasks.push(task("integrity check", TaskStatus::Failed, t, format!("{} ({})", e.message, e.code)));
                false
            }
        };
        if !vacuum_worth {
            tasks.push(skipped("vacuum", &free));
        } else if !healthy {
            tasks.push(skipped("vacuum", "the integrity check failed: not rewriting the file"));
        } else if !ctx.local {
            tasks.push(skipped("vacuum", &format!("{free}; {SERVER_VACUUM}")));
        } else {
            (ctx.progress)("maintenance: VACUUM");
            tasks.push(timed("vacuum", || {
                conn.hold_checkpoints(|c| c.exec_script(VACUUM))?;
                // VACUUM in WAL mode writes the new file into the WAL: write it back now.
                let after = checkpoint(conn)?;
                Ok(format!("{free}; now {} pages; {after}", int(conn, PAGE_COUNT)?))
            }));
        }
        (ctx.after_ddl)(conn);
    }
    let failed: Vec<&str> = tasks.iter().filter(|t| t.status == TaskStatus::Failed).map(|t| t.name.as_str()).collect();
    let message = match (dry_run, failed.is_empty()) {
        (true, _) => "dry run: nothing was changed".to_string(),
        (false, true) => "maintenance done".to_string(),
        (false, false) => format!("maintenance found problems: {} failed", failed.join(", ")),
    };
    Ok(MaintenanceReport {
        target: ctx.target.clone(),
        ok: failed.is_empty(),
        dry_run,
        tasks,
        page_count,
        freelist_count,
        freelist_ratio: ratio,
        total_ms: ms_since(started),
        message,
    })
}
