'use strict'
// Turns the ResultSet JSON of the binding into the @libsql/client shape.
const { makeError } = require('./errors')

function patch(rs) {
  // Values JSON cannot carry: [row, column, tag, text].
  for (const [r, c, tag, text] of rs.$special) {
    const key = rs.columns[c]
    let v
    if (tag === 'b') v = Buffer.from(text, 'hex')
    else if (tag === 'i') v = BigInt(text)
    else v = text === 'inf' ? Infinity : text === '-inf' ? -Infinity : NaN
    rs.rows[r][key] = v
  }
  delete rs.$special
}

/** One outcome of a flush: a ResultSet, an array of them (batch), or an error. */
function toResult(o) {
  if (o === null || typeof o !== 'object') return o
  if (o.$error) return makeError(o.$error)
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) o[i] = toResult(o[i])
    return o
  }
  if (!('columns' in o)) return o // a query's own result, shaped by lib/queries.js
  if (o.$special) patch(o)
  o.lastInsertRowid = o.lastInsertRowid === undefined ? undefined : BigInt(o.lastInsertRowid)
  return o
}

function parseResult(json) {
  return toResult(JSON.parse(json))
}

module.exports = { toResult, parseResult }
