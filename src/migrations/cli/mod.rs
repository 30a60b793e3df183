//! The `db:*` command line: `bin/db.js` hands argv over and prints what comes back. Reports
//! go to stdout (text, or JSON with `--json`), errors to stderr, progress to the terminal's
//! stderr as it happens (only when stderr is a terminal). Exit codes: 0 done, 1 failed or
//! unhealthy, 2 bad usage.

pub mod args;
pub mod health;
pub mod render;
pub mod usage;

use self::args::{Args, Command, Usage};
use super::{optimize, readonly, run_on, unix_now, Action, Ctx, Options, Progress};
use crate::config::{self, Backend, EdgeConfig};
use crate::db::conn::Conn;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::schema;
use serde::Serialize;
use std::sync::Arc;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

const BENCHMARK_IN_JS: &str = "benchmark runs in bin/db.js (lib/loadtest.js drives the load tester): run `node bin/db.js benchmark`";
const QUICKSTART_IN_JS: &str = "quickstart runs in bin/db.js (it drives the JS API): run `node bin/db.js quickstart`";

/// Errors that mean the command line was wrong rather than the database.
const USAGE_CODES: &[&str] = &["ERR_UNKNOWN_STEP", "ERR_INVALID_CONFIG", "ERR_INVALID_ARG_TYPE", "ERR_OUT_OF_RANGE"];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub exit_code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Reads one environment variable.
pub type EnvReader = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Where the command runs: the environment it reads settings from, and whether live
/// progress may be written to this process's stderr.
pub struct Io {
    pub env: EnvReader,
    pub progress: bool,
}

impl Io {
    /// The real process environment; progress when stderr is a terminal.
    pub fn process() -> Io {
        use std::io::IsTerminal;
        Io { env: Box::new(|k| std::env::var(k).ok()), progress: std::io::stderr().is_terminal() }
    }
}

fn usage_text(command: Option<Command>) -> &'static str {
    match command {
        None => usage::GENERAL,
        Some(Command::Optimize) => usage::OPTIMIZE,
        Some(Command::Health) => usage::HEALTH,
        Some(Command::Seed) => usage::SEED,
        Some(Command::Benchmark) => usage::BENCHMARK,
        Some(Command::Quickstart) => usage::QUICKSTART,
    }
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).map(|s| s + "\n").unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}\n"))
}

/// An error as the CLI shows it: a line on stderr, and with `--json` an object on stdout.
fn fail(e: &Error, as_json: bool) -> Output {
    let code = if USAGE_CODES.contains(&e.code.as_str()) { EXIT_USAGE } else { EXIT_FAILED };
    let stdout = if as_json {
        json(&serde_json::json!({ "ok": false, "error": { "code": e.code, "message": e.message } }))
    } else {
        String::new()
    };
    Output { exit_code: code, stdout, stderr: format!("error: {} ({})\n", e.message, e.code) }
}

fn usage_error(u: &Usage) -> Output {
    Output { exit_code: EXIT_USAGE, stdout: String::new(), stderr: format!("{}\n\n{}\n", u.message, usage_text(u.command)) }
}

/// Runs one command line (argv without node and the script).
pub async fn run(argv: Vec<String>, io: Io) -> Output {
    let args = match args::parse(&argv) {
        Ok(a) => a,
        Err(u) => return usage_error(&u),
    };
    if args.help {
        return Output { exit_code: EXIT_OK, stdout: format!("{}\n", usage_text(args.command)), stderr: String::new() };
    }
    let Some(command) = args.command else {
        return Output { exit_code: EXIT_USAGE, stdout: String::new(), stderr: format!("{}\n", usage::GENERAL) };
    };
    match command {
        Command::Benchmark => fail(&Error::usage("ERR_NOT_AVAILABLE", BENCHMARK_IN_JS), args.json).with_exit(EXIT_USAGE),
        Command::Quickstart => fail(&Error::usage("ERR_NOT_AVAILABLE", QUICKSTART_IN_JS), args.json).with_exit(EXIT_USAGE),
        Command::Optimize => run_optimize(&args, &io).await.unwrap_or_else(|e| fail(&e, args.json)),
        Command::Health => run_health(&args, &io).await.unwrap_or_else(|e| fail(&e, args.json)),
        Command::Seed => run_seed(&args, &io).await.unwrap_or_else(|e| fail(&e, args.json)),
    }
}

impl Output {
    fn with_exit(mut self, code: i32) -> Output {
        self.exit_code = code;
        self
    }

    fn report<T: Serialize>(report: &T, as_json: bool, text: impl FnOnce(&T) -> String, ok: bool) -> Output {
        let stdout = if as_json { json(report) } else { text(report) };
        Output { exit_code: if ok { EXIT_OK } else { EXIT_FAILED }, stdout, stderr: String::new() }
    }
}

