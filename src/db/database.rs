//! `Database`: the backend, its connection pool, the statement classifier and the result
//! cache behind one handle. Creation is synchronous and cheap; connecting runs on its own
//! thread and every call waits for it.

use super::classify::{Classifier, Kind, StatementInfo};
use super::conn::Conn;
use super::open::{self, Opened};
use super::checkpoint::Checkpointer;
use super::inline::InlineReader;
use super::pool::{AfterWrite, Pool};
use super::query_cache::QueryCache;
use super::value::encode_params;
use crate::config::{Backend, EdgeConfig};
use crate::error::{Error, Result};
use libsql::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::runtime::Handle;
use tokio::sync::{oneshot, watch};

#[derive(Debug, Clone)]
pub enum RawParams {
    None,
    Positional(Vec<Value>),
    /// Keys without their prefix, as @libsql/client takes them.
    Named(Vec<(String, Value)>),
}

#[derive(Debug, Clone)]
pub struct RawStatement {
    pub sql: Arc<str>,
    pub params: RawParams,
}

/// A statement ready to run: classified and bound by position.
#[derive(Debug, Clone)]
pub struct Bound {
    pub sql: Arc<str>,
    pub info: Arc<StatementInfo>,
    pub params: Vec<Value>,
}

pub enum Probe {
    Hit(Arc<str>),
    /// Not in the cache; ready to run as is.
    Miss(Bound, super::query_cache::Key),
    /// Not cacheable, or not connected yet: the turn classifies it.
    Skip,
}

#[derive(Clone)]
enum State {
    Connecting,
    Ready(Arc<Ready>),
    Failed(Error),
    Closed,
}

pub struct Ready {
    pub pool: Pool,
    pub classifier: Classifier,
    pub cache: QueryCache,
    pub opened: Opened,
    pub sync: Option<Arc<SyncState>>,
    checkpointer: Option<Arc<Checkpointer>>,
    pub(crate) write_queue: super::execute::WriteQueue,
    /// The JS thread's own read connection (local files only).
    pub(crate) inline: InlineReader,
    schema_epoch: Arc<AtomicU64>,
}

/// The first sync of an embedded replica copies the primary (100 MB took seconds on loopback).
const FIRST_SYNC_TIMEOUT_MS: u64 = 300_000;

#[derive(Default)]
pub struct SyncState {
    pub count: AtomicU64,
    pub errors: AtomicU64,
    pub last_sync_unix_ms: AtomicU64,
    pub last_duration_us: AtomicU64,
    pub total_duration_us: AtomicU64,
    pub frames_synced: AtomicU64,
    /// The replica's committed frame number after the last sync, plus one (0: none yet).
    pub frame_no: AtomicU64,
    pub stop: tokio::sync::Notify,
}

/// What one sync did.
pub struct Synced {
    pub frames: u64,
    /// The replica holds frames it did not hold at the previous sync. Writes through this
    /// replica (read-your-writes) pull the primary's frames up to their own, other nodes'
    /// included, without a sync counting them: comparing frame numbers catches those too.
    pub advanced: bool,
    pub frame_no: Option<u64>,
}

#[derive(Default)]
pub struct Counters {
    pub queries: AtomicU64,
    pub errors: AtomicU64,
    pub total_query_us: AtomicU64,
    pub last_query_us: AtomicU64,
    pub connection_us: AtomicU64,
    /// Turns answered on the calling thread (`inline.rs`) rather than by the pool.
    pub inline_turns: AtomicU64,
    /// Of those, the turns that were a lone write on the borrowed writer connection.
    pub inline_writes: AtomicU64,
}

pub struct Database {
    pub cfg: EdgeConfig,
    /// Told about every statement run (monitoring).
    pub observers: Arc<super::observer::Observers>,
    /// Turn batching for Rust callers, started on first use.
    pub(crate) batcher: std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<super::batcher::Submission>>,
    rt: Handle,
    state: watch::Sender<State>,
    pub counters: Arc<Counters>,
    secrets: Vec<String>,
}

