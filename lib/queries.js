'use strict'
// createOptimizedQueries: the app's study, progress and Twitter queries, run in Rust
// (src/queries). Arguments travel as JSON, so values JSON would alter (NaN, Infinity,
// bigint, functions...) are refused here, naming the field; Rust validates the rest.

const { EdgeOptimizedDatabase } = require('./database')
const { invalidType, outOfRange } = require('./errors')
const { rowMaker } = require('./result-set')
const { resultShape } = require('../binding')

const MAX_DEPTH = 8

function checkJsonable(value, field, depth = 0) {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
      return
    case 'string':
      // JSON keeps a lone surrogate as an escape that no Rust string can hold.
      if (!value.isWellFormed()) throw invalidType(field, 'well-formed text (it holds a lone UTF-16 surrogate)')
      return
    case 'number':
      if (!Number.isFinite(value)) throw outOfRange(field, 'a finite number')
      return
    case 'object':
      if (value === null) return
      if (depth > MAX_DEPTH) throw outOfRange(field, `nested at most ${MAX_DEPTH} levels`)
      if (Array.isArray(value)) {
        value.forEach((v, i) => checkJsonable(v, `${field}[${i}]`, depth + 1))
        return
      }
      if (value instanceof Date || Buffer.isBuffer(value)) throw invalidType(field, 'a number, string, boolean, array or plain object')
      for (const k of Object.keys(value)) {
        if (!k.isWellFormed()) throw invalidType(field, 'an object whose keys are well-formed text')
        checkJsonable(value[k], field ? `${field}.${k}` : k, depth + 1)
      }
      return
    default:
      throw invalidType(field, `a number, string, boolean, array or plain object, not ${typeof value}`)
  }
}

function encode(names, args) {
  args.forEach((a, i) => checkJsonable(a, names[i]))
  return JSON.stringify(args.map((a) => (a === undefined ? null : a)))
}

// Rust sends timestamps as unix seconds and lists their keys; the app's ORM gave Dates.
function reviveRow(row, dates) {
  if (row) for (const k of dates) if (typeof row[k] === 'number') row[k] = new Date(row[k] * 1000)
  return row
}

// A list's rows are arrays under a row shape (src/queries/rows.rs): its keys and which are
// timestamps, fetched once per shape; a constructor per shape builds the objects.
const rowMakers = new Map()

function makerOf(shape) {
  let make = rowMakers.get(shape)
  if (make === undefined) {
    const [keys, kinds] = JSON.parse(resultShape(shape))
    make = rowMaker(keys, kinds.flatMap((k, i) => (k === 'date' ? [i] : [])))
    rowMakers.set(shape, make)
  }
  return make
}

function rows(r) {
  const list = r.rows
  if (list.length === 0) return list
  const make = makerOf(r.rowShape)
  for (let i = 0; i < list.length; i++) list[i] = make(list[i])
  return list
}
const one = (r) => reviveRow(r.row, r.dates)

function call(db, name, argNames, args) {
  let json
  try {
    json = encode(argNames, args)
  } catch (err) {
    return Promise.reject(err)
  }
  return db._query(name, json)
}

// Time a replica's sync takes beyond its interval, with room to spare.
const SYNC_MARGIN_MS = 1000

/** Milliseconds between an embedded replica's syncs; 0 for any other backend. */
function replicaSyncMs(db) {
  const c = db.config
  return c.backend === 'replica' ? c.syncInterval * 1000 : 0
}

// After a committed write, the cached entries of its users and sessions go, here and (with
// Redis) in every process, before the write resolves: a later read is never stale. On an
// embedded replica they go again once every replica has synced: another node that loaded
// them from its own replica before that replica held the write cached the old rows (in
// Redis too) and would otherwise serve them until their TTL.
async function forget(db, cache, users, sessions) {
  if (!cache) return
  const drop = () => Promise.all([...[...users].map((u) => cache.invalidateUserCache(u)), ...[...sessions].map((s) => cache.invalidateSessionCache(s))])
  await drop()
  const syncMs = replicaSyncMs(db)
  if (syncMs > 0) setTimeout(() => drop().catch(() => {}), syncMs + SYNC_MARGIN_MS).unref()
}

function forgetAnswers(db, cache, answers) {
  const users = new Set()
  const sessions = new Set()
  for (const a of answers) {
    if (a && Number.isSafeInteger(a.userId)) users.add(a.userId)
    if (a && Number.isSafeInteger(a.studySessionId)) sessions.add(a.studySessionId)
  }
  return forget(db, cache, users, sessions)
}

class OptimizedStudyQueries {
  constructor(db, cache) {
    this.db = db
    this.cache = cache
  }

  /** Questions for a study session; random order without sorting the whole exam. */
  async getOptimizedStudyQuestions(params) {
    const load = async () => rows(await call(this.db, 'getOptimizedStudyQuestions', ['params'], [params]))
    if (!this.cache || !params || typeof params !== 'object') return load()
    return this.cache.loadStudyQuestions(params.userId, params.examId, params, load)
  }

