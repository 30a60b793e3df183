//! Query monitoring: every statement the pool runs (and whatever JS records) feeds a
//! bounded recent-query window, per-pattern latency histograms, alerts, analytics and a
//! Prometheus exposition. One concept per module; `monitor` ties them together.

pub mod alert_queue;
pub mod alerts;
pub mod analytics;
pub mod benchmark;
pub mod health;
pub mod histogram;
pub mod intern;
pub mod limiter;
pub mod monitor;
pub mod pattern;
pub mod prometheus;
pub mod record;
pub mod ring;
pub mod settings;
pub mod stats;
pub mod timeline;

/// Wall-clock milliseconds since the epoch, as JS `Date.now()` counts them.
pub fn now_ms() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}
