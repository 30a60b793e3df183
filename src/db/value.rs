//! Values in and out. Parameters arrive as `libsql::Value`s; results leave as JSON text,
//! rows as arrays under a shape number (`shapes`), which JS turns into @libsql/client-shaped
//! `ResultSet`s with one `JSON.parse`: far cheaper than building every row property through
//! N-API. Values JSON cannot carry (BLOBs, integers in bigint mode, infinities) travel in a `$special` list of
//! `[row, column, tag, text]` that the JS front patches in.

use crate::config::IntMode;
use crate::error::{Error, Kind, Result};
use libsql::{Row, Value, ValueType};
use std::fmt::Write;

const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

/// How a connection learns the storage class of a result cell. Rows an embedded replica
/// forwards to its primary (a write's RETURNING) report each column's *declared* type, so a
/// NULL in an INTEGER column claims to be an integer: there only the value itself can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellTypes {
    Exact,
    FromValue,
}

pub fn cell_type(row: &Row, i: i32, how: CellTypes) -> libsql::Result<ValueType> {
    if how == CellTypes::Exact {
        return row.column_type(i);
    }
    Ok(match row.get_value(i)? {
        Value::Null => ValueType::Null,
        Value::Integer(_) => ValueType::Integer,
        Value::Real(_) => ValueType::Real,
        Value::Text(_) => ValueType::Text,
        Value::Blob(_) => ValueType::Blob,
    })
}

/// Appends `s` as a JSON string literal.
pub fn push_json_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Question text and explanations rarely need an escape: skip clean stretches a word
        // at a time instead of matching every byte.
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]);
            if !needs_escape(word) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(esc);
        }
        i += 1;
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Whether any byte of `word` is a control character, `"` or a backslash (exact: no false
/// answers either way). Bytes of 0x80 and above, UTF-8 sequences, never need an escape.
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    (below_space | zero_byte(word ^ (ONES * b'"' as u64)) | zero_byte(word ^ (ONES * b'\\' as u64))) != 0
}

/// Appends an integer without the formatting machinery (a hot path of every row).
pub fn push_int(out: &mut String, v: i64) {
    let mut buf = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push('-');
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[at..]).unwrap_or("0"));
}

/// A statement's columns, encoded once when it is prepared and reused by every execution:
/// each ResultSet starts with `{"shape":N,"rows":[` (see `shapes`), rows are arrays.
pub struct Columns {
    prefix: String,
    names: Vec<String>,
}

impl Columns {
    pub fn new(names: &[String], decltypes: &[Option<String>]) -> Self {
        let list = |items: &mut dyn Iterator<Item = &str>| {
            let mut out = String::from("[");
            for (i, s) in items.enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_json_str(&mut out, s);
            }
            out.push(']');
            out
        };
        let columns = list(&mut names.iter().map(String::as_str));
        let types = list(&mut decltypes.iter().map(|t| t.as_deref().unwrap_or("")));
        let prefix = match super::shapes::register(&format!("[{columns},{types}]")) {
            Some(id) => format!("{{\"shape\":{id},\"rows\":["),
            None => format!("{{\"columns\":{columns},\"columnTypes\":{types},\"rows\":["),
        };
        Columns { prefix, names: names.to_vec() }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }
}

/// Builds one ResultSet.
pub struct ResultWriter<'c> {
    out: String,
    names: &'c [String],
    specials: String,
    int_mode: IntMode,
    row: usize,
    col: usize,
}

impl<'c> ResultWriter<'c> {
    pub fn new(columns: &'c Columns, int_mode: IntMode) -> Self {
        let mut out = String::with_capacity(columns.prefix.len() + 256);
        out.push_str(&columns.prefix);
        ResultWriter { out, names: &columns.names, specials: String::new(), int_mode, row: 0, col: 0 }
    }

    pub fn begin_row(&mut self) {
        if self.row > 0 {
            self.out.push(',');
        }
        self.out.push('[');
        self.col = 0;
    }

    pub fn end_row(&mut self) {
        self.out.push(']');
        self.row += 1;
    }

    fn key(&mut self) {
        if self.col > 0 {
            self.out.push(',');
        }
    }

    fn special(&mut self, tag: &str, text: &str) {
        if !self.specials.is_empty() {
            self.specials.push(',');
        }
        let _ = write!(self.specials, "[{},{},\"{}\",\"{}\"]", self.row, self.col, tag, text);
        self.out.push_str("null");
    }

    pub fn integer(&mut self, v: i64) -> Result<()> {
        self.key();
        match self.int_mode {
            IntMode::BigInt => self.special("i", &v.to_string()),
            IntMode::Number if v.abs() > MAX_SAFE_INTEGER => {
                return Err(Error::new(
                    Kind::Range,
                    "ERR_INTEGER_OVERFLOW",
                    format!(
                        "column {:?} holds {v}, beyond Number.MAX_SAFE_INTEGER; open the database with intMode: 'bigint' to read it",
                        self.names[self.col]
                    ),
                ))
            }
            IntMode::Number => push_int(&mut self.out, v),
        }
        self.col += 1;
        Ok(())
    }

