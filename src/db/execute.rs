//! Running what JS submitted in one event-loop turn: reads spread over the readers (each
//! distinct cacheable read once), writes group-committed on the writer, every result
//! collected into one JSON array so the whole turn costs one hop back to JS.

use super::classify::{Kind, StatementInfo};
use super::conn::Conn;
use super::database::{Bound, Collector, Database, RawStatement, Ready};
use super::query_cache::Key;
use super::value::encode_params;
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// How long past a remote request's deadline its caller waits for the job's own answer.
const DEADLINE_GRACE: Duration = Duration::from_millis(200);

pub enum Request {
    Execute { stmt: RawStatement, cache: bool, ttl: Option<Duration> },
    Batch(Vec<RawStatement>),
    /// Rust code over a connection (the optimized queries), routed like a statement.
    Call(Call),
    /// A cacheable read that missed the synchronous probe, already bound and keyed.
    Probed { bound: Bound, key: Key, ttl: Option<Duration> },
}

/// A unit of Rust work that returns its result as JSON text.
pub struct Call {
    /// Reported to observers (`study.recordAnswerOptimized`, ...).
    pub operation: &'static str,
    /// Writes run on the writer (group-committed inside a savepoint); reads on a reader.
    pub write: bool,
    /// Tables whose cached reads a successful write invalidates.
    pub writes: &'static [&'static str],
    /// Its work grows with its arguments (a batch), so its past runs do not predict the next:
    /// it never runs on the JS thread (`inline.rs`).
    pub scales: bool,
    pub run: Box<dyn FnMut(&mut Conn) -> Result<String> + Send>,
}

struct ReadItem {
    slot: usize,
    work: ReadWork,
}

impl ReadItem {
    /// What its cost is remembered by; None when it must not run on the JS thread.
    fn cost_key(&self) -> Option<&str> {
        match &self.work {
            ReadWork::Stmt { bound, .. } => Some(&bound.sql),
            ReadWork::Call(c) => (!c.scales).then_some(c.operation),
        }
    }
}

enum ReadWork {
    Stmt { bound: Bound, key: Option<Key>, ttl: Option<Duration> },
    Call(Call),
}

enum WriteItem {
    One(Bound),
    Many(Vec<Bound>),
    Call(Call),
}

impl WriteItem {
    fn groupable(&self) -> bool {
        match self {
            WriteItem::One(b) => b.info.kind == Kind::Write,
            WriteItem::Many(bs) => bs.iter().all(|b| matches!(b.info.kind, Kind::Read | Kind::Write)),
            WriteItem::Call(_) => true,
        }
    }

    fn infos(&self) -> Vec<&StatementInfo> {
        match self {
            WriteItem::One(b) => vec![&b.info],
            WriteItem::Many(bs) => bs.iter().map(|b| &*b.info).collect(),
            WriteItem::Call(_) => vec![],
        }
    }

    fn label(&self) -> (&'static str, &str) {
        match self {
            WriteItem::One(b) => ("execute", &b.sql),
            WriteItem::Many(_) => ("batch", "batch"),
            WriteItem::Call(c) => (c.operation, c.operation),
        }
    }
}

fn reject_transaction_control(b: &Bound) -> Result<()> {
    if b.info.kind == Kind::Transaction {
        return Err(Error::usage(
            "ERR_TRANSACTION_STATEMENT",
            "BEGIN/COMMIT/ROLLBACK/SAVEPOINT are managed by the pool: use db.transaction(fn) or db.batch(statements)",
        ));
    }
    Ok(())
}

impl Database {
    /// Runs one turn's requests; the JSON array of their outcomes, in order.
    pub async fn run(self: &Arc<Self>, requests: Vec<Request>) -> String {
        self.run_collect(requests).await.into_json()
    }

    /// `run` for a JS turn: a turn of one request is its outcome alone (`into_turn_json`).
    pub async fn run_turn(self: &Arc<Self>, requests: Vec<Request>) -> String {
        self.run_collect(requests).await.into_turn_json()
    }

    /// Runs one turn's requests; each outcome's JSON text, in order.
    pub async fn run_each(self: &Arc<Self>, requests: Vec<Request>) -> Vec<String> {
        self.run_collect(requests).await.into_outcomes()
    }

