'use strict'
// createCachingStrategy: the typed front over the Rust caches (src/cache). Values cross as
// JSON text (Dates, Buffers and bigints kept, see the codec below): stringified on the way
// in, parsed on the way out, so every `get` returns a fresh copy the caller may mutate
// (measured 5-7x faster than converting objects through N-API). Only the warmer and the
// edge helpers are plain JS: the first calls the JS query objects, the second must
// reproduce JS's String() and encodeURIComponent exactly.

const { NativePerformanceCache, NativeStudyCache, NativeDistributedCache } = require('../binding')
const { call, callAsync, invalidType, outOfRange, makeError } = require('./errors')

const RESOLVED = Promise.resolve()

// ---------------------------------------------------------------------------------------
// Input checks: each names the field, as everywhere in this package.

function checkKey(key, field = 'key') {
  if (typeof key !== 'string') throw invalidType(field, 'a string')
  // Rust would turn a lone surrogate into U+FFFD, making two different keys one entry.
  if (!key.isWellFormed()) throw invalidType(field, 'well-formed text (it holds a lone UTF-16 surrogate)')
}

function checkNumber(field, v) {
  if (typeof v !== 'number') throw invalidType(field, 'a number')
}

function checkOptionalTtl(field, ttl) {
  if (ttl === undefined || ttl === null) return null
  checkNumber(field, ttl)
  if (!Number.isFinite(ttl) || ttl < 0) throw outOfRange(field, 'a finite number of seconds >= 0')
  return ttl
}

function checkId(field, v) {
  checkNumber(field, v)
  if (!Number.isSafeInteger(v) || v < 1) throw outOfRange(field, 'a positive integer')
  return v
}

function checkObject(field, v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalidType(field, 'an object')
  return v
}

function checkFunction(field, v) {
  if (typeof v !== 'function') throw invalidType(field, 'a function')
}

// The cache codec: JSON text, plus the types this package's own results carry that JSON
// would flatten (Date: the queries' timestamps; Buffer: BLOBs; bigint: intMode 'bigint').
// Those become strings with a \u0001 prefix and the whole text gets a \u0001 flag, so a
// cached result equals the uncached one; text without the flag (the common case) is
// parsed with plain JSON.parse, paying nothing for this.
const MARK = '\u0001'

function encodeSpecial(key, v) {
  switch (typeof v) {
    case 'string': {
      // A Date arrives as its ISO text, which ends in Z: test that before the property read.
      if (v.charCodeAt(v.length - 1) === 90 && this[key] instanceof Date) return MARK + 'D' + this[key].getTime()
      // A string that happens to start with the mark is escaped by doubling it.
      if (v.charCodeAt(0) === 1) return MARK + v
      return v
    }
    case 'bigint':
      return MARK + 'N' + v.toString()
    case 'object':
      if (v === null) return this[key] instanceof Date ? MARK + 'DNaN' : v // an invalid Date
      if (v.type === 'Buffer' && Buffer.isBuffer(this[key])) return MARK + 'B' + this[key].toString('base64')
      return v
    default:
      return v
  }
}

/** The cache text of a value; a value that cannot be cached is a TypeError naming `field`. */
function toJson(field, value) {
  const state = { marked: false }
  let json
  try {
    json = JSON.stringify(value, function (key, v) {
      const out = encodeSpecial.call(this, key, v)
      if (out !== v) state.marked = true
      return out
    })
  } catch (err) {
    throw invalidType(field, `a JSON-serialisable value (${err.message})`)
  }
  if (json === undefined) throw invalidType(field, 'a JSON-serialisable value, not ' + typeof value)
  return state.marked ? MARK + json : json
}

function reviveString(s) {
  switch (s.charCodeAt(1)) {
    case 68: // D
      return new Date(Number(s.slice(2)))
    case 66: // B
      return Buffer.from(s.slice(2), 'base64')
    case 78: // N
      return BigInt(s.slice(2))
    default: // an escaped string
      return s.slice(1)
  }
}

function revive(v) {
  if (typeof v === 'string') return v.charCodeAt(0) === 1 ? reviveString(v) : v
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = revive(v[i])
  } else {
    for (const k in v) v[k] = revive(v[k])
  }
  return v
}

