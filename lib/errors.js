'use strict'
// The one place where native errors become JS errors. Rust (src/error.rs) sends
// {kind, code, message}; kind picks the class, code is kept for callers to branch on.

const CLASSES = { type: TypeError, range: RangeError, error: Error }

function makeError({ kind, code, message }) {
  const Cls = CLASSES[kind] || Error
  const err = new Cls(message)
  err.code = code
  return err
}

/** Rebuilds an Error thrown by the binding; leaves any other error as it is. */
function fromNative(err) {
  const msg = err && typeof err.message === 'string' ? err.message : ''
  if (msg.startsWith('{"$error"')) {
    try {
      return makeError(JSON.parse(msg).$error)
    } catch {}
  }
  return err
}

/** Calls a binding function, rethrowing its errors as TypeError/RangeError/Error with code. */
function call(fn) {
  try {
    return fn()
  } catch (err) {
    throw fromNative(err)
  }
}

async function callAsync(promise) {
  try {
    return await promise
  } catch (err) {
    throw fromNative(err)
  }
}

function invalidType(field, expected) {
  return makeError({ kind: 'type', code: 'ERR_INVALID_ARG_TYPE', message: `${field} must be ${expected}` })
}

function outOfRange(field, rule) {
  return makeError({ kind: 'range', code: 'ERR_OUT_OF_RANGE', message: `${field} must be ${rule}` })
}

module.exports = { makeError, fromNative, call, callAsync, invalidType, outOfRange }