impl Database {
    pub fn open(cfg: EdgeConfig) -> Arc<Database> {
        let rt = crate::runtime::handle();
        let (state, _) = watch::channel(State::Connecting);
        let secrets = cfg.secrets().into_iter().map(str::to_string).collect();
        let db = Arc::new(Database { cfg, rt, state, counters: Arc::default(), secrets, observers: Arc::default(), batcher: Default::default() });
        let weak = Arc::downgrade(&db);
        // Connecting blocks on I/O (and on the shared runtime), so it gets its own thread.
        let spawned = std::thread::Builder::new().name("pingtopass-connect".into()).spawn(move || {
            let Some(db) = weak.upgrade() else { return };
            let started = Instant::now();
            let outcome = db.connect();
            db.counters.connection_us.store(started.elapsed().as_micros() as u64, Ordering::Relaxed);
            db.state.send_modify(|s| {
                if matches!(s, State::Connecting) {
                    *s = match &outcome {
                        Ok(r) => State::Ready(r.clone()),
                        Err(e) => State::Failed(e.clone()),
                    };
                }
            });
            // Closed while connecting: release what was opened.
            let closed = matches!(&*db.state.borrow(), State::Closed);
            if let (Ok(r), true) = (&outcome, closed) {
                r.shutdown();
            }
        });
        if let Err(e) = spawned {
            db.state.send_replace(State::Failed(Error::internal(format!("cannot start connecting: {e}"))));
        }
        db
    }

    pub fn scrub(&self, e: Error) -> Error {
        let s: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        e.redact(&s)
    }

    fn connect(&self) -> Result<Arc<Ready>> {
        let cfg = &self.cfg;
        let opened = open::open(cfg, &self.rt).map_err(|e| self.scrub(e))?;
        let sync = match &opened.backend {
            Backend::Replica { .. } => {
                let state = Arc::new(SyncState::default());
                // A fresh replica has no tables until its first sync, which downloads the whole
                // database: bounded by what that may take, not by one request's timeout.
                let first_sync_ms = cfg.request_timeout_ms.max(FIRST_SYNC_TIMEOUT_MS);
                sync_once(&opened.db, &state, &self.rt, first_sync_ms).map_err(|e| self.scrub(e))?;
                Some(state)
            }
            _ => None,
        };
        let schema_epoch = Arc::new(AtomicU64::new(0));
        let checkpointer = match &opened.backend {
            Backend::Local { .. } => Some(Arc::new(Checkpointer::start(&opened.db, self.rt.clone()).map_err(|e| self.scrub(e))?)),
            _ => None,
        };
        let after_write = checkpointer.clone().map(|c| Box::new(move || c.nudge()) as AfterWrite);
        let open_one = |i: usize| {
            let mut conn = open::connection(&opened, cfg, &self.rt, i, schema_epoch.clone())?;
            if let (0, Some(c)) = (i, &checkpointer) {
                conn.set_checkpoints(c.wal(), Duration::from_millis(cfg.busy_timeout_ms));
            }
            Ok(conn)
        };
        let pool = Pool::start(cfg.max_connections, &open_one, after_write)
            .map_err(|e| {
                if let Some(c) = &checkpointer {
                    c.stop();
                }
                self.scrub(self.explain_open_error(e))
            })?;
        let inline = match &opened.backend {
            Backend::Local { .. } => match open_one(cfg.max_connections.max(1) + 1) {
                Ok(c) => Some(c),
                Err(e) => {
                    pool.shutdown();
                    if let Some(c) = &checkpointer {
                        c.stop();
                    }
                    return Err(self.scrub(self.explain_open_error(e)));
                }
            },
            _ => None,
        };
        let classifier = Classifier::new()?;
        let cache = QueryCache::new(cfg.cache_max_size, Duration::from_secs(cfg.cache_ttl_secs));
        let ready = Arc::new(Ready {
            pool,
            classifier,
            cache,
            opened,
            sync,
            checkpointer,
            write_queue: Default::default(),
            inline: InlineReader::new(inline, Duration::from_micros(cfg.inline_budget_us)),
            schema_epoch,
        });
        // Checks the link and the credentials now: a bad token otherwise surfaces only on
        // the first query. The same round trip loads the schema for the classifier.
        let schema = ready.read(|c| load_schema(c)).map_err(|e| self.scrub(self.explain_open_error(e)));
        match schema {
            Ok(ddl) => ready.classifier.load_schema(&ddl)?,
            Err(e) => {
                ready.shutdown();
                return Err(e);
            }
        }
        if let (Some(state), interval) = (&ready.sync, cfg.sync_interval_secs) {
            if interval > 0 {
                spawn_periodic_sync(&self.rt, Arc::downgrade(&ready), state.clone(), interval, cfg.request_timeout_ms);
            }
        }
        Ok(ready)
    }

