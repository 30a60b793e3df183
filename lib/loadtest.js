'use strict'
// The load tester (the original's stress-testing module) and `db:benchmark`. The virtual
// users run in Rust (src/loadtest) as tokio tasks calling this addon's optimized queries;
// this file gives them the original's API, prints what a person reads, and runs the CLI.

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { NativeLoadTest, loadTestDefaults, renderLoadTestReport } = require('../binding')
const { EdgeOptimizedDatabase, createEdgeDatabase } = require('./database')
const { call, callAsync, invalidType, outOfRange } = require('./errors')

function deepFreeze(v) {
  if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) deepFreeze(v[k])
    Object.freeze(v)
  }
  return v
}

// One source of truth: the scenarios and presets come from Rust (src/loadtest/config.rs).
// A binary built before the load tester must not break `require` of the whole package:
// the constants are then empty and the tester says what to do when used.
const STALE = typeof loadTestDefaults !== 'function'
const DEFAULTS = STALE ? { scenarios: [], configs: [] } : JSON.parse(loadTestDefaults())
const PINGTOPASS_LOAD_SCENARIOS = deepFreeze(DEFAULTS.scenarios)
const STRESS_TEST_CONFIGS = deepFreeze(
  Object.fromEntries(DEFAULTS.configs.map(([name, c]) => [name, { ...c, scenarios: PINGTOPASS_LOAD_SCENARIOS }])),
)

/** Refuses what JSON would silently alter (NaN, Infinity, functions, bigint), naming the field. */
function checkJsonable(value, field, depth = 0) {
  switch (typeof value) {
    case 'undefined':
    case 'string':
    case 'boolean':
      return
    case 'number':
      if (!Number.isFinite(value)) throw outOfRange(field, 'a finite number')
      return
    case 'object':
      if (value === null) return
      // JSON would send an invalid Date as null, which reads as "use the default".
      if (value instanceof Date && Number.isNaN(value.getTime())) throw outOfRange(field, 'a valid value, not an invalid Date')
      if (depth > 8) throw outOfRange(field, 'nested at most 8 levels')
      if (Array.isArray(value)) return value.forEach((v, i) => checkJsonable(v, `${field}[${i}]`, depth + 1))
      for (const k of Object.keys(value)) checkJsonable(value[k], field ? `${field}.${k}` : k, depth + 1)
      return
    default:
      throw invalidType(field, `a number, string, boolean, array or plain object, not ${typeof value}`)
  }
}

function checkConfig(config) {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw invalidType('config', 'an object')
  checkJsonable(config, '')
  return JSON.stringify(config)
}

class DatabaseLoadTester {
  /** @param {EdgeOptimizedDatabase} db a database seeded with the app's data */
  constructor(db) {
    if (!(db instanceof EdgeOptimizedDatabase)) throw invalidType('db', 'an EdgeOptimizedDatabase')
    if (STALE) throw new Error('the native binding predates the load tester: rebuild it (npm run build)')
    this.db = db
    this._results = null
    this._native = null
  }

  /**
   * Runs `config.maxUsers` virtual users for `config.testDurationMs` and resolves to the
   * results. `options.onProgress(progress)` is called every `progressIntervalMs` (1000).
   */
  async runLoadTest(config, options = {}) {
    const json = checkConfig(config)
    if (options === null || typeof options !== 'object') throw invalidType('options', 'an object')
    const { onProgress, progressIntervalMs = 1000 } = options
    if (onProgress !== undefined && typeof onProgress !== 'function') throw invalidType('options.onProgress', 'a function')
    if (typeof progressIntervalMs !== 'number') throw invalidType('options.progressIntervalMs', 'a number')
    if (!(progressIntervalMs >= 50 && progressIntervalMs <= 3_600_000)) throw outOfRange('options.progressIntervalMs', 'from 50 to 3600000')
    const native = call(() => new NativeLoadTest(this.db._native, json))
    this._native = native
    const timer = onProgress ? setInterval(() => onProgress(this.progress()), progressIntervalMs) : null
    try {
      this._results = JSON.parse(await callAsync(native.run()))
    } finally {
      if (timer) clearInterval(timer)
      this._native = null
    }
    return this._results
  }

