// createCachingStrategy: unit behaviour of the moka caches, the warmer on a real libSQL
// file, and the Redis tier against a real redis-server (two processes sharing
// invalidations, Redis killed and restarted mid-test).
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { startRedis, findRedisServer } from './support/redis.mjs'

const require = createRequire(import.meta.url)
const LIB = fileURLToPath(new URL('../index.js', import.meta.url))
const {
  PerformanceCache, StudyCache, EdgeCache, CacheWarmer, DistributedCache, createCachingStrategy, createEdgeDatabase,
} = require(LIB)

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Polls `fn` until it returns true; fails after `ms`. */
async function eventually(fn, ms = 3000, what = 'condition') {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await fn()) return
    await sleep(20)
  }
  assert.fail(`${what} not reached within ${ms} ms`)
}

const question = (i) => ({
  id: i, text: `Which layer handles routing? (${i})`, type: 'multiple_choice',
  answers: [{ id: 'a', text: 'Network', isCorrect: true }, { id: 'b', text: 'Session', isCorrect: false }],
  difficulty: 1 + (i % 5), objectiveId: 3, objectiveName: 'Routing', objectiveCode: '1.3', tags: ['osi'],
})

describe('PerformanceCache', () => {
  test('returns a fresh copy of what was set, null on a miss', () => {
    const c = new PerformanceCache(10, 60)
    assert.equal(c.get('none'), null)
    const data = { questions: [question(1)] }
    c.set('k', data)
    const got = c.get('k')
    assert.deepEqual(got, data)
    got.questions.length = 0 // the caller's copy; the cache keeps its own
    assert.equal(c.get('k').questions.length, 1)
  })

  test('counts hits, misses and writes; hitRate follows', () => {
    const c = new PerformanceCache(10, 60)
    c.set('a', 1)
    c.set('b', 2)
    c.get('a')
    c.get('a')
    c.get('b')
    c.get('x')
    const s = c.getStats()
    assert.deepEqual([s.hits, s.misses, s.writes, s.totalKeys], [3, 1, 2, 2])
    assert.equal(s.hitRate, 0.75)
    assert.equal(typeof s.avgResponseTime, 'number')
    c.clear()
    const z = c.getStats()
    assert.deepEqual([z.hits, z.misses, z.writes, z.totalKeys, z.memoryUsage], [0, 0, 0, 0, 0])
  })

  test('entries expire after their own TTL and are counted as expired', async () => {
    const c = new PerformanceCache(10, 60)
    c.set('short', 'x', 0.05)
    c.set('long', 'y')
    c.set('zero-means-default', 'z', 0)
    assert.equal(c.get('short'), 'x')
    await sleep(120)
    assert.equal(c.get('short'), null)
    assert.equal(c.get('long'), 'y')
    assert.equal(c.get('zero-means-default'), 'z')
    // moka's timer wheel removes (and counts) expired entries within about a second.
    await eventually(() => (c.cleanup(), c.getStats().expiredKeys === 1), 3000, 'expiredKeys 1')
    assert.equal(c.getStats().totalKeys, 2)
  })

  test('holds its size bound, counting evictions', () => {
    const c = new PerformanceCache(100, 60)
    for (let i = 0; i < 250; i++) c.set(`k${i}`, i)
    const s = c.getStats()
    assert.ok(s.totalKeys <= 100, `totalKeys ${s.totalKeys}`)
    assert.equal(s.evictions, 250 - s.totalKeys)
    assert.equal(c.get('k249'), 249) // least recently used go first: the newest stays
  })

  test('memoryUsage is a byte count of what is held', () => {
    const c = new PerformanceCache(10, 60)
    const big = 'x'.repeat(100_000)
    c.set('big', big)
    const held = c.getStats().memoryUsage
    assert.ok(held > 100_000 && held < 101_000, `memoryUsage ${held}`)
    c.set('big', 'small') // replacing releases the old value
    assert.ok(c.getStats().memoryUsage < 1000)
    assert.equal(c.delete('big'), true)
    assert.equal(c.getStats().memoryUsage, 0)
  })

  test('setBatch writes all entries or none', () => {
    const c = new PerformanceCache(10, 60)
    c.setBatch([{ key: 'a', data: 1 }, { key: 'b', data: [2], ttl: 30 }])
    assert.deepEqual([c.get('a'), c.get('b')], [1, [2]])
    const loop = {}
    loop.self = loop
    assert.throws(() => c.setBatch([{ key: 'c', data: 3 }, { key: 'd', data: loop }]), { name: 'TypeError', message: /entries\[1\]\.data/ })
    assert.equal(c.get('c'), null)
  })

  test('Dates, Buffers and bigints come back as they went in', () => {
    const c = new PerformanceCache(10, 60)
    const row = {
      answeredAt: new Date(1_700_000_000_000), never: new Date(NaN), blob: Buffer.from([0, 1, 255]), big: 2n ** 60n,
      nested: [{ at: new Date(0) }], text: '\u0001looks like a mark', plain: 'x',
    }
    c.set('row', row)
    const { never, ...got } = c.get('row')
    const { never: _, ...expected } = row
    assert.deepEqual(got, expected)
    assert.ok(got.answeredAt instanceof Date && got.nested[0].at instanceof Date)
    assert.ok(never instanceof Date && Number.isNaN(never.getTime())) // NaN != NaN: compared apart
    assert.ok(Buffer.isBuffer(got.blob))
    c.set('plain', { a: [1, 'b'] })
    assert.deepEqual(c.get('plain'), { a: [1, 'b'] })
  })

  test('bad input is a TypeError or RangeError naming the field', () => {
    assert.throws(() => new PerformanceCache(0), { name: 'RangeError', message: /maxSize/ })
    assert.throws(() => new PerformanceCache(1.5), { name: 'RangeError', message: /maxSize/ })
    assert.throws(() => new PerformanceCache('10'), { name: 'TypeError', message: /maxSize/ })
    assert.throws(() => new PerformanceCache(10, -1), { name: 'RangeError', message: /defaultTtlSeconds/ })
    const c = new PerformanceCache()
    assert.throws(() => c.set(1, 'x'), { name: 'TypeError', message: /key/ })
    assert.throws(() => c.set('k', undefined), { name: 'TypeError', message: /data/ })
    assert.throws(() => c.set('k', 'x', -5), { name: 'RangeError', message: /ttlSeconds/ })
    assert.throws(() => c.set('k', 'x', Infinity), { name: 'RangeError', message: /ttlSeconds/ })
    const loop = {}
    loop.self = loop
    assert.throws(() => c.set('k', loop), { name: 'TypeError', message: /data/ })
  })
})

