//! The readable form of every report (stdout without `--json`).

use super::health::{CheckStatus, HealthReport};
use crate::migrations::report::*;
use crate::schema::SeedReport;
use std::fmt::Write;

fn objects(out: &mut String, verb: &str, list: &[DbObject], exists_note: &str) {
    for o in list {
        let note = if o.exists == (verb == "drops") { "" } else { exists_note };
        let _ = writeln!(out, "        {verb} {} {}{note}", o.kind, o.name);
    }
}

fn rewrites(out: &mut String, verb: &str, list: &[Rewrite]) {
    let total: i64 = list.iter().map(|r| r.rows).sum();
    let _ = writeln!(out, "        {verb} {total} text timestamp(s) as unix seconds");
    for r in list.iter().filter(|r| r.rows > 0) {
        let _ = writeln!(out, "          {}.{}: {}", r.table, r.column, r.rows);
    }
}

fn pragmas(out: &mut String, list: &[PragmaChange]) {
    for p in list {
        let before = p.before.as_deref().unwrap_or("?");
        match &p.after {
            Some(after) => {
                let _ = write!(out, "        PRAGMA {} {before} -> {after}", p.name);
            }
            None => {
                let _ = write!(out, "        PRAGMA {} {before} -> {}", p.name, p.target);
            }
        }
        let _ = writeln!(out, "{}", p.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default());
    }
}

fn note(out: &mut String, n: &Option<String>) {
    if let Some(n) = n {
        let _ = writeln!(out, "        note: {n}");
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Pending => "pending",
        Status::Applied => "applied",
        Status::Changed => "CHANGED",
    }
}

pub fn plan(r: &PlanReport) -> String {
    let mut out = String::new();
    let what = match r.mode {
        PlanMode::Apply => "optimize",
        PlanMode::Rollback => "rollback",
    };
    let _ = writeln!(out, "dry run of {what} on {}: nothing is changed\n", r.target);
    for s in &r.steps {
        let tx = if s.transactional { "" } else { ", outside a transaction" };
        let state = match (r.mode, s.will_run) {
            (PlanMode::Apply, true) => format!("would run{tx}"),
            (PlanMode::Rollback, _) => format!("would roll back{tx}"),
            (PlanMode::Apply, false) => status_word(s.status).to_string(),
        };
        let _ = writeln!(out, "  {} {:<22} {:<32} {state}", s.id, s.name, s.title);
        if !s.will_run && s.status != Status::Changed {
            continue;
        }
        objects(&mut out, "creates", &s.creates, " (exists already: skipped)");
        objects(&mut out, "drops", &s.drops, " (absent already)");
        if !s.rewrites.is_empty() {
            rewrites(&mut out, "rewrites", &s.rewrites);
        }
        if let Some(n) = s.restores {
            let _ = writeln!(out, "        restores {n} saved text timestamp(s)");
        }
        pragmas(&mut out, &s.pragmas);
        note(&mut out, &s.note);
    }
    out.push('\n');
    if r.creates_journal {
        let _ = writeln!(out, "the journal table _pingtopass_migrations would be created");
    }
    if r.drops_journal {
        let _ = writeln!(out, "no step would remain applied: the journal table _pingtopass_migrations would be dropped");
    }
    if !r.not_applied.is_empty() {
        let _ = writeln!(out, "not applied (nothing to undo): {}", r.not_applied.join(", "));
    }
    if !r.changed.is_empty() {
        let _ = writeln!(out, "changed since applied (would not be re-applied): {}", r.changed.join(", "));
    }
    let _ = writeln!(out, "{}", r.message);
    out
}

fn step_run(out: &mut String, verb: &str, s: &StepRun) {
    let _ = writeln!(out, "  {verb} {} {:<22} {:>10.1} ms", s.id, s.name, s.ms);
    objects(out, "created", &s.creates, "");
    objects(out, "dropped", &s.drops, "");
    if !s.rewrites.is_empty() {
        rewrites(out, "rewrote", &s.rewrites);
    }
    if let Some(n) = s.restores {
        let _ = writeln!(out, "        restored from {n} saved text timestamp(s)");
    }
    pragmas(out, &s.pragmas);
    note(out, &s.note);
}

