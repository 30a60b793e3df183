//! The monitor: every recorded query updates, under one short lock, the recent window,
//! its pattern's histogram and minute totals, the minute's histogram, the Prometheus
//! buckets and the alert rules. Recording runs on connection threads once per statement,
//! so it allocates nothing in the common case (text is interned, entries are reused ring
//! slots) and builds alert messages only after the lock is released.

use super::alert_queue::AlertQueue;
use super::alerts::{self, Alert, AlertType, PoolSample, Severity, Thresholds};
use super::analytics::{self, AllTime, Analytics, PatternReport, Window};
use super::histogram::{ms_to_ns, Histogram};
use super::intern::{cut, Interner};
use super::limiter::Limiter;
use super::now_ms;
use super::prometheus::{self, DurationBuckets, Snapshot};
use super::record::{Observation, QueryRecord};
use super::ring::Ring;
use super::settings::Settings;
use super::stats::{Minute, PatternStats, Totals};
use super::timeline::{minute_of, Timeline};
use crate::db::observer::QueryObserver;
use crate::db::Database;
use crate::error::Error;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

/// Distinct `operation` labels; beyond it they share `other` (the exposition stays bounded).
const MAX_OPERATIONS: usize = 64;
const OTHER_OPERATION: &str = "other";
/// How often the cache and pool figures are checked, at most.
const SAMPLE_EVERY_MS: u64 = 1000;
/// The error-rate window, in queries (a 128-bit shift register holds it).
const ERROR_WINDOW: u32 = 100;
const ERROR_MASK: u128 = (1u128 << ERROR_WINDOW) - 1;
/// Limiter key of alerts that concern no particular pattern.
const NO_PATTERN: u32 = u32::MAX;

struct State {
    ring: Ring<QueryRecord>,
    /// The newest timestamp pushed out of the ring: a range starting after it is exact.
    evicted_newest_ms: f64,
    error_bits: u128,
    operations: Vec<(Arc<str>, DurationBuckets)>,
    patterns: Vec<Option<Box<PatternStats>>>,
    minutes: Timeline<Minute>,
    queries: u64,
    errors: u64,
    alerts_raised: [u64; 4],
    limiter: Limiter,
    /// Cache (hits, misses) at the start of the current miss-rate measurement.
    cache_base: Option<(u64, u64)>,
}

impl State {
    fn operation(&mut self, name: &str) -> u16 {
        let name = if let Some(i) = self.operations.iter().position(|(n, _)| &**n == name) {
            return i as u16;
        } else if self.operations.len() < MAX_OPERATIONS - 1 {
            name
        } else if let Some(i) = self.operations.iter().position(|(n, _)| &**n == OTHER_OPERATION) {
            return i as u16;
        } else {
            OTHER_OPERATION
        };
        self.operations.push((Arc::from(name), DurationBuckets::default()));
        (self.operations.len() - 1) as u16
    }

    fn operation_name(&self, id: u16) -> Arc<str> {
        self.operations.get(id as usize).map_or_else(|| Arc::from(OTHER_OPERATION), |(n, _)| n.clone())
    }
}

fn pattern_slot(patterns: &mut Vec<Option<Box<PatternStats>>>, id: u32) -> &mut PatternStats {
    let i = id as usize;
    if patterns.len() <= i {
        patterns.resize_with(i + 1, || None);
    }
    patterns[i].get_or_insert_with(Box::default)
}

/// An alert decided under the lock, built after it.
enum Pending {
    Slow { severity: Severity, held: u64, record: QueryRecord, operation: Arc<str> },
    ErrorRate { held: u64, errors: u32, sample: u64 },
    CacheMiss { severity: Severity, held: u64, hits: u64, misses: u64 },
    Pool { severity: Severity, held: u64, sample: PoolSample },
}

struct DbSample {
    hits: u64,
    misses: u64,
    pool: PoolSample,
}

fn sample_db(db: &Database) -> Option<DbSample> {
    let r = db.try_ready()?;
    Some(DbSample {
        hits: r.cache.counters.hits.load(Relaxed),
        misses: r.cache.counters.misses.load(Relaxed),
        pool: PoolSample { active: r.pool.active(), queued: r.pool.queued(), connections: r.pool.connections() },
    })
}

pub struct Monitor {
    settings: Settings,
    thresholds: Thresholds,
    interner: Interner,
    state: Mutex<State>,
    pub alerts: AlertQueue,
    /// The database whose cache and pool are watched (weak: the database holds the monitor).
    source: Option<Weak<Database>>,
    next_sample_ms: AtomicU64,
}

