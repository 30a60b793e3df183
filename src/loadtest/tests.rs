//! A real run on a seeded libSQL file, without Node.

use super::config::LoadTestConfig;
use super::runner::LoadTest;
use crate::config::{resolve, Raw};
use crate::db::Database;
use crate::runtime;
use std::sync::Arc;

fn seeded(name: &str) -> (Arc<Database>, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("ptp-loadtest-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("file:{}", dir.join("t.db").display());
    let cfg = resolve(None, &[("url".into(), Raw::Str(url))], &|_| None).expect("config");
    let db = Database::open(cfg);
    let rt = runtime::handle();
    let ready = rt.block_on(db.ready()).expect("ready");
    let r = ready.clone();
    rt.block_on(ready.write_async(move |c| {
        let out = crate::schema::seed(c, 0.02, 1_750_000_000);
        r.schema_changed(c);
        out
    }))
    .expect("seed");
    (db, dir)
}

fn config(users: usize, ms: u64, closed: bool) -> LoadTestConfig {
    let mut c = super::preset("light").expect("preset");
    c.max_users = users;
    c.duration_ms = ms;
    c.ramp_up_ms = 0;
    c.closed_loop = closed;
    c.seed = Some(7);
    c
}

#[test]
fn a_closed_loop_run_writes_every_answer_it_reports() {
    let (db, dir) = seeded("closed");
    let rt = runtime::handle();
    let t = LoadTest::new(db.clone(), config(40, 1500, true));
    let r = rt.block_on(t.run()).expect("run");
    assert_eq!(r.errors.len(), 0, "{:?}", r.errors);
    assert!(r.total_requests > 200, "{}", r.total_requests);
    assert!(r.integrity.ok, "{:?}", r.integrity);
    assert!(r.integrity.answers_recorded > 0);
    assert_eq!(r.integrity.sessions_created, 40);
    assert_eq!(r.concurrent_users, 40);
    assert!(r.p50_response_time <= r.p95_response_time && r.p95_response_time <= r.p99_response_time);
    assert!(r.p99_response_time <= r.max_response_time);
    assert_eq!(r.timeline.iter().map(|s| s.requests).sum::<u64>(), r.total_requests);
    assert_eq!(r.operations.iter().map(|o| o.count).sum::<u64>(), r.total_requests);
    assert!(t.progress().live.is_some());
    assert!(rt.block_on(t.run()).is_err(), "a test runs once");
    rt.block_on(db.close());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn think_time_keeps_users_mostly_idle_and_the_run_ends_on_time() {
    let (db, dir) = seeded("open");
    let rt = runtime::handle();
    let started = std::time::Instant::now();
    let r = rt.block_on(LoadTest::new(db.clone(), config(30, 1000, false)).run()).expect("run");
    // Think times run to 45 s; the end of the run cuts them short.
    assert!(started.elapsed().as_millis() < 5000);
    assert!(r.concurrent_users <= 30);
    assert_eq!(r.peak_active_users, 30);
    assert!(r.integrity.ok, "{:?}", r.integrity);
    rt.block_on(db.close());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_empty_database_is_refused_clearly() {
    let dir = std::env::temp_dir().join(format!("ptp-loadtest-{}-empty", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("file:{}", dir.join("t.db").display());
    let cfg = resolve(None, &[("url".into(), Raw::Str(url))], &|_| None).expect("config");
    let db = Database::open(cfg);
    let rt = runtime::handle();
    let e = rt.block_on(LoadTest::new(db.clone(), config(1, 100, true)).run()).expect_err("error");
    assert_eq!(e.code, "ERR_NOT_SEEDED");
    rt.block_on(db.close());
    let _ = std::fs::remove_dir_all(dir);
}
