//! The one error type of the addon. Every failure carries a stable `code`; the JS front
//! (`lib/errors.js`) turns codes into `TypeError`, `RangeError` or `Error` in one place.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A value of the wrong type: becomes a JS `TypeError`.
    Type,
    /// A value of the right type outside its allowed range: becomes a JS `RangeError`.
    Range,
    /// Everything else: a JS `Error` with `code`.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: Kind,
    pub code: String,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(kind: Kind, code: impl Into<String>, message: impl Into<String>) -> Self {
        Error { kind, code: code.into(), message: message.into() }
    }

    /// `field` is named first so a caller sees at once which input was wrong.
    pub fn invalid_type(field: &str, expected: &str) -> Self {
        Error::new(Kind::Type, "ERR_INVALID_ARG_TYPE", format!("{field} must be {expected}"))
    }

    pub fn out_of_range(field: &str, rule: &str) -> Self {
        Error::new(Kind::Range, "ERR_OUT_OF_RANGE", format!("{field} must be {rule}"))
    }

    pub fn config(setting: &str, problem: &str) -> Self {
        Error::new(Kind::Range, "ERR_INVALID_CONFIG", format!("invalid setting {setting}: {problem}"))
    }

    pub fn closed() -> Self {
        Error::new(Kind::Other, "ERR_DATABASE_CLOSED", "database closed: cleanup() was called")
    }

    pub fn timeout(what: &str, ms: u64) -> Self {
        Error::new(Kind::Other, "ERR_TIMEOUT", format!("{what} did not answer within {ms} ms"))
    }

    pub fn usage(code: &str, message: impl Into<String>) -> Self {
        Error::new(Kind::Other, code, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(Kind::Other, "ERR_INTERNAL", message)
    }

    /// Maps a libsql error to a code a caller can branch on. Messages from libsql can
    /// quote a URL with credentials; `redact` removes any secret known to the caller.
    pub fn from_libsql(err: libsql::Error) -> Self {
        use libsql::Error as E;
        match err {
            E::SqliteFailure(code, message) => {
                Error::new(Kind::Other, sqlite_code_name(code), message)
            }
            E::ConnectionFailed(m) => Error::new(Kind::Other, "ERR_CONNECTION", format!("connection failed: {m}")),
            E::Hrana(e) => classify_remote(e.to_string()),
            E::Replication(e) => classify_remote(format!("replication: {e}")),
            E::Sync(e) => classify_remote(format!("sync: {e}")),
            E::InvalidColumnIndex => Error::new(Kind::Other, "SQLITE_RANGE", "invalid column index"),
            E::ToSqlConversionFailure(e) => Error::new(Kind::Type, "ERR_INVALID_ARG_TYPE", e.to_string()),
            other => classify_remote(other.to_string()),
        }
    }

    /// Removes every occurrence of the given secrets from the message.
    pub fn redact(mut self, secrets: &[&str]) -> Self {
        for s in secrets.iter().filter(|s| s.len() >= 4) {
            if self.message.contains(s) {
                self.message = self.message.replace(s, "[redacted]");
            }
        }
        self
    }

    /// The JSON form used when errors travel back to JS inside a batch result.
    pub fn to_json(&self) -> String {
        let kind = match self.kind {
            Kind::Type => "type",
            Kind::Range => "range",
            Kind::Other => "error",
        };
        serde_json::json!({ "$error": { "kind": kind, "code": self.code, "message": self.message } })
            .to_string()
    }
}

fn classify_remote(message: String) -> Error {
    let lower = message.to_ascii_lowercase();
    // sqld reports a statement's own failure as text ("SQLite error: UNIQUE constraint failed:
    // users.auth_token"); it goes first so that a column name is not taken for an auth failure.
    let code = if lower.contains("constraint failed") {
        "SQLITE_CONSTRAINT"
    } else if lower.contains("database is locked") || lower.contains("sqlite_busy") {
        "SQLITE_BUSY"
    } else if lower.contains("401") || lower.contains("unauthorized") || lower.contains("authentication")
        || lower.contains("auth") && (lower.contains("jwt") || lower.contains("token"))
    {
        "ERR_AUTH"
    } else if lower.contains("403") || lower.contains("forbidden") || lower.contains("read-only") || lower.contains("readonly") {
        "ERR_PERMISSION"
    } else if lower.contains("sqlite_") || lower.contains("sqlite error") || lower.contains("sql_parse")
        || lower.contains("no such") || lower.contains("unsupported statement")
    {
        "SQLITE_ERROR"
    } else {
        "ERR_CONNECTION"
    };
    Error::new(Kind::Other, code, message)
}

fn sqlite_code_name(code: i32) -> &'static str {
    // Extended codes keep the primary code in their low byte.
    match code & 0xff {
        1 => "SQLITE_ERROR",
        2 => "SQLITE_INTERNAL",
        3 => "SQLITE_PERM",
        4 => "SQLITE_ABORT",
        5 => "SQLITE_BUSY",
        6 => "SQLITE_LOCKED",
        7 => "SQLITE_NOMEM",
        8 => "SQLITE_READONLY",
        9 => "SQLITE_INTERRUPT",
        10 => "SQLITE_IOERR",
        11 => "SQLITE_CORRUPT",
        13 => "SQLITE_FULL",
        14 => "SQLITE_CANTOPEN",
        18 => "SQLITE_TOOBIG",
        19 => "SQLITE_CONSTRAINT",
        20 => "SQLITE_MISMATCH",
        21 => "SQLITE_MISUSE",
        23 => "SQLITE_AUTH",
        25 => "SQLITE_RANGE",
        26 => "SQLITE_NOTADB",
        _ => "SQLITE_ERROR",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

impl From<libsql::Error> for Error {
    fn from(err: libsql::Error) -> Self {
        Error::from_libsql(err)
    }
}

#[cfg(test)]
mod tests {
    use super::classify_remote;

    #[test]
    fn a_statement_the_server_ran_and_failed_is_a_sqlite_error_not_a_connection_error() {
        let code = |m: &str| classify_remote(m.to_string()).code;
        assert_eq!(code("api error: `SQLite error: UNIQUE constraint failed: exams.id`"), "SQLITE_CONSTRAINT");
        assert_eq!(code("api error: `SQLite error: NOT NULL constraint failed: users.auth_token`"), "SQLITE_CONSTRAINT");
        assert_eq!(code("api error: `SQLite error: no such table: nope`"), "SQLITE_ERROR");
        assert_eq!(code("unsupported statement"), "SQLITE_ERROR");
        assert_eq!(code("replication: api error: `SQLite error: database is locked`"), "SQLITE_BUSY");
        assert_eq!(code("error sending request for url (http://127.0.0.1:1/v2/pipeline)"), "ERR_CONNECTION");
        assert_eq!(code("api error: `status=401 Unauthorized`"), "ERR_AUTH");
    }
}
