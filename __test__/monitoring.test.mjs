// Monitoring against real libSQL files: automatic recording, alerts (thresholds, rate
// limiting, delivery on the JS thread), analytics against a reference computation, the
// Prometheus exposition through a real parser, health checks, interceptor and benchmark.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const parsePrometheus = require('parse-prometheus-text-format')
const {
  createEdgeDatabase,
  seedDatabase,
  createMonitoringSystem,
  DatabaseMonitor,
  PerformanceInterceptor,
  PerformanceBenchmark,
  DatabaseHealthChecker,
  PROMETHEUS_CONTENT_TYPE,
} = require('../index.js')

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)))
const dir = mkdtempSync(join(tmpdir(), 'ptp-monitoring-'))
const open = (name, extra = {}) => createEdgeDatabase(undefined, { url: `file:${join(dir, name)}`, ...extra })
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const POINT = 'SELECT * FROM questions WHERE id = ?'

let seeded
before(async () => {
  seeded = open('seeded.db')
  await seedDatabase(seeded, { scale: 0.01 })
})
after(async () => {
  await seeded?.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

/** Resolves with the first `n` alerts `monitor` delivers (rejects after `ms`). */
function nextAlerts(monitor, n = 1, ms = 5000) {
  return new Promise((resolve, reject) => {
    const got = []
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${n} alerts in ${ms} ms`)), ms)
    const off = monitor.onAlert((a) => {
      got.push(a)
      if (got.length === n) {
        clearTimeout(timer)
        off()
        resolve(got)
      }
    })
  })
}

/** The original's statistics over a list of durations: the reference for analytics. */
function reference(durations, slowMs) {
  const s = durations.slice().sort((a, b) => a - b)
  const n = s.length
  const mid = Math.floor(n / 2)
  const pct = (p) => s[Math.max(0, Math.ceil((p / 100) * n) - 1)]
  return {
    totalQueries: n,
    avgDuration: s.reduce((a, b) => a + b, 0) / n,
    medianDuration: n % 2 === 0 ? (s[mid - 1] + s[mid]) / 2 : s[mid],
    p95Duration: pct(95),
    p99Duration: pct(99),
    slowQueryCount: s.filter((d) => d > slowMs).length,
  }
}

function lognormal(n, seed) {
  let x = seed
  const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) + 1) / 2147483649
  return Array.from({ length: n }, () => Math.exp(Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand()) * 1.2) * 3)
}

const near = (got, want, what) => assert.ok(Math.abs(got - want) <= Math.abs(want) * 0.01, `${what}: ${got} vs ${want}`)

describe('input validation', () => {
  test('errors name the field', () => {
    const m = new DatabaseMonitor()
    const cases = [
      [() => m.recordQuery(null), TypeError, /^metrics must be/],
      [() => m.recordQuery({ duration: 1 }), TypeError, /^metrics\.query must be a string/],
      [() => m.recordQuery({ query: 'q', duration: '1' }), TypeError, /^metrics\.duration must be a number/],
      [() => m.recordQuery({ query: 'q', duration: -1 }), RangeError, /^metrics\.duration must be/],
      [() => m.recordQuery({ query: 'q', duration: NaN }), RangeError, /^metrics\.duration must be/],
      [() => m.recordQuery({ query: 'q', duration: 1, timestamp: 'now' }), TypeError, /^metrics\.timestamp must be a number/],
      [() => m.recordQuery({ query: 'q', duration: 1, userId: Infinity }), RangeError, /^metrics\.userId must be/],
      [() => m.recordQuery({ query: 'q', duration: 1, error: 42 }), TypeError, /^metrics\.error must be/],
      [() => m.getAnalytics('1h'), TypeError, /^timeRange must be/],
      [() => m.getAnalytics(-5), RangeError, /^timeRange must be/],
      [() => m.onAlert('cb'), TypeError, /^callback must be a function/],
      [() => new DatabaseMonitor({}), TypeError, /^db must be an EdgeOptimizedDatabase/],
      [() => new DatabaseMonitor(null, { slowQueryTreshold: 5 }), RangeError, /^options\.slowQueryTreshold must be one of/],
      [() => new DatabaseMonitor(null, { slowQueryThreshold: -1 }), RangeError, /^options\.slowQueryThreshold must be/],
      [() => new DatabaseMonitor(null, { enablePerformanceAlerts: 'no' }), TypeError, /^options\.enablePerformanceAlerts must be a boolean/],
      [() => createMonitoringSystem({ execute() {} }), TypeError, /^db must be an EdgeOptimizedDatabase/],
      [() => new PerformanceInterceptor({}), TypeError, /^monitor must be a DatabaseMonitor/],
      [() => new PerformanceInterceptor(m).wrapDatabaseMethod(async () => 1, {}), TypeError, /^context\.operation must be a string/],
      [() => new PerformanceInterceptor(m).wrapDatabaseMethod('f', { operation: 'x' }), TypeError, /^method must be a function/],
      [() => new DatabaseHealthChecker(undefined), TypeError, /^db must be an EdgeOptimizedDatabase/],
    ]
    for (const [fn, Cls, msg] of cases) assert.throws(fn, (e) => e instanceof Cls && msg.test(e.message), String(fn))
    m.close()
  })
})

describe('alerts', () => {
  test('slow_query: warning above the threshold, critical above twice it, once per minute per pattern', () => {
    const m = new DatabaseMonitor(null, { slowQueryThreshold: 100, enablePerformanceAlerts: true })
    const got = []
    m.onAlert((a) => got.push(a))
    m.recordQuery({ query: 'SELECT * FROM questions WHERE id = 1', duration: 100 })
    assert.equal(got.length, 0, 'exactly at the threshold: no alert')
    m.recordQuery({ query: 'SELECT * FROM questions WHERE id = 2', duration: 100.001, userId: 7 })
    assert.equal(got.length, 1)
    assert.equal(got[0].type, 'slow_query')
    assert.equal(got[0].severity, 'warning')
    assert.equal(got[0].pattern, 'SELECT * FROM questions WHERE id = ?')
    assert.equal(got[0].metrics.userId, 7)
    assert.equal(got[0].suppressed, 0)
    for (let i = 3; i < 10; i++) m.recordQuery({ query: `SELECT * FROM questions WHERE id = ${i}`, duration: 500 })
    assert.equal(got.length, 1, 'the same pattern within a minute is held back')
    m.recordQuery({ query: 'SELECT * FROM exams', duration: 200 })
    assert.equal(got[1].severity, 'warning', '200 is not above twice 100')
    m.recordQuery({ query: 'SELECT * FROM users', duration: 200.5 })
    assert.equal(got[2].severity, 'critical')
    assert.equal(got.length, 3)
    m.close()
  })

  test('held-back alerts are counted in the next one', async () => {
    const m = new DatabaseMonitor(null, { slowQueryThreshold: 10, alertCooldown: 150 })
    const got = []
    m.onAlert((a) => got.push(a))
    for (let i = 0; i < 4; i++) m.recordQuery({ query: `SELECT ${i}`, duration: 50 })
    assert.equal(got.length, 1)
    await sleep(200)
    m.recordQuery({ query: 'SELECT 99', duration: 50 })
    assert.equal(got.length, 2)
    assert.equal(got[1].suppressed, 3)
    const prom = parsePrometheus(m.toPrometheus())
    const alerts = prom.find((f) => f.name === 'pingtopass_db_alerts_total')
    assert.equal(alerts.metrics.find((x) => x.labels.type === 'slow_query').value, '2')
    m.close()
  })

  test('high_error_rate: fires on the 6th failure among the last 100 queries', () => {
    const m = new DatabaseMonitor(null, { slowQueryThreshold: 1e6 })
    const got = []
    m.onAlert((a) => got.push(a))
    m.recordQuery({ query: 'SELECT 1', duration: 1, error: 'boom' })
    assert.equal(got.length, 0, 'one failure is not a 100% error rate')
    for (let i = 0; i < 99; i++) m.recordQuery({ query: 'SELECT 1', duration: 1 })
    // The first failure has left the window: these make 5 of the last 100.
    for (let i = 0; i < 5; i++) m.recordQuery({ query: 'SELECT x', duration: 1, error: new Error('no such column: x') })
    assert.equal(got.length, 0, '5 of the last 100 is not over 5%')
    m.recordQuery({ query: 'SELECT x', duration: 1, error: 'no such column: x' })
    assert.equal(got.length, 1)
    assert.equal(got[0].type, 'high_error_rate')
    assert.equal(got[0].severity, 'critical')
    assert.equal(got[0].metrics.errors, 6)
    assert.equal(got[0].metrics.sampleSize, 100)
    m.close()
  })

  test('none when alerts are disabled, by option, database setting or environment', async () => {
    const a = new DatabaseMonitor(null, { slowQueryThreshold: 1, enablePerformanceAlerts: false })
    const got = []
    a.onAlert((x) => got.push(x))
    for (let i = 0; i < 20; i++) a.recordQuery({ query: 'SELECT 1', duration: 50, error: 'e' })
    a.close()

    const saved = process.env.ENABLE_PERFORMANCE_ALERTS
    process.env.ENABLE_PERFORMANCE_ALERTS = 'false'
    try {
      const b = new DatabaseMonitor(null, { slowQueryThreshold: 1 })
      assert.equal(b.settings.enablePerformanceAlerts, false)
      b.onAlert((x) => got.push(x))
      b.recordQuery({ query: 'SELECT 1', duration: 50 })
      b.close()
    } finally {
      if (saved === undefined) delete process.env.ENABLE_PERFORMANCE_ALERTS
      else process.env.ENABLE_PERFORMANCE_ALERTS = saved
    }

    const db = open('seeded.db', { enablePerformanceAlerts: false, slowQueryThreshold: 0 })
    const c = new DatabaseMonitor(db)
    c.onAlert((x) => got.push(x))
    for (let i = 1; i <= 10; i++) await db.execute(POINT, [i], { cache: false })
    await sleep(50)
    assert.match(c.toPrometheus(), /pingtopass_db_queries_total 10\n/)
    c.close()
    await db.cleanup()
    assert.deepEqual(got, [])
  })

  test('alerts from queries the pool runs reach callbacks on the JS thread', async () => {
    const m = new DatabaseMonitor(seeded, { slowQueryThreshold: 0 })
    const pending = nextAlerts(m)
    let executed = false
    await seeded.execute(POINT, [3], { cache: false })
    executed = true
    const [alert] = await pending
    assert.ok(executed, 'delivered asynchronously, after the query resolved')
    assert.equal(alert.type, 'slow_query')
    assert.equal(alert.pattern, POINT)
    assert.equal(alert.metrics.operation, 'execute')
    m.close()
  })

  test('a callback that throws is reported once and does not stop the others', async () => {
    const m = new DatabaseMonitor(null, { slowQueryThreshold: 10 })
    const errors = []
    const original = console.error
    console.error = (...args) => errors.push(args)
    const got = []
    try {
      m.onAlert(() => {
        throw new Error('callback bug')
      })
      m.onAlert(async () => {
        throw new Error('async callback bug')
      })
      m.onAlert((a) => got.push(a))
      for (let i = 0; i < 3; i++) m.recordQuery({ query: `SELECT c${i} FROM t`, duration: 20 })
      await sleep(10) // the async callback's rejection is reported when it settles
    } finally {
      console.error = original
    }
    assert.equal(got.length, 3)
    assert.equal(errors.length, 2, 'each failing callback reported once')
    const reported = errors.flat().filter((x) => x instanceof Error).map((e) => e.message)
    assert.deepEqual(reported.sort(), ['async callback bug', 'callback bug'])
    m.close()
  })

  test('cache_miss_spike: more than 70% of 100+ lookups missed', async () => {
    const db = open('seeded.db')
    const m = new DatabaseMonitor(db, { slowQueryThreshold: 1e6 })
    const got = []
    m.onAlert((a) => got.push(a))
    await db.execute(POINT, [1]) // the first recorded query sets the baseline
    // Mostly hits: 20 distinct misses, then 200 hits of one cached read.
    for (let i = 2; i < 22; i++) await db.execute(POINT, [i])
    for (let i = 0; i < 200; i++) await db.execute(POINT, [2])
    await sleep(1100)
    await db.execute(POINT, [500]) // recorded: the figures are checked (at most once a second)
    await sleep(50)
    assert.deepEqual(got.map((a) => a.type), [])
    // All misses.
    for (let i = 600; i < 760; i++) await db.execute(POINT, [i])
    await sleep(1100)
    await db.execute(POINT, [800])
    await sleep(100)
    assert.deepEqual(got.map((a) => a.type), ['cache_miss_spike'])
    assert.equal(got[0].severity, 'critical')
    assert.ok(got[0].metrics.missRate > 90 && got[0].metrics.lookups >= 100)
    m.close()
    await db.cleanup()
  })

  test('connection_pool_exhausted: every reader busy and requests waiting', async () => {
    const db = open('seeded.db', { maxConnections: 1 })
    const m = new DatabaseMonitor(db, { slowQueryThreshold: 1e6 })
    const pending = nextAlerts(m)
    const heavy = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT count(*) AS n FROM c'
    const runs = []
    // One request per event-loop turn: each turn is its own job on the single reader.
    for (let i = 0; i < 12; i++) {
      runs.push(db.execute(heavy, [200000 + i], { cache: false }))
      await new Promise((r) => setImmediate(r))
    }
    await Promise.all(runs)
    const [alert] = await pending
    assert.equal(alert.type, 'connection_pool_exhausted')
    assert.ok(alert.metrics.queuedRequests > 0)
    assert.equal(alert.metrics.totalConnections, 2)
    m.close()
    await db.cleanup()
  })
})

describe('analytics', () => {
  test('percentiles match the original computation over the same durations', () => {
    const m = new DatabaseMonitor(null, { slowQueryThreshold: 10, enablePerformanceAlerts: false })
    const durations = lognormal(5000, 42)
    durations.forEach((d, i) => m.recordQuery({ query: `SELECT * FROM t${i % 4} WHERE id = ${i}`, duration: d, error: i % 100 === 0 ? 'e' : undefined }))
    const a = m.getAnalytics()
    const want = reference(durations, 10)
    assert.equal(a.window.exact, true)
    assert.equal(a.summary.totalQueries, want.totalQueries)
    assert.equal(a.summary.slowQueryCount, want.slowQueryCount)
    assert.equal(a.summary.errorRate, 1)
    for (const k of ['avgDuration', 'medianDuration', 'p95Duration', 'p99Duration']) near(a.summary[k], want[k], k)
    assert.equal(a.slowQueries.length, 20)
    assert.equal(a.slowQueries[0].duration, Math.max(...durations))
    assert.equal(a.queryPatterns.length, 4)
    assert.deepEqual(a.queryPatterns.map((p) => p.count).reduce((x, y) => x + y), 5000)
    for (const p of a.queryPatterns) {
      const mine = durations.filter((_, i) => `SELECT * FROM t${i % 4} WHERE id = ?` === p.pattern)
      near(p.allTime.p95Duration, reference(mine, 10).p95Duration, `${p.pattern} p95`)
    }
    m.close()
  })

  test('past the 10,000-entry window, within 1% from the histograms; memory stays bounded', () => {
    const m = new DatabaseMonitor(null, { slowQueryThreshold: 10, enablePerformanceAlerts: false })
    const durations = lognormal(25000, 7)
    for (const d of durations) m.recordQuery({ query: 'SELECT 1', duration: d })
    const a = m.getAnalytics()
    const want = reference(durations, 10)
    assert.equal(a.window.exact, false)
    assert.equal(a.window.recentQueries, 10000)
    assert.equal(a.summary.totalQueries, 25000)
    assert.equal(a.summary.slowQueryCount, want.slowQueryCount)
    for (const k of ['avgDuration', 'medianDuration', 'p95Duration', 'p99Duration']) near(a.summary[k], want[k], k)
    m.close()
  })

  test('a time range selects by timestamp; params are kept only when given', () => {
    const m = new DatabaseMonitor(null, { slowQueryThreshold: 5, enablePerformanceAlerts: false })
    const now = Date.now()
    m.recordQuery({ query: 'SELECT old', duration: 50, timestamp: now - 120000 })
    m.recordQuery({ query: 'SELECT new', duration: 60, timestamp: now - 1000, params: { email: 'a@b.c', n: 10n }, examId: 3 })
    m.recordQuery({ query: 'SELECT auto', duration: 70 })
    assert.equal(m.getAnalytics(60000).summary.totalQueries, 2)
    assert.equal(m.getAnalytics().summary.totalQueries, 3)
    const slow = m.getAnalytics().slowQueries
    assert.deepEqual(slow.map((q) => q.query), ['SELECT auto', 'SELECT new', 'SELECT old'])
    assert.deepEqual(slow[1].params, { email: 'a@b.c', n: '10' })
    assert.equal(slow[1].examId, 3)
    assert.equal('params' in slow[0], false)
    const empty = m.getAnalytics(0)
    assert.deepEqual(empty.summary, { totalQueries: 0, avgDuration: 0, medianDuration: 0, p95Duration: 0, p99Duration: 0, errorRate: 0, slowQueryCount: 0 })
    m.close()
  })

  test('queries made through the database are recorded automatically', async () => {
    const m = new DatabaseMonitor(seeded, { enablePerformanceAlerts: false })
    await seeded.execute('CREATE TABLE IF NOT EXISTS mon_scratch (id INTEGER PRIMARY KEY, v TEXT)')
    for (let i = 1; i <= 20; i++) await seeded.execute(POINT, [i], { cache: false })
    await Promise.all(Array.from({ length: 20 }, (_, i) => seeded.execute(`SELECT * FROM questions WHERE id = ${100 + i}`, [], { cache: false })))
    await seeded.execute('INSERT INTO mon_scratch (v) VALUES (?)', ['x'])
    await seeded.batch([{ sql: 'INSERT INTO mon_scratch (v) VALUES (?)', args: ['y'] }, 'DELETE FROM mon_scratch WHERE v = \'x\''])
    await assert.rejects(seeded.execute('SELECT no_such_column FROM questions', [], { cache: false }))
    // A cached read answered from memory runs no statement: counted as a cache hit instead.
    await seeded.execute(POINT, [1])
    await seeded.execute(POINT, [1])
    const a = m.getAnalytics()
    assert.equal(a.summary.totalQueries, 1 + 20 + 20 + 1 + 1 + 1 + 1)
    const point = a.queryPatterns.find((p) => p.pattern === POINT)
    assert.equal(point.count, 41, 'literal and bound ids share one pattern')
    assert.equal(point.operation, 'execute')
    assert.equal(a.summary.errorRate, (1 * 100) / 45)
    m.close()
    // Detached: later queries are not recorded.
    await seeded.execute(POINT, [2], { cache: false })
    assert.equal(m.getAnalytics().summary.totalQueries, 45)
    assert.throws(() => m.recordQuery({ query: 'q', duration: 1 }), (e) => e.code === 'ERR_MONITOR_CLOSED')
  })
})

describe('prometheus', () => {
  /** The parser flattens labelled histograms into one series (losing _sum/_count), so each
   *  operation's series is parsed on its own, its operation label taken off. */
  function histogramOf(text, op) {
    const family = 'pingtopass_db_query_duration_seconds'
    const lines = text.split('\n').filter((l) => l.startsWith(`# HELP ${family} `) || l.startsWith(`# TYPE ${family} `) || l.includes(`{operation="${op}"`))
    const unlabelled = lines.map((l) => l.replace(`{operation="${op}",`, '{').replace(`{operation="${op}"}`, ''))
    const [f] = parsePrometheus(unlabelled.join('\n') + '\n')
    assert.equal(f.type, 'HISTOGRAM')
    return f.metrics[0]
  }

  test('the exposition parses and its values match the work done', async () => {
    const db = open('seeded.db')
    const { monitor } = createMonitoringSystem(db, { logAlerts: false, slowQueryThreshold: 1e6 })
    for (let i = 1; i <= 30; i++) await db.execute(POINT, [i], { cache: false })
    for (let i = 1; i <= 5; i++) await db.execute(POINT, [i]) // misses (cached reads)
    for (let i = 1; i <= 5; i++) await db.execute(POINT, [i]) // hits: not run, not recorded
    for (let i = 0; i < 3; i++) await db.execute('SELECT nope FROM questions').catch(() => {})
    await db.batch(['SELECT 1', 'SELECT 2'])
    const custom = [0.01, 0.2, 3, 20000] // ms: buckets 5e-05, 0.00025, 0.005, +Inf
    for (const d of custom) monitor.recordQuery({ query: 'external call', duration: d, operation: 'report "weekly"\\x' })

    const text = monitor.toPrometheus()
    assert.equal(PROMETHEUS_CONTENT_TYPE, 'text/plain; version=0.0.4; charset=utf-8')
    const families = parsePrometheus(text)
    const byName = Object.fromEntries(families.map((f) => [f.name, f]))
    const value = (name, labels) => {
      const f = byName[name]
      assert.ok(f, `${name} present`)
      const m = labels ? f.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v)) : f.metrics[0]
      return Number(m.value)
    }
    assert.deepEqual(
      families.map((f) => [f.name, f.type]),
      [
        ['pingtopass_db_query_duration_seconds', 'HISTOGRAM'],
        ['pingtopass_db_queries_total', 'COUNTER'],
        ['pingtopass_db_query_errors_total', 'COUNTER'],
        ['pingtopass_db_alerts_total', 'COUNTER'],
        ['pingtopass_db_cache_hits_total', 'COUNTER'],
        ['pingtopass_db_cache_misses_total', 'COUNTER'],
        ['pingtopass_db_pool_active_connections', 'GAUGE'],
        ['pingtopass_db_pool_queued_requests', 'GAUGE'],
      ],
    )
    assert.equal(value('pingtopass_db_queries_total'), 30 + 5 + 3 + 1 + 4)
    assert.equal(value('pingtopass_db_query_errors_total'), 3)
    for (const type of ['slow_query', 'high_error_rate', 'cache_miss_spike', 'connection_pool_exhausted']) {
      assert.equal(value('pingtopass_db_alerts_total', { type }), 0)
    }
    const metrics = db.getMetrics()
    assert.equal(value('pingtopass_db_cache_hits_total'), metrics.pool.cacheHits)
    assert.equal(value('pingtopass_db_cache_misses_total'), metrics.pool.cacheMisses)
    assert.ok(metrics.pool.cacheHits >= 5)
    // Gauges: a connection may still be flagging itself idle as its result arrives.
    assert.ok(value('pingtopass_db_pool_active_connections') <= 1)
    assert.ok(value('pingtopass_db_pool_queued_requests') <= 1)

    const exec = histogramOf(text, 'execute')
    assert.equal(Number(exec.count), 38, 'failed queries included')
    assert.equal(Number(exec.buckets['+Inf']), 38)
    assert.ok(Number(exec.sum) > 0 && Number(exec.sum) < 38 * 10)
    const les = Object.keys(exec.buckets).sort((x, y) => Number(x) - Number(y)) // '+Inf' sorts as Infinity
    assert.deepEqual(les, ['5e-05', '0.0001', '0.00025', '0.0005', '0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'])
    for (let i = 1; i < les.length; i++) assert.ok(Number(exec.buckets[les[i]]) >= Number(exec.buckets[les[i - 1]]), 'cumulative')
    assert.equal(Number(histogramOf(text, 'batch').count), 1)
    const c = histogramOf(text.replace(/report \\"weekly\\"\\\\x/g, 'custom'), 'custom')
    assert.deepEqual(
      [c.buckets['5e-05'], c.buckets['0.0001'], c.buckets['0.00025'], c.buckets['0.005'], c.buckets['10'], c.buckets['+Inf']].map(Number),
      [1, 1, 2, 3, 3, 4],
    )
    near(Number(c.sum), custom.reduce((a, b) => a + b) / 1000, 'sum in seconds')
    // Label values are escaped (quote and backslash).
    assert.ok(text.includes('operation="report \\"weekly\\"\\\\x"'))
    monitor.close()
    await db.cleanup()
  })
})

