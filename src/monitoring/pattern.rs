//! SQL pattern normalisation: the shape of a statement without its values, so that
//! `WHERE id = 7` and `WHERE id = 8` count as one pattern. Literals and parameters become
//! `?`, an `IN (...)` list of them collapses to `IN (?)`, comments go and whitespace folds.
//! Identifiers and keywords are kept as written. One pass over the bytes; callers cache the
//! result per SQL string (`intern`), so it runs once per distinct statement.

/// Patterns longer than this are cut (with `…`): they are labels, not SQL to run.
pub const MAX_PATTERN_BYTES: usize = 1024;

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

/// Index just past a quoted run starting at `i` (the opening quote); doubled quotes escape.
fn skip_quoted(s: &[u8], i: usize, close: u8) -> usize {
    let mut j = i + 1;
    while j < s.len() {
        if s[j] == close {
            if s.get(j + 1) == Some(&close) && close != b']' {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    s.len()
}

/// Index just past a numeric literal starting at `i` (decimal, real, exponent, hex).
fn skip_number(s: &[u8], i: usize) -> usize {
    let mut j = i;
    if s[j] == b'0' && matches!(s.get(j + 1), Some(b'x' | b'X')) {
        j += 2;
        while j < s.len() && s[j].is_ascii_hexdigit() {
            j += 1;
        }
        return j;
    }
    while j < s.len() && (s[j].is_ascii_digit() || s[j] == b'.' || s[j] == b'_') {
        j += 1;
    }
    if j < s.len() && (s[j] == b'e' || s[j] == b'E') {
        let mut k = j + 1;
        if k < s.len() && (s[k] == b'+' || s[k] == b'-') {
            k += 1;
        }
        if k < s.len() && s[k].is_ascii_digit() {
            j = k;
            while j < s.len() && s[j].is_ascii_digit() {
                j += 1;
            }
        }
    }
    j
}

struct Out {
    s: String,
    /// Where each open parenthesis was written, to collapse `IN (?, ?, ?)` on its `)`.
    opens: Vec<usize>,
    pending_space: bool,
}

impl Out {
    fn push_str(&mut self, t: &str) {
        let last = self.s.as_bytes().last().copied();
        // No space after `(`, before `)` or `,`; one after `,`.
        let first = t.as_bytes().first().copied();
        let want_space = match (last, first) {
            (None, _) => false,
            (Some(b'('), _) => false,
            (_, Some(b')' | b',')) => false,
            (Some(b','), _) => true,
            _ => self.pending_space,
        };
        if want_space {
            self.s.push(' ');
        }
        self.pending_space = false;
        self.s.push_str(t);
    }

    fn placeholder(&mut self) {
        self.push_str("?");
    }

    fn close_paren(&mut self) {
        self.push_str(")");
        let Some(open) = self.opens.pop() else { return };
        let inner = &self.s[open + 1..self.s.len() - 1];
        let only_values = inner.contains('?') && inner.bytes().all(|b| matches!(b, b'?' | b',' | b' '));
        if !only_values || inner == "?" {
            return;
        }
        let before = self.s[..open].trim_end();
        let b = before.as_bytes();
        let is_in = b.len() >= 2
            && b[b.len() - 2..].eq_ignore_ascii_case(b"in")
            && (b.len() == 2 || !is_ident(b[b.len() - 3]));
        if is_in {
            self.s.truncate(open + 1);
            self.s.push_str("?)");
        }
    }
}

/// The pattern of `sql`.
pub fn normalize(sql: &str) -> String {
    let s = sql.as_bytes();
    let mut out = Out { s: String::with_capacity(sql.len().min(MAX_PATTERN_BYTES) + 4), opens: Vec::new(), pending_space: false };
    let mut i = 0;
    while i < s.len() {
        if out.s.len() > MAX_PATTERN_BYTES {
            break;
        }
        let b = s[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                out.pending_space = true;
                i += 1;
            }
            b'-' if s.get(i + 1) == Some(&b'-') => {
                while i < s.len() && s[i] != b'\n' {
                    i += 1;
                }
                out.pending_space = true;
            }
            b'/' if s.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < s.len() && !(s[i] == b'*' && s.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(s.len());
                out.pending_space = true;
            }
            b'\'' => {
                i = skip_quoted(s, i, b'\'');
                out.placeholder();
            }
            b'"' | b'`' | b'[' => {
                let close = if b == b'[' { b']' } else { b };
                let end = skip_quoted(s, i, close);
                out.push_str(&sql[i..end]);
                i = end;
            }
            b'?' => {
                i += 1;
                while i < s.len() && s[i].is_ascii_digit() {
                    i += 1;
                }
                out.placeholder();
            }
            b':' | b'@' | b'$' if s.get(i + 1).is_some_and(|&c| is_ident_start(c)) => {
                i += 1;
                while i < s.len() && is_ident(s[i]) {
                    i += 1;
                }
                out.placeholder();
            }
            b'0'..=b'9' => {
                i = skip_number(s, i);
                out.placeholder();
            }
            b'.' if s.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = skip_number(s, i);
                out.placeholder();
            }
            _ if is_ident_start(b) => {
                let start = i;
                while i < s.len() && is_ident(s[i]) {
                    i += 1;
                }
                // X'00ff' is a blob literal, not the identifier x followed by a string.
                if i - start == 1 && (b == b'x' || b == b'X') && s.get(i) == Some(&b'\'') {
                    i = skip_quoted(s, i, b'\'');
                    out.placeholder();
                } else {
                    out.push_str(&sql[start..i]);
                }
            }
            b'(' => {
                out.push_str("(");
                out.opens.push(out.s.len() - 1);
                i += 1;
            }
            b')' => {
                out.close_paren();
                i += 1;
            }
            b';' if s[i + 1..].iter().all(u8::is_ascii_whitespace) => i = s.len(),
            _ => {
                // Any other byte is ASCII punctuation here (multi-byte UTF-8 starts >= 0x80
                // and is an identifier start), so it is a whole character.
                let end = i + 1;
                out.push_str(&sql[i..end]);
                i = end;
            }
        }
    }
    cut(out.s)
}

fn cut(mut s: String) -> String {
    if s.len() > MAX_PATTERN_BYTES {
        let mut at = MAX_PATTERN_BYTES;
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        s.truncate(at);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn literals_and_parameters_become_placeholders() {
        assert_eq!(normalize("SELECT * FROM questions WHERE id = 42"), "SELECT * FROM questions WHERE id = ?");
        assert_eq!(normalize("select * from t where a = 'it''s' and b = -1.5e3"), "select * from t where a = ? and b = -?");
        assert_eq!(normalize("SELECT x FROM t WHERE b = X'00ff' AND c = 0x1F"), "SELECT x FROM t WHERE b = ? AND c = ?");
        assert_eq!(normalize("UPDATE u SET n = :n, m = @m, o = $o WHERE id = ?3"), "UPDATE u SET n = ?, m = ?, o = ? WHERE id = ?");
        assert_eq!(normalize("SELECT .5, 1."), "SELECT ?, ?");
    }

    #[test]
    fn identifiers_keep_their_digits_and_quotes() {
        assert_eq!(normalize("SELECT t1.col2 FROM tab3 t1"), "SELECT t1.col2 FROM tab3 t1");
        assert_eq!(normalize(r#"SELECT "col 1", [my col], `x2` FROM "t 9""#), r#"SELECT "col 1", [my col], `x2` FROM "t 9""#);
        assert_eq!(normalize("SELECT données FROM été WHERE n = 3"), "SELECT données FROM été WHERE n = ?");
    }

    #[test]
    fn in_lists_collapse() {
        assert_eq!(normalize("SELECT * FROM q WHERE id IN (1, 2, 3)"), "SELECT * FROM q WHERE id IN (?)");
        assert_eq!(normalize("SELECT * FROM q WHERE id in(?,?,?,?)"), "SELECT * FROM q WHERE id in(?)");
        assert_eq!(normalize("SELECT * FROM q WHERE id NOT IN ( 'a' , 'b' )"), "SELECT * FROM q WHERE id NOT IN (?)");
        assert_eq!(
            normalize("SELECT * FROM q WHERE id IN (1,2) AND e IN (SELECT id FROM e WHERE v IN (7, 8))"),
            "SELECT * FROM q WHERE id IN (?) AND e IN (SELECT id FROM e WHERE v IN (?))"
        );
        // Not an IN list: kept as is.
        assert_eq!(normalize("INSERT INTO t (a, b) VALUES (1, 2)"), "INSERT INTO t (a, b) VALUES (?, ?)");
        assert_eq!(normalize("SELECT coalesce(1, 2) FROM join_in (x)"), "SELECT coalesce(?, ?) FROM join_in (x)");
    }

    #[test]
    fn whitespace_and_comments_fold() {
        let a = normalize("SELECT  *\n\tFROM   t -- trailing comment\n WHERE /* why */ id=1 ;");
        assert_eq!(a, "SELECT * FROM t WHERE id=?");
        assert_eq!(normalize("  f( a ,b )  "), "f(a, b)");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn differing_values_share_a_pattern() {
        let a = normalize("SELECT * FROM questions WHERE exam_id = 3 AND tag IN ('a','b') LIMIT 20");
        let b = normalize("SELECT * FROM questions   WHERE exam_id = 17 AND tag IN ('z') LIMIT 50");
        assert_eq!(a, b);
    }

    #[test]
    fn long_statements_are_cut_on_a_character_boundary() {
        let sql = format!("SELECT {} FROM t", "é".repeat(2000));
        let p = normalize(&sql);
        assert!(p.len() <= super::MAX_PATTERN_BYTES + 4 && p.ends_with('…'));
        assert_eq!(normalize("SELECT 'unterminated"), "SELECT ?");
        assert_eq!(normalize("SELECT /* open"), "SELECT");
    }
}
