//! `PerformanceCache`: moka with a per-entry TTL, an entry-count bound (the original's
//! `maxSize`), exact byte accounting and our own hit/miss/write/eviction/expiry counters.
//!
//! The bound counts entries, as the original did; a moka weigher would turn `maxSize` into
//! bytes, so the byte figure is kept from the same `Entry::weight` by the insert path and the
//! eviction listener instead, which sees every removal whatever its cause.

use super::entry::{Entry, PerEntryTtl, Tag};
use super::stats::{CacheStats, Counters};
use super::tags::TagIndex;
use crate::error::{Error, Result};
use moka::notification::RemovalCause;
use moka::policy::EvictionPolicy;
use moka::sync::Cache;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longer TTLs are clamped here: an Instant far in the future can overflow.
pub const MAX_TTL: Duration = Duration::from_secs(365 * 24 * 3600);
/// The largest `maxSize` accepted (moka's bound is a u64; this keeps the figure meaningful).
pub const MAX_ENTRIES: u64 = 100_000_000;

pub struct PerformanceCache {
    entries: Cache<Arc<str>, Entry>,
    default_ttl: Duration,
    max_entries: u64,
    counters: Arc<Counters>,
    tags: Arc<TagIndex>,
    next_id: AtomicU64,
}

/// A finite, non-negative number of seconds as a Duration of at most `MAX_TTL`: seconds
/// beyond what a Duration holds (1e308) are clamped too, where `from_secs_f64` would panic.
pub fn clamped_ttl(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs).map_or(MAX_TTL, |d| d.min(MAX_TTL))
}

/// Checks a TTL given in seconds: None or 0 means the default, as in the original.
pub fn ttl_from_secs(field: &str, secs: Option<f64>) -> Result<Option<Duration>> {
    match secs {
        None => Ok(None),
        Some(0.0) => Ok(None),
        Some(s) if s.is_finite() && s > 0.0 => Ok(Some(clamped_ttl(s))),
        Some(_) => Err(Error::out_of_range(field, "a finite number of seconds >= 0")),
    }
}

impl PerformanceCache {
    pub fn new(max_entries: u64, default_ttl: Duration) -> Result<Self> {
        if max_entries == 0 || max_entries > MAX_ENTRIES {
            return Err(Error::out_of_range("maxSize", &format!("an integer from 1 to {MAX_ENTRIES}")));
        }
        if default_ttl.is_zero() {
            return Err(Error::out_of_range("defaultTtlSeconds", "a number of seconds > 0"));
        }
        let counters = Arc::new(Counters::default());
        let tags = Arc::new(TagIndex::default());
        let (c, ix) = (counters.clone(), tags.clone());
        let entries = Cache::builder()
            .max_capacity(max_entries)
            // LRU rather than TinyLFU: a value just set is readable at once even when the cache
            // is full (TinyLFU may refuse a newcomer), which warming and tests rely on.
            .eviction_policy(EvictionPolicy::lru())
            .expire_after(PerEntryTtl)
            .eviction_listener(move |k: Arc<Arc<str>>, v: Entry, cause| {
                c.bytes.fetch_sub(v.weight(&k) as i64, Ordering::Relaxed);
                match cause {
                    RemovalCause::Expired => c.expired.fetch_add(1, Ordering::Relaxed),
                    RemovalCause::Size => c.evictions.fetch_add(1, Ordering::Relaxed),
                    RemovalCause::Explicit | RemovalCause::Replaced => 0,
                };
                if !v.tags.is_empty() {
                    ix.bury(Arc::clone(&k), v.id, v.tags);
                }
            })
            .build();
        Ok(PerformanceCache {
            entries,
            default_ttl: default_ttl.min(MAX_TTL),
            max_entries,
            counters,
            tags,
            next_id: AtomicU64::new(1),
        })
    }

    pub fn default_ttl(&self) -> Duration {
        self.default_ttl
    }

    /// The JSON text under `key`, counting a hit or a miss.
    pub fn get(&self, key: &str) -> Option<Arc<str>> {
        let started = Instant::now();
        let found = self.entries.get(key).map(|e| e.json);
        let c = &self.counters;
        if found.is_some() { &c.hits } else { &c.misses }.fetch_add(1, Ordering::Relaxed);
        c.get_nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        found
    }

