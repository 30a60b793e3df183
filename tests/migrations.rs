//! The migration runner on real libSQL files seeded with the app's schema and data.

use pingtopass_db_performance::config::{resolve, Raw};
use pingtopass_db_performance::db::conn::Conn;
use pingtopass_db_performance::db::Database;
use pingtopass_db_performance::error::Error;
use pingtopass_db_performance::migrations::checksum::fnv1a64;
use pingtopass_db_performance::migrations::report::{PlanMode, Status, TaskStatus};
use pingtopass_db_performance::migrations::{optimize, sql, steps, Action, Options, Report};
use pingtopass_db_performance::{runtime, schema};
use std::path::PathBuf;
use std::sync::Arc;

struct Fixture {
    db: Arc<Database>,
    path: PathBuf,
    dir: PathBuf,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        runtime::handle().block_on(self.db.close());
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn open(name: &str) -> Fixture {
    let dir = std::env::temp_dir().join(format!("ptp-migrations-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("t.db");
    let url = format!("file:{}", path.display());
    let cfg = resolve(None, &[("url".into(), Raw::Str(url))], &|_| None).expect("config");
    Fixture { db: Database::open(cfg), path, dir }
}

/// Runs `f` on the writer, then lets the classifier and caches follow the schema.
fn write<T: Send + 'static>(f: &Fixture, job: impl FnOnce(&mut Conn) -> Result<T, Error> + Send + 'static) -> T {
    let rt = runtime::handle();
    let ready = rt.block_on(f.db.ready()).expect("ready");
    let r = ready.clone();
    rt.block_on(ready.write_async(move |c| {
        let out = job(c);
        r.schema_changed(c);
        out
    }))
    .expect("write")
}

fn read<T: Send + 'static>(f: &Fixture, job: impl FnOnce(&mut Conn) -> Result<T, Error> + Send + 'static) -> T {
    let rt = runtime::handle();
    let ready = rt.block_on(f.db.ready()).expect("ready");
    rt.block_on(ready.read_async(job)).expect("read")
}

fn seeded(name: &str) -> Fixture {
    let f = open(name);
    let report = write(&f, |c| schema::seed(c, 0.01, 1_750_000_000));
    assert!(report.seeded);
    f
}

fn run(f: &Fixture, action: Action, dry_run: bool) -> Result<Report, Error> {
    runtime::handle().block_on(optimize(&f.db, Options { action, dry_run }, None))
}

fn rollback(ids: &[&str]) -> Action {
    Action::Rollback { steps: Some(ids.iter().map(|s| s.to_string()).collect()) }
}

type MasterRow = (String, String, String, i64, Option<String>);

fn master(f: &Fixture) -> Vec<MasterRow> {
    read(f, |c| {
        c.query_map("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY type, name", vec![], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
    })
}

fn has_object(m: &[MasterRow], name: &str) -> bool {
    m.iter().any(|r| r.1 == name)
}

fn journal_ids(f: &Fixture) -> Vec<String> {
    read(f, |c| c.query_map("SELECT id FROM _pingtopass_migrations ORDER BY id", vec![], |r| Ok(r.get::<String>(0)?)))
}

fn checkpoint(f: &Fixture) {
    let busy = write(f, |c| c.hold_checkpoints(|c| c.query_map("PRAGMA wal_checkpoint(TRUNCATE)", vec![], |r| Ok(r.get::<i64>(0)?))));
    assert_eq!(busy, vec![0], "the WAL was written back and truncated");
}

fn file_hash(f: &Fixture) -> u64 {
    fnv1a64(&std::fs::read(&f.path).expect("database file"))
}

fn all_ids() -> Vec<String> {
    steps::STEPS.iter().map(|s| s.id.to_string()).collect()
}

#[test]
fn apply_is_idempotent_and_rollback_restores_sqlite_master() {
    let f = seeded("cycle");
    let before = master(&f);

    let Report::Apply(r) = run(&f, Action::Apply, false).expect("apply") else { panic!("not an apply report") };
    assert!(r.ok, "{}", r.message);
    assert_eq!(r.applied.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), all_ids());
    let fts = r.applied.iter().find(|s| s.id == "005").expect("005");
    assert!(fts.creates.iter().any(|o| o.name == "questions_fts"), "{:?}", fts.creates);
    assert_eq!(journal_ids(&f), all_ids());

    let Report::Apply(again) = run(&f, Action::Apply, false).expect("re-apply") else { panic!() };
    assert!(again.ok && again.up_to_date && again.applied.is_empty(), "{}", again.message);
    assert!(again.message.contains("nothing to do"), "{}", again.message);

    // 006's triggers write into 005's table: 005 alone cannot go.
    let e = run(&f, rollback(&["005"]), false).expect_err("dependency");
    assert_eq!(e.code, "ERR_STEP_DEPENDENCY");
    assert_eq!(journal_ids(&f).len(), 10, "a refused rollback changes nothing");

    let Report::Rollback(rb) = run(&f, rollback(&["005", "006"]), false).expect("rollback 005 006") else { panic!() };
    assert!(rb.ok, "{}", rb.message);
    assert_eq!(rb.rolled_back.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), vec!["006", "005"], "newest first");
    assert!(!rb.journal_dropped);
    let m = master(&f);
    assert!(!has_object(&m, "questions_fts") && !has_object(&m, "questions_fts_insert"));
    assert!(!journal_ids(&f).contains(&"005".to_string()));

