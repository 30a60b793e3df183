'use strict'
const { EdgeOptimizedDatabase } = require('./database')
const { callAsync, invalidType, outOfRange } = require('./errors')

/**
 * Creates the app's schema when missing and fills it with a deterministic synthetic
 * dataset (`scale` 1: 20,000 questions, 5,000 users, 200,000 answers). A database that
 * already holds questions is left as it is (`seeded: false`).
 */
async function seedDatabase(db, options = {}) {
  if (!(db instanceof EdgeOptimizedDatabase)) throw invalidType('db', 'an EdgeOptimizedDatabase')
  if (options === null || typeof options !== 'object') throw invalidType('options', 'an object')
  const scale = options.scale === undefined ? 1 : options.scale
  if (typeof scale !== 'number') throw invalidType('options.scale', 'a number')
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100) throw outOfRange('options.scale', 'above 0 and at most 100')
  return JSON.parse(await callAsync(db._native.seed(scale)))
}

/** Creates the app's tables and indexes when missing (idempotent), without data. */
async function applySchema(db) {
  if (!(db instanceof EdgeOptimizedDatabase)) throw invalidType('db', 'an EdgeOptimizedDatabase')
  await callAsync(db._native.applySchema())
}

module.exports = { seedDatabase, applySchema }