    async fn run_collect(self: &Arc<Self>, requests: Vec<Request>) -> Arc<Collector> {
        let submitted = Instant::now();
        let out = Collector::new(requests.len());
        let ready = match self.ready().await {
            Ok(r) => r,
            Err(e) => {
                let e = e.to_json();
                for i in 0..requests.len() {
                    out.put(i, e.clone());
                }
                return out;
            }
        };
        let turn = self.plan(&ready, requests, &out);
        // A remote request times out counted from its submission, not from when its
        // connection gets to it (a local file has no server to freeze).
        let deadline = (!ready.is_local()).then(|| submitted + Duration::from_millis(self.cfg.request_timeout_ms));
        let mut waits = Vec::new();
        self.start_jobs(&ready, turn.reads, turn.writes, &out, deadline, &mut || {
            let (tx, rx) = oneshot::channel::<()>();
            waits.push(rx);
            Box::new(tx)
        });
        for w in waits {
            let answered = match deadline {
                // The job itself gives up at the deadline; the grace lets it say so first.
                Some(d) => tokio::time::timeout_at((d + DEADLINE_GRACE).into(), w).await.is_ok(),
                None => {
                    let _ = w.await;
                    true
                }
            };
            if !answered {
                // Still queued behind a transaction holding the connection: it fails at once
                // when it gets to run, so this answer stands.
                out.fill_unanswered(&self.scrub(Error::timeout("the database", self.cfg.request_timeout_ms)).to_json());
                break;
            }
        }
        for (slot, first) in turn.duplicates {
            out.copy(first, slot);
        }
        self.record(turn.started, out.len() as u64);
        out
    }

    /// Runs one turn's requests on a local file without a stop on the async runtime. A turn
    /// of reads known to be cheap (see `inline.rs`), a lone cheap write (`write_here`), or a
    /// turn the cache answered whole is answered on this thread: its JSON array of outcomes
    /// is returned. Otherwise `defer()`
    /// gives the callback that the connection thread finishing last calls with that array,
    /// so a lone awaited call wakes two threads instead of four.
    pub fn run_local(
        self: &Arc<Self>,
        ready: &Arc<Ready>,
        requests: Vec<Request>,
        defer: impl FnOnce() -> Result<Box<dyn FnOnce(String) + Send>>,
    ) -> Result<Option<String>> {
        let out = Collector::new(requests.len());
        let mut turn = self.plan(ready, requests, &out);
        let keys: Option<Vec<&str>> = turn.reads.iter().map(ReadItem::cost_key).collect();
        if turn.writes.is_empty() && keys.is_some_and(|k| ready.inline.fits(k.into_iter())) {
            if let Some(mut guard) = ready.inline.conn() {
                if let Some(conn) = guard.as_mut() {
                    let reads = std::mem::take(&mut turn.reads);
                    for item in reads {
                        // A read that panics is answered as failed; the others still run.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.run_read(ready, conn, item, &out)));
                    }
                    conn.ensure_autocommit();
                    for &(slot, first) in &turn.duplicates {
                        out.copy(first, slot);
                    }
                    self.record(turn.started, out.len() as u64);
                    self.counters.inline_turns.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return Ok(Some(out.into_turn_json()));
                }
            }
        }
        if turn.reads.is_empty() && turn.writes.len() == 1 {
            if let Some(write) = self.write_here(ready, &mut turn.writes, &out) {
                write.finish();
                self.record(turn.started, out.len() as u64);
                self.counters.inline_turns.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                self.counters.inline_writes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Ok(Some(out.into_turn_json()));
            }
        }
        let finish = Arc::new(Finish {
            db: self.clone(),
            out: out.clone(),
            duplicates: turn.duplicates,
            started: turn.started,
            done: std::sync::Mutex::new(Some(defer()?)),
        });
        self.start_jobs(ready, turn.reads, turn.writes, &out, None, &mut || Box::new(finish.clone()));
        Ok(None)
    }

