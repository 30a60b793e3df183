// `npm run bench:peers`: the app's load-test mix in closed loop (no think time) with 1,000
// users for 20 s, on this addon (its load tester: tokio tasks calling the optimized
// queries) and on better-sqlite3 12 and @libsql/client running the original's SQL
// (perf/original-sql.mjs), each in its own process on its own copy of the optimized seed
// (`.bench/seed-<scale>-optimized.db`, as `npm run bench` builds it). Prints ops/s side by side.
//
//   node perf/peers-load.mjs [--users=1000] [--duration=20] [--scale=1] [--only=addon,better-sqlite3,...]
//   node perf/peers-load.mjs --worker=<driver> --file=<db>   (one driver; prints one JSON line)
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { ORIGINAL } from './original-sql.mjs'

const require = createRequire(import.meta.url)
const flag = (name, dflt) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`))
  return a ? a.slice(name.length + 3) : dflt
}
const USERS = Number(flag('users', 1000))
const DURATION_S = Number(flag('duration', 20))
const SCALE = Number(flag('scale', 1))
const DRIVERS = ['addon', 'better-sqlite3', 'libsql-client', 'libsql-client-tx']
const LABEL = {
  addon: 'addon (optimized queries, Rust virtual users)',
  'better-sqlite3': 'better-sqlite3 12 (original SQL)',
  'libsql-client': '@libsql/client (original SQL, batch per answer)',
  'libsql-client-tx': '@libsql/client (original SQL, interactive transaction per answer, as the original)',
}

// ---------------------------------------------------------------------------------------
// Workers

/** The same mix as the addon's closed loop: a scenario by weight, each of its operations once. */
function mixFor(api) {
  return api.PINGTOPASS_LOAD_SCENARIOS.map((s) => ({ name: s.name, weight: s.weight, ops: s.operations.map((o) => o.type) }))
}

function pick(mix) {
  const total = mix.reduce((a, s) => a + s.weight, 0)
  let u = Math.random() * total
  for (const s of mix) {
    if (u < s.weight) return s
    u -= s.weight
  }
  return mix[mix.length - 1]
}

const between = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1))
const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0)

/**
 * Closed-loop users over an async `run(op, user)`; each user opens a session first.
 * Returns ops/s, errors by code, latency percentiles (every request kept: 20 s is small).
 */
async function closedLoop(mix, openSession, run, users) {
  const latencies = []
  const errors = {}
  let ops = 0
  const fail = (e) => {
    const code = e.code || e.rawCode || e.name || 'Error'
    errors[code] = (errors[code] || 0) + 1
  }
  await Promise.all(users.map(async (u) => {
    try {
      await openSession(u)
    } catch (e) {
      fail(e)
    }
  }))
  const started = performance.now()
  const end = started + DURATION_S * 1000
  await Promise.all(users.map(async (u) => {
    while (performance.now() < end) {
      for (const op of pick(mix).ops) {
        if (performance.now() >= end) return
        const t = performance.now()
        try {
          await run(op, u)
        } catch (e) {
          fail(e)
        }
        latencies.push(performance.now() - t)
        ops++
        // Lets the other users (and, for a synchronous driver, nothing else) take a turn.
        await new Promise((r) => setImmediate(r))
      }
    }
  }))
  const secs = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0)
  return { ops, opsPerSec: ops / secs, errors: errorCount, errorCodes: errors, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) }
}

/** Users with their exam, question range and (later) session, from the seed. */
function usersFrom(userIds, exams) {
  return Array.from({ length: USERS }, (_, i) => {
    const e = exams[Math.floor(Math.random() * exams.length)]
    return { id: userIds[i % userIds.length], exam: e.exam_id, lo: e.lo, hi: e.hi, session: null }
  })
}
const USERS_SQL = 'SELECT id FROM users ORDER BY id LIMIT 1000000'
const EXAMS_SQL = "SELECT exam_id, min(id) AS lo, max(id) AS hi FROM questions WHERE is_active = 1 AND review_status = 'approved' GROUP BY exam_id"
const SESSION_SQL = "INSERT INTO study_sessions (user_id, exam_id, mode, question_count, status, created_at, last_activity) VALUES (?, ?, 'practice', 20, 'active', unixepoch('now'), unixepoch('now')) RETURNING id"
const marker = (() => {
  let n = 0
  const run = `peer${process.pid}`
  return { next: () => `lt:${run}:${n++}`, like: `lt:${run}:%` }
})()
const now = () => Math.floor(Date.now() / 1000)
const since = (days) => new Date(Date.now() - days * 86400000).toISOString().slice(0, 10)
const answerArgs = (u) => {
  const correct = Math.random() > 0.3 ? 1 : 0
  const time = between(15, 195)
  return { q: between(u.lo, u.hi), correct, time }
}

async function addon(file) {
  const api = require('../index.js')
  const db = api.createEdgeDatabase(undefined, { url: `file:${file}` })
  const r = await new api.DatabaseLoadTester(db).runLoadTest({
    maxUsers: USERS, rampUpTimeMs: 0, testDurationMs: DURATION_S * 1000, scenarios: api.PINGTOPASS_LOAD_SCENARIOS, closedLoop: true,
  })
  await db.cleanup()
  const errorCodes = Object.fromEntries(r.errors.map((e) => [e.code, e.count]))
  return {
    ops: r.totalRequests, opsPerSec: r.throughputRPS, errors: r.totalRequests - r.successfulRequests, errorCodes,
    p50: r.p50ResponseTime, p95: r.p95ResponseTime, p99: r.p99ResponseTime,
    answers: r.integrity.answersRecorded, lost: r.integrity.answersRecorded - Math.min(r.integrity.answersFound, r.integrity.answersRecorded),
    concurrentUsers: r.concurrentUsers,
  }
}

async function betterSqlite(file) {
  const api = require('../index.js')
  const Database = require('better-sqlite3')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')
  const s = Object.fromEntries(Object.entries(ORIGINAL).map(([k, v]) => [k, db.prepare(v)]))
  const openSession = db.prepare(SESSION_SQL)
  const users = usersFrom(db.prepare(USERS_SQL).pluck().all(), db.prepare(EXAMS_SQL).all())
  let answers = 0
  const record = db.transaction((u) => {
    const a = answerArgs(u)
    const t = now()
    s.insertAnswer.get(u.id, a.q, u.session, marker.next(), a.correct, a.time, t)
    s.updateStats.run(a.correct, a.time, a.time, t, a.q)
  })
  const ops = {
    study_questions: (u) => s.studyQuestions.all(u.exam, u.id, now() - 86400),
    record_answer: (u) => {
      record(u)
      answers++
    },
    session_progress: (u) => s.sessionStats.get(u.session, u.session),
    leaderboard: (u) => s.leaderboard.all(u.exam, u.exam),
    twitter_analytics: () => s.growth.all(since(30)),
  }
  const r = await closedLoop(mixFor(api), async (u) => { u.session = openSession.get(u.id, u.exam).id }, async (op, u) => ops[op](u), users)
  const found = db.prepare('SELECT count(*) AS n FROM user_answers WHERE selected_answer LIKE ?').get(marker.like).n
  db.close()
  return { ...r, answers, lost: answers - Math.min(found, answers) }
}

async function libsqlClient(file, interactive) {
  const api = require('../index.js')
  const { createClient } = require('@libsql/client')
  const db = createClient({ url: `file:${file}` })
  await db.execute('PRAGMA journal_mode = WAL')
  const x = (sql, args) => db.execute({ sql, args })
  const users = usersFrom((await x(USERS_SQL, [])).rows.map((r) => Number(r.id)), (await x(EXAMS_SQL, [])).rows.map((r) => ({ exam_id: Number(r.exam_id), lo: Number(r.lo), hi: Number(r.hi) })))
  let answers = 0
  const statements = (u) => {
    const a = answerArgs(u)
    const t = now()
    return [
      { sql: ORIGINAL.insertAnswer, args: [u.id, a.q, u.session, marker.next(), a.correct, a.time, t] },
      { sql: ORIGINAL.updateStats, args: [a.correct, a.time, a.time, t, a.q] },
    ]
  }
  const record = interactive
    ? async (u) => {
      // What the original's recordAnswerOptimized did: db.transaction(async (tx) => ...).
      const tx = await db.transaction('write')
      try {
        for (const st of statements(u)) await tx.execute(st)
        await tx.commit()
      } catch (e) {
        await tx.rollback().catch(() => {})
        throw e
      } finally {
        tx.close()
      }
    }
    : (u) => db.batch(statements(u), 'write')
  const ops = {
    study_questions: (u) => x(ORIGINAL.studyQuestions, [u.exam, u.id, now() - 86400]),
    record_answer: async (u) => {
      await record(u)
      answers++
    },
    session_progress: (u) => x(ORIGINAL.sessionStats, [u.session, u.session]),
    leaderboard: (u) => x(ORIGINAL.leaderboard, [u.exam, u.exam]),
    twitter_analytics: () => x(ORIGINAL.growth, [since(30)]),
  }
  const r = await closedLoop(mixFor(api), async (u) => { u.session = Number((await x(SESSION_SQL, [u.id, u.exam])).rows[0].id) }, (op, u) => ops[op](u), users)
  const found = Number((await x('SELECT count(*) AS n FROM user_answers WHERE selected_answer LIKE ?', [marker.like])).rows[0].n)
  db.close()
  return { ...r, answers, lost: answers - Math.min(found, answers) }
}

const worker = flag('worker', null)
if (worker) {
  const file = flag('file', null)
  const run = { addon, 'better-sqlite3': betterSqlite, 'libsql-client': (f) => libsqlClient(f, false), 'libsql-client-tx': (f) => libsqlClient(f, true) }[worker]
  if (!run || !file) throw new Error(`--worker must be one of ${DRIVERS.join(', ')}, with --file`)
  process.stdout.write(JSON.stringify({ driver: worker, result: await run(file) }) + '\n')
  process.exit(0)
}

// ---------------------------------------------------------------------------------------
// Orchestrator

const dir = process.env.BENCH_DIR || join(process.cwd(), '.bench')
mkdirSync(dir, { recursive: true })

/** The optimized seed, built once (the same file `npm run bench` builds). */
async function optimizedSeed() {
  const file = join(dir, `seed-${SCALE}-optimized.db`)
  if (existsSync(file)) return file
  const api = require('../index.js')
  const tmp = `${file}.tmp-${process.pid}`
  console.error(`preparing ${file}...`)
  const db = api.createEdgeDatabase(undefined, { url: `file:${tmp}` })
  await api.seedDatabase(db, { scale: SCALE })
  await api.optimizeDatabase(db)
  await db.execute('PRAGMA wal_checkpoint(TRUNCATE)', [], { cache: false })
  await db.cleanup()
  renameSync(tmp, file)
  for (const ext of ['-wal', '-shm']) rmSync(tmp + ext, { force: true })
  return file
}

const seed = await optimizedSeed()
const only = flag('only', DRIVERS.join(',')).split(',')
const results = {}
for (const d of DRIVERS.filter((x) => only.includes(x))) {
  const file = join(dir, `load-${d}.db`)
  for (const ext of ['', '-wal', '-shm']) rmSync(file + ext, { force: true })
  copyFileSync(seed, file)
  console.error(`${d}: ${USERS} closed-loop users for ${DURATION_S} s...`)
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, `--worker=${d}`, `--file=${file}`, `--users=${USERS}`, `--duration=${DURATION_S}`], {
    encoding: 'utf8', env: process.env, timeout: (DURATION_S + 300) * 1000,
  })
  for (const ext of ['', '-wal', '-shm']) rmSync(file + ext, { force: true })
  if (r.status !== 0) {
    console.error(r.stderr)
    results[d] = null
    continue
  }
  results[d] = JSON.parse(r.stdout.trim().split('\n').pop()).result
}

const f = (v, d = 1) => (typeof v === 'number' ? v.toFixed(d) : '-')
console.log(`\n## The app's mix, ${USERS} closed-loop users for ${DURATION_S} s (seed scale ${SCALE}, after db:optimize)\n`)
console.log('| driver | ops/s | operations | errors | p50 ms | p95 ms | p99 ms | answers written | lost |')
console.log('|---|---|---|---|---|---|---|---|---|')
for (const d of Object.keys(results)) {
  const r = results[d]
  if (!r) {
    console.log(`| ${LABEL[d]} | failed | | | | | | | |`)
    continue
  }
  const codes = Object.entries(r.errorCodes).map(([c, n]) => `${c} ${n}`).join(', ')
  console.log(`| ${LABEL[d]} | ${f(r.opsPerSec, 0)} | ${r.ops} | ${r.errors}${codes ? ` (${codes})` : ''} | ${f(r.p50, 2)} | ${f(r.p95, 2)} | ${f(r.p99, 2)} | ${r.answers} | ${r.lost} |`)
}
const a = results.addon
if (a) {
  for (const d of Object.keys(results).filter((x) => x !== 'addon' && results[x])) {
    console.log(`\naddon vs ${d}: ${(a.opsPerSec / results[d].opsPerSec).toFixed(1)}x the operations per second`)
  }
}
