//! One libSQL connection driven synchronously from its own worker thread, with a cache of
//! prepared statements. Every libsql call is awaited at the leaf with `block_on` on the
//! shared runtime and bounded by the request timeout, so a dead server gives an error, not a
//! hang, and code above (queries, migrations) is plain sequential Rust.

use super::checkpoint::WalShared;
use super::classify::StatementInfo;
use super::value::{cell_type, CellTypes, Columns, ResultWriter};
use crate::config::IntMode;
use crate::error::{Error, Result};
use libsql::params::Params;
use libsql::{Row, Value};
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::runtime::Handle;

const MAX_CACHED_STATEMENTS: usize = 512;

struct Prepared {
    stmt: libsql::Statement,
    columns: Columns,
}

pub struct Conn {
    conn: libsql::Connection,
    stmts: HashMap<Arc<str>, Prepared>,
    rt: Handle,
    timeout: Duration,
    pub int_mode: IntMode,
    pub cell_types: CellTypes,
    /// A remote server over Hrana (not a local file, not a replica).
    pub hrana: bool,
    /// Set by a timeout or connection error: the next use reconnects first.
    broken: bool,
    /// When the current job's request times out, counted from its submission (remote
    /// databases): a job queued behind a frozen server fails at once instead of waiting
    /// its own full timeout after the ones before it.
    deadline: Option<Instant>,
    reconnect: Arc<dyn Fn() -> Result<libsql::Connection> + Send + Sync>,
    /// Bumped whenever the schema may have changed (DDL, a replica sync that pulled frames):
    /// the next statement checks the schema version.
    schema_epoch: Arc<AtomicU64>,
    seen_epoch: u64,
    /// The schema version the cached statements (and their column lists) were prepared
    /// under; None until first checked.
    schema_version: Option<i64>,
    /// What the writer of a local file shares with the background checkpoint, and its own
    /// busy timeout.
    checkpoints: Option<(Arc<WalShared>, Duration)>,
}

impl Conn {
    pub fn new(
        rt: Handle,
        timeout: Duration,
        int_mode: IntMode,
        reconnect: Arc<dyn Fn() -> Result<libsql::Connection> + Send + Sync>,
        schema_epoch: Arc<AtomicU64>,
    ) -> Result<Self> {
        let conn = reconnect()?;
        let seen_epoch = schema_epoch.load(Ordering::Acquire);
        Ok(Conn {
            conn,
            stmts: HashMap::new(),
            rt,
            timeout,
            int_mode,
            cell_types: CellTypes::Exact,
            hrana: false,
            broken: false,
            deadline: None,
            reconnect,
            schema_epoch,
            seen_epoch,
            schema_version: None,
            checkpoints: None,
        })
    }

    /// Awaits `fut` on the shared runtime, bounded by the request timeout.
    pub fn wait<T>(&self, fut: impl Future<Output = std::result::Result<T, libsql::Error>>) -> Result<T> {
        wait_on(&self.rt, self.limit(), fut)
    }

    /// Bounds the calls of the job now running by `deadline` too (the pool clears it after the job).
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    fn limit(&self) -> Limit {
        let left = self.deadline.map_or(self.timeout, |d| self.timeout.min(d.saturating_duration_since(Instant::now())));
        Limit { left, timeout: self.timeout }
    }

    fn heal(&mut self) -> Result<()> {
        if self.broken {
            self.stmts.clear();
            self.conn = (self.reconnect)()?;
            self.broken = false;
        }
        Ok(())
    }

    /// After an error the connection may hold a half-run statement or an open transaction
    /// (a libsql bug keeps SQLITE_BUSY statements "in progress"): drop cached statements of
    /// this SQL and mark the link for reconnection when the error came from the transport.
    /// Returns the error to report (see `refused_write`).
    fn after_error(&mut self, sql: &str, err: Error) -> Error {
        self.stmts.remove(sql);
        // A refused request (auth, permission) ends the server's stream too: its baton is void.
        if matches!(err.code.as_str(), "ERR_TIMEOUT" | "ERR_CONNECTION" | "ERR_AUTH" | "ERR_PERMISSION") {
            self.broken = true;
        }
        if self.hrana && err.code == "ERR_CONNECTION" && err.message.starts_with("cursor error") {
            return self.refused_write().unwrap_or(err);
        }
        err
    }

    /// sqld answers a write it refuses for lack of permission with 403 on its pipeline
    /// endpoint, but by closing the connection on its cursor endpoint (which statements
    /// returning rows use), which looks like a network failure. After such a failure, a
    /// write that changes nothing, sent on a fresh stream, tells the two apart.
    fn refused_write(&self) -> Option<Error> {
        let probe = (self.reconnect)().ok()?;
        match self.wait(async move { probe.execute("DELETE FROM sqlite_schema WHERE 0", ()).await }) {
            Err(e) if e.code == "ERR_PERMISSION" => Some(e),
            _ => None,
        }
    }

