//! Running a step's SQL on one connection: transactions, statements one by one (so an error
//! names its statement), the PRAGMA step with restore-on-failure, step 009's checks and
//! step 010's row counts.

use super::report::{PragmaChange, Rewrite};
use super::sql::{split, Statement};
use crate::db::conn::Conn;
use crate::error::{Error, Result};

const BEGIN_LOCAL: &str = "BEGIN IMMEDIATE";
/// A server (or a replica forwarding to it) takes a plain BEGIN; it serialises writers itself.
const BEGIN_REMOTE: &str = "BEGIN";
const COMMIT: &str = "COMMIT";
const ROLLBACK: &str = "ROLLBACK";

/// Runs `f` in one transaction: committed when it succeeds, rolled back when it (or the
/// commit) fails, so a failing step leaves nothing behind.
pub fn in_transaction<T>(conn: &mut Conn, local: bool, f: impl FnOnce(&mut Conn) -> Result<T>) -> Result<T> {
    conn.exec_script(if local { BEGIN_LOCAL } else { BEGIN_REMOTE })?;
    let r = f(conn).and_then(|v| conn.exec_script(COMMIT).map(|_| v));
    if r.is_err() && !conn.is_autocommit() {
        let _ = conn.exec_script(ROLLBACK);
    }
    r
}

/// The statement's first line, shortened, to say where an error happened.
fn head(st: &Statement<'_>) -> String {
    let line = st.sql.lines().next().unwrap_or("").trim();
    if line.chars().count() > 72 {
        format!("{}...", line.chars().take(72).collect::<String>())
    } else {
        line.to_string()
    }
}

fn in_statement(st: &Statement<'_>, e: Error) -> Error {
    let message = format!("{} (in `{}`)", e.message, head(st));
    Error { message, ..e }
}

/// Runs every statement of `sql` for its effect; rows of a SELECT are read and dropped.
pub fn run_all(conn: &mut Conn, sql: &str) -> Result<()> {
    for st in split(sql) {
        let r = if st.returns_rows() { conn.query_map(st.sql, vec![], |_| Ok(())).map(|_| ()) } else { conn.exec_script(st.sql) };
        r.map_err(|e| in_statement(&st, e))?;
    }
    Ok(())
}

/// Step 009: runs its checks; every row of its SELECT is (step, type, name, present) and
/// the step fails, naming what is missing, unless all are present.
pub fn validate(conn: &mut Conn, sql: &str) -> Result<usize> {
    let mut checked = 0;
    let mut missing = Vec::new();
    for st in split(sql) {
        if !st.returns_rows() {
            conn.exec_script(st.sql).map_err(|e| in_statement(&st, e))?;
            continue;
        }
        let rows = conn
            .query_map(st.sql, vec![], |r| {
                Ok((r.get::<String>(0)?, r.get::<String>(1)?, r.get::<String>(2)?, r.get::<i64>(3)?))
            })
            .map_err(|e| in_statement(&st, e))?;
        checked += rows.len();
        missing.extend(rows.into_iter().filter(|r| r.3 == 0).map(|(step, kind, name, _)| format!("{kind} {name} (step {step})")));
    }
    if !missing.is_empty() {
        return Err(Error::usage("ERR_VALIDATION_FAILED", format!("missing after the earlier steps: {}", missing.join(", "))));
    }
    Ok(checked)
}

/// Step 010's rewrites: each `UPDATE t SET c = ... WHERE cond` of the step counted as
/// `SELECT count(*) FROM t WHERE cond`, the very condition the step runs with. Table,
/// column and condition come from the shipped step file, never from input.
pub fn rewrites(conn: &mut Conn, sql: &str) -> Result<Vec<Rewrite>> {
    let mut out = Vec::new();
    for st in split(sql) {
        if let Some((table, column, cond)) = st.update_target() {
            let q = format!("SELECT count(*) FROM \"{table}\" WHERE {cond}");
            let rows = conn.query_map(&q, vec![], |r| Ok(r.get::<i64>(0)?)).map_err(|e| in_statement(&st, e))?;
            out.push(Rewrite { table, column, rows: rows.first().copied().unwrap_or(0) });
        }
    }
    Ok(out)
}

fn value_text(v: libsql::Value) -> Option<String> {
    match v {
        libsql::Value::Integer(i) => Some(i.to_string()),
        libsql::Value::Real(f) => Some(f.to_string()),
        libsql::Value::Text(s) => Some(s),
        _ => None,
    }
}

/// The current value of a PRAGMA (`name` from a step file), or None if it has none.
pub fn read_pragma(conn: &mut Conn, name: &str) -> Result<Option<String>> {
    let rows = conn.query_map(&format!("PRAGMA {name}"), vec![], |r| Ok(r.get_value(0)?))?;
    Ok(rows.into_iter().next().and_then(value_text))
}

/// The PRAGMAs of a step as (statement, change) with their current values.
pub fn pragma_plan<'a>(conn: &mut Conn, sql: &'a str) -> Result<Vec<(Statement<'a>, PragmaChange)>> {
    let mut out = Vec::new();
    for st in split(sql) {
        let (name, target) = st
            .pragma()
            .ok_or_else(|| Error::internal(format!("the PRAGMA step holds a statement that is not `PRAGMA name = value`: {}", head(&st))))?;
        let before = read_pragma(conn, &name)?;
        out.push((st, PragmaChange { name, before, target, after: None, note: None }));
    }
    Ok(out)
}

/// Leaving WAL needs every other connection to the file closed; the pool keeps its readers
/// open (and reopens in WAL anyway), so a refused journal_mode change is reported, not fatal.
fn journal_mode_held_open(change: &PragmaChange, e: &Error) -> bool {
    change.name.eq_ignore_ascii_case("journal_mode") && matches!(e.code.as_str(), "SQLITE_BUSY" | "SQLITE_LOCKED")
}

/// Sets the PRAGMAs of a step one by one, outside any transaction (journal_mode cannot
/// change inside one). If one fails, those already set get their previous values back.
pub fn run_pragmas(conn: &mut Conn, sql: &str) -> Result<Vec<PragmaChange>> {
    let plan = pragma_plan(conn, sql)?;
    let mut done = Vec::with_capacity(plan.len());
    for (st, mut change) in plan {
        if let Err(e) = conn.exec_script(st.sql) {
            if !journal_mode_held_open(&change, &e) {
                restore_pragmas(conn, &done);
                return Err(in_statement(&st, e));
            }
            change.note = Some("unchanged: other connections hold the database open; the runtime opens it in WAL mode anyway".into());
        }
        change.after = read_pragma(conn, &change.name).ok().flatten();
        done.push(change);
    }
    Ok(done)
}

/// Puts PRAGMAs back to their `before` values (best effort: used after a failure).
pub fn restore_pragmas(conn: &mut Conn, changes: &[PragmaChange]) {
    for c in changes.iter().rev() {
        // The value was read from SQLite itself; still, only numbers and bare words go
        // back into SQL text (PRAGMA values cannot be bound).
        let Some(v) = &c.before else { continue };
        let safe = v.parse::<i64>().is_ok() || (!v.is_empty() && v.bytes().all(|b| b.is_ascii_alphabetic()));
        if safe {
            let _ = conn.exec_script(&format!("PRAGMA {} = {v}", c.name));
        }
    }
}