    // Writes to questions work without the triggers, and the re-applied FTS index sees them.
    write(&f, |c| c.exec("UPDATE questions SET text = text || ' subnetting' WHERE id = 1", vec![]));
    let Report::Apply(re) = run(&f, Action::Apply, false).expect("re-apply 005 006") else { panic!() };
    assert_eq!(re.applied.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), vec!["005", "006"]);

    let Report::Rollback(all) = run(&f, Action::Rollback { steps: None }, false).expect("rollback all") else { panic!() };
    assert!(all.ok && all.journal_dropped, "{}", all.message);
    assert_eq!(all.rolled_back.first().map(|s| s.id.as_str()), Some("010"));
    assert_eq!(master(&f), before, "sqlite_master must be exactly as before the steps");

    let Report::Rollback(none) = run(&f, Action::Rollback { steps: None }, false).expect("rollback nothing") else { panic!() };
    assert!(none.ok && none.rolled_back.is_empty());
}

/// The names of the indexes with SQL (not the primary-key indexes of the migration's own
/// bookkeeping tables), sorted.
fn index_names(f: &Fixture) -> Vec<String> {
    master(f).into_iter().filter(|r| r.0 == "index" && r.4.is_some()).map(|r| r.1).collect()
}

/// How many indexes steps 002-004 create (docs/migrations.md and README.md quote it).
const NEW_INDEXES: usize = 11;

#[test]
fn the_dry_run_names_exactly_the_indexes_the_steps_create_and_their_rollback_drops() {
    let f = seeded("indexes");
    let before = index_names(&f);
    let Report::Plan(p) = run(&f, Action::Apply, true).expect("plan") else { panic!("not a plan") };
    let mut planned: Vec<String> =
        p.steps.iter().flat_map(|s| s.creates.iter()).filter(|o| o.kind == "index").map(|o| o.name.clone()).collect();
    planned.sort();

    let Report::Apply(r) = run(&f, Action::Apply, false).expect("apply") else { panic!() };
    assert!(r.ok, "{}", r.message);
    let created: Vec<String> = index_names(&f).into_iter().filter(|n| !before.contains(n)).collect();
    assert_eq!(planned, created, "the dry run lists what the apply creates, no more, no less");
    assert_eq!(created.len(), NEW_INDEXES, "{created:?}");

    let Report::Rollback(rb) = run(&f, rollback(&["004", "003", "002"]), false).expect("rollback") else { panic!() };
    assert!(rb.ok, "{}", rb.message);
    let mut dropped: Vec<String> =
        rb.rolled_back.iter().flat_map(|s| s.drops.iter()).filter(|o| o.kind == "index").map(|o| o.name.clone()).collect();
    dropped.sort();
    assert_eq!(dropped, created);
    assert_eq!(index_names(&f), before, "no index of 002-004 is left and none of the app's is gone");
}

