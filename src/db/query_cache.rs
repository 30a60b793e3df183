//! Cached SELECT results (moka), invalidated by table generations rather than by scanning
//! keys: a key carries the generation of every table its statement reads, and a write bumps
//! the generations of the tables it writes, so older entries become unreachable at once and
//! age out under the size bound. A read that raced a write stored its result under the old
//! generation, so it can never be served stale.

use moka::sync::Cache;
use moka::Expiry;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key {
    sql: Arc<str>,
    params: Box<[u8]>,
    stamp: Box<[u64]>,
}

impl Key {
    fn weight(&self) -> i64 {
        (self.sql.len() + self.params.len() + self.stamp.len() * 8 + 64) as i64
    }
}

#[derive(Clone)]
pub struct Entry {
    pub json: Arc<str>,
    ttl: Duration,
}

struct PerEntryTtl;

impl Expiry<Key, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _: &Key, value: &Entry, _: Instant) -> Option<Duration> {
        Some(value.ttl)
    }
}

#[derive(Default)]
pub struct Counters {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub expired: AtomicU64,
    pub evicted: AtomicU64,
    pub bytes: AtomicI64,
}

pub struct QueryCache {
    entries: Cache<Key, Entry>,
    /// Bumped by writes the classifier cannot attribute to tables, and by schema changes.
    epoch: AtomicU64,
    generations: RwLock<HashMap<Arc<str>, u64>>,
    default_ttl: Duration,
    pub counters: Arc<Counters>,
}

impl QueryCache {
    pub fn new(max_entries: u64, default_ttl: Duration) -> Self {
        let counters = Arc::new(Counters::default());
        let c = counters.clone();
        let entries = Cache::builder()
            .max_capacity(max_entries)
            .expire_after(PerEntryTtl)
            .eviction_listener(move |k: Arc<Key>, v: Entry, cause| {
                c.bytes.fetch_sub(k.weight() + v.json.len() as i64, Ordering::Relaxed);
                match cause {
                    moka::notification::RemovalCause::Expired => c.expired.fetch_add(1, Ordering::Relaxed),
                    moka::notification::RemovalCause::Size => c.evicted.fetch_add(1, Ordering::Relaxed),
                    _ => 0,
                };
            })
            .build();
        QueryCache { entries, epoch: AtomicU64::new(0), generations: RwLock::new(HashMap::new()), default_ttl, counters }
    }

    pub fn enabled(&self) -> bool {
        self.entries.policy().max_capacity() != Some(0) && !self.default_ttl.is_zero()
    }

    pub fn key(&self, sql: &Arc<str>, params: Vec<u8>, reads: &[Arc<str>]) -> Key {
        let mut stamp = Vec::with_capacity(reads.len() + 1);
        stamp.push(self.epoch.load(Ordering::Acquire));
        let gens = self.generations.read().unwrap_or_else(|p| p.into_inner());
        stamp.extend(reads.iter().map(|t| gens.get(t).copied().unwrap_or(0)));
        Key { sql: sql.clone(), params: params.into_boxed_slice(), stamp: stamp.into_boxed_slice() }
    }

    pub fn get(&self, key: &Key) -> Option<Arc<str>> {
        match self.entries.get(key) {
            Some(e) => {
                self.counters.hits.fetch_add(1, Ordering::Relaxed);
                Some(e.json)
            }
            None => {
                self.counters.misses.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    pub fn insert(&self, key: Key, json: Arc<str>, ttl: Option<Duration>) {
        let ttl = ttl.unwrap_or(self.default_ttl);
        if ttl.is_zero() {
            return;
        }
        self.counters.bytes.fetch_add(key.weight() + json.len() as i64, Ordering::Relaxed);
        self.entries.insert(key, Entry { json, ttl });
    }

    /// Makes every cached read of these tables unreachable.
    pub fn invalidate_tables(&self, tables: &[Arc<str>]) {
        if tables.is_empty() {
            return;
        }
        let mut gens = self.generations.write().unwrap_or_else(|p| p.into_inner());
        for t in tables {
            *gens.entry(t.clone()).or_insert(0) += 1;
        }
    }

    pub fn invalidate_all(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    pub fn clear(&self) {
        self.invalidate_all();
        self.entries.invalidate_all();
        self.entries.run_pending_tasks();
    }

    pub fn cleanup(&self) {
        self.entries.run_pending_tasks();
    }

    pub fn entry_count(&self) -> u64 {
        // moka counts lazily; settle pending inserts so the figure is exact.
        self.entries.run_pending_tasks();
        self.entries.entry_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_makes_older_reads_unreachable() {
        let c = QueryCache::new(100, Duration::from_secs(60));
        let sql: Arc<str> = Arc::from("select * from t");
        let t: Arc<str> = Arc::from("t");
        let k = c.key(&sql, vec![1], &[t.clone()]);
        c.insert(k.clone(), Arc::from("[1]"), None);
        assert_eq!(c.get(&c.key(&sql, vec![1], &[t.clone()])).as_deref(), Some("[1]"));
        c.invalidate_tables(&[Arc::from("other")]);
        assert!(c.get(&c.key(&sql, vec![1], &[t.clone()])).is_some());
        c.invalidate_tables(&[t.clone()]);
        assert!(c.get(&c.key(&sql, vec![1], &[t.clone()])).is_none());
        // A read that started before the write stores under the old stamp: never served.
        c.insert(k, Arc::from("[stale]"), None);
        assert!(c.get(&c.key(&sql, vec![1], &[t])).is_none());
    }

    #[test]
    fn per_entry_ttl_expires() {
        let c = QueryCache::new(100, Duration::from_secs(60));
        let sql: Arc<str> = Arc::from("q");
        c.insert(c.key(&sql, vec![], &[]), Arc::from("x"), Some(Duration::from_millis(30)));
        assert!(c.get(&c.key(&sql, vec![], &[])).is_some());
        std::thread::sleep(Duration::from_millis(60));
        assert!(c.get(&c.key(&sql, vec![], &[])).is_none());
        assert_eq!(c.counters.hits.load(Ordering::Relaxed), 1);
        assert_eq!(c.counters.misses.load(Ordering::Relaxed), 1);
    }
}