describe('StudyCache', () => {
  test('question keys ignore parameter order, nested order and defaults', () => {
    const s = new StudyCache()
    s.cacheStudyQuestions(1, 2, { limit: 15, difficulty: { min: 3, max: 5 } }, [question(1)])
    assert.deepEqual(s.getStudyQuestions(1, 2, { difficulty: { max: 5, min: 3 }, limit: 15 }), [question(1)])
    assert.equal(s.getStudyQuestions(1, 2, { limit: 15 }), null)
    s.cacheStudyQuestions(1, 2, { limit: 20 }, [question(2)])
    assert.deepEqual(s.getStudyQuestions(1, 2, { difficulty: { min: 1, max: 5 }, limit: 20, mode: 'practice' }), [question(2)])
    assert.deepEqual(s.getStudyQuestions(1, 2, {}), [question(2)])
  })

  test('invalidateUserCache(1) drops user 1 everywhere and leaves user 11', async () => {
    const s = new StudyCache()
    for (const u of [1, 11, 21]) {
      s.cacheStudyQuestions(u, 5, { limit: 20 }, [question(u)])
      s.cacheUserProgress(u, 5, { userId: u })
      s.cacheSessionProgress(100 + u, { id: 100 + u, userId: u })
    }
    await s.invalidateUserCache(1)
    assert.equal(s.getStudyQuestions(1, 5, { limit: 20 }), null)
    assert.equal(s.getUserProgress(1, 5), null)
    assert.equal(s.getSessionProgress(101), null)
    for (const u of [11, 21]) {
      assert.deepEqual(s.getStudyQuestions(u, 5, { limit: 20 }), [question(u)])
      assert.deepEqual(s.getUserProgress(u, 5), { userId: u })
      assert.deepEqual(s.getSessionProgress(100 + u), { id: 100 + u, userId: u })
    }
  })

  test('invalidateExamCache drops that exam\'s questions and leaderboards only', async () => {
    const s = new StudyCache()
    s.cacheStudyQuestions(1, 3, {}, [question(1)])
    s.cacheStudyQuestions(1, 33, {}, [question(2)])
    s.cacheLeaderboard(3, 20, [{ userId: 1, rank: 1 }])
    s.cacheLeaderboard(33, 20, [{ userId: 2, rank: 1 }])
    s.cacheUserProgress(1, 3, { ok: true })
    await s.invalidateExamCache(3)
    assert.equal(s.getStudyQuestions(1, 3, {}), null)
    assert.equal(s.getLeaderboard(3, 20), null)
    assert.deepEqual(s.getStudyQuestions(1, 33, {}), [question(2)])
    assert.deepEqual(s.getLeaderboard(33, 20), [{ userId: 2, rank: 1 }])
    assert.deepEqual(s.getUserProgress(1, 3), { ok: true })
  })

  test('the original sizes and TTLs, and stats per cache', () => {
    const st = new StudyCache().getStats()
    assert.deepEqual([st.questions.maxSize, st.sessions.maxSize, st.progress.maxSize], [5000, 1000, 500])
    for (const k of ['totalKeys', 'hitRate', 'memoryUsage', 'avgResponseTime', 'expiredKeys', 'hits', 'misses', 'evictions', 'writes']) {
      assert.equal(typeof st.questions[k], 'number', k)
    }
    assert.equal(st.distributed, undefined)
  })

  test('1,000 concurrent identical misses run the loader once', async () => {
    const s = new StudyCache()
    let runs = 0
    const loader = async () => {
      runs++
      await sleep(20)
      return [question(7)]
    }
    const all = await Promise.all(Array.from({ length: 1000 }, () => s.loadStudyQuestions(4, 2, { limit: 20 }, loader)))
    assert.equal(runs, 1)
    assert.equal(all.length, 1000)
    for (const r of all) assert.deepEqual(r, [question(7)])
    assert.notEqual(all[0], all[1]) // each caller has its own copy
    assert.deepEqual(await s.loadStudyQuestions(4, 2, { limit: 20 }, loader), [question(7)])
    assert.equal(runs, 1) // served from the cache
  })

  test('a value loaded while its user was invalidated is not cached, and later reads do not join it', async () => {
    const s = new StudyCache()
    let release
    const slow = () => new Promise((r) => (release = r))
    const first = s.loadUserProgress(9, 1, slow)
    await s.invalidateUserCache(9) // a write lands while the read is in flight
    let fresh = 0
    const second = s.loadUserProgress(9, 1, async () => (fresh++, { v: 'new' }))
    release({ v: 'old' })
    assert.deepEqual(await first, { v: 'old' }) // issued before the write: may see the old value
    assert.deepEqual(await second, { v: 'new' }) // issued after: never
    assert.equal(fresh, 1)
    assert.deepEqual(s.getUserProgress(9, 1), { v: 'new' })
  })

  test('ids are positive integers', () => {
    const s = new StudyCache()
    assert.throws(() => s.getUserProgress(0, 1), { name: 'RangeError', message: /userId/ })
    assert.throws(() => s.getUserProgress('1', 1), { name: 'TypeError', message: /userId/ })
    assert.throws(() => s.getStudyQuestions(1, 1.5, {}), { name: 'RangeError', message: /examId/ })
    assert.throws(() => s.getStudyQuestions(1, 1, 'limit=20'), { name: 'TypeError', message: /params/ })
    assert.throws(() => s.invalidateUserCache(-1), { name: 'RangeError', message: /userId/ })
  })
})

