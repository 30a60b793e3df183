//! The shared record of a run: a latency histogram per operation and overall with every
//! request in it (no sampling), per-scenario figures, errors by code, the per-second
//! timeline, and the users in flight. Virtual users record under one short lock; the
//! gauges are atomics so progress can be read at any time.

use super::bins::Bins;
use super::results::{ErrorCount, OperationResult, ScenarioResults, SecondRow};
use super::scenario::Operation;
use crate::monitoring::histogram::{ns_to_ms, Histogram};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Distinct (operation, code) pairs kept; a run failing in more ways than this has bigger
/// problems than the list's completeness, and the memory stays bounded.
const MAX_ERROR_KINDS: usize = 64;
const MAX_MESSAGE: usize = 300;

pub struct Sample {
    pub op: Operation,
    /// `None` for requests outside any scenario (a user opening its session).
    pub scenario: Option<usize>,
    pub latency: Duration,
    /// (code, message) of a failed request.
    pub error: Option<(String, String)>,
}

#[derive(Default)]
struct OpStats {
    hist: Histogram,
    bins: Option<Bins>,
    errors: u64,
}

#[derive(Default)]
struct ScenarioStats {
    requests: u64,
    errors: u64,
    hist: Histogram,
    iterations: u64,
}

struct Window {
    index: u64,
    requests: u64,
    errors: u64,
    hist: Histogram,
}

struct Inner {
    ops: Vec<OpStats>,
    scenarios: Vec<ScenarioStats>,
    overall: Histogram,
    errors: Vec<ErrorCount>,
    window: Window,
    timeline: Vec<SecondRow>,
}

pub struct Recorder {
    start: Instant,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
    window_peak_in_flight: AtomicUsize,
    active: AtomicUsize,
    peak_active: AtomicUsize,
    inner: Mutex<Inner>,
}

/// Held while a request is outstanding: the in-flight gauge counts these.
pub struct InFlight<'a>(&'a Recorder);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Held while a virtual user runs (ramped up, not yet finished).
pub struct Active<'a>(&'a Recorder);

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Live figures for the progress line.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub elapsed_ms: f64,
    pub active_users: u64,
    pub users_in_flight: u64,
    pub peak_users_in_flight: u64,
    pub requests: u64,
    pub errors: u64,
    /// Of the last complete second.
    pub rps: f64,
    pub p95_ms: f64,
}

/// Everything the results need, taken once at the end.
pub struct Summary {
    pub duration: Duration,
    pub overall: Histogram,
    pub errors_total: u64,
    pub operations: Vec<OperationResult>,
    pub scenarios: Vec<ScenarioResults>,
    pub errors: Vec<ErrorCount>,
    pub timeline: Vec<SecondRow>,
    pub peak_in_flight: u64,
    pub peak_active: u64,
}

impl Recorder {
    pub fn new(scenarios: usize) -> Recorder {
        Recorder {
            start: Instant::now(),
            in_flight: AtomicUsize::new(0),
            peak_in_flight: AtomicUsize::new(0),
            window_peak_in_flight: AtomicUsize::new(0),
            active: AtomicUsize::new(0),
            peak_active: AtomicUsize::new(0),
            inner: Mutex::new(Inner {
                ops: Operation::ALL.iter().map(|_| OpStats::default()).collect(),
                scenarios: (0..scenarios).map(|_| ScenarioStats::default()).collect(),
                overall: Histogram::new(),
                errors: Vec::new(),
                window: Window { index: 0, requests: 0, errors: 0, hist: Histogram::new() },
                timeline: Vec::new(),
            }),
        }
    }

    pub fn start(&self) -> Instant {
        self.start
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the figures with it.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn begin_request(&self) -> InFlight<'_> {
        let n = self.in_flight.fetch_add(1, Ordering::AcqRel) + 1;
        self.peak_in_flight.fetch_max(n, Ordering::AcqRel);
        self.window_peak_in_flight.fetch_max(n, Ordering::AcqRel);
        InFlight(self)
    }