  /** Live figures of the run in progress (null when none): phase, elapsedMs, users, rps, p95Ms, errors. */
  progress() {
    return this._native ? JSON.parse(call(() => this._native.progress())) : null
  }

  /** Ends the run in progress early; it still resolves with results. */
  stop() {
    if (this._native) this._native.stop()
  }

  /**
   * The last run's per-second record, for analysis: `{timestamp, t, requests, errors,
   * throughputRPS, p95ResponseTime, usersInFlight, activeUsers}` per second. (The original
   * kept one entry per request, which grows without bound; every request is in the
   * histograms behind the results instead.)
   */
  exportResults() {
    if (!this._results) return []
    const start = this._results.startedAt
    return this._results.timeline.map((row) => ({ timestamp: Math.round(start + row.t * 1000), ...row }))
  }
}

const fmt = (v, d = 2) => (typeof v === 'number' ? v.toFixed(d) : String(v))
const pad = (s, n) => String(s).padStart(n)

/** The per-operation table, as the console shows it. */
function formatOperations(results) {
  const head = `${'operation'.padEnd(18)}${pad('count', 10)}${pad('errors', 8)}${pad('p50 ms', 10)}${pad('p95 ms', 10)}${pad('p99 ms', 10)}${pad('max ms', 10)}`
  const lines = results.operations.map(
    (o) => `${o.operation.padEnd(18)}${pad(o.count, 10)}${pad(o.errors, 8)}${pad(fmt(o.p50, 3), 10)}${pad(fmt(o.p95, 3), 10)}${pad(fmt(o.p99, 3), 10)}${pad(fmt(o.max, 3), 10)}`,
  )
  return [head, ...lines].join('\n')
}

/** The original's printout, plus the per-operation table, integrity and the grade. */
function formatResults(testName, results) {
  const i = results.integrity
  const out = [
    `\n📊 ${testName.toUpperCase()} TEST RESULTS:`,
    `Backend: ${results.backend} (${results.target})`,
    `Total Requests: ${results.totalRequests}`,
    `Success Rate: ${results.totalRequests ? ((results.successfulRequests / results.totalRequests) * 100).toFixed(1) : '0.0'}%`,
    `Error Rate: ${results.errorRate.toFixed(1)}%`,
    `Average Response Time: ${fmt(results.averageResponseTime)}ms`,
    `95th Percentile: ${fmt(results.p95ResponseTime)}ms`,
    `99th Percentile: ${fmt(results.p99ResponseTime)}ms`,
    `Throughput: ${results.throughputRPS.toFixed(1)} requests/second`,
    `Peak Concurrent Users: ${results.concurrentUsers} with a request in flight (${results.peakActiveUsers} active)`,
    '',
    formatOperations(results),
    '',
    `Integrity: ${i.ok ? 'ok' : 'FAILED'} - ${i.answersRecorded} answers recorded, ${i.answersFound} found` +
      ` (${i.answersInOwnSession} in their user's own session); ${i.sessionsCreated} sessions opened, ${i.sessionsFound} found`,
    ...i.problems.map((p) => `   ! ${p}`),
    ...results.errors.slice(0, 10).map((e) => `Error ${e.operation} ${e.code} x${e.count}: ${e.message}`),
    `\n🎯 Performance Assessment: ${results.grade}`,
    ...results.recommendations.map((r) => `   • ${r}`),
  ]
  return out.join('\n')
}

