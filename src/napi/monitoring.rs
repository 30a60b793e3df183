//! Monitoring over N-API: `NativeMonitor` (attached to a database as its query observer, or
//! standalone), `NativeBenchmark` and the health check. Alerts are raised on connection
//! threads and delivered on the JS thread: they queue in Rust and a weak threadsafe function
//! (it never keeps Node alive) tells JS to drain the queue.

use super::database::NativeDatabase;
use super::to_napi;
use crate::db::observer::QueryObserver;
use crate::db::Database;
use crate::error::Error;
use crate::monitoring::benchmark::Benchmark;
use crate::monitoring::health;
use crate::monitoring::monitor::Monitor;
use crate::monitoring::record::Observation;
use crate::monitoring::settings::{Overrides, Settings};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue};
use napi_derive::napi;
use std::sync::Arc;

const DEFAULT_RANGE_MS: f64 = 3_600_000.0;

#[napi(object)]
pub struct MonitorOptions {
    pub slow_query_threshold: Option<f64>,
    pub enable_performance_alerts: Option<bool>,
    pub alert_cooldown: Option<f64>,
}

fn overrides(o: Option<MonitorOptions>) -> Overrides {
    o.map_or_else(Overrides::default, |o| Overrides {
        slow_query_threshold_ms: o.slow_query_threshold,
        alerts_enabled: o.enable_performance_alerts,
        alert_cooldown_ms: o.alert_cooldown,
    })
}

fn json<T: serde::Serialize>(v: &T) -> napi::Result<String> {
    serde_json::to_string(v).map_err(|e| to_napi(Error::internal(e.to_string())))
}

#[napi]
pub struct NativeMonitor {
    core: Arc<Monitor>,
    /// The watched database and this monitor's registration with it, until `close`.
    attached: Option<(Arc<Database>, Arc<dyn QueryObserver>)>,
    closed: bool,
}

impl NativeMonitor {
    fn detach(&mut self) {
        if let Some((db, observer)) = self.attached.take() {
            db.observers.remove(&observer);
        }
        self.core.alerts.stop();
        self.closed = true;
    }

    fn check_open(&self) -> napi::Result<()> {
        if self.closed {
            return Err(to_napi(Error::usage("ERR_MONITOR_CLOSED", "the monitor is closed: close() was called")));
        }
        Ok(())
    }
}

/// A monitor dropped by the garbage collector stops observing (and frees its waker).
impl Drop for NativeMonitor {
    fn drop(&mut self) {
        self.detach();
    }
}

#[napi]
impl NativeMonitor {
    /// Watches `db`: every statement its pool runs is recorded from now on.
    #[napi(factory, catch_unwind)]
    pub fn attach(db: &NativeDatabase, options: Option<MonitorOptions>) -> napi::Result<Self> {
        let db = db.inner().clone();
        if db.is_closed() {
            return Err(to_napi(Error::closed()));
        }
        let settings = Settings::from_config(&db.cfg).with(overrides(options)).map_err(to_napi)?;
        let core = Monitor::new(settings, Some(&db));
        let observer: Arc<dyn QueryObserver> = core.clone();
        db.observers.add(observer.clone());
        Ok(NativeMonitor { core, attached: Some((db, observer)), closed: false })
    }

    /// A monitor fed only by `recordQuery`, configured from the environment.
    #[napi(factory, catch_unwind)]
    pub fn standalone(options: Option<MonitorOptions>) -> napi::Result<Self> {
        let settings =
            Settings::from_env(&|k| std::env::var(k).ok()).and_then(|s| s.with(overrides(options))).map_err(to_napi)?;
        Ok(NativeMonitor { core: Monitor::new(settings, None), attached: None, closed: false })
    }

