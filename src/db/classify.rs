//! What a statement does, as SQLite itself sees it. Every SQL string is prepared once on an
//! in-memory "shadow" database holding a copy of the real schema, with an authorizer that
//! lists what the statement reads and writes. That answers, before the statement runs and
//! for every backend alike (local, remote, replica): is it read-only (routing to a reader
//! and caching), which tables does it touch (cache invalidation), is it an INSERT
//! (lastInsertRowid), and what are its parameter names (named-to-positional binding).

use crate::error::{Error, Result};
use libsql::{AuthAction, AuthContext, Authorization};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Reads only: may run on any reader and be cached.
    Read,
    /// INSERT, UPDATE, DELETE, REPLACE: runs on the writer, inside group commits.
    Write,
    /// Changes the schema: runs alone on the writer; afterwards the shadow is reloaded.
    Schema,
    /// PRAGMA, ANALYZE, VACUUM and the like: runs alone on the writer, never cached.
    Maintenance,
    /// BEGIN, COMMIT, SAVEPOINT...: not allowed through `execute` (the pool owns transactions).
    Transaction,
    /// The shadow could not prepare it (a table it does not know yet, or bad SQL): treated
    /// as a write of everything, so it runs on the writer and the real error surfaces there.
    Unknown,
}

#[derive(Debug)]
pub struct StatementInfo {
    pub kind: Kind,
    pub reads: Vec<Arc<str>>,
    pub writes: Vec<Arc<str>>,
    pub inserts: bool,
    /// Parameter names by position (`None` for `?`), including their prefix (`:`, `@`, `$`).
    pub params: Vec<Option<String>>,
}

impl StatementInfo {
    pub fn is_read(&self) -> bool {
        self.kind == Kind::Read
    }

    fn unknown() -> Self {
        StatementInfo { kind: Kind::Unknown, reads: vec![], writes: vec![], inserts: false, params: vec![] }
    }
}

type Log = Arc<Mutex<Vec<Action>>>;

#[derive(Debug)]
enum Action {
    Read(String),
    Write(String, bool),
    Schema,
    Maintenance,
    Transaction,
    Other,
}

pub struct Classifier {
    shadow: Mutex<Shadow>,
    known: Mutex<HashMap<Arc<str>, Arc<StatementInfo>>>,
}

struct Shadow {
    conn: libsql::Connection,
    _db: libsql::Database,
    log: Log,
}

const MAX_KNOWN: usize = 4096;

impl Classifier {
    pub fn new() -> Result<Self> {
        let shadow = Shadow::open(&[])?;
        Ok(Classifier { shadow: Mutex::new(shadow), known: Mutex::new(HashMap::new()) })
    }

    /// Replaces the shadow schema with `ddl` (the `sql` column of the real `sqlite_schema`).
    pub fn load_schema(&self, ddl: &[String]) -> Result<()> {
        let fresh = Shadow::open(ddl)?;
        *lock(&self.shadow) = fresh;
        lock(&self.known).clear();
        Ok(())
    }

    pub fn classify(&self, sql: &str) -> Result<Arc<StatementInfo>> {
        if let Some(info) = lock(&self.known).get(sql) {
            return Ok(info.clone());
        }
        let info = Arc::new(self.analyse(sql)?);
        let mut known = lock(&self.known);
        if known.len() >= MAX_KNOWN {
            known.clear();
        }
        // Unknown statements are not remembered: the schema may catch up with them.
        if info.kind != Kind::Unknown {
            known.insert(Arc::from(sql), info.clone());
        }
        Ok(info)
    }

    fn analyse(&self, sql: &str) -> Result<StatementInfo> {
        if sql.trim().is_empty() {
            return Err(Error::usage("ERR_EMPTY_SQL", "sql is empty"));
        }
        if has_second_statement(sql) {
            return Err(Error::usage(
                "ERR_MULTIPLE_STATEMENTS",
                "execute takes one SQL statement; use batch() for several",
            ));
        }
        let shadow = lock(&self.shadow);
        lock(&shadow.log).clear();
        let prepared = now(shadow.conn.prepare(sql));
        let stmt = match prepared {
            Ok(stmt) => stmt,
            Err(_) => return Ok(StatementInfo::unknown()),
        };
        let params = (1..=stmt.parameter_count() as i32).map(|i| stmt.parameter_name(i).map(str::to_string)).collect();
        let actions = std::mem::take(&mut *lock(&shadow.log));
        Ok(summarise(actions, params))
    }
}

