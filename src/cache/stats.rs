//! The counters moka does not keep for us, and the stats shape JS sees.

use serde::Serialize;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

#[derive(Default)]
pub struct Counters {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub writes: AtomicU64,
    /// Removed because the size bound was reached.
    pub evictions: AtomicU64,
    /// Removed because their TTL ran out (counted when moka drops them).
    pub expired: AtomicU64,
    /// Sum of `Entry::weight` over live entries; signed because an eviction can be reported
    /// before a racing insert's addition lands.
    pub bytes: AtomicI64,
    /// Time spent answering `get`, for `avgResponseTime`.
    pub get_nanos: AtomicU64,
}

impl Counters {
    pub fn reset(&self) {
        for c in [&self.hits, &self.misses, &self.writes, &self.evictions, &self.expired, &self.get_nanos] {
            c.store(0, Ordering::Relaxed);
        }
    }
}

/// `getStats()`: the original's fields plus the raw counters.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CacheStats {
    pub total_keys: u64,
    /// hits / (hits + misses), 0 before any lookup.
    pub hit_rate: f64,
    /// Bytes held by live entries (keys, JSON text, tags and a fixed per-entry overhead).
    pub memory_usage: u64,
    /// Mean milliseconds a lookup took inside the cache.
    pub avg_response_time: f64,
    pub expired_keys: u64,
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
    pub writes: u64,
    pub max_size: u64,
}

impl CacheStats {
    pub fn from_counters(c: &Counters, total_keys: u64, max_size: u64) -> Self {
        let hits = c.hits.load(Ordering::Relaxed);
        let misses = c.misses.load(Ordering::Relaxed);
        let lookups = hits + misses;
        let ratio = |n: f64| if lookups == 0 { 0.0 } else { n / lookups as f64 };
        CacheStats {
            total_keys,
            hit_rate: ratio(hits as f64),
            memory_usage: c.bytes.load(Ordering::Relaxed).max(0) as u64,
            avg_response_time: ratio(c.get_nanos.load(Ordering::Relaxed) as f64 / 1e6),
            expired_keys: c.expired.load(Ordering::Relaxed),
            hits,
            misses,
            evictions: c.evictions.load(Ordering::Relaxed),
            writes: c.writes.load(Ordering::Relaxed),
            max_size,
        }
    }
}