    /// A turn's lone write, run on this thread with the writer's connection when the writer
    /// is idle, the write queue empty and the write known to be cheap. SQLite's busy wait is
    /// off for it: if another process holds the file's write lock (or a checkpoint blocks
    /// writers), the write did nothing and stays in `writes` for the writer thread, which
    /// waits as usual. The returned guard settles what the write changed when finished.
    fn write_here<'a>(&'a self, ready: &'a Ready, writes: &mut Vec<(usize, WriteItem)>, out: &Arc<Collector>) -> Option<WroteHere<'a>> {
        let (slot, item) = writes.first()?;
        let key = match item {
            WriteItem::One(b) if b.info.kind == Kind::Write => &*b.sql,
            WriteItem::Call(c) if !c.scales => c.operation,
            _ => return None,
        };
        if !ready.inline.fits(std::iter::once(key)) || !ready.write_queue.is_empty() {
            return None;
        }
        let mut guard = ready.pool.idle_writer()?;
        let conn = guard.as_mut()?;
        let slot = *slot;
        let wait = Duration::from_millis(self.cfg.busy_timeout_ms);
        let started = Instant::now();
        let result = conn.without_busy_wait(wait, |c| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_alone(ready, c, &mut writes[0].1)))
                .unwrap_or_else(|_| Err(Error::internal("the write failed inside the addon (a panic); other requests are unaffected")))
        });
        if matches!(&result, Err(e) if e.code == "SQLITE_BUSY") {
            conn.ensure_autocommit();
            return None;
        }
        conn.ensure_autocommit();
        let (_, item) = writes.remove(0);
        let mut items = [((out.clone(), slot), item)];
        settle_writes(self, ready, conn, &mut items, vec![result], started.elapsed());
        Some(WroteHere { ready, _writer: guard })
    }

    /// Runs one read on `conn`, caches what it may, and answers its slot.
    fn run_read(&self, ready: &Ready, conn: &mut Conn, item: ReadItem, out: &Collector) {
        let t = Instant::now();
        match item.work {
            ReadWork::Stmt { bound, key, ttl } => {
                let res = conn.run_json(&bound.sql, &bound.info, bound.params);
                let took = t.elapsed();
                ready.inline.learn(&bound.sql, took);
                self.observers.record("execute", &bound.sql, took, res.as_ref().err());
                match (res, key) {
                    (Ok(json), Some(k)) => {
                        let json: Arc<str> = Arc::from(json);
                        ready.cache.insert(k, json.clone(), ttl);
                        out.put(item.slot, json.to_string());
                    }
                    (Ok(json), None) => out.put(item.slot, json),
                    (Err(e), _) => out.put(item.slot, self.scrub(e).to_json()),
                }
            }
            ReadWork::Call(mut call) => {
                let res = run_call(&mut call, conn);
                let took = t.elapsed();
                ready.inline.learn(call.operation, took);
                self.observers.record(call.operation, call.operation, took, res.as_ref().err());
                out.put(item.slot, res.unwrap_or_else(|e| self.scrub(e).to_json()));
            }
        }
    }

    /// Sorts one turn's requests into reads and writes, answering from the cache and
    /// refusing bad statements on the way.
    fn plan(self: &Arc<Self>, ready: &Arc<Ready>, requests: Vec<Request>, out: &Arc<Collector>) -> Turn {
        let started = Instant::now();
        let mut reads = Vec::new();
        let mut writes = Vec::new();
        let mut first_of: HashMap<Key, usize> = HashMap::new();
        let mut duplicates = Vec::new();
        for (slot, req) in requests.into_iter().enumerate() {
            match req {
                Request::Execute { stmt, cache, ttl } => {
                    let bound = match ready.bind(&stmt).and_then(|b| reject_transaction_control(&b).map(|_| b)) {
                        Ok(b) => b,
                        Err(e) => {
                            out.put(slot, self.scrub(e).to_json());
                            continue;
                        }
                    };
                    if !bound.info.is_read() {
                        writes.push((slot, WriteItem::One(bound)));
                        continue;
                    }
                    let key = (cache && ready.cache.enabled()).then(|| {
                        let mut bytes = Vec::new();
                        encode_params(&bound.params, &mut bytes);
                        ready.cache.key(&bound.sql, bytes, &bound.info.reads)
                    });
                    if let Some(k) = &key {
                        if let Some(hit) = ready.cache.get(k) {
                            out.put(slot, hit.to_string());
                            continue;
                        }
                        // Identical misses in one turn run once.
                        if let Some(&first) = first_of.get(k) {
                            duplicates.push((slot, first));
                            continue;
                        }
                        first_of.insert(k.clone(), slot);
                    }
                    reads.push(ReadItem { slot, work: ReadWork::Stmt { bound, key, ttl } });
                }
                Request::Probed { bound, key, ttl } => {
                    // Identical misses in one turn run once.
                    if let Some(&first) = first_of.get(&key) {
                        duplicates.push((slot, first));
                        continue;
                    }
                    first_of.insert(key.clone(), slot);
                    reads.push(ReadItem { slot, work: ReadWork::Stmt { bound, key: Some(key), ttl } });
                }
                Request::Call(call) if call.write => writes.push((slot, WriteItem::Call(call))),
                Request::Call(call) => reads.push(ReadItem { slot, work: ReadWork::Call(call) }),
                Request::Batch(stmts) => {
                    let bound: Result<Vec<Bound>> = stmts
                        .iter()
                        .map(|s| ready.bind(s).and_then(|b| reject_transaction_control(&b).map(|_| b)))
                        .collect();
                    match bound {
                        Ok(bs) => writes.push((slot, WriteItem::Many(bs))),
                        Err(e) => out.put(slot, self.scrub(e).to_json()),
                    }
                }
            }
        }

        Turn { reads, writes, duplicates, started }
    }

    /// Hands the reads (spread over the readers) and the writes (one group commit) to the
    /// connection threads. Each job holds a token from `token` and drops it when done.
    fn start_jobs(
        self: &Arc<Self>,
        ready: &Arc<Ready>,
        reads: Vec<ReadItem>,
        writes: Vec<(usize, WriteItem)>,
        out: &Arc<Collector>,
        deadline: Option<Instant>,
        token: &mut dyn FnMut() -> Box<dyn Send>,
    ) {
        let readers = ready.pool.reader_count().max(1);
        let per = reads.len().div_ceil(readers).max(1);
        let mut reads = reads.into_iter().peekable();
        while reads.peek().is_some() {
            let chunk: Vec<ReadItem> = reads.by_ref().take(per).collect();
            let (db, r, o, done) = (self.clone(), ready.clone(), out.clone(), token());
            // A refused job (the pool closed) drops its token unanswered, like a finished one.
            let _ = ready.pool.read(Box::new(move |conn| {
                conn.set_deadline(deadline);
                for item in chunk {
                    db.run_read(&r, conn, item, &o);
                }
                drop(done);
            }));
        }
        if writes.is_empty() {
            return;
        }
        let writes: Vec<(Slot, WriteItem)> = writes.into_iter().map(|(i, w)| ((out.clone(), i), w)).collect();
        if !ready.is_local() {
            // A server's requests keep their own turn's deadline, so turns are not merged.
            let (db, r, done) = (self.clone(), ready.clone(), token());
            let _ = ready.pool.write(Box::new(move |conn| {
                conn.set_deadline(deadline);
                run_writes(&db, &r, conn, writes);
                drop(done);
            }));
            return;
        }
        ready.write_queue.push(writes, token());
        let (db, r) = (self.clone(), ready.clone());
        let job = ready.pool.write(Box::new(move |conn| {
            // Every turn queued by now, this one's included unless an earlier job took it.
            let (items, done) = r.write_queue.take();
            if !items.is_empty() {
                run_writes(&db, &r, conn, items);
            }
            drop(done);
        }));
        if job.is_err() {
            // The pool is closed: nothing will take the queue, so its turns end unanswered.
            drop(ready.write_queue.take());
        }
    }
}

