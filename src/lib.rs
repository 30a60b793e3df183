//! @pingtopass/db-performance: the napi exports live in `napi/`; everything else is plain
//! Rust, testable without Node.

#![deny(clippy::unwrap_used)]

pub mod cache;
pub mod config;
pub mod db;
pub mod error;
pub mod loadtest;
pub mod migrations;
pub mod monitoring;
pub mod queries;
pub mod runtime;
pub mod schema;

mod napi;