/** A value back from its cache text (null for a miss). */
function parse(s) {
  if (s === null || s === undefined) return null
  return s.charCodeAt(0) === 1 ? revive(JSON.parse(s.slice(1))) : JSON.parse(s)
}

/** Plain JSON of the study parameters: only the key is built from it (in Rust). */
function paramsJson(params) {
  if (params === undefined || params === null) return '{}'
  checkObject('params', params)
  try {
    return JSON.stringify(params)
  } catch (err) {
    throw invalidType('params', `a JSON-serialisable object (${err.message})`)
  }
}

// ---------------------------------------------------------------------------------------

/** A size-bounded cache with a TTL per entry and hit/miss/eviction/expiry statistics. */
class PerformanceCache {
  /**
   * @param {number} [maxSize=10000] entries kept at most (least recently used go first)
   * @param {number} [defaultTtlSeconds=300] TTL of an entry set without one
   */
  constructor(maxSize = 10000, defaultTtlSeconds = 300) {
    checkNumber('maxSize', maxSize)
    checkNumber('defaultTtlSeconds', defaultTtlSeconds)
    this._native = call(() => new NativePerformanceCache(maxSize, defaultTtlSeconds))
  }

  /** The cached value (a fresh copy), or null. */
  get(key) {
    checkKey(key)
    return parse(this._native.get(key))
  }

  /** Caches `data` for `ttlSeconds` (0 or absent: the default TTL). */
  set(key, data, ttlSeconds) {
    checkKey(key)
    const ttl = checkOptionalTtl('ttlSeconds', ttlSeconds)
    const json = toJson('data', data)
    call(() => this._native.set(key, json, ttl))
  }

  /** Sets every entry, or none when one is invalid. */
  setBatch(entries) {
    if (!Array.isArray(entries)) throw invalidType('entries', 'an array of {key, data, ttl?}')
    const checked = entries.map((e, i) => {
      checkObject(`entries[${i}]`, e)
      checkKey(e.key, `entries[${i}].key`)
      return [e.key, toJson(`entries[${i}].data`, e.data), checkOptionalTtl(`entries[${i}].ttl`, e.ttl)]
    })
    for (const [key, json, ttl] of checked) call(() => this._native.set(key, json, ttl))
  }

  /** Removes one entry; true when it was there. */
  delete(key) {
    checkKey(key)
    return this._native.remove(key)
  }

  /** Removes expired entries now; returns how many. */
  cleanup() {
    return this._native.cleanup()
  }

  /** {totalKeys, hitRate, memoryUsage (bytes), avgResponseTime (ms), expiredKeys, hits, misses, evictions, writes, maxSize} */
  getStats() {
    return JSON.parse(this._native.stats())
  }

  /** Empties the cache and resets its statistics. */
  clear() {
    this._native.clear()
  }
}

// ---------------------------------------------------------------------------------------

/**
 * The study caches: questions (5,000 entries, 10 min), sessions (1,000, 5 min) and progress
 * (500, 15 min; leaderboards too, 5 min). Entries are tagged by user, exam and session, so
 * invalidation drops exactly the matching ones without scanning keys.
 */
class StudyCache {
  constructor() {
    this._native = call(() => new NativeStudyCache())
    this._inflight = new Map()
    this._linked = false
  }

  /** Sends this cache's invalidations through `distributed` (Redis) to every process. */
  attachDistributed(distributed) {
    if (!(distributed instanceof DistributedCache)) throw invalidType('distributed', 'a DistributedCache')
    this._native.attach(distributed._native)
    this._linked = true
  }

  cacheStudyQuestions(userId, examId, params, questions) {
    checkId('userId', userId)
    checkId('examId', examId)
    const pj = paramsJson(params)
    const json = toJson('questions', questions)
    call(() => this._native.setQuestions(userId, examId, pj, json, null))
  }

  /** Questions cached for this user, exam and parameters (in any order), or null. */
  getStudyQuestions(userId, examId, params) {
    checkId('userId', userId)
    checkId('examId', examId)
    const pj = paramsJson(params)
    return parse(call(() => this._native.getQuestions(userId, examId, pj)))
  }

  /** `progress.userId`, when present, lets invalidateUserCache reach this entry. */
  cacheSessionProgress(sessionId, progress) {
    checkId('sessionId', sessionId)
    const json = toJson('progress', progress)
    this._native.setSession(sessionId, sessionUser(progress), json, null)
  }