/// The writes of turns waiting for a local file's writer. Each turn queues its writes and sends
/// the writer a job; the first of those jobs to run takes everything queued, so turns that
/// arrive while the writer is busy share one group commit (one set of WAL frames, one lock
/// round) instead of committing one after another.
#[derive(Default)]
pub struct WriteQueue {
    queued: std::sync::Mutex<(Vec<(Slot, WriteItem)>, Vec<Box<dyn Send>>)>,
}

impl WriteQueue {
    fn push(&self, items: Vec<(Slot, WriteItem)>, done: Box<dyn Send>) {
        let mut q = self.queued.lock().unwrap_or_else(|p| p.into_inner());
        q.0.extend(items);
        q.1.push(done);
    }

    fn is_empty(&self) -> bool {
        self.queued.lock().unwrap_or_else(|p| p.into_inner()).0.is_empty()
    }

    /// The queued writes and their turns' tokens (dropped once the writes are answered).
    fn take(&self) -> (Vec<(Slot, WriteItem)>, Vec<Box<dyn Send>>) {
        std::mem::take(&mut *self.queued.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// What the classification of a turn leaves for the connection threads.
struct Turn {
    reads: Vec<ReadItem>,
    writes: Vec<(usize, WriteItem)>,
    duplicates: Vec<(usize, usize)>,
    started: Instant,
}

/// Completes a `run_local` turn when the last job holding it lets go.
struct Finish {
    db: Arc<Database>,
    out: Arc<Collector>,
    duplicates: Vec<(usize, usize)>,
    started: Instant,
    done: std::sync::Mutex<Option<Box<dyn FnOnce(String) + Send>>>,
}

impl Drop for Finish {
    fn drop(&mut self) {
        for &(slot, first) in &self.duplicates {
            self.out.copy(first, slot);
        }
        self.db.record(self.started, self.out.len() as u64);
        if let Some(done) = self.done.lock().unwrap_or_else(|p| p.into_inner()).take() {
            done(self.out.clone().into_turn_json());
        }
    }
}


/// Runs a call, turning a panic into its own error: the other requests of the turn, and the
/// connection's thread, carry on.
fn run_call(call: &mut Call, conn: &mut Conn) -> Result<String> {
    // No rollback here: inside a group commit the caller's savepoint undoes this call alone.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (call.run)(conn))).unwrap_or_else(|_| {
        Err(Error::internal(format!("{} failed inside the addon (a panic); other requests are unaffected", call.operation)))
    })
}

fn begin_sql(ready: &Ready) -> &'static str {
    // IMMEDIATE takes the write lock up front. A replica forwards it to its primary, where
    // several replicas write at once: a deferred BEGIN that reads before it writes would
    // fail there with SQLITE_BUSY_SNAPSHOT (517) when another node committed in between.
    // Remote servers get a plain BEGIN.
    if !matches!(ready.opened.backend, crate::config::Backend::Remote { .. }) {
        "BEGIN IMMEDIATE"
    } else {
        "BEGIN"
    }
}

