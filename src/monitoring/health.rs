//! DatabaseHealthChecker: connectivity, the app's tables and indexes, a sample query's
//! timing and, for an embedded replica, how fresh it is. Each check reports
//! `{status: pass|warn|fail, message, duration}` as in the original; the database is healthy
//! when none fails. Checks run on a reader connection directly: the result cache would
//! otherwise answer the sample query from memory and time nothing (the original's did).

use crate::config::Backend;
use crate::db::database::Ready;
use crate::db::Database;
use crate::error::Error;
use crate::schema::{APP_SCHEMA, APP_TABLES};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashSet;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// The original's targets for the sample query.
const SAMPLE_QUERY: &str = "SELECT COUNT(*) FROM questions WHERE is_active = 1";
const PASS_MS: f64 = 50.0;
const WARN_MS: f64 = 200.0;
const RECOMMEND_MS: f64 = 100.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub status: Status,
    pub message: String,
    /// Milliseconds the check took.
    pub duration: f64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Check {
    fn new(status: Status, message: String, started: Instant) -> Self {
        Check { status, message, duration: started.elapsed().as_secs_f64() * 1000.0, extra: Map::new() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Checks {
    pub connectivity: Check,
    pub tables: Check,
    pub indexes: Check,
    pub performance: Check,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication: Option<Check>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthReport {
    pub healthy: bool,
    pub checks: Checks,
    pub recommendations: Vec<String>,
}

/// The indexes the app's schema creates, by name.
pub fn app_indexes() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let words: Vec<&str> = APP_SCHEMA.split_whitespace().collect();
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if !w.eq_ignore_ascii_case("INDEX") || i == 0 {
                continue;
            }
            let prev = words[i - 1];
            let create = prev.eq_ignore_ascii_case("CREATE")
                || (prev.eq_ignore_ascii_case("UNIQUE") && i >= 2 && words[i - 2].eq_ignore_ascii_case("CREATE"));
            if !create {
                continue;
            }
            let mut j = i + 1;
            if words.get(j).is_some_and(|w| w.eq_ignore_ascii_case("IF")) {
                j += 3;
            }
            if let Some(name) = words.get(j) {
                out.push(name.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']').to_string());
            }
        }
        out
    })
}

fn names(ready: &Arc<Ready>, kind: &'static str) -> impl std::future::Future<Output = crate::error::Result<Vec<String>>> {
    let r = ready.clone();
    async move {
        r.read_async(move |c| {
            c.query_map(
                "SELECT name FROM sqlite_schema WHERE type = ? AND name NOT LIKE 'sqlite_%'",
                vec![kind.into()],
                |row| Ok(row.get::<String>(0)?),
            )
        })
        .await
    }
}