    /// A file that is "not a database" is, in practice, an encrypted file opened with the
    /// wrong key or without one.
    fn explain_open_error(&self, e: Error) -> Error {
        if e.code != "SQLITE_NOTADB" {
            return e;
        }
        let why = if self.cfg.encryption_key.is_some() {
            "the encryption key does not open this file (a wrong key, or the file is not encrypted)"
        } else {
            "the file is not a database, or it is encrypted and no encryptionKey was given"
        };
        Error::usage("ERR_ENCRYPTION_KEY", format!("cannot open {}: {why}", self.cfg.display_target()))
    }

    /// Waits until connected; fails with the connection error or "database closed".
    pub async fn ready(&self) -> Result<Arc<Ready>> {
        let mut rx = self.state.subscribe();
        let state = rx
            .wait_for(|s| !matches!(s, State::Connecting))
            .await
            .map_err(|_| Error::closed())?
            .clone();
        match state {
            State::Ready(r) => Ok(r),
            State::Failed(e) => Err(e),
            State::Closed | State::Connecting => Err(Error::closed()),
        }
    }

    /// The ready state without waiting, for the synchronous cache probe.
    pub fn try_ready(&self) -> Option<Arc<Ready>> {
        match &*self.state.borrow() {
            State::Ready(r) => Some(r.clone()),
            _ => None,
        }
    }

    pub fn is_closed(&self) -> bool {
        matches!(&*self.state.borrow(), State::Closed)
    }

    /// The synchronous cache probe of a read: a hit is answered at once; a miss comes back
    /// classified, bound and keyed, so the turn does not do that work again.
    pub fn probe(&self, stmt: &RawStatement) -> Probe {
        let Some(ready) = self.try_ready() else { return Probe::Skip };
        if !ready.cache.enabled() {
            return Probe::Skip;
        }
        let Ok(info) = ready.classifier.classify(&stmt.sql) else { return Probe::Skip };
        if !info.is_read() {
            return Probe::Skip;
        }
        let Ok(params) = bind(&info, &stmt.params) else { return Probe::Skip };
        let mut bytes = Vec::new();
        encode_params(&params, &mut bytes);
        let key = ready.cache.key(&stmt.sql, bytes, &info.reads);
        match ready.cache.get(&key) {
            Some(hit) => Probe::Hit(hit),
            None => Probe::Miss(Bound { sql: stmt.sql.clone(), info, params }, key),
        }
    }

    pub async fn close(&self) {
        let prev = self.state.send_replace(State::Closed);
        if let State::Ready(r) = prev {
            let _ = tokio::task::spawn_blocking(move || r.shutdown()).await;
        }
    }

    /// Counts `n` requests that finished together, `started` being when their turn began.
    pub fn record(&self, started: Instant, n: u64) {
        let us = started.elapsed().as_micros() as u64;
        let c = &self.counters;
        c.queries.fetch_add(n, Ordering::Relaxed);
        c.total_query_us.fetch_add(us * n, Ordering::Relaxed);
        c.last_query_us.store(us, Ordering::Relaxed);
    }

    /// Syncs an embedded replica now.
    pub async fn sync(&self) -> Result<serde_json::Value> {
        let ready = self.ready().await?;
        let Some(state) = ready.sync.clone() else {
            return Err(Error::usage("ERR_NOT_A_REPLICA", "sync() needs an embedded replica (a remote URL plus replicaPath)"));
        };
        let db = ready.opened.db.clone();
        let timeout = self.cfg.request_timeout_ms;
        let rt = self.rt.clone();
        let synced = tokio::task::spawn_blocking(move || sync_once(&db, &state, &rt, timeout))
            .await
            .map_err(|e| Error::internal(e.to_string()))?
            .map_err(|e| self.scrub(e))?;
        ready.after_sync(&synced);
        Ok(serde_json::json!({ "framesSynced": synced.frames, "frameNo": synced.frame_no }))
    }
}

impl Ready {
    pub fn shutdown(&self) {
        if let Some(s) = &self.sync {
            s.stop.notify_waiters();
            s.stop.notify_one();
        }
        self.pool.shutdown();
        self.inline.close();
        if let Some(c) = &self.checkpointer {
            c.stop();
        }
    }

    /// What the writer thread does after each of its jobs, for a write run elsewhere: the
    /// background checkpoint's cue.
    pub fn after_writer_job(&self) {
        if let Some(c) = &self.checkpointer {
            c.nudge();
        }
    }

