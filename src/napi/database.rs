//! `NativeDatabase`: requests submitted synchronously (a cache hit answers at once), then
//! flushed together once per event-loop turn by the JS front.

use super::{convert, to_napi};
use crate::config::{self, EdgeConfig};
use crate::db::database::Probe;
use crate::db::{Database, Request, Transaction};
use crate::error::Error;
use crate::schema;
use napi::bindgen_prelude::*;
use napi::JsValue;
use napi_derive::napi;
use std::sync::Arc;
use std::time::Duration;

#[napi]
pub struct NativeDatabase {
    db: Arc<Database>,
    pending: Vec<Request>,
}

pub fn describe(cfg: &EdgeConfig) -> serde_json::Value {
    serde_json::json!({
        "backend": cfg.backend.name(),
        "target": cfg.display_target(),
        "region": cfg.region,
        "hasAuthToken": cfg.auth_token.is_some(),
        "hasEncryptionKey": cfg.encryption_key.is_some(),
        "maxConnections": cfg.max_connections,
        "syncInterval": cfg.sync_interval_secs,
        "cacheTtl": cfg.cache_ttl_secs,
        "cacheMaxSize": cfg.cache_max_size,
        "slowQueryThreshold": cfg.slow_query_threshold_ms,
        "enablePerformanceAlerts": cfg.enable_alerts,
        "intMode": match cfg.int_mode { config::IntMode::Number => "number", config::IntMode::BigInt => "bigint" },
        "readYourWrites": cfg.read_your_writes,
        "concurrency": cfg.concurrency,
        "busyTimeout": cfg.busy_timeout_ms,
        "requestTimeout": cfg.request_timeout_ms,
        "inlineBudget": cfg.inline_budget_us as f64 / 1000.0,
    })
}

fn raw(v: &Unknown) -> napi::sys::napi_value {
    v.value().value
}

impl NativeDatabase {
    /// The core database, for the other binding modules that take a `NativeDatabase`.
    pub(crate) fn inner(&self) -> &Arc<Database> {
        &self.db
    }
}

#[napi]
impl NativeDatabase {
    #[napi(constructor)]
    pub fn new(env: Env, region: Option<String>, overrides: Unknown) -> napi::Result<Self> {
        let raw_settings = convert::settings(env.raw(), raw(&overrides)).map_err(to_napi)?;
        let cfg = config::resolve(region.as_deref(), &raw_settings, &|k| std::env::var(k).ok()).map_err(to_napi)?;
        Ok(NativeDatabase { db: Database::open(cfg), pending: Vec::new() })
    }

    /// Returns the cached ResultSet JSON at once, or the request's slot in the next flush.
    #[napi(catch_unwind)]
    pub fn submit(&mut self, env: Env, sql: Unknown, params: Unknown, cache: bool, ttl: Option<f64>) -> napi::Result<Either<String, u32>> {
        if self.db.is_closed() {
            return Err(to_napi(Error::closed()));
        }
        let stmt = convert::statement(env.raw(), raw(&sql), raw(&params)).map_err(to_napi)?;
        let ttl = match ttl {
            None => None,
            Some(t) if t.is_finite() && t >= 0.0 => Some(crate::cache::store::clamped_ttl(t)),
            Some(_) => return Err(to_napi(Error::out_of_range("options.ttl", "a number of seconds >= 0"))),
        };
        let request = if cache && ttl != Some(Duration::ZERO) {
            match self.db.probe(&stmt) {
                Probe::Hit(hit) => return Ok(Either::A(hit.to_string())),
                Probe::Miss(bound, key) => Request::Probed { bound, key, ttl },
                Probe::Skip => Request::Execute { stmt, cache, ttl },
            }
        } else {
            Request::Execute { stmt, cache, ttl }
        };
        self.pending.push(request);
        Ok(Either::B((self.pending.len() - 1) as u32))
    }

    #[napi(catch_unwind)]
    pub fn submit_batch(&mut self, env: Env, statements: Unknown) -> napi::Result<u32> {
        if self.db.is_closed() {
            return Err(to_napi(Error::closed()));
        }
        let stmts = convert::statements(env.raw(), raw(&statements)).map_err(to_napi)?;
        self.pending.push(Request::Batch(stmts));
        Ok((self.pending.len() - 1) as u32)
    }

    /// Queues one of the optimized queries (see `napi/queries.rs`) for the next flush.
    #[napi(catch_unwind)]
    pub fn submit_query(&mut self, name: String, args: String) -> napi::Result<u32> {
        if self.db.is_closed() {
            return Err(to_napi(Error::closed()));
        }
        let call = super::queries::build(&name, &args).map_err(to_napi)?;
        self.pending.push(Request::Call(call));
        Ok((self.pending.len() - 1) as u32)
    }

