//! Aggregates kept beside the recent window: per pattern (lifetime histogram and per-minute
//! totals) and per minute (histogram, totals and the slowest queries).

use super::histogram::Histogram;
use super::record::QueryRecord;
use super::timeline::Timeline;

/// Slow queries kept per minute for `slowQueries` beyond the recent window.
pub const SLOWEST_PER_MINUTE: usize = 20;

#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub struct Totals {
    pub count: u64,
    pub sum_ns: u128,
    pub errors: u64,
    pub slow: u64,
}

impl Totals {
    pub fn add(&mut self, ns: u64, failed: bool, slow: bool) {
        self.count += 1;
        self.sum_ns += ns as u128;
        self.errors += failed as u64;
        self.slow += slow as u64;
    }

    pub fn merge(&mut self, o: &Totals) {
        self.count += o.count;
        self.sum_ns += o.sum_ns;
        self.errors += o.errors;
        self.slow += o.slow;
    }
}

#[derive(Default)]
pub struct PatternStats {
    /// Since the monitor started: the pattern's latency distribution.
    pub hist: Histogram,
    pub errors: u64,
    pub minutes: Timeline<Totals>,
    /// The operation that last ran this pattern.
    pub operation: u16,
}

#[derive(Default)]
pub struct Minute {
    pub totals: Totals,
    pub hist: Histogram,
    /// The slowest slow queries of the minute, slowest first.
    pub slowest: Vec<QueryRecord>,
}

impl Minute {
    pub fn keep_if_slowest(&mut self, r: &QueryRecord) {
        if self.slowest.len() == SLOWEST_PER_MINUTE {
            match self.slowest.last() {
                Some(l) if l.duration_ms >= r.duration_ms => return,
                _ => {
                    self.slowest.pop();
                }
            }
        }
        let at = self.slowest.partition_point(|x| x.duration_ms >= r.duration_ms);
        self.slowest.insert(at, r.clone());
    }
}
