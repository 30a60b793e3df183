//! Opening the three backends and setting up each connection.

use super::conn::Conn;
use super::value::CellTypes;
use crate::config::{Backend, EdgeConfig};
use crate::error::{Error, Result};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::Handle;

pub struct Opened {
    pub db: Arc<libsql::Database>,
    pub backend: Backend,
}

/// Process-wide SQLite settings, applied before libsql initialises SQLite (later calls are
/// refused by SQLite and ignored). Memory statistics off: with them on, every allocation of
/// every connection takes one global mutex, and the reader threads queued on it (perf showed
/// futex waits under `sqlite3Malloc` on every prepared-statement step).
pub fn configure_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| unsafe {
        libsql::ffi::sqlite3_config(libsql::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int);
    });
}

pub fn open(cfg: &EdgeConfig, rt: &Handle) -> Result<Opened> {
    configure_sqlite();
    let token = cfg.auth_token.as_ref().map(|t| t.expose().to_string()).unwrap_or_default();
    let timeout = Duration::from_millis(cfg.request_timeout_ms);
    let build = |fut: std::pin::Pin<Box<dyn std::future::Future<Output = libsql::Result<libsql::Database>> + Send + '_>>| -> Result<libsql::Database> {
        match rt.block_on(async { tokio::time::timeout(timeout, fut).await }) {
            Ok(r) => r.map_err(Error::from),
            Err(_) => Err(Error::timeout("the database server", cfg.request_timeout_ms)),
        }
    };
    #[cfg_attr(not(feature = "encryption"), allow(unused_variables))]
    let encryption = encryption(cfg)?;
    let db = match &cfg.backend {
        Backend::Local { path } => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    Error::usage("ERR_CANTOPEN", format!("cannot create folder {}: {e}", dir.display()))
                })?;
            }
            #[allow(unused_mut)]
            let mut b = libsql::Builder::new_local(path);
            #[cfg(feature = "encryption")]
            if let Some(e) = encryption.clone() {
                b = b.encryption_config(e);
            }
            build(Box::pin(b.build()))?
        }
        Backend::Remote { url } => build(Box::pin(libsql::Builder::new_remote(url.clone(), token).build()))?,
        Backend::Replica { url, path } => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    Error::usage("ERR_CANTOPEN", format!("cannot create folder {}: {e}", dir.display()))
                })?;
            }
            #[allow(unused_mut)]
            let mut b = libsql::Builder::new_remote_replica(path, url.clone(), token).read_your_writes(cfg.read_your_writes);
            #[cfg(feature = "encryption")]
            if let Some(e) = encryption.clone() {
                b = b.encryption_config(e);
            }
            build(Box::pin(b.build()))?
        }
    };
    Ok(Opened { db: Arc::new(db), backend: cfg.backend.clone() })
}

#[cfg(feature = "encryption")]
type Encryption = Option<libsql::EncryptionConfig>;
#[cfg(not(feature = "encryption"))]
type Encryption = Option<std::convert::Infallible>;

/// The cipher for `encryptionKey`: AES-256 through SQLite3 Multiple Ciphers, the one libSQL's
/// embedded builds ship.
fn encryption(cfg: &EdgeConfig) -> Result<Encryption> {
    let Some(key) = &cfg.encryption_key else { return Ok(None) };
    #[cfg(feature = "encryption")]
    {
        Ok(Some(libsql::EncryptionConfig::new(
            libsql::Cipher::Aes256Cbc,
            bytes::Bytes::copy_from_slice(key.expose().as_bytes()),
        )))
    }
    #[cfg(not(feature = "encryption"))]
    {
        let _ = key;
        Err(Error::usage(
            "ERR_ENCRYPTION_UNAVAILABLE",
            "encryptionKey is set but this build has no encryption support: install cmake and rebuild (npm run build)",
        ))
    }
}

/// The per-connection settings of the optimize migration's step 007: a page cache of 16 MB
/// and temporary B-trees in memory.
const LOCAL_PRAGMAS: &str = "PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY;";
const MMAP_PRAGMA: &str = "PRAGMA mmap_size=268435456;";

/// Makes worker `i`'s connection (0 is the writer). Local connections get WAL, NORMAL sync,
/// foreign keys and a busy timeout; readers are `query_only` so a misrouted write fails
/// loudly instead of racing the writer.
pub fn connection(opened: &Opened, cfg: &EdgeConfig, rt: &Handle, i: usize, schema_epoch: Arc<AtomicU64>) -> Result<Conn> {
    let db = opened.db.clone();
    let local = matches!(opened.backend, Backend::Local { .. });
    let busy = Duration::from_millis(cfg.busy_timeout_ms);
    let reconnect = Arc::new(move || -> Result<libsql::Connection> {
        let c = db.connect()?;
        if local {
            c.busy_timeout(busy)?;
        }
        Ok(c)
    });
    let mut conn =
        Conn::new(rt.clone(), Duration::from_millis(cfg.request_timeout_ms), cfg.int_mode, reconnect, schema_epoch)?;
    match (&opened.backend, i) {
        (Backend::Local { .. }, 0) => {
            conn.exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")?;
            conn.exec_script(&format!("PRAGMA wal_autocheckpoint={}", super::checkpoint::WRITER_AUTOCHECKPOINT_PAGES))?
        }
        (Backend::Local { .. }, _) => conn.exec_script("PRAGMA foreign_keys=ON; PRAGMA query_only=ON;")?,
        (Backend::Replica { .. }, _) => {
            conn.cell_types = CellTypes::FromValue;
            conn.exec_script("PRAGMA foreign_keys=ON;")?
        }
        (Backend::Remote { .. }, _) => conn.hrana = true,
    }
    // Not on a replica: it forwards these PRAGMAs to its primary, which refuses them
    // ("unsupported statement") and so failed every replica's ready().
    if local {
        conn.exec_script(LOCAL_PRAGMAS)?;
        // Reads through the memory map skip a pread and a copy per page; an encrypted file
        // must be decrypted page by page, which SQLite3 Multiple Ciphers does only without it.
        if cfg.encryption_key.is_none() {
            conn.exec_script(MMAP_PRAGMA)?;
        }
    }
    Ok(conn)
}