describe('health checks', () => {
  test('fail on a database missing the app tables, pass on a seeded one', async () => {
    const empty = open('empty.db')
    const bad = await new DatabaseHealthChecker(empty).checkHealth()
    assert.equal(bad.healthy, false)
    assert.equal(bad.checks.connectivity.status, 'pass')
    assert.equal(bad.checks.tables.status, 'fail')
    assert.match(bad.checks.tables.message, /^Missing tables: users, exams, /)
    assert.equal(bad.checks.indexes.status, 'warn')
    assert.equal(bad.checks.performance.status, 'fail')
    assert.equal('replication' in bad.checks, false)
    assert.ok(bad.recommendations.length >= 2)
    await empty.cleanup()

    const { healthChecker } = createMonitoringSystem(seeded)
    const good = await healthChecker.checkHealth()
    assert.equal(good.healthy, true, JSON.stringify(good))
    for (const k of ['connectivity', 'tables', 'indexes', 'performance']) {
      assert.equal(good.checks[k].status, 'pass', `${k}: ${good.checks[k].message}`)
      assert.equal(typeof good.checks[k].duration, 'number')
    }
    assert.match(good.checks.tables.message, /^All \d+ tables available$/)
    assert.match(good.checks.performance.message, /^Sample query took \d+\.\d\dms$/)
    assert.deepEqual(good.recommendations, [])
  })

  test('a closed database is unhealthy', async () => {
    const db = open('closed.db')
    await db.cleanup()
    const r = await new DatabaseHealthChecker(db).checkHealth()
    assert.equal(r.healthy, false)
    assert.equal(r.checks.connectivity.status, 'fail')
    assert.match(r.checks.connectivity.message, /^Connection failed: database closed/)
  })

  const sqld = process.env.SQLD_BIN || join(REPO, '.cache/bin/sqld')
  test('an embedded replica reports its replication lag', { skip: !existsSync(sqld) && 'sqld not installed' }, async () => {
    const { startSqld } = await import('./support/sqld.mjs')
    const server = await startSqld()
    try {
      const db = createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw, replicaPath: join(dir, 'replica.db'), syncInterval: 30 })
      const r = await new DatabaseHealthChecker(db).checkHealth()
      const rep = r.checks.replication
      assert.equal(rep.status, 'pass', rep.message)
      assert.match(rep.message, /^Last sync \d+\.\ds ago \(every 30s\), 0 sync errors$/)
      assert.ok(rep.lagMs >= 0 && rep.lagMs < 30000)
      assert.ok(Math.abs(rep.lastSyncAt - Date.now()) < 30000)
      await db.cleanup()
    } finally {
      await server.stop()
    }
  })
})

