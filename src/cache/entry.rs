//! What one cached value costs and how long it lives.

use moka::Expiry;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A tag names a group of entries dropped together (`user:7`, `exam:3`, `session:12`).
pub type Tag = Arc<str>;

/// Bytes an entry costs beyond its key, JSON text and tags: moka's node, the Arc headers and
/// this struct, measured once (size_of) and rounded up so `memoryUsage` errs high, not low.
const OVERHEAD: usize = 128;

#[derive(Clone)]
pub struct Entry {
    /// The value as JSON text: JS parses it at the boundary, Redis stores it as is.
    pub json: Arc<str>,
    pub ttl: Duration,
    /// Unique per insert, so the tag index can tell a replaced entry from its successor.
    pub id: u64,
    pub tags: Arc<[Tag]>,
}

impl Entry {
    /// The bytes this entry holds under `key`: payload exactly, bookkeeping by the constant.
    pub fn weight(&self, key: &str) -> u64 {
        let tags: usize = self.tags.iter().map(|t| t.len() + 16).sum();
        (key.len() + self.json.len() + tags + OVERHEAD) as u64
    }
}

/// moka's per-entry time to live: each entry carries its own.
pub struct PerEntryTtl;

impl Expiry<Arc<str>, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _: &Arc<str>, value: &Entry, _: Instant) -> Option<Duration> {
        Some(value.ttl)
    }

    /// A replaced value starts its own TTL rather than inheriting the old one's remainder.
    fn expire_after_update(&self, _: &Arc<str>, value: &Entry, _: Instant, _: Option<Duration>) -> Option<Duration> {
        Some(value.ttl)
    }
}