fn summarise(actions: Vec<Action>, params: Vec<Option<String>>) -> StatementInfo {
    let mut reads = HashSet::new();
    let mut writes = HashSet::new();
    let mut inserts = false;
    let mut kind = Kind::Read;
    let raise = |k: Kind, kind: &mut Kind| {
        let rank = |k: Kind| match k {
            Kind::Read => 0,
            Kind::Write => 1,
            Kind::Maintenance => 2,
            Kind::Schema => 3,
            Kind::Transaction => 4,
            Kind::Unknown => 5,
        };
        if rank(k) > rank(*kind) {
            *kind = k;
        }
    };
    for a in actions {
        match a {
            Action::Read(t) => {
                reads.insert(t);
            }
            Action::Write(t, insert) => {
                inserts |= insert;
                writes.insert(t);
                raise(Kind::Write, &mut kind);
            }
            Action::Schema => raise(Kind::Schema, &mut kind),
            Action::Maintenance => raise(Kind::Maintenance, &mut kind),
            Action::Transaction => raise(Kind::Transaction, &mut kind),
            Action::Other => {}
        }
    }
    let to_vec = |s: HashSet<String>| s.into_iter().map(Arc::from).collect();
    StatementInfo { kind, reads: to_vec(reads), writes: to_vec(writes), inserts, params }
}

impl Shadow {
    fn open(ddl: &[String]) -> Result<Shadow> {
        super::open::configure_sqlite();
        let db = now(libsql::Builder::new_local(":memory:").build())?;
        let conn = db.connect()?;
        for sql in ddl {
            // FTS5 creates its shadow tables itself, so their own CREATE fails: that is fine.
            let _ = now(conn.execute_batch(sql));
        }
        let log: Log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        conn.authorizer(Some(Arc::new(move |ctx: &AuthContext| {
            if let Some(a) = action_of(ctx) {
                lock(&sink).push(a);
            }
            Authorization::Allow
        })))?;
        Ok(Shadow { conn, _db: db, log })
    }
}

fn action_of(ctx: &AuthContext) -> Option<Action> {
    use AuthAction as A;
    let temp = ctx.database_name == Some("temp");
    let name = |t: &str| t.to_ascii_lowercase();
    Some(match ctx.action {
        A::Read { table_name, .. } if !temp => Action::Read(name(table_name)),
        A::Insert { table_name } if !temp => Action::Write(name(table_name), true),
        A::Update { table_name, .. } if !temp => Action::Write(name(table_name), false),
        A::Delete { table_name } if !temp => Action::Write(name(table_name), false),
        // Writes to temp tables or the schema table itself (as part of DDL) are not the user's tables.
        A::Read { .. } | A::Insert { .. } | A::Update { .. } | A::Delete { .. } => Action::Other,
        A::Select | A::Function { .. } | A::Recursive => Action::Other,
        A::Transaction { .. } | A::Savepoint { .. } | A::Attach { .. } | A::Detach { .. } => Action::Transaction,
        A::Pragma { .. } | A::Analyze { .. } | A::Reindex { .. } => Action::Maintenance,
        A::Unknown { .. } => Action::Maintenance,
        _ => Action::Schema,
    })
}

