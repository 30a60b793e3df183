//! `db:health`: a small health check for the command line (connectivity, the app's tables,
//! index count, optimize steps, a timed sample query). The monitoring module's full health
//! checker can replace `check` later; the report shape is the one it will print.

use crate::db::conn::Conn;
use crate::migrations::report::ms_since;
use crate::migrations::{inspect, journal, plan, report::Status, steps::STEPS};
use crate::schema::APP_TABLES;
use serde::Serialize;
use std::time::Instant;

const PING: &str = "SELECT 1";
const SAMPLE_EXAM: &str = "SELECT min(id) FROM exams";
/// The study flow's first read: 20 active questions of an exam (src/queries has the tuned ones).
const SAMPLE_QUERY: &str =
    "SELECT id, objective_id, difficulty FROM questions WHERE exam_id = ? AND is_active = 1 ORDER BY id LIMIT 20";
/// The original monitor's line between healthy and not for one round trip.
const CONNECTIVITY_LIMIT_MS: f64 = 500.0;
/// Its advice threshold: a round trip above this asks for replicas closer to users.
const REPLICA_ADVICE_MS: f64 = 200.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub name: String,
    pub status: CheckStatus,
    pub ms: Option<f64>,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthReport {
    pub target: String,
    pub healthy: bool,
    /// healthy (all pass), degraded (warnings), unhealthy (a check failed).
    pub status: String,
    pub checks: Vec<Check>,
    pub recommendations: Vec<String>,
    pub total_ms: f64,
}

struct Builder {
    checks: Vec<Check>,
    recommendations: Vec<String>,
}

impl Builder {
    fn add(&mut self, name: &str, status: CheckStatus, ms: Option<f64>, detail: impl Into<String>) {
        self.checks.push(Check { name: name.into(), status, ms, detail: detail.into() });
    }

    fn advise(&mut self, text: impl Into<String>) {
        self.recommendations.push(text.into());
    }

    fn finish(self, target: &str, started: Instant) -> HealthReport {
        let fail = self.checks.iter().any(|c| c.status == CheckStatus::Fail);
        let warn = self.checks.iter().any(|c| c.status == CheckStatus::Warn);
        let status = if fail { "unhealthy" } else if warn { "degraded" } else { "healthy" };
        HealthReport {
            target: target.into(),
            healthy: !fail,
            status: status.into(),
            checks: self.checks,
            recommendations: self.recommendations,
            total_ms: ms_since(started),
        }
    }
}

impl HealthReport {
    /// An embedded replica: its replication index and how long ago it last synced (this
    /// command opened it, so that is the sync it did on opening).
    pub fn add_replication(&mut self, s: &crate::db::database::SyncState) {
        use std::sync::atomic::Ordering::Relaxed;
        let last = s.last_sync_unix_ms.load(Relaxed);
        // Clamped as in the monitoring check: a wall clock stepped back gives no negative lag.
        let lag_ms = (crate::monitoring::now_ms() - last as f64).max(0.0);
        let frame = s.frame_no.load(Relaxed).checked_sub(1).map_or("none".to_string(), |f| f.to_string());
        let (status, detail) = if last == 0 {
            (CheckStatus::Fail, "never synced from the primary".to_string())
        } else {
            (CheckStatus::Pass, format!("lag {lag_ms:.0} ms (last sync at {last} unix ms), frame {frame}, {} sync errors", s.errors.load(Relaxed)))
        };
        let ms = Some(s.last_duration_us.load(Relaxed) as f64 / 1000.0);
        self.checks.push(Check { name: "replication".into(), status, ms, detail });
        if status == CheckStatus::Fail {
            self.healthy = false;
            self.status = "unhealthy".into();
        }
    }
}

/// The database could not be opened or reached at all.
pub fn unreachable(target: &str, code: &str, message: &str) -> HealthReport {
    let started = Instant::now();
    let mut b = Builder { checks: vec![], recommendations: vec![] };
    b.add("connectivity", CheckStatus::Fail, None, format!("{message} ({code})"));
    b.advise(if code == "ERR_NOT_APP_SCHEMA" {
        "create the database with `npm run db:seed` or point --url at the app's database"
    } else {
        "check the database URL, that the server is up, and the credentials"
    });
    b.finish(target, started)
}