    /// The cached prepared statement for `sql`, reset and ready to bind.
    fn statement(&mut self, sql: &str) -> Result<&Prepared> {
        self.prepare_cached(sql)?;
        self.cached(sql)
    }

    fn cached(&self, sql: &str) -> Result<&Prepared> {
        let p = self.stmts.get(sql).ok_or_else(|| Error::internal("statement cache lost an entry"))?;
        p.stmt.reset();
        Ok(p)
    }

    fn prepare_cached(&mut self, sql: &str) -> Result<()> {
        let epoch = self.schema_epoch.load(Ordering::Acquire);
        if epoch != self.seen_epoch {
            self.seen_epoch = epoch;
            // A replica's every sync that pulls frames bumps the epoch, and re-preparing every
            // statement after each one cost more than the reads themselves: keep them unless
            // the schema really changed. A SELECT, not the PRAGMA, which a replica would send
            // to its primary.
            let version = match self.query_map("SELECT schema_version FROM pragma_schema_version", vec![], |r| Ok(r.get::<i64>(0)?)) {
                Ok(v) => v.first().copied(),
                Err(e) => {
                    // Unknown, so nothing cached may be trusted.
                    self.stmts.clear();
                    self.schema_version = None;
                    return Err(e);
                }
            };
            if version.is_none() || version != self.schema_version {
                self.stmts.clear();
                self.schema_version = version;
                // prepare() trusts the connection's parsed schema; only a statement that starts
                // a read transaction checks the schema cookie and reloads it. Without this,
                // column lists cached from a fresh prepare could predate an ALTER TABLE.
                self.exec_script("SELECT 1 FROM sqlite_schema LIMIT 1")?;
            }
        }
        if !self.stmts.contains_key(sql) {
            let conn = self.conn.clone();
            let owned = sql.to_string();
            let stmt = self.wait(async move { conn.prepare(&owned).await })?;
            let cols = stmt.columns();
            let names: Vec<String> = cols.iter().map(|c| c.name().to_string()).collect();
            let types: Vec<Option<String>> = cols.iter().map(|c| c.decl_type().map(str::to_string)).collect();
            if self.stmts.len() >= MAX_CACHED_STATEMENTS {
                self.stmts.clear();
            }
            self.stmts.insert(Arc::from(sql), Prepared { stmt, columns: Columns::new(&names, &types) });
        }
        Ok(())
    }

    /// Runs one statement and writes its ResultSet JSON.
    pub fn run_json(&mut self, sql: &str, info: &StatementInfo, params: Vec<Value>) -> Result<String> {
        self.heal()?;
        let again = self.may_retry().then(|| params.clone());
        let mut r = self.run_json_inner(sql, info, params);
        if let (Err(e), Some(p)) = (&r, again) {
            if never_ran(e) {
                self.renew()?;
                r = self.run_json_inner(sql, info, p);
            }
        }
        r.map_err(|e| self.after_error(sql, e))
    }

    fn run_json_inner(&mut self, sql: &str, info: &StatementInfo, params: Vec<Value>) -> Result<String> {
        // A replica serves reads from its own file, where the column type is exact.
        let how = if info.is_read() { CellTypes::Exact } else { self.cell_types };
        let int_mode = self.int_mode;
        self.prepare_cached(sql)?;
        let prepared = self.cached(sql)?;
        let (stmt, columns) = (&prepared.stmt, &prepared.columns);
        let mut w = ResultWriter::new(columns, int_mode);
        let n = columns.len() as i32;
        let (limit, hrana, conn) = (self.limit(), self.hrana, &self.conn);
        let outcome: Result<()> = wait_on(&self.rt, limit, async {
            // Over Hrana only `execute` reports the last insert rowid (a query's cursor drops
            // it), so a write without result columns is executed rather than queried; through
            // the connection, because a prepared Hrana statement fixes at prepare time whether
            // it closes the stream, which would end a transaction begun since.
            if hrana && n == 0 && !info.is_read() {
                conn.execute(sql, params_for(info, params)).await?;
                return Ok(Ok(()));
            }
            let mut rows = stmt.query(params_for(info, params)).await?;
            while let Some(row) = rows.next().await? {
                w.begin_row();
                for i in 0..n {
                    if let Err(e) = write_value(&mut w, &row, i, how) {
                        return Ok(Err(e));
                    }
                }
                w.end_row();
            }
            Ok(Ok(()))
        })?;
        stmt.reset();
        outcome?;
        let (affected, rowid) = if info.is_read() {
            (0, None)
        } else {
            // A RETURNING write over Hrana went through a cursor, which reports no rowid: the
            // connection's is a leftover of an earlier statement.
            let known = info.inserts && !(self.hrana && n > 0);
            (self.conn.changes(), known.then(|| self.conn.last_insert_rowid()))
        };
        Ok(w.finish(affected, rowid))
    }

