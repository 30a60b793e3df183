//! JS values to Rust, with errors that name the offending field. Raw N-API calls keep the
//! per-parameter cost to one type check and one read.

use crate::config::Raw;
use crate::db::{RawParams, RawStatement};
use crate::error::{Error, Result};
use libsql::Value;
use napi::sys;
use std::ptr;
use std::sync::Arc;

/// Longest string or blob accepted as one parameter (SQLite's default SQLITE_MAX_LENGTH).
const MAX_VALUE_BYTES: usize = 1_000_000_000;

fn check(status: sys::napi_status, what: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::invalid_type(what, "a readable value"))
    }
}

fn type_of(env: sys::napi_env, v: sys::napi_value) -> Result<sys::napi_valuetype> {
    let mut t = 0;
    check(unsafe { sys::napi_typeof(env, v, &mut t) }, "value")?;
    Ok(t)
}

fn type_name(t: sys::napi_valuetype) -> &'static str {
    match t {
        sys::ValueType::napi_undefined => "undefined",
        sys::ValueType::napi_null => "null",
        sys::ValueType::napi_boolean => "boolean",
        sys::ValueType::napi_number => "number",
        sys::ValueType::napi_string => "string",
        sys::ValueType::napi_symbol => "symbol",
        sys::ValueType::napi_object => "object",
        sys::ValueType::napi_function => "function",
        sys::ValueType::napi_bigint => "bigint",
        _ => "unknown",
    }
}

pub fn string(env: sys::napi_env, v: sys::napi_value, field: &str) -> Result<String> {
    if type_of(env, v)? != sys::ValueType::napi_string {
        return Err(Error::invalid_type(field, "a string"));
    }
    let mut len = 0usize;
    check(unsafe { sys::napi_get_value_string_utf8(env, v, ptr::null_mut(), 0, &mut len) }, field)?;
    if len > MAX_VALUE_BYTES {
        return Err(Error::out_of_range(field, "at most 1 GB"));
    }
    let mut buf: Vec<u8> = Vec::with_capacity(len + 1);
    let mut written = 0usize;
    check(
        unsafe { sys::napi_get_value_string_utf8(env, v, buf.as_mut_ptr().cast(), len + 1, &mut written) },
        field,
    )?;
    unsafe { buf.set_len(written) };
    // N-API writes a lone surrogate as U+FFFD: only text holding U+FFFD is read again as
    // UTF-16, to refuse it rather than store a character the caller never sent.
    if buf.windows(3).any(|w| w == "\u{FFFD}".as_bytes()) && has_lone_surrogate(env, v, field)? {
        return Err(Error::invalid_type(field, "well-formed text (it holds a lone UTF-16 surrogate, which cannot be stored)"));
    }
    String::from_utf8(buf).map_err(|_| Error::invalid_type(field, "a valid string"))
}

fn has_lone_surrogate(env: sys::napi_env, v: sys::napi_value, field: &str) -> Result<bool> {
    let mut len = 0usize;
    check(unsafe { sys::napi_get_value_string_utf16(env, v, ptr::null_mut(), 0, &mut len) }, field)?;
    let mut units: Vec<u16> = Vec::with_capacity(len + 1);
    let mut written = 0usize;
    check(unsafe { sys::napi_get_value_string_utf16(env, v, units.as_mut_ptr(), len + 1, &mut written) }, field)?;
    unsafe { units.set_len(written) };
    Ok(char::decode_utf16(units).any(|c| c.is_err()))
}

fn number(env: sys::napi_env, v: sys::napi_value) -> Result<f64> {
    let mut n = 0f64;
    check(unsafe { sys::napi_get_value_double(env, v, &mut n) }, "number")?;
    Ok(n)
}

fn is(env: sys::napi_env, v: sys::napi_value, f: unsafe fn(sys::napi_env, sys::napi_value, *mut bool) -> sys::napi_status) -> bool {
    let mut b = false;
    unsafe { f(env, v, &mut b) == sys::Status::napi_ok && b }
}