describe('EdgeCache', () => {
  test('headers are the original strings', () => {
    const e = new EdgeCache()
    assert.deepEqual(e.getCacheHeaders('static'), {
      'Cache-Control': 'public, max-age=31536000, immutable',
      'CDN-Cache-Control': 'max-age=31536000',
    })
    assert.deepEqual(e.getCacheHeaders('dynamic'), {
      'Cache-Control': 'public, max-age=300, stale-while-revalidate=60',
      'CDN-Cache-Control': 'max-age=300, stale-while-revalidate=60',
    })
    assert.deepEqual(e.getCacheHeaders('private'), { 'Cache-Control': 'private, max-age=60', 'CDN-Cache-Control': 'max-age=0' })
    e.getCacheHeaders('static')['Cache-Control'] = 'changed'
    assert.equal(e.getCacheHeaders('static')['Cache-Control'], 'public, max-age=31536000, immutable')
    assert.throws(() => e.getCacheHeaders('public'), { name: 'RangeError', message: /contentType/ })
  })

  test('edge keys sort parameters and URI-encode values', () => {
    const e = new EdgeCache()
    assert.equal(e.generateEdgeKey('questions', { limit: 20, exam: 'N10-009', q: 'a&b c' }), 'questions?exam=N10-009&limit=20&q=a%26b%20c')
    assert.equal(e.generateEdgeKey('leaderboard', {}), 'leaderboard?')
    assert.throws(() => e.generateEdgeKey('x', null), { name: 'TypeError', message: /params/ })
  })
})