describe('interceptor, benchmark, monitoring system', () => {
  test('wrapDatabaseMethod records duration and errors and rethrows', async () => {
    const m = new DatabaseMonitor(null, { slowQueryThreshold: 1e6 })
    const interceptor = new PerformanceInterceptor(m)
    const obj = {
      factor: 2,
      double: interceptor.wrapDatabaseMethod(async function (x) {
        await sleep(5)
        return x * this.factor
      }, { operation: 'double', table: 'numbers' }),
    }
    assert.equal(await obj.double(21), 42)
    const boom = new Error('constraint failed')
    const failing = interceptor.wrapDatabaseMethod(async () => {
      throw boom
    }, { operation: 'insertAnswer' })
    await assert.rejects(failing(), (e) => e === boom)
    const a = m.getAnalytics()
    assert.equal(a.summary.totalQueries, 2)
    assert.equal(a.summary.errorRate, 50)
    const double = a.queryPatterns.find((p) => p.pattern === 'double on numbers')
    assert.ok(double.avgDuration >= 4, `${double.avgDuration}`)
    assert.equal(double.operation, 'double')
    assert.match(m.toPrometheus(), /pingtopass_db_query_duration_seconds_count\{operation="insertAnswer"\} 1\n/)
    m.close()
  })

  test('PerformanceBenchmark: start, end, statistics, reset; end before start throws', async () => {
    const b = new PerformanceBenchmark()
    assert.throws(() => b.end(), (e) => e.code === 'ERR_BENCHMARK_NOT_STARTED' && /Benchmark not started/.test(e.message))
    assert.deepEqual(b.getStats(), { count: 0, avg: 0, min: 0, max: 0, median: 0, p95: 0, p99: 0 })
    const measured = []
    for (const ms of [2, 6, 4]) {
      b.start()
      await sleep(ms)
      measured.push(b.end())
    }
    const s = b.getStats()
    const sorted = measured.slice().sort((x, y) => x - y)
    assert.equal(s.count, 3)
    assert.equal(s.min, sorted[0])
    assert.equal(s.max, sorted[2])
    assert.equal(s.median, sorted[1])
    assert.equal(s.p95, sorted[2])
    near(s.avg, measured.reduce((x, y) => x + y) / 3, 'avg')
    assert.equal(b.getAverage(), s.avg)
    assert.equal(b.getMax(), s.max)
    assert.ok(s.min >= 1)
    b.reset()
    assert.equal(b.getStats().count, 0)
    assert.throws(() => b.end())
  })

  test('createMonitoringSystem shares one monitor per database', () => {
    const a = createMonitoringSystem(seeded)
    const b = createMonitoringSystem(seeded)
    assert.equal(a.monitor, b.monitor, 'a route calling it per request attaches one observer')
    assert.ok(a.interceptor instanceof PerformanceInterceptor)
    assert.ok(a.benchmark instanceof PerformanceBenchmark)
    assert.ok(a.healthChecker instanceof DatabaseHealthChecker)
    assert.equal(a.interceptor.monitor, a.monitor)
    const own = createMonitoringSystem(seeded, { logAlerts: false })
    assert.notEqual(own.monitor, a.monitor)
    own.monitor.close()
    a.monitor.close()
    assert.notEqual(createMonitoringSystem(seeded).monitor, a.monitor, 'a closed shared monitor is replaced')
    createMonitoringSystem(seeded).monitor.close()
  })

  test('a monitor listening for alerts never keeps Node alive', () => {
    const script = `
      const { createEdgeDatabase, createMonitoringSystem } = require(${JSON.stringify(join(REPO, 'index.js'))})
      const db = createEdgeDatabase(undefined, { url: 'file:${join(dir, 'exit.db')}', slowQueryThreshold: 0 })
      const { monitor } = createMonitoringSystem(db, { logAlerts: false })
      monitor.onAlert(() => {})
      db.execute('SELECT 1').then(() => db.cleanup()).then(() => console.log('done'))
    `
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20000 })
    assert.equal(r.signal, null, 'exited on its own')
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stdout.trim(), 'done')
  })
})