class LoadTestRunner {
  /**
   * @param {EdgeOptimizedDatabase} db
   * @param {{cooldownMs?: number, log?: (line: string) => void}} [options] the original cooled
   *   down 30 s between tests (not after spike) and printed with console.log
   */
  constructor(db, options = {}) {
    if (!(db instanceof EdgeOptimizedDatabase)) throw invalidType('db', 'an EdgeOptimizedDatabase')
    if (options === null || typeof options !== 'object') throw invalidType('options', 'an object')
    const { cooldownMs = 30_000, log = console.log } = options
    if (typeof cooldownMs !== 'number') throw invalidType('options.cooldownMs', 'a number')
    if (!(cooldownMs >= 0 && cooldownMs <= 3_600_000)) throw outOfRange('options.cooldownMs', 'from 0 to 3600000')
    if (typeof log !== 'function') throw invalidType('options.log', 'a function')
    this.db = db
    this.cooldownMs = cooldownMs
    this.log = log
  }

  async runAllTests() {
    const results = {}
    for (const [testName, config] of Object.entries(STRESS_TEST_CONFIGS)) {
      this.log(`\n🧪 Running ${testName} load test...`)
      const tester = new DatabaseLoadTester(this.db)
      const result = await tester.runLoadTest(config)
      results[testName] = result
      this.printTestResults(testName, result)
      if (testName !== 'spike' && this.cooldownMs > 0) {
        this.log(`⏱️  Cooling down for ${Math.round(this.cooldownMs / 1000)} seconds...`)
        await new Promise((resolve) => setTimeout(resolve, this.cooldownMs))
      }
    }
    return results
  }

  printTestResults(testName, results) {
    this.log(formatResults(testName, results))
  }

  /** The original's grade and recommendations (computed in Rust with its thresholds). */
  assessPerformance(results) {
    return { grade: results.grade, recommendations: results.recommendations }
  }
}

/** As the original: a runner over STRESS_TEST_CONFIGS. */
function createLoadTester(db) {
  return new LoadTestRunner(db)
}

/** The self-contained HTML report (inline SVG charts, no script, no CDN) of a run's results. */
function renderLoadTestReportHtml(results) {
  if (results === null || typeof results !== 'object') throw invalidType('results', 'the results of runLoadTest')
  checkDepth(results, 'results', MAX_RESULTS_DEPTH)
  return call(() => renderLoadTestReport(JSON.stringify(results)))
}

// Results are a few levels deep; the cap keeps JSON.stringify from overflowing the stack.
const MAX_RESULTS_DEPTH = 32

function checkDepth(value, field, max, depth = 0) {
  if (value === null || typeof value !== 'object') return
  if (depth >= max) throw outOfRange(field, `nested at most ${max} levels`)
  for (const v of Object.values(value)) checkDepth(v, field, max, depth + 1)
}

// ---------------------------------------------------------------------------------------
// Thresholds, k6 style: `p95<200` (ms), `errorRate<1` (percent), `rps>1000`, and per
// operation `record_answer.p99<=5`.

const THRESHOLD = /^\s*(?:([a-z_]+)\.)?(p\(?(?:50|95|99)\)?|avg|mean|max|errorRate|rps|throughput)\s*(<=|>=|<|>|==)\s*(-?\d+(?:\.\d+)?)\s*(?:ms|%)?\s*$/

function parseThreshold(text, field = '--threshold') {
  if (typeof text !== 'string') throw invalidType(field, 'a string such as p95<200')
  const m = THRESHOLD.exec(text)
  if (!m) {
    throw outOfRange(field, `METRIC<VALUE with METRIC one of p50, p95, p99, avg, max (ms), errorRate (%), rps, optionally OPERATION.METRIC; got ${JSON.stringify(text.slice(0, 100))}`)
  }
  const metric = m[2].replace(/[()]/g, '').replace('mean', 'avg').replace('throughput', 'rps')
  if (m[1] && metric === 'rps') throw outOfRange(field, `rps applies to the whole run, not ${m[1]}`)
  return { text: text.trim(), operation: m[1], metric, op: m[3], limit: Number(m[4]) }
}

