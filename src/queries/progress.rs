//! A user's progress on an exam, and the exam's leaderboard.

use super::input;
use super::{list, one};
use crate::db::Call;
use crate::error::Result;
use libsql::Value;
use serde_json::Value as Json;

// Served by idx_user_progress_user_exam (app), idx_user_answers_progress_timeline and
// idx_user_answers_progress_last_miss (003).
pub(crate) const USER_PROGRESS: &str = include_str!("sql/user_progress.sql");
// Served by idx_user_progress_leaderboard and idx_user_answers_progress_timeline (003).
pub(crate) const LEADERBOARD: &str = include_str!("sql/exam_leaderboard.sql");

/// How many recent answers `getUserProgressOptimized` returns.
const RECENT_ANSWERS: i64 = 10;

/// `progress.getUserProgressOptimized(userId, examId)`; JS nests the flat row into
/// `{progress, exam, recentActivity, currentStreak}`.
pub fn user_progress(user_id: &Json, exam_id: &Json) -> Result<Call> {
    let params = vec![
        Value::Integer(input::id(user_id, "userId")?),
        Value::Integer(input::id(exam_id, "examId")?),
        Value::Integer(RECENT_ANSWERS),
    ];
    Ok(Call {
        operation: "progress.getUserProgressOptimized",
        write: false,
        writes: &[],
        scales: false,
        run: Box::new(move |conn| one(conn, USER_PROGRESS, params.clone())),
    })
}

/// `progress.getExamLeaderboardOptimized(examId, limit = 10)`.
pub fn exam_leaderboard(exam_id: &Json, limit: &Json) -> Result<Call> {
    let params = vec![
        Value::Integer(input::id(exam_id, "examId")?),
        Value::Integer(input::opt_int(limit, "limit", 1, 1000)?.unwrap_or(10)),
    ];
    Ok(Call {
        operation: "progress.getExamLeaderboardOptimized",
        write: false,
        writes: &[],
        scales: false,
        run: Box::new(move |conn| list(conn, LEADERBOARD, params.clone())),
    })
}
