//! The load tester's bindings: `NativeLoadTest` (validate, run, poll progress, stop) for
//! lib/loadtest.js, `runLoadTest` for a plain one-shot call, the presets and the HTML report.

use super::database::NativeDatabase;
use super::to_napi;
use crate::error::Error;
use crate::loadtest::{self, LoadTest, LoadTestConfig, LoadTestResults};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

fn parse_config(config_json: &str) -> napi::Result<LoadTestConfig> {
    let v: serde_json::Value =
        serde_json::from_str(config_json).map_err(|_| to_napi(Error::invalid_type("config", "a JSON object")))?;
    LoadTestConfig::parse(&v).map_err(to_napi)
}

fn to_json(r: &LoadTestResults) -> napi::Result<String> {
    serde_json::to_string(r).map_err(|e| to_napi(Error::internal(e.to_string())))
}

/// One load test: validated when created, run once.
#[napi]
pub struct NativeLoadTest {
    test: Arc<LoadTest>,
}

#[napi]
impl NativeLoadTest {
    #[napi(constructor)]
    pub fn new(db: &NativeDatabase, config_json: String) -> napi::Result<Self> {
        let config = parse_config(&config_json)?;
        Ok(NativeLoadTest { test: LoadTest::new(db.inner().clone(), config) })
    }

    /// Resolves to the results as JSON when the run ends (by its duration or `stop()`).
    #[napi(catch_unwind)]
    pub fn run<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, String>> {
        let test = self.test.clone();
        env.spawn_future(async move { to_json(&test.run().await.map_err(to_napi)?) })
    }

    /// Live figures as JSON: phase, elapsed, users active and in flight, requests, errors,
    /// last second's throughput and p95. Cheap: meant to be polled.
    #[napi(catch_unwind)]
    pub fn progress(&self) -> napi::Result<String> {
        serde_json::to_string(&self.test.progress()).map_err(|e| to_napi(Error::internal(e.to_string())))
    }

    /// Ends the run early; users finish their current request.
    #[napi(catch_unwind)]
    pub fn stop(&self) {
        self.test.stop();
    }
}

/// Runs a load test and resolves to its results as JSON.
#[napi(catch_unwind)]
pub fn run_load_test<'env>(env: &'env Env, db: &NativeDatabase, config_json: String) -> napi::Result<PromiseRaw<'env, String>> {
    let test = LoadTest::new(db.inner().clone(), parse_config(&config_json)?);
    env.spawn_future(async move { to_json(&test.run().await.map_err(to_napi)?) })
}

/// `{scenarios, configs}`: PINGTOPASS_LOAD_SCENARIOS and STRESS_TEST_CONFIGS.
#[napi(catch_unwind)]
pub fn load_test_defaults() -> String {
    loadtest::defaults_json().to_string()
}

/// The self-contained HTML report of a run's results (as `run` resolved them).
#[napi(catch_unwind)]
pub fn render_load_test_report(results_json: String) -> napi::Result<String> {
    let r: LoadTestResults = serde_json::from_str(&results_json)
        .map_err(|e| to_napi(Error::invalid_type("results", &format!("the results of a load test ({e})"))))?;
    Ok(loadtest::report::render(&r))
}
