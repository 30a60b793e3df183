//! `DistributedCache`: Redis shared by every process, with a local moka tier in front and
//! invalidation over Redis pub/sub. When Redis is down every call falls back to the local
//! tier without failing, invalidations are queued and replayed on reconnect, and the local
//! tiers are emptied on reconnect because messages sent meanwhile were missed.

mod link;
mod message;
mod scripts;
mod supervise;

use super::entry::Tag;
use super::store::PerformanceCache;
use super::Invalidate;
use crate::error::Result;
use link::{is_connection_error, Link};
pub use message::Message;
use serde::Serialize;
use std::collections::BTreeSet;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// Queued invalidations beyond this are replaced by one "clear everything" message.
const MAX_PENDING: usize = 10_000;

#[derive(Debug, Clone)]
pub struct Options {
    pub url: String,
    /// Pub/sub channel every process of the app shares.
    pub channel: String,
    /// Prefix of the Redis sets that index keys by tag.
    pub tag_prefix: String,
    pub local_max_size: u64,
    pub local_ttl: Duration,
    /// A Redis call slower than this counts as a failure (and falls back).
    pub command_timeout: Duration,
}

impl Options {
    pub fn new(url: impl Into<String>) -> Options {
        Options {
            url: url.into(),
            channel: "pingtopass:cache:invalidate".into(),
            tag_prefix: "pingtopass:tag:".into(),
            local_max_size: 10_000,
            local_ttl: Duration::from_secs(300),
            command_timeout: Duration::from_millis(500),
        }
    }
}

#[derive(Default)]
struct Pending {
    tags: BTreeSet<String>,
    keys: BTreeSet<String>,
    overflow: bool,
}

#[derive(Default)]
struct Counters {
    fallbacks: AtomicU64,
    redis_hits: AtomicU64,
    redis_misses: AtomicU64,
    published: AtomicU64,
    received: AtomicU64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkStats {
    pub connected: bool,
    /// Calls answered by the local tier alone because Redis was unreachable or failed.
    pub fallbacks: u64,
    pub reconnects: u64,
    pub redis_hits: u64,
    pub redis_misses: u64,
    /// Invalidation messages sent and received (from other processes).
    pub published: u64,
    pub received: u64,
    /// Invalidations waiting for Redis to come back.
    pub pending_invalidations: u64,
    pub last_error: Option<String>,
    pub url: String,
    pub channel: String,
}

pub struct Shared {
    local: PerformanceCache,
    link: Link,
    channel: String,
    tag_prefix: String,
    origin: String,
    targets: Mutex<Vec<Weak<dyn Invalidate>>>,
    pending: Mutex<Pending>,
    counters: Counters,
}

/// Cheap to clone: every clone is the same cache.
#[derive(Clone)]
pub struct DistributedCache {
    shared: Arc<Shared>,
}

/// Every local entry also carries its own key as a tag, so that a key invalidation from
/// another process is logged and a Redis read racing it is not stored (see `TagIndex`).
fn key_tag(key: &str) -> Tag {
    Arc::from(format!("key:{key}"))
}

fn tags_of(list: &[String]) -> Vec<Tag> {
    list.iter().map(|t| Arc::from(t.as_str())).collect()
}

impl Shared {
    fn count(&self, c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }

    fn targets(&self) -> Vec<Arc<dyn Invalidate>> {
        let mut t = self.targets.lock().unwrap_or_else(|p| p.into_inner());
        t.retain(|w| w.strong_count() > 0);
        t.iter().filter_map(Weak::upgrade).collect()
    }

    /// Runs one Redis call; None (and a fallback counted) when Redis is down or the call
    /// fails. A connection-level failure takes the connection down for the supervisor.
    async fn run<T, F, Fut>(&self, op: F) -> Option<T>
    where
        F: FnOnce(redis::aio::MultiplexedConnection) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let Some((conn, generation)) = self.link.current() else {
            self.count(&self.counters.fallbacks);
            return None;
        };
        match tokio::time::timeout(self.link.command_timeout(), op(conn)).await {
            Ok(Ok(v)) => Some(v),
            Ok(Err(e)) => {
                if is_connection_error(&e) {
                    self.link.mark_down(generation, &e.to_string());
                } else {
                    self.link.set_error(e.to_string());
                }
                self.count(&self.counters.fallbacks);
                None
            }
            Err(_) => {
                self.link.mark_down(generation, "command timed out");
                self.count(&self.counters.fallbacks);
                None
            }
        }
    }