/// One SQL parameter. Dates bind as unix seconds, booleans as 0/1, bigints as INTEGER.
pub fn value(env: sys::napi_env, v: sys::napi_value, field: &str) -> Result<Value> {
    match type_of(env, v)? {
        sys::ValueType::napi_null => Ok(Value::Null),
        sys::ValueType::napi_string => Ok(Value::Text(string(env, v, field)?)),
        sys::ValueType::napi_number => {
            let n = number(env, v)?;
            if !n.is_finite() {
                return Err(Error::out_of_range(field, "a finite number (SQLite stores no NaN or Infinity)"));
            }
            if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 {
                Ok(Value::Integer(n as i64))
            } else {
                Ok(Value::Real(n))
            }
        }
        sys::ValueType::napi_boolean => {
            let mut b = false;
            check(unsafe { sys::napi_get_value_bool(env, v, &mut b) }, field)?;
            Ok(Value::Integer(b as i64))
        }
        sys::ValueType::napi_bigint => {
            let mut n = 0i64;
            let mut lossless = false;
            check(unsafe { sys::napi_get_value_bigint_int64(env, v, &mut n, &mut lossless) }, field)?;
            if !lossless {
                return Err(Error::out_of_range(field, "a bigint within the 64-bit signed range"));
            }
            Ok(Value::Integer(n))
        }
        sys::ValueType::napi_object => {
            if is(env, v, sys::napi_is_date) {
                let mut ms = 0f64;
                check(unsafe { sys::napi_get_date_value(env, v, &mut ms) }, field)?;
                if !ms.is_finite() {
                    return Err(Error::out_of_range(field, "a valid Date"));
                }
                return Ok(Value::Integer((ms / 1000.0).floor() as i64));
            }
            if is(env, v, sys::napi_is_typedarray) || is(env, v, sys::napi_is_buffer) {
                let mut kind = 0;
                let mut len = 0usize;
                let mut data: *mut std::ffi::c_void = ptr::null_mut();
                let mut ab = ptr::null_mut();
                let mut offset = 0usize;
                if is(env, v, sys::napi_is_typedarray) {
                    check(
                        unsafe { sys::napi_get_typedarray_info(env, v, &mut kind, &mut len, &mut data, &mut ab, &mut offset) },
                        field,
                    )?;
                    if kind != sys::TypedarrayType::uint8_array {
                        return Err(Error::invalid_type(field, "a Buffer or Uint8Array (other typed arrays are ambiguous)"));
                    }
                } else {
                    check(unsafe { sys::napi_get_buffer_info(env, v, &mut data, &mut len) }, field)?;
                }
                let bytes = if len == 0 || data.is_null() {
                    Vec::new()
                } else {
                    unsafe { std::slice::from_raw_parts(data as *const u8, len) }.to_vec()
                };
                return Ok(Value::Blob(bytes));
            }
            Err(Error::invalid_type(
                field,
                "a number, bigint, string, boolean, null, Date, Buffer or Uint8Array, not an object",
            ))
        }
        t => Err(Error::invalid_type(
            field,
            &format!("a number, bigint, string, boolean, null, Date, Buffer or Uint8Array, not {}", type_name(t)),
        )),
    }
}

fn array_len(env: sys::napi_env, v: sys::napi_value) -> Result<u32> {
    let mut n = 0u32;
    check(unsafe { sys::napi_get_array_length(env, v, &mut n) }, "array")?;
    Ok(n)
}

fn element(env: sys::napi_env, v: sys::napi_value, i: u32) -> Result<sys::napi_value> {
    let mut e = ptr::null_mut();
    check(unsafe { sys::napi_get_element(env, v, i, &mut e) }, "array element")?;
    Ok(e)
}

/// Own enumerable string keys: an inherited one (a polluted `Object.prototype`) is never read.
fn own_keys(env: sys::napi_env, v: sys::napi_value) -> Result<Vec<(String, sys::napi_value)>> {
    let mut keys = ptr::null_mut();
    check(
        unsafe {
            sys::napi_get_all_property_names(
                env,
                v,
                sys::KeyCollectionMode::own_only,
                sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                sys::KeyConversion::numbers_to_strings,
                &mut keys,
            )
        },
        "object",
    )?;
    let n = array_len(env, keys)?;
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        let k = element(env, keys, i)?;
        let name = string(env, k, "key")?;
        let mut val = ptr::null_mut();
        check(unsafe { sys::napi_get_property(env, v, k, &mut val) }, &name)?;
        out.push((name, val));
    }
    Ok(out)
}