impl Monitor {
    pub fn new(settings: Settings, source: Option<&Arc<Database>>) -> Arc<Monitor> {
        let state = State {
            ring: Ring::new(settings.window),
            evicted_newest_ms: f64::NEG_INFINITY,
            error_bits: 0,
            operations: Vec::new(),
            patterns: Vec::new(),
            minutes: Timeline::default(),
            queries: 0,
            errors: 0,
            alerts_raised: [0; 4],
            limiter: Limiter::new(settings.alert_cooldown_ms),
            cache_base: None,
        };
        Arc::new(Monitor {
            thresholds: Thresholds::new(settings.slow_query_threshold_ms),
            settings,
            interner: Interner::default(),
            state: Mutex::new(state),
            alerts: AlertQueue::default(),
            source: source.map(Arc::downgrade),
            next_sample_ms: AtomicU64::new(0),
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cache and pool figures, once per `SAMPLE_EVERY_MS` across all threads.
    fn sample_due(&self, now: f64) -> Option<DbSample> {
        if !self.settings.alerts_enabled {
            return None;
        }
        let src = self.source.as_ref()?;
        let now = now as u64;
        let due = self.next_sample_ms.load(Relaxed);
        if now < due || self.next_sample_ms.compare_exchange(due, now + SAMPLE_EVERY_MS, Relaxed, Relaxed).is_err() {
            return None;
        }
        sample_db(&*src.upgrade()?)
    }

    pub fn record(&self, o: Observation<'_>) {
        let q = self.interner.resolve(o.query);
        let now = now_ms();
        let at = o.at_ms.unwrap_or(now);
        let ns = ms_to_ns(o.duration_ms);
        let failed = o.error.is_some();
        let slow = o.duration_ms > self.settings.slow_query_threshold_ms;
        let sample = self.sample_due(now);
        let (now_min, at_min) = (minute_of(now), minute_of(at));
        let mut pending: [Option<Pending>; 4] = Default::default();
        {
            let mut guard = self.lock();
            let st = &mut *guard;
            let op = st.operation(o.operation);
            if let Some((_, b)) = st.operations.get_mut(op as usize) {
                b.record(ns);
            }
            st.queries += 1;
            st.errors += failed as u64;
            let rec = QueryRecord {
                at_ms: at,
                duration_ms: o.duration_ms,
                query: q.sql,
                pattern: q.pattern,
                operation: op,
                error: o.error,
                user_id: o.user_id,
                exam_id: o.exam_id,
                details: o.details.map(Arc::from),
            };
            let p = pattern_slot(&mut st.patterns, q.pattern);
            p.hist.record(ns);
            p.errors += failed as u64;
            p.operation = op;
            if let Some(t) = p.minutes.at(at_min, now_min) {
                t.add(ns, failed, slow);
            }
            if let Some(m) = st.minutes.at(at_min, now_min) {
                m.totals.add(ns, failed, slow);
                m.hist.record(ns);
                if slow {
                    m.keep_if_slowest(&rec);
                }
            }
            st.error_bits = ((st.error_bits << 1) | failed as u128) & ERROR_MASK;
            if self.settings.alerts_enabled {
                self.check(st, &rec, sample, now, &mut pending);
            }
            if let Some(old) = st.ring.push(rec) {
                st.evicted_newest_ms = st.evicted_newest_ms.max(old.at_ms);
            }
        }
        for p in pending.into_iter().flatten() {
            self.alerts.push(self.build(p, now));
        }
    }

    fn admit(&self, st: &mut State, kind: AlertType, pattern: u32, now: f64) -> Option<u64> {
        let held = st.limiter.admit(kind, pattern, now)?;
        st.alerts_raised[kind.index()] += 1;
        Some(held)
    }

    fn check(&self, st: &mut State, rec: &QueryRecord, sample: Option<DbSample>, now: f64, out: &mut [Option<Pending>; 4]) {
        let t = &self.thresholds;
        if let Some(severity) = alerts::slow_query(t, rec.duration_ms) {
            if let Some(held) = self.admit(st, AlertType::SlowQuery, rec.pattern, now) {
                out[0] = Some(Pending::Slow { severity, held, record: rec.clone(), operation: st.operation_name(rec.operation) });
            }
        }
        // The error count can only cross its threshold on a failure.
        if rec.error.is_some() {
            let errors = st.error_bits.count_ones();
            if alerts::error_rate(t, errors).is_some() {
                if let Some(held) = self.admit(st, AlertType::HighErrorRate, NO_PATTERN, now) {
                    out[1] = Some(Pending::ErrorRate { held, errors, sample: st.queries.min(ERROR_WINDOW as u64) });
                }
            }
        }
        let Some(s) = sample else { return };
        match st.cache_base {
            None => st.cache_base = Some((s.hits, s.misses)),
            Some((h0, m0)) => {
                let (hits, misses) = (s.hits.saturating_sub(h0), s.misses.saturating_sub(m0));
                // A measurement spans at least `cache_min_lookups` lookups, however long that takes.
                if hits + misses >= t.cache_min_lookups {
                    st.cache_base = Some((s.hits, s.misses));
                    if let Some(severity) = alerts::cache_miss(t, hits, misses) {
                        if let Some(held) = self.admit(st, AlertType::CacheMissSpike, NO_PATTERN, now) {
                            out[2] = Some(Pending::CacheMiss { severity, held, hits, misses });
                        }
                    }
                }
            }
        }
        if let Some(severity) = alerts::pool(t, &s.pool) {
            if let Some(held) = self.admit(st, AlertType::PoolExhausted, NO_PATTERN, now) {
                out[3] = Some(Pending::Pool { severity, held, sample: s.pool });
            }
        }
    }

    fn build(&self, p: Pending, now: f64) -> Alert {
        let alert = |kind: AlertType, severity, message, metrics, pattern, suppressed| Alert {
            kind: kind.as_str(),
            severity,
            message,
            metrics,
            timestamp: now,
            pattern,
            suppressed,
        };
        match p {
            Pending::Slow { severity, held, record, operation } => alert(
                AlertType::SlowQuery,
                severity,
                format!("Slow query detected: {:.1}ms", record.duration_ms),
                json!({
                    "query": cut(&record.query, 100),
                    "duration": record.duration_ms,
                    "threshold": self.settings.slow_query_threshold_ms,
                    "operation": &*operation,
                    "userId": record.user_id,
                    "examId": record.exam_id,
                }),
                Some(self.interner.name(record.pattern).to_string()),
                held,
            ),
            Pending::ErrorRate { held, errors, sample } => {
                let rate = errors as f64 * 100.0 / sample.max(1) as f64;
                alert(
                    AlertType::HighErrorRate,
                    Severity::Critical,
                    format!("High error rate: {rate:.1}% ({errors} of the last {sample} queries failed)"),
                    json!({ "errorRate": rate, "errors": errors, "sampleSize": sample }),
                    None,
                    held,
                )
            }
            Pending::CacheMiss { severity, held, hits, misses } => {
                let rate = misses as f64 * 100.0 / (hits + misses).max(1) as f64;
                alert(
                    AlertType::CacheMissSpike,
                    severity,
                    format!("Cache miss spike: {rate:.1}% of {} lookups missed", hits + misses),
                    json!({ "missRate": rate, "hits": hits, "misses": misses, "lookups": hits + misses }),
                    None,
                    held,
                )
            }
            Pending::Pool { severity, held, sample } => alert(
                AlertType::PoolExhausted,
                severity,
                format!(
                    "Connection pool exhausted: {} of {} connections busy, {} waiting",
                    sample.active, sample.connections, sample.queued
                ),
                json!({
                    "activeConnections": sample.active,
                    "totalConnections": sample.connections,
                    "queuedRequests": sample.queued,
                    "utilization": sample.utilization_percent(),
                }),
                None,
                held,
            ),
        }
    }

    /// Analytics over the queries of the last `range_ms`.
    pub fn analytics(&self, range_ms: f64) -> Analytics {
        let now = now_ms();
        let cutoff = now - range_ms;
        let now_min = minute_of(now);
        let slow_ms = self.settings.slow_query_threshold_ms;
        let mut per_pattern: HashMap<u32, Totals> = HashMap::new();
        let mut slow: Vec<QueryRecord> = Vec::new();
        let mut durations: Vec<f64> = Vec::new();
        let mut range_totals = Totals::default();
        let mut range_hist = Histogram::new();
        let (exact, recent_queries, recent_capacity, op_names) = {
            let st = self.lock();
            let exact = st.evicted_newest_ms <= cutoff;
            if exact {
                for e in st.ring.iter().filter(|e| e.at_ms > cutoff) {
                    let is_slow = e.duration_ms > slow_ms;
                    durations.push(e.duration_ms);
                    range_totals.add(0, e.error.is_some(), is_slow);
                    per_pattern.entry(e.pattern).or_default().add(ms_to_ns(e.duration_ms), e.error.is_some(), is_slow);
                    if is_slow {
                        slow.push(e.clone());
                    }
                }
            } else {
                for m in st.minutes.since(cutoff, now_min) {
                    range_totals.merge(&m.totals);
                    range_hist.merge(&m.hist);
                    slow.extend(m.slowest.iter().filter(|r| r.at_ms > cutoff).cloned());
                }
                for (id, p) in st.patterns.iter().enumerate() {
                    let Some(p) = p else { continue };
                    let mut t = Totals::default();
                    for m in p.minutes.since(cutoff, now_min) {
                        t.merge(m);
                    }
                    if t.count > 0 {
                        per_pattern.insert(id as u32, t);
                    }
                }
            }
            let names: Vec<Arc<str>> = st.operations.iter().map(|(n, _)| n.clone()).collect();
            (exact, st.ring.len(), st.ring.capacity(), names)
        };
        // Sorting and formatting happen without the lock: recording goes on meanwhile.
        let summary = if exact {
            analytics::exact_summary(durations, range_totals.errors, range_totals.slow)
        } else {
            analytics::histogram_summary(&range_totals, &range_hist)
        };
        let op_name = |id: u16| op_names.get(id as usize).map_or(OTHER_OPERATION, |n| &**n).to_string();
        slow.sort_by(|a, b| b.duration_ms.total_cmp(&a.duration_ms));
        slow.truncate(analytics::SLOW_QUERIES);
        let slow_queries =
            slow.iter().map(|r| r.to_json(&op_name(r.operation), &self.interner.name(r.pattern))).collect();

        let mut ranked: Vec<(u32, Totals)> = per_pattern.into_iter().collect();
        let avg = |t: &Totals| t.sum_ns as f64 / t.count.max(1) as f64;
        ranked.sort_by(|a, b| avg(&b.1).total_cmp(&avg(&a.1)).then(b.1.count.cmp(&a.1.count)));
        ranked.truncate(analytics::PATTERNS);
        let lifetime: Vec<(AllTime, u16)> = {
            let st = self.lock();
            ranked
                .iter()
                .map(|(id, _)| match st.patterns.get(*id as usize).and_then(|p| p.as_deref()) {
                    Some(p) => (AllTime::of(&p.hist), p.operation),
                    None => (AllTime::of(&Histogram::new()), 0),
                })
                .collect()
        };
        let query_patterns: Vec<PatternReport> = ranked
            .iter()
            .zip(lifetime)
            .map(|((id, t), (all_time, op))| PatternReport {
                pattern: self.interner.name(*id).to_string(),
                operation: op_name(op),
                count: t.count,
                total_duration: t.sum_ns as f64 / 1e6,
                avg_duration: avg(t) / 1e6,
                error_count: t.errors,
                slow_count: t.slow,
                all_time,
            })
            .collect();
        let recommendations = analytics::recommendations(&summary, &query_patterns, slow_ms);
        Analytics {
            summary,
            slow_queries,
            query_patterns,
            recommendations,
            window: Window { from: cutoff, to: now, exact, recent_queries, recent_capacity },
        }
    }

    pub fn prometheus(&self) -> String {
        let mut snap = {
            let st = self.lock();
            Snapshot {
                durations: st.operations.clone(),
                queries: st.queries,
                errors: st.errors,
                alerts: AlertType::ALL.iter().map(|t| (t.as_str(), st.alerts_raised[t.index()])).collect(),
                ..Snapshot::default()
            }
        };
        if let Some(s) = self.source.as_ref().and_then(Weak::upgrade).as_deref().and_then(sample_db) {
            snap.cache_hits = s.hits;
            snap.cache_misses = s.misses;
            snap.pool_active = s.pool.active as u64;
            snap.pool_queued = s.pool.queued as u64;
        }
        prometheus::render(&snap)
    }

    /// (queries, errors) recorded so far.
    pub fn totals(&self) -> (u64, u64) {
        let st = self.lock();
        (st.queries, st.errors)
    }
}

impl QueryObserver for Monitor {
    fn record(&self, operation: &str, sql: &str, duration: Duration, error: Option<&Error>) {
        // Errors reach observers before the pool scrubs secrets out of them.
        let error = error.map(|e| {
            let e = match self.source.as_ref().and_then(Weak::upgrade) {
                Some(db) => db.scrub(e.clone()),
                None => e.clone(),
            };
            Arc::from(format!("{}: {}", e.code, cut(&e.message, 500)))
        });
        Monitor::record(
            self,
            Observation { operation, query: sql, duration_ms: duration.as_secs_f64() * 1000.0, error, ..Observation::default() },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::settings::{Overrides, Settings};

    fn monitor(slow_ms: f64, cooldown_ms: f64) -> Arc<Monitor> {
        let s = Settings::from_env(&|_| None)
            .and_then(|s| s.with(Overrides { slow_query_threshold_ms: Some(slow_ms), alert_cooldown_ms: Some(cooldown_ms), alerts_enabled: Some(true) }))
            .expect("valid settings");
        let m = Monitor::new(s, None);
        m.alerts.listen(None);
        m
    }

    fn run(m: &Monitor, sql: &str, ms: f64, error: Option<&str>) {
        m.record(Observation { operation: "execute", query: sql, duration_ms: ms, error: error.map(Arc::from), ..Default::default() });
    }

    #[test]
    fn slow_query_alerts_cross_exactly_and_are_rate_limited() {
        let m = monitor(100.0, 60_000.0);
        run(&m, "SELECT * FROM t WHERE id = 1", 100.0, None);
        assert!(m.alerts.take().is_empty(), "at the threshold: no alert");
        run(&m, "SELECT * FROM t WHERE id = 2", 150.0, None);
        let a = m.alerts.take();
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].kind, a[0].severity, a[0].suppressed), ("slow_query", Severity::Warning, 0));
        assert_eq!(a[0].pattern.as_deref(), Some("SELECT * FROM t WHERE id = ?"));
        for id in 3..8 {
            run(&m, &format!("SELECT * FROM t WHERE id = {id}"), 500.0, None);
        }
        assert!(m.alerts.take().is_empty(), "same type and pattern within a minute");
        run(&m, "SELECT * FROM other", 201.0, None);
        let a = m.alerts.take();
        assert_eq!((a.len(), a[0].severity), (1, Severity::Critical));
        assert!(m.prometheus().contains("pingtopass_db_alerts_total{type=\"slow_query\"} 2\n"));

        let m = monitor(100.0, 0.0);
        run(&m, "SELECT 1", 150.0, None);
        run(&m, "SELECT 1", 150.0, None);
        assert_eq!(m.alerts.take().len(), 2, "no cooldown: every one");
    }

    #[test]
    fn error_rate_alert_fires_on_the_sixth_error_in_a_hundred() {
        let m = monitor(1e6, 60_000.0);
        for _ in 0..100 {
            run(&m, "SELECT 1", 1.0, None);
        }
        for _ in 0..5 {
            run(&m, "SELECT nope", 1.0, Some("SQLITE_ERROR: no such column"));
        }
        assert!(m.alerts.take().is_empty(), "5 of 100 is not over 5%");
        run(&m, "SELECT nope", 1.0, Some("SQLITE_ERROR: no such column"));
        let a = m.alerts.take();
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].kind, a[0].metrics["errors"].as_u64(), a[0].metrics["sampleSize"].as_u64()), ("high_error_rate", Some(6), Some(100)));
        // Errors age out of the window: 100 good queries later the count is back to zero.
        for _ in 0..100 {
            run(&m, "SELECT 1", 1.0, None);
        }
        let m2 = monitor(1e6, 0.0);
        run(&m2, "SELECT nope", 1.0, Some("x"));
        assert!(m2.alerts.take().is_empty(), "one failure is not a 100% error rate");
    }

    #[test]
    fn disabled_alerts_raise_nothing() {
        let s = Settings::from_env(&|k| (k == "ENABLE_PERFORMANCE_ALERTS").then(|| "false".to_string())).expect("valid");
        let m = Monitor::new(s, None);
        m.alerts.listen(None);
        for _ in 0..10 {
            run(&m, "SELECT 1", 10_000.0, Some("boom"));
        }
        assert!(m.alerts.take().is_empty());
        assert!(m.prometheus().contains("pingtopass_db_alerts_total{type=\"high_error_rate\"} 0\n"));
    }

    #[test]
    fn analytics_are_exact_over_the_window_and_within_one_percent_beyond() {
        let m = monitor(50.0, 60_000.0);
        let durations: Vec<f64> = (0..3000).map(|i| 0.05 + (i * 7919 % 3000) as f64 * 0.03).collect();
        for (i, d) in durations.iter().enumerate() {
            run(&m, &format!("SELECT * FROM q{} WHERE id = {i}", i % 3), *d, (i % 50 == 0).then_some("e"));
        }
        let a = m.analytics(3_600_000.0);
        assert!(a.window.exact);
        let want = analytics::exact_summary(durations.clone(), 60, durations.iter().filter(|&&d| d > 50.0).count() as u64);
        assert_eq!(a.summary, want);
        assert_eq!(a.query_patterns.len(), 3);
        assert_eq!(a.query_patterns.iter().map(|p| p.count).sum::<u64>(), 3000);
        assert_eq!(a.slow_queries.len(), 20);
        assert_eq!(a.slow_queries[0]["duration"].as_f64(), durations.iter().copied().reduce(f64::max));

        // Past the 10,000-entry window the summary comes from the minute histograms.
        let all: Vec<f64> = (0..25_000i64).map(|i| 0.01 + (i * 104_729 % 25_000) as f64 * 0.004).collect();
        let m = monitor(50.0, 60_000.0);
        for d in &all {
            run(&m, "SELECT 1", *d, None);
        }
        let a = m.analytics(3_600_000.0);
        assert!(!a.window.exact);
        assert_eq!(a.window.recent_queries, 10_000);
        let want = analytics::exact_summary(all.clone(), 0, all.iter().filter(|&&d| d > 50.0).count() as u64);
        assert_eq!((a.summary.total_queries, a.summary.slow_query_count), (25_000, want.slow_query_count));
        for (x, y) in [(a.summary.median_duration, want.median_duration), (a.summary.p95_duration, want.p95_duration), (a.summary.p99_duration, want.p99_duration)] {
            assert!((x - y).abs() / y <= 0.01, "{x} vs {y}");
        }
        assert!((a.summary.avg_duration - want.avg_duration).abs() / want.avg_duration < 1e-6);
        assert_eq!(a.query_patterns[0].all_time.count, 25_000);
    }

    #[test]
    fn a_range_selects_by_timestamp() {
        let m = monitor(200.0, 60_000.0);
        let now = now_ms();
        for (age, d) in [(10_000.0, 1.0), (5_000.0, 2.0), (1_000.0, 3.0)] {
            m.record(Observation { operation: "custom", query: "q", duration_ms: d, at_ms: Some(now - age), ..Default::default() });
        }
        assert_eq!(m.analytics(6_000.0).summary.total_queries, 2);
        assert_eq!(m.analytics(60_000.0).summary.total_queries, 3);
        let empty = m.analytics(0.0);
        assert_eq!((empty.summary.total_queries, empty.recommendations.len()), (0, 0));
    }

    #[test]
    fn memory_stays_bounded() {
        let m = monitor(200.0, 60_000.0);
        for i in 0..40_000 {
            run(&m, &format!("SELECT c{} FROM t{} WHERE x = {i}", i % 400, i % 7), (i % 1000) as f64 * 0.1, None);
            m.record(Observation { operation: &format!("op{}", i % 100), query: "q", duration_ms: 1.0, ..Default::default() });
        }
        let st = m.lock();
        assert_eq!(st.ring.len(), 10_000);
        assert!(st.patterns.len() <= super::super::intern::MAX_PATTERNS + 1);
        assert_eq!(st.operations.len(), MAX_OPERATIONS);
        let hist_bytes: usize = st.patterns.iter().flatten().map(|p| p.hist.heap_bytes()).sum();
        assert!(hist_bytes < 8 << 20, "{hist_bytes}");
    }

    /// `cargo test --release --lib record_cost -- --ignored --nocapture`: what one record costs.
    #[test]
    #[ignore]
    fn record_cost() {
        let m = monitor(200.0, 60_000.0);
        let sqls: Vec<String> = (0..20).map(|i| format!("SELECT * FROM questions WHERE exam_id = ? AND id > {i} LIMIT 20")).collect();
        for threads in [1usize, 4] {
            let n = 1_000_000 / threads;
            let t = std::time::Instant::now();
            std::thread::scope(|s| {
                for k in 0..threads {
                    let (m, sqls) = (&m, &sqls);
                    s.spawn(move || {
                        for i in 0..n {
                            run(m, &sqls[(i + k) % sqls.len()], 0.05 + (i % 100) as f64 * 0.01, None);
                        }
                    });
                }
            });
            let per = t.elapsed().as_nanos() as f64 / (n * threads) as f64;
            println!("{threads} thread(s): {per:.0} ns per record (wall time / records)");
        }
    }
}
