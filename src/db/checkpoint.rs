//! WAL checkpoints off the writer's thread (local files only).
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that one
//! writer turn copies the WAL back into the file and waits for an fsync while every queued
//! write waits behind it. With the app's indexes, one answer dirties a page in each of eleven
//! indexes of user_answers, so a group commit of a hundred answers crossed the threshold
//! every turn and the checkpoint was most of an answer's cost. Here the writer only appends;
//! this thread, on its own connection, runs PASSIVE checkpoints, which block neither the
//! writer nor the readers, after the writer says it committed. The writer keeps a high
//! automatic threshold as a backstop for when this thread cannot keep up (a long reader pins
//! old frames).

use crate::error::{Error, Result};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::runtime::Handle;

/// The writer connection's own threshold in pages: about 40 MB of WAL before a commit
/// checkpoints by itself.
pub const WRITER_AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// Commits that come closer together than this share one checkpoint (one fsync).
const MIN_GAP: Duration = Duration::from_millis(20);

const PASSIVE_SQL: &str = "PRAGMA wal_checkpoint(PASSIVE)";

/// A WAL only starts over from its beginning when a writer finds every frame copied back and
/// no reader still on one. Under steady load some reader always is, so the file grew without
/// end: every frame went to a fresh part of the file (block allocation on each write) and the
/// writer's own backstop checkpoint ran anyway. Past this many frames, all of them copied
/// back, a RESTART checkpoint waits (up to `RESTART_WAIT`) for the readers to move to the
/// database file, holding the writer for that moment only, and the next commit rewinds.
const RESTART_FRAMES: i64 = 4_000;
const RESTART_SQL: &str = "PRAGMA wal_checkpoint(RESTART)";
const RESTART_WAIT: Duration = Duration::from_millis(50);

#[derive(Default)]
struct Flags {
    committed: bool,
    stop: bool,
}

type Shared = Arc<(Mutex<Flags>, Condvar)>;

pub struct Checkpointer {
    shared: Shared,
    thread: Mutex<Option<JoinHandle<()>>>,
    running: Arc<Mutex<()>>,
}

impl Checkpointer {
    pub fn start(db: &libsql::Database, rt: Handle) -> Result<Checkpointer> {
        let conn = db.connect()?;
        conn.busy_timeout(RESTART_WAIT)?;
        let shared: Shared = Arc::default();
        let running: Arc<Mutex<()>> = Arc::default();
        let (s, r) = (shared.clone(), running.clone());
        let thread = std::thread::Builder::new()
            .name("pingtopass-checkpoint".into())
            .spawn(move || run(conn, rt, s, r))
            .map_err(|e| Error::internal(format!("cannot start the checkpoint thread: {e}")))?;
        Ok(Checkpointer { shared, thread: Mutex::new(Some(thread)), running })
    }

    /// Held by this thread while it checkpoints. SQLite refuses a second checkpoint at once
    /// (SQLITE_BUSY, without waiting), so the writer holds it around the checkpoints it is
    /// asked for (`Conn::hold_checkpoints`): a `PRAGMA wal_checkpoint(TRUNCATE)` waits for
    /// ours instead of reporting busy with the WAL still full.
    pub fn lock(&self) -> Arc<Mutex<()>> {
        self.running.clone()
    }

    /// The writer committed: the WAL has frames to copy back.
    pub fn nudge(&self) {
        let (flags, wake) = &*self.shared;
        let mut f = flags.lock().unwrap_or_else(|p| p.into_inner());
        if !f.committed {
            f.committed = true;
            wake.notify_one();
        }
    }

    /// Ends the thread and waits for it (its connection is closed when this returns).
    pub fn stop(&self) {
        self.signal_stop();
        if let Some(t) = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = t.join();
        }
    }

    fn signal_stop(&self) {
        let (flags, wake) = &*self.shared;
        flags.lock().unwrap_or_else(|p| p.into_inner()).stop = true;
        wake.notify_one();
    }
}

impl Drop for Checkpointer {
    /// A database dropped without `cleanup()`: the thread ends on its own, unwaited.
    fn drop(&mut self) {
        self.signal_stop();
    }
}

fn run(conn: libsql::Connection, rt: Handle, shared: Shared, running: Arc<Mutex<()>>) {
    let (flags, wake) = &*shared;
    loop {
        {
            let mut f = flags.lock().unwrap_or_else(|p| p.into_inner());
            while !f.committed && !f.stop {
                f = wake.wait(f).unwrap_or_else(|p| p.into_inner());
            }
            if f.stop {
                return;
            }
            f.committed = false;
        }
        // A failed checkpoint (the file went away, the disk is full, readers stayed past the
        // wait) leaves the frames in the WAL, where readers still find them; the writer's own
        // threshold is the backstop.
        {
            let _running = running.lock().unwrap_or_else(|p| p.into_inner());
            if let Ok((log, copied)) = checkpoint(&conn, &rt, PASSIVE_SQL) {
                if log > RESTART_FRAMES && copied == log {
                    let _ = checkpoint(&conn, &rt, RESTART_SQL);
                }
            }
        }
        std::thread::sleep(MIN_GAP);
    }
}

/// Runs a checkpoint PRAGMA: (frames in the WAL, frames copied back).
fn checkpoint(conn: &libsql::Connection, rt: &Handle, sql: &str) -> libsql::Result<(i64, i64)> {
    rt.block_on(async {
        let mut rows = conn.query(sql, ()).await?;
        let mut out = (0, 0);
        while let Some(row) = rows.next().await? {
            out = (row.get::<i64>(1)?, row.get::<i64>(2)?);
        }
        Ok(out)
    })
}
