// The load tester on real libSQL files seeded at scale 0.02: short runs whose figures are
// checked against the database and against each other, the db:benchmark command line, and
// the HTML report rendered by headless Chromium.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { startSqld } from './support/sqld.mjs'

const require = createRequire(import.meta.url)
const api = require('../index.js')
const { DatabaseLoadTester, LoadTestRunner, createLoadTester, PINGTOPASS_LOAD_SCENARIOS, STRESS_TEST_CONFIGS } = api

const dir = mkdtempSync(join(tmpdir(), 'ptp-loadtest-'))
const seedFile = join(dir, 'seed.db')
const CLI = fileURLToPath(new URL('../lib/loadtest.js', import.meta.url))
let db

const count = async (sql, args = []) => (await db.execute(sql, args, { cache: false })).rows[0].n
const base = (over) => ({ ...STRESS_TEST_CONFIGS.light, rampUpTimeMs: 0, seed: 11, ...over })

before(async () => {
  const s = api.createEdgeDatabase(undefined, { url: `file:${seedFile}` })
  await api.seedDatabase(s, { scale: 0.02 })
  await s.execute('PRAGMA wal_checkpoint(TRUNCATE)', [], { cache: false })
  await s.cleanup()
  copyFileSync(seedFile, join(dir, 'lib.db'))
  db = api.createEdgeDatabase(undefined, { url: `file:${join(dir, 'lib.db')}` })
})
after(async () => {
  await db.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

function checkPercentiles(r) {
  assert.ok(r.p50ResponseTime <= r.p95ResponseTime && r.p95ResponseTime <= r.p99ResponseTime && r.p99ResponseTime <= r.maxResponseTime,
    `overall ${r.p50ResponseTime} ${r.p95ResponseTime} ${r.p99ResponseTime} ${r.maxResponseTime}`)
  for (const o of r.operations) {
    assert.ok(o.p50 <= o.p95 && o.p95 <= o.p99 && o.p99 <= o.max, `${o.operation}: ${o.p50} ${o.p95} ${o.p99} ${o.max}`)
    assert.equal(o.histogram.reduce((a, b) => a + b, 0), o.count, `${o.operation}: every request is in its histogram`)
  }
  assert.equal(r.operations.reduce((a, o) => a + o.count, 0), r.totalRequests)
  assert.equal(r.timeline.reduce((a, s) => a + s.requests, 0), r.totalRequests)
}

describe('constants', () => {
  test('the app mix and the presets are the original ones', () => {
    assert.deepEqual(PINGTOPASS_LOAD_SCENARIOS.map((s) => [s.name, s.weight]), [
      ['Active Student', 60], ['Casual Learner', 25], ['Exam Preparation', 10], ['Analytics User', 5],
    ])
    assert.deepEqual(PINGTOPASS_LOAD_SCENARIOS[2].operations.map((o) => [o.type, o.frequency]), [
      ['study_questions', 20], ['record_answer', 18], ['session_progress', 5], ['leaderboard', 2],
    ])
    assert.deepEqual(PINGTOPASS_LOAD_SCENARIOS[3].operations.map((o) => o.type), ['twitter_analytics', 'leaderboard'])
    const presets = Object.fromEntries(Object.entries(STRESS_TEST_CONFIGS).map(([k, c]) => [k, [c.maxUsers, c.rampUpTimeMs, c.testDurationMs]]))
    assert.deepEqual(presets, { light: [100, 30000, 300000], medium: [500, 60000, 600000], heavy: [1000, 120000, 900000], spike: [1500, 30000, 300000] })
    assert.equal(STRESS_TEST_CONFIGS.spike.scenarios, PINGTOPASS_LOAD_SCENARIOS)
    assert.ok(Object.isFrozen(PINGTOPASS_LOAD_SCENARIOS[0].operations[0]))
  })
})

describe('runs', () => {
  test('50 users for 2 s: no errors, and every answer the run reports is in the database', async () => {
    const tester = new DatabaseLoadTester(db)
    // The app's operations at 600 a minute each: 100 ms think time, so answers get written.
    const fast = PINGTOPASS_LOAD_SCENARIOS.map((s) => ({ ...s, operations: s.operations.map((o) => ({ ...o, frequency: 600 })) }))
    const r = await tester.runLoadTest(base({ maxUsers: 50, rampUpTimeMs: 500, testDurationMs: 2000, scenarios: fast }))
    assert.equal(r.errorRate, 0, JSON.stringify(r.errors))
    assert.equal(r.successfulRequests, r.totalRequests)
    assert.equal(r.backend, 'local')
    const i = r.integrity
    assert.ok(i.ok, JSON.stringify(i))
    assert.ok(i.answersRecorded > 20, `answers: ${i.answersRecorded}`)
    assert.equal(i.sessionsCreated, 50)
    // Checked here too, independently of the Rust check.
    const marker = `lt:${r.runId}:%`
    assert.equal(await count('SELECT count(*) AS n FROM user_answers WHERE selected_answer LIKE ?', [marker]), i.answersRecorded)
    assert.equal(await count(`SELECT count(*) AS n FROM user_answers ua JOIN study_sessions s ON s.id = ua.study_session_id
      WHERE ua.selected_answer LIKE ? AND s.user_id = ua.user_id`, [marker]), i.answersRecorded)
    assert.equal(await count('SELECT count(DISTINCT user_id) AS n FROM user_answers WHERE selected_answer LIKE ?', [marker]) <= 50, true)
    const recordAnswer = r.operations.find((o) => o.operation === 'record_answer')
    assert.equal(recordAnswer.count, i.answersRecorded)
    assert.ok(r.concurrentUsers >= 1 && r.concurrentUsers <= 50)
    assert.equal(r.peakActiveUsers, 50)
    checkPercentiles(r)
    assert.deepEqual(Object.keys(r.scenarioResults).sort(), PINGTOPASS_LOAD_SCENARIOS.map((s) => s.name).sort())
    const rows = tester.exportResults()
    assert.equal(rows.length, r.timeline.length)
    assert.ok(rows[0].timestamp > r.startedAt && typeof rows[0].throughputRPS === 'number')
  })

  test('closed loop: users in flight reach maxUsers and never exceed it', async () => {
    const r = await new DatabaseLoadTester(db).runLoadTest(base({ maxUsers: 40, testDurationMs: 1500, closedLoop: true }))
    assert.equal(r.concurrentUsers, 40)
    assert.ok(r.timeline.every((s) => s.usersInFlight <= 40 && s.activeUsers <= 40))
    assert.equal(r.errorRate, 0, JSON.stringify(r.errors))
    assert.ok(r.integrity.ok, JSON.stringify(r.integrity))
    assert.ok(r.totalRequests > 100, `${r.totalRequests}`)
    checkPercentiles(r)
    assert.ok(['EXCELLENT', 'GOOD', 'NEEDS_IMPROVEMENT', 'POOR'].includes(r.grade))
    assert.ok(r.recommendations.length >= 1)
  })

  test("the original think times: users mostly think, the run still ends on time", async () => {
    const started = Date.now()
    const r = await new DatabaseLoadTester(db).runLoadTest(base({ maxUsers: 60, rampUpTimeMs: 300, testDurationMs: 1200 }))
    assert.ok(Date.now() - started < 6000, 'think times of up to 45 s are cut at the end of the run')
    assert.ok(r.concurrentUsers <= 60)
    assert.equal(r.peakActiveUsers, 60)
    assert.ok(r.integrity.ok, JSON.stringify(r.integrity))
    // Every user opened its session and ran the first operation of its scenario.
    assert.equal(r.integrity.sessionsCreated, 60)
    assert.ok(r.totalRequests >= 120, `${r.totalRequests}`)
  })

  test('stop() ends a run early with results; progress is live', async () => {
    const tester = new DatabaseLoadTester(db)
    const seen = []
    const run = tester.runLoadTest(base({ maxUsers: 20, testDurationMs: 60_000, closedLoop: true }), {
      onProgress: (p) => seen.push(p), progressIntervalMs: 100,
    })
    await new Promise((r) => setTimeout(r, 700))
    const p = tester.progress()
    assert.equal(p.phase, 'running')
    assert.ok(p.requests > 0 && p.activeUsers === 20 && p.elapsedMs > 0)
    const t0 = Date.now()
    tester.stop()
    const r = await run
    assert.ok(Date.now() - t0 < 3000)
    assert.ok(r.durationMs < 10_000 && r.integrity.ok)
    assert.ok(seen.length >= 3 && seen.some((s) => s.phase === 'running'))
    assert.equal(tester.progress(), null)
  })

  test('bad input fails at once, naming the field', async () => {
    const t = new DatabaseLoadTester(db)
    const rejects = (config, Cls, re) => assert.rejects(t.runLoadTest(config), (e) => e instanceof Cls && re.test(e.message))
    await rejects(base({ maxUsers: '10' }), TypeError, /^maxUsers must be a number/)
    await rejects(base({ maxUsers: 0 }), RangeError, /^maxUsers/)
    await rejects(base({ maxUsers: NaN }), RangeError, /^maxUsers must be a finite number/)
    await rejects(base({ testDurationMs: 1000, rampUpTimeMs: 2000 }), RangeError, /^rampUpTimeMs/)
    await rejects(base({ scenarios: [] }), RangeError, /^scenarios/)
    await rejects(base({ scenarios: [{ name: 'x', weight: 1, operations: [{ type: 'nope', frequency: 1 }] }] }), RangeError, /^scenarios\[0\]\.operations\[0\]\.type/)
    await rejects(base({ scenarios: [{ name: 'x', weight: 1, operations: [{ type: 'leaderboard', frequency: -1 }] }] }), RangeError, /frequency/)
    await rejects(base({ closedloop: true }), RangeError, /^closedloop/)
    await rejects(null, TypeError, /^config/)
    await assert.rejects(t.runLoadTest(base({}), { onProgress: 5 }), TypeError)
    assert.throws(() => new DatabaseLoadTester({}), TypeError)
    assert.throws(() => new LoadTestRunner(db, { cooldownMs: -1 }), RangeError)
  })

  test('an unseeded database is refused with what to do', async () => {
    const empty = api.createEdgeDatabase(undefined, { url: `file:${join(dir, 'empty.db')}` })
    try {
      await assert.rejects(new DatabaseLoadTester(empty).runLoadTest(base({ maxUsers: 1, testDurationMs: 100 })), (e) => e.code === 'ERR_NOT_SEEDED' && /seed/.test(e.message))
    } finally {
      await empty.cleanup()
    }
  })

  // sqld now and then interrupts a read in the first second of load on a fresh server; the
  // connection runs such a statement again on a fresh stream (never_ran in src/db/conn.rs).
  test('against a remote sqld the same run works and reports the backend', async () => {
    // sqld serves the seeded file: seeding over Hrana is not supported (temp tables).
    const dbDir = join(dir, 'sqld')
    mkdirSync(join(dbDir, 'dbs', 'default'), { recursive: true })
    copyFileSync(seedFile, join(dbDir, 'dbs', 'default', 'data'))
    const server = await startSqld({ dbDir })
    const remote = api.createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw, requestTimeout: 10_000 })
    try {
      const r = await new DatabaseLoadTester(remote).runLoadTest(base({ maxUsers: 10, testDurationMs: 1500, closedLoop: true }))
      assert.equal(r.backend, 'remote')
      assert.equal(r.errorRate, 0, JSON.stringify(r.errors))
      assert.ok(r.integrity.ok && r.integrity.answersRecorded > 0, JSON.stringify(r.integrity))
      assert.ok(!r.target.includes(server.tokens.rw))
    } finally {
      await remote.cleanup()
      await server.stop()
    }
  })

  test("LoadTestRunner prints the original's report with the per-operation table", async () => {
    const r = await new DatabaseLoadTester(db).runLoadTest(base({ maxUsers: 10, testDurationMs: 500, closedLoop: true }))
    const lines = []
    const runner = new LoadTestRunner(db, { log: (l) => lines.push(l) })
    runner.printTestResults('light', r)
    const text = lines.join('\n')
    for (const want of ['📊 LIGHT TEST RESULTS:', 'Total Requests:', '95th Percentile:', 'Throughput:', 'Peak Concurrent Users:', 'study_questions', 'Integrity: ok', `🎯 Performance Assessment: ${r.grade}`]) {
      assert.ok(text.includes(want), `missing ${want}\n${text}`)
    }
    assert.deepEqual(runner.assessPerformance(r), { grade: r.grade, recommendations: r.recommendations })
    assert.ok(createLoadTester(db) instanceof LoadTestRunner)
  })
})