  getSessionProgress(sessionId) {
    checkId('sessionId', sessionId)
    return parse(this._native.getSession(sessionId))
  }

  cacheUserProgress(userId, examId, progress) {
    checkId('userId', userId)
    checkId('examId', examId)
    this._native.setProgress(userId, examId, toJson('progress', progress), null)
  }

  getUserProgress(userId, examId) {
    checkId('userId', userId)
    checkId('examId', examId)
    return parse(this._native.getProgress(userId, examId))
  }

  cacheLeaderboard(examId, limit, leaderboard) {
    checkId('examId', examId)
    checkId('limit', limit)
    call(() => this._native.setLeaderboard(examId, limit, toJson('leaderboard', leaderboard), null))
  }

  getLeaderboard(examId, limit) {
    checkId('examId', examId)
    checkId('limit', limit)
    return parse(call(() => this._native.getLeaderboard(examId, limit)))
  }

  /**
   * Cached questions, or `loader()` run once however many callers miss together; its result
   * is cached unless an invalidation of this user or exam ran meanwhile.
   */
  loadStudyQuestions(userId, examId, params, loader) {
    checkId('userId', userId)
    checkId('examId', examId)
    checkFunction('loader', loader)
    const pj = paramsJson(params)
    const hit = call(() => this._native.getQuestions(userId, examId, pj))
    if (hit !== null && hit !== undefined) return Promise.resolve(parse(hit))
    return this._once(`q:${userId}:${examId}:${pj}`, 'questions', loader, (json, t) =>
      this._native.setQuestions(userId, examId, pj, json, t),
    )
  }

  loadSessionProgress(sessionId, loader) {
    checkId('sessionId', sessionId)
    checkFunction('loader', loader)
    const hit = this._native.getSession(sessionId)
    if (hit !== null && hit !== undefined) return Promise.resolve(parse(hit))
    return this._once(`s:${sessionId}`, 'sessions', loader, (json, t, value) =>
      this._native.setSession(sessionId, sessionUser(value), json, t),
    )
  }

  loadUserProgress(userId, examId, loader) {
    checkId('userId', userId)
    checkId('examId', examId)
    checkFunction('loader', loader)
    const hit = this._native.getProgress(userId, examId)
    if (hit !== null && hit !== undefined) return Promise.resolve(parse(hit))
    return this._once(`p:${userId}:${examId}`, 'progress', loader, (json, t) => this._native.setProgress(userId, examId, json, t))
  }

  loadLeaderboard(examId, limit, loader) {
    checkId('examId', examId)
    checkId('limit', limit)
    checkFunction('loader', loader)
    const hit = call(() => this._native.getLeaderboard(examId, limit))
    if (hit !== null && hit !== undefined) return Promise.resolve(parse(hit))
    return this._once(`l:${examId}:${limit}`, 'progress', loader, (json, t) => this._native.setLeaderboard(examId, limit, json, t))
  }

  // One load per key at a time. A caller joins a load in flight only if no invalidation of
  // that cache (local or from another process) happened since it started: a read issued
  // after a write never gets a value loaded before it.
  _once(flightKey, kind, loader, store) {
    const ticket = this._native.ticket(kind)
    const current = this._inflight.get(flightKey)
    if (current && current.ticket === ticket) return current.promise.then(({ json, value }) => (json === undefined ? value : parse(json)))
    const promise = (async () => {
      const value = await loader()
      // null and undefined are not cached: a miss must ask again (no negative caching).
      if (value === undefined || value === null) return { value, json: undefined }
      const json = toJson('loader result', value)
      store(json, ticket, value)
      return { value, json }
    })()
    const flight = { ticket, promise }
    this._inflight.set(flightKey, flight)
    const done = () => {
      if (this._inflight.get(flightKey) === flight) this._inflight.delete(flightKey)
    }
    promise.then(done, done)
    return promise.then(({ value }) => value)
  }

  _invalidate(what, id) {
    checkId(`${what}Id`, id)
    this._native.invalidate(what, id)
    // The local entries are gone already; with Redis the promise resolves once Redis and the
    // other processes have been told (or the message is queued for the reconnect).
    if (!this._linked) return RESOLVED
    return callAsync(this._native.publish(what, id)).then(() => undefined)
  }