  /** Records an answer and updates its question's statistics in one transaction. */
  async recordAnswerOptimized(answer) {
    const row = one(await call(this.db, 'recordAnswerOptimized', ['answer'], [answer]))
    await forgetAnswers(this.db, this.cache, [answer])
    return row
  }

  /** Records many answers all or nothing, one statistics update per distinct question. */
  async recordAnswersBatch(answers) {
    const written = rows(await call(this.db, 'recordAnswersBatch', ['answers'], [answers]))
    await forgetAnswers(this.db, this.cache, answers)
    return written
  }

  /** Recomputes a session's figures and writes them back; null when it has no answers. */
  async updateSessionProgressOptimized(sessionId) {
    const session = one(await call(this.db, 'updateSessionProgressOptimized', ['sessionId'], [sessionId]))
    if (session) await forget(this.db, this.cache, [session.userId], [sessionId])
    return session
  }

  /** Full-text search (FTS5, bm25) over question text, explanation and reference. */
  async searchQuestions(text, options) {
    return rows(await call(this.db, 'searchQuestions', ['text', 'options'], [text, options]))
  }
}

const EXAM_KEYS = { examName: 'name', examCode: 'code', examPassingScore: 'passingScore', examQuestionCount: 'questionCount', examTimeLimitMinutes: 'timeLimitMinutes' }

class OptimizedProgressQueries {
  constructor(db, cache) {
    this.db = db
    this.cache = cache
  }

  /** `{progress, exam, recentActivity, currentStreak}` or null. */
  async getUserProgressOptimized(userId, examId) {
    if (!this.cache || !Number.isSafeInteger(userId) || !Number.isSafeInteger(examId) || userId < 1 || examId < 1) {
      return this._userProgress(userId, examId)
    }
    return this.cache.loadUserProgress(userId, examId, () => this._userProgress(userId, examId))
  }

  async _userProgress(userId, examId) {
    const row = one(await call(this.db, 'getUserProgressOptimized', ['userId', 'examId'], [userId, examId]))
    if (!row) return null
    const exam = {}
    for (const [from, to] of Object.entries(EXAM_KEYS)) {
      exam[to] = row[from]
      delete row[from]
    }
    const recentActivity = (row.recentActivity || []).map((a) => ({ ...a, answeredAt: a.answeredAt == null ? null : new Date(a.answeredAt * 1000) }))
    const currentStreak = row.streak
    delete row.recentActivity
    delete row.streak
    return { progress: row, exam, recentActivity, currentStreak }
  }

  /** Users with more than 50 questions seen, by readiness, with rank and weekly activity. */
  async getExamLeaderboardOptimized(examId, limit) {
    const load = async () => rows(await call(this.db, 'getExamLeaderboardOptimized', ['examId', 'limit'], [examId, limit]))
    const n = limit === undefined ? 10 : limit
    if (!this.cache || !Number.isSafeInteger(examId) || !Number.isSafeInteger(n) || examId < 1 || n < 1 || n > 1000) return load()
    return this.cache.loadLeaderboard(examId, n, load)
  }
}

class OptimizedTwitterQueries {
  constructor(db) {
    this.db = db
  }

  async getPendingOpportunitiesOptimized(limit) {
    return rows(await call(this.db, 'getPendingOpportunitiesOptimized', ['limit'], [limit]))
  }

  /** Daily growth of the last `days` days, newest first, with 7-row rolling averages. */
  async getGrowthAnalyticsOptimized(days) {
    return rows(await call(this.db, 'getGrowthAnalyticsOptimized', ['days'], [days]))
  }
}

/** `EXPLAIN QUERY PLAN` of every optimized query: `{queryName: [plan line, ...]}`. */
async function explainQueries(db) {
  if (!(db instanceof EdgeOptimizedDatabase)) throw invalidType('db', 'an EdgeOptimizedDatabase')
  return db._query('explain', '[]')
}

function createOptimizedQueries(db, options) {
  if (!(db instanceof EdgeOptimizedDatabase)) throw invalidType('db', 'an EdgeOptimizedDatabase')
  if (options !== undefined && (options === null || typeof options !== 'object')) throw invalidType('options', 'an object')
  const cache = options && options.cache
  if (cache !== undefined && !(cache instanceof require('./caching').StudyCache)) throw invalidType('options.cache', 'a StudyCache')
  for (const k of Object.keys(options || {})) if (k !== 'cache') throw outOfRange(`options.${k}`, 'cache')
  return {
    study: new OptimizedStudyQueries(db, cache),
    progress: new OptimizedProgressQueries(db, cache),
    twitter: new OptimizedTwitterQueries(db),
  }
}

module.exports = { createOptimizedQueries, explainQueries, OptimizedStudyQueries, OptimizedProgressQueries, OptimizedTwitterQueries }
