//! What the database holds now, read from sqlite_master: the plan, the reports and the
//! "is this the app's schema" refusal all come from here, never from assumptions.

use super::journal;
use super::report::DbObject;
use super::sql::Object;
use crate::db::conn::Conn;
use crate::error::{Error, Result};
use crate::schema::APP_TABLES;
use std::collections::BTreeSet;

const OBJECTS: &str = "SELECT type, name FROM sqlite_master";

/// Every (type, name) of sqlite_master.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    objects: BTreeSet<(String, String)>,
}

pub fn read(conn: &mut Conn) -> Result<Schema> {
    let rows = conn.query_map(OBJECTS, vec![], |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?)))?;
    Ok(Schema { objects: rows.into_iter().collect() })
}

impl Schema {
    pub fn has(&self, kind: &str, name: &str) -> bool {
        self.objects.contains(&(kind.to_string(), name.to_string()))
    }

    pub fn has_table(&self, name: &str) -> bool {
        self.has("table", name)
    }

    pub fn object(&self, o: &Object) -> DbObject {
        DbObject { kind: o.kind.clone(), name: o.name.clone(), exists: self.has(&o.kind, &o.name) }
    }

    /// Objects in `self` that are not in `earlier` (the journal's own left out).
    pub fn added_since(&self, earlier: &Schema) -> Vec<DbObject> {
        listed(self.objects.difference(&earlier.objects), true)
    }

    /// Objects of `earlier` that are gone from `self` (the journal's own left out).
    pub fn removed_since(&self, earlier: &Schema) -> Vec<DbObject> {
        listed(earlier.objects.difference(&self.objects), false)
    }

    pub fn index_count(&self) -> usize {
        self.objects.iter().filter(|(k, n)| k == "index" && !n.starts_with("sqlite_autoindex_")).count()
    }

    pub fn missing_app_tables(&self) -> Vec<&'static str> {
        APP_TABLES.iter().copied().filter(|t| !self.has_table(t)).collect()
    }
}

/// Tables first, then indexes, views, triggers; each by name.
fn listed<'a>(objects: impl Iterator<Item = &'a (String, String)>, exists: bool) -> Vec<DbObject> {
    let rank = |k: &str| ["table", "index", "view", "trigger"].iter().position(|x| *x == k).unwrap_or(4);
    let mut out: Vec<DbObject> = objects
        .filter(|(_, name)| !journal::is_journal_object(name))
        .map(|(kind, name)| DbObject { kind: kind.clone(), name: name.clone(), exists })
        .collect();
    out.sort_by(|a, b| (rank(&a.kind), &a.name).cmp(&(rank(&b.kind), &b.name)));
    out
}

/// Refuses a database that is not the app's: the steps index the app's tables, so on
/// anything else they would fail half-way or, worse, succeed on the wrong tables.
pub fn require_app_schema(schema: &Schema, target: &str) -> Result<()> {
    let missing = schema.missing_app_tables();
    if missing.is_empty() {
        return Ok(());
    }
    let what = if missing.len() == APP_TABLES.len() { "none of the app's tables: missing" } else { "missing table(s)" };
    Err(Error::usage(
        "ERR_NOT_APP_SCHEMA",
        format!("{target} is not a PingToPass database ({what} {}); create it with `npm run db:seed` or the app's migration first", missing.join(", ")),
    ))
}
