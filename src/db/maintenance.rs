//! Live metrics and routine maintenance of a `Database`.

use super::database::{Database, Ready};
use crate::error::Result;
use serde_json::{json, Value};
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

impl Database {
    /// `{pool, cache}` as the original's `getMetrics()`, with live values.
    pub fn metrics(&self) -> Value {
        let c = &self.counters;
        let queries = c.queries.load(Relaxed);
        let ready = self.try_ready();
        let (active, queued, connections) =
            ready.as_ref().map_or((0, 0, 0), |r| (r.pool.active(), r.pool.queued(), r.pool.connections()));
        let (hits, misses, entries, bytes, expired, evicted) = ready.as_ref().map_or((0, 0, 0, 0, 0, 0), |r| {
            let k = &r.cache.counters;
            (
                k.hits.load(Relaxed),
                k.misses.load(Relaxed),
                r.cache.entry_count(),
                k.bytes.load(Relaxed).max(0),
                k.expired.load(Relaxed),
                k.evicted.load(Relaxed),
            )
        });
        let mut out = json!({
            "pool": {
                "queryTime": c.last_query_us.load(Relaxed) as f64 / 1000.0,
                "avgQueryTime": if queries == 0 { 0.0 } else { c.total_query_us.load(Relaxed) as f64 / 1000.0 / queries as f64 },
                "connectionTime": c.connection_us.load(Relaxed) as f64 / 1000.0,
                "cacheHits": hits,
                "cacheMisses": misses,
                "activeConnections": active,
                "queuedRequests": queued,
                "totalConnections": connections,
                "totalQueries": queries,
                "inlineTurns": c.inline_turns.load(Relaxed),
                "inlineWrites": c.inline_writes.load(Relaxed),
                "errors": c.errors.load(Relaxed),
                "backend": self.cfg.backend.name(),
            },
            "cache": {
                "totalEntries": entries,
                "expiredEntries": expired,
                "evictedEntries": evicted,
                "memoryUsage": bytes,
                "hitRate": if hits + misses == 0 { 0.0 } else { hits as f64 / (hits + misses) as f64 },
                "maxEntries": self.cfg.cache_max_size,
                "defaultTtl": self.cfg.cache_ttl_secs,
            },
        });
        if let Some(s) = ready.as_ref().and_then(|r| r.sync.clone()) {
            let last = s.last_sync_unix_ms.load(Relaxed);
            out["replication"] = json!({
                "syncs": s.count.load(Relaxed),
                "syncErrors": s.errors.load(Relaxed),
                "framesSynced": s.frames_synced.load(Relaxed),
                "lastSyncDuration": s.last_duration_us.load(Relaxed) as f64 / 1000.0,
                "totalSyncDuration": s.total_duration_us.load(Relaxed) as f64 / 1000.0,
                "lastSyncAt": if last == 0 { Value::Null } else { json!(last) },
                // How far behind the primary this replica can be: what it holds is at least
                // as fresh as its last sync. Clamped: a wall clock stepped back must not
                // report a negative lag.
                "lagMs": if last == 0 { Value::Null } else { json!((crate::monitoring::now_ms() - last as f64).max(0.0)) },
                "frameNo": s.frame_no.load(Relaxed).checked_sub(1),
                "syncInterval": self.cfg.sync_interval_secs,
            });
        }
        out
    }

    /// Checks every connection, trims the cache, runs `PRAGMA optimize` and (local files) a
    /// WAL checkpoint. Reports what it did and how long each step took.
    pub async fn maintenance(&self) -> Result<Value> {
        let ready = self.ready().await?;
        let mut steps = Vec::new();

        let t = Instant::now();
        let healthy = check_connections(&ready).await;
        steps.push(json!({"step": "connections", "ok": healthy.1 == healthy.0, "detail": format!("{}/{} answered", healthy.1, healthy.0), "ms": ms(t)}));

        let t = Instant::now();
        ready.cache.cleanup();
        steps.push(json!({"step": "cache cleanup", "ok": true, "detail": format!("{} entries", ready.cache.entry_count()), "ms": ms(t)}));

        let t = Instant::now();
        let r = ready.write_async(|c| c.exec_script("PRAGMA optimize")).await;
        steps.push(json!({"step": "PRAGMA optimize", "ok": r.is_ok(), "detail": r.err().map(|e| e.message), "ms": ms(t)}));

        if ready.is_local() {
            let t = Instant::now();
            let r = ready
                .write_async(|c| {
                    c.hold_checkpoints(|c| {
                        c.query_map("PRAGMA wal_checkpoint(PASSIVE)", vec![], |row| Ok((row.get::<i64>(1)?, row.get::<i64>(2)?)))
                    })
                })
                .await;
            let detail = match &r {
                Ok(v) => v.first().map(|(log, done)| format!("{done}/{log} frames checkpointed")),
                Err(e) => Some(e.message.clone()),
            };
            steps.push(json!({"step": "WAL checkpoint", "ok": r.is_ok(), "detail": detail, "ms": ms(t)}));
        }
        Ok(json!({ "steps": steps, "metrics": self.metrics() }))
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// (connections asked, connections that answered `SELECT 1`).
async fn check_connections(ready: &Ready) -> (usize, usize) {
    let mut waits = Vec::new();
    let sent = ready.pool.each(|_| {
        let (tx, rx) = tokio::sync::oneshot::channel();
        waits.push(rx);
        Box::new(move |c| {
            let _ = tx.send(c.query_map("SELECT 1", vec![], |_| Ok(())).is_ok());
        })
    });
    let asked = sent.unwrap_or(0);
    let mut ok = 0;
    for w in waits {
        if let Ok(true) = w.await {
            ok += 1;
        }
    }
    (asked, ok)
}