    /// Applies an invalidation to this process's local tiers.
    fn apply(&self, msg: &Message) {
        let targets = self.targets();
        if msg.clear {
            self.drop_local_tiers();
            return;
        }
        let mut tags = tags_of(&msg.tags);
        tags.extend(msg.keys.iter().map(|k| key_tag(k)));
        self.local.invalidate_tags(&tags);
        for t in &targets {
            t.invalidate_tags(&tags_of(&msg.tags));
            t.invalidate_keys(&msg.keys);
        }
    }

    fn apply_remote(&self, bytes: &[u8]) {
        match Message::parse(bytes) {
            Some(m) if m.origin != self.origin => {
                // Counted once applied: a reader that sees the count sees the entries gone.
                self.apply(&m);
                self.count(&self.counters.received);
            }
            _ => {}
        }
    }

    fn drop_local_tiers(&self) {
        self.local.drop_all();
        for t in self.targets() {
            t.drop_all();
        }
    }

    fn queue(&self, tags: &[String], keys: &[String]) {
        let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if p.overflow {
            return;
        }
        p.tags.extend(tags.iter().cloned());
        p.keys.extend(keys.iter().cloned());
        if p.tags.len() + p.keys.len() > MAX_PENDING {
            *p = Pending { overflow: true, ..Pending::default() };
        }
    }

    /// Deletes in Redis and publishes; queued for replay when Redis cannot be reached.
    async fn invalidate_remote(&self, tags: Vec<String>, keys: Vec<String>) -> bool {
        if tags.is_empty() && keys.is_empty() {
            return true;
        }
        let mut cmd = redis::cmd("EVAL");
        cmd.arg(scripts::INVALIDATE).arg(tags.len() + keys.len());
        for t in &tags {
            cmd.arg(format!("{}{t}", self.tag_prefix));
        }
        cmd.arg(&keys).arg(&self.channel).arg(&self.origin).arg(tags.len()).arg(&tags);
        let done = self.run(|mut c| async move { cmd.query_async::<i64>(&mut c).await }).await.is_some();
        if done {
            self.count(&self.counters.published);
        } else {
            self.queue(&tags, &keys);
        }
        done
    }

    async fn replay_pending(&self) {
        let p = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        if p.overflow {
            let msg = Message { origin: self.origin.clone(), clear: true, ..Message::default() }.to_json();
            let channel = self.channel.clone();
            let sent = self.run(|mut c| async move { redis::cmd("PUBLISH").arg(channel).arg(msg).query_async::<i64>(&mut c).await }).await;
            if sent.is_none() {
                self.pending.lock().unwrap_or_else(|e| e.into_inner()).overflow = true;
            }
            return;
        }
        self.invalidate_remote(p.tags.into_iter().collect(), p.keys.into_iter().collect()).await;
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.link.stop();
    }
}

impl DistributedCache {
    /// Starts connecting in the background; calls made before the connection is up use the
    /// local tier (and count as fallbacks).
    pub fn new(opts: Options) -> Result<Self> {
        let link = Link::new(&opts.url, opts.command_timeout)?;
        let shared = Arc::new(Shared {
            local: PerformanceCache::new(opts.local_max_size, opts.local_ttl)?,
            link,
            channel: opts.channel,
            tag_prefix: opts.tag_prefix,
            origin: message::new_origin(),
            targets: Mutex::new(Vec::new()),
            pending: Mutex::new(Pending::default()),
            counters: Counters::default(),
        });
        crate::runtime::handle().spawn(supervise::supervise(Arc::downgrade(&shared)));
        Ok(DistributedCache { shared })
    }

    /// Remote invalidations will also be applied to `target` (e.g. a StudyCache).
    pub fn attach(&self, target: Weak<dyn Invalidate>) {
        self.shared.targets.lock().unwrap_or_else(|p| p.into_inner()).push(target);
    }

    /// Resolves true once connected, false after `timeout`.
    pub async fn ready(&self, timeout: Duration) -> bool {
        self.shared.link.wait_connected(timeout).await
    }

    /// The local tier alone (answered without leaving the calling thread).
    pub fn get_local(&self, key: &str) -> Option<Arc<str>> {
        self.shared.local.get(key)
    }

    /// Local tier first, then Redis; a Redis hit is kept locally for its remaining TTL.
    pub async fn get(&self, key: &str) -> Option<Arc<str>> {
        let sh = &self.shared;
        if let Some(v) = sh.local.get(key) {
            return Some(v);
        }
        let ticket = sh.local.ticket();
        let k = key.to_owned();
        let fetched = sh
            .run(|mut c| async move { redis::pipe().cmd("GET").arg(&k).cmd("PTTL").arg(&k).query_async::<(Option<String>, i64)>(&mut c).await })
            .await?;
        match fetched {
            (Some(json), pttl) => {
                sh.count(&sh.counters.redis_hits);
                let json: Arc<str> = Arc::from(json);
                let ttl = if pttl > 0 { Duration::from_millis(pttl as u64).min(sh.local.default_ttl()) } else { sh.local.default_ttl() };
                sh.local.set_if_fresh(key, json.clone(), Some(ttl), &[key_tag(key)], ticket);
                Some(json)
            }
            (None, _) => {
                sh.count(&sh.counters.redis_misses);
                None
            }
        }
    }

