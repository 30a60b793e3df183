// Property-based targets of fuzz.test.mjs: fast-check feeds random values (valid ones mixed
// with hostile ones) to the public API. The property: the call resolves, or rejects with a
// TypeError/RangeError, or with one of the codes the target names (an SQL error for SQL
// text, a missing row...). Anything else (an Error without a code, ERR_INTERNAL, a panic's
// GenericFailure, a hang, a crash) fails.
import { createRequire } from 'node:module'
import { api } from './helpers.mjs'
import { INJECTIONS } from './hostile-corpus.mjs'

const require = createRequire(import.meta.url)
let fc
try {
  fc = require('fast-check')
} catch {
  throw new Error('fast-check is not installed: run `npm install -D fast-check` (a devDependency of the reliability suite)')
}
export { fc }

const special = fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1, -1, 2 ** 53 + 1, 2 ** 53 - 1, 1e308, -1e308, Number.MIN_VALUE, 2 ** 31, 2 ** 32, 0.5)
const strings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...INJECTIONS, '', ' ', '\uD800', 'a\uDC00b', '\u0000', '__proto__', 'constructor', 'toString', 'practice', 'static'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
)
/** Anything, biased towards the values that break validators. */
export const hostile = fc.oneof(
  { arbitrary: special, weight: 3 },
  { arbitrary: strings, weight: 3 },
  { arbitrary: fc.integer({ min: -5, max: 300 }), weight: 3 },
  { arbitrary: fc.double(), weight: 2 },
  { arbitrary: fc.bigInt(), weight: 1 },
  { arbitrary: fc.constantFrom(null, undefined, true, false), weight: 2 },
  {
    arbitrary: fc.anything({
      maxDepth: 3, withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true,
      withObjectString: true, withSparseArray: true, withTypedArray: true,
      key: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'userId', 'sql', 'args')),
    }),
    weight: 3,
  },
)
/** A valid value of `arb` most of the time, a hostile one otherwise. */
const mostly = (arb) => fc.oneof({ arbitrary: arb, weight: 3 }, { arbitrary: hostile, weight: 1 })
/** An object whose fields are each valid, hostile or missing, plus an occasional extra key. */
function fields(shape) {
  return fc
    .tuple(
      fc.record(Object.fromEntries(Object.entries(shape).map(([k, arb]) => [k, mostly(arb)])), { requiredKeys: [] }),
      fc.option(fc.tuple(fc.oneof(fc.string({ maxLength: 8 }), fc.constant('__proto__')), hostile), { freq: 8 }),
    )
    .map(([o, extra]) => {
      if (extra) Object.defineProperty(o, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true })
      return o
    })
}

const id = fc.integer({ min: 1, max: 60 })
const answer = fields({
  userId: id, questionId: id, studySessionId: id, testAttemptId: fc.constant(1), selectedAnswer: strings, isCorrect: fc.boolean(),
  timeSpentSeconds: fc.integer({ min: 0, max: 600 }), confidenceLevel: fc.integer({ min: 1, max: 5 }), flagged: fc.boolean(), changedAnswer: fc.boolean(),
})
const studyParams = fields({
  userId: id, examId: fc.constant(1), objectiveIds: fc.array(id, { maxLength: 3 }), difficulty: fields({ min: fc.integer({ min: 1, max: 5 }), max: fc.integer({ min: 1, max: 5 }) }),
  excludeRecentHours: fc.double({ min: 0, max: 100, noNaN: true }), limit: fc.integer({ min: 1, max: 50 }), mode: fc.constantFrom('practice', 'custom', 'speed_drill', 'weak_areas', 'review'),
})
const SQL = ['SELECT ? AS a', 'SELECT :a AS a, :b AS b', 'INSERT INTO scratch (v) VALUES (?)', 'INSERT INTO scratch (v) VALUES (:a)', 'SELECT count(*) AS n FROM users WHERE name = ?']
const sql = fc.oneof({ arbitrary: fc.constantFrom(...SQL), weight: 4 }, { arbitrary: hostile, weight: 1 })
const params = fc.oneof(fc.array(mostly(fc.oneof(fc.integer(), fc.string(), fc.constant(null))), { maxLength: 3 }), fields({ a: fc.integer(), b: fc.string() }), hostile)
const execOptions = fc.oneof(fc.constant(undefined), fields({ cache: fc.boolean(), ttl: fc.integer({ min: 0, max: 100 }), priority: fc.constantFrom('high', 'normal', 'low') }))
const settings = fields({
  url: fc.constantFrom('file:fuzz.db', 'http://127.0.0.1:1', 'libsql://example.invalid'), authToken: fc.string(), maxConnections: fc.integer({ min: 1, max: 8 }),
  syncInterval: fc.integer({ min: 0, max: 100 }), cacheTtl: fc.integer({ min: 0, max: 1000 }), cacheMaxSize: fc.integer({ min: 0, max: 1000 }),
  slowQueryThreshold: fc.double({ min: 0, max: 1000, noNaN: true }), enablePerformanceAlerts: fc.boolean(), intMode: fc.constantFrom('number', 'bigint'),
  readYourWrites: fc.boolean(), busyTimeout: fc.integer({ min: 0, max: 1000 }), requestTimeout: fc.integer({ min: 1, max: 10_000 }),
})

