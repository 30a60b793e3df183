//! The journal table: one row per applied step with the checksum of the SQL that ran.
//! It is created in the same transaction as the first step that records itself, and dropped
//! in the same transaction as the last rollback that empties it, so a database the steps
//! never touched (or fully rolled back) has no trace of it.

use super::inspect::Schema;
use super::steps::Step;
use crate::db::conn::Conn;
use crate::error::Result;
use std::collections::BTreeMap;

pub const TABLE: &str = "_pingtopass_migrations";

const CREATE: &str = "CREATE TABLE IF NOT EXISTS _pingtopass_migrations (
  id          TEXT PRIMARY KEY NOT NULL,
  name        TEXT NOT NULL,
  checksum    TEXT NOT NULL,
  applied_at  INTEGER NOT NULL,
  duration_ms REAL NOT NULL
)";
const EXISTS: &str = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?";
const LIST: &str = "SELECT id, name, checksum, applied_at, duration_ms FROM _pingtopass_migrations ORDER BY id";
const HAS: &str = "SELECT count(*) FROM _pingtopass_migrations WHERE id = ?";
const INSERT: &str =
    "INSERT INTO _pingtopass_migrations (id, name, checksum, applied_at, duration_ms) VALUES (?, ?, ?, ?, ?)";
const DELETE: &str = "DELETE FROM _pingtopass_migrations WHERE id = ?";
const COUNT: &str = "SELECT count(*) FROM _pingtopass_migrations";
const DROP: &str = "DROP TABLE _pingtopass_migrations";

/// The journal table and the index SQLite makes for its primary key: bookkeeping, not
/// objects a step created or dropped.
pub fn is_journal_object(name: &str) -> bool {
    name == TABLE || name.strip_prefix("sqlite_autoindex_").is_some_and(|rest| rest.starts_with(TABLE))
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub checksum: String,
    pub applied_at: i64,
    pub duration_ms: f64,
}

pub type Journal = BTreeMap<String, Entry>;

fn count(conn: &mut Conn, sql: &str, params: Vec<libsql::Value>) -> Result<i64> {
    Ok(conn.query_map(sql, params, |r| Ok(r.get::<i64>(0)?))?.first().copied().unwrap_or(0))
}

/// The journal's rows by step id; empty when the table does not exist (nothing applied).
pub fn read(conn: &mut Conn, schema: &Schema) -> Result<Journal> {
    if !schema.has_table(TABLE) {
        return Ok(Journal::new());
    }
    let rows = conn.query_map(LIST, vec![], |r| {
        Ok(Entry {
            id: r.get::<String>(0)?,
            name: r.get::<String>(1)?,
            checksum: r.get::<String>(2)?,
            applied_at: r.get::<i64>(3)?,
            duration_ms: r.get::<f64>(4)?,
        })
    })?;
    Ok(rows.into_iter().map(|e| (e.id.clone(), e)).collect())
}

/// Creates the table if needed. Call inside the step's transaction.
pub fn ensure(conn: &mut Conn) -> Result<()> {
    conn.exec_script(CREATE)
}

/// Whether `id` is recorded; checked again inside each step's transaction so two runs
/// racing on one database cannot both apply a step.
pub fn has(conn: &mut Conn, id: &str) -> Result<bool> {
    if count(conn, EXISTS, vec![TABLE.into()])? == 0 {
        return Ok(false);
    }
    Ok(count(conn, HAS, vec![id.into()])? > 0)
}

pub fn record(conn: &mut Conn, step: &Step, duration_ms: f64, now: i64) -> Result<()> {
    conn.exec(
        INSERT,
        vec![step.id.into(), step.name.into(), step.checksum().into(), now.into(), duration_ms.into()],
    )?;
    Ok(())
}

pub fn remove(conn: &mut Conn, id: &str) -> Result<()> {
    conn.exec(DELETE, vec![id.into()])?;
    Ok(())
}

/// Drops the table once no step is recorded; returns whether it did.
pub fn drop_if_empty(conn: &mut Conn) -> Result<bool> {
    if count(conn, EXISTS, vec![TABLE.into()])? == 0 || count(conn, COUNT, vec![])? > 0 {
        return Ok(false);
    }
    conn.exec_script(DROP)?;
    Ok(true)
}
