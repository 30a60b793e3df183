// Shared helpers of the reliability suite (not a test file: node --test runs *.test.mjs only).
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const CHILDREN = join(REPO, '__test__/support/children')
const require = createRequire(import.meta.url)
export const api = require('../../index.js')

/** Long variants (npm run test:soak) run only with PINGTOPASS_SOAK=1. */
export const SOAK = process.env.PINGTOPASS_SOAK === '1'

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
export const rand = (n) => Math.floor(Math.random() * n)

/** A temp folder removed when the process exits. */
const dirs = []
process.on('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
export function tempDir(prefix) {
  const d = mkdtempSync(join(tmpdir(), `ptp-rel-${prefix}-`))
  dirs.push(d)
  return d
}

export function openFile(path, extra = {}) {
  return api.createEdgeDatabase(undefined, { url: `file:${path}`, ...extra })
}

export async function rows(db, sql, args = []) {
  return (await db.execute(sql, args, { cache: false })).rows
}

export const APP_TABLES = [
  'users', 'exams', 'objectives', 'questions', 'study_sessions', 'test_attempts', 'user_answers',
  'user_progress', 'twitter_accounts', 'tweets', 'engagement_opportunities', 'growth_metrics',
]

/** Row counts of the given tables, in one statement. */
export async function tableCounts(db, tables = APP_TABLES) {
  const sql = tables.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM ${t}`).join(' UNION ALL ')
  return Object.fromEntries((await rows(db, sql)).map((r) => [r.t, r.n]))
}

/** `PRAGMA integrity_check` lines ('ok' alone when the file is sound). */
export async function integrity(db) {
  return (await rows(db, 'PRAGMA integrity_check')).map((r) => Object.values(r)[0])
}

/** Per question: total/correct attempts minus the answers that are actually there. */
export async function statsDrift(db) {
  const r = await rows(
    db,
    `SELECT q.id, coalesce(q.total_attempts, 0) - coalesce(a.n, 0) AS dt, coalesce(q.correct_attempts, 0) - coalesce(a.c, 0) AS dc
       FROM questions q LEFT JOIN (SELECT question_id, count(*) AS n, sum(is_correct <> 0) AS c FROM user_answers GROUP BY question_id) a
         ON a.question_id = q.id ORDER BY q.id`,
  )
  return new Map(r.map((x) => [x.id, `${x.dt}/${x.dc}`]))
}

/** The error `fn()` throws or rejects with, or null when it succeeds. */
export async function errorOf(fn) {
  try {
    await fn()
    return null
  } catch (err) {
    return err
  }
}

/** File descriptors and threads of this process (Linux /proc). */
export const fdCount = () => readdirSync('/proc/self/fd').length
export const threadCount = () => readdirSync('/proc/self/task').length

/**
 * Spawns `node script ...args`; collects stdout lines as they arrive (`onLine`), stderr as
 * text. `exit` resolves with {code, signal, stdout, stderr, lines} once the streams closed.
 */
export function spawnNode(script, args = [], { env, onLine, execArgv = [], cwd = REPO } = {}) {
  const child = spawn(process.execPath, [...execArgv, script, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let partial = ''
  const lines = []
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk
    partial += chunk
    let nl
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl)
      partial = partial.slice(nl + 1)
      lines.push(line)
      onLine?.(line)
    }
  })
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk
  })
  const exit = new Promise((res) => {
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr, lines }))
  })
  return { child, lines, exit }
}

/** Runs a child script to its end (killed after `timeoutMs`); resolves {code, signal, stdout, stderr, ms, timedOut}. */
export async function runNode(script, args = [], { env, timeoutMs = 60_000, execArgv, cwd } = {}) {
  const started = performance.now()
  const { child, exit } = spawnNode(script, args, { env, execArgv, cwd })
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, timeoutMs)
  const r = await exit
  clearTimeout(timer)
  return { ...r, ms: performance.now() - started, timedOut }
}

/** A small hand-made app dataset (seedDatabase needs TEMP tables, which sqld refuses). */
export async function seedSmall(db, { users = 20, questions = 60, sessions = 40 } = {}) {
  await api.applySchema(db)
  const stmts = [
    "INSERT INTO exams (id, vendor_id, code, name) VALUES (1, 'comptia', 'N10-009', 'Network+')",
    "INSERT INTO objectives (id, exam_id, code, name) VALUES (1, 1, '1.0', 'Networking')",
  ]
  for (let u = 1; u <= users; u++) stmts.push({ sql: 'INSERT INTO users (id, email, name) VALUES (?, ?, ?)', args: [u, `u${u}@x.test`, `User ${u}`] })
  for (let i = 1; i <= questions; i++) {
    stmts.push({
      sql: `INSERT INTO questions (id, exam_id, objective_id, text, answers, difficulty, review_status, is_active, total_attempts, correct_attempts)
            VALUES (?, 1, 1, ?, '[{"id":"a","text":"x","isCorrect":true}]', ?, 'approved', 1, 0, 0)`,
      args: [i, `question ${i}`, 1 + (i % 5)],
    })
  }
  for (let s = 1; s <= sessions; s++) {
    stmts.push({ sql: "INSERT INTO study_sessions (id, user_id, exam_id, mode) VALUES (?, ?, 1, 'practice')", args: [s, 1 + (s % users)] })
  }
  await db.batch(stmts)
}