const SQL_CODES = ['SQLITE_ERROR', 'SQLITE_RANGE', 'SQLITE_CONSTRAINT', 'SQLITE_MISMATCH', 'ERR_MULTIPLE_STATEMENTS', 'ERR_EMPTY_SQL', 'SQLITE_TOOBIG']

/**
 * name -> {arb, run(ctx, input), codes}. `ctx` = {db, q, cache, study, monitor}. Runs that
 * open a database close it themselves.
 */
export const TARGETS = {
  recordAnswer: {
    arb: fc.tuple(fc.boolean(), answer, hostile),
    run: ({ q }, [batch, a, other]) => (batch ? q.study.recordAnswersBatch([a, other]) : q.study.recordAnswerOptimized(a)),
  },
  studyReads: {
    arb: fc.tuple(fc.integer({ min: 0, max: 6 }), studyParams, hostile, hostile),
    run: ({ q }, [k, p, a, b]) =>
      [
        () => q.study.getOptimizedStudyQuestions(p),
        () => q.study.updateSessionProgressOptimized(a),
        () => q.study.searchQuestions(a, b),
        () => q.progress.getUserProgressOptimized(a, b),
        () => q.progress.getExamLeaderboardOptimized(a, b),
        () => q.twitter.getPendingOpportunitiesOptimized(a),
        () => q.twitter.getGrowthAnalyticsOptimized(a),
      ][k](),
    codes: ['ERR_FTS_MISSING'],
  },
  execute: {
    arb: fc.tuple(fc.integer({ min: 0, max: 2 }), sql, params, execOptions, fc.array(fc.oneof(sql, fields({ sql, args: params })), { maxLength: 4 })),
    run: ({ db }, [k, s, p, o, stmts]) =>
      k === 0 ? db.execute(s, p, o) : k === 1 ? db.batch(stmts) : db.transaction(async (tx) => tx.execute(s, p)),
    codes: SQL_CODES,
  },
  config: {
    arb: fc.tuple(fc.integer({ min: 0, max: 9 }), mostly(fc.constantFrom('us-east-1', 'eu-west-1', undefined)), settings),
    run: async (ctx, [k, region, o]) => {
      if (k > 0) return api.getEdgeConfig(region, o)
      const d = api.createEdgeDatabase(region, o)
      await d.cleanup()
    },
    codes: ['ERR_ENCRYPTION_UNAVAILABLE'],
  },
  caching: {
    arb: fc.tuple(fc.integer({ min: 0, max: 7 }), mostly(fc.string({ maxLength: 6 })), hostile, mostly(fc.integer({ min: 0, max: 600 })), mostly(fc.integer({ min: 1, max: 100 }))),
    run: ({ cache, study }, [k, key, data, ttl, n]) =>
      [
        () => cache.set(key, data, ttl),
        () => cache.get(key),
        () => cache.setBatch([{ key, data, ttl }]),
        () => new api.PerformanceCache(n, ttl),
        () => study.cacheStudyQuestions(n, ttl, data, [data]),
        () => study.getLeaderboard(n, ttl),
        () => new api.EdgeCache().generateEdgeKey(key, data),
        () => study.invalidateUserCache(n),
      ][k](),
  },
  monitoring: {
    arb: fc.tuple(fc.integer({ min: 0, max: 3 }), fields({ query: fc.string(), duration: fc.double({ min: 0, max: 1e4, noNaN: true }), timestamp: fc.integer(), userId: id, examId: id, params: hostile, stackTrace: fc.string(), error: fc.string(), operation: fc.constantFrom('select', 'insert') }), hostile, fields({ slowQueryThreshold: fc.integer({ min: 0, max: 1000 }), enablePerformanceAlerts: fc.boolean(), alertCooldown: fc.integer({ min: 0, max: 1000 }) })),
    run: ({ monitor }, [k, m, t, o]) => {
      if (k === 0) return monitor.recordQuery(m)
      if (k === 1) return monitor.getAnalytics(t)
      if (k === 2) return new api.DatabaseMonitor(null, o).close()
      return api.checkThresholds({ operations: [], p95ResponseTime: 1, errorRate: 0 }, [t])
    },
  },
  module: {
    arb: fc.tuple(fc.integer({ min: 0, max: 3 }), fields({ dryRun: fc.constant(true), rollback: fc.boolean(), maintenance: fc.boolean(), steps: fc.array(fc.constantFrom('005', '006', 7), { maxLength: 2 }) }), fields({ scale: fc.double({ min: 0.001, max: 0.01, noNaN: true }) }), hostile),
    run: ({ db }, [k, o, s, h]) => [() => api.optimizeDatabase(db, o), () => api.seedDatabase(db, s), () => api.monitorDatabaseHealth(h), () => api.createOptimizedQueries(h)][k](),
    // Migration refusals with their own codes: a rollback that would break a later step, an unknown step id.
    codes: ['ERR_MIGRATION_STEP_FAILED', 'ERR_STEP_DEPENDENCY', 'ERR_UNKNOWN_STEP'],
  },
}

/** Is `err` an acceptable refusal for `target`? */
export function acceptable(target, err) {
  if (err instanceof TypeError || err instanceof RangeError) return true
  return !!err && typeof err.code === 'string' && (TARGETS[target].codes ?? []).includes(err.code)
}
