//! A virtual user: a tokio task that waits for its turn in the ramp-up, opens its own study
//! session, then picks scenarios by weight and runs their operations with the original's
//! think time (60,000 / frequency ms, plus up to half again as jitter) until the run ends.

use super::config::LoadTestConfig;
use super::dataset::Dataset;
use super::ops::{self, UserState};
use super::recorder::{Recorder, Sample};
use super::rng::Rng;
use super::scenario::{pick, OpParams, Operation};
use crate::db::Database;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// A request still unanswered after this counts as failed (and an answer as uncertain).
/// Far above any queueing at saturation; it bounds how long the end of a run can wait.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every virtual user of a run shares.
pub struct Shared {
    pub db: Arc<Database>,
    pub config: LoadTestConfig,
    pub data: Dataset,
    pub recorder: Arc<Recorder>,
    pub run_id: String,
    pub deadline: Instant,
    answer_seq: AtomicU64,
    pub answers_recorded: AtomicU64,
    pub answers_uncertain: AtomicU64,
    /// (session id, user id) of every session the run opened.
    pub sessions: Mutex<Vec<(i64, i64)>>,
}

impl Shared {
    pub fn new(db: Arc<Database>, config: LoadTestConfig, data: Dataset, recorder: Arc<Recorder>, run_id: String) -> Shared {
        let deadline = recorder.start() + Duration::from_millis(config.duration_ms);
        let sessions = Mutex::new(Vec::with_capacity(config.max_users));
        Shared {
            db,
            config,
            data,
            recorder,
            run_id,
            deadline,
            answer_seq: AtomicU64::new(0),
            answers_recorded: AtomicU64::new(0),
            answers_uncertain: AtomicU64::new(0),
            sessions,
        }
    }

    fn marker(&self) -> String {
        format!("lt:{}:{}", self.run_id, self.answer_seq.fetch_add(1, Ordering::Relaxed))
    }

    /// When virtual user `index` starts: spread evenly over the ramp-up.
    fn start_of(&self, index: usize) -> Instant {
        let c = &self.config;
        let offset = c.ramp_up_ms as u128 * index as u128 / c.max_users.max(1) as u128;
        self.recorder.start() + Duration::from_millis(offset as u64)
    }
}

/// Sleeps until `at`, the end of the run or a stop, whichever comes first; false when the
/// user must stop.
async fn pause_until(sh: &Shared, stop: &mut watch::Receiver<bool>, at: Instant) -> bool {
    let wake = at.min(sh.deadline);
    if wake > Instant::now() {
        tokio::select! {
            _ = tokio::time::sleep_until(wake.into()) => {}
            _ = stop.wait_for(|s| *s) => return false,
        }
    }
    Instant::now() < sh.deadline && !*stop.borrow()
}

fn think_time(sh: &Shared, frequency: f64, failed: bool, rng: &mut Rng) -> Duration {
    if failed {
        // The original meant to back off 1-3 s after an error (its catch never ran); in
        // closed loop too, so a failing backend is not hammered by a tight retry loop.
        return Duration::from_secs_f64(1.0 + rng.unit() * 2.0);
    }
    if sh.config.closed_loop {
        return Duration::ZERO;
    }
    let interval = 60.0 / frequency;
    Duration::from_secs_f64(interval + rng.unit() * interval * 0.5)
}

pub async fn run(sh: Arc<Shared>, index: usize, user_id: i64, mut rng: Rng, mut stop: watch::Receiver<bool>) {
    if !pause_until(&sh, &mut stop, sh.start_of(index)).await {
        return;
    }
    let _active = sh.recorder.user_started();
    let exam = sh.data.random_exam(&mut rng).clone();
    let mut st = UserState {
        user_id,
        exam_id: exam.exam_id,
        min_question: exam.min_question,
        max_question: exam.max_question,
        session_id: None,
        served: Vec::new(),
        rng,
    };
    let none = OpParams::default();
    if !execute(&sh, &mut st, Operation::StartSession, &none, None).await {
        let pause = think_time(&sh, 1.0, true, &mut st.rng);
        if !pause_until(&sh, &mut stop, Instant::now() + pause).await {
            return;
        }
    }
    loop {
        let si = pick(&sh.config.scenarios, st.rng.unit());
        sh.recorder.iteration(si);
        let Some(scenario) = sh.config.scenarios.get(si) else { return };
        for spec in &scenario.operations {
            if Instant::now() >= sh.deadline || *stop.borrow() {
                return;
            }
            // Answers and progress belong to the user's own session: without one yet (its
            // opening failed), the user opens it first.
            let needs_session = match spec.op {
                Operation::RecordAnswer => true,
                Operation::SessionProgress => spec.params.session_id.is_none(),
                _ => false,
            };
            let ok = if needs_session && st.session_id.is_none() {
                execute(&sh, &mut st, Operation::StartSession, &none, Some(si)).await
            } else {
                execute(&sh, &mut st, spec.op, &spec.params, Some(si)).await
            };
            let pause = think_time(&sh, spec.frequency, !ok, &mut st.rng);
            if !pause_until(&sh, &mut stop, Instant::now() + pause).await {
                return;
            }
        }
    }
}

/// Runs one operation through the database's turn batching and records it; true on success.
async fn execute(sh: &Shared, st: &mut UserState, op: Operation, params: &OpParams, scenario: Option<usize>) -> bool {
    let built = ops::build(op, params, st, &sh.data, || sh.marker());
    let (request, follow) = match built {
        Ok(x) => x,
        Err(e) => {
            let error = Some((e.code, e.message));
            sh.recorder.record(Sample { op, scenario, latency: Duration::ZERO, error });
            return false;
        }
    };
    let started = Instant::now();
    let outcome = {
        let _in_flight = sh.recorder.begin_request();
        tokio::time::timeout(REQUEST_TIMEOUT, sh.db.submit(request)).await
    };
    let latency = started.elapsed();
    let error = match outcome {
        Err(_) => {
            if op == Operation::RecordAnswer {
                sh.answers_uncertain.fetch_add(1, Ordering::Relaxed);
            }
            Some(("ERR_TIMEOUT".to_string(), format!("no answer within {} s", REQUEST_TIMEOUT.as_secs())))
        }
        Ok(json) => match ops::error_of(&json) {
            Some(e) => Some(e),
            None => {
                if ops::follow(follow, &json, st) {
                    sh.answers_recorded.fetch_add(1, Ordering::Relaxed);
                }
                if op == Operation::StartSession {
                    if let Some(id) = st.session_id {
                        sh.sessions.lock().unwrap_or_else(|p| p.into_inner()).push((id, st.user_id));
                    }
                }
                None
            }
        },
    };
    let ok = error.is_none();
    sh.recorder.record(Sample { op, scenario, latency, error });
    ok
}
