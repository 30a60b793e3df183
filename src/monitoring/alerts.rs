//! Alert rules: when a recorded query, the error window, the result cache or the connection
//! pool crosses a threshold. Pure functions over figures; the monitor feeds them and the
//! limiter decides whether an alert goes out.

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertType {
    SlowQuery,
    HighErrorRate,
    CacheMissSpike,
    PoolExhausted,
}

impl AlertType {
    pub const ALL: [AlertType; 4] = [AlertType::SlowQuery, AlertType::HighErrorRate, AlertType::CacheMissSpike, AlertType::PoolExhausted];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertType::SlowQuery => "slow_query",
            AlertType::HighErrorRate => "high_error_rate",
            AlertType::CacheMissSpike => "cache_miss_spike",
            AlertType::PoolExhausted => "connection_pool_exhausted",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Critical,
}

/// An alert as JS callbacks receive it: the original's fields plus the pattern it concerns
/// and how many identical alerts the limiter held back since the previous one went out.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub severity: Severity,
    pub message: String,
    pub metrics: Value,
    pub timestamp: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    pub suppressed: u64,
}

#[derive(Debug, Clone)]
pub struct Thresholds {
    /// SLOW_QUERY_THRESHOLD: warning above it, critical above twice it.
    pub slow_query_ms: f64,
    /// Errors among the last `error_window` queries, as a percent of the window.
    pub error_rate_percent: f64,
    pub error_window: u32,
    /// Cache misses as a percent of lookups since the last check; critical above 90%.
    pub cache_miss_percent: f64,
    /// Fewer lookups than this say nothing about a miss rate (a cold start, one query).
    pub cache_min_lookups: u64,
    /// Busy reader connections as a percent of the readers, with requests waiting.
    pub pool_utilization_percent: f64,
}

impl Thresholds {
    pub fn new(slow_query_ms: f64) -> Self {
        Thresholds {
            slow_query_ms,
            error_rate_percent: 5.0,
            error_window: 100,
            cache_miss_percent: 70.0,
            cache_min_lookups: 100,
            pool_utilization_percent: 80.0,
        }
    }
}

pub fn slow_query(t: &Thresholds, duration_ms: f64) -> Option<Severity> {
    if duration_ms > t.slow_query_ms * 2.0 {
        Some(Severity::Critical)
    } else if duration_ms > t.slow_query_ms {
        Some(Severity::Warning)
    } else {
        None
    }
}

/// More than `error_rate_percent` of a full window failed. Measured against the window size
/// even before 100 queries were seen, so the very first failure is not "100% errors".
pub fn error_rate(t: &Thresholds, errors_in_window: u32) -> Option<Severity> {
    (errors_in_window as f64 * 100.0 > t.error_rate_percent * t.error_window as f64).then_some(Severity::Critical)
}

pub fn cache_miss(t: &Thresholds, hits: u64, misses: u64) -> Option<Severity> {
    let lookups = hits + misses;
    if lookups < t.cache_min_lookups.max(1) {
        return None;
    }
    let rate = misses as f64 * 100.0 / lookups as f64;
    if rate > 90.0_f64.max(t.cache_miss_percent) {
        Some(Severity::Critical)
    } else if rate > t.cache_miss_percent {
        Some(Severity::Warning)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct PoolSample {
    pub active: usize,
    pub queued: usize,
    pub connections: usize,
}

impl PoolSample {
    /// Busy connections against the readers: reads are where a pool runs out, the single
    /// writer serialises by design.
    pub fn utilization_percent(&self) -> f64 {
        let readers = self.connections.saturating_sub(1).max(1);
        (self.active.min(readers) as f64 * 100.0 / readers as f64).min(100.0)
    }
}

/// Requests are waiting while (nearly) every reader is busy; critical when more jobs wait
/// than there are connections.
pub fn pool(t: &Thresholds, s: &PoolSample) -> Option<Severity> {
    if s.queued == 0 || s.connections == 0 || s.utilization_percent() < t.pool_utilization_percent {
        return None;
    }
    if s.queued >= s.connections {
        Some(Severity::Critical)
    } else {
        Some(Severity::Warning)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_strict() {
        let t = Thresholds::new(200.0);
        assert_eq!(slow_query(&t, 200.0), None);
        assert_eq!(slow_query(&t, 200.01), Some(Severity::Warning));
        assert_eq!(slow_query(&t, 400.0), Some(Severity::Warning));
        assert_eq!(slow_query(&t, 400.01), Some(Severity::Critical));
        assert_eq!(error_rate(&t, 5), None);
        assert_eq!(error_rate(&t, 6), Some(Severity::Critical));
        assert_eq!(cache_miss(&t, 30, 70), None);
        assert_eq!(cache_miss(&t, 29, 71), Some(Severity::Warning));
        assert_eq!(cache_miss(&t, 9, 91), Some(Severity::Critical));
        assert_eq!(cache_miss(&t, 0, 99), None, "too few lookups");
    }

    #[test]
    fn pool_exhaustion_needs_busy_readers_and_a_queue() {
        let t = Thresholds::new(200.0);
        let s = |active, queued| PoolSample { active, queued, connections: 5 };
        assert_eq!(pool(&t, &s(4, 0)), None);
        assert_eq!(pool(&t, &s(2, 3)), None);
        assert_eq!(pool(&t, &s(4, 1)), Some(Severity::Warning));
        assert_eq!(pool(&t, &s(5, 5)), Some(Severity::Critical));
        assert_eq!(pool(&t, &PoolSample { active: 1, queued: 2, connections: 2 }), Some(Severity::Critical));
    }
}