function thresholdActual(results, t) {
  if (t.operation) {
    const o = results.operations.find((x) => x.operation === t.operation)
    if (!o) return undefined
    return { p50: o.p50, p95: o.p95, p99: o.p99, avg: o.mean, max: o.max, errorRate: o.count ? (o.errors * 100) / o.count : 0 }[t.metric]
  }
  return {
    p50: results.p50ResponseTime,
    p95: results.p95ResponseTime,
    p99: results.p99ResponseTime,
    avg: results.averageResponseTime,
    max: results.maxResponseTime,
    errorRate: results.errorRate,
    rps: results.throughputRPS,
  }[t.metric]
}

const COMPARE = { '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b, '==': (a, b) => a === b }

/** `[{text, actual, ok}]`; an operation the run never did fails its threshold. */
function checkThresholds(results, thresholds) {
  return thresholds.map((t) => {
    const actual = thresholdActual(results, t)
    return { text: t.text, actual, ok: actual !== undefined && COMPARE[t.op](actual, t.limit) }
  })
}

// ---------------------------------------------------------------------------------------
// `npm run db:benchmark`

const USAGE = `usage: db.js benchmark [flags]   (npm run db:benchmark -- [flags])

  --config=NAME        light (100 users), medium (500), heavy (1,000) or spike (1,500); default light
  --duration=30s       shorten the run (ms, s, m, h; a bare number is seconds)
  --ramp-up=5s         ramp-up time; default: the preset's share of the duration
  --users=N            override the preset's number of virtual users
  --closed-loop        no think time: every user sends its next request at once (saturation)
  --seed-scale=N       run on a fresh copy of a seeded, optimized embedded database at scale N
                       (cached in $BENCH_DIR or ./.bench); an empty target is seeded at scale 1
  --no-optimize        leave the schema as seeded (no db:optimize) when this command seeds
  --seed=N             seed of the users' random choices (reproducible runs)
  --json=FILE          write the results as JSON
  --report=FILE.html   write a self-contained HTML report (charts inline)
  --threshold=EXPR     fail (exit 99) unless EXPR holds; repeatable: p95<200 (ms), errorRate<1 (%),
                       rps>1000, record_answer.p99<5
  --url=URL            database URL (file:PATH, http(s)://, libsql://); default TURSO_DATABASE_URL
  --auth-token=TOKEN   default TURSO_AUTH_TOKEN
  --replica-path=PATH  embedded replica of the remote URL; default TURSO_REPLICA_PATH
  --quiet              no live progress on stderr
  --help

Scale-out (see docs/scaling-out.md):
  --nodes=N            run N node processes, each on its own embedded replica of one primary: the
                       --url / TURSO_DATABASE_URL server, else a local sqld started on the seeded
                       database (installed by this package's scripts/install-sqld.sh, or $SQLD_BIN);
                       the users are split over the nodes
  --sync-interval=S    seconds between each replica's syncs; default 1
  --probe-interval=T   how often each node writes a replication-lag probe row; default 250ms
  --redis-url=URL      the shared Redis cache tier for every node; default REDIS_URL
  --replica-dir=DIR    keep the replica files here (default: a temporary folder, removed after)

Exit codes: 0 ok, 1 failed run or integrity check, 2 usage, 99 thresholds broken.
`

const FLAGS = {
  config: 'value', duration: 'value', 'ramp-up': 'value', users: 'value', 'closed-loop': 'bool', 'seed-scale': 'value',
  'no-optimize': 'bool', seed: 'value', json: 'value', report: 'value', threshold: 'list', url: 'value',
  'auth-token': 'value', 'replica-path': 'value', quiet: 'bool', help: 'bool',
  nodes: 'value', 'sync-interval': 'value', 'probe-interval': 'value', 'redis-url': 'value', 'replica-dir': 'value',
}

function parseDuration(text, flag) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text).trim())
  if (!m) throw outOfRange(flag, `a duration like 30s, 500ms, 2m or 1h, not ${JSON.stringify(text)}`)
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] || 's']
  if (!(ms >= 0 && ms <= 86_400_000)) throw outOfRange(flag, 'at most 24h')
  return Math.round(ms)
}

