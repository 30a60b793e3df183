//! Cheap requests answered on the calling thread. Handing a lone awaited call to a connection
//! thread and waking the event loop with its answer costs two thread wake-ups, about 50 µs on
//! a 2-core virtual machine: more than a point read or a small insert itself. So a local file
//! keeps one more read-only connection for the JS thread, and a turn of reads whose learned
//! cost fits the budget runs there, as better-sqlite3 runs everything; a turn's lone cheap
//! write borrows the writer's connection while the writer is idle (`Database::write_here`).
//! A request that has not run yet, or whose recent runs took longer than `inlineBudget`
//! (500 µs unless set), goes to the pool, so the event loop is never held for long.

use super::conn::Conn;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Statements and operations whose cost is remembered; the table starts over when full.
const REMEMBERED: usize = 2048;

/// What a request is remembered by: its SQL, or the optimized query's operation name.
pub type CostKey<'a> = &'a str;

pub struct InlineReader {
    conn: Mutex<Option<Conn>>,
    /// The most a turn may be expected to hold the event loop (`inlineBudget`).
    budget: Duration,
    /// Moving average of each key's run time, in microseconds.
    costs: Mutex<HashMap<String, u32>>,
}

impl InlineReader {
    pub fn new(conn: Option<Conn>, budget: Duration) -> Self {
        InlineReader { conn: Mutex::new(conn), budget, costs: Mutex::new(HashMap::new()) }
    }

    /// Whether requests with these keys are known to fit the budget together.
    pub fn fits<'a>(&self, keys: impl Iterator<Item = CostKey<'a>>) -> bool {
        if self.budget.is_zero() {
            return false;
        }
        let costs = self.costs.lock().unwrap_or_else(|p| p.into_inner());
        let mut total = 0u64;
        for k in keys {
            match costs.get(k) {
                Some(&us) => total += us as u64,
                None => return false,
            }
        }
        total <= self.budget.as_micros() as u64
    }

    /// Remembers one run of `key`, wherever it ran.
    pub fn learn(&self, key: CostKey<'_>, took: Duration) {
        let us = took.as_micros().min(u32::MAX as u128) as u32;
        let mut costs = self.costs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(avg) = costs.get_mut(key) {
            // A quarter weight on the newest run: one slow run (a cold page) moves the
            // average out of budget only if it was far out.
            *avg = ((*avg as u64 * 3 + us as u64) / 4) as u32;
            return;
        }
        if costs.len() >= REMEMBERED {
            costs.clear();
        }
        costs.insert(key.to_string(), us);
    }

    /// The calling thread's connection, unless another caller holds it or it is closed.
    pub fn conn(&self) -> Option<MutexGuard<'_, Option<Conn>>> {
        let guard = match self.conn.try_lock() {
            Ok(g) => g,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        guard.is_some().then_some(guard)
    }

    /// Closes the connection (the pool is shutting down).
    pub fn close(&self) {
        self.conn.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_reads_do_not_fit() {
        let r = InlineReader::new(None, Duration::from_micros(250));
        assert!(!r.fits(["SELECT 1"].into_iter()));
        r.learn("SELECT 1", Duration::from_micros(20));
        assert!(r.fits(["SELECT 1"].into_iter()));
        assert!(!r.fits(["SELECT 1", "SELECT 2"].into_iter()));
    }

    #[test]
    fn slow_runs_move_a_read_out_of_budget_and_back() {
        let r = InlineReader::new(None, Duration::from_micros(250));
        r.learn("q", Duration::from_micros(40));
        for _ in 0..3 {
            r.learn("q", Duration::from_millis(2));
        }
        assert!(!r.fits(["q"].into_iter()));
        for _ in 0..20 {
            r.learn("q", Duration::from_micros(40));
        }
        assert!(r.fits(["q"].into_iter()));
    }

    #[test]
    fn a_turn_over_budget_does_not_fit() {
        let r = InlineReader::new(None, Duration::from_micros(250));
        r.learn("a", Duration::from_micros(200));
        r.learn("b", Duration::from_micros(100));
        assert!(r.fits(["a"].into_iter()));
        assert!(!r.fits(["a", "b"].into_iter()));
    }

    #[test]
    fn a_zero_budget_sends_everything_to_the_pool() {
        let r = InlineReader::new(None, Duration::ZERO);
        r.learn("q", Duration::ZERO);
        assert!(!r.fits(["q"].into_iter()));
    }

    #[test]
    fn a_closed_reader_has_no_connection() {
        let r = InlineReader::new(None, Duration::from_micros(250));
        assert!(r.conn().is_none());
    }
}