    /// Runs a statement and maps every row; for the Rust-side queries.
    pub fn query_map<T>(&mut self, sql: &str, params: Vec<Value>, mut f: impl FnMut(&Row) -> Result<T>) -> Result<Vec<T>> {
        self.query_until(sql, params, |row| f(row).map(Some))
    }

    /// Maps rows until `f` answers None: a walk that stops once it has what it needs, without
    /// stepping through the rest.
    pub fn query_until<T>(
        &mut self,
        sql: &str,
        params: Vec<Value>,
        mut f: impl FnMut(&Row) -> Result<Option<T>>,
    ) -> Result<Vec<T>> {
        self.heal()?;
        let again = self.may_retry().then(|| params.clone());
        let r = self.query_until_once(sql, params, &mut f);
        let r = match (r, again) {
            (Err(e), Some(p)) if never_ran(&e) => {
                self.renew()?;
                self.query_until_once(sql, p, &mut f)
            }
            (r, _) => r,
        };
        r.map_err(|e| self.after_error(sql, e))
    }

    fn query_until_once<T>(
        &mut self,
        sql: &str,
        params: Vec<Value>,
        f: &mut impl FnMut(&Row) -> Result<Option<T>>,
    ) -> Result<Vec<T>> {
        let (rt, limit) = (self.rt.clone(), self.limit());
        let stmt = &self.statement(sql)?.stmt;
        let r: Result<Result<Vec<T>>> = wait_on(&rt, limit, async {
            let mut out = Vec::new();
            let mut rows = stmt.query(Params::Positional(params)).await?;
            while let Some(row) = rows.next().await? {
                match f(&row) {
                    Ok(Some(v)) => out.push(v),
                    Ok(None) => break,
                    Err(e) => return Ok(Err(e)),
                }
            }
            Ok(Ok(out))
        });
        stmt.reset();
        r.and_then(|x| x)
    }

    /// Runs a statement for its effect; returns rows changed.
    pub fn exec(&mut self, sql: &str, params: Vec<Value>) -> Result<u64> {
        self.query_map(sql, params, |_| Ok(()))?;
        Ok(self.conn.changes())
    }

    /// Runs SQL text that may hold several statements and no parameters (DDL, PRAGMAs).
    pub fn exec_script(&mut self, sql: &str) -> Result<()> {
        self.heal()?;
        let retry = self.may_retry();
        let mut r = self.exec_script_once(sql);
        // Not after an interrupt: the script's earlier statements may have committed.
        if retry && r.as_ref().is_err_and(stream_lost) {
            self.renew()?;
            r = self.exec_script_once(sql);
        }
        r.map_err(|e| self.after_error(sql, e))
    }

    fn exec_script_once(&self, sql: &str) -> Result<()> {
        let conn = self.conn.clone();
        let owned = sql.to_string();
        self.wait(async move { conn.execute_batch(&owned).await.map(|_| ()) })
    }

    /// sqld drops a stream left idle past its expiry (about 10 s) and refuses the next
    /// request on it without running it, or interrupts a statement (see `never_ran`): a fresh
    /// stream may run that request once, unless a transaction was open on the stream (its
    /// earlier statements are gone).
    fn may_retry(&self) -> bool {
        self.hrana && self.conn.is_autocommit()
    }

    fn renew(&mut self) -> Result<()> {
        self.broken = true;
        self.heal()
    }

    pub fn last_insert_rowid(&self) -> i64 {
        self.conn.last_insert_rowid()
    }

    pub fn changes(&self) -> u64 {
        self.conn.changes()
    }

    pub fn is_autocommit(&self) -> bool {
        self.conn.is_autocommit()
    }

    /// Leaves any transaction an error left open.
    pub fn ensure_autocommit(&mut self) {
        if !self.broken && !self.conn.is_autocommit() {
            let _ = self.exec_script("ROLLBACK");
        }
    }

    /// Runs `f` with SQLite's busy handler off, so a database another connection has locked
    /// answers SQLITE_BUSY at once instead of waiting; then waits up to `wait` again.
    pub fn without_busy_wait<T>(&mut self, wait: Duration, f: impl FnOnce(&mut Conn) -> T) -> T {
        let _ = self.conn.busy_timeout(Duration::ZERO);
        let r = f(self);
        let _ = self.conn.busy_timeout(wait);
        r
    }