    /// Runs `f` on a reader connection and returns its result.
    pub fn read<T: Send + 'static>(&self, f: impl FnOnce(&mut Conn) -> Result<T> + Send + 'static) -> Result<T> {
        let (tx, rx) = std::sync::mpsc::channel();
        self.pool.read(Box::new(move |c| {
            let _ = tx.send(f(c));
        }))?;
        rx.recv().map_err(|_| Error::closed())?
    }

    pub async fn read_async<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        self.pool.read(Box::new(move |c| {
            let _ = tx.send(f(c));
        }))?;
        rx.await.map_err(|_| Error::closed())?
    }

    pub async fn write_async<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        self.pool.write(Box::new(move |c| {
            let _ = tx.send(f(c));
        }))?;
        rx.await.map_err(|_| Error::closed())?
    }

    pub fn is_local(&self) -> bool {
        matches!(self.opened.backend, Backend::Local { .. })
    }

    /// Classifies and binds; reloads the shadow schema once if the statement names
    /// something it does not know (another client may have created it).
    pub fn bind(&self, stmt: &RawStatement) -> Result<Bound> {
        let mut info = self.classifier.classify(&stmt.sql)?;
        if info.kind == Kind::Unknown {
            if let Ok(ddl) = self.read(load_schema) {
                self.classifier.load_schema(&ddl)?;
                info = self.classifier.classify(&stmt.sql)?;
            }
        }
        let params = bind(&info, &stmt.params)?;
        Ok(Bound { sql: stmt.sql.clone(), info, params })
    }

    /// New frames may hold other nodes' rows, or schema: cached results and prepared
    /// statements from before them must not be served.
    fn after_sync(&self, synced: &Synced) {
        if synced.advanced {
            self.schema_epoch.fetch_add(1, Ordering::AcqRel);
            self.cache.invalidate_all();
        }
    }

    /// After DDL run outside the request path (schema setup, migrations).
    pub fn schema_changed(&self, conn: &mut Conn) {
        self.schema_epoch.fetch_add(1, Ordering::AcqRel);
        self.cache.invalidate_all();
        if let Ok(ddl) = load_schema(conn) {
            let _ = self.classifier.load_schema(&ddl);
        }
    }

    /// After a write: drop cached reads of what it touched, and follow schema changes.
    pub fn after_write(&self, infos: &[&StatementInfo], conn: &mut Conn) {
        let mut schema = false;
        for i in infos {
            match i.kind {
                Kind::Read => {}
                Kind::Write => self.cache.invalidate_tables(&i.writes),
                Kind::Schema | Kind::Unknown => schema = true,
                Kind::Maintenance | Kind::Transaction => self.cache.invalidate_all(),
            }
        }
        if schema {
            self.schema_changed(conn);
        }
    }
}

/// The schema DDL in an order that recreates it: tables, then views, indexes, triggers.
pub fn load_schema(conn: &mut Conn) -> Result<Vec<String>> {
    conn.query_map(
        "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' \
         ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'view' THEN 1 WHEN 'index' THEN 2 ELSE 3 END, rowid",
        vec![],
        |row| Ok(row.get::<String>(0)?),
    )
}

/// Positional values for a statement, from positional or named parameters.
pub fn bind(info: &StatementInfo, params: &RawParams) -> Result<Vec<Value>> {
    let expected = info.params.len();
    match params {
        RawParams::None if expected == 0 || info.kind == Kind::Unknown => Ok(vec![]),
        RawParams::None => Err(Error::out_of_range("params", &format!("an array or object with {expected} value(s)"))),
        RawParams::Positional(v) => {
            if info.kind != Kind::Unknown && v.len() != expected {
                return Err(Error::out_of_range(
                    "params",
                    &format!("{expected} value(s) for this statement, got {}", v.len()),
                ));
            }
            Ok(v.clone())
        }
        RawParams::Named(map) => {
            let mut out = Vec::with_capacity(expected);
            for (i, name) in info.params.iter().enumerate() {
                let Some(name) = name else {
                    return Err(Error::invalid_type("params", &format!("an array: parameter {} is positional", i + 1)));
                };
                let bare = name.get(1..).unwrap_or("");
                let v = map
                    .iter()
                    .find(|(k, _)| k == bare || k == name)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| Error::out_of_range(&format!("params.{bare}"), "given: the statement uses it"))?;
                out.push(v);
            }
            if let Some((k, _)) = map.iter().find(|(k, _)| {
                !info.params.iter().flatten().any(|n| n.get(1..) == Some(k.as_str()) || n == k)
            }) {
                return Err(Error::out_of_range(&format!("params.{k}"), "a parameter of the statement"));
            }
            Ok(out)
        }
    }
}