describe('CacheWarmer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptp-cache-'))
  let db
  const now = Math.floor(Date.now() / 1000)
  const text = (secs) => new Date(secs * 1000).toISOString().slice(0, 19).replace('T', ' ')

  before(async () => {
    db = createEdgeDatabase(undefined, { url: `file:${join(dir, 'warm.db')}` })
    await db.ready()
    await db.batch([
      'CREATE TABLE exams (id INTEGER PRIMARY KEY, is_active INTEGER, total_attempts INTEGER)',
      'CREATE TABLE questions (id INTEGER PRIMARY KEY, exam_id INTEGER)',
      'CREATE TABLE user_answers (id INTEGER PRIMARY KEY, user_id INTEGER, question_id INTEGER, answered_at INTEGER)',
      'INSERT INTO exams VALUES (1, 1, 50), (2, 1, 90), (3, 0, 999)',
      'INSERT INTO questions VALUES (10, 1), (20, 2), (30, 3)',
    ])
    // user 1: 3 recent answers, unix seconds; user 2: 2 recent, text timestamps; user 3: old
    // answers in both forms (outside the 7 days); user 4: one recent answer on exam 2.
    const rows = [
      [1, 10, now - 60], [1, 10, now - 3600], [1, 10, now - 86400],
      [2, 10, text(now - 120)], [2, 10, text(now - 2 * 86400)],
      [3, 10, now - 8 * 86400], [3, 10, text(now - 9 * 86400)], [3, 10, text(now - 30 * 86400)],
      [4, 20, text(now - 300)],
    ]
    await db.batch(rows.map((args) => ({ sql: 'INSERT INTO user_answers (user_id, question_id, answered_at) VALUES (?, ?, ?)', args })))
  })
  after(async () => {
    await db.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })

  function fakeQueries(log) {
    return {
      study: {
        async getOptimizedStudyQuestions(p) {
          log.push(['questions', p.userId, p.examId, p.limit])
          return [question(p.userId * 100 + p.limit)]
        },
      },
      progress: {
        async getExamLeaderboardOptimized(examId, limit) {
          log.push(['leaderboard', examId, limit])
          return [{ userId: 1, rank: 1 }, { userId: 2, rank: 2 }]
        },
        async getUserProgressOptimized(userId, examId) {
          log.push(['progress', userId, examId])
          if (userId === 2) throw new Error('progress query failed')
          return { progress: { userId }, exam: { id: examId } }
        },
      },
    }
  }

  test('finds the week\'s most active users whether answered_at is seconds or text', async () => {
    const w = new CacheWarmer(new StudyCache(), db, fakeQueries([]))
    assert.deepEqual(await w.activeUsers([1, 2]), [
      { userId: 1, examId: 1, answers: 3 },
      { userId: 2, examId: 1, answers: 2 },
      { userId: 4, examId: 2, answers: 1 },
    ])
    assert.deepEqual((await w.activeUsers([1], 1)).map((u) => u.userId), [1])
  })

  test('warmPopularQuestions runs the queries and fills the StudyCache', async () => {
    const log = []
    const study = new StudyCache()
    const w = new CacheWarmer(study, db, fakeQueries(log))
    const r = await w.warmPopularQuestions([1])
    assert.equal(r.warmed, 6) // 2 users x 3 scenarios
    assert.equal(r.failed, 0)
    assert.equal(typeof r.ms, 'number')
    assert.equal(log.length, 6)
    assert.deepEqual(study.getStudyQuestions(1, 1, { difficulty: { min: 1, max: 5 }, limit: 20 }), [question(120)])
    assert.deepEqual(study.getStudyQuestions(2, 1, { limit: 25, difficulty: { min: 1, max: 3 } }), [question(225)])
  })

  test('warmProgressCaches caches leaderboards and top users\' progress, counting failures', async () => {
    const study = new StudyCache()
    const w = new CacheWarmer(study, db, fakeQueries([]))
    const r = await w.warmProgressCaches([1, 2])
    assert.equal(r.failed, 2) // user 2's progress fails on both exams
    assert.match(r.errors[0], /progress query failed/)
    assert.deepEqual(study.getLeaderboard(1, 20), [{ userId: 1, rank: 1 }, { userId: 2, rank: 2 }])
    assert.deepEqual(study.getUserProgress(1, 2), { progress: { userId: 1 }, exam: { id: 2 } })
  })

  test('scheduledWarming warms the active exams', async () => {
    const log = []
    const study = new StudyCache()
    const r = await new CacheWarmer(study, db, fakeQueries(log)).scheduledWarming()
    assert.equal(r.exams, 2) // exam 3 is inactive
    assert.ok(log.some(([k, e]) => k === 'leaderboard' && e === 2))
    assert.ok(r.warmed >= 9, JSON.stringify(r))
  })

  test('without queries the warmer says what it needs', async () => {
    const w = new CacheWarmer(new StudyCache(), db)
    await assert.rejects(w.scheduledWarming(), { name: 'TypeError', code: 'ERR_QUERIES_REQUIRED', message: /createOptimizedQueries/ })
    await assert.rejects(w.warmPopularQuestions([1]), { code: 'ERR_QUERIES_REQUIRED' })
    assert.throws(() => createCachingStrategy({ warmingSchedule: true }), { name: 'TypeError', message: /options\.queries/ })
    assert.throws(() => createCachingStrategy({ warmingSchedule: true, queries: fakeQueries([]) }), { name: 'TypeError', message: /options\.db/ })
    await assert.rejects(new CacheWarmer(new StudyCache(), db, fakeQueries([])).warmPopularQuestions('1'), { name: 'TypeError', message: /examIds/ })
  })

  test('the schedule runs on an unref\'d timer and stops on cleanup', async () => {
    const strategy = createCachingStrategy({ warmingSchedule: true, db, queries: fakeQueries([]) })
    assert.equal(strategy.warmer._timer.hasRef(), false)
    strategy.warmer.start(1000)
    await eventually(() => strategy.warmer.lastRun !== null, 3000, 'a scheduled run')
    assert.ok(strategy.warmer.lastRun.result.warmed > 0)
    await strategy.cleanup()
    assert.equal(strategy.warmer._timer, null)
  })
})