function parseInteger(text, flag, min, max) {
  const n = Number(text)
  if (!/^\d+$/.test(String(text)) || n < min || n > max) throw outOfRange(flag, `an integer from ${min} to ${max}, not ${JSON.stringify(text)}`)
  return n
}

/** argv (after the script) to options; throws RangeError naming the flag. */
function parseBenchmarkArgs(argv) {
  const raw = { threshold: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) throw outOfRange('argument', `a --flag, not ${JSON.stringify(a)}`)
    const eq = a.indexOf('=')
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2)
    const kind = FLAGS[name]
    if (!kind) throw outOfRange(`--${name}`, 'a known flag (see --help)')
    let value
    if (kind === 'bool') {
      if (eq > 0) throw outOfRange(`--${name}`, 'given without a value')
      value = true
    } else if (eq > 0) value = a.slice(eq + 1)
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i]
    else throw outOfRange(`--${name}`, `given a value (--${name}=VALUE)`)
    if (kind === 'list') raw[name].push(value)
    else raw[name] = value
  }
  const o = { help: !!raw.help, closedLoop: !!raw['closed-loop'], quiet: !!raw.quiet, optimize: !raw['no-optimize'] }
  o.config = raw.config ?? 'light'
  if (!Object.hasOwn(STRESS_TEST_CONFIGS, o.config)) throw outOfRange('--config', `one of ${Object.keys(STRESS_TEST_CONFIGS).join(', ')}, not ${JSON.stringify(o.config)}`)
  if (raw.duration !== undefined) o.duration = parseDuration(raw.duration, '--duration')
  if (o.duration === 0) throw outOfRange('--duration', 'above 0')
  if (raw['ramp-up'] !== undefined) o.rampUp = parseDuration(raw['ramp-up'], '--ramp-up')
  if (raw.users !== undefined) o.users = parseInteger(raw.users, '--users', 1, 100_000)
  if (raw.seed !== undefined) o.seed = parseInteger(raw.seed, '--seed', 0, Number.MAX_SAFE_INTEGER)
  if (raw['seed-scale'] !== undefined) o.seedScale = checkSeedScale(Number(raw['seed-scale']), '--seed-scale', raw['seed-scale'])
  for (const k of ['json', 'report', 'url', 'auth-token', 'replica-path']) {
    if (raw[k] !== undefined && raw[k] === '') throw outOfRange(`--${k}`, 'a non-empty value')
  }
  if (raw.nodes !== undefined) {
    o.nodes = parseInteger(raw.nodes, '--nodes', 1, 64)
    if (raw.report !== undefined) throw outOfRange('--report', 'a single-node option: give --json with --nodes')
    if (raw['replica-path'] !== undefined) throw outOfRange('--replica-path', 'a single-node option: --nodes gives each node its own replica in --replica-dir')
    o.syncInterval = raw['sync-interval'] === undefined ? 1 : parseInteger(raw['sync-interval'], '--sync-interval', 1, 3600)
    o.probeIntervalMs = raw['probe-interval'] === undefined ? 250 : parseDuration(raw['probe-interval'], '--probe-interval')
    o.redisUrl = raw['redis-url'] ?? (process.env.REDIS_URL || undefined)
    o.replicaDir = raw['replica-dir']
  } else {
    for (const k of ['sync-interval', 'probe-interval', 'redis-url', 'replica-dir']) {
      if (raw[k] !== undefined) throw outOfRange(`--${k}`, 'given with --nodes=N')
    }
  }
  for (const k of ['redis-url', 'replica-dir']) {
    if (raw[k] !== undefined && raw[k] === '') throw outOfRange(`--${k}`, 'a non-empty value')
  }
  o.json = raw.json
  o.report = raw.report
  o.thresholds = raw.threshold.map((t) => parseThreshold(t))
  o.settings = {}
  if (raw.url !== undefined) o.settings.url = raw.url
  if (raw['auth-token'] !== undefined) o.settings.authToken = raw['auth-token']
  if (raw['replica-path'] !== undefined) o.settings.replicaPath = raw['replica-path']
  return o
}