fn resolve(args: &Args, io: &Io) -> Result<EdgeConfig> {
    config::resolve(None, &args.settings(), &*io.env)
}

/// Runs `f` on a read-only connection to a local file, on a blocking thread.
async fn with_readonly<T: Send + 'static>(
    cfg: &EdgeConfig,
    f: impl FnOnce(&mut Conn) -> Result<T> + Send + 'static,
) -> Result<T> {
    let Backend::Local { path } = &cfg.backend else {
        return Err(Error::internal("a read-only connection is only for local files"));
    };
    let (path, cfg) = (path.clone(), cfg.clone());
    tokio::task::spawn_blocking(move || {
        let mut conn = readonly::open(&path, &cfg)?;
        f(&mut conn)
    })
    .await
    .map_err(|e| Error::internal(format!("the read-only check stopped: {e}")))?
}

fn progress(io: &Io) -> Option<Progress> {
    io.progress.then(|| Arc::new(|m: &str| eprintln!("  ... {m}")) as Progress)
}

/// Opens the database for a command and closes it whatever happens.
async fn with_database<T>(cfg: EdgeConfig, f: impl AsyncFnOnce(&Arc<Database>) -> Result<T>) -> Result<T> {
    let db = Database::open(cfg);
    let out = f(&db).await;
    db.close().await;
    out
}

async fn run_optimize(args: &Args, io: &Io) -> Result<Output> {
    let action = if args.rollback {
        Action::Rollback { steps: (!args.steps.is_empty()).then(|| args.steps.clone()) }
    } else if args.maintenance {
        Action::Maintenance
    } else {
        Action::Apply
    };
    let opts = Options { action, dry_run: args.dry_run };
    super::check_options(&opts)?;
    let cfg = resolve(args, io)?;
    let target = cfg.display_target();
    if let Backend::Local { .. } = cfg.backend {
        // A local file is looked at read-only first: a missing file is not created, a file
        // that is not the app's is not touched (the pool would switch it to WAL), and a dry
        // run never opens anything else.
        let (o, t) = (opts.clone(), target.clone());
        let plan = with_readonly(&cfg, move |conn| {
            let quiet = |_: &str| {};
            let none = |_: &mut Conn| {};
            let ctx = Ctx { target: t, local: true, now: unix_now(), progress: &quiet, after_ddl: &none };
            if o.dry_run {
                return run_on(conn, &ctx, &o).map(Some);
            }
            let schema = super::inspect::read(conn)?;
            super::inspect::require_app_schema(&schema, &ctx.target)?;
            Ok(None)
        })
        .await?;
        if let Some(report) = plan {
            return Ok(Output::report(&report, args.json, render::report, report.ok()));
        }
    }
    let p = progress(io);
    let report = with_database(cfg, async |db: &Arc<Database>| optimize(db, opts, p).await).await?;
    Ok(Output::report(&report, args.json, render::report, report.ok()))
}

async fn run_health(args: &Args, io: &Io) -> Result<Output> {
    let cfg = resolve(args, io)?;
    let target = cfg.display_target();
    let slow = cfg.slow_query_threshold_ms;
    let report = if let Backend::Local { .. } = cfg.backend {
        let t = target.clone();
        with_readonly(&cfg, move |conn| Ok(health::check(conn, &t, slow)))
            .await
            .unwrap_or_else(|e| health::unreachable(&target, &e.code, &e.message))
    } else {
        let t = target.clone();
        with_database(cfg, async move |db: &Arc<Database>| {
            let t2 = t.clone();
            Ok(match db.ready().await {
                Ok(ready) => {
                    let mut report = ready
                        .read_async(move |conn| Ok(health::check(conn, &t2, slow)))
                        .await
                        .unwrap_or_else(|e| health::unreachable(&t, &e.code, &db.scrub(e.clone()).message));
                    if let Some(s) = &ready.sync {
                        report.add_replication(s);
                    }
                    report
                }
                Err(e) => health::unreachable(&t, &e.code, &e.message),
            })
        })
        .await?
    };
    let healthy = report.healthy;
    Ok(Output::report(&report, args.json, render::health, healthy))
}

async fn run_seed(args: &Args, io: &Io) -> Result<Output> {
    let scale = match &args.scale {
        None => 1.0,
        Some(s) => s
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n > 0.0 && *n <= 100.0)
            .ok_or_else(|| Error::out_of_range("--scale", &format!("a number above 0 and at most 100, got {s:?}")))?,
    };
    let cfg = resolve(args, io)?;
    let report = with_database(cfg, async |db: &Arc<Database>| {
        let ready = db.ready().await?;
        let r = ready.clone();
        let now = unix_now();
        ready
            .write_async(move |c| {
                let out = schema::seed(c, scale, now);
                r.schema_changed(c);
                out
            })
            .await
            .map_err(|e| db.scrub(e))
    })
    .await?;
    Ok(Output::report(&report, args.json, render::seed, true))
}
