// Load: concurrent users of the app's mixed workload (study questions, record answer,
// session progress, leaderboard) on an embedded file, with zero errors and exact row counts
// afterwards: every acknowledged answer present once, each question's statistics moved by
// exactly its new answers, each session's totals equal to its answers.
// Fast: 300 users for 5 s. PINGTOPASS_SOAK=1: 1,500 users for 60 s.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { SOAK, api, openFile, rand, rows, sleep, statsDrift, tempDir } from './helpers.mjs'

const USERS = Number(process.env.PINGTOPASS_LOAD_USERS) || (SOAK ? 1500 : 300)
const SECONDS = Number(process.env.PINGTOPASS_LOAD_SECONDS) || (SOAK ? 60 : 5)

test(`${USERS} concurrent users of the mixed workload for ${SECONDS} s: zero errors, exact row counts`, { timeout: (SECONDS + 120) * 1000 }, async (t) => {
  const db = openFile(join(tempDir('load'), 'load.db'))
  try {
    await api.seedDatabase(db, { scale: 0.01 })
    const q = api.createOptimizedQueries(db)
    const sessions = await rows(db, 'SELECT id, user_id AS userId FROM study_sessions ORDER BY id')
    const questionIds = (await rows(db, 'SELECT id FROM questions ORDER BY id')).map((r) => r.id)
    const baseAnswers = (await rows(db, 'SELECT count(*) AS n FROM user_answers'))[0].n
    const baseDrift = await statsDrift(db)
    const baseAttempts = new Map((await rows(db, 'SELECT id, coalesce(total_attempts, 0) AS n FROM questions')).map((r) => [r.id, r.n]))

    const acked = [] // [id, selectedAnswer, questionId, sessionId]
    const errors = []
    const latencies = []
    const ops = { study: 0, answer: 0, session: 0, leaderboard: 0 }
    const deadline = performance.now() + SECONDS * 1000
    async function user(u) {
      const s = sessions[u % sessions.length]
      let served = []
      for (let n = 0; performance.now() < deadline; n++) {
        const r = Math.random()
        const started = performance.now()
        try {
          if (r < 0.3) {
            served = (await q.study.getOptimizedStudyQuestions({ userId: s.userId, examId: 1, limit: 10 })).map((x) => x.id)
            ops.study++
          } else if (r < 0.65) {
            const questionId = served.length ? served[rand(served.length)] : questionIds[rand(questionIds.length)]
            const sel = `load:${u}:${n}`
            const row = await q.study.recordAnswerOptimized({ userId: s.userId, questionId, studySessionId: s.id, selectedAnswer: sel, isCorrect: Math.random() < 0.6, timeSpentSeconds: 5 + rand(60) })
            acked.push([row.id, sel, questionId, s.id])
            ops.answer++
          } else if (r < 0.8) {
            await q.study.updateSessionProgressOptimized(s.id)
            ops.session++
          } else {
            const board = await q.progress.getExamLeaderboardOptimized(1, 10)
            assert.ok(Array.isArray(board))
            ops.leaderboard++
          }
          latencies.push(performance.now() - started)
        } catch (e) {
          errors.push(`${e.code ?? e.name}: ${e.message}`)
        }
        await sleep(rand(20)) // think time
      }
    }
    const started = performance.now()
    await Promise.all(Array.from({ length: USERS }, (_, u) => user(u)))
    const elapsed = (performance.now() - started) / 1000

    assert.deepEqual([...new Set(errors)].slice(0, 10), [], `${errors.length} calls failed`)
    // Exact counts: every acknowledged answer once, nothing else.
    const total = (await rows(db, 'SELECT count(*) AS n FROM user_answers'))[0].n
    assert.equal(total, baseAnswers + acked.length, 'user_answers grew by exactly the acknowledged answers')
    const stored = new Map((await rows(db, "SELECT id, selected_answer AS s FROM user_answers WHERE selected_answer GLOB 'load:*'")).map((r) => [r.s, r.id]))
    assert.equal(stored.size, acked.length)
    for (const [id, sel] of acked) assert.equal(stored.get(sel), id, `answer ${sel}`)
    // Statistics moved by exactly the new answers, per question.
    const perQuestion = new Map()
    for (const [, , qid] of acked) perQuestion.set(qid, (perQuestion.get(qid) ?? 0) + 1)
    const attempts = new Map((await rows(db, 'SELECT id, coalesce(total_attempts, 0) AS n FROM questions')).map((r) => [r.id, r.n]))
    for (const [qid, n] of attempts) assert.equal(n, baseAttempts.get(qid) + (perQuestion.get(qid) ?? 0), `question ${qid} total_attempts`)
    assert.deepEqual(await statsDrift(db), baseDrift, 'statistics agree with the answers')
    // Session totals equal their answers once recomputed.
    const touched = [...new Set(acked.map((a) => a[3]))]
    const recomputed = await Promise.all(touched.map((sid) => q.study.updateSessionProgressOptimized(sid)))
    const inSession = new Map((await rows(db, 'SELECT study_session_id AS s, count(*) AS n FROM user_answers WHERE study_session_id IS NOT NULL GROUP BY study_session_id')).map((r) => [r.s, r.n]))
    touched.forEach((sid, i) => assert.equal(recomputed[i].totalQuestions, inSession.get(sid), `session ${sid} totalQuestions`))

    latencies.sort((a, b) => a - b)
    const requests = latencies.length
    const figures = { users: USERS, seconds: SECONDS, requests, rps: Math.round(requests / elapsed), answers: acked.length, ...ops, errors: errors.length, p50ms: +latencies[Math.floor(requests * 0.5)].toFixed(2), p95ms: +latencies[Math.floor(requests * 0.95)].toFixed(2), p99ms: +latencies[Math.floor(requests * 0.99)].toFixed(2) }
    t.diagnostic(`figures: ${JSON.stringify(figures)}`)
    assert.ok(ops.answer > 0 && ops.study > 0 && ops.session > 0 && ops.leaderboard > 0, 'every operation ran')
  } finally {
    await db.cleanup()
  }
})