/** The run's configuration: the preset, shortened; the ramp-up keeps its share of the duration. */
function benchmarkConfig(o) {
  const base = STRESS_TEST_CONFIGS[o.config]
  const duration = o.duration ?? base.testDurationMs
  let rampUp = o.rampUp ?? Math.round((base.rampUpTimeMs * duration) / base.testDurationMs)
  if (rampUp > duration) throw outOfRange('--ramp-up', 'at most --duration')
  const config = { maxUsers: o.users ?? base.maxUsers, rampUpTimeMs: rampUp, testDurationMs: duration, scenarios: base.scenarios, closedLoop: o.closedLoop }
  if (o.seed !== undefined) config.seed = o.seed
  return config
}

const fileOf = (url) => (url.startsWith('file:') ? url.slice(5) : /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? null : url)

/**
 * A seed scale, a number above 0 and at most 100: it becomes part of a file name
 * (cachedSeed), so nothing else may pass. `shown` is what the user typed, for the message.
 */
function checkSeedScale(scale, name, shown = scale) {
  if (typeof scale !== 'number') throw invalidType(name, `a number, not ${typeof scale}`)
  if (!(scale > 0 && scale <= 100)) throw outOfRange(name, `a number above 0 and at most 100, not ${JSON.stringify(shown)}`)
  return scale
}

/** `.bench/seed-<scale>-optimized.db` (shared with perf/bench.mjs), built once. */
async function cachedSeed(scale, optimize, log) {
  checkSeedScale(scale, 'scale')
  const dir = process.env.BENCH_DIR || path.join(process.cwd(), '.bench')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `seed-${scale}${optimize ? '-optimized' : ''}.db`)
  if (fs.existsSync(file)) return file
  const tmp = `${file}.tmp-${process.pid}`
  log(`seeding ${file} at scale ${scale}${optimize ? ' and optimizing it' : ''} (once)...\n`)
  const db = createEdgeDatabase(undefined, { url: `file:${tmp}` })
  try {
    await seedAndOptimize(db, scale, optimize)
    await db.execute('PRAGMA wal_checkpoint(TRUNCATE)', [], { cache: false })
  } finally {
    await db.cleanup()
  }
  fs.renameSync(tmp, file)
  for (const ext of ['-wal', '-shm']) fs.rmSync(tmp + ext, { force: true })
  return file
}

async function seedAndOptimize(db, scale, optimize) {
  const { seedDatabase } = require('./schema')
  await seedDatabase(db, { scale })
  if (optimize) {
    const { optimizeDatabase } = require('./migrations')
    if (typeof optimizeDatabase === 'function') await optimizeDatabase(db)
  }
}

async function isEmpty(db) {
  const t = await db.execute("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name = 'questions'", [], { cache: false })
  if (t.rows[0].n === 0) return true
  return (await db.execute('SELECT count(*) AS n FROM (SELECT 1 FROM questions LIMIT 1)', [], { cache: false })).rows[0].n === 0
}

function progressLine(p, maxUsers) {
  if (!p || p.elapsedMs === undefined) return `  ${p ? p.phase : 'starting'}...`
  return (
    `  ${(p.elapsedMs / 1000).toFixed(1)}s/${(p.durationMs / 1000).toFixed(0)}s` +
    `  users ${p.activeUsers}/${maxUsers} active, ${p.usersInFlight} in flight` +
    `  ${Math.round(p.rps)} req/s  p95 ${p.p95Ms.toFixed(2)} ms  errors ${p.errors}  (${p.phase})`
  )
}