describe('createCachingStrategy', () => {
  test('returns the original shape and validates options', () => {
    const s = createCachingStrategy({})
    assert.ok(s.studyCache instanceof StudyCache)
    assert.ok(s.edgeCache instanceof EdgeCache)
    assert.ok(s.warmer instanceof CacheWarmer)
    assert.equal(s.distributed, undefined)
    assert.ok(createCachingStrategy().studyCache instanceof StudyCache)
    assert.throws(() => createCachingStrategy({ enableDistributed: 'yes' }), { name: 'TypeError', message: /enableDistributed/ })
    assert.throws(() => createCachingStrategy({ redisURL: 'x' }), { name: 'RangeError', message: /options\.redisURL/ })
    assert.throws(() => createCachingStrategy({ enableDistributed: true, redisUrl: 'http://x' }), { name: 'RangeError', message: /redisUrl/ })
    assert.throws(() => createCachingStrategy({ enableDistributed: true, redisUrl: 'rediss://x' }), { name: 'RangeError', message: /TLS/ })
  })
})

// ---------------------------------------------------------------------------------------
// Redis. A missing redis-server fails here with the fix named, never skips.

/** A child process holding a caching strategy, driven by JSON lines on stdin. */
function startPeer(redisUrl) {
  const code = `
    const { createCachingStrategy } = require(${JSON.stringify(LIB)})
    const s = createCachingStrategy({ enableDistributed: true, redisUrl: ${JSON.stringify(redisUrl)} })
    const ops = {
      ready: () => s.distributed.ready(5000),
      cacheProgress: (u, e, v) => s.studyCache.cacheUserProgress(u, e, v),
      getProgress: (u, e) => s.studyCache.getUserProgress(u, e),
      cacheQuestions: (u, e, p, v) => s.studyCache.cacheStudyQuestions(u, e, p, v),
      getQuestions: (u, e, p) => s.studyCache.getStudyQuestions(u, e, p),
      invalidateUser: (u) => s.studyCache.invalidateUserCache(u),
      invalidateExam: (e) => s.studyCache.invalidateExamCache(e),
      set: (k, v, ttl) => s.distributed.set(k, v, ttl),
      get: (k) => s.distributed.get(k),
      del: (k) => s.distributed.del(k),
      stats: () => s.distributed.getStats().distributed,
      exit: async () => { await s.cleanup(); setImmediate(() => process.exit(0)) },
    }
    let buf = ''
    process.stdin.setEncoding('utf8').on('data', (d) => {
      buf += d
      let i
      while ((i = buf.indexOf('\\n')) >= 0) {
        const { id, op, args } = JSON.parse(buf.slice(0, i))
        buf = buf.slice(i + 1)
        Promise.resolve().then(() => ops[op](...args)).then(
          (value) => process.stdout.write(JSON.stringify({ id, value: value === undefined ? null : value }) + '\\n'),
          (err) => process.stdout.write(JSON.stringify({ id, error: err.name + ': ' + err.message }) + '\\n'),
        )
      }
    })`
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = new Map()
  let next = 0
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (d) => {
    out += d
    let i
    while ((i = out.indexOf('\n')) >= 0) {
      const msg = JSON.parse(out.slice(0, i))
      out = out.slice(i + 1)
      const w = waiting.get(msg.id)
      waiting.delete(msg.id)
      if (msg.error) w.reject(new Error(msg.error))
      else w.resolve(msg.value)
    }
  })
  const exited = new Promise((r) => child.once('exit', r))
  const call = (op, ...args) =>
    new Promise((resolve, reject) => {
      const id = next++
      waiting.set(id, { resolve, reject })
      child.stdin.write(JSON.stringify({ id, op, args }) + '\n')
    })
  return {
    call,
    async exit() {
      await call('exit').catch(() => {})
      await exited
    },
    kill: () => child.kill('SIGKILL'),
  }
}

