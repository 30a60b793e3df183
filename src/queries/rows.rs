//! Rows of the app's tables as the ORM gave them to the app: camelCase keys, JSON columns
//! parsed, boolean columns as booleans, timestamps as unix seconds that JS turns into
//! `Date`s. Column kinds go by the app's column names, which are the same in every table.
//!
//! A list carries its rows as arrays under a row shape (the keys and which of them are
//! timestamps, registered once in `db::shapes`): the keys were a third of a page of study
//! questions, and JSON.parse looked each one up per cell. lib/queries.js builds the objects
//! with a constructor made for the shape. A single row keeps its keys.

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
    /// The camelCase key, quoted and followed by `:`, as a single row writes it.
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
    /// A list's row shape, from its first row.
    shape: u32,
}

/// Room for a page of study questions (about 22 KB) without regrowing.
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
    /// For `{"rows":[[...],...],"rowShape":n}`; `{"rows":[]}` when there is no row.
    pub fn list(cell_types: CellTypes) -> Self {
        let mut out = String::with_capacity(LIST_CAPACITY);
        out.push_str("{\"rows\":[");
        RowWriter { cols: Vec::new(), out, rows: 0, single: false, cell_types, shape: 0 }
    }

    /// For `{"row":{...}|null,"dates":[...]}`: a statement's first row.
    pub fn one(cell_types: CellTypes) -> Self {
        let mut out = String::with_capacity(1024);
        out.push_str("{\"row\":");
        RowWriter { cols: Vec::new(), out, rows: 0, single: true, cell_types, shape: 0 }
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
        if !self.single {
            self.shape = crate::db::shapes::register_fixed(&self.layout_json());
        }
    }

    /// `[[keys...],[kinds...]]`, the kind of a timestamp column being `"date"` and of any
    /// other `null`.
    fn layout_json(&self) -> String {
        let mut j = String::from("[[");
        for (i, c) in self.cols.iter().enumerate() {
            if i > 0 {
                j.push(',');
            }
            j.push_str(c.key.trim_end_matches(':'));
        }
        j.push_str("],[");
        for (i, c) in self.cols.iter().enumerate() {
            if i > 0 {
                j.push(',');
            }
            j.push_str(if c.kind == ColKind::Timestamp { "\"date\"" } else { "null" });
        }
        j.push_str("]]");
        j
    }

    pub fn push(&mut self, row: &Row) -> Result<()> {
        if self.single && self.rows > 0 {
            return Ok(());
        }
        self.layout(row);
        if self.rows > 0 {
            self.out.push(',');
        }
        self.out.push(if self.single { '{' } else { '[' });
        for (i, col) in self.cols.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            if self.single {
                self.out.push_str(&col.key);
            }
            write_value(&mut self.out, row, i as i32, col.kind, self.cell_types)?;
        }
        self.out.push(if self.single { '}' } else { ']' });
        self.rows += 1;
        Ok(())
    }

    /// The finished JSON text.
    pub fn finish(mut self) -> String {
        if !self.single {
            self.out.push(']');
            if self.rows > 0 {
                self.out.push_str(",\"rowShape\":");
                push_int(&mut self.out, self.shape as i64);
            }
            self.out.push('}');
            return self.out;
        }
        if self.rows == 0 {
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

/// The `id` of every row of a list whose first key is `id` (every study mode's result), read
/// without building the rows; None for anything else.
pub fn listed_ids(list: &str) -> Option<Vec<i64>> {
    #[derive(serde::Deserialize)]
    struct Listed {
        rows: Vec<FirstCell>,
        #[serde(rename = "rowShape")]
        shape: Option<u32>,
    }
    let l: Listed = serde_json::from_str(list).ok()?;
    let Some(shape) = l.shape else { return l.rows.is_empty().then(Vec::new) };
    let (keys, _) = serde_json::from_str::<(Vec<String>, serde::de::IgnoredAny)>(&crate::db::shapes::get(shape)?).ok()?;
    if keys.first().map(String::as_str) != Some("id") {
        return None;
    }
    l.rows.into_iter().map(|c| c.0).collect()
}

/// A row array's first cell as an integer, the rest skipped.
struct FirstCell(Option<i64>);

impl<'de> serde::Deserialize<'de> for FirstCell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Cells;
        impl<'de> serde::de::Visitor<'de> for Cells {
            type Value = FirstCell;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a row array")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<FirstCell, A::Error> {
                let first = seq.next_element::<serde_json::Value>()?.and_then(|v| v.as_i64());
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(FirstCell(first))
            }
        }
        d.deserialize_seq(Cells)
    }
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

    /// `sql`'s rows through a RowWriter, on a real in-memory libSQL database.
    fn written(sql: &str, single: bool) -> serde_json::Value {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            crate::db::open::configure_sqlite();
            let db = libsql::Builder::new_local(":memory:").build().await.unwrap();
            let conn = db.connect().unwrap();
            let mut rows = conn.query(sql, ()).await.unwrap();
            let mut w = if single { RowWriter::one(CellTypes::Exact) } else { RowWriter::list(CellTypes::Exact) };
            while let Some(row) = rows.next().await.unwrap() {
                w.push(&row).unwrap();
            }
            serde_json::from_str(&w.finish()).unwrap()
        })
    }

    const CELLS: &str = "SELECT 7 AS id, 1 AS is_active, '[\"a\",1]' AS answers, '{not json' AS tags, \
                         '2024-02-29 12:34:56' AS created_at, 1700000000 AS updated_at, 'x\"y' AS review_status \
                         UNION ALL SELECT 8, 0, NULL, '[]', NULL, NULL, ''";

    #[test]
    fn a_list_is_arrays_under_a_row_shape() {
        let v = written(CELLS, false);
        let shape = crate::db::shapes::get(v["rowShape"].as_u64().unwrap() as u32).unwrap();
        let shape: serde_json::Value = serde_json::from_str(&shape).unwrap();
        assert_eq!(
            shape,
            serde_json::json!([
                ["id", "isActive", "answers", "tags", "createdAt", "updatedAt", "reviewStatus"],
                [null, null, null, null, "date", "date", null]
            ])
        );
        assert_eq!(v["rows"][0], serde_json::json!([7, true, ["a", 1], "{not json", 1_709_210_096, 1_700_000_000, "x\"y"]));
        assert_eq!(v["rows"][1], serde_json::json!([8, false, null, [], null, null, ""]));
        assert_eq!(written("SELECT 1 AS id WHERE 0", false), serde_json::json!({"rows": []}));
    }

    #[test]
    fn a_single_row_keeps_its_keys() {
        let v = written(CELLS, true);
        assert_eq!(v["row"]["isActive"], true);
        assert_eq!(v["row"]["createdAt"], 1_709_210_096);
        assert_eq!(v["dates"], serde_json::json!(["createdAt", "updatedAt"]));
        assert_eq!(written("SELECT 1 AS id WHERE 0", true), serde_json::json!({"row": null, "dates": []}));
    }

    #[test]
    fn ids_are_read_from_the_first_cell_of_an_id_first_list() {
        let shape = crate::db::shapes::register(r#"[["id","text"],[null,null]]"#).unwrap();
        assert_eq!(listed_ids(&format!(r#"{{"rows":[[5,"x"],[7,null]],"rowShape":{shape}}}"#)), Some(vec![5, 7]));
        assert_eq!(listed_ids(r#"{"rows":[]}"#), Some(vec![]));
        let other = crate::db::shapes::register(r#"[["text","id"],[null,null]]"#).unwrap();
        assert_eq!(listed_ids(&format!(r#"{{"rows":[["x",5]],"rowShape":{other}}}"#)), None);
    }

    #[test]
    fn the_study_rows_statement_puts_the_id_first() {
        let sql: String = crate::queries::practice::ROWS.lines().filter(|l| !l.starts_with("--")).collect();
        assert!(sql.trim_start().starts_with("SELECT q.id,"), "{sql}");
    }

    #[test]
    fn snake_to_camel() {
        assert_eq!(camel("objective_mastery"), "objectiveMastery");
        assert_eq!(camel("id"), "id");
    }
}
