//! The shapes `getAnalytics` returns and the arithmetic behind them. Over the recent window
//! everything is exact (the original's median and nearest-rank percentiles over the same
//! durations); beyond it the figures come from per-minute histograms, exact to 1%.

use super::histogram::{ns_to_ms, Histogram};
use super::stats::Totals;
use serde::Serialize;
use serde_json::Value;

/// Slow queries listed, slowest first (the original's 20).
pub const SLOW_QUERIES: usize = 20;
/// Patterns listed, slowest on average first (the original's 10).
pub const PATTERNS: usize = 10;

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub total_queries: u64,
    pub avg_duration: f64,
    pub median_duration: f64,
    pub p95_duration: f64,
    pub p99_duration: f64,
    /// A percent, as in the original.
    pub error_rate: f64,
    pub slow_query_count: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AllTime {
    pub count: u64,
    pub avg_duration: f64,
    pub p50_duration: f64,
    pub p95_duration: f64,
    pub p99_duration: f64,
    pub max_duration: f64,
}

impl AllTime {
    pub fn of(h: &Histogram) -> Self {
        AllTime {
            count: h.count(),
            avg_duration: h.mean_ns() / 1e6,
            p50_duration: h.percentile_ms(50.0),
            p95_duration: h.percentile_ms(95.0),
            p99_duration: h.percentile_ms(99.0),
            max_duration: ns_to_ms(h.max_ns()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatternReport {
    pub pattern: String,
    pub operation: String,
    /// Over the requested range.
    pub count: u64,
    pub total_duration: f64,
    pub avg_duration: f64,
    pub error_count: u64,
    pub slow_count: u64,
    /// Since the monitor started: the pattern's HDR histogram.
    pub all_time: AllTime,
}

/// What the figures cover: `exact` when the recent window holds the whole range.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    pub from: f64,
    pub to: f64,
    pub exact: bool,
    pub recent_queries: usize,
    pub recent_capacity: usize,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Analytics {
    pub summary: Summary,
    pub slow_queries: Vec<Value>,
    pub query_patterns: Vec<PatternReport>,
    pub recommendations: Vec<String>,
    pub window: Window,
}

/// The original's median: the mean of the two middle values for an even count.
fn median_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    let mid = n / 2;
    if n.is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

/// Nearest rank: `sorted[ceil(p/100 * n) - 1]`, as the original.
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[idx.clamp(1, sorted.len()) - 1]
}

pub fn exact_summary(mut durations: Vec<f64>, errors: u64, slow: u64) -> Summary {
    let n = durations.len();
    if n == 0 {
        return Summary::default();
    }
    durations.sort_unstable_by(f64::total_cmp);
    Summary {
        total_queries: n as u64,
        avg_duration: durations.iter().sum::<f64>() / n as f64,
        median_duration: median_sorted(&durations),
        p95_duration: percentile_sorted(&durations, 95.0),
        p99_duration: percentile_sorted(&durations, 99.0),
        error_rate: errors as f64 * 100.0 / n as f64,
        slow_query_count: slow,
    }
}

pub fn histogram_summary(t: &Totals, h: &Histogram) -> Summary {
    let n = h.count();
    if n == 0 {
        return Summary::default();
    }
    let median = if n.is_multiple_of(2) {
        (ns_to_ms(h.value_at_rank(n / 2)) + ns_to_ms(h.value_at_rank(n / 2 + 1))) / 2.0
    } else {
        ns_to_ms(h.value_at_rank(n / 2 + 1))
    };
    Summary {
        total_queries: t.count,
        avg_duration: t.sum_ns as f64 / 1e6 / t.count.max(1) as f64,
        median_duration: median,
        p95_duration: h.percentile_ms(95.0),
        p99_duration: h.percentile_ms(99.0),
        error_rate: t.errors as f64 * 100.0 / t.count.max(1) as f64,
        slow_query_count: t.slow,
    }
}

/// The original's advice, with its thresholds; slow patterns are judged against the
/// configured slow-query threshold (the original hard-coded its default, 200 ms).
pub fn recommendations(s: &Summary, patterns: &[PatternReport], slow_ms: f64) -> Vec<String> {
    let mut out = Vec::new();
    if s.total_queries == 0 {
        return out;
    }
    if s.p95_duration > 100.0 {
        out.push("95th percentile response time exceeds 100ms - consider query optimization".to_string());
    }
    if s.error_rate > 2.0 {
        out.push(format!("Error rate of {:.1}% is high - investigate query failures", s.error_rate));
    }
    if s.slow_query_count as f64 > s.total_queries as f64 * 0.1 {
        out.push("More than 10% of queries are slow - review indexing strategy".to_string());
    }
    for p in patterns.iter().take(3) {
        if p.avg_duration > slow_ms {
            let short: String = p.pattern.chars().take(50).collect();
            let more = if short.len() < p.pattern.len() { "..." } else { "" };
            out.push(format!("Frequent slow pattern: \"{short}{more}\" - avg {:.1}ms", p.avg_duration));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_summary_uses_the_original_definitions() {
        let s = exact_summary(vec![4.0, 1.0, 3.0, 2.0], 1, 0);
        assert_eq!(s.median_duration, 2.5);
        assert_eq!(s.p95_duration, 4.0);
        assert_eq!(s.avg_duration, 2.5);
        assert_eq!(s.error_rate, 25.0);
        let xs: Vec<f64> = (1..=200).map(f64::from).collect();
        let s = exact_summary(xs, 0, 0);
        assert_eq!((s.p95_duration, s.p99_duration, s.median_duration), (190.0, 198.0, 100.5));
        assert_eq!(exact_summary(vec![], 0, 0), Summary::default());
    }

    #[test]
    fn histogram_summary_is_within_one_percent() {
        let xs: Vec<f64> = (1..=5000).map(|i| 0.01 * (i as f64).powf(1.7)).collect();
        let mut h = Histogram::new();
        let mut t = Totals::default();
        for &x in &xs {
            let ns = super::super::histogram::ms_to_ns(x);
            h.record(ns);
            t.add(ns, false, false);
        }
        let (a, b) = (exact_summary(xs, 0, 0), histogram_summary(&t, &h));
        for (x, y) in [(a.median_duration, b.median_duration), (a.p95_duration, b.p95_duration), (a.p99_duration, b.p99_duration), (a.avg_duration, b.avg_duration)] {
            assert!((x - y).abs() / x <= 0.01, "{x} vs {y}");
        }
    }

    #[test]
    fn recommendations_follow_the_original() {
        let s = Summary { total_queries: 10, p95_duration: 150.0, error_rate: 3.0, slow_query_count: 2, ..Default::default() };
        let p = PatternReport {
            pattern: "SELECT * FROM questions WHERE exam_id = ? AND objective_id = ? ORDER BY id".into(),
            operation: "execute".into(),
            count: 2,
            total_duration: 500.0,
            avg_duration: 250.0,
            error_count: 0,
            slow_count: 2,
            all_time: AllTime::of(&Histogram::new()),
        };
        let r = recommendations(&s, &[p], 200.0);
        assert_eq!(r.len(), 4, "{r:?}");
        assert_eq!(r[1], "Error rate of 3.0% is high - investigate query failures");
        assert!(r[3].ends_with("...\" - avg 250.0ms"), "{}", r[3]);
    }
}
