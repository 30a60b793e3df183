//! @pingtopass/db-performance: the napi exports live in `napi/`; everything else is plain
//! Rust, testable without Node.

#![deny(clippy::unwrap_used)]

pub mod config;
pub mod db;
pub mod error;
pub mod runtime;
mod napi;
pub mod schema;
