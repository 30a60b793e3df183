//! The database layer: backends, the connection pool, statement classification, the result
//! cache and the request path from JS.

pub mod batcher;
pub mod checkpoint;
pub mod classify;
pub mod conn;
pub mod database;
pub mod execute;
pub mod inline;
pub mod open;
pub mod pool;
pub mod query_cache;
pub mod shapes;
pub mod maintenance;
pub mod observer;
pub mod value;

pub use database::{Database, RawParams, RawStatement};
pub use execute::{Call, Request, Transaction};
