'use strict'
// optimizeDatabase: the performance migration of src/migrations (the same runner as
// `npm run db:optimize`) on an open database. The report comes from Rust as it is.

const { optimizeDatabase: nativeOptimize } = require('../binding')
const { EdgeOptimizedDatabase } = require('./database')
const { callAsync, invalidType, outOfRange, makeError } = require('./errors')

const OPTIONS = new Set(['dryRun', 'rollback', 'steps', 'maintenance'])

function checkOptions(options) {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object' || Array.isArray(options)) throw invalidType('options', 'an object')
  for (const k of Object.keys(options)) {
    if (!OPTIONS.has(k)) throw outOfRange(`options.${k}`, 'one of dryRun, rollback, steps, maintenance')
  }
  for (const k of ['dryRun', 'rollback', 'maintenance']) {
    if (options[k] !== undefined && typeof options[k] !== 'boolean') throw invalidType(`options.${k}`, 'a boolean')
  }
  const { steps } = options
  if (steps !== undefined) {
    if (!Array.isArray(steps)) throw invalidType('options.steps', "an array of step ids such as ['005', '006']")
    for (const s of steps) {
      if (typeof s !== 'string' && !Number.isInteger(s)) throw invalidType('options.steps[]', 'a step id (string or integer)')
    }
    if (!options.rollback) throw outOfRange('options.steps', 'given with rollback: true (steps select what to roll back)')
  }
  if (options.rollback && options.maintenance) throw outOfRange('options', 'rollback or maintenance, not both')
  return options
}

/** Throws a step's failure as an Error carrying the report (`err.report`, `err.step`). */
function failure(report) {
  const f = report.failed
  const err = f
    ? makeError({ kind: 'error', code: 'ERR_MIGRATION_STEP_FAILED', message: `step ${f.id} ${f.name}: ${f.message} (${f.code})` })
    : makeError({ kind: 'error', code: 'ERR_MAINTENANCE_FAILED', message: report.message })
  if (f) {
    err.step = f.id
    err.cause = makeError({ kind: 'error', code: f.code, message: f.message })
  }
  err.report = report
  return err
}

/**
 * Applies the pending steps of the performance migration (default), rolls applied ones back
 * (`rollback`, all or `steps`), or runs maintenance (`maintenance`). `dryRun` reports what
 * would happen and changes nothing. A failed step (it left nothing behind) rejects with
 * code ERR_MIGRATION_STEP_FAILED and the report on `err.report`.
 */
async function optimizeDatabase(db, options) {
  if (!(db instanceof EdgeOptimizedDatabase)) throw invalidType('db', 'an EdgeOptimizedDatabase')
  const { dryRun = false, rollback = false, maintenance = false, steps } = checkOptions(options)
  const action = rollback ? 'rollback' : maintenance ? 'maintenance' : 'apply'
  const ids = steps === undefined ? null : steps.map(String)
  const json = await callAsync(Promise.resolve().then(() => nativeOptimize(db._native, action, dryRun, ids)))
  const report = JSON.parse(json)
  if (report.ok === false) throw failure(report)
  return report
}

module.exports = { optimizeDatabase }
