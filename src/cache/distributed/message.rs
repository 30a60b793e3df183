//! The invalidation message every process publishes and applies. JSON on one channel:
//! `{"origin": "...", "tags": ["user:1"], "keys": ["k"], "clear": false}`. Published by the
//! Lua scripts (cjson) and by Rust (serde), so parsing is lenient: cjson writes an empty
//! array as `{}`.

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Message {
    pub origin: String,
    pub tags: Vec<String>,
    pub keys: Vec<String>,
    pub clear: bool,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

impl Message {
    pub fn parse(bytes: &[u8]) -> Option<Message> {
        let v: Value = serde_json::from_slice(bytes).ok()?;
        let o = v.as_object()?;
        Some(Message {
            origin: o.get("origin")?.as_str()?.to_owned(),
            tags: strings(o.get("tags")),
            keys: strings(o.get("keys")),
            clear: o.get("clear").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A process-unique origin, so a process skips its own messages.
pub fn new_origin() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{}-{:x}-{}", std::process::id(), nanos, N.fetch_add(1, Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reads_cjson_empty_tables() {
        let m = Message { origin: "o".into(), tags: vec!["user:1".into()], keys: vec![], clear: false };
        assert_eq!(Message::parse(m.to_json().as_bytes()), Some(m));
        let cj = Message::parse(br#"{"origin":"p","tags":{},"keys":["a"]}"#).expect("parses");
        assert_eq!((cj.tags.len(), cj.keys, cj.clear), (0, vec!["a".to_string()], false));
        assert!(Message::parse(b"not json").is_none());
        assert_ne!(new_origin(), new_origin());
    }
}