fn run_item(conn: &mut Conn, item: &mut WriteItem) -> Result<String> {
    match item {
        WriteItem::Call(c) => run_call(c, conn),
        WriteItem::One(b) => conn.run_json(&b.sql, &b.info, b.params.clone()),
        WriteItem::Many(bs) => {
            let mut out = String::from("[");
            for (i, b) in bs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&conn.run_json(&b.sql, &b.info, b.params.clone())?);
            }
            out.push(']');
            Ok(out)
        }
    }
}

/// The first pause before retrying a write a server refused as busy; it doubles each time.
const BUSY_FIRST_PAUSE: Duration = Duration::from_millis(2);

/// A server's primary answers SQLITE_BUSY when another node holds its write lock longer than
/// the server waits for it. Nothing of the refused attempt remains (it was rolled back), so it
/// runs again after a pause, for up to `busyTimeout` in all, as a local file's busy handler
/// would wait. Local files wait inside SQLite and never get here.
fn run_alone_retrying(ready: &Ready, busy: Duration, conn: &mut Conn, item: &mut WriteItem) -> Result<String> {
    let started = Instant::now();
    let mut pause = BUSY_FIRST_PAUSE;
    loop {
        match run_alone(ready, conn, item) {
            Err(e) if e.code == "SQLITE_BUSY" && !ready.is_local() && started.elapsed() + pause < busy => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            r => return r,
        }
    }
}

fn run_alone(ready: &Ready, conn: &mut Conn, item: &mut WriteItem) -> Result<String> {
    if let WriteItem::One(_) = item {
        return run_item(conn, item);
    }
    // Batches and calls are all or nothing.
    conn.exec_script(begin_sql(ready))?;
    match run_item(conn, item) {
        Ok(json) => {
            conn.exec_script("COMMIT")?;
            Ok(json)
        }
        Err(e) => {
            let _ = conn.exec_script("ROLLBACK");
            Err(e)
        }
    }
}

