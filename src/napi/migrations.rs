//! The migration tool's bindings: `runCli` for bin/db.js (the whole `db:*` command line runs
//! in Rust and hands back its output), `optimizeDatabase` for lib/migrations.js.

use super::database::NativeDatabase;
use super::to_napi;
use crate::error::Error;
use crate::migrations::{self, cli, Action, Options};
use napi::bindgen_prelude::*;
use napi_derive::napi;

#[napi(object)]
pub struct CliOutput {
    pub exit_code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs one `db:*` command line (argv without node and the script). Never rejects: failures
/// come back as text on stderr with a non-zero exit code.
#[napi(catch_unwind)]
pub fn run_cli(env: &Env, argv: Vec<String>) -> napi::Result<PromiseRaw<'_, CliOutput>> {
    env.spawn_future(async move {
        let out = cli::run(argv, cli::Io::process()).await;
        Ok(CliOutput { exit_code: out.exit_code, stdout: out.stdout, stderr: out.stderr })
    })
}

/// `action`: apply, rollback or maintenance; `steps` only for rollback. Resolves to the
/// report as JSON.
#[napi(catch_unwind)]
pub fn optimize_database<'env>(
    env: &'env Env,
    db: &NativeDatabase,
    action: String,
    dry_run: bool,
    steps: Option<Vec<String>>,
) -> napi::Result<PromiseRaw<'env, String>> {
    let action = match (action.as_str(), steps) {
        ("apply", None) => Action::Apply,
        ("maintenance", None) => Action::Maintenance,
        ("rollback", steps) => Action::Rollback { steps },
        (_, Some(_)) => return Err(to_napi(Error::out_of_range("options.steps", "given with rollback: true only"))),
        (other, None) => {
            return Err(to_napi(Error::out_of_range("action", &format!("apply, rollback or maintenance, got {other:?}"))))
        }
    };
    let db = db.inner().clone();
    env.spawn_future(async move {
        let report = migrations::optimize(&db, Options { action, dry_run }, None).await.map_err(to_napi)?;
        serde_json::to_string(&report).map_err(|e| to_napi(Error::internal(e.to_string())))
    })
}