/// Parameters as @libsql/client takes them: an array of positional values, an object of
/// named values (keys without their prefix), or nothing.
pub fn params(env: sys::napi_env, v: sys::napi_value) -> Result<RawParams> {
    match type_of(env, v)? {
        sys::ValueType::napi_undefined | sys::ValueType::napi_null => Ok(RawParams::None),
        sys::ValueType::napi_object if is(env, v, sys::napi_is_array) => {
            let n = array_len(env, v)?;
            let mut out = Vec::with_capacity(n as usize);
            for i in 0..n {
                out.push(value(env, element(env, v, i)?, &format!("params[{i}]"))?);
            }
            Ok(RawParams::Positional(out))
        }
        sys::ValueType::napi_object if !is(env, v, sys::napi_is_date) && !is(env, v, sys::napi_is_typedarray) => {
            let mut out = Vec::new();
            for (k, val) in own_keys(env, v)? {
                let field = format!("params.{k}");
                out.push((k, value(env, val, &field)?));
            }
            Ok(RawParams::Named(out))
        }
        t => Err(Error::invalid_type("params", &format!("an array or an object, not {}", type_name(t)))),
    }
}

fn sql_text(env: sys::napi_env, v: sys::napi_value, field: &str) -> Result<Arc<str>> {
    let sql = string(env, v, field)?;
    if sql.trim().is_empty() {
        return Err(Error::out_of_range(field, "a non-empty SQL statement"));
    }
    Ok(Arc::from(sql))
}

pub fn statement(env: sys::napi_env, sql: sys::napi_value, args: sys::napi_value) -> Result<RawStatement> {
    Ok(RawStatement { sql: sql_text(env, sql, "sql")?, params: params(env, args)? })
}

/// `batch()` input: strings, or `{sql, args}` objects as @libsql/client takes them.
pub fn statements(env: sys::napi_env, v: sys::napi_value) -> Result<Vec<RawStatement>> {
    if !(type_of(env, v)? == sys::ValueType::napi_object && is(env, v, sys::napi_is_array)) {
        return Err(Error::invalid_type("statements", "an array"));
    }
    let n = array_len(env, v)?;
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        let e = element(env, v, i)?;
        let field = format!("statements[{i}]");
        match type_of(env, e)? {
            sys::ValueType::napi_string => {
                out.push(RawStatement { sql: sql_text(env, e, &field)?, params: RawParams::None })
            }
            sys::ValueType::napi_object => {
                let mut sql = ptr::null_mut();
                let mut args = ptr::null_mut();
                check(unsafe { sys::napi_get_named_property(env, e, c"sql".as_ptr(), &mut sql) }, &field)?;
                check(unsafe { sys::napi_get_named_property(env, e, c"args".as_ptr(), &mut args) }, &field)?;
                let s = sql_text(env, sql, &format!("{field}.sql"))?;
                let p = params(env, args).map_err(|e| Error { message: format!("{field}.{}", e.message), ..e })?;
                out.push(RawStatement { sql: s, params: p });
            }
            t => return Err(Error::invalid_type(&field, &format!("a string or {{sql, args}}, not {}", type_name(t)))),
        }
    }
    Ok(out)
}

/// The `overrides` object of `createEdgeDatabase`, as raw settings for `config::resolve`.
pub fn settings(env: sys::napi_env, v: sys::napi_value) -> Result<Vec<(String, Raw)>> {
    match type_of(env, v)? {
        sys::ValueType::napi_undefined | sys::ValueType::napi_null => return Ok(vec![]),
        sys::ValueType::napi_object if !is(env, v, sys::napi_is_array) => {}
        t => return Err(Error::invalid_type("options", &format!("an object, not {}", type_name(t)))),
    }
    let mut out = Vec::new();
    for (k, val) in own_keys(env, v)? {
        let raw = match type_of(env, val)? {
            sys::ValueType::napi_undefined => continue,
            sys::ValueType::napi_string => Raw::Str(string(env, val, &k)?),
            sys::ValueType::napi_number => Raw::Num(number(env, val)?),
            sys::ValueType::napi_boolean => {
                let mut b = false;
                check(unsafe { sys::napi_get_value_bool(env, val, &mut b) }, &k)?;
                Raw::Bool(b)
            }
            t => Raw::Other(type_name(t)),
        };
        out.push((k, raw));
    }
    Ok(out)
}