describe('DistributedCache over a real redis-server', () => {
  // A start failure (e.g. "redis-server not found ... apt-get install -y redis-server") fails
  // every test below with that message: counted as failures, not cancelled or skipped.
  let redis
  let startError
  before(async () => {
    try {
      findRedisServer()
      redis = await startRedis()
    } catch (err) {
      startError = err
    }
  })
  after(() => redis && redis.stop())
  const needRedis = () => {
    if (startError) throw startError
  }

  test('redis-server is installed and starts', () => needRedis())

  test('two processes share values and invalidations', { timeout: 30_000 }, async () => {
    needRedis()
    const a = startPeer(redis.url)
    const b = startPeer(redis.url)
    try {
      assert.equal(await a.call('ready'), true)
      assert.equal(await b.call('ready'), true)

      // Study caches: an invalidation in A drops B's matching entries, and only those.
      for (const u of [1, 11]) {
        await b.call('cacheProgress', u, 5, { user: u })
        await b.call('cacheQuestions', u, 7, { limit: 20 }, [u])
      }
      await a.call('invalidateUser', 1)
      await eventually(async () => (await b.call('getProgress', 1, 5)) === null, 3000, 'B drops user 1')
      assert.equal(await b.call('getQuestions', 1, 7, { limit: 20 }), null)
      assert.deepEqual(await b.call('getProgress', 11, 5), { user: 11 })
      assert.deepEqual(await b.call('getQuestions', 11, 7, { limit: 20 }), [11])
      await a.call('invalidateExam', 7)
      await eventually(async () => (await b.call('getQuestions', 11, 7, { limit: 20 })) === null, 3000, 'B drops exam 7')
      assert.deepEqual(await b.call('getProgress', 11, 5), { user: 11 })

      // Key-value: B reads A's write through Redis, then sees A's overwrite and delete even
      // though it holds a local copy.
      await a.call('set', 'exam:7:meta', { v: 1 }, 60)
      assert.deepEqual(await b.call('get', 'exam:7:meta'), { v: 1 })
      await a.call('set', 'exam:7:meta', { v: 2 }, 60)
      await eventually(async () => (await b.call('get', 'exam:7:meta'))?.v === 2, 3000, 'B sees the overwrite')
      await a.call('del', 'exam:7:meta')
      await eventually(async () => (await b.call('get', 'exam:7:meta')) === null, 3000, 'B sees the delete')
      assert.ok((await b.call('stats')).received >= 3)
    } finally {
      await a.exit()
      await b.exit()
    }
  })

  test('killing Redis degrades to local caching without errors; it recovers on restart', { timeout: 30_000 }, async () => {
    needRedis()
    const d = new DistributedCache(redis.url, { commandTimeoutMs: 300 })
    const study = new StudyCache()
    study.attachDistributed(d)
    const peer = startPeer(redis.url)
    try {
      assert.equal(await d.ready(), true)
      assert.equal(await peer.call('ready'), true)
      await d.set('k', { v: 1 })
      assert.deepEqual(await peer.call('get', 'k'), { v: 1 })

      await redis.kill()
      await eventually(() => d.getStats().distributed.connected === false, 3000, 'disconnected')
      // Every call still works, locally, and nothing throws.
      await d.set('during', { v: 'local' }, 60)
      assert.deepEqual(await d.get('during'), { v: 'local' })
      assert.equal(await d.get('absent'), null)
      await d.del('k')
      assert.equal(await d.get('k'), null)
      study.cacheUserProgress(3, 1, { p: 3 })
      await study.invalidateUserCache(3)
      assert.equal(study.getUserProgress(3, 1), null)
      assert.deepEqual(await peer.call('get', 'during'), null) // the peer falls back too
      const down = d.getStats().distributed
      assert.equal(down.connected, false)
      assert.ok(down.fallbacks >= 3, `fallbacks ${down.fallbacks}`)
      assert.ok(down.pendingInvalidations >= 2)
      assert.deepEqual(study.getStats().distributed.connected, false)

      await redis.start() // same port, empty (persistence is off)
      assert.equal(await d.ready(5000), true)
      assert.equal(await peer.call('ready'), true)
      await eventually(() => d.getStats().distributed.pendingInvalidations === 0, 3000, 'pending replayed')
      const up = d.getStats().distributed
      assert.equal(up.connected, true)
      assert.ok(up.reconnects >= 1)
      await d.set('after', { v: 'shared' })
      assert.deepEqual(await peer.call('get', 'after'), { v: 'shared' })
      await peer.call('set', 'from-peer', 42, 60)
      assert.equal(await d.get('from-peer'), 42)
    } finally {
      await peer.exit()
      await d.cleanup()
    }
  })

  test('a paused Redis times out into the fallback instead of hanging', { timeout: 20_000 }, async () => {
    needRedis()
    const d = new DistributedCache(redis.url, { commandTimeoutMs: 200 })
    try {
      assert.equal(await d.ready(), true)
      redis.pause()
      const started = performance.now()
      await d.set('p', 1)
      assert.equal(await d.get('p'), 1)
      assert.equal(await d.get('nothing'), null)
      assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`)
      assert.equal(d.getStats().distributed.connected, false)
    } finally {
      redis.resume()
      await d.cleanup()
    }
    const again = new DistributedCache(redis.url)
    assert.equal(await again.ready(5000), true)
    await again.cleanup()
  })

  test('background tasks never keep Node alive', { timeout: 20_000 }, async () => {
    needRedis()
    // No cleanup() at all: the process must still exit on its own.
    const code = `
      const { createCachingStrategy } = require(${JSON.stringify(LIB)})
      const s = createCachingStrategy({ enableDistributed: true, redisUrl: ${JSON.stringify(redis.url)},
        warmingSchedule: true, db: { execute: async () => ({ rows: [] }) },
        queries: { study: { getOptimizedStudyQuestions: async () => [] },
          progress: { getExamLeaderboardOptimized: async () => [], getUserProgressOptimized: async () => null } } })
      s.distributed.ready(5000).then((ok) => { if (!ok) process.exit(3) })`
    const child = spawn(process.execPath, ['-e', code], { stdio: 'inherit' })
    const started = Date.now()
    const status = await new Promise((r) => child.once('exit', (c, sig) => r(sig ?? c)))
    assert.equal(status, 0)
    assert.ok(Date.now() - started < 10_000)
  })
})
