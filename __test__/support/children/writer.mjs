// Crash-safety writer: a write-heavy load through the public API, killed (SIGKILL) at a
// random moment by __test__/reliability/crash.test.mjs. Every write is reported on stdout
// only AFTER its promise resolved, one line each:
//   ready                                  the load has started
//   a <answerId> <n>                       recordAnswerOptimized acknowledged (selectedAnswer `<run>:a:<n>`)
//   b <k> <size> <id,id,...>               recordAnswersBatch acknowledged (selectedAnswer `<run>:b:<k>:<size>:<i>`)
//   s <sessionId>                          updateSessionProgressOptimized acknowledged
//   e <op> <code> <message>                a call failed (never expected on an embedded file)
// Usage: node writer.mjs '<json>' with {url, authToken?, replicaPath?, runId, users?,
// requestTimeout?, syncInterval?}. It never exits by itself: the parent kills it.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { createEdgeDatabase, createOptimizedQueries } = require('../../../index.js')

const cfg = JSON.parse(process.argv[2])
const users = cfg.users ?? 500
const run = cfg.runId

const settings = { url: cfg.url }
if (cfg.authToken) settings.authToken = cfg.authToken
if (cfg.replicaPath) settings.replicaPath = cfg.replicaPath
if (cfg.requestTimeout) settings.requestTimeout = cfg.requestTimeout
if (cfg.syncInterval !== undefined) settings.syncInterval = cfg.syncInterval
const db = createEdgeDatabase(undefined, settings)
const q = createOptimizedQueries(db)

// Lines are collected during a turn and written together: a write is reported after it
// was acknowledged, never before; a report lost to the kill only means one write fewer checked.
let out = []
let scheduled = false
function report(line) {
  out.push(line)
  if (!scheduled) {
    scheduled = true
    setImmediate(() => {
      scheduled = false
      const text = out.join('\n') + '\n'
      out = []
      process.stdout.write(text)
    })
  }
}

const rand = (n) => Math.floor(Math.random() * n)
const oneLine = (s) => String(s).replace(/\s+/g, ' ').slice(0, 300)

await db.ready()
const sessions = (await db.execute('SELECT id, user_id AS userId FROM study_sessions ORDER BY id', [], { cache: false })).rows
const questions = (await db.execute('SELECT id FROM questions ORDER BY id', [], { cache: false })).rows.map((r) => r.id)
if (sessions.length === 0 || questions.length === 0) throw new Error('writer: the database is not seeded')

let answers = 0
let batches = 0
function answer(sel) {
  const s = sessions[rand(sessions.length)]
  return {
    userId: s.userId,
    questionId: questions[rand(questions.length)],
    studySessionId: s.id,
    selectedAnswer: sel,
    isCorrect: Math.random() < 0.6,
    timeSpentSeconds: 5 + rand(120),
    confidenceLevel: 1 + rand(5),
  }
}

async function user() {
  for (;;) {
    const r = Math.random()
    try {
      if (r < 0.8) {
        const n = answers++
        const row = await q.study.recordAnswerOptimized(answer(`${run}:a:${n}`))
        report(`a ${row.id} ${n}`)
      } else if (r < 0.95) {
        const k = batches++
        const size = 2 + rand(7)
        const list = Array.from({ length: size }, (_, i) => answer(`${run}:b:${k}:${size}:${i}`))
        const rows = await q.study.recordAnswersBatch(list)
        report(`b ${k} ${size} ${rows.map((x) => x.id).join(',')}`)
      } else {
        const sid = sessions[rand(sessions.length)].id
        await q.study.updateSessionProgressOptimized(sid)
        report(`s ${sid}`)
      }
    } catch (err) {
      report(`e ${r < 0.8 ? 'answer' : r < 0.95 ? 'batch' : 'session'} ${err.code ?? err.name} ${oneLine(err.message)}`)
      // A failing backend (the primary down) must not turn the load into a busy loop.
      await new Promise((res) => setTimeout(res, 20))
    }
  }
}

process.stdout.write('ready\n')
for (let i = 0; i < users; i++) user()
