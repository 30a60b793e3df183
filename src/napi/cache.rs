//! The caching classes for `lib/caching.js`: values cross as JSON text (the JS front
//! stringifies and parses), ids as numbers checked here, stats as JSON text.

use super::to_napi;
use crate::cache::distributed::{self, DistributedCache};
use crate::cache::keys;
use crate::cache::store::{self, PerformanceCache};
use crate::cache::study::{Kind, StudyCache};
use crate::cache::Invalidate;
use crate::error::Error;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn ttl(field: &str, secs: Option<f64>) -> Result<Option<Duration>> {
    store::ttl_from_secs(field, secs).map_err(to_napi)
}

fn id(field: &str, v: f64) -> Result<u64> {
    keys::id(field, v).map_err(to_napi)
}

fn count(field: &str, v: f64, max: u64) -> Result<u64> {
    if v.fract() == 0.0 && (1.0..=max as f64).contains(&v) {
        Ok(v as u64)
    } else {
        Err(to_napi(Error::out_of_range(field, &format!("an integer from 1 to {max}"))))
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| to_napi(Error::internal(e.to_string())))
}

/// Cached text on its way to JS. JSON.stringify writes ASCII unless the data holds non-ASCII
/// text, and an ASCII string is created as Latin-1 (a copy) rather than decoded as UTF-8:
/// measured about 15 us saved per 20 KB hit. No intermediate String either.
pub struct JsonText(Arc<str>);

impl TypeName for JsonText {
    fn type_name() -> &'static str {
        "string"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ToNapiValue for JsonText {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> Result<napi::sys::napi_value> {
        let bytes = val.0.as_bytes();
        let mut out = std::ptr::null_mut();
        // SAFETY: `bytes` is valid for `len` bytes for the duration of the call, which copies them.
        let status = unsafe {
            if bytes.is_ascii() {
                napi::sys::napi_create_string_latin1(env, bytes.as_ptr().cast(), bytes.len() as isize, &mut out)
            } else {
                napi::sys::napi_create_string_utf8(env, bytes.as_ptr().cast(), bytes.len() as isize, &mut out)
            }
        };
        if status != napi::sys::Status::napi_ok {
            return Err(napi::Error::new(napi::Status::GenericFailure, "cannot create the cached string"));
        }
        Ok(out)
    }
}

fn text(v: Option<Arc<str>>) -> Option<JsonText> {
    v.map(JsonText)
}

fn ticket(t: Option<f64>) -> Option<u64> {
    t.filter(|t| t.is_finite() && *t >= 0.0).map(|t| t as u64)
}

#[napi]
pub struct NativePerformanceCache {
    inner: PerformanceCache,
}

#[napi]
impl NativePerformanceCache {
    #[napi(constructor)]
    pub fn new(max_size: f64, default_ttl_seconds: f64) -> Result<Self> {
        let max = count("maxSize", max_size, store::MAX_ENTRIES)?;
        let default = ttl("defaultTtlSeconds", Some(default_ttl_seconds))?
            .ok_or_else(|| to_napi(Error::out_of_range("defaultTtlSeconds", "a number of seconds > 0")))?;
        Ok(NativePerformanceCache { inner: PerformanceCache::new(max, default).map_err(to_napi)? })
    }

    #[napi(catch_unwind, ts_return_type = "string | null")]
    pub fn get(&self, key: String) -> Option<JsonText> {
        text(self.inner.get(&key))
    }

    #[napi(catch_unwind)]
    pub fn set(&self, key: String, json: String, ttl_seconds: Option<f64>) -> Result<()> {
        let t = ttl("ttlSeconds", ttl_seconds)?;
        self.inner.set(&key, Arc::from(json), t, &[]);
        Ok(())
    }

    #[napi(catch_unwind)]
    pub fn remove(&self, key: String) -> bool {
        self.inner.remove(&key)
    }

    #[napi(catch_unwind)]
    pub fn cleanup(&self) -> f64 {
        self.inner.cleanup() as f64
    }

    #[napi(catch_unwind)]
    pub fn clear(&self) {
        self.inner.clear()
    }

    #[napi(catch_unwind)]
    pub fn stats(&self) -> Result<String> {
        json(&self.inner.stats())
    }
}

#[napi]
pub struct NativeStudyCache {
    inner: Arc<StudyCache>,
    /// Set by `attach`: invalidations are then also sent to Redis and the other processes.
    link: Mutex<Option<DistributedCache>>,
}

fn kind(k: &str) -> Result<Kind> {
    Kind::parse(k).ok_or_else(|| to_napi(Error::out_of_range("kind", "'questions', 'sessions', 'progress' or 'leaderboard'")))
}

impl NativeStudyCache {
    fn linked(&self) -> Option<DistributedCache> {
        self.link.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn tags(&self, what: &str, n: u64) -> Result<(usize, Vec<crate::cache::Tag>)> {
        let s = &self.inner;
        Ok(match what {
            "user" => s.invalidate_user(n),
            "exam" => s.invalidate_exam(n),
            "session" => s.invalidate_session(n),
            "leaderboard" => s.invalidate_leaderboard(n),
            _ => return Err(to_napi(Error::out_of_range("what", "'user', 'exam', 'session' or 'leaderboard'"))),
        })
    }
}

#[napi]
impl NativeStudyCache {
    #[napi(constructor)]
    pub fn new() -> Result<Self> {
        Ok(NativeStudyCache { inner: Arc::new(StudyCache::new().map_err(to_napi)?), link: Mutex::new(None) })
    }

