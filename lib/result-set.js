'use strict'
// Turns the ResultSet JSON of the binding into the @libsql/client shape. Rows arrive as
// arrays under a shape number (src/db/shapes.rs): the column lists are parsed once per shape
// and each row object is built by a constructor compiled for the shape, so V8 gives every
// row of a statement the same hidden class without looking up a key per cell.
const { resultShape } = require('../binding')
const { makeError } = require('./errors')

const shapes = new Map()

// A timestamp cell of a query's row: unix seconds from Rust, a Date for the app.
const toDate = (x) => (typeof x === 'number' ? new Date(x * 1000) : x)

/**
 * A function building a row object from an array of values, keys in column order; the
 * values at the indexes in `dates` become Dates.
 */
function rowMaker(columns, dates = []) {
  // A literal `__proto__:` would set the prototype; the computed form defines an own key, as
  // JSON.parse does. Repeated names keep the last value, as JSON.parse did.
  const props = columns.map((c, i) => `${c === '__proto__' ? '["__proto__"]' : JSON.stringify(c)}: ${dates.includes(i) ? `d(v[${i}])` : `v[${i}]`}`)
  try {
    return new Function('d', `return (v) => ({ ${props.join(', ')} })`)(toDate)
  } catch (e) {
    // Node run with --disallow-code-generation-from-strings.
    if (e instanceof EvalError) return plainRowMaker(columns, dates)
    throw e
  }
}

/** The same rows without compiling anything (fromEntries defines own keys, __proto__ too). */
function plainRowMaker(columns, dates = []) {
  return (v) => Object.fromEntries(columns.map((c, i) => [c, dates.includes(i) ? toDate(v[i]) : v[i]]))
}

function shapeOf(id) {
  let s = shapes.get(id)
  if (s === undefined) {
    const [columns, columnTypes] = JSON.parse(resultShape(id))
    s = { columns, columnTypes, make: rowMaker(columns) }
    shapes.set(id, s)
  }
  return s
}

function patch(rows, special) {
  // Values JSON cannot carry: [row, column, tag, text].
  for (const [r, c, tag, text] of special) {
    let v
    if (tag === 'b') v = Buffer.from(text, 'hex')
    else if (tag === 'i') v = BigInt(text)
    else v = text === 'inf' ? Infinity : text === '-inf' ? -Infinity : NaN
    rows[r][c] = v
  }
}

function resultSet(o) {
  // Columns inline: the shape registry is full (endless ad-hoc aliases), so compiling a
  // constructor per result would cost more than it saves.
  const s = o.shape === undefined ? { columns: o.columns, columnTypes: o.columnTypes, make: plainRowMaker(o.columns) } : shapeOf(o.shape)
  if (o.$special) patch(o.rows, o.$special)
  const rows = o.rows
  for (let i = 0; i < rows.length; i++) rows[i] = s.make(rows[i])
  return {
    columns: s.columns.slice(),
    columnTypes: s.columnTypes.slice(),
    rows,
    rowsAffected: o.rowsAffected,
    lastInsertRowid: o.lastInsertRowid === undefined ? undefined : BigInt(o.lastInsertRowid),
  }
}

/** One outcome of a flush: a ResultSet, an array of them (batch), or an error. */
function toResult(o) {
  if (o === null || typeof o !== 'object') return o
  if (o.$error) return makeError(o.$error)
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) o[i] = toResult(o[i])
    return o
  }
  if (o.shape === undefined && !('columns' in o)) return o // a query's own result, shaped by lib/queries.js
  return resultSet(o)
}

function parseResult(json) {
  return toResult(JSON.parse(json))
}

module.exports = { toResult, parseResult, rowMaker }
