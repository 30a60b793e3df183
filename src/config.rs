//! Settings: the region table of the original, the environment, and per-database
//! overrides, in that order of precedence (overrides win). Validated up front so a bad
//! setting fails at creation, naming the setting, never at the first query.

use crate::error::{Error, Result};
use std::fmt;
use std::path::PathBuf;

pub const DEFAULT_LOCAL_PATH: &str = ".data/pingtopass.db";

/// A secret that never prints: not in `Debug`, not in errors, not in metrics.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntMode {
    Number,
    BigInt,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Local { path: PathBuf },
    Remote { url: String },
    Replica { url: String, path: PathBuf },
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Local { .. } => "local",
            Backend::Remote { .. } => "remote",
            Backend::Replica { .. } => "replica",
        }
    }
}

#[derive(Debug, Clone)]
pub struct EdgeConfig {
    pub region: Option<String>,
    pub backend: Backend,
    pub auth_token: Option<Secret>,
    pub encryption_key: Option<Secret>,
    pub max_connections: usize,
    pub sync_interval_secs: u64,
    pub cache_ttl_secs: u64,
    pub cache_max_size: u64,
    pub slow_query_threshold_ms: f64,
    pub enable_alerts: bool,
    pub int_mode: IntMode,
    pub read_your_writes: bool,
    pub concurrency: u32,
    pub busy_timeout_ms: u64,
    pub request_timeout_ms: u64,
    /// How long a request answered on the JS thread may be expected to take (`db/inline.rs`);
    /// zero sends every request to the pool.
    pub inline_budget_us: u64,
}

impl EdgeConfig {
    /// The secrets of this configuration, for scrubbing messages that come from below.
    pub fn secrets(&self) -> Vec<&str> {
        [&self.auth_token, &self.encryption_key].into_iter().flatten().map(Secret::expose).collect()
    }

    /// The URL as it can be shown: scheme and host, never a query string (tokens can ride there).
    pub fn display_target(&self) -> String {
        match &self.backend {
            Backend::Local { path } => format!("file:{}", path.display()),
            Backend::Remote { url } => strip_query(url),
            Backend::Replica { url, path } => format!("{} (replica {})", strip_query(url), path.display()),
        }
    }
}

fn strip_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or(url).to_string()
}

/// A raw setting as it arrives from JS or the environment, before validation.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Str(String),
    Num(f64),
    Bool(bool),
    /// Any other JS type, by its `typeof` name, so the error can say what it got.
    Other(&'static str),
}

struct Region {
    sync_interval: u64,
    concurrency: u32,
}

fn region_defaults(region: Option<&str>) -> Region {
    match region {
        Some("us-east-1") => Region { sync_interval: 30, concurrency: 25 },
        Some("eu-west-1") => Region { sync_interval: 45, concurrency: 20 },
        Some("ap-southeast-1") => Region { sync_interval: 60, concurrency: 15 },
        _ => Region { sync_interval: 60, concurrency: 20 },
    }
}

/// (override key, environment variable) for every setting.
pub const SETTINGS: &[(&str, &str)] = &[
    ("url", "TURSO_DATABASE_URL"),
    ("authToken", "TURSO_AUTH_TOKEN"),
    ("encryptionKey", "TURSO_ENCRYPTION_KEY"),
    ("replicaPath", "TURSO_REPLICA_PATH"),
    ("maxConnections", "DB_MAX_CONNECTIONS"),
    ("syncInterval", "DB_SYNC_INTERVAL"),
    ("cacheTtl", "CACHE_DEFAULT_TTL"),
    ("cacheMaxSize", "CACHE_MAX_SIZE"),
    ("slowQueryThreshold", "SLOW_QUERY_THRESHOLD"),
    ("enablePerformanceAlerts", "ENABLE_PERFORMANCE_ALERTS"),
    ("intMode", "DB_INT_MODE"),
    ("readYourWrites", "DB_READ_YOUR_WRITES"),
    ("busyTimeout", "DB_BUSY_TIMEOUT"),
    ("requestTimeout", "DB_REQUEST_TIMEOUT"),
    ("inlineBudget", "DB_INLINE_BUDGET"),
];

