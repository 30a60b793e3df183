//! The caching strategy (`createCachingStrategy`): moka caches with per-entry TTLs, byte
//! accounting and tag invalidation (`store`, `tags`, `study`), and a Redis tier shared by
//! processes with invalidation over pub/sub (`distributed`). Values are JSON text: the JS
//! front stringifies and parses at the boundary (measured 5-7x faster than converting
//! objects to serde_json values through N-API), and Redis stores the same text.

pub mod distributed;
pub mod entry;
pub mod keys;
pub mod stats;
pub mod store;
pub mod study;
pub mod tags;

pub use distributed::DistributedCache;
pub use entry::Tag;
pub use stats::CacheStats;
pub use store::PerformanceCache;
pub use study::StudyCache;

/// A local tier that remote invalidations (another process, via Redis) are applied to.
pub trait Invalidate: Send + Sync {
    fn invalidate_tags(&self, tags: &[Tag]) -> usize;
    fn invalidate_keys(&self, keys: &[String]) -> usize;
    /// Everything, e.g. after a Redis outage during which invalidations may have been missed.
    fn drop_all(&self);
}
