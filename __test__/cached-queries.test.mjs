// createOptimizedQueries(db, {cache: studyCache}): reads are served from the cache, and a
// write through the queries drops the writer's user and session entries before it resolves,
// in this process and, through Redis, in another strategy.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { startRedis } from './support/redis.mjs'

const require = createRequire(import.meta.url)
const { createEdgeDatabase, seedDatabase, createOptimizedQueries, createCachingStrategy } = require('../index.js')

const dir = mkdtempSync(join(tmpdir(), 'ptp-cached-'))
let db, userId, examId
before(async () => {
  db = createEdgeDatabase(undefined, { url: `file:${join(dir, 'c.db')}` })
  await seedDatabase(db, { scale: 0.01 })
  ;({ user_id: userId, exam_id: examId } = (await db.execute('SELECT user_id, exam_id FROM user_progress ORDER BY id LIMIT 1')).rows[0])
})
after(async () => {
  await db.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

const answer = (questionId) => ({ userId, questionId, selectedAnswer: 'a', isCorrect: true, timeSpentSeconds: 9 })
const someQuestion = async () => (await db.execute('SELECT id FROM questions WHERE exam_id = ? LIMIT 1', [examId])).rows[0].id

test('reads come from the cache; a write through the queries is never followed by a stale read', async () => {
  const strategy = createCachingStrategy({})
  const q = createOptimizedQueries(db, { cache: strategy.studyCache })
  const first = await q.progress.getUserProgressOptimized(userId, examId)
  const hits = strategy.studyCache.getStats().progress.hits
  const second = await q.progress.getUserProgressOptimized(userId, examId)
  assert.deepEqual(second, first)
  assert.equal(strategy.studyCache.getStats().progress.hits, hits + 1)
  const written = await q.study.recordAnswerOptimized(answer(await someQuestion()))
  const after = await q.progress.getUserProgressOptimized(userId, examId)
  assert.equal(after.recentActivity[0].answerId, written.id, 'the new answer is visible at once')
  await strategy.cleanup()
})

test('with Redis, a write in one strategy invalidates the other strategy\'s entries', async () => {
  const redis = await startRedis()
  const a = createCachingStrategy({ enableDistributed: true, redisUrl: redis.url })
  const b = createCachingStrategy({ enableDistributed: true, redisUrl: redis.url })
  try {
    await a.distributed.ready(5000)
    await b.distributed.ready(5000)
    const qa = createOptimizedQueries(db, { cache: a.studyCache })
    const qb = createOptimizedQueries(db, { cache: b.studyCache })
    await qa.progress.getUserProgressOptimized(userId, examId) // cached in A
    const received = a.distributed.getStats().distributed.received
    const written = await qb.study.recordAnswerOptimized(answer(await someQuestion())) // B writes
    // Redis has the message for A before B's write resolves; A applies it on a background task
    // of its own (counted once applied). Across processes that is the guarantee, so the test
    // waits for it instead of racing it.
    for (let t = 0; t < 500 && a.distributed.getStats().distributed.received === received; t++) await new Promise((r) => setTimeout(r, 10))
    assert.ok(a.distributed.getStats().distributed.received > received, 'A received the invalidation through Redis')
    const seen = await qa.progress.getUserProgressOptimized(userId, examId)
    assert.equal(seen.recentActivity[0].answerId, written.id)
  } finally {
    await a.cleanup()
    await b.cleanup()
    await redis.stop()
  }
})

test('options.cache must be a StudyCache', () => {
  assert.throws(() => createOptimizedQueries(db, { cache: {} }), (e) => e instanceof TypeError && /options\.cache/.test(e.message))
  assert.throws(() => createOptimizedQueries(db, { cahce: 1 }), (e) => e instanceof RangeError && /options\.cahce/.test(e.message))
})
