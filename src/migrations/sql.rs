//! Just enough SQL lexing for the runner: split a step file into statements (triggers keep
//! their `BEGIN ... END;` body together) and read what each statement creates, drops,
//! sets or rewrites. The plan reads the step files themselves, so what a dry run lists is
//! what `apply` runs.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    /// A keyword, bare identifier or number.
    Word,
    /// A quoted identifier: "x", `x` or [x].
    Quoted,
    /// A string literal.
    Str,
    /// Any other character.
    Sym,
}

#[derive(Debug, Clone)]
pub struct Token<'a> {
    pub tok: Tok,
    pub text: &'a str,
    pub start: usize,
}

impl Token<'_> {
    pub fn is(&self, word: &str) -> bool {
        self.tok == Tok::Word && self.text.eq_ignore_ascii_case(word)
    }

    /// The identifier this token names, without its quotes.
    pub fn ident(&self) -> Option<String> {
        match self.tok {
            Tok::Word => Some(self.text.to_string()),
            Tok::Quoted => {
                let inner = &self.text[1..self.text.len().saturating_sub(1).max(1)];
                let q = &self.text[..1];
                Some(if q == "[" { inner.to_string() } else { inner.replace(&q.repeat(2), q) })
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Statement<'a> {
    /// The statement as written, from its first token to its last (no trailing `;`).
    pub sql: &'a str,
    pub tokens: Vec<Token<'a>>,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Index just past the closing `close` of a quoted run starting at `i` (a doubled `close`
/// is an escaped one); the end of the text if unterminated.
fn skip_quoted(b: &[u8], i: usize, close: u8, doubling: bool) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == close {
            if doubling && j + 1 < b.len() && b[j + 1] == close {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// The tokens of `sql`, comments and whitespace left out.
pub fn tokens(sql: &str) -> Vec<Token<'_>> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let (tok, end) = match c {
            _ if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = b[i..].iter().position(|&x| x == b'\n').map_or(b.len(), |p| i + p + 1);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
                continue;
            }
            b'\'' => (Tok::Str, skip_quoted(b, i, b'\'', true)),
            b'"' => (Tok::Quoted, skip_quoted(b, i, b'"', true)),
            b'`' => (Tok::Quoted, skip_quoted(b, i, b'`', true)),
            b'[' => (Tok::Quoted, skip_quoted(b, i, b']', false)),
            _ if is_word_byte(c) => (Tok::Word, b[i..].iter().position(|&x| !is_word_byte(x)).map_or(b.len(), |p| i + p)),
            _ => (Tok::Sym, i + 1),
        };
        out.push(Token { tok, text: &sql[i..end], start: i });
        i = end;
    }
    out
}

/// Splits SQL text into statements. Inside `CREATE TRIGGER ... BEGIN ... END` a `;` ends
/// the statements of the body, not the trigger (CASE ... END nests).
pub fn split(sql: &str) -> Vec<Statement<'_>> {
    fn finish<'a>(sql: &'a str, current: &mut Vec<Token<'a>>, out: &mut Vec<Statement<'a>>) {
        if let (Some(first), Some(last)) = (current.first(), current.last()) {
            let text = &sql[first.start..last.start + last.text.len()];
            out.push(Statement { sql: text, tokens: std::mem::take(current) });
        }
    }
    let mut out = Vec::new();
    let mut current: Vec<Token<'_>> = Vec::new();
    let mut depth = 0usize;
    for t in tokens(sql) {
        if t.tok == Tok::Sym && t.text == ";" {
            if depth == 0 {
                finish(sql, &mut current, &mut out);
                continue;
            }
        } else if is_trigger(&current) {
            if t.is("BEGIN") || t.is("CASE") {
                depth += 1;
            } else if t.is("END") {
                depth = depth.saturating_sub(1);
            }
        }
        current.push(t);
    }
    finish(sql, &mut current, &mut out);
    out
}

fn is_trigger(tokens: &[Token<'_>]) -> bool {
    let mut it = tokens.iter();
    if !it.next().is_some_and(|t| t.is("CREATE")) {
        return false;
    }
    let next = it.find(|t| !(t.is("TEMP") || t.is("TEMPORARY")));
    next.is_some_and(|t| t.is("TRIGGER"))
}

/// A schema object as sqlite_master names it: `type` is table, index, view or trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub kind: String,
    pub name: String,
}