fn list(items: &[&str]) -> String {
    const SHOWN: usize = 8;
    let mut s = items.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
    if items.len() > SHOWN {
        s.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    s
}

fn failed_all(e: &Error, started: Instant) -> HealthReport {
    let c = |status, what: &str| Check::new(status, format!("{what}: {}", e.message), started);
    HealthReport {
        healthy: false,
        checks: Checks {
            connectivity: c(Status::Fail, "Connection failed"),
            tables: c(Status::Fail, "Table check failed"),
            indexes: c(Status::Warn, "Index check failed"),
            performance: c(Status::Fail, "Performance test failed"),
            replication: None,
        },
        recommendations: vec!["Check database connectivity and credentials".to_string()],
    }
}

pub async fn check_health(db: &Database) -> HealthReport {
    let started = Instant::now();
    let ready = match db.ready().await {
        Ok(r) => r,
        Err(e) => return failed_all(&db.scrub(e), started),
    };
    let mut recommendations = Vec::new();

    let t = Instant::now();
    let connectivity = match ready.read_async(|c| c.query_map("SELECT 1", vec![], |_| Ok(()))).await {
        Ok(_) => Check::new(Status::Pass, "Database connection successful".to_string(), t),
        Err(e) => {
            recommendations.push("Check database connectivity and credentials".to_string());
            Check::new(Status::Fail, format!("Connection failed: {}", db.scrub(e).message), t)
        }
    };

    let t = Instant::now();
    let tables = match names(&ready, "table").await {
        Ok(found) => {
            let have: HashSet<&str> = found.iter().map(String::as_str).collect();
            let missing: Vec<&str> = APP_TABLES.iter().copied().filter(|t| !have.contains(t)).collect();
            if missing.is_empty() {
                Check::new(Status::Pass, format!("All {} tables available", found.len()), t)
            } else {
                recommendations.push("Create the app's schema: run the migrations or seedDatabase(db)".to_string());
                Check::new(Status::Fail, format!("Missing tables: {}", missing.join(", ")), t)
            }
        }
        Err(e) => Check::new(Status::Fail, format!("Table check failed: {}", db.scrub(e).message), t),
    };

    let t = Instant::now();
    let indexes = match names(&ready, "index").await {
        Ok(found) => {
            let have: HashSet<&str> = found.iter().map(String::as_str).collect();
            let missing: Vec<&str> = app_indexes().iter().map(String::as_str).filter(|i| !have.contains(i)).collect();
            let mut c = if missing.is_empty() {
                Check::new(Status::Pass, format!("{} custom indexes found", found.len()), t)
            } else {
                recommendations.push("Consider adding more indexes for query optimization".to_string());
                Check::new(
                    Status::Warn,
                    format!("{} custom indexes found; {} of the app's {} missing: {}", found.len(), missing.len(), app_indexes().len(), list(&missing)),
                    t,
                )
            };
            c.extra.insert("count".into(), json!(found.len()));
            c
        }
        Err(e) => Check::new(Status::Warn, format!("Index check failed: {}", db.scrub(e).message), t),
    };

    let t = Instant::now();
    let performance = match ready.read_async(|c| c.query_map(SAMPLE_QUERY, vec![], |_| Ok(()))).await {
        Ok(_) => {
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            let status = if ms < PASS_MS {
                Status::Pass
            } else if ms < WARN_MS {
                Status::Warn
            } else {
                Status::Fail
            };
            if ms > RECOMMEND_MS {
                recommendations.push("Query performance is slower than target (<50ms for basic queries)".to_string());
            }
            Check::new(status, format!("Sample query took {ms:.2}ms"), t)
        }
        Err(e) => Check::new(Status::Fail, format!("Performance test failed: {}", db.scrub(e).message), t),
    };

    let replication = replication(db, &ready, &mut recommendations);
    let checks = Checks { connectivity, tables, indexes, performance, replication };
    let healthy = [&checks.connectivity, &checks.tables, &checks.indexes, &checks.performance]
        .into_iter()
        .chain(checks.replication.as_ref())
        .all(|c| c.status != Status::Fail);
    HealthReport { healthy, checks, recommendations }
}

/// How fresh an embedded replica is: the time since its last successful sync bounds how far
/// it can lag its primary.
fn replication(db: &Database, ready: &Ready, recommendations: &mut Vec<String>) -> Option<Check> {
    let s = ready.sync.as_ref()?;
    let t = Instant::now();
    let last = s.last_sync_unix_ms.load(Relaxed);
    let errors = s.errors.load(Relaxed);
    let interval_s = db.cfg.sync_interval_secs;
    let now = super::now_ms();
    let lag_ms = (last > 0).then(|| (now - last as f64).max(0.0));
    let (status, message) = match lag_ms {
        None => (Status::Fail, "Never synced from the primary".to_string()),
        Some(lag) => {
            let ago = format!("Last sync {:.1}s ago", lag / 1000.0);
            if interval_s == 0 {
                (Status::Pass, format!("{ago} (periodic sync off), {errors} sync errors"))
            } else if lag <= (2 * interval_s * 1000 + 5000) as f64 {
                (Status::Pass, format!("{ago} (every {interval_s}s), {errors} sync errors"))
            } else {
                recommendations.push("The replica is behind its primary: check the connection to the primary".to_string());
                (Status::Warn, format!("{ago}, over twice the sync interval ({interval_s}s): reads may be stale; {errors} sync errors"))
            }
        }
    };
    let mut c = Check::new(status, message, t);
    c.extra.insert("lagMs".into(), json!(lag_ms));
    c.extra.insert("lastSyncAt".into(), json!((last > 0).then_some(last)));
    c.extra.insert("syncErrors".into(), json!(errors));
    c.extra.insert("syncInterval".into(), json!(interval_s));
    if let Backend::Replica { .. } = db.cfg.backend {
        c.extra.insert("framesSynced".into(), json!(s.frames_synced.load(Relaxed)));
    }
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_schema_indexes_are_found() {
        let names = app_indexes();
        assert!(names.len() >= 50, "{}", names.len());
        assert!(names.iter().any(|n| n == "users_email_unique"));
        assert!(names.iter().any(|n| n == "idx_questions_active"));
        assert!(names.iter().all(|n| !n.is_empty() && !n.contains('(')));
    }
}
