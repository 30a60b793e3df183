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
use std::sync::atomic::{AtomicBool, Ordering};
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
/// no reader still on one. Under steady load some reader always is, and the writer appends
/// between any two checkpoints, so the file grew without end (165 MB in a 20 s closed-loop
/// run): every frame went to a fresh part of the file, and reads of recent pages went
/// through the WAL index and `pread` instead of the memory map. A
/// RESTART checkpoint from this thread never won the write lock from a busy writer. So when
/// a PASSIVE run finds the WAL past `REWIND_FRAMES` and copied back to within
/// `REWIND_SLACK` frames (no long reader pins old ones), it asks the writer: between two of
/// its jobs, the writer runs the RESTART itself (`WalShared::rewind_if_due`), copying the
/// last few frames and waiting up to `REWIND_WAIT` for readers to move to the database
/// file, and its next commit starts the WAL over.
const REWIND_FRAMES: i64 = 4_000;
const REWIND_SLACK: i64 = 2_000;
const RESTART_SQL: &str = "PRAGMA wal_checkpoint(RESTART)";
const REWIND_WAIT: Duration = Duration::from_millis(50);

/// What the writer's connection shares with the checkpoint thread.
#[derive(Default)]
pub struct WalShared {
    /// Held by whoever checkpoints. SQLite refuses a second checkpoint at once (SQLITE_BUSY,
    /// without waiting), so the writer holds it around the checkpoints it is asked for
    /// (`Conn::hold_checkpoints`): a `PRAGMA wal_checkpoint(TRUNCATE)` waits for ours
    /// instead of reporting busy with the WAL still full.
    pub running: Mutex<()>,
    rewind_due: AtomicBool,
}

impl WalShared {
    /// On the writer's thread, between jobs (outside any transaction): the RESTART
    /// checkpoint the checkpoint thread asked for, if one is due and that thread is not
    /// checkpointing now (then the writer tries again after its next job). `busy` is the
    /// connection's own busy timeout, restored afterwards.
    pub fn rewind_if_due(&self, conn: &libsql::Connection, rt: &Handle, busy: Duration) {
        if !self.rewind_due.load(Ordering::Relaxed) {
            return;
        }
        let Ok(_held) = self.running.try_lock() else { return };
        self.rewind_due.store(false, Ordering::Relaxed);
        let _ = conn.busy_timeout(REWIND_WAIT);
        // A RESTART that timed out waiting for a reader changes nothing: the next PASSIVE
        // run asks again.
        let _ = checkpoint(conn, rt, RESTART_SQL);
        let _ = conn.busy_timeout(busy);
    }
}

#[derive(Default)]
struct Flags {
    committed: bool,
    stop: bool,
}

type Shared = Arc<(Mutex<Flags>, Condvar)>;

pub struct Checkpointer {
    shared: Shared,
    thread: Mutex<Option<JoinHandle<()>>>,
    wal: Arc<WalShared>,
}

impl Checkpointer {
    pub fn start(db: &libsql::Database, rt: Handle) -> Result<Checkpointer> {
        let conn = db.connect()?;
        let shared: Shared = Arc::default();
        let wal: Arc<WalShared> = Arc::default();
        let (s, w) = (shared.clone(), wal.clone());
        let thread = std::thread::Builder::new()
            .name("pingtopass-checkpoint".into())
            .spawn(move || run(conn, rt, s, w))
            .map_err(|e| Error::internal(format!("cannot start the checkpoint thread: {e}")))?;
        Ok(Checkpointer { shared, thread: Mutex::new(Some(thread)), wal })
    }

    /// For the writer's connection.
    pub fn wal(&self) -> Arc<WalShared> {
        self.wal.clone()
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

fn run(conn: libsql::Connection, rt: Handle, shared: Shared, wal: Arc<WalShared>) {
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
        passive(&conn, &rt, &wal);
        std::thread::sleep(MIN_GAP);
    }
}

/// One background pass: a PASSIVE checkpoint, and the rewind asked for when it finds the WAL
/// long and copied back. A failed checkpoint (the file went away, the disk is full, readers
/// stayed past the wait) leaves the frames in the WAL, where readers still find them; the
/// writer's own threshold is the backstop.
fn passive(conn: &libsql::Connection, rt: &Handle, wal: &WalShared) {
    let _running = wal.running.lock().unwrap_or_else(|p| p.into_inner());
    if let Ok((log, copied)) = checkpoint(conn, rt, PASSIVE_SQL) {
        if log > REWIND_FRAMES && log - copied <= REWIND_SLACK {
            wal.rewind_due.store(true, Ordering::Relaxed);
        }
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The pattern of a loaded server, step by step: a reader is on the last frame whenever
    /// the writer begins, so SQLite never starts the WAL over by itself.
    fn wal_after_steady_load(rewind: bool) -> (i64, bool) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let dir = std::env::temp_dir().join(format!("ptp-rewind-{}-{rewind}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("wal.db");
        let db = rt.block_on(libsql::Builder::new_local(&path).build()).unwrap();
        let (writer, reader, background) = (db.connect().unwrap(), db.connect().unwrap(), db.connect().unwrap());
        let run = |c: &libsql::Connection, sql: &str| rt.block_on(c.execute_batch(sql)).map(|_| ()).unwrap();
        run(&writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t (b BLOB);");
        // About 5,000 pages in one commit: past REWIND_FRAMES.
        run(&writer, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO t SELECT zeroblob(3000) FROM n;");
        run(&reader, "BEGIN; SELECT count(*) FROM t;");
        // The reader holds the last frame, so this commit appends after it.
        run(&writer, "INSERT INTO t VALUES (zeroblob(10));");
        let wal = WalShared::default();
        passive(&background, rt.handle(), &wal);
        let due = wal.rewind_due.load(Ordering::Relaxed);
        run(&reader, "COMMIT;");
        if rewind {
            wal.rewind_if_due(&writer, rt.handle(), Duration::from_millis(1000));
        }
        run(&writer, "INSERT INTO t VALUES (zeroblob(10));");
        let (log, _) = checkpoint(&background, rt.handle(), PASSIVE_SQL).unwrap();
        drop((writer, reader, background, db));
        let _ = std::fs::remove_dir_all(&dir);
        (log, due)
    }

    #[test]
    fn the_writer_starts_a_long_copied_back_wal_over() {
        let (log, due) = wal_after_steady_load(true);
        assert!(due, "the PASSIVE pass found the WAL long and copied back");
        assert!(log < 10, "after the rewind the next commit starts the WAL over: {log} frames");
        // The same steps without the rewind: the log keeps every frame.
        let (log, _) = wal_after_steady_load(false);
        assert!(log > REWIND_FRAMES, "without the rewind the WAL keeps growing: {log} frames");
    }
}
