//! One writer and N readers, each a connection owned by its own thread. Writes go to the
//! writer in order (so SQLite never sees two writers and never answers SQLITE_BUSY); reads
//! go to the least busy reader. Jobs are closures over a `Conn`, so the pool knows nothing
//! of what runs on it: single statements, group commits, transactions, the Rust queries.

use super::conn::Conn;
use crate::error::{Error, Result};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub type Job = Box<dyn FnOnce(&mut Conn) + Send>;

/// Called on the writer's thread after each of its jobs (the background checkpoint's cue).
pub type AfterWrite = Box<dyn Fn() + Send>;

enum Msg {
    Run(Job),
    Stop,
}

struct Worker {
    tx: mpsc::Sender<Msg>,
    /// Jobs sent and not yet finished: the load figure for routing and the pool metrics.
    queued: Arc<AtomicUsize>,
    /// Jobs sent whose thread has not yet locked the connection for them.
    waiting: Arc<AtomicUsize>,
    busy: Arc<AtomicBool>,
}

pub struct Pool {
    writer: Worker,
    /// The writer's connection: its thread locks it for each job, and the JS thread may
    /// borrow it between jobs for a lone cheap write (`Pool::idle_writer`). None once closed.
    writer_conn: Arc<Mutex<Option<Conn>>>,
    readers: Vec<Worker>,
    threads: std::sync::Mutex<Vec<JoinHandle<()>>>,
}

/// How long an idle connection thread keeps polling for its next job before it sleeps. An
/// awaited call is usually followed by the caller's next one within tens of microseconds, and
/// waking a sleeping thread costs about as much as a point read itself on a virtual machine.
const SPIN: Duration = Duration::from_micros(100);

fn next(rx: &mpsc::Receiver<Msg>) -> Option<Msg> {
    let until = Instant::now() + SPIN;
    loop {
        match rx.try_recv() {
            Ok(m) => return Some(m),
            Err(mpsc::TryRecvError::Disconnected) => return None,
            Err(mpsc::TryRecvError::Empty) if Instant::now() < until => std::thread::yield_now(),
            Err(mpsc::TryRecvError::Empty) => return rx.recv().ok(),
        }
    }
}

impl Pool {
    /// `open(i)` makes the connection for worker `i` (0 is the writer).
    pub fn start(readers: usize, open: impl Fn(usize) -> Result<Conn>, mut after_write: Option<AfterWrite>) -> Result<Pool> {
        let mut threads = Vec::new();
        let mut writer_conn = None;
        let mut spawn = |i: usize| -> Result<Worker> {
            let after = if i == 0 { after_write.take() } else { None };
            let conn = Arc::new(Mutex::new(Some(open(i)?)));
            if i == 0 {
                writer_conn = Some(conn.clone());
            }
            let (tx, rx) = mpsc::channel::<Msg>();
            let queued = Arc::new(AtomicUsize::new(0));
            let waiting = Arc::new(AtomicUsize::new(0));
            let busy = Arc::new(AtomicBool::new(false));
            let (q, w, b) = (queued.clone(), waiting.clone(), busy.clone());
            let name = if i == 0 { "pingtopass-writer".to_string() } else { format!("pingtopass-reader-{i}") };
            let handle = std::thread::Builder::new()
                .name(name)
                .spawn(move || {
                    while let Some(Msg::Run(job)) = next(&rx) {
                        b.store(true, Ordering::Relaxed);
                        {
                            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
                            // Only once the connection is held: see `idle_writer`.
                            w.fetch_sub(1, Ordering::AcqRel);
                            if let Some(c) = guard.as_mut() {
                                // A panicking job must not take the connection's thread down
                                // with it: its caller gets an error through its dropped reply.
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut *c)));
                                c.set_deadline(None);
                                c.ensure_autocommit();
                                c.between_jobs();
                            }
                        }
                        b.store(false, Ordering::Relaxed);
                        q.fetch_sub(1, Ordering::Relaxed);
                        if let Some(after) = &after {
                            after();
                        }
                    }
                    // Closes the connection with its thread.
                    conn.lock().unwrap_or_else(|p| p.into_inner()).take();
                })
                .map_err(|e| Error::internal(format!("cannot start a connection thread: {e}")))?;
            threads.push(handle);
            Ok(Worker { tx, queued, waiting, busy })
        };
        let writer = spawn(0)?;
        let readers = (1..=readers.max(1)).map(&mut spawn).collect::<Result<Vec<_>>>()?;
        let writer_conn = writer_conn.ok_or_else(|| Error::internal("the writer has no connection"))?;
        Ok(Pool { writer, writer_conn, readers, threads: std::sync::Mutex::new(threads) })
    }

    /// The writer's connection for the calling thread, when no job sent to the writer is
    /// waiting to start and none is running, so a write taken here cannot overtake one sent
    /// before it. (A job counts as waiting until its thread holds the connection; a job that
    /// has just answered its caller but not yet returned holds it too, so the caller's next
    /// write may have to go to the writer thread.)
    pub fn idle_writer(&self) -> Option<MutexGuard<'_, Option<Conn>>> {
        if self.writer.waiting.load(Ordering::Acquire) != 0 {
            return None;
        }
        let guard = match self.writer_conn.try_lock() {
            Ok(g) => g,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        guard.is_some().then_some(guard)
    }

    fn send(w: &Worker, job: Job) -> Result<()> {
        w.queued.fetch_add(1, Ordering::Relaxed);
        w.waiting.fetch_add(1, Ordering::AcqRel);
        w.tx.send(Msg::Run(job)).map_err(|_| {
            w.queued.fetch_sub(1, Ordering::Relaxed);
            w.waiting.fetch_sub(1, Ordering::AcqRel);
            Error::closed()
        })
    }

    pub fn write(&self, job: Job) -> Result<()> {
        Self::send(&self.writer, job)
    }

    pub fn read(&self, job: Job) -> Result<()> {
        let w = self
            .readers
            .iter()
            .min_by_key(|w| w.queued.load(Ordering::Relaxed))
            .ok_or_else(Error::closed)?;
        Self::send(w, job)
    }

    pub fn reader_count(&self) -> usize {
        self.readers.len()
    }

    /// Sends one job to every connection (maintenance, health checks).
    pub fn each(&self, mut job: impl FnMut(usize) -> Job) -> Result<usize> {
        Self::send(&self.writer, job(0))?;
        for (i, r) in self.readers.iter().enumerate() {
            Self::send(r, job(i + 1))?;
        }
        Ok(self.readers.len() + 1)
    }

    pub fn active(&self) -> usize {
        std::iter::once(&self.writer).chain(&self.readers).filter(|w| w.busy.load(Ordering::Relaxed)).count()
    }

    pub fn queued(&self) -> usize {
        std::iter::once(&self.writer)
            .chain(&self.readers)
            .map(|w| w.queued.load(Ordering::Relaxed).saturating_sub(w.busy.load(Ordering::Relaxed) as usize))
            .sum()
    }

    pub fn connections(&self) -> usize {
        self.readers.len() + 1
    }

    /// Closes every connection: each thread finishes the jobs queued before, then exits.
    pub fn shutdown(&self) {
        for w in std::iter::once(&self.writer).chain(&self.readers) {
            let _ = w.tx.send(Msg::Stop);
        }
        let threads = std::mem::take(&mut *self.threads.lock().unwrap_or_else(|p| p.into_inner()));
        for t in threads {
            let _ = t.join();
        }
    }
}
