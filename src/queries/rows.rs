//! Rows of the app's tables as the ORM gave them to the app: camelCase keys, JSON columns
//! parsed, boolean columns as booleans, timestamps as unix seconds that JS turns into
//! `Date`s (the result lists their keys in `dates`). Column kinds go by the app's column
//! names, which are the same in every table.

use crate::db::value::{cell_type, push_int, push_json_str, CellTypes};
use crate::error::Result;
use libsql::{Row, ValueType};
use std::fmt::Write;

const JSON_COLUMNS: &[&str] = &[
    "answers", "tags", "diagram_data", "objectives", "difficulty_filter", "objective_scores",
    "objective_mastery", "weak_topics", "recommended_objectives", "metrics", "tweet_metrics",
    "recent_activity", "entities", "ai_analysis", "permissions", "prerequisites",
];
const BOOL_COLUMNS: &[&str] = &[
    "ai_generated", "is_active", "is_beta", "is_correct", "flagged", "changed_answer", "passed",
    "review_enabled", "certificate_issued", "email_verified",
];
const TIMESTAMP_COLUMNS: &[&str] = &[
    "created_at", "updated_at", "reviewed_at", "answered_at", "last_activity", "completed_at",
    "tweet_created_at", "executed_at", "started_at", "expires_at", "last_login", "analyzed_at",
];

#[derive(Clone, Copy, PartialEq)]
enum ColKind {
    Plain,
    Json,
    Bool,
    Timestamp,
}

struct Col {
    key: String,
    kind: ColKind,
}

/// Writes rows of one statement; the column layout is read from the first row. The result
/// is built in place, its envelope included, so the rows are never copied into another.
pub struct RowWriter {
    cols: Vec<Col>,
    out: String,
    rows: usize,
    /// `{"row": ...}`: only the first row is kept.
    single: bool,
    cell_types: CellTypes,
}

/// Room for a page of study questions (about 30 KB) without regrowing.
const LIST_CAPACITY: usize = 32 * 1024;

pub fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

impl RowWriter {
    /// For `{"rows":[...],"dates":[...]}`.
    pub fn list(cell_types: CellTypes) -> Self {
        let mut out = String::with_capacity(LIST_CAPACITY);
        out.push_str("{\"rows\":[");
        RowWriter { cols: Vec::new(), out, rows: 0, single: false, cell_types }
    }

    /// For `{"row":{...}|null,"dates":[...]}`: a statement's first row.
    pub fn one(cell_types: CellTypes) -> Self {
        let mut out = String::with_capacity(1024);
        out.push_str("{\"row\":");
        RowWriter { cols: Vec::new(), out, rows: 0, single: true, cell_types }
    }

    fn layout(&mut self, row: &Row) {
        if !self.cols.is_empty() {
            return;
        }
        for i in 0..row.column_count() {
            let name = row.column_name(i).unwrap_or("");
            let kind = if JSON_COLUMNS.contains(&name) {
                ColKind::Json
            } else if BOOL_COLUMNS.contains(&name) {
                ColKind::Bool
            } else if TIMESTAMP_COLUMNS.contains(&name) {
                ColKind::Timestamp
            } else {
                ColKind::Plain
            };
            let mut key = String::new();
            push_json_str(&mut key, &camel(name));
            key.push(':');
            self.cols.push(Col { key, kind });
        }
    }

    pub fn push(&mut self, row: &Row) -> Result<()> {
        if self.single && self.rows > 0 {
            return Ok(());
        }
        self.layout(row);
        if self.rows > 0 {
            self.out.push(',');
        }
        self.out.push('{');
        for (i, col) in self.cols.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.out.push_str(&col.key);
            write_value(&mut self.out, row, i as i32, col.kind, self.cell_types)?;
        }
        self.out.push('}');
        self.rows += 1;
        Ok(())
    }

    /// The finished JSON text.
    pub fn finish(mut self) -> String {
        if !self.single {
            self.out.push(']');
        } else if self.rows == 0 {
            self.out.push_str("null");
        }
        self.out.push_str(",\"dates\":[");
        let mut first = true;
        for c in self.cols.iter().filter(|c| c.kind == ColKind::Timestamp) {
            if !first {
                self.out.push(',');
            }
            first = false;
            self.out.push_str(c.key.trim_end_matches(':'));
        }
        self.out.push_str("]}");
        self.out
    }
}

fn write_value(out: &mut String, row: &Row, i: i32, kind: ColKind, how: CellTypes) -> Result<()> {
    match cell_type(row, i, how)? {
        ValueType::Null => out.push_str("null"),
        ValueType::Integer => {
            let v = row.get::<i64>(i)?;
            match kind {
                ColKind::Bool => out.push_str(if v != 0 { "true" } else { "false" }),
                _ => push_int(out, v),
            }
        }
        ValueType::Real => {
            let v = row.get::<f64>(i)?;
            if v.is_finite() {
                let _ = write!(out, "{v:?}");
            } else {
                out.push_str("null");
            }
        }
        ValueType::Text => {
            let s = row.get_str(i)?;
            match kind {
                // Stored JSON is embedded as is, but only when it parses: a corrupt cell must
                // not corrupt the whole response.
                ColKind::Json if serde_json::from_str::<serde::de::IgnoredAny>(s).is_ok() => out.push_str(s),
                // CURRENT_TIMESTAMP defaults left text in integer timestamp columns.
                ColKind::Timestamp => match parse_sql_datetime(s) {
                    Some(secs) => push_int(out, secs),
                    None => push_json_str(out, s),
                },
                ColKind::Bool => out.push_str(if s == "0" || s.eq_ignore_ascii_case("false") { "false" } else { "true" }),
                _ => push_json_str(out, s),
            }
        }
        ValueType::Blob => out.push_str("null"),
    }
    Ok(())
}

/// `YYYY-MM-DD HH:MM:SS` (UTC, as SQLite's CURRENT_TIMESTAMP writes it) to unix seconds.
pub fn parse_sql_datetime(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = if b.len() >= 19 { (num(11..13)?, num(14..16)?, num(17..19)?) } else { (0, 0, 0) };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_timestamps_become_unix_seconds() {
        assert_eq!(parse_sql_datetime("1970-01-01 00:00:00"), Some(0));
        assert_eq!(parse_sql_datetime("2024-02-29 12:34:56"), Some(1_709_210_096));
        assert_eq!(parse_sql_datetime("not a date"), None);
    }

    #[test]
    fn snake_to_camel() {
        assert_eq!(camel("objective_mastery"), "objectiveMastery");
        assert_eq!(camel("id"), "id");
    }
}