    /// Runs everything submitted since the last flush: the JSON array of outcomes, at once
    /// when this thread could answer the turn (cheap reads on a ready local file), else a
    /// promise of it. On a ready local file the connection threads settle that promise
    /// themselves; until then, and for servers (whose requests wait on timers), the async
    /// runtime runs the turn.
    #[napi(catch_unwind, ts_return_type = "string | Promise<string>")]
    pub fn flush<'env>(&mut self, env: &'env Env) -> napi::Result<Either<String, Object<'env>>> {
        let requests = std::mem::take(&mut self.pending);
        let db = self.db.clone();
        if let Some(ready) = db.try_ready().filter(|r| r.is_local()) {
            let mut promise = None;
            let answered = db
                .run_local(&ready, requests, || {
                    let (deferred, p) = env.create_deferred().map_err(|e| Error::internal(e.to_string()))?;
                    promise = Some(p);
                    Ok(Box::new(move |json: String| deferred.resolve(move |_| Ok(json))))
                })
                .map_err(to_napi)?;
            return match (answered, promise) {
                (Some(json), _) => Ok(Either::A(json)),
                (None, Some(p)) => Ok(Either::B(p)),
                (None, None) => Err(to_napi(Error::internal("a turn was neither answered nor deferred"))),
            };
        }
        let (deferred, promise) = env.create_deferred()?;
        crate::runtime::handle().spawn(async move {
            let json = db.run_turn(requests).await;
            deferred.resolve(move |_| Ok(json))
        });
        Ok(Either::B(promise))
    }

    #[napi(catch_unwind)]
    pub fn ready<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let db = self.db.clone();
        env.spawn_future(async move { db.ready().await.map(|_| ()).map_err(to_napi) })
    }

    #[napi(catch_unwind)]
    pub fn begin<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, NativeTransaction>> {
        let db = self.db.clone();
        env.spawn_future(async move {
            let tx = db.begin().await.map_err(to_napi)?;
            Ok(NativeTransaction { tx: Arc::new(tx) })
        })
    }

    #[napi(catch_unwind)]
    pub fn sync<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, String>> {
        let db = self.db.clone();
        env.spawn_future(async move { db.sync().await.map(|v| v.to_string()).map_err(to_napi) })
    }

    #[napi(catch_unwind)]
    pub fn metrics(&self) -> String {
        self.db.metrics().to_string()
    }

    #[napi(catch_unwind)]
    pub fn maintenance<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, String>> {
        let db = self.db.clone();
        env.spawn_future(async move { db.maintenance().await.map(|v| v.to_string()).map_err(to_napi) })
    }

    #[napi(catch_unwind)]
    pub fn cleanup<'env>(&mut self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        self.pending.clear();
        let db = self.db.clone();
        env.spawn_future(async move {
            db.close().await;
            Ok(())
        })
    }

    /// Creates the app's schema when missing and seeds it (see src/schema).
    #[napi(catch_unwind)]
    pub fn seed<'env>(&self, env: &'env Env, scale: f64) -> napi::Result<PromiseRaw<'env, String>> {
        let db = self.db.clone();
        env.spawn_future(async move {
            let ready = db.ready().await.map_err(to_napi)?;
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
            let r = ready.clone();
            let report = ready
                .write_async(move |c| {
                    let out = schema::seed(c, scale, now);
                    r.schema_changed(c);
                    out
                })
                .await
                .map_err(to_napi)?;
            serde_json::to_string(&report).map_err(|e| to_napi(Error::internal(e.to_string())))
        })
    }

    /// Creates the app's tables and indexes when missing, without data.
    #[napi(catch_unwind)]
    pub fn apply_schema<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let db = self.db.clone();
        env.spawn_future(async move {
            let ready = db.ready().await.map_err(to_napi)?;
            let r = ready.clone();
            ready
                .write_async(move |c| {
                    let out = schema::apply_schema(c);
                    r.schema_changed(c);
                    out
                })
                .await
                .map_err(to_napi)
        })
    }

    #[napi(catch_unwind)]
    pub fn config(&self) -> String {
        describe(&self.db.cfg).to_string()
    }
}

#[napi]
pub struct NativeTransaction {
    tx: Arc<Transaction>,
}

#[napi]
impl NativeTransaction {
    #[napi(catch_unwind)]
    pub fn execute<'env>(&self, env: &'env Env, sql: Unknown, params: Unknown) -> napi::Result<PromiseRaw<'env, String>> {
        let stmt = convert::statement(env.raw(), raw(&sql), raw(&params)).map_err(to_napi)?;
        let tx = self.tx.clone();
        env.spawn_future(async move { tx.run(vec![stmt], false).await.map_err(to_napi) })
    }

    #[napi(catch_unwind)]
    pub fn batch<'env>(&self, env: &'env Env, statements: Unknown) -> napi::Result<PromiseRaw<'env, String>> {
        let stmts = convert::statements(env.raw(), raw(&statements)).map_err(to_napi)?;
        let tx = self.tx.clone();
        env.spawn_future(async move { tx.run(stmts, true).await.map_err(to_napi) })
    }

    #[napi(catch_unwind)]
    pub fn end<'env>(&self, env: &'env Env, commit: bool) -> napi::Result<PromiseRaw<'env, ()>> {
        let tx = self.tx.clone();
        env.spawn_future(async move { tx.end(commit).await.map_err(to_napi) })
    }
}
