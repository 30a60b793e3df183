// The app's queries in one driver process: this addon's optimized queries, or the
// original's SQL through better-sqlite3 / @libsql/client. Usage:
//   node perf/queries-driver.mjs <addon|better-sqlite3|libsql-client> <file>
import { createRequire } from 'node:module'
import { summarise, timeEach } from './timing.mjs'
import { ORIGINAL } from './original-sql.mjs'

const require = createRequire(import.meta.url)
const [driver, file] = process.argv.slice(2)
const ITER = Number(process.env.BENCH_ITER || 1000)


async function burst(n, fn) {
  const t0 = performance.now()
  await Promise.all(Array.from({ length: n }, (_, i) => fn(i)))
  const ms = performance.now() - t0
  return { median: (ms * 1000) / n, p99: (ms * 1000) / n, opsPerSec: (n / ms) * 1000 }
}

const user = (i) => 1 + ((i * 7919) % 5000)
const exam = (i) => 1 + (i % 10)
const question = (i) => 1 + ((i * 104729) % 20000)
const session = (i) => 1 + ((i * 31) % 20000)
const cutoff = () => Math.floor(Date.now() / 1000) - 24 * 3600
const since = (days) => new Date(Date.now() - days * 86400000).toISOString().slice(0, 10)

async function addon() {
  const { createEdgeDatabase, createOptimizedQueries } = require('../index.js')
  const db = createEdgeDatabase(undefined, { url: `file:${file}`, cacheTtl: 0 })
  const q = createOptimizedQueries(db)
  const answer = (i) => ({ userId: user(i), questionId: question(i), studySessionId: session(i), selectedAnswer: 'a', isCorrect: i % 3 !== 0, timeSpentSeconds: 10 + (i % 50) })
  const r = {}
  r.studyQuestions = await timeEach(ITER, (i) => q.study.getOptimizedStudyQuestions({ userId: user(i), examId: exam(i), limit: 20 }))
  r.recordAnswer = await timeEach(ITER, (i) => q.study.recordAnswerOptimized(answer(i)))
  r.sessionProgress = await timeEach(ITER, (i) => q.study.updateSessionProgressOptimized(session(i)))
  r.leaderboard = await timeEach(ITER, (i) => q.progress.getExamLeaderboardOptimized(exam(i), 10))
  r.growthAnalytics = await timeEach(ITER, () => q.twitter.getGrowthAnalyticsOptimized(30))
  r.pendingOpportunities = await timeEach(ITER, () => q.twitter.getPendingOpportunitiesOptimized(20))
  r.recordAnswer1000Concurrent = await burst(1000, (i) => q.study.recordAnswerOptimized(answer(i + 50000)))
  await db.cleanup()
  return r
}

async function betterSqlite() {
  const Database = require('better-sqlite3')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  const s = Object.fromEntries(Object.entries(ORIGINAL).map(([k, v]) => [k, db.prepare(v)]))
  const record = db.transaction((i) => {
    const now = Math.floor(Date.now() / 1000)
    s.insertAnswer.get(user(i), question(i), session(i), 'a', i % 3 !== 0 ? 1 : 0, 10 + (i % 50), now)
    s.updateStats.run(i % 3 !== 0 ? 1 : 0, 10 + (i % 50), 10 + (i % 50), now, question(i))
  })
  const r = {}
  const sync = async (n, fn) => timeEach(n, async (i) => fn(i))
  r.studyQuestions = await sync(ITER, (i) => s.studyQuestions.all(exam(i), user(i), cutoff()))
  r.recordAnswer = await sync(ITER, (i) => record(i))
  r.sessionProgress = await sync(ITER, (i) => s.sessionStats.get(session(i), session(i)))
  r.leaderboard = await sync(ITER, (i) => s.leaderboard.all(exam(i), exam(i)))
  r.growthAnalytics = await sync(ITER, () => s.growth.all(since(30)))
  r.pendingOpportunities = await sync(ITER, () => s.pending.all())
  r.recordAnswer1000Concurrent = await burst(1000, async (i) => record(i + 50000))
  db.close()
  return r
}

async function libsqlClient() {
  const { createClient } = require('@libsql/client')
  const db = createClient({ url: `file:${file}` })
  await db.execute('PRAGMA journal_mode = WAL')
  const record = (i) => {
    const now = Math.floor(Date.now() / 1000)
    return db.batch([
      { sql: ORIGINAL.insertAnswer, args: [user(i), question(i), session(i), 'a', i % 3 !== 0 ? 1 : 0, 10 + (i % 50), now] },
      { sql: ORIGINAL.updateStats, args: [i % 3 !== 0 ? 1 : 0, 10 + (i % 50), 10 + (i % 50), now, question(i)] },
    ], 'write')
  }
  const x = (sql, args) => db.execute({ sql, args })
  const r = {}
  r.studyQuestions = await timeEach(ITER, (i) => x(ORIGINAL.studyQuestions, [exam(i), user(i), cutoff()]))
  r.recordAnswer = await timeEach(ITER, (i) => record(i))
  r.sessionProgress = await timeEach(ITER, (i) => x(ORIGINAL.sessionStats, [session(i), session(i)]))
  r.leaderboard = await timeEach(ITER, (i) => x(ORIGINAL.leaderboard, [exam(i), exam(i)]))
  r.growthAnalytics = await timeEach(ITER, () => x(ORIGINAL.growth, [since(30)]))
  r.pendingOpportunities = await timeEach(ITER, () => x(ORIGINAL.pending, []))
  r.recordAnswer1000Concurrent = await burst(1000, (i) => record(i + 50000))
  db.close()
  return r
}

const drivers = { addon, 'better-sqlite3': betterSqlite, 'libsql-client': libsqlClient }
process.stdout.write(JSON.stringify({ driver, results: await drivers[driver]() }) + '\n')
