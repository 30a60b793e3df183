// After db:optimize, every optimized query is served by an index: no full scan of
// questions, user_answers or engagement_opportunities; and full-text search works.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { createEdgeDatabase, seedDatabase, optimizeDatabase, explainQueries, createOptimizedQueries } = require('../index.js')

const dir = mkdtempSync(join(tmpdir(), 'ptp-plans-'))
let db
before(async () => {
  db = createEdgeDatabase(undefined, { url: `file:${join(dir, 'p.db')}` })
  await seedDatabase(db, { scale: 0.05 })
  await optimizeDatabase(db)
})
after(async () => {
  await db.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

// Table names and the aliases the query files give them.
const BIG = /^SCAN (questions|user_answers|engagement_opportunities|q|qq|ua|eo)\b/

test('no full scan of the big tables in any optimized query', async () => {
  const plans = await explainQueries(db)
  assert.ok(Object.keys(plans).length >= 12)
  for (const [name, lines] of Object.entries(plans)) {
    const scans = lines.filter((l) => BIG.test(l))
    assert.deepEqual(scans, [], `${name}: ${lines.join(' | ')}`)
  }
})

test('each hot query uses the index named for it', async () => {
  const plans = await explainQueries(db)
  const uses = (name, index) => assert.ok(plans[name].some((l) => l.includes(index)), `${name} should use ${index}: ${plans[name].join(' | ')}`)
  uses('study_questions_practice', 'idx_questions_study_practice_sample')
  uses('study_questions_speed_drill', 'idx_questions_study_speed_drill')
  uses('study_questions_review', 'idx_user_answers_study_review')
  uses('session_progress_update', 'idx_user_answers_session_progress')
  uses('exam_leaderboard', 'idx_user_progress_leaderboard')
  uses('pending_opportunities', 'idx_opportunities_pending_queue')
})

test('full-text search ranks matches and survives hostile input', async () => {
  const q = createOptimizedQueries(db)
  const hits = await q.study.searchQuestions('VLAN', { limit: 5 })
  assert.ok(hits.length > 0)
  assert.match(hits[0].snippet, /<mark>/i)
  const scores = hits.map((h) => h.score)
  assert.deepEqual(scores, [...scores].sort((a, b) => a - b))
  for (const evil of ['"', 'a OR b NEAR(', "x'); DROP TABLE questions; --", '*', 'NOT']) {
    await q.study.searchQuestions(evil).catch((e) => assert.ok(e instanceof RangeError, String(e)))
  }
  const inExam = await q.study.searchQuestions('vlan', { examId: 1, limit: 50 })
  assert.ok(inExam.every((h) => h.examId === 1))
})