struct Source<'a> {
    overrides: &'a [(String, Raw)],
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Source<'_> {
    /// Returns the raw value, the name to blame if it is bad, and whether it came from the
    /// environment (where every value is text to parse; an override must have its JS type).
    fn get(&self, key: &str) -> Option<(Raw, String, bool)> {
        if let Some((_, v)) = self.overrides.iter().find(|(k, _)| k == key) {
            return Some((v.clone(), key.to_string(), false));
        }
        let var = SETTINGS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)?;
        match (self.env)(var) {
            Some(s) if !s.trim().is_empty() => Some((Raw::Str(s.trim().to_string()), var.to_string(), true)),
            _ => None,
        }
    }

    fn string(&self, key: &str) -> Result<Option<(String, String)>> {
        match self.get(key) {
            None => Ok(None),
            Some((Raw::Str(s), name, _)) => Ok(Some((s, name))),
            Some((_, name, _)) => Err(Error::invalid_type(&name, "a string")),
        }
    }

    fn number(&self, key: &str, min: f64, max: f64, integer: bool) -> Result<Option<f64>> {
        let (raw, name, from_env) = match self.get(key) {
            None => return Ok(None),
            Some(v) => v,
        };
        let n = match raw {
            Raw::Num(n) => n,
            Raw::Str(s) if from_env => s
                .parse::<f64>()
                .map_err(|_| Error::config(&name, &format!("expected a number, got {:?}", truncate(&s))))?,
            _ => return Err(Error::invalid_type(&name, "a number")),
        };
        if !n.is_finite() || n < min || n > max || (integer && n.fract() != 0.0) {
            let what = if integer { "an integer" } else { "a number" };
            return Err(Error::config(&name, &format!("expected {what} from {min} to {max}, got {n}")));
        }
        Ok(Some(n))
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some((Raw::Bool(b), _, _)) => Ok(Some(b)),
            Some((Raw::Str(s), name, true)) => match s.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(Some(true)),
                "false" | "0" | "no" | "off" => Ok(Some(false)),
                _ => Err(Error::config(&name, &format!("expected true or false, got {:?}", truncate(&s)))),
            },
            Some((_, name, _)) => Err(Error::invalid_type(&name, "a boolean")),
        }
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Builds and validates a configuration. `env` is injected so tests need not touch the
/// process environment.
pub fn resolve(
    region: Option<&str>,
    overrides: &[(String, Raw)],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<EdgeConfig> {
    for (key, _) in overrides {
        if !SETTINGS.iter().any(|(k, _)| k == key) && key != "region" {
            let known: Vec<&str> = SETTINGS.iter().map(|(k, _)| *k).collect();
            return Err(Error::config(key, &format!("unknown option (known: {})", known.join(", "))));
        }
    }
    let src = Source { overrides, env };
    let defaults = region_defaults(region);

    let url = src.string("url")?;
    let replica = src.string("replicaPath")?;
    let backend = match (url, replica) {
        (None, None) => Backend::Local { path: PathBuf::from(DEFAULT_LOCAL_PATH) },
        (None, Some((_, name))) => {
            return Err(Error::config(&name, "a replica path needs a remote URL (TURSO_DATABASE_URL / url) to sync from"))
        }
        (Some((url, name)), replica) => parse_url(&url, &name, replica)?,
    };

    let auth_token = src.string("authToken")?.map(|(s, _)| Secret(s));
    let encryption_key = src.string("encryptionKey")?.map(|(s, _)| Secret(s));
    if let (Some(_), Backend::Remote { .. }) = (&encryption_key, &backend) {
        return Err(Error::config(
            "encryptionKey",
            "encrypts a local file; a remote database without a replica path has none",
        ));
    }

    let int_mode = match src.string("intMode")? {
        None => IntMode::Number,
        Some((s, _)) if s == "number" => IntMode::Number,
        Some((s, _)) if s == "bigint" => IntMode::BigInt,
        Some((s, name)) => return Err(Error::config(&name, &format!("expected 'number' or 'bigint', got {:?}", truncate(&s)))),
    };

    Ok(EdgeConfig {
        region: region.map(str::to_string),
        backend,
        auth_token,
        encryption_key,
        max_connections: src.number("maxConnections", 1.0, 64.0, true)?.map_or(4, |n| n as usize),
        sync_interval_secs: src.number("syncInterval", 0.0, 86_400.0, true)?.map_or(defaults.sync_interval, |n| n as u64),
        cache_ttl_secs: src.number("cacheTtl", 0.0, 31_536_000.0, true)?.map_or(300, |n| n as u64),
        cache_max_size: src.number("cacheMaxSize", 0.0, 100_000_000.0, true)?.map_or(10_000, |n| n as u64),
        slow_query_threshold_ms: src.number("slowQueryThreshold", 0.0, 3_600_000.0, false)?.unwrap_or(200.0),
        enable_alerts: src.boolean("enablePerformanceAlerts")?.unwrap_or(true),
        int_mode,
        read_your_writes: src.boolean("readYourWrites")?.unwrap_or(true),
        concurrency: defaults.concurrency,
        busy_timeout_ms: src.number("busyTimeout", 0.0, 600_000.0, true)?.map_or(5_000, |n| n as u64),
        request_timeout_ms: src.number("requestTimeout", 1.0, 600_000.0, true)?.map_or(10_000, |n| n as u64),
        inline_budget_us: src.number("inlineBudget", 0.0, 1_000.0, false)?.map_or(500, |ms| (ms * 1000.0).round() as u64),
    })
}

fn parse_url(url: &str, name: &str, replica: Option<(String, String)>) -> Result<Backend> {
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
    match scheme.as_str() {
        "file" => {
            if let Some((_, rname)) = replica {
                return Err(Error::config(&rname, "a replica path needs a remote URL, not a file: URL"));
            }
            let path = url["file:".len()..].trim_start_matches("//");
            if path.is_empty() {
                return Err(Error::config(name, "file: URL without a path"));
            }
            Ok(Backend::Local { path: PathBuf::from(path) })
        }
        "http" | "https" | "libsql" | "ws" | "wss" => {
            let rest = url.split_once("://").map(|(_, r)| r).unwrap_or("");
            if rest.is_empty() || rest.starts_with('/') {
                return Err(Error::config(name, "URL without a host"));
            }
            // libsql over Hrana speaks HTTP; its websocket and libsql schemes map onto it.
            let url = match scheme.as_str() {
                "ws" => format!("http://{rest}"),
                "wss" | "libsql" => format!("https://{rest}"),
                _ => url.to_string(),
            };
            Ok(match replica {
                None => Backend::Remote { url },
                Some((path, _)) => Backend::Replica { url, path: PathBuf::from(path) },
            })
        }
        _ => Err(Error::config(
            name,
            &format!("unknown URL scheme {:?} (use file:, http://, https:// or libsql://)", truncate(&scheme)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn defaults_to_a_local_file_with_region_values() {
        let c = resolve(Some("us-east-1"), &[], &env_of(&[])).unwrap();
        assert_eq!(c.backend, Backend::Local { path: PathBuf::from(DEFAULT_LOCAL_PATH) });
        assert_eq!(c.sync_interval_secs, 30);
        assert_eq!(c.concurrency, 25);
        let c = resolve(Some("mars-1"), &[], &env_of(&[])).unwrap();
        assert_eq!(c.sync_interval_secs, 60);
    }

    #[test]
    fn overrides_win_over_environment() {
        let env = env_of(&[("DB_MAX_CONNECTIONS", "8"), ("CACHE_DEFAULT_TTL", "10")]);
        let c = resolve(None, &[("maxConnections".into(), Raw::Num(2.0))], &env).unwrap();
        assert_eq!(c.max_connections, 2);
        assert_eq!(c.cache_ttl_secs, 10);
    }

    #[test]
    fn malformed_settings_name_the_setting() {
        let e = resolve(None, &[], &env_of(&[("DB_MAX_CONNECTIONS", "abc")])).unwrap_err();
        assert!(e.message.contains("DB_MAX_CONNECTIONS"), "{e}");
        let e = resolve(None, &[("cacheTtl".into(), Raw::Num(-1.0))], &env_of(&[])).unwrap_err();
        assert!(e.message.contains("cacheTtl"), "{e}");
        let e = resolve(None, &[("url".into(), Raw::Str("ftp://x".into()))], &env_of(&[])).unwrap_err();
        assert!(e.message.contains("url") && e.message.contains("scheme"), "{e}");
        let e = resolve(None, &[], &env_of(&[("TURSO_REPLICA_PATH", "/tmp/r.db")])).unwrap_err();
        assert!(e.message.contains("TURSO_REPLICA_PATH"), "{e}");
        let e = resolve(None, &[("maxConections".into(), Raw::Num(1.0))], &env_of(&[])).unwrap_err();
        assert!(e.message.contains("maxConections"), "{e}");
        let e = resolve(None, &[("maxConnections".into(), Raw::Other("object"))], &env_of(&[])).unwrap_err();
        assert_eq!(e.code, "ERR_INVALID_ARG_TYPE");
    }

    #[test]
    fn overrides_keep_their_js_type_where_the_environment_is_parsed() {
        for (key, text) in [("maxConnections", "4"), ("readYourWrites", "true")] {
            let e = resolve(None, &[(key.into(), Raw::Str(text.into()))], &env_of(&[])).unwrap_err();
            assert!(e.code == "ERR_INVALID_ARG_TYPE" && e.message.contains(key), "{e}");
        }
        let c = resolve(None, &[], &env_of(&[("DB_MAX_CONNECTIONS", "4"), ("DB_READ_YOUR_WRITES", "false")])).unwrap();
        assert!(c.max_connections == 4 && !c.read_your_writes, "{c:?}");
    }

    #[test]
    fn secrets_do_not_print() {
        let env = env_of(&[("TURSO_DATABASE_URL", "http://127.0.0.1:1"), ("TURSO_AUTH_TOKEN", "sekrit-token")]);
        let c = resolve(None, &[], &env).unwrap();
        let shown = format!("{c:?} {}", c.display_target());
        assert!(!shown.contains("sekrit-token"), "{shown}");
    }

    #[test]
    fn libsql_scheme_becomes_https_and_replica_needs_remote() {
        let c = resolve(None, &[("url".into(), Raw::Str("libsql://db.example".into()))], &env_of(&[])).unwrap();
        assert_eq!(c.backend, Backend::Remote { url: "https://db.example".into() });
        let c = resolve(
            None,
            &[("url".into(), Raw::Str("http://127.0.0.1:8080".into())), ("replicaPath".into(), Raw::Str("/tmp/r.db".into()))],
            &env_of(&[]),
        )
        .unwrap();
        assert_eq!(c.backend.name(), "replica");
    }
}