/// Group commit: one transaction for many independent writes, a savepoint around each so
/// one caller's failure (a constraint, say) rolls back only its own statement.
fn run_group(ready: &Ready, conn: &mut Conn, items: &mut [(Slot, WriteItem)]) -> Vec<Result<String>> {
    if let Err(e) = conn.exec_script(begin_sql(ready)) {
        return items.iter().map(|_| Err(e.clone())).collect();
    }
    let mut results = Vec::with_capacity(items.len());
    for (_, item) in items.iter_mut() {
        if let Err(e) = conn.exec_script("SAVEPOINT pingtopass_group") {
            results.push(Err(e));
            continue;
        }
        let r = run_item(conn, item);
        if r.is_err() {
            let _ = conn.exec_script("ROLLBACK TO pingtopass_group");
        }
        let _ = conn.exec_script("RELEASE pingtopass_group");
        results.push(r);
    }
    if let Err(e) = conn.exec_script("COMMIT") {
        let _ = conn.exec_script("ROLLBACK");
        return items.iter().map(|_| Err(e.clone())).collect();
    }
    results
}

/// Where one write's outcome goes: its turn's collector and its slot there.
type Slot = (Arc<Collector>, usize);

fn run_writes(db: &Database, ready: &Ready, conn: &mut Conn, mut items: Vec<(Slot, WriteItem)>) {
    let group = ready.is_local();
    let mut i = 0;
    while i < items.len() {
        let started = Instant::now();
        let mut j = i;
        while group && j < items.len() && items[j].1.groupable() {
            j += 1;
        }
        let results: Vec<Result<String>> = if j - i > 1 {
            run_group(ready, conn, &mut items[i..j])
        } else {
            j = i + 1;
            let busy = Duration::from_millis(db.cfg.busy_timeout_ms);
            let item = &mut items[i].1;
            if matches!(item, WriteItem::One(b) if b.info.kind == Kind::Maintenance) {
                // PRAGMA wal_checkpoint, VACUUM and the like: not while ours runs.
                vec![conn.hold_checkpoints(|c| run_alone_retrying(ready, busy, c, item))]
            } else {
                vec![run_alone_retrying(ready, busy, conn, item)]
            }
        };
        settle_writes(db, ready, conn, &mut items[i..j], results, started.elapsed());
        i = j;
    }
}

/// After writes ran: what they changed is invalidated and announced, each is observed and
/// answered. A write that ran alone teaches its cost to the inline reader; group members
/// share one commit, so each is charged the group's time and none is learned from.
fn settle_writes(db: &Database, ready: &Ready, conn: &mut Conn, items: &mut [(Slot, WriteItem)], results: Vec<Result<String>>, elapsed: Duration) {
    let committed: Vec<&StatementInfo> =
        items.iter().zip(&results).filter(|(_, r)| r.is_ok()).flat_map(|((_, item), _)| item.infos()).collect();
    ready.after_write(&committed, conn);
    for ((_, item), r) in items.iter().zip(&results) {
        if let (WriteItem::Call(c), Ok(_)) = (item, r) {
            let tables: Vec<Arc<str>> = c.writes.iter().map(|t| Arc::from(*t)).collect();
            ready.cache.invalidate_tables(&tables);
        }
    }
    let alone = items.len() == 1;
    for (r, ((out, slot), item)) in results.into_iter().zip(items.iter()) {
        let (op, sql) = item.label();
        if alone {
            ready.inline.learn(sql, elapsed);
        }
        db.observers.record(op, sql, elapsed, r.as_ref().err());
        out.put(*slot, r.unwrap_or_else(|e| db.scrub(e).to_json()));
    }
}

/// The writer's connection, borrowed by the JS thread for one write; letting go of it nudges
/// the background checkpoint, as the writer thread does after each of its jobs.
struct WroteHere<'a> {
    ready: &'a Ready,
    _writer: std::sync::MutexGuard<'a, Option<Conn>>,
}

impl WroteHere<'_> {
    fn finish(self) {
        let ready = self.ready;
        drop(self);
        ready.after_writer_job();
    }
}

pub enum TxMsg {
    Run { stmts: Vec<RawStatement>, batch: bool, reply: oneshot::Sender<Result<String>> },
    End { commit: bool, reply: oneshot::Sender<Result<()>> },
}

