//! Cache keys and tags of the study caches. Keys keep the original's strings
//! (`questions:user:U:exam:E:…`, `session:S`, `progress:U:E`); invalidation goes by tags,
//! never by matching key text, so user 1 never matches user 11.

use super::entry::Tag;
use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The largest id accepted: JS numbers are exact up to 2^53 - 1.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A positive integer id from JS.
pub fn id(field: &str, v: f64) -> Result<u64> {
    if v.fract() == 0.0 && (1.0..=MAX_SAFE_INTEGER).contains(&v) {
        Ok(v as u64)
    } else {
        Err(Error::out_of_range(field, "a positive integer"))
    }
}

/// JSON with object keys sorted at every depth, so `{a, b}` and `{b, a}` give one text.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&m[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The defaults of `getOptimizedStudyQuestions`: a parameter left out and the same parameter
/// given its default are one query, so they share one key.
fn apply_study_defaults(m: &mut Map<String, Value>) {
    m.remove("userId");
    m.remove("examId");
    let diff = m.entry("difficulty").or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(d) = diff {
        d.entry("min").or_insert(Value::from(1));
        d.entry("max").or_insert(Value::from(5));
    }
    m.entry("excludeRecentHours").or_insert(Value::from(24));
    m.entry("limit").or_insert(Value::from(20));
    m.entry("mode").or_insert(Value::from("practice"));
    // The objective list is a set: order and repeats do not change the query.
    if let Some(Value::Array(ids)) = m.get_mut("objectiveIds") {
        ids.sort_by_cached_key(canonical_json);
        ids.dedup();
        if ids.is_empty() {
            m.remove("objectiveIds");
        }
    }
}

/// The `params` part of a question key: `k:json|k:json` over sorted keys, as the original,
/// but with nested keys sorted too and defaults filled in.
pub fn study_params(params_json: &str) -> Result<String> {
    let mut m = match serde_json::from_str::<Value>(params_json) {
        Ok(Value::Object(m)) => m,
        Ok(Value::Null) => Map::new(),
        _ => return Err(Error::invalid_type("params", "an object")),
    };
    apply_study_defaults(&mut m);
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    Ok(keys.into_iter().map(|k| format!("{k}:{}", canonical_json(&m[k.as_str()]))).collect::<Vec<_>>().join("|"))
}

pub fn question_key(user: u64, exam: u64, params: &str) -> String {
    format!("questions:user:{user}:exam:{exam}:{params}")
}

pub fn session_key(session: u64) -> String {
    format!("session:{session}")
}

pub fn progress_key(user: u64, exam: u64) -> String {
    format!("progress:{user}:{exam}")
}

pub fn leaderboard_key(exam: u64, limit: u64) -> String {
    format!("leaderboard:{exam}:{limit}")
}

pub fn user_tag(user: u64) -> Tag {
    Arc::from(format!("user:{user}"))
}

pub fn exam_tag(exam: u64) -> Tag {
    Arc::from(format!("exam:{exam}"))
}

pub fn session_tag(session: u64) -> Tag {
    Arc::from(format!("session:{session}"))
}

pub fn leaderboard_tag(exam: u64) -> Tag {
    Arc::from(format!("leaderboard:{exam}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_order_and_nested_order_do_not_matter() {
        let a = study_params(r#"{"limit":20,"difficulty":{"min":1,"max":3}}"#).expect("ok");
        let b = study_params(r#"{"difficulty":{"max":3,"min":1},"limit":20}"#).expect("ok");
        assert_eq!(a, b);
        assert_eq!(a, r#"difficulty:{"max":3,"min":1}|excludeRecentHours:24|limit:20|mode:"practice""#);
    }

    #[test]
    fn defaults_and_objective_order_do_not_matter() {
        let a = study_params(r#"{"limit":20}"#).expect("ok");
        let b = study_params(r#"{"difficulty":{"min":1,"max":5},"excludeRecentHours":24,"mode":"practice","objectiveIds":[]}"#).expect("ok");
        assert_eq!(a, b);
        let c = study_params(r#"{"objectiveIds":[3,1,3]}"#).expect("ok");
        let d = study_params(r#"{"objectiveIds":[1,3]}"#).expect("ok");
        assert_eq!(c, d);
        assert_ne!(a, study_params(r#"{"limit":15}"#).expect("ok"));
    }

    #[test]
    fn ids_are_positive_safe_integers() {
        assert_eq!(id("userId", 7.0).ok(), Some(7));
        for bad in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY, 9_007_199_254_740_992.0] {
            assert!(id("userId", bad).is_err(), "{bad}");
        }
        assert!(study_params("[1]").is_err());
    }
}
