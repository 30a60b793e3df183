//! Each distinct SQL string is normalised once and given a small pattern id; recording a
//! statement seen before is one read-locked hash lookup and an `Arc` clone, no allocation.
//! Both tables are bounded, so a process that builds SQL with inline values cannot grow
//! them without limit: past `MAX_SQL` strings new ones are normalised on every call (and not
//! kept), past `MAX_PATTERNS` patterns new ones are counted under `OTHER`.

use super::pattern::normalize;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub const MAX_SQL: usize = 2048;
/// SQL strings longer than this are not cached (their text is stored cut, see `MAX_QUERY_TEXT`).
pub const MAX_SQL_KEY_BYTES: usize = 2048;
pub const MAX_PATTERNS: usize = 256;
/// The id under which patterns beyond `MAX_PATTERNS` are counted.
pub const OTHER: u32 = 0;
pub const OTHER_NAME: &str = "(other patterns)";
/// Query text kept per statement (for slow-query reports and alerts).
pub const MAX_QUERY_TEXT: usize = 2048;

#[derive(Clone)]
pub struct Resolved {
    /// The statement as run, cut to `MAX_QUERY_TEXT` bytes.
    pub sql: Arc<str>,
    pub pattern: u32,
}

struct Tables {
    by_sql: HashMap<Box<str>, Resolved>,
    by_pattern: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

pub struct Interner {
    tables: RwLock<Tables>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner {
            tables: RwLock::new(Tables { by_sql: HashMap::new(), by_pattern: HashMap::new(), names: vec![Arc::from(OTHER_NAME)] }),
        }
    }
}

pub fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut at = max;
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    &s[..at]
}

impl Interner {
    pub fn resolve(&self, sql: &str) -> Resolved {
        if let Some(r) = self.tables.read().unwrap_or_else(|p| p.into_inner()).by_sql.get(sql) {
            return r.clone();
        }
        // Normalise outside the lock: other threads keep recording meanwhile.
        let pattern = normalize(sql);
        let mut t = self.tables.write().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = t.by_sql.get(sql) {
            return r.clone();
        }
        let id = match t.by_pattern.get(pattern.as_str()) {
            Some(&id) => id,
            None if t.names.len() <= MAX_PATTERNS => {
                let id = t.names.len() as u32;
                let name: Arc<str> = Arc::from(pattern);
                t.names.push(name.clone());
                t.by_pattern.insert(name, id);
                id
            }
            None => OTHER,
        };
        let r = Resolved { sql: Arc::from(cut(sql, MAX_QUERY_TEXT)), pattern: id };
        if t.by_sql.len() < MAX_SQL && sql.len() <= MAX_SQL_KEY_BYTES {
            t.by_sql.insert(Box::from(sql), r.clone());
        }
        r
    }

    pub fn name(&self, id: u32) -> Arc<str> {
        let t = self.tables.read().unwrap_or_else(|p| p.into_inner());
        t.names.get(id as usize).cloned().unwrap_or_else(|| Arc::from(OTHER_NAME))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pattern_per_shape_and_the_same_text_is_shared() {
        let i = Interner::default();
        let a = i.resolve("SELECT * FROM t WHERE id = 1");
        let b = i.resolve("SELECT * FROM t WHERE id = 2");
        let a2 = i.resolve("SELECT * FROM t WHERE id = 1");
        assert_eq!(a.pattern, b.pattern);
        assert_ne!(a.pattern, OTHER);
        assert!(Arc::ptr_eq(&a.sql, &a2.sql));
        assert_eq!(&*i.name(a.pattern), "SELECT * FROM t WHERE id = ?");
    }

    #[test]
    fn tables_are_bounded() {
        let i = Interner::default();
        for n in 0..(MAX_PATTERNS + 50) {
            i.resolve(&format!("SELECT c{n} FROM t WHERE id = {n}"));
        }
        let over = i.resolve("SELECT brand_new FROM t");
        assert_eq!(over.pattern, OTHER);
        assert_eq!(&*i.name(OTHER), OTHER_NAME);
        for n in 0..(MAX_SQL + 10) {
            i.resolve(&format!("SELECT c1 FROM t WHERE id = {n}"));
        }
        let t = i.tables.read().unwrap_or_else(|p| p.into_inner());
        assert_eq!(t.by_sql.len(), MAX_SQL);
        assert_eq!(t.names.len(), MAX_PATTERNS + 1);
    }
}
