//! One operation of a virtual user as a request: the optimized query it stands for, with
//! arguments drawn from the seeded data and the user's own state, and what the user keeps
//! from the answer (the questions it was served, its session id).

use super::dataset::Dataset;
use super::rng::Rng;
use super::scenario::{OpParams, Operation};
use crate::db::{Call, Request};
use crate::error::Result;
use crate::queries;
use libsql::Value;
use serde::Deserialize;
use serde_json::json;

/// What one virtual user carries between requests.
pub struct UserState {
    pub user_id: i64,
    pub exam_id: i64,
    /// The exam's active approved question ids run from here to `max_question`.
    pub min_question: i64,
    pub max_question: i64,
    pub session_id: Option<i64>,
    /// Questions the last study request served, not yet answered: a user answers what it
    /// was shown.
    pub served: Vec<i64>,
    pub rng: Rng,
}

/// What to do with a successful outcome.
pub enum Follow {
    Nothing,
    /// Keep the served question ids.
    Served,
    /// Count the answer (its marker is in the database now).
    Answer,
    /// Keep the new session's id.
    Session,
}

/// The request for `op`; `marker` labels a recorded answer (`lt:<run>:<n>`).
pub fn build(op: Operation, p: &OpParams, st: &mut UserState, data: &Dataset, marker: impl FnOnce() -> String) -> Result<(Request, Follow)> {
    let (call, follow) = match op {
        Operation::StudyQuestions => {
            // The original drew min 1-3 and max 3-5.
            let (min, max) = p.difficulty.unwrap_or_else(|| (st.rng.between(1, 3), st.rng.between(3, 5)));
            let mut args = json!({
                "userId": st.user_id,
                "examId": p.exam_id.unwrap_or(st.exam_id),
                "difficulty": { "min": min, "max": max },
                "limit": p.limit.unwrap_or(20),
            });
            if let Some(m) = &p.mode {
                args["mode"] = json!(m);
            }
            (queries::study_questions(&args)?, Follow::Served)
        }
        Operation::RecordAnswer => {
            let question = p.question_id.or_else(|| st.served.pop()).unwrap_or_else(|| {
                let range = p.exam_id.and_then(|e| data.exam(e)).map(|e| (e.min_question, e.max_question));
                let (lo, hi) = range.unwrap_or((st.min_question, st.max_question));
                st.rng.between(lo, hi)
            });
            let args = json!({
                "userId": st.user_id,
                "questionId": question,
                "studySessionId": st.session_id,
                "selectedAnswer": marker(),
                "isCorrect": st.rng.chance(0.7),
                "timeSpentSeconds": st.rng.between(15, 195),
            });
            (queries::record_answer(&args)?, Follow::Answer)
        }
        Operation::SessionProgress => {
            let id = p.session_id.or(st.session_id).unwrap_or(1);
            (queries::update_session_progress(&json!(id))?, Follow::Nothing)
        }
        Operation::Leaderboard => {
            let exam = p.exam_id.unwrap_or_else(|| data.random_exam(&mut st.rng).exam_id);
            (queries::exam_leaderboard(&json!(exam), &json!(p.limit.unwrap_or(10)))?, Follow::Nothing)
        }
        Operation::TwitterAnalytics => (queries::growth_analytics(&json!(p.days.unwrap_or(30)))?, Follow::Nothing),
        Operation::StartSession => (start_session(st.user_id, st.exam_id), Follow::Session),
    };
    Ok((Request::Call(call), follow))
}

/// A user opening a practice session: a plain INSERT, its id back.
fn start_session(user_id: i64, exam_id: i64) -> Call {
    Call {
        operation: "loadtest.startSession",
        write: true,
        writes: &["study_sessions"],
        scales: false,
        run: Box::new(move |conn| {
            let ids = conn.query_map(
                "INSERT INTO study_sessions (user_id, exam_id, mode, question_count, status, created_at, last_activity) \
                 VALUES (?1, ?2, 'practice', 20, 'active', unixepoch('now'), unixepoch('now')) RETURNING id",
                vec![Value::Integer(user_id), Value::Integer(exam_id)],
                |r| Ok(r.get::<i64>(0)?),
            )?;
            Ok(json!({ "id": ids.first() }).to_string())
        }),
    }
}

#[derive(Deserialize)]
struct Created {
    id: Option<i64>,
}

/// Applies a successful outcome to the user's state; true when it was a recorded answer.
pub fn follow(f: Follow, outcome: &str, st: &mut UserState) -> bool {
    match f {
        Follow::Nothing => false,
        Follow::Answer => true,
        Follow::Served => {
            if let Some(ids) = queries::rows::listed_ids(outcome) {
                // Answered in the order served.
                st.served = ids.into_iter().rev().collect();
            }
            false
        }
        Follow::Session => {
            if let Ok(Created { id: Some(id) }) = serde_json::from_str::<Created>(outcome) {
                st.session_id = Some(id);
            }
            false
        }
    }
}

/// `(code, message)` when the outcome is an error object.
pub fn error_of(outcome: &str) -> Option<(String, String)> {
    if !outcome.starts_with("{\"$error\"") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(outcome).unwrap_or_default();
    let e = &v["$error"];
    Some((
        e["code"].as_str().unwrap_or("ERR_UNKNOWN").to_string(),
        e["message"].as_str().unwrap_or(outcome).to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_recognised_by_their_shape() {
        let e = crate::error::Error::closed().to_json();
        assert_eq!(error_of(&e).map(|x| x.0).as_deref(), Some("ERR_DATABASE_CLOSED"));
        assert!(error_of("{\"rows\":[]}").is_none());
    }

    #[test]
    fn served_questions_are_answered_in_order() {
        let mut st = UserState {
            user_id: 1, exam_id: 1, min_question: 1, max_question: 9, session_id: None, served: vec![], rng: Rng::new(1),
        };
        let shape = crate::db::shapes::register(r#"[["id","text"],[null,null]]"#).unwrap();
        follow(Follow::Served, &format!(r#"{{"rows":[[5,"x"],[7,null]],"rowShape":{shape}}}"#), &mut st);
        assert_eq!(st.served.pop(), Some(5));
        follow(Follow::Session, r#"{"id":42}"#, &mut st);
        assert_eq!(st.session_id, Some(42));
    }
}
