//! PerformanceBenchmark: time repeated operations with `start`/`end` and summarise them with
//! the original's statistics. Up to `EXACT_SAMPLES` measurements are kept and the
//! statistics are exact; past that they come from a histogram (within 1%), so a benchmark
//! left running in a loop does not grow without bound.

use super::histogram::{ms_to_ns, ns_to_ms, Histogram};
use crate::error::{Error, Result};
use serde::Serialize;
use std::time::Instant;

pub const EXACT_SAMPLES: usize = 10_000;

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct BenchStats {
    pub count: u64,
    pub avg: f64,
    pub min: f64,
    pub max: f64,
    pub median: f64,
    pub p95: f64,
    pub p99: f64,
}

#[derive(Default)]
pub struct Benchmark {
    started: Option<Instant>,
    samples: Vec<f64>,
    hist: Histogram,
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
}

impl Benchmark {
    pub fn start(&mut self) {
        self.started = Some(Instant::now());
    }

    /// Ends the measurement `start` began; returns its milliseconds.
    pub fn end(&mut self) -> Result<f64> {
        let started = self
            .started
            .take()
            .ok_or_else(|| Error::usage("ERR_BENCHMARK_NOT_STARTED", "Benchmark not started: call start() before end()"))?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        self.add(ms);
        Ok(ms)
    }

    pub fn add(&mut self, ms: f64) {
        if self.count == 0 || ms < self.min {
            self.min = ms;
        }
        if self.count == 0 || ms > self.max {
            self.max = ms;
        }
        self.count += 1;
        self.sum += ms;
        self.hist.record(ms_to_ns(ms));
        if self.count as usize <= EXACT_SAMPLES {
            self.samples.push(ms);
        } else if !self.samples.is_empty() {
            // Past the bound the histogram answers; the samples would be a biased prefix.
            self.samples = Vec::new();
        }
    }

    pub fn stats(&self) -> BenchStats {
        if self.count == 0 {
            return BenchStats::default();
        }
        let n = self.count;
        // The original's indexes: sorted[floor(n * q)].
        let (median, p95, p99) = if self.samples.len() as u64 == n {
            let mut s = self.samples.clone();
            s.sort_unstable_by(f64::total_cmp);
            let at = |q: f64| s[((n as f64 * q).floor() as usize).min(s.len() - 1)];
            (at(0.5), at(0.95), at(0.99))
        } else {
            let at = |q: f64| ns_to_ms(self.hist.value_at_rank((n as f64 * q).floor() as u64 + 1));
            (at(0.5), at(0.95), at(0.99))
        };
        BenchStats { count: n, avg: self.average(), min: self.min, max: self.max, median, p95, p99 }
    }

    pub fn average(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum / self.count as f64
        }
    }

    pub fn max(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.max
        }
    }

    /// Forgets the measurements (as the original, a measurement in progress survives).
    pub fn reset(&mut self) {
        let started = self.started;
        *self = Benchmark::default();
        self.started = started;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_before_start_is_an_error() {
        let mut b = Benchmark::default();
        assert_eq!(b.end().map_err(|e| e.code).err().as_deref(), Some("ERR_BENCHMARK_NOT_STARTED"));
        b.start();
        assert!(b.end().is_ok());
        assert!(b.end().is_err(), "one end per start");
    }

    #[test]
    fn stats_follow_the_original() {
        let mut b = Benchmark::default();
        assert_eq!(b.stats(), BenchStats::default());
        for ms in [5.0, 1.0, 4.0, 2.0, 3.0] {
            b.add(ms);
        }
        let s = b.stats();
        assert_eq!((s.count, s.avg, s.min, s.max, s.median, s.p95, s.p99), (5, 3.0, 1.0, 5.0, 3.0, 5.0, 5.0));
        assert_eq!((b.average(), b.max()), (3.0, 5.0));
        b.reset();
        assert_eq!(b.stats().count, 0);
    }

    #[test]
    fn long_runs_stay_bounded_and_within_one_percent() {
        let mut b = Benchmark::default();
        let xs: Vec<f64> = (0..50_000).map(|i| 0.1 + (i * 7 % 50_000) as f64 * 0.01).collect();
        for &x in &xs {
            b.add(x);
        }
        assert!(b.samples.is_empty());
        let mut s = xs.clone();
        s.sort_unstable_by(f64::total_cmp);
        let st = b.stats();
        for (got, q) in [(st.median, 0.5), (st.p95, 0.95), (st.p99, 0.99)] {
            let want = s[(s.len() as f64 * q).floor() as usize];
            assert!((got - want).abs() / want <= 0.01, "{got} vs {want}");
        }
        assert_eq!((st.min, st.max), (s[0], s[s.len() - 1]));
    }
}
