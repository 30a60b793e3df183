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
    const PARAMS: &str = "seed_params(scale REAL NOT NULL, now INTEGER NOT NULL)";
    // sqld refuses TEMP objects ("unsupported statement"): there the seed's helpers live in the
    // main schema, inside its transaction, and are dropped before it commits.
    let in_main = conn.exec_script(&format!("DROP TABLE IF EXISTS temp.seed_params; CREATE TEMP TABLE {PARAMS}")).is_err();
    let script = if in_main {
        conn.exec_script(&format!("DROP TABLE IF EXISTS seed_params; CREATE TABLE {PARAMS}"))?;
        seed_in_main()
    } else {
        SEED.to_string()
    };
    conn.exec("INSERT INTO seed_params VALUES (?, ?)", vec![scale.into(), now.into()])?;
    let r = conn.exec_script(&script);
    if r.is_err() && !conn.is_autocommit() {
        let _ = conn.exec_script("ROLLBACK");
    }
    let _ = conn.exec_script("DROP TABLE IF EXISTS seed_params");
    r?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(SeedReport { scale, seeded: true, ms, rows: row_counts(conn)? })
}

/// seed.sql with its TEMP helpers in the main schema, dropped again before the final COMMIT.
fn seed_in_main() -> String {
    const DROPS: &str = "DROP VIEW IF EXISTS _seed_cfg;\nDROP TABLE IF EXISTS _seed_ua;\nDROP TABLE IF EXISTS _seed_pool;\n\
                         DROP TABLE IF EXISTS _seed_pool_exam;\nDROP TABLE IF EXISTS _seed_pool_obj;\n";
    let sql = SEED.replace("CREATE TEMP ", "CREATE ");
    let commit = sql.rfind("COMMIT;").expect("seed.sql ends with COMMIT");
    format!("{}{DROPS}{}", &sql[..commit], &sql[commit..])
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_main_schema_seed_creates_no_temp_object_and_drops_each_helper_it_creates() {
        let sql = super::seed_in_main();
        assert!(!sql.to_ascii_uppercase().contains("CREATE TEMP"));
        for line in sql.lines().filter(|l| l.starts_with("CREATE ")) {
            let name = line.split_whitespace().nth(5).expect("CREATE kind IF NOT EXISTS name");
            let name = name.trim_end_matches(['(', ' ']);
            assert!(sql.contains(&format!("DROP VIEW IF EXISTS {name};")) || sql.contains(&format!("DROP TABLE IF EXISTS {name};")), "{name}");
        }
        assert!(sql.trim_end().ends_with("COMMIT;"));
    }
}
