//! Result shapes: a statement's column names and declared types, registered once per
//! distinct shape and referred to by number in every ResultSet. JSON.parse of the column
//! lists and of one key per cell was most of the JS-side cost of a small result; with a
//! shape number the JS front parses the lists once and builds rows with a constructor made
//! for the shape (lib/result-set.js).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Past this many distinct shapes (ad-hoc SQL with ever-new column aliases) results carry
/// their columns inline instead: the registry never evicts, since JS may still ask for any
/// number it was given.
const MAX_SHAPES: usize = 50_000;

#[derive(Default)]
struct Registry {
    by_json: HashMap<Arc<str>, u32>,
    by_id: Vec<Arc<str>>,
}

fn registry() -> &'static Mutex<Registry> {
    static R: OnceLock<Mutex<Registry>> = OnceLock::new();
    R.get_or_init(Default::default)
}

/// The number of `shape_json` (`[[names...],[types...]]`), or None when the registry is full.
pub fn register(shape_json: &str) -> Option<u32> {
    insert(shape_json, false)
}

/// The number of a shape of the app's own statements (`queries::rows`): they are a fixed
/// few, so they are registered even when ad-hoc SQL has filled the registry.
pub fn register_fixed(shape_json: &str) -> u32 {
    insert(shape_json, true).unwrap_or_default()
}

fn insert(shape_json: &str, always: bool) -> Option<u32> {
    let mut r = registry().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(&id) = r.by_json.get(shape_json) {
        return Some(id);
    }
    if r.by_id.len() >= MAX_SHAPES && !always {
        return None;
    }
    let id = r.by_id.len() as u32;
    let json: Arc<str> = Arc::from(shape_json);
    r.by_id.push(json.clone());
    r.by_json.insert(json, id);
    Some(id)
}

/// The `[[names...],[types...]]` JSON of shape `id`.
pub fn get(id: u32) -> Option<Arc<str>> {
    let r = registry().lock().unwrap_or_else(|p| p.into_inner());
    r.by_id.get(id as usize).cloned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_number_per_distinct_shape() {
        let a = super::register(r#"[["x"],["INTEGER"]]"#).unwrap();
        let b = super::register(r#"[["y"],["INTEGER"]]"#).unwrap();
        assert_ne!(a, b);
        assert_eq!(super::register(r#"[["x"],["INTEGER"]]"#), Some(a));
        assert_eq!(&*super::get(b).unwrap(), r#"[["y"],["INTEGER"]]"#);
    }
}