/// True when text other than blanks, comments and semicolons follows the first statement.
/// SQLite would silently ignore it, so `execute("INSERT ...; DROP TABLE ...")` must fail.
fn has_second_statement(sql: &str) -> bool {
    let b = sql.as_bytes();
    let words: Vec<String> = sql.split_whitespace().take(4).map(|w| w.to_ascii_uppercase()).collect();
    if words.first().map(String::as_str) == Some("CREATE") && words.iter().any(|w| w == "TRIGGER") {
        // Trigger bodies hold semicolons; the shadow prepare judges those.
        return false;
    }
    let mut i = 0;
    let mut end = None;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
            }
            b'[' => {
                while i < b.len() && b[i] != b']' {
                    i += 1;
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b';' if end.is_none() => end = Some(i),
            c if end.is_some() && !c.is_ascii_whitespace() && c != b';' => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Runs a future of the in-memory shadow to completion. Local libsql futures do their work
/// synchronously on first poll, so this needs no runtime and is safe on any thread,
/// including the JS thread and tokio's own.
fn now<T>(fut: impl std::future::Future<Output = libsql::Result<T>>) -> Result<T> {
    let mut fut = std::pin::pin!(fut);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(r) => r.map_err(Error::from),
        std::task::Poll::Pending => Err(Error::internal("the statement classifier unexpectedly waited")),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere must not wedge the database: the data under these locks stays valid.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classifier() -> Classifier {
        let c = Classifier::new().unwrap();
        c.load_schema(&[
            "CREATE TABLE questions (id INTEGER PRIMARY KEY, text TEXT, total INTEGER)".into(),
            "CREATE TABLE answers (id INTEGER PRIMARY KEY, qid INTEGER)".into(),
            "CREATE TABLE log (x)".into(),
            "CREATE TRIGGER t AFTER INSERT ON answers BEGIN INSERT INTO log VALUES (new.id); END".into(),
            "CREATE VIEW v AS SELECT q.id FROM questions q JOIN answers a ON a.qid = q.id".into(),
        ])
        .unwrap();
        c
    }

    #[test]
    fn reads_are_told_by_sqlite_not_the_first_word() {
        let c = classifier();
        let i = c.classify("  with x as (select id from questions) select * from x").unwrap();
        assert_eq!(i.kind, Kind::Read);
        assert_eq!(i.reads, vec![Arc::from("questions")]);
        let i = c.classify("select * from v where id = :id").unwrap();
        assert_eq!(i.kind, Kind::Read);
        // A view's reads are the tables under it.
        assert!(i.reads.contains(&Arc::from("questions")) && i.reads.contains(&Arc::from("answers")));
        assert_eq!(i.params, vec![Some(":id".to_string())]);
        let i = c.classify("SELECT 1").unwrap();
        assert_eq!(i.kind, Kind::Read);
    }

    #[test]
    fn writes_include_what_triggers_write() {
        let c = classifier();
        let i = c.classify("insert into answers (qid) values (?)").unwrap();
        assert_eq!(i.kind, Kind::Write);
        assert!(i.inserts);
        let mut w: Vec<_> = i.writes.iter().map(|s| s.to_string()).collect();
        w.sort();
        assert_eq!(w, ["answers", "log"]);
        let i = c.classify("update questions set total = total + 1 where id = ? returning id").unwrap();
        assert_eq!(i.kind, Kind::Write);
        assert!(!i.inserts);
    }

    #[test]
    fn schema_transactions_and_unknowns() {
        let c = classifier();
        assert_eq!(c.classify("create table z (a)").unwrap().kind, Kind::Schema);
        assert_eq!(c.classify("create index qi on questions(total)").unwrap().kind, Kind::Schema);
        assert_eq!(c.classify("alter table questions add column z text").unwrap().kind, Kind::Schema);
        assert_eq!(c.classify("begin").unwrap().kind, Kind::Transaction);
        assert_eq!(c.classify("pragma optimize").unwrap().kind, Kind::Maintenance);
        assert_eq!(c.classify("select * from nowhere").unwrap().kind, Kind::Unknown);
        assert!(c.classify("   ").is_err());
        assert!(c.classify("insert into log values (1); drop table questions").is_err());
        assert!(c.classify("select ';' -- ; x\n;  ;").is_ok());
        assert!(c.classify("create trigger t2 after delete on answers begin delete from log; end").is_ok());
    }
}
