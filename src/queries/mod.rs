//! The app's optimized queries (`createOptimizedQueries`): study, progress and Twitter
//! analytics. Each function validates its arguments at once and returns a `Call` that the
//! pool runs like a statement: reads on a reader, writes on the writer inside a group
//! commit. The SQL lives in `sql/`, each file naming the index of `migrations/steps` that
//! serves it; results are JSON rows shaped by `rows`.

mod answers;
mod input;
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
    let mut w = RowWriter::new();
    conn.query_map(sql, params, |row| w.push(row))?;
    Ok(w.finish_list())
}

/// Runs `sql` and returns its first row as `{"row": {...} | null, "dates": [...]}`.
fn one(conn: &mut Conn, sql: &str, params: Vec<Value>) -> Result<String> {
    let mut w = RowWriter::new();
    conn.query_map(sql, params, |row| if w.len() == 0 { w.push(row) } else { Ok(()) })?;
    Ok(w.finish_one())
}

fn opt(v: Option<i64>) -> Value {
    v.map_or(Value::Null, Value::Integer)
}