/// Reads `name` after `[IF [NOT] EXISTS]`, dropping a `schema.` prefix.
fn object_name(rest: &[Token<'_>]) -> Option<String> {
    let mut i = 0;
    if rest.first().is_some_and(|t| t.is("IF")) {
        i = if rest.get(1).is_some_and(|t| t.is("NOT")) { 3 } else { 2 };
    }
    let first = rest.get(i)?.ident()?;
    match (rest.get(i + 1), rest.get(i + 2)) {
        (Some(dot), Some(name)) if dot.tok == Tok::Sym && dot.text == "." => name.ident(),
        _ => Some(first),
    }
}

fn object_kind(t: &Token<'_>) -> Option<&'static str> {
    ["TABLE", "INDEX", "VIEW", "TRIGGER"].into_iter().find(|k| t.is(k)).map(|k| match k {
        "TABLE" => "table",
        "INDEX" => "index",
        "VIEW" => "view",
        _ => "trigger",
    })
}

impl Statement<'_> {
    fn first_is(&self, word: &str) -> bool {
        self.tokens.first().is_some_and(|t| t.is(word))
    }

    /// The object a `CREATE [TEMP] [UNIQUE|VIRTUAL] TABLE|INDEX|VIEW|TRIGGER` makes.
    pub fn creates(&self) -> Option<Object> {
        if !self.first_is("CREATE") {
            return None;
        }
        let mut i = 1;
        while self.tokens.get(i).is_some_and(|t| t.is("TEMP") || t.is("TEMPORARY") || t.is("UNIQUE") || t.is("VIRTUAL")) {
            i += 1;
        }
        let kind = object_kind(self.tokens.get(i)?)?;
        Some(Object { kind: kind.to_string(), name: object_name(&self.tokens[i + 1..])? })
    }

    /// The object a `DROP TABLE|INDEX|VIEW|TRIGGER` removes.
    pub fn drops(&self) -> Option<Object> {
        if !self.first_is("DROP") {
            return None;
        }
        let kind = object_kind(self.tokens.get(1)?)?;
        Some(Object { kind: kind.to_string(), name: object_name(&self.tokens[2..])? })
    }

    /// `PRAGMA name = value` (or `PRAGMA name(value)`) as (name, value).
    pub fn pragma(&self) -> Option<(String, String)> {
        if !self.first_is("PRAGMA") {
            return None;
        }
        let name = self.tokens.get(1)?.ident()?;
        let sep = self.tokens.get(2)?;
        if sep.tok != Tok::Sym || !(sep.text == "=" || sep.text == "(") {
            return None;
        }
        let value = self.sql[sep.start + 1 - self.tokens[0].start..].trim().trim_end_matches(')').trim();
        Some((name, value.to_string()))
    }

    /// For `UPDATE table SET column = ... WHERE condition`: (table, column, condition).
    pub fn update_target(&self) -> Option<(String, String, &str)> {
        if !self.first_is("UPDATE") || !self.tokens.get(2)?.is("SET") {
            return None;
        }
        let table = self.tokens.get(1)?.ident()?;
        let column = self.tokens.get(3)?.ident()?;
        let base = self.tokens[0].start;
        let mut depth = 0i32;
        for t in &self.tokens {
            match (t.tok, t.text) {
                (Tok::Sym, "(") => depth += 1,
                (Tok::Sym, ")") => depth -= 1,
                _ if depth == 0 && t.is("WHERE") => {
                    return Some((table, column, self.sql[t.start + t.text.len() - base..].trim()));
                }
                _ => {}
            }
        }
        None
    }

    /// Whether the statement returns rows the runner must read (SELECT / WITH / VALUES).
    pub fn returns_rows(&self) -> bool {
        self.first_is("SELECT") || self.first_is("WITH") || self.first_is("VALUES")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn splits_statements_and_keeps_trigger_bodies_together() {
        let sql = "-- header; with a semicolon\nCREATE TABLE a (x TEXT DEFAULT ';');\n\
                   CREATE TRIGGER IF NOT EXISTS t AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (CASE WHEN new.x THEN 1 ELSE 2 END);\n  DELETE FROM c;\nEND;\n\
                   /* c; */ DROP INDEX IF EXISTS \"odd \"\"name\";\nSELECT 1";
        let stmts = split(sql);
        assert_eq!(stmts.len(), 4, "{stmts:#?}");
        assert!(stmts[0].sql.starts_with("CREATE TABLE a"));
        assert!(stmts[1].sql.ends_with("END"), "{}", stmts[1].sql);
        assert_eq!(stmts[1].creates(), Some(Object { kind: "trigger".into(), name: "t".into() }));
        assert_eq!(stmts[2].drops(), Some(Object { kind: "index".into(), name: "odd \"name".into() }));
        assert!(stmts[3].returns_rows());
    }

    #[test]
    fn reads_creates_pragmas_and_updates() {
        let s = split("CREATE VIRTUAL TABLE IF NOT EXISTS main.f USING fts5(a)");
        assert_eq!(s[0].creates(), Some(Object { kind: "table".into(), name: "f".into() }));
        let s = split("CREATE UNIQUE INDEX i ON t (x)");
        assert_eq!(s[0].creates().map(|o| o.name), Some("i".into()));
        let s = split("PRAGMA cache_size = -40000;");
        assert_eq!(s[0].pragma(), Some(("cache_size".into(), "-40000".into())));
        let s = split("UPDATE users SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND x IS NOT NULL;");
        let (t, c, w) = s[0].update_target().unwrap();
        assert_eq!((t.as_str(), c.as_str(), w), ("users", "created_at", "typeof(created_at) = 'text' AND x IS NOT NULL"));
    }
}