    /// Looks without counting (used by tiers above that count for themselves).
    pub fn peek(&self, key: &str) -> Option<Arc<str>> {
        self.entries.get(key).map(|e| e.json)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// Stores `json` under `key` for `ttl` (default when None), registered under `tags`.
    pub fn set(&self, key: &str, json: Arc<str>, ttl: Option<Duration>, tags: &[Tag]) {
        self.store(key, json, ttl, tags, None);
    }

    /// Stores only when none of `tags` was invalidated since `ticket` (see `TagIndex`): a value
    /// loaded from the database while a write invalidated it must not outlive the write.
    pub fn set_if_fresh(&self, key: &str, json: Arc<str>, ttl: Option<Duration>, tags: &[Tag], ticket: u64) -> bool {
        self.store(key, json, ttl, tags, Some(ticket))
    }

    fn store(&self, key: &str, json: Arc<str>, ttl: Option<Duration>, tags: &[Tag], ticket: Option<u64>) -> bool {
        let key: Arc<str> = Arc::from(key);
        if let Some(t) = ticket {
            if !self.tags.fresh(t, tags) {
                return false;
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let entry = Entry { json, ttl: ttl.unwrap_or(self.default_ttl).min(MAX_TTL), id, tags: tags.into() };
        self.counters.bytes.fetch_add(entry.weight(&key) as i64, Ordering::Relaxed);
        self.counters.writes.fetch_add(1, Ordering::Relaxed);
        self.entries.insert(key.clone(), entry);
        // Registered after the insert: an invalidation that ran in between either saw the key
        // here (and removes it) or ran before this value existed. With a ticket, an
        // invalidation that raced the insert is caught by the second freshness check.
        if !tags.is_empty() && !self.tags.attach(&key, id, tags, ticket) {
            self.entries.invalidate(&key);
            return false;
        }
        true
    }

    pub fn remove(&self, key: &str) -> bool {
        self.entries.remove(key).is_some()
    }

    /// Drops every entry carrying any of `tags`; returns how many were live.
    pub fn invalidate_tags(&self, tags: &[Tag]) -> usize {
        self.tags.take(tags).iter().filter(|k| self.entries.remove(k.as_ref()).is_some()).count()
    }

    /// The invalidation-log position for `set_if_fresh`.
    pub fn ticket(&self) -> u64 {
        self.tags.ticket()
    }

    /// Removes the expired entries moka has due and returns how many. An entry is never
    /// served past its TTL; moka's timer wheel ticks about once a second, so one that expired
    /// within the last second may be removed by the next call instead.
    pub fn cleanup(&self) -> u64 {
        let before = self.counters.expired.load(Ordering::Relaxed);
        self.entries.run_pending_tasks();
        self.counters.expired.load(Ordering::Relaxed) - before
    }

    /// Empties the cache and resets the counters, as the original's `clear`.
    pub fn clear(&self) {
        self.drop_all();
        self.counters.reset();
    }

    /// Empties the cache, keeping the counters (remote invalidation, reconnects).
    pub fn drop_all(&self) {
        self.tags.forget_all();
        self.entries.invalidate_all();
        self.entries.run_pending_tasks();
    }

    pub fn len(&self) -> u64 {
        // moka counts lazily; settle pending work so the figure is exact.
        self.entries.run_pending_tasks();
        self.entries.entry_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn stats(&self) -> CacheStats {
        let n = self.len();
        CacheStats::from_counters(&self.counters, n, self.max_entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(n: u64) -> PerformanceCache {
        PerformanceCache::new(n, Duration::from_secs(60)).expect("valid")
    }

    fn tag(t: &str) -> Vec<Tag> {
        vec![Arc::from(t)]
    }

    #[test]
    fn counts_hits_misses_and_writes() {
        let c = cache(10);
        assert!(c.get("a").is_none());
        c.set("a", Arc::from("[1]"), None, &[]);
        assert_eq!(c.get("a").as_deref(), Some("[1]"));
        assert_eq!(c.get("a").as_deref(), Some("[1]"));
        let s = c.stats();
        assert_eq!((s.hits, s.misses, s.writes, s.total_keys), (2, 1, 1, 1));
        assert!((s.hit_rate - 2.0 / 3.0).abs() < 1e-9);
        assert!(s.avg_response_time >= 0.0);
    }

    #[test]
    fn entries_expire_after_their_own_ttl() {
        let c = cache(10);
        c.set("short", Arc::from("1"), Some(Duration::from_millis(40)), &[]);
        c.set("long", Arc::from("2"), None, &[]);
        std::thread::sleep(Duration::from_millis(80));
        assert!(c.get("short").is_none());
        assert!(c.get("long").is_some());
        // get never returns an expired entry; moka's timer wheel removes it (and the
        // listener counts it) within about a second.
        let started = Instant::now();
        while c.cleanup() == 0 && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(10));
        }
        let s = c.stats();
        assert_eq!((s.expired_keys, s.total_keys), (1, 1));
    }

    #[test]
    fn the_size_bound_holds_and_evictions_are_counted() {
        let c = cache(100);
        for i in 0..250 {
            c.set(&format!("k{i}"), Arc::from("x"), None, &[]);
        }
        let s = c.stats();
        assert!(s.total_keys <= 100, "{}", s.total_keys);
        assert_eq!(s.evictions, 250 - s.total_keys);
        // LRU: the newest entry survives a full cache.
        assert!(c.get("k249").is_some());
    }

    #[test]
    fn memory_usage_is_the_sum_of_live_entries() {
        let c = cache(10);
        assert_eq!(c.stats().memory_usage, 0);
        let json: Arc<str> = Arc::from("x".repeat(1000));
        c.set("k", json.clone(), None, &tag("user:1"));
        let one = c.stats().memory_usage;
        assert!((1001..1300).contains(&one), "{one}");
        c.set("k", json, None, &tag("user:1")); // replacing does not double count
        assert_eq!(c.stats().memory_usage, one);
        c.remove("k");
        assert_eq!(c.stats().memory_usage, 0);
    }

    #[test]
    fn invalidating_a_tag_drops_exactly_its_entries() {
        let c = cache(100);
        c.set("q:user:1", Arc::from("1"), None, &tag("user:1"));
        c.set("q:user:11", Arc::from("11"), None, &tag("user:11"));
        c.set("plain", Arc::from("p"), None, &[]);
        assert_eq!(c.invalidate_tags(&tag("user:1")), 1);
        assert!(c.get("q:user:1").is_none());
        assert!(c.get("q:user:11").is_some());
        assert!(c.get("plain").is_some());
    }

    #[test]
    fn a_value_loaded_across_an_invalidation_is_refused() {
        let c = cache(100);
        let t = c.ticket();
        c.invalidate_tags(&tag("user:1"));
        assert!(!c.set_if_fresh("q", Arc::from("stale"), None, &tag("user:1"), t));
        assert!(c.get("q").is_none());
        assert!(c.set_if_fresh("q", Arc::from("ok"), None, &tag("user:2"), t));
        assert_eq!(c.get("q").as_deref(), Some("ok"));
    }

    #[test]
    fn clear_resets_entries_and_counters() {
        let c = cache(10);
        c.set("a", Arc::from("1"), None, &tag("exam:1"));
        c.get("a");
        c.clear();
        let s = c.stats();
        assert_eq!((s.total_keys, s.hits, s.writes, s.memory_usage), (0, 0, 0, 0));
    }

    #[test]
    fn bad_sizes_and_ttls_are_range_errors() {
        assert!(PerformanceCache::new(0, Duration::from_secs(1)).is_err());
        assert!(PerformanceCache::new(10, Duration::ZERO).is_err());
        assert!(ttl_from_secs("ttl", Some(-1.0)).is_err());
        assert!(ttl_from_secs("ttl", Some(f64::NAN)).is_err());
        assert_eq!(ttl_from_secs("ttl", Some(0.0)).ok(), Some(None));
    }

    #[test]
    fn ttls_beyond_a_duration_are_clamped_not_a_panic() {
        assert_eq!(ttl_from_secs("ttl", Some(1e308)).ok(), Some(Some(MAX_TTL)));
        assert_eq!(clamped_ttl(f64::MAX), MAX_TTL);
        assert_eq!(clamped_ttl(1.5), Duration::from_millis(1500));
    }
}