/// An interactive transaction: holds the writer until committed, rolled back, dropped or
/// idle for longer than the request timeout.
pub struct Transaction {
    tx: std::sync::mpsc::Sender<TxMsg>,
}

impl Transaction {
    pub async fn run(&self, stmts: Vec<RawStatement>, batch: bool) -> Result<String> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(TxMsg::Run { stmts, batch, reply }).map_err(|_| transaction_over())?;
        rx.await.map_err(|_| transaction_over())?
    }

    pub async fn end(&self, commit: bool) -> Result<()> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(TxMsg::End { commit, reply }).map_err(|_| transaction_over())?;
        rx.await.map_err(|_| transaction_over())?
    }
}

fn transaction_over() -> Error {
    Error::usage("ERR_TRANSACTION_CLOSED", "the transaction has already ended (committed, rolled back or timed out)")
}

impl Database {
    pub async fn begin(self: &Arc<Self>) -> Result<Transaction> {
        let ready = self.ready().await?;
        let (tx, rx) = std::sync::mpsc::channel::<TxMsg>();
        let (began, began_rx) = oneshot::channel::<Result<()>>();
        let idle = Duration::from_millis(self.cfg.request_timeout_ms.max(1000) * 3);
        let (db, r) = (self.clone(), ready.clone());
        ready.pool.write(Box::new(move |conn| {
            if let Err(e) = conn.exec_script(begin_sql(&r)) {
                let _ = began.send(Err(db.scrub(e)));
                return;
            }
            let _ = began.send(Ok(()));
            let mut written: Vec<Arc<StatementInfo>> = Vec::new();
            loop {
                match rx.recv_timeout(idle) {
                    Ok(TxMsg::Run { stmts, batch, reply }) => {
                        let r2 = run_in_transaction(&db, &r, conn, &stmts, batch, &mut written);
                        let _ = reply.send(r2.map_err(|e| db.scrub(e)));
                    }
                    Ok(TxMsg::End { commit, reply }) => {
                        let sql = if commit { "COMMIT" } else { "ROLLBACK" };
                        let res = conn.exec_script(sql);
                        if res.is_err() {
                            let _ = conn.exec_script("ROLLBACK");
                        }
                        if commit && res.is_ok() {
                            let infos: Vec<&StatementInfo> = written.iter().map(|i| &**i).collect();
                            r.after_write(&infos, conn);
                        }
                        let _ = reply.send(res.map_err(|e| db.scrub(e)));
                        return;
                    }
                    Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                        let _ = conn.exec_script("ROLLBACK");
                        return;
                    }
                }
            }
        }))?;
        began_rx.await.map_err(|_| Error::closed())??;
        Ok(Transaction { tx })
    }
}

fn run_in_transaction(
    db: &Database,
    ready: &Ready,
    conn: &mut Conn,
    stmts: &[RawStatement],
    batch: bool,
    written: &mut Vec<Arc<StatementInfo>>,
) -> Result<String> {
    let bound: Vec<Bound> = stmts
        .iter()
        .map(|s| ready.bind(s).and_then(|b| reject_transaction_control(&b).map(|_| b)))
        .collect::<Result<_>>()?;
    written.extend(bound.iter().filter(|b| !b.info.is_read()).map(|b| b.info.clone()));
    if !batch {
        let b = bound.into_iter().next().ok_or_else(|| Error::internal("empty statement list"))?;
        let t = Instant::now();
        let r = conn.run_json(&b.sql, &b.info, b.params);
        db.observers.record("transaction", &b.sql, t.elapsed(), r.as_ref().err());
        return r;
    }
    // A batch inside a transaction is still all or nothing.
    conn.exec_script("SAVEPOINT pingtopass_tx_batch")?;
    let t = Instant::now();
    let result = run_item(conn, &mut WriteItem::Many(bound));
    db.observers.record("transaction.batch", "batch", t.elapsed(), result.as_ref().err());
    match result {
        Ok(json) => {
            conn.exec_script("RELEASE pingtopass_tx_batch")?;
            Ok(json)
        }
        Err(e) => {
            let _ = conn.exec_script("ROLLBACK TO pingtopass_tx_batch");
            let _ = conn.exec_script("RELEASE pingtopass_tx_batch");
            Err(e)
        }
    }
}