#[test]
fn dry_run_leaves_the_file_byte_identical() {
    let f = seeded("dry");
    checkpoint(&f);
    let mode_before = read(&f, |c| c.query_map("PRAGMA journal_mode", vec![], |r| Ok(r.get::<String>(0)?)));
    let hash = file_hash(&f);

    let Report::Plan(p) = run(&f, Action::Apply, true).expect("plan") else { panic!("not a plan") };
    assert_eq!(p.mode, PlanMode::Apply);
    assert_eq!(p.would_run, all_ids());
    assert!(p.creates_journal && !p.journal_exists);
    let s002 = &p.steps[1];
    assert!(s002.creates.iter().any(|o| o.name == "idx_questions_study_practice_sample" && o.kind == "index" && !o.exists));
    let s010 = p.steps.iter().find(|s| s.id == "010").expect("010");
    assert_eq!(s010.rewrites.len(), 32, "every integer timestamp column");
    assert!(s010.rewrites.iter().map(|r| r.rows).sum::<i64>() > 0, "the seed leaves text timestamps");
    let s007 = p.steps.iter().find(|s| s.id == "007").expect("007");
    assert!(s007.pragmas.iter().any(|c| c.name == "journal_mode"));
    assert!(!s007.transactional);

    let Report::Plan(rp) = run(&f, Action::Rollback { steps: None }, true).expect("rollback plan") else { panic!() };
    assert!(rp.would_run.is_empty());
    let Report::Maintenance(mp) = run(&f, Action::Maintenance, true).expect("maintenance plan") else { panic!() };
    assert!(mp.dry_run && mp.tasks.iter().all(|t| t.status != TaskStatus::Done));

    assert_eq!(file_hash(&f), hash, "a dry run must not change one byte");
    assert!(!has_object(&master(&f), "_pingtopass_migrations"), "not even the journal table");
    let mode_after = read(&f, |c| c.query_map("PRAGMA journal_mode", vec![], |r| Ok(r.get::<String>(0)?)));
    assert_eq!(mode_before, mode_after);

    // Applied: the dry run says so and still changes nothing.
    let Report::Apply(r) = run(&f, Action::Apply, false).expect("apply") else { panic!() };
    assert!(r.ok);
    checkpoint(&f);
    let hash = file_hash(&f);
    let Report::Plan(p) = run(&f, Action::Apply, true).expect("plan") else { panic!() };
    assert!(p.would_run.is_empty() && p.steps.iter().all(|s| s.status == Status::Applied));
    let Report::Plan(rp) = run(&f, rollback(&["005", "006"]), true).expect("rollback plan") else { panic!() };
    assert_eq!(rp.would_run, vec!["006", "005"]);
    assert!(rp.steps[1].drops.iter().any(|o| o.name == "questions_fts" && o.exists));
    assert_eq!(file_hash(&f), hash);
}

#[test]
fn a_failing_step_leaves_nothing_behind() {
    // First step: a view squats on 001's table name, so CREATE TABLE IF NOT EXISTS is a no-op
    // and the INSERT into it fails. Not even the journal table may remain.
    let f = seeded("fail-first");
    write(&f, |c| c.exec_script("CREATE VIEW perf_migration_index_backup AS SELECT 1 AS x"));
    let before = master(&f);
    let Report::Apply(r) = run(&f, Action::Apply, false).expect("report") else { panic!() };
    assert!(!r.ok);
    let failed = r.failed.expect("failed step");
    assert_eq!(failed.id, "001");
    assert_eq!(r.not_run.len(), 9);
    assert!(r.message.contains("001"), "{}", r.message);
    assert_eq!(master(&f), before);

    // A middle step: a table squats on one of 003's index names, after 003 created others.
    let f = seeded("fail-middle");
    write(&f, |c| c.exec_script("CREATE TABLE idx_user_progress_leaderboard (x)"));
    let Report::Apply(r) = run(&f, Action::Apply, false).expect("report") else { panic!() };
    assert!(!r.ok);
    assert_eq!(r.failed.as_ref().map(|s| s.id.as_str()), Some("003"), "{}", r.message);
    assert_eq!(r.applied.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), vec!["001", "002"]);
    let m = master(&f);
    for name in ["idx_user_answers_session_progress", "idx_user_answers_progress_timeline", "idx_user_answers_progress_last_miss"] {
        assert!(!has_object(&m, name), "{name} must have been rolled back");
    }
    assert_eq!(journal_ids(&f), vec!["001", "002"]);
}