    /// Writes locally at once, then to Redis with its tags; other processes drop their
    /// local copies of `key`. Returns whether Redis took it.
    pub async fn set(&self, key: &str, json: Arc<str>, ttl: Duration, tags: &[String]) -> bool {
        let sh = &self.shared;
        let mut local_tags = tags_of(tags);
        local_tags.push(key_tag(key));
        sh.local.set(key, json.clone(), Some(ttl), &local_tags);
        let msg = Message { origin: sh.origin.clone(), keys: vec![key.to_owned()], ..Message::default() }.to_json();
        let mut cmd = redis::cmd("EVAL");
        cmd.arg(scripts::SET).arg(1 + tags.len()).arg(key);
        for t in tags {
            cmd.arg(format!("{}{t}", sh.tag_prefix));
        }
        cmd.arg(json.as_ref()).arg(ttl.as_millis().max(1) as u64).arg(&sh.channel).arg(msg);
        let done = sh.run(|mut c| async move { cmd.query_async::<i64>(&mut c).await }).await.is_some();
        if done {
            sh.count(&sh.counters.published);
        } else {
            // Replayed on reconnect: deletes the older value in Redis, tells the others.
            sh.queue(&[], &[key.to_owned()]);
        }
        done
    }

    /// Deletes here, in Redis and in every other process's local tier.
    pub async fn del(&self, key: &str) -> bool {
        let keys = vec![key.to_owned()];
        self.shared.apply(&Message { keys: keys.clone(), ..Message::default() });
        self.shared.invalidate_remote(Vec::new(), keys).await
    }

    /// Drops every entry carrying one of `tags`: here, in Redis and in every other process.
    pub async fn invalidate_tags(&self, tags: Vec<String>) -> bool {
        self.shared.apply(&Message { tags: tags.clone(), ..Message::default() });
        self.shared.invalidate_remote(tags, Vec::new()).await
    }

    pub fn local(&self) -> &PerformanceCache {
        &self.shared.local
    }

    pub fn link_stats(&self) -> LinkStats {
        let sh = &self.shared;
        let c = &sh.counters;
        let p = sh.pending.lock().unwrap_or_else(|e| e.into_inner());
        LinkStats {
            connected: sh.link.is_connected(),
            fallbacks: c.fallbacks.load(Ordering::Relaxed),
            reconnects: sh.link.reconnects.load(Ordering::Relaxed),
            redis_hits: c.redis_hits.load(Ordering::Relaxed),
            redis_misses: c.redis_misses.load(Ordering::Relaxed),
            published: c.published.load(Ordering::Relaxed),
            received: c.received.load(Ordering::Relaxed),
            pending_invalidations: if p.overflow { MAX_PENDING as u64 } else { (p.tags.len() + p.keys.len()) as u64 },
            last_error: sh.link.last_error(),
            url: sh.link.display_url.clone(),
            channel: sh.channel.clone(),
        }
    }

    /// Closes the connection and stops the background task. Idempotent.
    pub fn close(&self) {
        self.shared.link.stop();
    }

    pub fn is_closed(&self) -> bool {
        self.shared.link.is_stopped()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nothing listens on port 1: every call must fall back to the local tier, never fail.
    #[test]
    fn without_redis_everything_falls_back_to_the_local_tier() {
        let rt = crate::runtime::handle();
        let mut opts = Options::new("redis://127.0.0.1:1");
        opts.command_timeout = Duration::from_millis(100);
        let d = DistributedCache::new(opts).expect("valid url");
        rt.block_on(async {
            assert!(!d.ready(Duration::from_millis(200)).await);
            assert!(!d.set("k", Arc::from("[1]"), Duration::from_secs(5), &["user:1".into()]).await);
            assert_eq!(d.get("k").await.as_deref(), Some("[1]"));
            assert!(d.get("missing").await.is_none());
            d.invalidate_tags(vec!["user:1".into()]).await;
            assert!(d.get("k").await.is_none());
        });
        let s = d.link_stats();
        assert!(!s.connected);
        assert!(s.fallbacks >= 3, "{}", s.fallbacks);
        assert_eq!(s.pending_invalidations, 2); // key k, tag user:1
        d.close();
        assert!(d.is_closed());
    }
}