fn failure(out: &mut String, f: &Option<StepFailure>, not_run: &[String]) {
    if let Some(f) = f {
        let _ = writeln!(out, "  FAILED {} {}: {} ({})", f.id, f.name, f.message, f.code);
        let _ = writeln!(out, "         the step's transaction was rolled back: nothing of it is left");
    }
    if !not_run.is_empty() {
        let _ = writeln!(out, "  not run: {}", not_run.join(", "));
    }
}

pub fn apply(r: &ApplyReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "optimize on {}\n", r.target);
    for s in &r.applied {
        step_run(&mut out, "applied", s);
    }
    if !r.already_applied.is_empty() {
        let _ = writeln!(out, "  already applied: {}", r.already_applied.join(", "));
    }
    for c in &r.changed {
        let _ = writeln!(
            out,
            "  CHANGED {} {}: applied with checksum {}, the shipped SQL has {}; not re-applied (roll it back and apply again to pick it up)",
            c.id, c.name, c.journal_checksum, c.checksum
        );
    }
    failure(&mut out, &r.failed, &r.not_run);
    let _ = writeln!(out, "\n{} ({:.0} ms)", r.message, r.total_ms);
    out
}

pub fn rollback(r: &RollbackReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "rollback on {}\n", r.target);
    for s in &r.rolled_back {
        step_run(&mut out, "rolled back", s);
    }
    if !r.not_applied.is_empty() {
        let _ = writeln!(out, "  not applied (nothing to undo): {}", r.not_applied.join(", "));
    }
    failure(&mut out, &r.failed, &r.not_run);
    let _ = writeln!(out, "\n{} ({:.0} ms)", r.message, r.total_ms);
    out
}

pub fn maintenance(r: &MaintenanceReport) -> String {
    let mut out = String::new();
    let dry = if r.dry_run { "dry run of " } else { "" };
    let _ = writeln!(out, "{dry}maintenance on {}\n", r.target);
    for t in &r.tasks {
        let status = match t.status {
            TaskStatus::Done => "done",
            TaskStatus::Skipped => "skipped",
            TaskStatus::Failed => "FAILED",
            TaskStatus::WouldRun => "would run",
        };
        let ms = if t.status == TaskStatus::Done || t.status == TaskStatus::Failed { format!("{:.1} ms", t.ms) } else { String::new() };
        let _ = writeln!(out, "  {:<16} {:<9} {:>10}  {}", t.name, status, ms, t.detail);
    }
    let _ = writeln!(out, "\n{} ({:.0} ms)", r.message, r.total_ms);
    out
}

pub fn report(r: &Report) -> String {
    match r {
        Report::Plan(p) => plan(p),
        Report::Apply(a) => apply(a),
        Report::Rollback(b) => rollback(b),
        Report::Maintenance(m) => maintenance(m),
    }
}

pub fn health(r: &HealthReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "health of {}: {}\n", r.target, r.status);
    for c in &r.checks {
        let status = match c.status {
            CheckStatus::Pass => "pass",
            CheckStatus::Warn => "WARN",
            CheckStatus::Fail => "FAIL",
        };
        let ms = c.ms.map(|m| format!("{m:.1} ms")).unwrap_or_default();
        let _ = writeln!(out, "  {:<15} {:<5} {:>10}  {}", c.name, status, ms, c.detail);
    }
    if !r.recommendations.is_empty() {
        let _ = writeln!(out, "\nrecommendations:");
        for rec in &r.recommendations {
            let _ = writeln!(out, "  - {rec}");
        }
    }
    out
}

pub fn seed(r: &SeedReport) -> String {
    let mut out = String::new();
    if r.seeded {
        let _ = writeln!(out, "seeded at scale {} in {:.1} s", r.scale, r.ms / 1000.0);
    } else {
        let _ = writeln!(out, "database already holds data: left as it is");
    }
    for (table, n) in &r.rows {
        let _ = writeln!(out, "  {table:<26} {n:>9}");
    }
    out
}