/// Every (table, column) step 010 rewrites, read from the step itself.
fn timestamp_columns() -> Vec<(String, String)> {
    let s = steps::find("010").expect("010");
    sql::split(s.up).iter().filter_map(|st| st.update_target()).map(|(t, c, _)| (t, c)).collect()
}

/// Every value of every timestamp column with its storage class, by primary key.
fn timestamps(f: &Fixture) -> Vec<(String, String, String, String, Option<String>)> {
    let cols = timestamp_columns();
    read(f, move |c| {
        let mut out = Vec::new();
        for (t, col) in &cols {
            let q = format!("SELECT CAST(id AS TEXT), typeof({col}), CAST({col} AS TEXT) FROM {t} ORDER BY id");
            for (id, ty, v) in c.query_map(&q, vec![], |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?, r.get::<Option<String>>(2)?)))? {
                out.push((t.clone(), col.clone(), id, ty, v));
            }
        }
        Ok(out)
    })
}

#[test]
fn step_010_rollback_restores_the_exact_text_values() {
    let f = seeded("timestamps");
    let before = timestamps(&f);
    let texts = before.iter().filter(|r| r.3 == "text").count();
    assert!(texts > 0, "the seed stores some timestamps as text");

    let Report::Apply(r) = run(&f, Action::Apply, false).expect("apply") else { panic!() };
    let step = r.applied.iter().find(|s| s.id == "010").expect("010 ran");
    assert_eq!(step.rewrites.iter().map(|w| w.rows).sum::<i64>() as usize, texts);
    let after = timestamps(&f);
    assert_eq!(after.iter().filter(|r| r.3 == "text").count(), 0, "no text timestamp left");

    let Report::Rollback(rb) = run(&f, rollback(&["010"]), false).expect("rollback 010") else { panic!() };
    assert!(rb.ok, "{}", rb.message);
    assert_eq!(rb.rolled_back[0].restores, Some(texts as i64));
    assert_eq!(timestamps(&f), before, "every original text value is back, byte for byte");
    assert!(!has_object(&master(&f), "perf_migration_timestamp_backup"));
}

#[test]
fn refuses_unknown_steps_and_foreign_databases_without_changing_them() {
    let f = seeded("refuse");
    let e = run(&f, rollback(&["999"]), false).expect_err("unknown step");
    assert_eq!(e.code, "ERR_UNKNOWN_STEP");
    assert!(e.message.contains("999"));

    let empty = open("foreign");
    write(&empty, |c| c.exec_script("CREATE TABLE notes (id INTEGER PRIMARY KEY)"));
    let before = master(&empty);
    for (action, dry) in [(Action::Apply, false), (Action::Apply, true), (Action::Maintenance, false), (Action::Rollback { steps: None }, false)] {
        let e = run(&empty, action, dry).expect_err("not the app's schema");
        assert_eq!(e.code, "ERR_NOT_APP_SCHEMA", "{e}");
        assert!(e.message.contains("users"), "{e}");
    }
    assert_eq!(master(&empty), before);
}

#[test]
fn a_changed_step_is_reported_not_reapplied() {
    let f = seeded("changed");
    let Report::Apply(r) = run(&f, Action::Apply, false).expect("apply") else { panic!() };
    assert!(r.ok);
    write(&f, |c| c.exec("UPDATE _pingtopass_migrations SET checksum = ? WHERE id = ?", vec!["0000000000000000".into(), "002".into()]));
    let Report::Apply(r) = run(&f, Action::Apply, false).expect("apply") else { panic!() };
    assert!(r.ok && r.applied.is_empty());
    assert_eq!(r.changed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec!["002"]);
    assert!(r.message.contains("002"), "{}", r.message);
    let Report::Plan(p) = run(&f, Action::Apply, true).expect("plan") else { panic!() };
    assert_eq!(p.changed, vec!["002"]);
    assert_eq!(p.steps[1].status, Status::Changed);
}

