//! One recorded query: what comes in (`Observation`) and what the recent window keeps
//! (`QueryRecord`). Text is shared (`Arc<str>` from the interner), so keeping an entry costs
//! no allocation unless it carries an error or details given to `recordQuery`.

use serde_json::{Map, Value};
use std::sync::Arc;

/// A query to record. `at_ms` defaults to now.
#[derive(Default)]
pub struct Observation<'a> {
    pub operation: &'a str,
    pub query: &'a str,
    pub duration_ms: f64,
    pub at_ms: Option<f64>,
    pub error: Option<Arc<str>>,
    pub user_id: Option<f64>,
    pub exam_id: Option<f64>,
    /// A JSON object of further fields given to `recordQuery` (params, stackTrace): kept as
    /// given, never collected automatically (parameter values can be personal data).
    pub details: Option<&'a str>,
}

#[derive(Clone, Debug)]
pub struct QueryRecord {
    pub at_ms: f64,
    pub duration_ms: f64,
    pub query: Arc<str>,
    pub pattern: u32,
    pub operation: u16,
    pub error: Option<Arc<str>>,
    pub user_id: Option<f64>,
    pub exam_id: Option<f64>,
    pub details: Option<Arc<str>>,
}

impl QueryRecord {
    /// The original's QueryMetrics shape plus `operation` and `pattern`.
    pub fn to_json(&self, operation: &str, pattern: &str) -> Value {
        let mut m = Map::new();
        if let Some(Value::Object(extra)) = self.details.as_deref().and_then(|d| serde_json::from_str(d).ok()) {
            m.extend(extra);
        }
        m.insert("query".into(), Value::from(&*self.query));
        m.insert("duration".into(), Value::from(self.duration_ms));
        m.insert("timestamp".into(), Value::from(self.at_ms));
        m.insert("operation".into(), Value::from(operation));
        m.insert("pattern".into(), Value::from(pattern));
        if let Some(u) = self.user_id {
            m.insert("userId".into(), Value::from(u));
        }
        if let Some(x) = self.exam_id {
            m.insert("examId".into(), Value::from(x));
        }
        if let Some(e) = &self.error {
            m.insert("error".into(), Value::from(&**e));
        }
        Value::Object(m)
    }
}
