//! What the runner reports: plain serde structs (camelCase) that the CLI prints as text or
//! `--json`, and that `optimizeDatabase` hands to JS as they are.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Not in the journal.
    Pending,
    /// In the journal with the checksum of the shipped SQL.
    Applied,
    /// In the journal, but the shipped SQL has changed since: reported, never re-applied.
    Changed,
}

/// A schema object and whether sqlite_master holds it now.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DbObject {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub exists: bool,
}

/// Rows of one timestamp column that step 010 rewrites (or would).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rewrite {
    pub table: String,
    pub column: String,
    pub rows: i64,
}

/// One PRAGMA of step 007: its value before and the value it is set to (after, once run).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PragmaChange {
    pub name: String,
    pub before: Option<String>,
    pub target: String,
    pub after: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedStep {
    pub id: String,
    pub name: String,
    pub title: String,
    pub status: Status,
    /// Whether the step runs (apply plan) or is undone (rollback plan) by this command.
    pub will_run: bool,
    pub transactional: bool,
    pub checksum: String,
    pub journal_checksum: Option<String>,
    pub applied_at: Option<i64>,
    pub creates: Vec<DbObject>,
    pub drops: Vec<DbObject>,
    pub rewrites: Vec<Rewrite>,
    /// Rollback of 010: text values that would be restored.
    pub restores: Option<i64>,
    pub pragmas: Vec<PragmaChange>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PlanMode {
    Apply,
    Rollback,
}

/// A dry run: what `apply` or `rollback` would do, read from the journal and sqlite_master.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanReport {
    pub target: String,
    pub mode: PlanMode,
    pub journal_exists: bool,
    pub creates_journal: bool,
    pub drops_journal: bool,
    pub steps: Vec<PlannedStep>,
    pub would_run: Vec<String>,
    pub changed: Vec<String>,
    /// Rollback: requested steps that are not applied (nothing to undo).
    pub not_applied: Vec<String>,
    pub message: String,
}

/// A step that ran (applied or rolled back).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepRun {
    pub id: String,
    pub name: String,
    pub title: String,
    pub ms: f64,
    pub creates: Vec<DbObject>,
    pub drops: Vec<DbObject>,
    pub rewrites: Vec<Rewrite>,
    pub restores: Option<i64>,
    pub pragmas: Vec<PragmaChange>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepFailure {
    pub id: String,
    pub name: String,
    pub title: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangedStep {
    pub id: String,
    pub name: String,
    pub journal_checksum: String,
    pub checksum: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    pub target: String,
    pub ok: bool,
    /// Nothing to do: every step is in the journal.
    pub up_to_date: bool,
    pub applied: Vec<StepRun>,
    pub already_applied: Vec<String>,
    pub changed: Vec<ChangedStep>,
    pub failed: Option<StepFailure>,
    /// Pending steps left alone because an earlier one failed.
    pub not_run: Vec<String>,
    pub total_ms: f64,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RollbackReport {
    pub target: String,
    pub ok: bool,
    pub rolled_back: Vec<StepRun>,
    pub not_applied: Vec<String>,
    pub journal_dropped: bool,
    pub failed: Option<StepFailure>,
    pub not_run: Vec<String>,
    pub total_ms: f64,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TaskStatus {
    Done,
    Skipped,
    Failed,
    /// Dry run: would be done.
    WouldRun,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub name: String,
    pub status: TaskStatus,
    pub ms: f64,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceReport {
    pub target: String,
    pub ok: bool,
    pub dry_run: bool,
    pub tasks: Vec<Task>,
    pub page_count: i64,
    pub freelist_count: i64,
    pub freelist_ratio: f64,
    pub total_ms: f64,
    pub message: String,
}

/// Every report, tagged by `action` so JS can switch on it.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum Report {
    Plan(PlanReport),
    Apply(ApplyReport),
    Rollback(RollbackReport),
    Maintenance(MaintenanceReport),
}

impl Report {
    /// False when a step failed or the integrity check found a problem.
    pub fn ok(&self) -> bool {
        match self {
            Report::Plan(_) => true,
            Report::Apply(r) => r.ok,
            Report::Rollback(r) => r.ok,
            Report::Maintenance(r) => r.ok,
        }
    }
}

pub fn ms_since(t: std::time::Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0
}