/// A database optimized by a pre-release build, whose 002 made idx_user_answers_study_review
/// another way and also made idx_user_answers_study_recent (docs/migrations.md says what to do).
#[test]
fn a_pre_release_002_003_is_picked_up_by_rolling_back_then_applying() {
    const OLD_REVIEW: &str = "CREATE INDEX idx_user_answers_study_review ON user_answers (user_id, is_correct, question_id)";
    const OLD_RECENT: &str = "CREATE INDEX idx_user_answers_study_recent ON user_answers (user_id, question_id, is_correct)";
    let review_sql = |f: &Fixture| -> Vec<String> {
        read(f, |c| c.query_map("SELECT sql FROM sqlite_master WHERE name = 'idx_user_answers_study_review'", vec![], |r| Ok(r.get::<String>(0)?)))
    };
    let f = seeded("pre-release");
    let Report::Apply(r) = run(&f, Action::Apply, false).expect("apply") else { panic!() };
    assert!(r.ok);
    let shipped = review_sql(&f);
    write(&f, |c| {
        c.exec_script(&format!("DROP INDEX idx_user_answers_study_review; {OLD_REVIEW}; {OLD_RECENT}"))?;
        c.exec("UPDATE _pingtopass_migrations SET checksum = '0000000000000000' WHERE id IN ('002', '003')", vec![])
    });

    // Applying again reports both and changes nothing: the old definition stays.
    let Report::Apply(r) = run(&f, Action::Apply, false).expect("apply") else { panic!() };
    assert!(r.ok && r.applied.is_empty());
    assert_eq!(r.changed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec!["002", "003"]);
    assert_eq!(review_sql(&f), vec![OLD_REVIEW.to_string()]);

    let Report::Rollback(rb) = run(&f, rollback(&["002", "003"]), false).expect("rollback") else { panic!() };
    assert!(rb.ok);
    let Report::Apply(r) = run(&f, Action::Apply, false).expect("apply") else { panic!() };
    assert_eq!(r.applied.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), vec!["002", "003"]);
    assert!(r.changed.is_empty());
    assert_eq!(review_sql(&f), shipped);
    // This build's 002 down does not know the index only the pre-release 002 created.
    assert!(has_object(&master(&f), "idx_user_answers_study_recent"));
}

#[test]
fn maintenance_reports_each_task_and_vacuums_only_when_worth_it() {
    let f = seeded("maintenance");
    let Report::Maintenance(m) = run(&f, Action::Maintenance, false).expect("maintenance") else { panic!() };
    assert!(m.ok, "{}", m.message);
    let names: Vec<&str> = m.tasks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["statistics", "wal checkpoint", "integrity check", "vacuum"]);
    assert_eq!(m.tasks[0].detail, "ANALYZE", "first run gathers statistics");
    assert_eq!(m.tasks[3].status, TaskStatus::Skipped, "{:?}", m.tasks[3]);

    write(&f, |c| c.exec("DELETE FROM user_answers", vec![]));
    checkpoint(&f);
    let Report::Maintenance(m) = run(&f, Action::Maintenance, false).expect("maintenance") else { panic!() };
    assert!(m.ok, "{}", m.message);
    assert_eq!(m.tasks[0].detail, "PRAGMA optimize");
    assert!(m.freelist_ratio > 0.2, "{}", m.freelist_ratio);
    assert_eq!(m.tasks[3].status, TaskStatus::Done, "{:?}", m.tasks[3]);
    let free = read(&f, |c| c.query_map("PRAGMA freelist_count", vec![], |r| Ok(r.get::<i64>(0)?)));
    assert_eq!(free, vec![0]);
}