/** Prints the thresholds' outcome; 0 ok, 1 integrity failed, 99 a threshold broken. */
function exitCode(integrityOk, results, thresholds, title, out) {
  let code = integrityOk ? 0 : 1
  if (thresholds.length) {
    const checked = checkThresholds(results, thresholds)
    out(`\n${title}:\n`)
    for (const c of checked) out(`  ${c.ok ? '✓' : '✗'} ${c.text}  (actual ${c.actual === undefined ? 'n/a' : fmt(c.actual, 3)})\n`)
    if (checked.some((c) => !c.ok)) code = code || 99
  }
  return code
}

/**
 * `db:benchmark`: runs a preset against the configured database and prints the results.
 * Resolves to the exit code; `io` defaults to the process's streams.
 */
async function runBenchmarkCli(argv, io = { stdout: process.stdout, stderr: process.stderr }) {
  const out = (s) => io.stdout.write(s)
  const err = (s) => io.stderr.write(s)
  let o, config
  try {
    o = parseBenchmarkArgs(argv)
    if (o.help) {
      out(USAGE)
      return 0
    }
    config = benchmarkConfig(o)
  } catch (e) {
    err(`error: ${e.message}\n\n${USAGE}`)
    return 2
  }

  if (o.nodes !== undefined) return runNodesCli(o, config, out, err)

  let scratch = null
  const settings = { ...o.settings }
  if (o.seedScale !== undefined) {
    const target = settings.url === undefined ? null : fileOf(settings.url)
    if (settings.url !== undefined && target === null) {
      err('error: --seed-scale creates an embedded database: give --url=file:PATH or no --url\n')
      return 2
    }
    if (target !== null && fs.existsSync(target) && fs.statSync(target).size > 0) {
      err(`error: --seed-scale creates a fresh database, but ${target} exists: remove it or drop --seed-scale\n`)
      return 2
    }
    const seed = await cachedSeed(o.seedScale, o.optimize, err)
    let file = target
    if (file === null) {
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ptp-benchmark-'))
      file = path.join(scratch, 'bench.db')
    }
    fs.copyFileSync(seed, file)
    settings.url = `file:${file}`
    delete settings.replicaPath
  }

  const db = createEdgeDatabase(undefined, settings)
  const tester = new DatabaseLoadTester(db)
  const onSigint = () => {
    err('\nstopping: the users finish their requests, then the results print\n')
    tester.stop()
  }
  try {
    await db.ready()
    if (o.seedScale === undefined && (await isEmpty(db))) {
      err(`the database is empty: seeding it at scale 1${o.optimize ? ' and optimizing it' : ''}...\n`)
      await seedAndOptimize(db, 1, o.optimize)
    }
    const tty = !!io.stderr.isTTY
    let last = 0
    const onProgress = (p) => {
      if (o.quiet) return
      if (tty) err(`\r${progressLine(p, config.maxUsers)}\x1b[K`)
      else if (Date.now() - last >= 5000) {
        last = Date.now()
        err(`${progressLine(p, config.maxUsers)}\n`)
      }
    }
    err(
      `🚀 Starting ${o.config} load test with ${config.maxUsers} users over ${config.testDurationMs / 1000}s` +
        ` (ramp-up ${config.rampUpTimeMs / 1000}s${config.closedLoop ? ', closed loop' : ''}) on ${db.config.backend} ${db.config.target}\n`,
    )
    process.once('SIGINT', onSigint)
    const results = await tester.runLoadTest(config, { onProgress, progressIntervalMs: tty ? 500 : 1000 })
    if (tty && !o.quiet) err('\n')
    out(formatResults(o.config, results) + '\n')
    if (o.json) fs.writeFileSync(o.json, JSON.stringify(results, null, 2) + '\n')
    if (o.report) fs.writeFileSync(o.report, renderLoadTestReportHtml(results))
    if (o.json || o.report) out(`\n${[o.json, o.report].filter(Boolean).map((f) => `wrote ${f}`).join('\n')}\n`)
    return exitCode(results.integrity.ok, results, o.thresholds, 'Thresholds', out)
  } catch (e) {
    err(`error: ${e.message}${e.code ? ` (${e.code})` : ''}\n`)
    return 1
  } finally {
    process.removeListener('SIGINT', onSigint)
    await db.cleanup()
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true })
  }
}

