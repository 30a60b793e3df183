//! What a run reports: the original's LoadTestResults fields at the top level (same names,
//! milliseconds and percent as there), plus what a person needs to trust them: a table per
//! operation from a histogram of every request, a per-second timeline, the errors by code,
//! the lost-write check, the grade and the backend.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadTestResults {
    pub total_requests: u64,
    pub successful_requests: u64,
    /// Percent of requests that failed.
    pub error_rate: f64,
    /// Milliseconds, over every request (failed ones too).
    pub average_response_time: f64,
    pub p50_response_time: f64,
    pub p95_response_time: f64,
    pub p99_response_time: f64,
    pub max_response_time: f64,
    /// Requests per second over the whole run, ramp-up included.
    #[serde(rename = "throughputRPS")]
    pub throughput_rps: f64,
    /// The real peak of virtual users with a request in flight at the same instant.
    pub concurrent_users: u64,
    /// The peak of virtual users started and not yet finished (thinking or waiting).
    pub peak_active_users: u64,
    pub scenario_results: BTreeMap<String, ScenarioResults>,
    pub operations: Vec<OperationResult>,
    pub timeline: Vec<SecondRow>,
    pub errors: Vec<ErrorCount>,
    pub integrity: Integrity,
    pub grade: String,
    pub recommendations: Vec<String>,
    pub run_id: String,
    /// Unix milliseconds.
    pub started_at: f64,
    pub duration_ms: f64,
    /// `local`, `remote` or `replica`, and where (no secrets).
    pub backend: String,
    pub target: String,
    pub config: serde_json::Value,
    /// The latency bins of `operations[].histogram`, upper bounds in microseconds.
    pub histogram_bounds_us: Vec<u64>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioResults {
    pub requests: u64,
    pub errors: u64,
    pub avg_response_time: f64,
    pub min_response_time: f64,
    pub max_response_time: f64,
    /// Times a user picked this scenario.
    pub iterations: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationResult {
    pub operation: String,
    pub count: u64,
    pub errors: u64,
    pub mean: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    /// Counts per latency bin (see `histogramBoundsUs`).
    pub histogram: Vec<u64>,
    /// `[nanoseconds, count]` per non-empty bucket of the fine histogram (1% wide), so runs
    /// in several processes can be merged into exact-to-1% percentiles.
    #[serde(default)]
    pub latency_buckets: Vec<(u64, u64)>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecondRow {
    /// End of the window, seconds since the start.
    pub t: f64,
    pub requests: u64,
    pub errors: u64,
    #[serde(rename = "throughputRPS")]
    pub throughput_rps: f64,
    pub p95_response_time: f64,
    pub users_in_flight: u64,
    pub active_users: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorCount {
    pub operation: String,
    pub code: String,
    pub count: u64,
    /// The first message seen with this code.
    pub message: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Integrity {
    /// Answers whose write the database confirmed during the run.
    pub answers_recorded: u64,
    /// Answers of this run found in the database afterwards.
    pub answers_found: u64,
    /// Of those, answers in a session of the same user (each user's own session).
    pub answers_in_own_session: u64,
    /// Answer writes that timed out on the client: they may or may not have landed.
    pub answers_uncertain: u64,
    pub sessions_created: u64,
    pub sessions_found: u64,
    pub ok: bool,
    /// Why `ok` is false, or why the check could not run.
    pub problems: Vec<String>,
}
