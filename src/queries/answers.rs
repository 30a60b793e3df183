//! Recording answers (one, or a batch all or nothing) and session progress. The question's
//! statistics move in the same transaction as the answer, so they never disagree.

use super::input::{self, object, Fields};
use super::one;
use super::rows::RowWriter;
use crate::db::conn::Conn;
use crate::db::Call;
use crate::error::{Error, Kind, Result};
use libsql::Value;
use serde_json::Value as Json;
use std::collections::BTreeMap;

// Served by idx_user_answers_user_question (app).
pub(crate) const INSERT_ANSWER: &str = include_str!("sql/record_answer_insert.sql");
// Primary-key update of questions.
pub(crate) const UPDATE_STATS: &str = include_str!("sql/record_answer_update_question_stats.sql");
// Primary-key update of questions, once per distinct question of a batch.
pub(crate) const APPLY_STATS: &str = include_str!("sql/record_answers_apply_question_stats.sql");
// Served by idx_user_answers_session_progress (003).
pub(crate) const SESSION_PROGRESS_UPDATE: &str = include_str!("sql/session_progress_update.sql");

const ANSWER_FIELDS: &[&str] = &[
    "userId", "questionId", "studySessionId", "testAttemptId", "selectedAnswer", "isCorrect",
    "timeSpentSeconds", "confidenceLevel", "flagged", "changedAnswer",
];

/// What gets written, after validation.
#[derive(Clone)]
struct Answer {
    user_id: i64,
    question_id: i64,
    session_id: Option<i64>,
    attempt_id: Option<i64>,
    selected: String,
    correct: bool,
    time: i64,
    confidence: Option<i64>,
    flagged: bool,
    changed: bool,
}

fn answer(f: &Fields) -> Result<Answer> {
    f.only(ANSWER_FIELDS)?;
    let selected = f.string("selectedAnswer", 10 * 1024)?;
    let selected = match selected {
        Some(s) if !s.is_empty() => s.to_string(),
        Some(_) => return Err(Error::out_of_range(&f.name("selectedAnswer"), "a non-empty string")),
        None => return Err(Error::invalid_type(&f.name("selectedAnswer"), "a non-empty string")),
    };
    Ok(Answer {
        user_id: f.id("userId")?,
        question_id: f.id("questionId")?,
        session_id: f.opt_id("studySessionId")?,
        attempt_id: f.opt_id("testAttemptId")?,
        selected,
        correct: f.boolean("isCorrect")?.ok_or_else(|| Error::invalid_type(&f.name("isCorrect"), "a boolean"))?,
        time: f
            .int("timeSpentSeconds", 0, 86_400 * 7)?
            .ok_or_else(|| Error::invalid_type(&f.name("timeSpentSeconds"), "a number of seconds"))?,
        confidence: f.int("confidenceLevel", 1, 5)?,
        flagged: f.boolean("flagged")?.unwrap_or(false),
        changed: f.boolean("changedAnswer")?.unwrap_or(false),
    })
}

fn not_found(field: &str, id: i64) -> Error {
    Error::new(Kind::Range, "ERR_NOT_FOUND", format!("{field} {id} refers to no row"))
}

fn insert(conn: &mut Conn, a: &Answer, w: &mut RowWriter) -> Result<()> {
    let params = vec![
        Value::Integer(a.user_id),
        Value::Integer(a.question_id),
        super::opt(a.session_id),
        super::opt(a.attempt_id),
        Value::Text(a.selected.clone()),
        Value::Integer(a.correct as i64),
        Value::Integer(a.time),
        super::opt(a.confidence),
        Value::Integer(a.flagged as i64),
        Value::Integer(a.changed as i64),
    ];
    match conn.query_map(INSERT_ANSWER, params, |row| w.push(row)) {
        Ok(_) => Ok(()),
        Err(e) if e.message.contains("FOREIGN KEY") => Err(missing_reference(conn, a).unwrap_or(e)),
        Err(e) => Err(e),
    }
}