/** `db:benchmark --nodes=N`: the run spread over N replica processes (lib/scale.js). */
async function runNodesCli(o, config, out, err) {
  const { runScaleBenchmark, formatScaleReport } = require('./scale')
  if (o.seedScale !== undefined && (o.settings.url !== undefined || process.env.TURSO_DATABASE_URL)) {
    err('error: --seed-scale with --nodes seeds the local sqld this command starts: drop --url (and TURSO_DATABASE_URL)\n')
    return 2
  }
  err(
    `🚀 Starting ${o.config} load test with ${config.maxUsers} users over ${config.testDurationMs / 1000}s on ${o.nodes} nodes` +
      `${config.closedLoop ? ' (closed loop)' : ''}\n`,
  )
  try {
    const report = await runScaleBenchmark({
      nodes: o.nodes,
      config,
      url: o.settings.url,
      authToken: o.settings.authToken,
      syncInterval: o.syncInterval,
      probeIntervalMs: o.probeIntervalMs,
      redisUrl: o.redisUrl,
      replicaDir: o.replicaDir,
      seedScale: o.seedScale,
      optimize: o.optimize,
      log: err,
      onProgress: o.quiet
        ? undefined
        : (ps) => {
            const live = ps.filter((p) => p && p.elapsedMs !== undefined)
            if (live.length === 0) return
            const rps = live.reduce((s, p) => s + p.rps, 0)
            const errors = live.reduce((s, p) => s + p.errors, 0)
            const p95 = Math.max(...live.map((p) => p.p95Ms))
            err(`  ${(live[0].elapsedMs / 1000).toFixed(1)}s  ${Math.round(rps)} req/s over ${live.length} nodes  worst p95 ${p95.toFixed(2)} ms  errors ${errors}\n`)
          },
    })
    out(formatScaleReport(report) + '\n')
    if (o.json) {
      fs.writeFileSync(o.json, JSON.stringify(report, null, 2) + '\n')
      out(`\nwrote ${o.json}\n`)
    }
    return exitCode(report.total.integrityOk, report.total, o.thresholds, 'Thresholds (all nodes together)', out)
  } catch (e) {
    err(`error: ${e.message}${e.code ? ` (${e.code})` : ''}\n`)
    return 1
  }
}

module.exports = {
  DatabaseLoadTester,
  LoadTestRunner,
  createLoadTester,
  PINGTOPASS_LOAD_SCENARIOS,
  STRESS_TEST_CONFIGS,
  runBenchmarkCli,
  renderLoadTestReport: renderLoadTestReportHtml,
  checkThresholds: (results, thresholds) => {
    if (results === null || typeof results !== 'object') throw invalidType('results', 'the results of runLoadTest')
    if (!Array.isArray(thresholds)) throw invalidType('thresholds', 'an array of strings such as p95<200')
    return checkThresholds(results, thresholds.map((t, i) => parseThreshold(t, `thresholds[${i}]`)))
  },
}

// For lib/scale.js, out of the package's public surface (index.js spreads enumerable keys).
Object.defineProperty(module.exports, 'internal', { value: { cachedSeed, checkSeedScale, seedAndOptimize, isEmpty }, enumerable: false })

// `node lib/loadtest.js --config=light ...` runs the command directly.
if (require.main === module) {
  runBenchmarkCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}