  /** Drops the user's questions, sessions and progress here (and, with Redis, everywhere). */
  invalidateUserCache(userId) {
    return this._invalidate('user', userId)
  }

  /** Drops the exam's question lists and leaderboards. */
  invalidateExamCache(examId) {
    return this._invalidate('exam', examId)
  }

  invalidateSessionCache(sessionId) {
    return this._invalidate('session', sessionId)
  }

  invalidateLeaderboardCache(examId) {
    return this._invalidate('leaderboard', examId)
  }

  /** {questions, sessions, progress} stats, plus `distributed` when linked to Redis. */
  getStats() {
    return JSON.parse(call(() => this._native.stats()))
  }

  /** Removes expired entries now; returns how many. */
  cleanup() {
    return this._native.cleanup()
  }

  clear() {
    this._native.clear()
  }
}

function sessionUser(progress) {
  const u = progress && typeof progress === 'object' ? progress.userId : undefined
  return Number.isSafeInteger(u) && u > 0 ? u : null
}

// ---------------------------------------------------------------------------------------

const EDGE_HEADERS = {
  // Static content, cached at the edge for a year.
  static: {
    'Cache-Control': 'public, max-age=31536000, immutable',
    'CDN-Cache-Control': 'max-age=31536000',
  },
  // Dynamic content with revalidation.
  dynamic: {
    'Cache-Control': 'public, max-age=300, stale-while-revalidate=60',
    'CDN-Cache-Control': 'max-age=300, stale-while-revalidate=60',
  },
  // Private, user-specific content.
  private: {
    'Cache-Control': 'private, max-age=60',
    'CDN-Cache-Control': 'max-age=0',
  },
}

/** Edge (CDN) cache headers and keys, the original's strings exactly. */
class EdgeCache {
  /** A fresh headers object for 'static', 'dynamic' or 'private' content. */
  getCacheHeaders(contentType) {
    // Checked before the lookup, which would stringify any value (a deeply nested one overflows the stack).
    if (typeof contentType !== 'string') throw invalidType('contentType', "'static', 'dynamic' or 'private'")
    const h = Object.prototype.hasOwnProperty.call(EDGE_HEADERS, contentType) ? EDGE_HEADERS[contentType] : undefined
    if (!h) throw outOfRange('contentType', "'static', 'dynamic' or 'private'")
    return { ...h }
  }

  /** `operation?k1=v1&k2=v2` with keys sorted and values URI-encoded. */
  generateEdgeKey(operation, params) {
    if (typeof operation !== 'string') throw invalidType('operation', 'a string')
    checkObject('params', params)
    const sorted = Object.keys(params)
      .sort()
      .map((k) => `${k}=${encodeURIComponent(String(params[k]))}`)
      .join('&')
    return `${operation}?${sorted}`
  }
}

// ---------------------------------------------------------------------------------------

const HOUR_MS = 60 * 60 * 1000
const MAX_TIMER_MS = 2 ** 31 - 1
const WEEK_SECONDS = 7 * 24 * 3600
const WARM_CONCURRENCY = 8
const MAX_REPORTED_ERRORS = 5
/** The original's common study scenarios. */
const COMMON_PARAMS = [
  { difficulty: { min: 1, max: 5 }, limit: 20 },
  { difficulty: { min: 3, max: 5 }, limit: 15 },
  { difficulty: { min: 1, max: 3 }, limit: 25 },
]
const LEADERBOARD_SIZE = 20
const LEADERBOARD_PROGRESS = 10

// answered_at holds unix seconds in most rows and 'YYYY-MM-DD HH:MM:SS' (UTC) in some: the
// CASE turns both into seconds (the expression of migration 002, so its indexes match). The
// exam list is bound as JSON, never spliced into the SQL.
const ACTIVE_USERS_SQL = `SELECT ua.user_id AS user_id, q.exam_id AS exam_id, count(*) AS n
FROM user_answers ua JOIN questions q ON q.id = ua.question_id
WHERE q.exam_id IN (SELECT value FROM json_each(?))
  AND (CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END) >= ?
GROUP BY ua.user_id, q.exam_id ORDER BY n DESC LIMIT ?`
const ACTIVE_EXAMS_SQL = 'SELECT id FROM exams WHERE is_active = 1 ORDER BY total_attempts DESC LIMIT 10'

