//! Study questions in every mode, and full-text search over questions.

use super::input::object;
use super::practice::{questions, Practice};
use super::{list, opt};
use crate::db::Call;
use crate::error::{Error, Result};
use libsql::Value;
use serde_json::Value as Json;
use std::sync::atomic::{AtomicU64, Ordering};

// Served by idx_questions_study_speed_drill (002).
pub(crate) const SPEED_DRILL: &str = include_str!("sql/study_questions_speed_drill.sql");
// Served by idx_questions_study_weak_areas (002) and idx_user_answers_progress_last_miss (003).
pub(crate) const WEAK_AREAS: &str = include_str!("sql/study_questions_weak_areas.sql");
// Served by idx_user_answers_study_review (002).
pub(crate) const REVIEW: &str = include_str!("sql/study_questions_review.sql");
// Served by the FTS5 table questions_fts (005).
pub(crate) const SEARCH: &str = include_str!("sql/search_questions.sql");

const MODES: &[&str] = &["practice", "custom", "speed_drill", "weak_areas", "review"];

/// A fresh sampling seed per request: random order without ORDER BY RANDOM().
fn seed() -> i64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut x = nanos ^ COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    // splitmix64 finaliser
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((x ^ (x >> 31)) & 0xFFFF_FFFF) as i64
}

/// `study.getOptimizedStudyQuestions({userId, examId, objectiveIds?, difficulty?, excludeRecentHours?, limit?, mode?})`.
pub fn study_questions(args: &Json) -> Result<Call> {
    let f = object(args, "params")?;
    f.only(&["userId", "examId", "objectiveIds", "difficulty", "excludeRecentHours", "limit", "mode"])?;
    let user_id = f.id("userId")?;
    let exam_id = f.id("examId")?;
    let objective_ids = f.ids("objectiveIds", 1000)?;
    let (min, max) = match f.nested("difficulty")? {
        None => (1, 5),
        Some(d) => {
            d.only(&["min", "max"])?;
            let min = d.int("min", 1, 5)?.unwrap_or(1);
            let max = d.int("max", 1, 5)?.unwrap_or(5);
            if min > max {
                return Err(Error::out_of_range("params.difficulty.min", "at most params.difficulty.max"));
            }
            (min, max)
        }
    };
    let hours = f.number("excludeRecentHours", 0.0, 87_600.0)?.unwrap_or(24.0);
    let limit = f.int("limit", 1, 1000)?.unwrap_or(20);
    let mode = f.string("mode", 64)?.unwrap_or("practice");
    let sql = match mode {
        "practice" | "custom" => None,
        "speed_drill" => Some(SPEED_DRILL),
        "weak_areas" => Some(WEAK_AREAS),
        "review" => Some(REVIEW),
        _ => return Err(Error::out_of_range("params.mode", &format!("one of {}", MODES.join(", ")))),
    };
    // An empty list means "all objectives", as in the original.
    let objectives = match objective_ids {
        Some(ids) if !ids.is_empty() => Value::Text(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())),
        _ => Value::Null,
    };
    let seed = seed();
    let Some(sql) = sql else {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()) as f64;
        let practice = Practice {
            user_id,
            exam_id,
            difficulty: (min, max),
            objectives,
            // Integer answer times at or after a fractional cutoff: at or after its ceiling.
            cutoff: (now - hours * 3600.0).ceil() as i64,
            limit: limit as usize,
            seed: seed as u64,
        };
        return Ok(Call {
            operation: "study.getOptimizedStudyQuestions",
            write: false,
            writes: &[],
            scales: false,
            run: Box::new(move |conn| practice.run(conn)),
        });
    };
    let params = vec![
        Value::Integer(user_id),
        Value::Integer(exam_id),
        Value::Integer(min),
        Value::Integer(max),
        objectives,
        Value::Real(hours),
        Value::Integer(limit),
        Value::Integer(seed),
    ];
    Ok(Call {
        operation: "study.getOptimizedStudyQuestions",
        write: false,
        writes: &[],
        scales: false,
        run: Box::new(move |conn| {
            let ids = conn.query_map(sql, params.clone(), |r| Ok(r.get::<i64>(0)?))?;
            questions(conn, &ids)
        }),
    })
}

/// Quotes every word of user input so FTS5 syntax characters cannot break the query.
fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .filter(|t| !t.is_empty())
        .take(32)
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// `study.searchQuestions(text, {examId?, limit?})`.
pub fn search_questions(text: &Json, options: &Json) -> Result<Call> {
    let text = text.as_str().ok_or_else(|| Error::invalid_type("text", "a string"))?;
    if text.len() > 1000 {
        return Err(Error::out_of_range("text", "at most 1000 bytes"));
    }
    let query = fts_query(text).ok_or_else(|| Error::out_of_range("text", "a search with at least one word"))?;
    let (exam_id, limit) = match options {
        Json::Null => (None, 20),
        o => {
            let f = object(o, "options")?;
            f.only(&["examId", "limit"])?;
            (f.opt_id("examId")?, f.int("limit", 1, 1000)?.unwrap_or(20))
        }
    };
    let params = vec![Value::Text(query), opt(exam_id), Value::Integer(limit)];
    Ok(Call {
        operation: "study.searchQuestions",
        write: false,
        writes: &[],
        scales: false,
        run: Box::new(move |conn| {
            let fts = conn.query_map(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'questions_fts'",
                vec![],
                |_| Ok(()),
            )?;
            if fts.is_empty() {
                return Err(Error::usage(
                    "ERR_FTS_MISSING",
                    "full-text search needs the questions_fts index: run `npm run db:optimize` first",
                ));
            }
            list(conn, SEARCH, params.clone())
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_terms_are_quoted() {
        assert_eq!(fts_query("vlan trunk").as_deref(), Some("\"vlan\" \"trunk\""));
        assert_eq!(fts_query("a\" OR (b*").as_deref(), Some("\"a\" \"OR\" \"b\""));
        assert_eq!(fts_query("  ** "), None);
    }

    #[test]
    fn bad_arguments_name_the_field() {
        let e = study_questions(&serde_json::json!({"userId": 1})).err().map(|e| e.message);
        assert!(e.unwrap_or_default().contains("examId"));
        let e = study_questions(&serde_json::json!({"userId": 1, "examId": 1, "limit": 0})).err();
        assert_eq!(e.map(|e| e.code).as_deref(), Some("ERR_OUT_OF_RANGE"));
        let e = study_questions(&serde_json::json!({"userId": 1, "examId": 1, "mode": "x"})).err();
        assert!(e.map(|e| e.message).unwrap_or_default().contains("mode"));
        let e = study_questions(&serde_json::json!({"userId": 1, "examId": 1, "difficulty": {"min": 4, "max": 2}})).err();
        assert!(e.is_some());
        let e = study_questions(&serde_json::json!({"userId": 1, "examId": 1, "bogus": 1})).err();
        assert!(e.map(|e| e.message).unwrap_or_default().contains("bogus"));
    }
}
