//! The load tester (the original's stress-testing module): virtual users as tokio tasks on
//! the shared runtime run the app's scenarios against this addon's optimized queries, with
//! every request timed into histograms, and a lost-write check at the end.
//!
//! - `scenario`, `config`: what users do (PINGTOPASS_LOAD_SCENARIOS, STRESS_TEST_CONFIGS).
//! - `runner`: one run, start to results; `user`: one virtual user; `ops`: its requests.
//! - `recorder`, `bins`: the figures; `integrity`, `grade`: the verdicts; `results`: the shape.
//! - `report`: the self-contained HTML report.

pub mod bins;
pub mod config;
pub mod dataset;
mod fields;
pub mod grade;
pub mod integrity;
pub mod ops;
pub mod recorder;
pub mod report;
pub mod results;
pub mod rng;
pub mod runner;
pub mod scenario;
pub mod user;

pub use config::{defaults_json, preset, LoadTestConfig};
pub use results::LoadTestResults;
pub use runner::{LoadTest, Progress};

#[cfg(test)]
mod tests;
