//! The Prometheus text exposition format (version 0.0.4). Query durations go into fixed
//! buckets from 50 us to 10 s, counted exactly (not derived from the HDR histograms, whose
//! bucket edges do not fall on these bounds).

use std::fmt::Write;
use std::sync::Arc;

pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

const BOUNDS_NS: [u64; 17] = [
    50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000,
    100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000, 5_000_000_000, 10_000_000_000,
];
/// `le` values as Prometheus' own clients print them, so label matchers are portable.
const BOUNDS_LE: [&str; 17] =
    ["5e-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10"];

#[derive(Clone, Default)]
pub struct DurationBuckets {
    /// Per bucket (not cumulative); the last is +Inf.
    counts: [u64; 18],
    sum_ns: u128,
}

impl DurationBuckets {
    pub fn record(&mut self, ns: u64) {
        let i = BOUNDS_NS.partition_point(|&b| b < ns);
        self.counts[i] += 1;
        self.sum_ns += ns as u128;
    }

    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Everything one exposition shows.
#[derive(Default)]
pub struct Snapshot {
    pub durations: Vec<(Arc<str>, DurationBuckets)>,
    pub queries: u64,
    pub errors: u64,
    pub alerts: Vec<(&'static str, u64)>,
    pub cache_hits: u64,
    pub cache_misses: u64,
    pub pool_active: u64,
    pub pool_queued: u64,
}

fn label(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

pub fn render(s: &Snapshot) -> String {
    let mut out = String::with_capacity(2048 + s.durations.len() * 1600);
    let h = "pingtopass_db_query_duration_seconds";
    family(&mut out, h, "histogram", "Time each database query took, failed queries included.");
    for (op, b) in &s.durations {
        let op = label(op);
        let mut cumulative = 0;
        for (i, le) in BOUNDS_LE.iter().enumerate() {
            cumulative += b.counts[i];
            let _ = writeln!(out, "{h}_bucket{{operation=\"{op}\",le=\"{le}\"}} {cumulative}");
        }
        let total = b.count();
        let _ = writeln!(out, "{h}_bucket{{operation=\"{op}\",le=\"+Inf\"}} {total}");
        let _ = writeln!(out, "{h}_sum{{operation=\"{op}\"}} {}", b.sum_ns as f64 / 1e9);
        let _ = writeln!(out, "{h}_count{{operation=\"{op}\"}} {total}");
    }
    let plain = [
        ("pingtopass_db_queries_total", "counter", "Database queries recorded.", s.queries),
        ("pingtopass_db_query_errors_total", "counter", "Database queries that failed.", s.errors),
    ];
    for (name, kind, help, v) in plain {
        family(&mut out, name, kind, help);
        let _ = writeln!(out, "{name} {v}");
    }
    let a = "pingtopass_db_alerts_total";
    family(&mut out, a, "counter", "Performance alerts raised (after rate limiting), by type.");
    for (t, n) in &s.alerts {
        let _ = writeln!(out, "{a}{{type=\"{t}\"}} {n}");
    }
    let rest = [
        ("pingtopass_db_cache_hits_total", "counter", "Query result cache hits.", s.cache_hits),
        ("pingtopass_db_cache_misses_total", "counter", "Query result cache misses.", s.cache_misses),
        ("pingtopass_db_pool_active_connections", "gauge", "Connections running a statement now.", s.pool_active),
        ("pingtopass_db_pool_queued_requests", "gauge", "Jobs waiting for a connection now.", s.pool_queued),
    ];
    for (name, kind, help, v) in rest {
        family(&mut out, name, kind, help);
        let _ = writeln!(out, "{name} {v}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_inclusive() {
        let mut b = DurationBuckets::default();
        for ns in [10_000, 50_000, 50_001, 2_000_000, 20_000_000_000] {
            b.record(ns);
        }
        let s = Snapshot { durations: vec![(Arc::from("execute"), b)], queries: 5, alerts: vec![("slow_query", 1)], ..Default::default() };
        let text = render(&s);
        assert!(text.contains("pingtopass_db_query_duration_seconds_bucket{operation=\"execute\",le=\"5e-05\"} 2\n"));
        assert!(text.contains("le=\"0.0001\"} 3\n"));
        assert!(text.contains("le=\"0.0025\"} 4\n"));
        assert!(text.contains("le=\"10\"} 4\n"));
        assert!(text.contains("le=\"+Inf\"} 5\n"));
        assert!(text.contains("pingtopass_db_query_duration_seconds_count{operation=\"execute\"} 5\n"));
        assert!(text.contains("pingtopass_db_queries_total 5\n"));
        assert!(text.contains("pingtopass_db_alerts_total{type=\"slow_query\"} 1\n"));
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