/** Runs `tasks` (functions returning promises) at most `limit` at a time; counts outcomes. */
async function runPool(tasks, limit) {
  const out = { warmed: 0, failed: 0, errors: [] }
  let next = 0
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]
      try {
        const n = await task() // not `out.warmed += await ...`: that reads warmed before awaiting
        out.warmed += n
      } catch (err) {
        out.failed++
        if (out.errors.length < MAX_REPORTED_ERRORS) out.errors.push(err && err.message ? err.message : String(err))
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  return out
}

function checkExamIds(examIds) {
  if (!Array.isArray(examIds)) throw invalidType('examIds', 'an array of exam ids')
  examIds.forEach((id, i) => checkId(`examIds[${i}]`, id))
  return [...new Set(examIds)]
}

/**
 * Fills the StudyCache ahead of demand by running the optimized queries for the most active
 * users of the last 7 days and for the leaderboards. Needs `db` (an EdgeOptimizedDatabase, to
 * find those users and exams) and `queries` (the `createOptimizedQueries(db)` result).
 */
class CacheWarmer {
  constructor(studyCache, db, queries) {
    if (!(studyCache instanceof StudyCache)) throw invalidType('studyCache', 'a StudyCache')
    if (db !== undefined && db !== null && (typeof db !== 'object' || typeof db.execute !== 'function')) {
      throw invalidType('db', 'a database with execute() (an EdgeOptimizedDatabase)')
    }
    if (queries !== undefined && queries !== null && typeof queries !== 'object') {
      throw invalidType('queries', 'the createOptimizedQueries(db) result')
    }
    this.studyCache = studyCache
    this.db = db || null
    this.queries = queries || null
    this._timer = null
    /** The outcome of the last scheduled run: {at, result} or {at, error}. */
    this.lastRun = null
  }

  _queries(...paths) {
    const q = this.queries
    if (!q) {
      throw makeError({
        kind: 'type',
        code: 'ERR_QUERIES_REQUIRED',
        message: 'queries must be the createOptimizedQueries(db) result: pass it as new CacheWarmer(studyCache, db, queries) or createCachingStrategy({ db, queries })',
      })
    }
    for (const p of paths) {
      const [group, fn] = p.split('.')
      if (!q[group] || typeof q[group][fn] !== 'function') throw invalidType(`queries.${p}`, 'a function')
    }
    return q
  }

  _db() {
    if (!this.db) throw invalidType('db', 'a database with execute(): CacheWarmer finds active users and exams through it')
    return this.db
  }

  /** The most active (user, exam) pairs of the last 7 days among `examIds`. */
  async activeUsers(examIds, topUsers = 100) {
    const exams = checkExamIds(examIds)
    checkId('topUsers', topUsers)
    if (exams.length === 0) return []
    const since = Math.floor(Date.now() / 1000) - WEEK_SECONDS
    const rs = await this._db().execute(ACTIVE_USERS_SQL, [JSON.stringify(exams), since, topUsers], { cache: false })
    return rs.rows.map((r) => ({ userId: Number(r.user_id), examId: Number(r.exam_id), answers: Number(r.n) }))
  }

  /** Caches study questions in the common scenarios for the most active users of `examIds`. */
  async warmPopularQuestions(examIds, topUsers = 100) {
    const started = performance.now()
    const q = this._queries('study.getOptimizedStudyQuestions')
    const users = await this.activeUsers(examIds, topUsers)
    const tasks = []
    for (const { userId, examId } of users) {
      for (const params of COMMON_PARAMS) {
        tasks.push(async () => {
          const questions = await q.study.getOptimizedStudyQuestions({ userId, examId, ...params })
          this.studyCache.cacheStudyQuestions(userId, examId, params, questions)
          return 1
        })
      }
    }
    const r = await runPool(tasks, WARM_CONCURRENCY)
    return { ...r, users: users.length, ms: performance.now() - started }
  }