function cli(args, env = {}) {
  return spawnSync(process.execPath, [CLI, '--quiet', ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, ...env }, timeout: 60_000 })
}

/** The pixels of a PNG (8-bit RGB/RGBA, not interlaced) as [r, g, b] per pixel. */
function pngPixels(buf) {
  assert.equal(buf.readUInt32BE(0), 0x89504e47, 'a PNG')
  let off = 8
  let width, height, type
  const idat = []
  while (off < buf.length) {
    const len = buf.readUInt32BE(off)
    const kind = buf.toString('ascii', off + 4, off + 8)
    const data = buf.subarray(off + 8, off + 8 + len)
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      assert.equal(data[8], 8, 'bit depth 8')
      type = data[9]
      assert.equal(data[12], 0, 'not interlaced')
    } else if (kind === 'IDAT') idat.push(data)
    off += 12 + len
  }
  const bpp = type === 6 ? 4 : type === 2 ? 3 : assert.fail(`PNG colour type ${type}`)
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * bpp
  const out = Buffer.alloc(stride * height)
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]
      const a = x >= bpp ? out[y * stride + x - bpp] : 0
      const b = y > 0 ? out[(y - 1) * stride + x] : 0
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp] : 0
      const p = a + b - c
      const pr = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c
      out[y * stride + x] = (v + [0, a, b, (a + b) >> 1, pr][f]) & 0xff
    }
  }
  return { width, height, at: (i) => [out[i * bpp], out[i * bpp + 1], out[i * bpp + 2]], n: width * height }
}