    /// `details` is a JSON object of further fields to keep (params, stackTrace).
    #[allow(clippy::too_many_arguments)]
    #[napi(catch_unwind)]
    pub fn record_query(
        &self,
        query: String,
        duration: f64,
        timestamp: Option<f64>,
        operation: Option<String>,
        error: Option<String>,
        user_id: Option<f64>,
        exam_id: Option<f64>,
        details: Option<String>,
    ) -> napi::Result<()> {
        self.check_open()?;
        if !(duration.is_finite() && duration >= 0.0) {
            return Err(to_napi(Error::out_of_range("metrics.duration", "a finite number of milliseconds >= 0")));
        }
        if timestamp.is_some_and(|t| !t.is_finite()) {
            return Err(to_napi(Error::out_of_range("metrics.timestamp", "a finite number of milliseconds since the epoch")));
        }
        self.core.record(Observation {
            operation: operation.as_deref().unwrap_or("custom"),
            query: &query,
            duration_ms: duration,
            at_ms: timestamp,
            error: error.map(Arc::from),
            user_id,
            exam_id,
            details: details.as_deref(),
        });
        Ok(())
    }

    /// Analytics JSON over the last `time_range` milliseconds (default one hour).
    #[napi(catch_unwind)]
    pub fn analytics(&self, time_range: Option<f64>) -> napi::Result<String> {
        let range = time_range.unwrap_or(DEFAULT_RANGE_MS);
        if range.is_nan() || range < 0.0 {
            return Err(to_napi(Error::out_of_range("timeRange", "a number of milliseconds >= 0")));
        }
        json(&self.core.analytics(range))
    }

    #[napi(catch_unwind)]
    pub fn prometheus(&self) -> String {
        self.core.prometheus()
    }

    /// The alerts queued since the last call, as a JSON array.
    #[napi(catch_unwind)]
    pub fn take_alerts(&self) -> napi::Result<String> {
        json(&self.core.alerts.take())
    }

    /// Starts queueing alerts; `wake` (if given) is called on the JS thread when some arrive.
    /// It is a weak threadsafe function (the last `true`): it never keeps Node alive.
    #[napi(catch_unwind)]
    pub fn listen(&self, wake: Option<ThreadsafeFunction<u32, UnknownReturnValue, u32, Status, false, true>>) -> napi::Result<()> {
        self.check_open()?;
        let waker = wake.map(|w| -> crate::monitoring::alert_queue::Waker {
            Arc::new(move || {
                // NonBlocking: a connection thread never waits on JS.
                let _ = w.call(1, ThreadsafeFunctionCallMode::NonBlocking);
            })
        });
        self.core.alerts.listen(waker);
        Ok(())
    }

    /// `{slowQueryThreshold, enablePerformanceAlerts, alertCooldown, windowSize}` as JSON.
    #[napi(catch_unwind)]
    pub fn settings(&self) -> String {
        self.core.settings().to_json().to_string()
    }

    /// Stops observing the database and drops queued alerts. Idempotent.
    #[napi(catch_unwind)]
    pub fn close(&mut self) {
        self.detach();
    }

    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.closed
    }
}

#[napi]
pub struct NativeBenchmark {
    b: Benchmark,
}

#[napi]
impl NativeBenchmark {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeBenchmark { b: Benchmark::default() }
    }

    #[napi]
    pub fn start(&mut self) {
        self.b.start();
    }

    #[napi(catch_unwind)]
    pub fn end(&mut self) -> napi::Result<f64> {
        self.b.end().map_err(to_napi)
    }

    #[napi(catch_unwind)]
    pub fn stats(&self) -> napi::Result<String> {
        json(&self.b.stats())
    }

    #[napi]
    pub fn average(&self) -> f64 {
        self.b.average()
    }

    #[napi]
    pub fn max(&self) -> f64 {
        self.b.max()
    }

    #[napi]
    pub fn reset(&mut self) {
        self.b.reset();
    }
}

/// Runs the health checks against `db`; resolves to the report as JSON.
#[napi(catch_unwind)]
pub fn check_database_health<'env>(env: &'env Env, db: &NativeDatabase) -> napi::Result<PromiseRaw<'env, String>> {
    let db = db.inner().clone();
    env.spawn_future(async move { json(&health::check_health(&db).await) })
}