    pub fn set_checkpoints(&mut self, wal: Arc<WalShared>, busy: Duration) {
        self.checkpoints = Some((wal, busy));
    }

    /// Between jobs on the writer's thread: the WAL rewind the background checkpoint asked for.
    pub fn between_jobs(&mut self) {
        if let (Some((wal, busy)), false) = (&self.checkpoints, self.broken) {
            if self.conn.is_autocommit() {
                wal.rewind_if_due(&self.conn, &self.rt, *busy);
            }
        }
    }

    /// Runs `f` with the background checkpoint held off (see `WalShared::running`): for
    /// checkpoints, VACUUM and other maintenance asked of this connection.
    pub fn hold_checkpoints<T>(&mut self, f: impl FnOnce(&mut Conn) -> T) -> T {
        let Some((wal, _)) = self.checkpoints.clone() else { return f(self) };
        let _held = wal.running.lock().unwrap_or_else(|p| p.into_inner());
        f(self)
    }

    pub fn raw(&self) -> &libsql::Connection {
        &self.conn
    }
}

/// The time a call may take (`left`) and the configured request timeout the error quotes.
#[derive(Clone, Copy)]
struct Limit {
    left: Duration,
    timeout: Duration,
}

fn wait_on<T>(rt: &Handle, limit: Limit, fut: impl Future<Output = std::result::Result<T, libsql::Error>>) -> Result<T> {
    let expired = || Error::timeout("the database", limit.timeout.as_millis() as u64);
    // Never polled once the time is up: a first poll could already send a write.
    if limit.left.is_zero() {
        return Err(expired());
    }
    match rt.block_on(async move { tokio::time::timeout(limit.left, fut).await }) {
        Ok(r) => r.map_err(Error::from),
        Err(_) => Err(expired()),
    }
}

/// The server refused a request on a stream it no longer knows (expired, or closed after an
/// error), or interrupted its one statement: either way, outside a transaction, the request
/// left nothing behind (SQLite rolls an interrupted statement back), so it may run again. sqld
/// interrupts a statement now and then in the first second of load on a freshly started
/// server; the remote load-tester test saw one such read in 5 to 20 runs.
fn never_ran(e: &Error) -> bool {
    stream_lost(e) || e.message.contains("SQLITE_INTERRUPT")
}

/// The server refused a request on a stream it no longer knows: nothing of it ran.
fn stream_lost(e: &Error) -> bool {
    e.message.contains("STREAM_EXPIRED") || e.message.contains("invalid baton")
}

/// Named statements bind by name: remote servers (Hrana) match named arguments by name only.
/// `?NNN` parameters stay positional: their index is their number, and an embedded replica
/// forwarding a write cannot bind a parameter *named* `?1` on the primary.
fn params_for(info: &StatementInfo, params: Vec<Value>) -> Params {
    let named = |p: &Option<String>| p.as_deref().is_some_and(|n| !n.starts_with('?'));
    if !info.params.is_empty() && info.params.iter().all(named) && params.len() == info.params.len() {
        Params::Named(info.params.iter().flatten().cloned().zip(params).collect())
    } else {
        Params::Positional(params)
    }
}

fn write_value(w: &mut ResultWriter, row: &Row, i: i32, how: CellTypes) -> Result<()> {
    use libsql::ValueType as T;
    match cell_type(row, i, how).map_err(Error::from)? {
        T::Null => w.null(),
        T::Integer => w.integer(row.get::<i64>(i).map_err(Error::from)?)?,
        T::Real => w.real(row.get::<f64>(i).map_err(Error::from)?),
        T::Text => w.text(row.get_str(i).map_err(Error::from)?),
        T::Blob => w.blob(&row.get::<Vec<u8>>(i).map_err(Error::from)?),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::never_ran;
    use crate::error::{Error, Kind};

    fn err(message: &str) -> Error {
        Error::new(Kind::Other, "SQLITE_ERROR", message.to_string())
    }

    #[test]
    fn requests_the_server_refused_or_interrupted_may_run_again() {
        assert!(never_ran(&err("cursor error: `error at step 0: (error code: SQLITE_INTERRUPT) `SQLite error: interrupted``")));
        assert!(never_ran(&err("Hrana: `api error: `status=400 Bad Request, body={\"error\":\"Received an invalid baton\"}``")));
        assert!(never_ran(&err("STREAM_EXPIRED")));
        assert!(!never_ran(&err("UNIQUE constraint failed: users.email")));
        assert!(!never_ran(&err("database is locked")));
    }
}
