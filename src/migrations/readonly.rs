//! A read-only connection to a local database file, outside the pool. The pool's writer
//! switches a file to WAL when it opens it, and opening creates a missing file; a dry run
//! (and the check that a file is the app's before anything else opens it) must do neither.
//! Call from a blocking thread: `Conn` waits on the shared runtime.

use crate::config::{EdgeConfig, IntMode};
use crate::db::conn::Conn;
use crate::error::{Error, Result};
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

pub fn open(path: &Path, cfg: &EdgeConfig) -> Result<Conn> {
    if !path.is_file() {
        return Err(Error::usage(
            "ERR_NOT_APP_SCHEMA",
            format!("no database file at {}; create it with `npm run db:seed` (or point --url at the app's database)", path.display()),
        ));
    }
    crate::db::open::configure_sqlite();
    let rt = crate::runtime::handle();
    let timeout = Duration::from_millis(cfg.request_timeout_ms);
    let builder = libsql::Builder::new_local(path).flags(libsql::OpenFlags::SQLITE_OPEN_READ_ONLY);
    let db = match rt.block_on(async { tokio::time::timeout(timeout, builder.build()).await }) {
        Ok(r) => Arc::new(r.map_err(Error::from)?),
        Err(_) => return Err(Error::timeout("the database file", cfg.request_timeout_ms)),
    };
    let busy = Duration::from_millis(cfg.busy_timeout_ms);
    let reconnect = Arc::new(move || -> Result<libsql::Connection> {
        let c = db.connect()?;
        c.busy_timeout(busy)?;
        Ok(c)
    });
    Conn::new(rt, timeout, IntMode::Number, reconnect, Arc::new(AtomicU64::new(0)))
}
