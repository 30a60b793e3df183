//! The Rust core without Node: a real libSQL file, requests as JS would send them.

use pingtopass_db_performance::config::{resolve, Raw};
use pingtopass_db_performance::db::{Database, RawParams, RawStatement, Request};
use std::sync::Arc;

fn open(name: &str) -> Arc<Database> {
    let dir = std::env::temp_dir().join(format!("ptp-core-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("file:{}", dir.join("t.db").display());
    let cfg = resolve(None, &[("url".into(), Raw::Str(url))], &|_| None).expect("config");
    Database::open(cfg)
}

fn exec(sql: &str, params: Vec<libsql::Value>) -> Request {
    Request::Execute {
        stmt: RawStatement { sql: Arc::from(sql), params: RawParams::Positional(params) },
        cache: true,
        ttl: None,
    }
}

fn run(db: &Arc<Database>, reqs: Vec<Request>) -> Vec<serde_json::Value> {
    let rt = pingtopass_db_performance::runtime::handle();
    let json = rt.block_on(db.run(reqs));
    serde_json::from_str::<Vec<serde_json::Value>>(&json).expect("json")
}

#[test]
fn writes_group_commit_and_reads_follow() {
    let db = open("group");
    let out = run(&db, vec![exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)", vec![])]);
    assert!(out[0].get("$error").is_none(), "{out:?}");
    let mut reqs: Vec<Request> = (0..100).map(|i| exec("INSERT INTO t (v) VALUES (?)", vec![format!("v{i}").into()])).collect();
    reqs.push(exec("INSERT INTO t (v) VALUES (?)", vec!["v1".into()]));
    let out = run(&db, reqs);
    assert_eq!(out.iter().filter(|o| o.get("$error").is_some()).count(), 1);
    assert_eq!(out[100]["$error"]["code"], "SQLITE_CONSTRAINT");
    let out = run(&db, vec![exec("SELECT count(*) AS c FROM t", vec![])]);
    assert_eq!(out[0]["rows"][0][0], 100);
    // Cached, then invalidated by a write to the same table.
    let _ = run(&db, vec![exec("SELECT count(*) AS c FROM t", vec![])]);
    let _ = run(&db, vec![exec("DELETE FROM t WHERE v = ?", vec!["v0".into()])]);
    let out = run(&db, vec![exec("SELECT count(*) AS c FROM t", vec![])]);
    assert_eq!(out[0]["rows"][0][0], 99);
    pingtopass_db_performance::runtime::handle().block_on(db.close());
}

#[test]
fn identical_misses_in_one_turn_run_once() {
    let db = open("dedupe");
    let _ = run(&db, vec![exec("CREATE TABLE t (x)", vec![])]);
    let out = run(&db, (0..50).map(|_| exec("SELECT count(*) AS c FROM t", vec![])).collect());
    assert!(out.iter().all(|o| o["rows"][0][0] == 0));
    let m = db.metrics();
    assert_eq!(m["cache"]["totalEntries"], 1);
    pingtopass_db_performance::runtime::handle().block_on(db.close());
}

#[test]
fn concurrent_rust_submitters_share_turns() {
    let db = open("submit");
    let _ = run(&db, vec![exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)", vec![])]);
    let rt = pingtopass_db_performance::runtime::handle();
    let outcomes: Vec<String> = rt.block_on(async {
        let tasks: Vec<_> = (0..300)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move { db.submit(exec("INSERT INTO t (v) VALUES (?)", vec![i.into()])).await })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.expect("task"));
        }
        out
    });
    assert!(outcomes.iter().all(|o| !o.contains("$error")), "{:?}", outcomes.iter().find(|o| o.contains("$error")));
    let out = run(&db, vec![exec("SELECT count(*) AS c, count(DISTINCT v) AS d FROM t", vec![])]);
    assert_eq!(out[0]["rows"][0][0], 300);
    assert_eq!(out[0]["rows"][0][1], 300);
    rt.block_on(db.close());
}

/// A turn as the JS thread flushes it: answered here (Some) or by the pool; a turn of one
/// is its outcome alone, as lib/database.js reads it.
fn flush_local(db: &Arc<Database>, reqs: Vec<Request>) -> (bool, Vec<serde_json::Value>) {
    let ready = db.try_ready().expect("ready");
    let one = reqs.len() == 1;
    let (tx, rx) = std::sync::mpsc::channel();
    let here = db
        .run_local(&ready, reqs, move || Ok(Box::new(move |json: String| drop(tx.send(json))) as Box<dyn FnOnce(String) + Send>))
        .expect("flush");
    let json = match &here {
        Some(j) => j.clone(),
        None => rx.recv().expect("answered"),
    };
    let outcomes = if one { vec![serde_json::from_str(&json).expect("json")] } else { serde_json::from_str(&json).expect("json") };
    (here.is_some(), outcomes)
}

fn insert_call(scales: bool) -> Request {
    Request::Call(pingtopass_db_performance::db::Call {
        operation: if scales { "test.scaled" } else { "test.fixed" },
        write: true,
        writes: &["t"],
        scales,
        run: Box::new(|conn| conn.exec("INSERT INTO t (v) VALUES ('x')", vec![]).map(|n| n.to_string())),
    })
}

#[test]
fn cheap_calls_run_on_the_calling_thread_unless_their_work_scales() {
    // A budget of a second: on a loaded machine an insert can take longer than the default.
    let dir = std::env::temp_dir().join(format!("ptp-core-{}-inline", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("file:{}", dir.join("t.db").display());
    let settings = [("url".into(), Raw::Str(url)), ("inlineBudget".into(), Raw::Num(1000.0))];
    let db = Database::open(resolve(None, &settings, &|_| None).expect("config"));
    let rt = pingtopass_db_performance::runtime::handle();
    rt.block_on(db.ready()).expect("ready");
    let _ = run(&db, vec![exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", vec![])]);
    let runs = |scales: bool| (0..8).filter(|_| {
        // The writer thread lets go of its connection just after answering: wait for that,
        // as the event loop's turn does for JS.
        let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while db.metrics()["pool"]["activeConnections"] != 0 && std::time::Instant::now() < until {
            std::thread::yield_now();
        }
        let (here, out) = flush_local(&db, vec![insert_call(scales)]);
        assert_eq!(out[0], 1, "{out:?}");
        here
    }).count();
    assert!(runs(false) >= 1, "a lone cheap write is answered on the calling thread once its cost is known");
    assert_eq!(runs(true), 0, "a call whose work scales with its arguments never is");
    let out = run(&db, vec![exec("SELECT count(*) FROM t", vec![])]);
    assert_eq!(out[0]["rows"][0][0], 16);
    rt.block_on(db.close());
}
