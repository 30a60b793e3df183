//! The one tokio runtime shared by every object of the addon: napi's async functions,
//! the connection workers and the background timers all run on it.

use std::sync::OnceLock;
use tokio::runtime::{Builder, Handle, Runtime};

static HANDLE: OnceLock<Handle> = OnceLock::new();

fn build() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("pingtopass-rt")
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot start the tokio runtime: {e}"))
}

/// Builds the runtime and hands ownership to `owner` (napi, when loaded as an addon), keeping
/// a handle for the worker threads.
pub fn install(owner: impl FnOnce(Runtime)) {
    let rt = build();
    if HANDLE.set(rt.handle().clone()).is_ok() {
        owner(rt);
    }
}

/// The shared runtime's handle. Outside Node (cargo tests, tools) the runtime is created on
/// first use and lives for the process.
pub fn handle() -> Handle {
    HANDLE
        .get_or_init(|| {
            let rt = build();
            let handle = rt.handle().clone();
            std::mem::forget(rt);
            handle
        })
        .clone()
}
