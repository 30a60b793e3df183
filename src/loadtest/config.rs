//! A load test's configuration (the original's LoadTestConfig plus `closedLoop` and `seed`)
//! and the original's STRESS_TEST_CONFIGS.

use super::fields::object;
use super::scenario::{parse_scenarios, pingtopass_scenarios, Scenario};
use crate::error::{Error, Result};
use serde_json::{json, Value};

/// Bounds that keep a run's memory and time finite whatever the input: tasks, timeline rows
/// (one per second) and the session list all grow with these.
pub const MAX_USERS: i64 = 100_000;
pub const MAX_DURATION_MS: i64 = 24 * 3600 * 1000;

#[derive(Clone, Debug)]
pub struct LoadTestConfig {
    pub max_users: usize,
    /// Virtual user i (0-based) starts at i / maxUsers of this.
    pub ramp_up_ms: u64,
    /// From the start of the ramp-up to the end of the run, as in the original.
    pub duration_ms: u64,
    pub scenarios: Vec<Scenario>,
    /// No think time: every user issues its next request as soon as the last one answers,
    /// which finds the saturation throughput.
    pub closed_loop: bool,
    /// Seeds every random choice; drawn from the clock when absent.
    pub seed: Option<u64>,
}

impl LoadTestConfig {
    pub fn parse(v: &Value) -> Result<LoadTestConfig> {
        if !v.is_object() {
            return Err(Error::invalid_type("config", "an object"));
        }
        let f = object(v, "")?;
        f.only(&["maxUsers", "rampUpTimeMs", "testDurationMs", "scenarios", "closedLoop", "seed"])?;
        let max_users = f.required_int("maxUsers", 1, MAX_USERS)? as usize;
        let duration_ms = f.required_int("testDurationMs", 1, MAX_DURATION_MS)? as u64;
        let ramp_up_ms = f.int("rampUpTimeMs", 0, MAX_DURATION_MS)?.unwrap_or(0) as u64;
        if ramp_up_ms > duration_ms {
            return Err(Error::out_of_range("rampUpTimeMs", "at most testDurationMs"));
        }
        let scenarios = parse_scenarios(f.array("scenarios", 0, usize::MAX)?, "scenarios")?;
        let closed_loop = f.boolean("closedLoop")?.unwrap_or(false);
        let seed = f.int("seed", 0, 9_007_199_254_740_991)?.map(|s| s as u64);
        Ok(LoadTestConfig { max_users, ramp_up_ms, duration_ms, scenarios, closed_loop, seed })
    }

    pub fn to_json(&self) -> Value {
        json!({
            "maxUsers": self.max_users,
            "rampUpTimeMs": self.ramp_up_ms,
            "testDurationMs": self.duration_ms,
            "closedLoop": self.closed_loop,
            "scenarios": self.scenarios.iter().map(Scenario::to_json).collect::<Vec<_>>(),
        })
    }
}

/// The original's STRESS_TEST_CONFIGS: name, users, ramp-up and duration in ms.
pub const PRESETS: [(&str, usize, u64, u64); 4] = [
    ("light", 100, 30_000, 300_000),   // normal usage
    ("medium", 500, 60_000, 600_000),  // peak hours
    ("heavy", 1000, 120_000, 900_000), // stress test
    ("spike", 1500, 30_000, 300_000),  // sudden traffic
];

pub fn preset(name: &str) -> Option<LoadTestConfig> {
    PRESETS.iter().find(|p| p.0 == name).map(|&(_, max_users, ramp_up_ms, duration_ms)| LoadTestConfig {
        max_users,
        ramp_up_ms,
        duration_ms,
        scenarios: pingtopass_scenarios(),
        closed_loop: false,
        seed: None,
    })
}

/// `{scenarios, configs: [[name, config], ...]}`: the JS constants come from here, one source
/// of truth. Pairs, not an object, so the presets keep their order (runAllTests runs them
/// light to spike).
pub fn defaults_json() -> Value {
    let configs: Vec<Value> = PRESETS.iter().filter_map(|p| preset(p.0).map(|c| json!([p.0, c.to_json()]))).collect();
    json!({
        "scenarios": pingtopass_scenarios().iter().map(Scenario::to_json).collect::<Vec<_>>(),
        "configs": configs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_as_configs() {
        let d = defaults_json();
        for (i, name) in ["light", "medium", "heavy", "spike"].iter().enumerate() {
            assert_eq!(d["configs"][i][0], *name);
            let c = LoadTestConfig::parse(&d["configs"][i][1]).map_err(|e| e.message);
            assert!(c.is_ok(), "{name}: {c:?}");
        }
        assert_eq!(d["configs"][3][1]["maxUsers"], 1500);
        assert_eq!(d["configs"][2][1]["rampUpTimeMs"], 120_000);
    }

    #[test]
    fn bad_configs_name_the_field() {
        let e = |v: Value| LoadTestConfig::parse(&v).err().map(|e| (e.code, e.message)).unwrap_or_default();
        let sc = defaults_json()["scenarios"].clone();
        assert_eq!(e(json!({"maxUsers": 0, "testDurationMs": 1, "scenarios": sc})).0, "ERR_OUT_OF_RANGE");
        assert!(e(json!({"maxUsers": "5", "testDurationMs": 1, "scenarios": sc})).1.starts_with("maxUsers"));
        assert!(e(json!({"maxUsers": 5, "testDurationMs": 10, "rampUpTimeMs": 20, "scenarios": sc})).1.starts_with("rampUpTimeMs"));
        assert!(e(json!({"maxUsers": 5, "testDurationMs": 10, "scenarios": []})).1.starts_with("scenarios"));
        assert!(e(json!({"maxUsers": 5, "testDurationMs": 10, "scenarios": sc, "closedloop": true})).1.starts_with("closedloop"));
        assert_eq!(e(json!([1])).0, "ERR_INVALID_ARG_TYPE");
    }
}