    pub fn real(&mut self, v: f64) {
        self.key();
        if v.is_finite() {
            let _ = write!(self.out, "{v:?}");
        } else {
            self.special("f", if v > 0.0 { "inf" } else if v < 0.0 { "-inf" } else { "nan" });
        }
        self.col += 1;
    }

    pub fn text(&mut self, v: &str) {
        self.key();
        push_json_str(&mut self.out, v);
        self.col += 1;
    }

    pub fn blob(&mut self, v: &[u8]) {
        self.key();
        let mut hex = String::with_capacity(v.len() * 2);
        for b in v {
            let _ = write!(hex, "{b:02x}");
        }
        self.special("b", &hex);
        self.col += 1;
    }

    pub fn null(&mut self) {
        self.key();
        self.out.push_str("null");
        self.col += 1;
    }

    pub fn value(&mut self, v: &Value) -> Result<()> {
        match v {
            Value::Null => self.null(),
            Value::Integer(i) => self.integer(*i)?,
            Value::Real(f) => self.real(*f),
            Value::Text(s) => self.text(s),
            Value::Blob(b) => self.blob(b),
        }
        Ok(())
    }

    pub fn rows(&self) -> usize {
        self.row
    }

    /// `last_insert_rowid` travels as a string: JS makes it a bigint, as @libsql/client does.
    pub fn finish(mut self, rows_affected: u64, last_insert_rowid: Option<i64>) -> String {
        let _ = write!(self.out, "],\"rowsAffected\":{rows_affected}");
        if let Some(id) = last_insert_rowid {
            let _ = write!(self.out, ",\"lastInsertRowid\":\"{id}\"");
        }
        if !self.specials.is_empty() {
            let _ = write!(self.out, ",\"$special\":[{}]", self.specials);
        }
        self.out.push('}');
        self.out
    }
}

/// A compact, unambiguous byte encoding of parameters, for cache keys.
pub fn encode_params(params: &[Value], out: &mut Vec<u8>) {
    for p in params {
        match p {
            Value::Null => out.push(0),
            Value::Integer(i) => {
                out.push(1);
                out.extend_from_slice(&i.to_le_bytes());
            }
            Value::Real(f) => {
                out.push(2);
                out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Value::Text(s) => {
                out.push(3);
                out.extend_from_slice(&(s.len() as u64).to_le_bytes());
                out.extend_from_slice(s.as_bytes());
            }
            Value::Blob(b) => {
                out.push(4);
                out.extend_from_slice(&(b.len() as u64).to_le_bytes());
                out.extend_from_slice(b);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_integers_encode_as_serde_json_does() {
        // Every byte that needs an escape, at every offset of the 8-byte scan, between
        // clean ASCII and multi-byte UTF-8.
        let specials: Vec<char> = (0u8..0x20).map(char::from).chain(['"', '\\', '\u{7f}', 'é', '€', '😀']).collect();
        for pad in 0..9 {
            for &c in &specials {
                let s = format!("{}{c}abcdefghij{c}{c}", "x".repeat(pad));
                let mut out = String::new();
                push_json_str(&mut out, &s);
                assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s, "{out}");
            }
        }
        for v in [0, 7, -7, 10, 1_000_000, i64::MAX, i64::MIN] {
            let mut out = String::new();
            push_int(&mut out, v);
            assert_eq!(out, v.to_string());
        }
    }

    #[test]
    fn result_json_parses_back() {
        let cols = Columns::new(&["id".to_string(), "na\"me".to_string(), "b".to_string()], &[Some("INTEGER".into()), None, None]);
        let mut w = ResultWriter::new(&cols, IntMode::Number);
        w.begin_row();
        w.integer(1).unwrap();
        w.text("a\nb\u{1}");
        w.blob(&[0xde, 0xad]);
        w.end_row();
        let json = w.finish(0, Some(7));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let shape: serde_json::Value = serde_json::from_str(&super::super::shapes::get(v["shape"].as_u64().unwrap() as u32).unwrap()).unwrap();
        assert_eq!(shape, serde_json::json!([["id", "na\"me", "b"], ["INTEGER", "", ""]]));
        assert_eq!(v["rows"][0][1], "a\nb\u{1}");
        assert_eq!(v["rows"][0][0], 1);
        assert_eq!(v["lastInsertRowid"], "7");
        assert_eq!(v["$special"][0], serde_json::json!([0, 2, "b", "dead"]));
    }

    #[test]
    fn unsafe_integers_are_an_error_in_number_mode() {
        let cols = Columns::new(&["n".to_string()], &[None]);
        let mut w = ResultWriter::new(&cols, IntMode::Number);
        w.begin_row();
        assert_eq!(w.integer(MAX_SAFE_INTEGER + 2).unwrap_err().code, "ERR_INTEGER_OVERFLOW");
        let mut w = ResultWriter::new(&cols, IntMode::BigInt);
        w.begin_row();
        w.integer(MAX_SAFE_INTEGER + 2).unwrap();
    }
}