    /// The invalidation-log position a load starts from (see `TagIndex`).
    #[napi(catch_unwind)]
    pub fn ticket(&self, kind_name: String) -> Result<f64> {
        Ok(self.inner.ticket(kind(&kind_name)?) as f64)
    }

    #[napi(catch_unwind, ts_return_type = "string | null")]
    pub fn get_questions(&self, user_id: f64, exam_id: f64, params_json: String) -> Result<Option<JsonText>> {
        let got = self.inner.get_questions(id("userId", user_id)?, id("examId", exam_id)?, &params_json).map_err(to_napi)?;
        Ok(text(got))
    }

    #[napi(catch_unwind)]
    pub fn set_questions(&self, user_id: f64, exam_id: f64, params_json: String, json: String, ticket_at: Option<f64>) -> Result<bool> {
        let (u, e) = (id("userId", user_id)?, id("examId", exam_id)?);
        self.inner.set_questions(u, e, &params_json, Arc::from(json), ticket(ticket_at)).map_err(to_napi)
    }

    #[napi(catch_unwind, ts_return_type = "string | null")]
    pub fn get_session(&self, session_id: f64) -> Result<Option<JsonText>> {
        Ok(text(self.inner.get_session(id("sessionId", session_id)?)))
    }

    #[napi(catch_unwind)]
    pub fn set_session(&self, session_id: f64, user_id: Option<f64>, json: String, ticket_at: Option<f64>) -> Result<bool> {
        let user = user_id.map(|u| id("userId", u)).transpose()?;
        Ok(self.inner.set_session(id("sessionId", session_id)?, user, Arc::from(json), ticket(ticket_at)))
    }

    #[napi(catch_unwind, ts_return_type = "string | null")]
    pub fn get_progress(&self, user_id: f64, exam_id: f64) -> Result<Option<JsonText>> {
        Ok(text(self.inner.get_progress(id("userId", user_id)?, id("examId", exam_id)?)))
    }

    #[napi(catch_unwind)]
    pub fn set_progress(&self, user_id: f64, exam_id: f64, json: String, ticket_at: Option<f64>) -> Result<bool> {
        Ok(self.inner.set_progress(id("userId", user_id)?, id("examId", exam_id)?, Arc::from(json), ticket(ticket_at)))
    }

    #[napi(catch_unwind, ts_return_type = "string | null")]
    pub fn get_leaderboard(&self, exam_id: f64, limit: f64) -> Result<Option<JsonText>> {
        Ok(text(self.inner.get_leaderboard(id("examId", exam_id)?, count("limit", limit, 1000)?)))
    }

    #[napi(catch_unwind)]
    pub fn set_leaderboard(&self, exam_id: f64, limit: f64, json: String, ticket_at: Option<f64>) -> Result<bool> {
        Ok(self.inner.set_leaderboard(id("examId", exam_id)?, count("limit", limit, 1000)?, Arc::from(json), ticket(ticket_at)))
    }

    /// Drops the local entries of a user, exam, session or leaderboard; returns how many.
    #[napi(catch_unwind)]
    pub fn invalidate(&self, what: String, id_value: f64) -> Result<u32> {
        let field = format!("{what}Id");
        Ok(self.tags(&what, id(&field, id_value)?)?.0 as u32)
    }

    /// Whether `attach` linked a distributed cache (and `publish` has work to do).
    #[napi(catch_unwind)]
    pub fn is_linked(&self) -> bool {
        self.linked().is_some()
    }

    /// Sends the invalidation of `what`/`id` to Redis and the other processes; resolves
    /// true when Redis took it, false when it was queued for the reconnect.
    #[napi(catch_unwind)]
    pub fn publish<'env>(&self, env: &'env Env, what: String, id_value: f64) -> Result<PromiseRaw<'env, bool>> {
        let n = id(&format!("{what}Id"), id_value)?;
        let tags: Vec<String> = match what.as_str() {
            "user" => vec![keys::user_tag(n)],
            "exam" => vec![keys::exam_tag(n)],
            "session" => vec![keys::session_tag(n)],
            "leaderboard" => vec![keys::leaderboard_tag(n)],
            _ => return Err(to_napi(Error::out_of_range("what", "'user', 'exam', 'session' or 'leaderboard'"))),
        }
        .into_iter()
        .map(|t| t.to_string())
        .collect();
        let link = self.linked();
        env.spawn_future(async move {
            Ok(match link {
                // Also reaches any other StudyCache of this process linked to `d`.
                Some(d) => d.invalidate_tags(tags).await,
                None => true,
            })
        })
    }

