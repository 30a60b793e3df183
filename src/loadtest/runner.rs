//! A load test from start to results: read the seeded ids, start the virtual users as
//! tokio tasks on the shared runtime, tick the timeline, wait for the end (bounded), check
//! integrity, assemble the results. Progress can be read at any time; `stop` ends it early.

use super::bins::BOUNDS_US;
use super::config::LoadTestConfig;
use super::dataset::Dataset;
use super::grade::{self, Inputs};
use super::integrity::{self, Written};
use super::recorder::{by_name, Recorder, Snapshot};
use super::results::LoadTestResults;
use super::rng::Rng;
use super::user::{self, Shared, REQUEST_TIMEOUT};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::monitoring::histogram::ns_to_ms;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::watch;

/// How long after the end of the run users still finishing a request are waited for.
const GRACE: Duration = Duration::from_secs(REQUEST_TIMEOUT.as_secs() + 5);
const TICK: Duration = Duration::from_millis(250);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    Idle,
    Setup,
    Running,
    Checking,
    Done,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Setup => "setup",
            Phase::Running => "running",
            Phase::Checking => "checking",
            Phase::Done => "done",
        }
    }

    fn from_u8(v: u8) -> Phase {
        [Phase::Idle, Phase::Setup, Phase::Running, Phase::Checking, Phase::Done].get(v as usize).copied().unwrap_or(Phase::Done)
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub phase: &'static str,
    pub duration_ms: u64,
    pub max_users: usize,
    #[serde(flatten)]
    pub live: Option<Snapshot>,
}

pub struct LoadTest {
    db: Arc<Database>,
    config: LoadTestConfig,
    phase: AtomicU8,
    started: AtomicBool,
    recorder: OnceLock<Arc<Recorder>>,
    stop: watch::Sender<bool>,
}

impl LoadTest {
    pub fn new(db: Arc<Database>, config: LoadTestConfig) -> Arc<LoadTest> {
        let (stop, _) = watch::channel(false);
        Arc::new(LoadTest {
            db,
            config,
            phase: AtomicU8::new(Phase::Idle as u8),
            started: AtomicBool::new(false),
            recorder: OnceLock::new(),
            stop,
        })
    }

    fn set_phase(&self, p: Phase) {
        self.phase.store(p as u8, Ordering::Release);
    }

    pub fn progress(&self) -> Progress {
        Progress {
            phase: Phase::from_u8(self.phase.load(Ordering::Acquire)).name(),
            duration_ms: self.config.duration_ms,
            max_users: self.config.max_users,
            live: self.recorder.get().map(|r| r.snapshot()),
        }
    }

    /// Ends the run early: users stop after their current request.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// Runs once; a second call fails.
    pub async fn run(self: &Arc<Self>) -> Result<LoadTestResults> {
        if self.started.swap(true, Ordering::AcqRel) {
            return Err(Error::usage("ERR_LOADTEST_STARTED", "this load test has already run: create a new one"));
        }
        self.set_phase(Phase::Setup);
        let r = self.run_inner().await;
        self.set_phase(Phase::Done);
        r
    }

    async fn run_inner(self: &Arc<Self>) -> Result<LoadTestResults> {
        let data = Dataset::load(&self.db).await?;
        let started_at = crate::monitoring::now_ms();
        let seed = self.config.seed.unwrap_or((started_at * 1000.0) as u64 ^ 0x5DEE_CE66);
        let base = Rng::new(seed);
        let run_id = run_id(started_at);
        let mut assign_rng = base.fork(u64::MAX);
        let users = data.assign_users(self.config.max_users, &mut assign_rng);

        let recorder = Arc::new(Recorder::new(self.config.scenarios.len()));
        let _ = self.recorder.set(recorder.clone());
        let shared = Arc::new(Shared::new(self.db.clone(), self.config.clone(), data, recorder.clone(), run_id.clone()));
        self.set_phase(Phase::Running);

        let ticker = {
            let r = recorder.clone();
            tokio::spawn(async move {
                let mut t = tokio::time::interval(TICK);
                loop {
                    t.tick().await;
                    r.tick();
                }
            })
        };
        let handles: Vec<_> = users
            .into_iter()
            .enumerate()
            .map(|(i, uid)| tokio::spawn(user::run(shared.clone(), i, uid, base.fork(i as u64), self.stop.subscribe())))
            .collect();
        let give_up = (shared.deadline + GRACE).into();
        let mut abandoned = 0usize;
        for mut h in handles {
            if tokio::time::timeout_at(give_up, &mut h).await.is_err() {
                h.abort();
                abandoned += 1;
            }
        }
        ticker.abort();

        self.set_phase(Phase::Checking);
        let summary = recorder.finish();
        let sessions = std::mem::take(&mut *shared.sessions.lock().unwrap_or_else(|p| p.into_inner()));
        let mut integrity = integrity::check(
            &self.db,
            Written {
                run_id: run_id.clone(),
                answers_recorded: shared.answers_recorded.load(Ordering::Acquire),
                answers_uncertain: shared.answers_uncertain.load(Ordering::Acquire),
                sessions,
            },
        )
        .await;
        if abandoned > 0 {
            integrity.problems.push(format!("{abandoned} virtual users were still busy {} s after the end", GRACE.as_secs()));
        }

        let total = summary.overall.count();
        let errors = summary.errors_total;
        let secs = summary.duration.as_secs_f64().max(1e-9);
        let error_rate = if total > 0 { errors as f64 * 100.0 / total as f64 } else { 0.0 };
        let inputs = Inputs {
            p95_ms: summary.overall.percentile_ms(95.0),
            average_ms: summary.overall.mean_ns() / 1e6,
            error_rate,
            throughput_rps: total as f64 / secs,
        };
        let (grade, recommendations) = grade::assess(&inputs, &integrity);
        let names: Vec<String> = self.config.scenarios.iter().map(|s| s.name.clone()).collect();
        let cfg = &self.db.cfg;
        let mut config = self.config.to_json();
        config["seed"] = serde_json::json!(seed);
        Ok(LoadTestResults {
            total_requests: total,
            successful_requests: total - errors,
            error_rate,
            average_response_time: inputs.average_ms,
            p50_response_time: summary.overall.percentile_ms(50.0),
            p95_response_time: inputs.p95_ms,
            p99_response_time: summary.overall.percentile_ms(99.0),
            max_response_time: ns_to_ms(summary.overall.max_ns()),
            throughput_rps: inputs.throughput_rps,
            concurrent_users: summary.peak_in_flight,
            peak_active_users: summary.peak_active,
            scenario_results: by_name(&names, summary.scenarios),
            operations: summary.operations,
            timeline: summary.timeline,
            errors: summary.errors,
            integrity,
            grade: grade.to_string(),
            recommendations,
            run_id,
            started_at,
            duration_ms: summary.duration.as_secs_f64() * 1000.0,
            backend: cfg.backend.name().to_string(),
            target: cfg.display_target(),
            config,
            histogram_bounds_us: BOUNDS_US.to_vec(),
        })
    }
}

/// Unique per run (the answers' marker): the start in ms (fixed width), the process id and
/// a process-wide counter, in base 36. Lowercase letters and digits only: the LIKE pattern
/// of the integrity check has no wildcard but its own, and the ':' after it ends the id.
fn run_id(started_at_ms: f64) -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:0>9}{:0>4}{}", base36(started_at_ms as u64), base36(std::process::id() as u64), base36(n))
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
