//! The N-API surface. Thin: it converts values, calls the core and maps errors. The typed
//! public API is `index.js`/`index.d.ts` over this raw binding (`binding.js`).

mod convert;
mod cache;
pub(crate) mod database;
mod loadtest;
mod migrations;
mod monitoring;
mod queries;

use crate::error::Error;

#[napi_derive::module_init]
fn init() {
    crate::runtime::install(napi::bindgen_prelude::create_custom_tokio_runtime);
}

/// Errors cross as JSON in the message; `lib/errors.js` rebuilds TypeError/RangeError/Error
/// with `code` from it, the one place where the mapping happens.
pub(crate) fn to_napi(e: Error) -> napi::Error {
    napi::Error::new(napi::Status::GenericFailure, e.to_json())
}


/// The resolved configuration, secrets left out, as the original's `getEdgeConfig` returned it.
#[napi_derive::napi(catch_unwind, js_name = "getEdgeConfigJson")]
pub fn get_edge_config_json(env: napi::Env, region: Option<String>, overrides: napi::bindgen_prelude::Unknown) -> napi::Result<String> {
    let raw = convert::settings(env.raw(), napi::JsValue::value(&overrides).value).map_err(to_napi)?;
    let cfg = crate::config::resolve(region.as_deref(), &raw, &|k| std::env::var(k).ok()).map_err(to_napi)?;
    Ok(database::describe(&cfg).to_string())
}

/// The `[[names...],[types...]]` JSON of a result shape a ResultSet referred to.
#[napi_derive::napi(catch_unwind, js_name = "resultShape")]
pub fn result_shape(id: u32) -> napi::Result<String> {
    crate::db::shapes::get(id)
        .map(|s| s.to_string())
        .ok_or_else(|| to_napi(crate::error::Error::internal(format!("no result shape {id}"))))
}

/// Test hook: panics inside an exported function, so tests can check that a Rust panic
/// reaches JS as an Error and the addon keeps working. Not part of the public API.
#[napi_derive::napi(catch_unwind, js_name = "__panicForTests")]
pub fn panic_for_tests() {
    panic!("deliberate panic for tests");
}