    #[napi(catch_unwind)]
    pub fn attach(&self, distributed: &NativeDistributedCache) {
        let target: Arc<dyn Invalidate> = self.inner.clone();
        distributed.inner.attach(Arc::downgrade(&target));
        *self.link.lock().unwrap_or_else(|p| p.into_inner()) = Some(distributed.inner.clone());
    }

    #[napi(catch_unwind)]
    pub fn cleanup(&self) -> f64 {
        self.inner.cleanup() as f64
    }

    #[napi(catch_unwind)]
    pub fn clear(&self) {
        self.inner.clear()
    }

    #[napi(catch_unwind)]
    pub fn stats(&self) -> Result<String> {
        let mut v = serde_json::to_value(self.inner.stats()).map_err(|e| to_napi(Error::internal(e.to_string())))?;
        if let (Some(d), Some(o)) = (self.linked(), v.as_object_mut()) {
            o.insert("distributed".into(), serde_json::to_value(d.link_stats()).unwrap_or_default());
        }
        Ok(v.to_string())
    }
}

#[napi]
pub struct NativeDistributedCache {
    inner: DistributedCache,
}

#[napi]
impl NativeDistributedCache {
    /// Starts connecting in the background (on the shared runtime).
    #[napi(constructor)]
    pub fn new(url: String, channel: Option<String>, local_max_size: Option<f64>, local_ttl_seconds: Option<f64>, command_timeout_ms: Option<f64>) -> Result<Self> {
        let mut o = distributed::Options::new(url);
        if let Some(c) = channel {
            if c.is_empty() {
                return Err(to_napi(Error::out_of_range("channel", "a non-empty string")));
            }
            o.channel = c;
        }
        if let Some(n) = local_max_size {
            o.local_max_size = count("localMaxSize", n, store::MAX_ENTRIES)?;
        }
        if let Some(t) = ttl("localTtlSeconds", local_ttl_seconds)? {
            // A TTL that rounds to zero would be refused by the local cache under its own field name.
            if t.is_zero() {
                return Err(to_napi(Error::out_of_range("localTtlSeconds", "a number of seconds > 0")));
            }
            o.local_ttl = t;
        }
        if let Some(ms) = command_timeout_ms {
            o.command_timeout = Duration::from_millis(count("commandTimeoutMs", ms, 60_000)?);
        }
        Ok(NativeDistributedCache { inner: DistributedCache::new(o).map_err(to_napi)? })
    }

    /// The local tier alone, answered synchronously.
    #[napi(catch_unwind, ts_return_type = "string | null")]
    pub fn get_local(&self, key: String) -> Option<JsonText> {
        text(self.inner.get_local(&key))
    }

    /// Redis after a local miss (the local lookup is not repeated or counted twice).
    #[napi(catch_unwind)]
    pub fn fetch<'env>(&self, env: &'env Env, key: String) -> Result<PromiseRaw<'env, Option<String>>> {
        let d = self.inner.clone();
        env.spawn_future(async move { Ok(d.get(&key).await.map(|v| v.to_string())) })
    }

    #[napi(catch_unwind)]
    pub fn set<'env>(&self, env: &'env Env, key: String, json: String, ttl_seconds: f64, tags: Vec<String>) -> Result<PromiseRaw<'env, bool>> {
        let t = ttl("ttlSeconds", Some(ttl_seconds))?.unwrap_or(Duration::from_secs(300));
        let d = self.inner.clone();
        env.spawn_future(async move { Ok(d.set(&key, Arc::from(json), t, &tags).await) })
    }

    #[napi(catch_unwind)]
    pub fn del<'env>(&self, env: &'env Env, key: String) -> Result<PromiseRaw<'env, bool>> {
        let d = self.inner.clone();
        env.spawn_future(async move { Ok(d.del(&key).await) })
    }

    #[napi(catch_unwind)]
    pub fn invalidate_tags<'env>(&self, env: &'env Env, tags: Vec<String>) -> Result<PromiseRaw<'env, bool>> {
        let d = self.inner.clone();
        env.spawn_future(async move { Ok(d.invalidate_tags(tags).await) })
    }

    /// Resolves true once connected to Redis, false after `timeout_ms`.
    #[napi(catch_unwind)]
    pub fn ready<'env>(&self, env: &'env Env, timeout_ms: f64) -> Result<PromiseRaw<'env, bool>> {
        let t = Duration::from_millis(count("timeoutMs", timeout_ms, 600_000)?);
        let d = self.inner.clone();
        env.spawn_future(async move { Ok(d.ready(t).await) })
    }

    #[napi(catch_unwind)]
    pub fn stats(&self) -> Result<String> {
        let mut v = serde_json::to_value(self.inner.local().stats()).map_err(|e| to_napi(Error::internal(e.to_string())))?;
        if let Some(o) = v.as_object_mut() {
            o.insert("distributed".into(), serde_json::to_value(self.inner.link_stats()).unwrap_or_default());
        }
        Ok(v.to_string())
    }

    #[napi(catch_unwind)]
    pub fn cleanup(&self) -> f64 {
        self.inner.local().cleanup() as f64
    }

    /// Closes the Redis connection and stops the background task; the local tier stays usable.
    #[napi(catch_unwind)]
    pub fn close(&self) {
        self.inner.close()
    }
}