  /** Caches each exam's leaderboard and the progress of its top users. */
  async warmProgressCaches(examIds) {
    const started = performance.now()
    const q = this._queries('progress.getExamLeaderboardOptimized', 'progress.getUserProgressOptimized')
    const exams = checkExamIds(examIds)
    const top = [] // [userId, examId] of each leaderboard's leaders, loaded after the boards
    const boards = await runPool(
      exams.map((examId) => async () => {
        const board = await q.progress.getExamLeaderboardOptimized(examId, LEADERBOARD_SIZE)
        this.studyCache.cacheLeaderboard(examId, LEADERBOARD_SIZE, board)
        for (const entry of (Array.isArray(board) ? board : []).slice(0, LEADERBOARD_PROGRESS)) top.push([entry.userId, examId])
        return 1
      }),
      WARM_CONCURRENCY,
    )
    const progress = await runPool(
      top.map(([userId, examId]) => async () => {
        const p = await q.progress.getUserProgressOptimized(userId, examId)
        if (p === null || p === undefined) return 0
        this.studyCache.cacheUserProgress(userId, examId, p)
        return 1
      }),
      WARM_CONCURRENCY,
    )
    return {
      warmed: boards.warmed + progress.warmed,
      failed: boards.failed + progress.failed,
      errors: [...boards.errors, ...progress.errors].slice(0, MAX_REPORTED_ERRORS),
      ms: performance.now() - started,
    }
  }

  /** Both warmings for the 10 most attempted active exams. */
  async scheduledWarming() {
    const started = performance.now()
    this._queries('study.getOptimizedStudyQuestions', 'progress.getExamLeaderboardOptimized', 'progress.getUserProgressOptimized')
    const rs = await this._db().execute(ACTIVE_EXAMS_SQL, undefined, { cache: false })
    const examIds = rs.rows.map((r) => Number(r.id))
    const [questions, progress] = await Promise.all([this.warmPopularQuestions(examIds), this.warmProgressCaches(examIds)])
    return {
      warmed: questions.warmed + progress.warmed,
      failed: questions.failed + progress.failed,
      errors: [...questions.errors, ...progress.errors].slice(0, MAX_REPORTED_ERRORS),
      exams: examIds.length,
      questions,
      progress,
      ms: performance.now() - started,
    }
  }

  /** Runs scheduledWarming every `intervalMs` (default: hourly) on a timer that never keeps Node alive. */
  start(intervalMs = HOUR_MS) {
    checkNumber('intervalMs', intervalMs)
    // setInterval turns a delay above 2**31-1 ms into 1 ms.
    if (!Number.isFinite(intervalMs) || intervalMs < 1000 || intervalMs > MAX_TIMER_MS) {
      throw outOfRange('intervalMs', `a number of milliseconds from 1000 to ${MAX_TIMER_MS}`)
    }
    this._queries('study.getOptimizedStudyQuestions', 'progress.getExamLeaderboardOptimized', 'progress.getUserProgressOptimized')
    this._db()
    this.cleanup()
    let running = false
    this._timer = setInterval(() => {
      if (running) return // a slow run is never doubled up
      running = true
      this.scheduledWarming().then(
        (result) => {
          this.lastRun = { at: new Date(), result }
        },
        (error) => {
          this.lastRun = { at: new Date(), error }
          console.error('cache warming failed:', error)
        },
      ).finally(() => {
        running = false
      })
    }, intervalMs)
    this._timer.unref()
  }

  /** Stops the schedule. */
  cleanup() {
    if (this._timer) clearInterval(this._timer)
    this._timer = null
  }
}

// ---------------------------------------------------------------------------------------

const DISTRIBUTED_OPTIONS = new Set(['channel', 'localMaxSize', 'localTtlSeconds', 'commandTimeoutMs'])

/**
 * Redis shared by every process, with a local cache in front. When Redis is unreachable the
 * calls fall back to the local cache without throwing (see getStats().distributed), and
 * Redis is used again once it answers. Deletes and tag invalidations reach every process.
 */
class DistributedCache {
  /**
   * @param {string} [redisUrl] redis://[user:password@]host:port[/db]; default process.env.REDIS_URL
   * @param {{channel?: string, localMaxSize?: number, localTtlSeconds?: number, commandTimeoutMs?: number}} [options]
   */
  constructor(redisUrl, options) {
    const url = redisUrl ?? process.env.REDIS_URL
    if (typeof url !== 'string' || url === '') throw invalidType('redisUrl', 'a redis:// URL (or set REDIS_URL)')
    const o = options === undefined || options === null ? {} : checkObject('options', options)
    for (const k of Object.keys(o)) {
      if (!DISTRIBUTED_OPTIONS.has(k)) throw outOfRange(`options.${k}`, `one of ${[...DISTRIBUTED_OPTIONS].join(', ')}`)
    }
    if (o.channel !== undefined && typeof o.channel !== 'string') throw invalidType('options.channel', 'a string')
    for (const k of ['localMaxSize', 'localTtlSeconds', 'commandTimeoutMs']) {
      if (o[k] !== undefined) checkNumber(`options.${k}`, o[k])
    }
    this._native = call(
      () => new NativeDistributedCache(url, o.channel ?? null, o.localMaxSize ?? null, o.localTtlSeconds ?? null, o.commandTimeoutMs ?? null),
    )
  }

