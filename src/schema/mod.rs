//! The app's schema (its drizzle migration, corrected where SQLite rejects it) and a
//! deterministic synthetic dataset, both in SQL files beside this one.

use crate::db::conn::Conn;
use crate::error::{Error, Result};
use serde::Serialize;
use std::time::Instant;

pub const APP_SCHEMA: &str = include_str!("app_schema.sql");
const SEED: &str = include_str!("seed.sql");

/// The app's tables, in the order of its migration.
pub const APP_TABLES: &[&str] = &[
    "users",
    "exams",
    "objectives",
    "questions",
    "study_sessions",
    "test_attempts",
    "user_answers",
    "user_progress",
    "twitter_accounts",
    "tweets",
    "engagement_opportunities",
    "growth_metrics",
    "voice_profiles",
    "ai_generation_log",
    "audit_log",
];

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedReport {
    pub scale: f64,
    pub seeded: bool,
    pub ms: f64,
    pub rows: Vec<(String, i64)>,
}

/// Creates every missing table and index of the app (idempotent).
pub fn apply_schema(conn: &mut Conn) -> Result<()> {
    conn.exec_script(APP_SCHEMA)
}

pub fn row_counts(conn: &mut Conn) -> Result<Vec<(String, i64)>> {
    APP_TABLES
        .iter()
        .map(|t| {
            // Table names come from the constant list above, never from input.
            let n = conn.query_map(&format!("SELECT count(*) FROM \"{t}\""), vec![], |r| Ok(r.get::<i64>(0)?))?;
            Ok((t.to_string(), n.first().copied().unwrap_or(0)))
        })
        .collect()
}

/// Creates the schema when missing, then seeds it at `scale` (1 = about 200,000 answers)
/// unless it already holds questions. `now` anchors every timestamp (unix seconds).
pub fn seed(conn: &mut Conn, scale: f64, now: i64) -> Result<SeedReport> {
    if !(scale.is_finite() && scale > 0.0 && scale <= 100.0) {
        return Err(Error::out_of_range("scale", "a number above 0 and at most 100"));
    }
    let started = Instant::now();
    apply_schema(conn)?;
    let existing = conn.query_map("SELECT count(*) FROM questions", vec![], |r| Ok(r.get::<i64>(0)?))?;
    if existing.first().copied().unwrap_or(0) > 0 {
        return Ok(SeedReport { scale, seeded: false, ms: 0.0, rows: row_counts(conn)? });
    }
    let r = seed_in_transaction(conn, scale, now);
    if r.is_err() && !conn.is_autocommit() {
        let _ = conn.exec_script("ROLLBACK");
    }
    r?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(SeedReport { scale, seeded: true, ms, rows: row_counts(conn)? })
}

const PARAMS: &str = "seed_params(scale REAL NOT NULL, now INTEGER NOT NULL)";
const DROP_PARAMS: &str = "DROP TABLE IF EXISTS seed_params;\n";
/// The helpers seed.sql creates, besides seed_params.
const DROP_HELPERS: &str = "DROP VIEW IF EXISTS _seed_cfg;\nDROP TABLE IF EXISTS _seed_ua;\nDROP TABLE IF EXISTS _seed_pool;\n\
                            DROP TABLE IF EXISTS _seed_pool_exam;\nDROP TABLE IF EXISTS _seed_pool_obj;\n";

/// seed.sql runs in one transaction that also creates and fills seed_params, so a failed or
/// interrupted seed leaves nothing, and no other connection ever sees a helper. sqld refuses
/// TEMP objects: there the helpers are created in the main schema and dropped before COMMIT,
/// so a concurrent seeder cannot drop or reuse them.
fn seed_in_transaction(conn: &mut Conn, scale: f64, now: i64) -> Result<()> {
    conn.exec_script("BEGIN")?;
    let script = match conn.exec_script(&format!("CREATE TEMP TABLE {PARAMS}")) {
        Ok(()) => in_temp()?,
        // sqld refuses the statement before SQLite sees it: the transaction stays open.
        Err(e) if temp_refused(&e) => {
            conn.exec_script(&format!("CREATE TABLE {PARAMS}"))?;
            in_main()?
        }
        Err(e) => return Err(e),
    };
    conn.exec("INSERT INTO seed_params VALUES (?, ?)", vec![scale.into(), now.into()])?;
    conn.exec_script(&script)
}

/// sqld's answer to a TEMP object; any other failure (timeout, auth, connection) is an error.
fn temp_refused(e: &Error) -> bool {
    e.code == "SQLITE_ERROR" && e.message.to_ascii_lowercase().contains("unsupported statement")
}

/// seed.sql after its BEGIN (the caller has opened the transaction and filled seed_params).
fn body() -> Result<&'static str> {
    SEED.split_once("\nBEGIN;\n").map(|(_, b)| b).ok_or_else(|| Error::internal("seed.sql does not open its transaction with BEGIN;"))
}

/// Inserts `drops` right before the final COMMIT.
fn before_commit(sql: &str, drops: &str) -> Result<String> {
    let commit = sql.rfind("COMMIT;").ok_or_else(|| Error::internal("seed.sql does not end with COMMIT;"))?;
    Ok(format!("{}{drops}{}", &sql[..commit], &sql[commit..]))
}

/// The TEMP helpers stay on the connection (emptied); seed_params goes, so the next seed on
/// this connection creates it afresh.
fn in_temp() -> Result<String> {
    before_commit(body()?, DROP_PARAMS)
}

/// Every helper in the main schema, each dropped again before the final COMMIT.
fn in_main() -> Result<String> {
    before_commit(&body()?.replace("CREATE TEMP ", "CREATE "), &format!("{DROP_HELPERS}{DROP_PARAMS}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_main_schema_seed_creates_no_temp_object_and_drops_each_helper_and_seed_params() {
        let sql = format!("CREATE TABLE IF NOT EXISTS {}\n{}", super::PARAMS, super::in_main().expect("the embedded seed.sql splits"));
        assert!(!sql.to_ascii_uppercase().contains("CREATE TEMP"));
        for line in sql.lines().filter(|l| l.starts_with("CREATE ")) {
            let name = line.split_whitespace().nth(5).expect("CREATE kind IF NOT EXISTS name");
            let name = name.split('(').next().unwrap_or(name);
            assert!(sql.contains(&format!("DROP VIEW IF EXISTS {name};")) || sql.contains(&format!("DROP TABLE IF EXISTS {name};")), "{name}");
        }
        assert!(sql.trim_end().ends_with("COMMIT;"));
        assert!(!super::in_main().expect("the embedded seed.sql splits").contains("BEGIN;"), "the caller opens the transaction");
    }

    #[test]
    fn only_the_refusal_of_a_temp_object_moves_the_helpers_to_the_main_schema() {
        use crate::error::{Error, Kind};
        let refused = Error::new(Kind::Other, "SQLITE_ERROR", "Hrana: `api error: `status=400 Bad Request, body={\"message\":\"unsupported statement\"}``");
        assert!(super::temp_refused(&refused));
        for other in [
            Error::timeout("the database", 30_000),
            Error::new(Kind::Other, "ERR_AUTH", "Hrana: `api error: `status=401 Unauthorized``"),
            Error::new(Kind::Other, "ERR_CONNECTION", "Hrana: `error sending request`"),
            Error::new(Kind::Other, "SQLITE_ERROR", "near \"TEMP\": syntax error"),
        ] {
            assert!(!super::temp_refused(&other), "{other:?}");
        }
    }
}