fn sync_once(db: &libsql::Database, state: &SyncState, rt: &Handle, timeout_ms: u64) -> Result<Synced> {
    let started = Instant::now();
    let r = rt.block_on(async { tokio::time::timeout(Duration::from_millis(timeout_ms), db.sync()).await });
    let r = match r {
        Ok(r) => r.map_err(Error::from),
        Err(_) => Err(Error::timeout("the primary (sync)", timeout_ms)),
    };
    match r {
        Ok(rep) => {
            let frames = rep.frames_synced() as u64;
            state.count.fetch_add(1, Ordering::Relaxed);
            state.frames_synced.fetch_add(frames, Ordering::Relaxed);
            let us = started.elapsed().as_micros() as u64;
            state.last_duration_us.store(us, Ordering::Relaxed);
            state.total_duration_us.fetch_add(us, Ordering::Relaxed);
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            state.last_sync_unix_ms.store(now.as_millis() as u64, Ordering::Relaxed);
            let frame_no = rep.frame_no();
            let stored = frame_no.map_or(0, |f| f + 1);
            let advanced = state.frame_no.swap(stored, Ordering::AcqRel) != stored || frames > 0;
            Ok(Synced { frames, advanced, frame_no })
        }
        Err(e) => {
            state.errors.fetch_add(1, Ordering::Relaxed);
            Err(e)
        }
    }
}

fn spawn_periodic_sync(
    rt: &Handle,
    ready: std::sync::Weak<Ready>,
    state: Arc<SyncState>,
    interval_secs: u64,
    timeout_ms: u64,
) {
    let rt2 = rt.clone();
    rt.spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(interval_secs));
        tick.tick().await;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = state.stop.notified() => return,
            }
            let Some(r) = ready.upgrade() else { return };
            let db = r.opened.db.clone();
            let (state2, rt3) = (state.clone(), rt2.clone());
            let synced = tokio::task::spawn_blocking(move || sync_once(&db, &state2, &rt3, timeout_ms)).await;
            if let Ok(Ok(synced)) = synced {
                r.after_sync(&synced);
            }
        }
    });
}

/// A request whose job never answered: its connection thread panicked on it (the thread
/// survives) or the pool was shut down under it.
fn unanswered() -> String {
    Error::internal("the request failed inside the addon (a panic or a shutdown); other requests are unaffected").to_json()
}

/// Collects the results of a batch of jobs, each finishing on its own thread.
pub struct Collector {
    slots: Mutex<Vec<Option<String>>>,
}

impl Collector {
    pub fn new(n: usize) -> Arc<Self> {
        Arc::new(Collector { slots: Mutex::new(vec![None; n]) })
    }

    pub fn put(&self, i: usize, s: String) {
        if let Some(slot) = self.slots.lock().unwrap_or_else(|p| p.into_inner()).get_mut(i) {
            *slot = Some(s);
        }
    }

    pub fn copy(&self, from: usize, to: usize) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let v = slots.get(from).cloned().flatten();
        if let Some(slot) = slots.get_mut(to) {
            *slot = v;
        }
    }

    pub fn len(&self) -> usize {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Answers every slot no job has answered yet with `s`.
    pub fn fill_unanswered(&self, s: &str) {
        for slot in self.slots.lock().unwrap_or_else(|p| p.into_inner()).iter_mut().filter(|x| x.is_none()) {
            *slot = Some(s.to_string());
        }
    }

    pub fn into_outcomes(self: Arc<Self>) -> Vec<String> {
        self.take().into_iter().map(|s| s.unwrap_or_else(unanswered)).collect()
    }

    /// What a JS turn gets (lib/database.js): `into_json`, except that a turn of one request,
    /// the usual awaited call, is its outcome alone. JS knows how many it asked for, and a
    /// page of study questions is not copied once more into an array.
    pub fn into_turn_json(self: Arc<Self>) -> String {
        let mut slots = self.take();
        if slots.len() == 1 {
            return slots.pop().flatten().unwrap_or_else(unanswered);
        }
        array_json(slots)
    }

    /// The JSON array of the outcomes, in order.
    pub fn into_json(self: Arc<Self>) -> String {
        array_json(self.take())
    }

    fn take(&self) -> Vec<Option<String>> {
        std::mem::take(&mut *self.slots.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

fn array_json(slots: Vec<Option<String>>) -> String {
    let mut out = String::with_capacity(slots.iter().map(|s| s.as_ref().map_or(8, String::len) + 1).sum::<usize>() + 2);
    out.push('[');
    for (i, s) in slots.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&s.unwrap_or_else(unanswered));
    }
    out.push(']');
    out
}