/// Runs every check on `conn` (a reader, or a read-only connection to a local file).
pub fn check(conn: &mut Conn, target: &str, slow_query_ms: f64) -> HealthReport {
    let started = Instant::now();
    let mut b = Builder { checks: vec![], recommendations: vec![] };

    let t = Instant::now();
    match conn.query_map(PING, vec![], |_| Ok(())) {
        Ok(_) => {
            let ms = ms_since(t);
            let status = if ms > CONNECTIVITY_LIMIT_MS { CheckStatus::Fail } else { CheckStatus::Pass };
            b.add("connectivity", status, Some(ms), "SELECT 1");
            if ms > REPLICA_ADVICE_MS {
                b.advise("Consider adding more database replicas closer to users");
            }
        }
        Err(e) => {
            b.add("connectivity", CheckStatus::Fail, Some(ms_since(t)), format!("{} ({})", e.message, e.code));
            b.advise("check the database URL, that the server is up, and the credentials");
            return b.finish(target, started);
        }
    }

    let schema = match inspect::read(conn) {
        Ok(s) => s,
        Err(e) => {
            b.add("tables", CheckStatus::Fail, None, format!("cannot read sqlite_master: {}", e.message));
            return b.finish(target, started);
        }
    };
    let missing = schema.missing_app_tables();
    if missing.is_empty() {
        b.add("tables", CheckStatus::Pass, None, format!("all {} app tables present", APP_TABLES.len()));
    } else {
        b.add("tables", CheckStatus::Fail, None, format!("missing: {}", missing.join(", ")));
        b.advise("create the app's schema: `npm run db:seed` (or run the app's migration)");
    }
    b.add("indexes", CheckStatus::Pass, None, format!("{} indexes", schema.index_count()));

    match journal::read(conn, &schema) {
        Ok(j) => {
            let pending: Vec<&str> = STEPS.iter().filter(|s| plan::status(s, &j) == Status::Pending).map(|s| s.id).collect();
            let changed: Vec<&str> = STEPS.iter().filter(|s| plan::status(s, &j) == Status::Changed).map(|s| s.id).collect();
            let applied = STEPS.len() - pending.len();
            if pending.is_empty() && changed.is_empty() {
                b.add("optimize steps", CheckStatus::Pass, None, format!("all {applied} applied"));
            } else {
                let mut detail = format!("{applied} of {} applied", STEPS.len());
                if !pending.is_empty() {
                    detail.push_str(&format!("; pending: {}", pending.join(", ")));
                    b.advise(format!("apply the performance migration: `npm run db:optimize` ({} step(s) pending)", pending.len()));
                }
                if !changed.is_empty() {
                    detail.push_str(&format!("; changed since applied: {}", changed.join(", ")));
                }
                b.add("optimize steps", CheckStatus::Warn, None, detail);
            }
        }
        Err(e) => b.add("optimize steps", CheckStatus::Warn, None, format!("cannot read the journal: {}", e.message)),
    }

    if missing.is_empty() {
        let t = Instant::now();
        let sample = conn
            .query_map(SAMPLE_EXAM, vec![], |r| Ok(r.get::<Option<i64>>(0)?))
            .and_then(|exam| {
                let exam = exam.first().copied().flatten().unwrap_or(0);
                conn.query_map(SAMPLE_QUERY, vec![exam.into()], |_| Ok(())).map(|rows| (exam, rows.len()))
            });
        let ms = ms_since(t);
        match sample {
            Ok((exam, n)) if ms > slow_query_ms => {
                b.add("sample query", CheckStatus::Warn, Some(ms), format!("{n} questions of exam {exam}: slower than {slow_query_ms} ms"));
                b.advise("refresh statistics: `npm run db:optimize -- --maintenance`");
            }
            Ok((exam, n)) => b.add("sample query", CheckStatus::Pass, Some(ms), format!("{n} questions of exam {exam}")),
            Err(e) => b.add("sample query", CheckStatus::Fail, Some(ms), format!("{} ({})", e.message, e.code)),
        }
    }
    b.finish(target, started)
}