/// Names the id a failed foreign key pointed at; only runs on that error path.
fn missing_reference(conn: &mut Conn, a: &Answer) -> Option<Error> {
    let checks = [
        ("userId", "SELECT 1 FROM users WHERE id = ?", Some(a.user_id)),
        ("questionId", "SELECT 1 FROM questions WHERE id = ?", Some(a.question_id)),
        ("studySessionId", "SELECT 1 FROM study_sessions WHERE id = ?", a.session_id),
        ("testAttemptId", "SELECT 1 FROM test_attempts WHERE id = ?", a.attempt_id),
    ];
    for (field, sql, id) in checks {
        let Some(id) = id else { continue };
        if conn.query_map(sql, vec![Value::Integer(id)], |_| Ok(())).ok()?.is_empty() {
            return Some(not_found(field, id));
        }
    }
    None
}

/// `study.recordAnswerOptimized(answer)`: the answer and its question's statistics in one
/// transaction (a savepoint inside the writer's group commit).
pub fn record_answer(args: &Json) -> Result<Call> {
    let a = answer(&object(args, "answer")?)?;
    Ok(Call {
        operation: "study.recordAnswerOptimized",
        write: true,
        writes: &["user_answers", "questions"],
        scales: false,
        run: Box::new(move |conn| {
            let stats = conn.query_map(
                UPDATE_STATS,
                vec![Value::Integer(a.question_id), Value::Integer(a.correct as i64), Value::Integer(a.time)],
                |_| Ok(()),
            )?;
            if stats.is_empty() {
                return Err(not_found("questionId", a.question_id));
            }
            let mut w = RowWriter::one(conn.cell_types);
            insert(conn, &a, &mut w)?;
            Ok(w.finish())
        }),
    })
}

/// `study.recordAnswersBatch(answers)`: all or nothing, one statistics update per question.
pub fn record_answers_batch(args: &Json) -> Result<Call> {
    let list = args.as_array().ok_or_else(|| Error::invalid_type("answers", "an array"))?;
    if list.is_empty() || list.len() > 10_000 {
        return Err(Error::out_of_range("answers", "an array of 1 to 10,000 answers"));
    }
    let answers = list
        .iter()
        .enumerate()
        .map(|(i, v)| answer(&object(v, &format!("answers[{i}]"))?).map_err(|e| prefix(e, i)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Call {
        operation: "study.recordAnswersBatch",
        write: true,
        writes: &["user_answers", "questions"],
        scales: true,
        run: Box::new(move |conn| {
            let mut w = RowWriter::list(conn.cell_types);
            // (count, correct, time sum) per question, applied once each.
            let mut per_question: BTreeMap<i64, (i64, i64, i64)> = BTreeMap::new();
            for (i, a) in answers.iter().enumerate() {
                insert(conn, a, &mut w).map_err(|e| prefix(e, i))?;
                let s = per_question.entry(a.question_id).or_default();
                s.0 += 1;
                s.1 += a.correct as i64;
                s.2 += a.time;
            }
            for (qid, (n, correct, time)) in per_question {
                let params = vec![
                    Value::Integer(qid),
                    Value::Integer(n),
                    Value::Integer(correct),
                    Value::Integer(time),
                    Value::Null,
                ];
                if conn.query_map(APPLY_STATS, params, |_| Ok(()))?.is_empty() {
                    return Err(not_found("questionId", qid));
                }
            }
            Ok(w.finish())
        }),
    })
}

/// Puts the answer's index in front: `answers[2].userId must be...` for a field's refusal,
/// `answers[2]: <what failed>` for a failure while writing it (a server, a constraint).
fn prefix(e: Error, i: usize) -> Error {
    if e.message.starts_with("answers[") {
        e
    } else if e.kind == Kind::Other {
        Error { message: format!("answers[{i}]: {}", e.message), ..e }
    } else {
        Error { message: format!("answers[{i}].{}", e.message), ..e }
    }
}

/// `study.updateSessionProgressOptimized(sessionId)`: the session's figures recomputed in one
/// aggregate query and written back; `null` for an unknown session or one with no answers.
pub fn update_session_progress(session_id: &Json) -> Result<Call> {
    let id = input::id(session_id, "sessionId")?;
    Ok(Call {
        operation: "study.updateSessionProgressOptimized",
        write: true,
        writes: &["study_sessions"],
        scales: false,
        run: Box::new(move |conn| one(conn, SESSION_PROGRESS_UPDATE, vec![Value::Integer(id)])),
    })
}
