//! The app's optimized queries (`createOptimizedQueries`): study, progress and Twitter
//! analytics. Each function validates its arguments at once and returns a `Call` that the
//! pool runs like a statement: reads on a reader, writes on the writer inside a group
//! commit. The SQL lives in `sql/`, each file naming the index of `migrations/steps` that
//! serves it; results are JSON rows shaped by `rows`.

mod answers;
mod input;
mod pending;
mod practice;
mod progress;
pub mod rows;
mod study;
mod twitter;

pub use answers::{record_answer, record_answers_batch, update_session_progress};
pub use progress::{exam_leaderboard, user_progress};
pub use study::{search_questions, study_questions};
pub use twitter::{growth_analytics, pending_opportunities};

use crate::db::conn::Conn;
use crate::error::Result;
use libsql::Value;
use rows::RowWriter;

/// Runs `sql` and returns its rows as `{"rows": [...], "dates": [...]}`.
fn list(conn: &mut Conn, sql: &str, params: Vec<Value>) -> Result<String> {
    let mut w = RowWriter::list(conn.cell_types);
    conn.query_map(sql, params, |row| w.push(row))?;
    Ok(w.finish())
}

/// Runs `sql` and returns its first row as `{"row": {...} | null, "dates": [...]}`.
fn one(conn: &mut Conn, sql: &str, params: Vec<Value>) -> Result<String> {
    let mut w = RowWriter::one(conn.cell_types);
    conn.query_map(sql, params, |row| w.push(row))?;
    Ok(w.finish())
}

fn opt(v: Option<i64>) -> Value {
    v.map_or(Value::Null, Value::Integer)
}

/// The cache warmer's own queries (lib/caching.js ACTIVE_USERS_SQL and ACTIVE_EXAMS_SQL),
/// repeated here so that their plans are shown with the others; a test keeps them equal.
/// Served by idx_user_answers_cache_warm_active (optimize step 003): a range on answer time per
/// question of the warmed exams, index-only.
const CACHE_WARM_ACTIVE_USERS: &str = "SELECT ua.user_id AS user_id, q.exam_id AS exam_id, count(*) AS n
FROM user_answers ua JOIN questions q ON q.id = ua.question_id
WHERE q.exam_id IN (SELECT value FROM json_each(?))
  AND (CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END) >= ?
GROUP BY ua.user_id, q.exam_id ORDER BY n DESC LIMIT ?";
/// Served by idx_exams_cache_warm_popular (optimize step 003): the active exams already in
/// total_attempts order, so no sort.
const CACHE_WARM_ACTIVE_EXAMS: &str = "SELECT id FROM exams WHERE is_active = 1 ORDER BY total_attempts DESC LIMIT 10";

/// `EXPLAIN QUERY PLAN` of every query with typical arguments, as `{name: [detail, ...]}`:
/// how a user (and a test) sees which index serves which query.
pub fn explain() -> crate::db::Call {
    use Value::{Integer as I, Null, Real as R, Text as T};
    let study = |i: i64| vec![I(1), I(1), I(1), I(5), Null, R(24.0), I(20), I(i)];
    let objectives = || vec![I(1), I(1), I(1), I(5), T("[1,2]".into()), R(24.0), I(20), I(7)];
    let plans: Vec<(&'static str, &'static str, Vec<Value>)> = vec![
        ("study_questions_practice_points", practice::POINTS, vec![I(1), I(1), I(5), Null, T("[7,1000000]".into()), I(8)]),
        ("study_questions_practice", practice::WALK, vec![I(1), I(7), I(1), I(5), Null, I(8)]),
        ("study_questions_custom", practice::WALK, vec![I(1), I(7), I(1), I(5), T("[1,2]".into()), I(8)]),
        ("study_recent_answers", practice::RECENT, vec![I(1), I(1_700_000_000)]),
        ("study_questions_rows", practice::ROWS, vec![T("[1,2,3]".into())]),
        ("study_questions_speed_drill", study::SPEED_DRILL, study(7)),
        ("study_questions_speed_drill_objectives", study::SPEED_DRILL, objectives()),
        ("study_questions_weak_areas", study::WEAK_AREAS, study(7)),
        ("study_questions_weak_areas_objectives", study::WEAK_AREAS, objectives()),
        ("study_questions_review", study::REVIEW, study(7)),
        ("study_questions_review_objectives", study::REVIEW, objectives()),
        ("record_answer_insert", answers::INSERT_ANSWER, vec![I(1), I(1), Null, Null, T("a".into()), I(1), I(10), Null, I(0), I(0)]),
        ("record_answer_update_question_stats", answers::UPDATE_STATS, vec![I(1), I(1), I(10)]),
        ("record_answers_apply_question_stats", answers::APPLY_STATS, vec![I(1), I(3), I(2), I(30), Null]),
        ("session_progress_update", answers::SESSION_PROGRESS_UPDATE, vec![I(1)]),
        ("user_progress", progress::USER_PROGRESS, vec![I(1), I(1), I(10)]),
        ("exam_leaderboard", progress::LEADERBOARD, vec![I(1), I(10)]),
        ("pending_opportunities_walk", pending::WALK, vec![]),
        ("pending_opportunities_rows", pending::ROWS, vec![T("[1,2,3]".into())]),
        ("growth_analytics", twitter::GROWTH, vec![I(30)]),
        ("cache_warm_active_users", CACHE_WARM_ACTIVE_USERS, vec![T("[1,2]".into()), I(0), I(100)]),
        ("cache_warm_active_exams", CACHE_WARM_ACTIVE_EXAMS, vec![]),
    ];
    crate::db::Call {
        operation: "queries.explain",
        write: false,
        writes: &[],
        scales: false,
        run: Box::new(move |conn| {
            let mut out = serde_json::Map::new();
            for (name, sql, params) in &plans {
                let lines = conn.query_map(&format!("EXPLAIN QUERY PLAN {sql}"), params.clone(), |row| {
                    Ok(serde_json::Value::String(row.get::<String>(3)?))
                })?;
                out.insert((*name).to_string(), serde_json::Value::Array(lines));
            }
            Ok(serde_json::Value::Object(out).to_string())
        }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cache_warmer_queries_are_the_ones_lib_caching_runs() {
        let js = include_str!("../../lib/caching.js");
        assert!(js.contains(&format!("const ACTIVE_USERS_SQL = `{}`", super::CACHE_WARM_ACTIVE_USERS)));
        assert!(js.contains(&format!("const ACTIVE_EXAMS_SQL = '{}'", super::CACHE_WARM_ACTIVE_EXAMS)));
    }
}