    pub fn user_started(&self) -> Active<'_> {
        let n = self.active.fetch_add(1, Ordering::AcqRel) + 1;
        self.peak_active.fetch_max(n, Ordering::AcqRel);
        Active(self)
    }

    pub fn iteration(&self, scenario: usize) {
        if let Some(s) = self.lock().scenarios.get_mut(scenario) {
            s.iterations += 1;
        }
    }

    pub fn record(&self, s: Sample) {
        let ns = s.latency.as_nanos().min(u64::MAX as u128) as u64;
        let mut g = self.lock();
        let now = Instant::now();
        self.roll(&mut g, now);
        let inner = &mut *g;
        let failed = s.error.is_some();
        if let Some(op) = inner.ops.get_mut(s.op.index()) {
            op.hist.record(ns);
            op.bins.get_or_insert_with(Bins::new).record(ns);
            op.errors += failed as u64;
        }
        if let Some(sc) = s.scenario.and_then(|i| inner.scenarios.get_mut(i)) {
            sc.requests += 1;
            sc.errors += failed as u64;
            sc.hist.record(ns);
        }
        inner.overall.record(ns);
        inner.window.requests += 1;
        inner.window.errors += failed as u64;
        inner.window.hist.record(ns);
        if let Some((code, message)) = s.error {
            let op = s.op.name();
            let known = inner.errors.len();
            match inner.errors.iter_mut().find(|e| e.operation == op && e.code == code) {
                Some(e) => e.count += 1,
                None if known < MAX_ERROR_KINDS => {
                    let message: String = message.chars().take(MAX_MESSAGE).collect();
                    inner.errors.push(ErrorCount { operation: op.to_string(), code, count: 1, message });
                }
                None => {}
            }
        }
    }

    /// Closes the seconds that have ended by now; called by the recorders and a ticker, so
    /// idle seconds get their row too.
    pub fn tick(&self) {
        let mut g = self.lock();
        self.roll(&mut g, Instant::now());
    }

    fn roll(&self, g: &mut Inner, now: Instant) {
        let index = now.saturating_duration_since(self.start).as_secs();
        while g.window.index < index {
            let end = (g.window.index + 1) as f64;
            self.close_window(g, end, 1.0);
        }
    }

    fn close_window(&self, g: &mut Inner, end: f64, length_s: f64) {
        let w = &mut g.window;
        let in_flight = self.in_flight.load(Ordering::Acquire);
        let peak = self.window_peak_in_flight.swap(in_flight, Ordering::AcqRel).max(in_flight);
        g.timeline.push(SecondRow {
            t: end,
            requests: w.requests,
            errors: w.errors,
            throughput_rps: if length_s > 0.0 { w.requests as f64 / length_s } else { 0.0 },
            p95_response_time: w.hist.percentile_ms(95.0),
            users_in_flight: peak as u64,
            active_users: self.active.load(Ordering::Acquire) as u64,
        });
        w.index += 1;
        w.requests = 0;
        w.errors = 0;
        w.hist.clear();
    }

    pub fn snapshot(&self) -> Snapshot {
        let g = self.lock();
        let last = g.timeline.last();
        Snapshot {
            elapsed_ms: self.start.elapsed().as_secs_f64() * 1000.0,
            active_users: self.active.load(Ordering::Acquire) as u64,
            users_in_flight: self.in_flight.load(Ordering::Acquire) as u64,
            peak_users_in_flight: self.peak_in_flight.load(Ordering::Acquire) as u64,
            requests: g.overall.count(),
            errors: g.ops.iter().map(|o| o.errors).sum(),
            rps: last.map_or(0.0, |r| r.throughput_rps),
            p95_ms: last.map_or(0.0, |r| r.p95_response_time),
        }
    }

    /// Ends the record: the last, partial second gets its row, scaled to its length.
    pub fn finish(&self) -> Summary {
        let mut g = self.lock();
        let now = Instant::now();
        self.roll(&mut g, now);
        let duration = now.saturating_duration_since(self.start);
        let end = duration.as_secs_f64();
        let partial = end - g.window.index as f64;
        if g.window.requests > 0 || partial > 0.05 {
            self.close_window(&mut g, end, partial);
        }
        let operations = Operation::ALL
            .iter()
            .zip(&g.ops)
            .filter(|(_, s)| s.hist.count() > 0)
            .map(|(op, s)| OperationResult {
                operation: op.name().to_string(),
                count: s.hist.count(),
                errors: s.errors,
                mean: s.hist.mean_ns() / 1e6,
                p50: s.hist.percentile_ms(50.0),
                p95: s.hist.percentile_ms(95.0),
                p99: s.hist.percentile_ms(99.0),
                max: ns_to_ms(s.hist.max_ns()),
                histogram: s.bins.as_ref().map(|b| b.counts.clone()).unwrap_or_default(),
                latency_buckets: s.hist.buckets(),
            })
            .collect();
        let scenarios = g
            .scenarios
            .iter()
            .map(|s| ScenarioResults {
                requests: s.requests,
                errors: s.errors,
                avg_response_time: s.hist.mean_ns() / 1e6,
                min_response_time: ns_to_ms(s.hist.min_ns()),
                max_response_time: ns_to_ms(s.hist.max_ns()),
                iterations: s.iterations,
            })
            .collect();
        let mut errors = std::mem::take(&mut g.errors);
        errors.sort_by_key(|e| std::cmp::Reverse(e.count));
        Summary {
            duration,
            overall: std::mem::take(&mut g.overall),
            errors_total: g.ops.iter().map(|o| o.errors).sum(),
            operations,
            scenarios,
            errors,
            timeline: std::mem::take(&mut g.timeline),
            peak_in_flight: self.peak_in_flight.load(Ordering::Acquire) as u64,
            peak_active: self.peak_active.load(Ordering::Acquire) as u64,
        }
    }
}

/// Scenario figures keyed by name, as the original's `scenarioResults`.
pub fn by_name(names: &[String], stats: Vec<ScenarioResults>) -> BTreeMap<String, ScenarioResults> {
    names.iter().cloned().zip(stats).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_gauges_and_percentiles_agree() {
        let r = Recorder::new(1);
        {
            let _u = r.user_started();
            let a = r.begin_request();
            let b = r.begin_request();
            assert_eq!(r.snapshot().users_in_flight, 2);
            drop((a, b));
        }
        for i in 1..=100u64 {
            let error = (i % 10 == 0).then(|| ("SQLITE_BUSY".to_string(), "busy".to_string()));
            r.record(Sample { op: Operation::Leaderboard, scenario: Some(0), latency: Duration::from_micros(i * 10), error });
        }
        let s = r.finish();
        assert_eq!((s.peak_in_flight, s.peak_active, s.errors_total), (2, 1, 10));
        let op = &s.operations[0];
        assert_eq!((op.operation.as_str(), op.count, op.errors), ("leaderboard", 100, 10));
        assert!(op.p50 <= op.p95 && op.p95 <= op.p99 && op.p99 <= op.max);
        assert!((op.p95 - 0.95).abs() < 0.01, "{}", op.p95);
        assert_eq!(op.max, 1.0);
        assert_eq!(s.errors[0].count, 10);
        assert_eq!(s.scenarios[0].requests, 100);
        assert_eq!(s.timeline.iter().map(|r| r.requests).sum::<u64>(), 100);
    }
}