  /** Resolves true once connected to Redis, false after `timeoutMs`. */
  ready(timeoutMs = 5000) {
    checkNumber('timeoutMs', timeoutMs)
    return callAsync(Promise.resolve().then(() => this._native.ready(timeoutMs)))
  }

  /** The value (a fresh copy) from the local cache, else from Redis; null when absent. */
  async get(key) {
    checkKey(key)
    const local = this._native.getLocal(key)
    if (local !== null && local !== undefined) return parse(local)
    return parse(await callAsync(this._native.fetch(key)))
  }

  /** Caches `data` here and in Redis for `ttlSeconds`; `options.tags` group entries for invalidateTags. */
  async set(key, data, ttlSeconds = 300, options) {
    checkKey(key)
    const ttl = checkOptionalTtl('ttlSeconds', ttlSeconds) ?? 300
    const tags = options === undefined || options === null ? [] : checkObject('options', options).tags ?? []
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) throw invalidType('options.tags', 'an array of strings')
    const json = toJson('data', data)
    await callAsync(Promise.resolve().then(() => this._native.set(key, json, ttl, tags)))
  }

  /** Deletes the key here, in Redis and in every other process's local cache. */
  async del(key) {
    checkKey(key)
    await callAsync(this._native.del(key))
  }

  /** Deletes every entry tagged with one of `tags`, everywhere. */
  async invalidateTags(tags) {
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) throw invalidType('tags', 'an array of strings')
    await callAsync(this._native.invalidateTags(tags))
  }

  /** Local cache stats plus `distributed: {connected, fallbacks, reconnects, ...}`. */
  getStats() {
    return JSON.parse(call(() => this._native.stats()))
  }

  /** Closes the Redis connection and its background task; the local cache keeps working. */
  async cleanup() {
    this._native.close()
  }
}

// ---------------------------------------------------------------------------------------

const STRATEGY_OPTIONS = new Set(['enableDistributed', 'redisUrl', 'warmingSchedule', 'db', 'queries'])

/**
 * The caches of the app. With `enableDistributed`, invalidations go through Redis to every
 * process. `warmingSchedule: true` warms hourly and needs `db` and `queries`.
 */
function createCachingStrategy(options) {
  const o = options === undefined || options === null ? {} : checkObject('options', options)
  for (const k of Object.keys(o)) {
    if (!STRATEGY_OPTIONS.has(k)) throw outOfRange(`options.${k}`, `one of ${[...STRATEGY_OPTIONS].join(', ')}`)
  }
  for (const k of ['enableDistributed', 'warmingSchedule']) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw invalidType(`options.${k}`, 'a boolean')
  }
  if (o.redisUrl !== undefined && typeof o.redisUrl !== 'string') throw invalidType('options.redisUrl', 'a string')
  if (o.warmingSchedule && !o.queries) {
    throw invalidType('options.queries', 'the createOptimizedQueries(db) result when warmingSchedule is true')
  }
  if (o.warmingSchedule && !o.db) throw invalidType('options.db', 'a database when warmingSchedule is true')

  const studyCache = new StudyCache()
  const edgeCache = new EdgeCache()
  const warmer = new CacheWarmer(studyCache, o.db, o.queries)
  let distributed
  if (o.enableDistributed) {
    distributed = new DistributedCache(o.redisUrl)
    studyCache.attachDistributed(distributed)
  }
  if (o.warmingSchedule) warmer.start()
  return {
    studyCache,
    edgeCache,
    warmer,
    distributed,
    /** Stops the warming schedule and closes Redis. */
    async cleanup() {
      warmer.cleanup()
      if (distributed) await distributed.cleanup()
    },
  }
}

module.exports = { PerformanceCache, StudyCache, EdgeCache, CacheWarmer, DistributedCache, createCachingStrategy }