function chromium() {
  for (const bin of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' })
    if (r.status === 0) return bin
  }
  assert.fail('headless Chromium is needed for the report test: apt-get install chromium (CI must install it)')
}

describe('db:benchmark', () => {
  const target = join(dir, 'cli.db')
  before(() => copyFileSync(seedFile, target))

  test('--json writes the results; thresholds that hold exit 0; the HTML report renders in Chromium', () => {
    const json = join(dir, 'out.json')
    const report = join(dir, 'report.html')
    const r = cli([`--url=file:${target}`, '--users=30', '--duration=2s', '--closed-loop', `--json=${json}`, `--report=${report}`,
      '--threshold=p95<5000', '--threshold', 'errorRate<1', '--threshold=record_answer.p99<5000', '--threshold=rps>10'])
    assert.equal(r.status, 0, r.stdout + r.stderr)
    for (const want of ['📊 LIGHT TEST RESULTS:', 'operation', 'record_answer', '🎯 Performance Assessment:', '✓ p95<5000', '✓ errorRate<1']) {
      assert.ok(r.stdout.includes(want), `missing ${want}\n${r.stdout}`)
    }
    const out = JSON.parse(readFileSync(json, 'utf8'))
    for (const k of ['totalRequests', 'successfulRequests', 'errorRate', 'averageResponseTime', 'p95ResponseTime', 'p99ResponseTime', 'throughputRPS', 'concurrentUsers', 'scenarioResults']) {
      assert.equal(typeof out[k], k === 'scenarioResults' ? 'object' : 'number', k)
    }
    assert.deepEqual(Object.keys(out.integrity).filter((k) => ['answersRecorded', 'answersFound', 'ok'].includes(k)).sort(), ['answersFound', 'answersRecorded', 'ok'])
    assert.equal(out.integrity.ok, true)
    assert.equal(out.config.maxUsers, 30)
    assert.equal(out.config.testDurationMs, 2000)
    assert.equal(out.concurrentUsers, 30)

    const html = readFileSync(report, 'utf8')
    assert.ok(!/<script|https?:\/\/(?!www\.w3\.org)/.test(html), 'self-contained: no script, no external URL')
    const bin = chromium()
    const profile = mkdtempSync(join(dir, 'chromium-'))
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`]
    const dom = spawnSync(bin, [...flags, '--dump-dom', `file://${report}`], { encoding: 'utf8', timeout: 60_000 })
    assert.equal(dom.status, 0, dom.stderr)
    for (const chart of ['throughput', 'p95', 'users', 'latency-study_questions', 'latency-record_answer']) {
      assert.match(dom.stdout, new RegExp(`<svg[^>]*data-chart="${chart}"`), `chart ${chart} in the DOM`)
    }
    const points = [...dom.stdout.matchAll(/class="series" data-series="throughput" data-points="(\d+)"/g)].map((m) => Number(m[1]))
    assert.ok(points[0] >= 2, 'the throughput line has points')
    assert.ok((dom.stdout.match(/class="bar"/g) || []).length >= 5, 'latency bars')
    const png = join(dir, 'report.png')
    const shot = spawnSync(bin, [...flags, '--window-size=1200,1600', `--screenshot=${png}`, `file://${report}`], { encoding: 'utf8', timeout: 60_000 })
    assert.equal(shot.status, 0, shot.stderr)
    assert.ok(existsSync(png))
    const img = pngPixels(readFileSync(png))
    let blue = 0
    let amber = 0
    const colours = new Set()
    for (let i = 0; i < img.n; i++) {
      const [r0, g0, b0] = img.at(i)
      if (r0 === 0x25 && g0 === 0x63 && b0 === 0xeb) blue++
      if (r0 === 0xd9 && g0 === 0x77 && b0 === 0x06) amber++
      if (i % 7 === 0) colours.add((r0 << 16) | (g0 << 8) | b0)
    }
    // The throughput line and the latency bars are drawn in #2563eb, the p95 line in #d97706.
    assert.ok(blue > 2000, `blue chart pixels: ${blue}`)
    assert.ok(amber > 200, `amber p95 line pixels: ${amber}`)
    assert.ok(colours.size > 50, `a real picture, ${colours.size} colours`)
  })

  test('a broken threshold exits 99, naming it', () => {
    const r = cli([`--url=file:${target}`, '--users=10', '--duration=1s', '--closed-loop', '--threshold=p95<0.000001', '--threshold=errorRate<1'])
    assert.equal(r.status, 99, r.stdout + r.stderr)
    assert.match(r.stdout, /✗ p95<0\.000001/)
    assert.match(r.stdout, /✓ errorRate<1/)
  })

  test('--seed-scale runs on a fresh copy of a cached seeded, optimized database', () => {
    const cache = join(dir, 'bench-cache')
    const r = cli(['--seed-scale=0.02', '--users=10', '--duration=1s', '--closed-loop', '--threshold=errorRate<1'], { BENCH_DIR: cache })
    assert.equal(r.status, 0, r.stdout + r.stderr)
    assert.ok(existsSync(join(cache, 'seed-0.02-optimized.db')))
    assert.match(r.stdout, /Integrity: ok/)
  })

  test('usage errors exit 2, naming the flag', () => {
    for (const [args, re] of [
      [['--config=huge'], /--config must be one of light, medium, heavy, spike/],
      [['--duration=soon'], /--duration must be a duration/],
      [['--threshold=p97<1'], /--threshold must be/],
      [['--users=0'], /--users must be an integer/],
      [['--bogus'], /--bogus must be a known flag/],
      [['--duration=2s', '--ramp-up=3s'], /--ramp-up must be at most --duration/],
    ]) {
      const r = cli(args)
      assert.equal(r.status, 2, `${args}: ${r.stderr}`)
      assert.match(r.stderr, re)
      assert.match(r.stderr, /usage: db.js benchmark/)
    }
    const h = cli(['--help'])
    assert.equal(h.status, 0)
    assert.match(h.stdout, /--closed-loop/)
  })
})
