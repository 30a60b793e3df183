//! The report page: sections in the order a reader asks their questions (verdict, figures,
//! over time, per operation, what was run, what went wrong).

use super::svg::{bar_chart, line_chart, Series};
use super::{escape, utc};
use crate::loadtest::bins;
use crate::loadtest::results::{LoadTestResults, SecondRow};
use std::fmt::Write;

/// Timeline points drawn at most; longer runs are merged into this many windows.
const MAX_POINTS: usize = 600;
const BLUE: &str = "#2563eb";
const AMBER: &str = "#d97706";
const RED: &str = "#dc2626";
const GREEN: &str = "#059669";
const VIOLET: &str = "#7c3aed";

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1100px;color:#111827;padding:0 16px}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}\
.meta{color:#4b5563}.grade{display:inline-block;padding:2px 10px;border-radius:6px;color:#fff;font-weight:600}\
.EXCELLENT{background:#059669}.GOOD{background:#2563eb}.NEEDS_IMPROVEMENT{background:#d97706}.POOR{background:#dc2626}\
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}\
.card{border:1px solid #e5e7eb;border-radius:8px;padding:8px 10px}.card b{display:block;font-size:18px}\
table{border-collapse:collapse;margin:6px 0}td,th{border-bottom:1px solid #e5e7eb;padding:4px 10px;text-align:right}\
td:first-child,th:first-child{text-align:left}figure{margin:8px 0 16px}figcaption{font-weight:600;margin-bottom:2px}\
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:8px}\
svg text{font:11px system-ui,sans-serif;fill:#374151}.ok{color:#059669;font-weight:600}.bad{color:#dc2626;font-weight:600}";

fn ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else if v >= 1.0 {
        format!("{v:.2} ms")
    } else {
        format!("{:.0} µs", v * 1000.0)
    }
}

/// Merges consecutive seconds so a long run draws at most MAX_POINTS points: throughput
/// averaged, p95 and users at their worst. Each point sits at the middle of its window.
fn merged(rows: &[SecondRow]) -> Vec<SecondRow> {
    let k = rows.len().div_ceil(MAX_POINTS).max(1);
    let mut start = 0.0;
    rows.chunks(k)
        .map(|c| {
            let n = c.len() as f64;
            let end = c[c.len() - 1].t;
            let mid = (start + end) / 2.0;
            start = end;
            SecondRow {
                t: mid,
                requests: c.iter().map(|r| r.requests).sum(),
                errors: c.iter().map(|r| r.errors).sum(),
                throughput_rps: c.iter().map(|r| r.throughput_rps).sum::<f64>() / n,
                p95_response_time: c.iter().map(|r| r.p95_response_time).fold(0.0, f64::max),
                users_in_flight: c.iter().map(|r| r.users_in_flight).max().unwrap_or(0),
                active_users: c.iter().map(|r| r.active_users).max().unwrap_or(0),
            }
        })
        .collect()
}

fn card(out: &mut String, label: &str, value: &str) {
    let _ = write!(out, r#"<div class="card">{}<b>{}</b></div>"#, escape(label), escape(value));
}

pub fn render(r: &LoadTestResults) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let title = format!("Load test {} — {}", r.run_id, r.grade);
    let _ = write!(
        o,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{}</title><style>{STYLE}</style></head><body>"#,
        escape(&title)
    );
    let cfg = &r.config;
    let mode = if cfg["closedLoop"].as_bool() == Some(true) { "closed loop (no think time)" } else { "think time as the original" };
    let _ = write!(
        o,
        r#"<h1>PingToPass load test <span class="grade {g}">{g}</span></h1><p class="meta">{} · {} virtual users · {} · backend <b>{}</b> ({}) · run <code>{}</code></p>"#,
        escape(&utc(r.started_at)),
        cfg["maxUsers"],
        mode,
        escape(&r.backend),
        escape(&r.target),
        escape(&r.run_id),
        g = escape(&r.grade),
    );

    o.push_str("<h2>Assessment</h2><ul>");
    for rec in &r.recommendations {
        let _ = write!(o, "<li>{}</li>", escape(rec));
    }
    o.push_str("</ul><div class=\"cards\">");
    card(&mut o, "Requests", &r.total_requests.to_string());
    card(&mut o, "Throughput", &format!("{:.1} req/s", r.throughput_rps));
    card(&mut o, "Average", &ms(r.average_response_time));
    card(&mut o, "p50", &ms(r.p50_response_time));
    card(&mut o, "p95", &ms(r.p95_response_time));
    card(&mut o, "p99", &ms(r.p99_response_time));
    card(&mut o, "Max", &ms(r.max_response_time));
    card(&mut o, "Error rate", &format!("{:.2}%", r.error_rate));
    card(&mut o, "Peak users in flight", &r.concurrent_users.to_string());
    card(&mut o, "Peak active users", &r.peak_active_users.to_string());
    card(&mut o, "Duration", &format!("{:.1} s", r.duration_ms / 1000.0));
    o.push_str("</div>");

    let i = &r.integrity;
    let _ = write!(
        o,
        r#"<h2>Integrity</h2><p class="{}">{}</p><table><tr><th>check</th><th>run says</th><th>database has</th></tr><tr><td>answers written</td><td>{}</td><td>{}</td></tr><tr><td>answers in the user's own session</td><td>{}</td><td>{}</td></tr><tr><td>sessions opened</td><td>{}</td><td>{}</td></tr></table>"#,
        if i.ok { "ok" } else { "bad" },
        if i.ok { "Every write the run reported is in the database." } else { "Writes are missing or misplaced:" },
        i.answers_recorded,
        i.answers_found,
        i.answers_found,
        i.answers_in_own_session,
        i.sessions_created,
        i.sessions_found
    );
    if i.answers_uncertain > 0 {
        let _ = write!(o, "<p>{} answer writes timed out on the client; they may or may not have landed.</p>", i.answers_uncertain);
    }
    for p in &i.problems {
        let _ = write!(o, r#"<p class="bad">{}</p>"#, escape(p));
    }

    o.push_str("<h2>Over time</h2>");
    let rows = merged(&r.timeline);
    let xs: Vec<f64> = rows.iter().map(|r| r.t).collect();
    let x_max = r.duration_ms / 1000.0;
    o.push_str(&line_chart(
        "throughput",
        "Throughput (requests per second) and errors",
        "req/s",
        &xs,
        x_max,
        &[
            Series { name: "throughput", color: BLUE, values: rows.iter().map(|r| r.throughput_rps).collect() },
            Series { name: "errors", color: RED, values: rows.iter().map(|r| r.errors as f64).collect() },
        ],
    ));
    o.push_str(&line_chart(
        "p95",
        "p95 latency per second",
        "ms",
        &xs,
        x_max,
        &[Series { name: "p95", color: AMBER, values: rows.iter().map(|r| r.p95_response_time).collect() }],
    ));
    o.push_str(&line_chart(
        "users",
        "Virtual users: active and with a request in flight",
        "users",
        &xs,
        x_max,
        &[
            Series { name: "active", color: GREEN, values: rows.iter().map(|r| r.active_users as f64).collect() },
            Series { name: "in flight", color: VIOLET, values: rows.iter().map(|r| r.users_in_flight as f64).collect() },
        ],
    ));

    o.push_str("<h2>Per operation</h2><table><tr><th>operation</th><th>count</th><th>errors</th><th>mean</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>");
    for op in &r.operations {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&op.operation),
            op.count,
            op.errors,
            ms(op.mean),
            ms(op.p50),
            ms(op.p95),
            ms(op.p99),
            ms(op.max)
        );
    }
    o.push_str("</table><div class=\"grid\">");
    let labels: Vec<String> = (0..=bins::BOUNDS_US.len()).map(bins::label).collect();
    for op in &r.operations {
        // Only the bins from the first to the last non-empty one: readable bars.
        let first = op.histogram.iter().position(|&c| c > 0).unwrap_or(0);
        let last = op.histogram.iter().rposition(|&c| c > 0).unwrap_or(0);
        let (lo, hi) = (first.saturating_sub(1), (last + 2).min(op.histogram.len()));
        if let (Some(l), Some(c)) = (labels.get(lo..hi), op.histogram.get(lo..hi)) {
            o.push_str(&bar_chart(&format!("latency-{}", op.operation), &format!("{} latency", op.operation), l, c, BLUE));
        }
    }
    o.push_str("</div>");

    o.push_str("<h2>Scenarios</h2><table><tr><th>scenario</th><th>iterations</th><th>requests</th><th>errors</th><th>avg</th><th>min</th><th>max</th></tr>");
    for (name, s) in &r.scenario_results {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(name),
            s.iterations,
            s.requests,
            s.errors,
            ms(s.avg_response_time),
            ms(s.min_response_time),
            ms(s.max_response_time)
        );
    }
    o.push_str("</table>");

    let _ = write!(
        o,
        "<h2>Configuration</h2><table><tr><td>max users</td><td>{}</td></tr><tr><td>ramp-up</td><td>{} ms</td></tr><tr><td>duration</td><td>{} ms</td></tr><tr><td>mode</td><td>{}</td></tr><tr><td>seed</td><td>{}</td></tr><tr><td>backend</td><td>{} ({})</td></tr></table>",
        cfg["maxUsers"],
        cfg["rampUpTimeMs"],
        cfg["testDurationMs"],
        mode,
        cfg["seed"],
        escape(&r.backend),
        escape(&r.target)
    );
    o.push_str("<table><tr><th>scenario</th><th>weight</th><th>operations (requests per minute per user)</th></tr>");
    for s in cfg["scenarios"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        let ops: Vec<String> = s["operations"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|op| format!("{} {}", op["type"].as_str().unwrap_or("?"), op["frequency"]))
            .collect();
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(s["name"].as_str().unwrap_or("?")),
            s["weight"],
            escape(&ops.join(", "))
        );
    }
    o.push_str("</table>");

    if !r.errors.is_empty() {
        o.push_str("<h2>Errors</h2><table><tr><th>operation</th><th>code</th><th>count</th><th>first message</th></tr>");
        for e in &r.errors {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td style=\"text-align:left\">{}</td></tr>",
                escape(&e.operation),
                escape(&e.code),
                e.count,
                escape(&e.message)
            );
        }
        o.push_str("</table>");
    }
    o.push_str("</body></html>\n");
    o
}
