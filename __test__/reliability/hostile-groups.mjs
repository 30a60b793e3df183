// The hostile-input corpus as case lists, one group per API area, and the machinery that
// runs a case (hostile-input.test.mjs runs each group in a child process,
// support/children/hostile-runner.mjs, so a crash fails its case and the rest still run).
// A case: {api, field, label, expect: 'ok' | 'reject' | 'either', run, writes?, verify?,
// names?, codes?}. 'reject': a TypeError/RangeError naming the field, nothing written.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { api, errorOf, openFile, rows, tableCounts, APP_TABLES } from './helpers.mjs'
import {
  HOSTILE, MISSING, valueOf, ID, INT, NUM, BOOL, ENUM, TEXT, OPT, OPTU, IDS, isWellFormed, namesField, isTypeOrRange,
} from './hostile-corpus.mjs'

const TABLES = [...APP_TABLES, 'scratch']
const CASE_TIMEOUT_MS = 10_000
export const figures = { cases: 0, refused: 0, accepted: 0, verbatim: 0 }

let dir, db, q
const closers = []

/** The seeded, optimized file every group starts from (one per test run). */
export async function makeTemplate(file) {
  const t = openFile(file)
  await api.seedDatabase(t, { scale: 0.01 })
  await api.optimizeDatabase(t) // searchQuestions needs the FTS index
  await t.execute('CREATE TABLE scratch (id INTEGER PRIMARY KEY, v)')
  await t.execute('PRAGMA wal_checkpoint(TRUNCATE)', [], { cache: false })
  await t.cleanup()
}

/** Opens the group's own copy of the template. */
export async function openContext(file, workDir) {
  dir = workDir
  db = openFile(file)
  await db.ready()
  q = api.createOptimizedQueries(db)
  return { db, q }
}

export async function closeContext() {
  for (const c of closers.splice(0)) await Promise.resolve().then(c).catch(() => {})
  await db?.cleanup()
}

export const isPlain = (v) => v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype
/** A value a SQL parameter accepts and stores as it is. */
function bindable(v) {
  if (v === null || typeof v === 'boolean') return true
  if (typeof v === 'number') return Number.isFinite(v)
  if (typeof v === 'bigint') return v >= -(2n ** 63n) && v < 2n ** 63n
  if (typeof v === 'string') return isWellFormed(v)
  if (v instanceof Date) return Number.isFinite(v.getTime())
  return Buffer.isBuffer(v) || v instanceof Uint8Array
}
/** What reading back a bound value gives. */
function stored(v) {
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof Date) return Math.floor(v.getTime() / 1000)
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v)
  if (Object.is(v, -0)) return 0
  return v
}

/**
 * Runs one case. `expect`: 'ok' (must succeed; a RangeError ERR_NOT_FOUND naming the
 * field counts, the id being valid), 'reject', or 'either' (a refusal must still be a
 * TypeError/RangeError naming the field, or carry one of `codes`). Returns a problem text
 * or null.
 */
export async function runCase(c) {
  figures.cases++
  const before = c.writes ? await tableCounts(db, TABLES) : null
  let result
  let timedOut = false
  const err = await errorOf(async () => {
    const p = Promise.resolve().then(c.run)
    let timer
    const guard = new Promise((_, rej) => {
      timer = setTimeout(() => {
        timedOut = true
        c.onTimeout?.()
        rej(new Error(`no answer within ${CASE_TIMEOUT_MS} ms`))
      }, CASE_TIMEOUT_MS)
    })
    try {
      result = await Promise.race([p, guard])
    } finally {
      clearTimeout(timer)
    }
  })
  const where = `${c.api} ${c.field} = ${c.label}`
  if (timedOut) return `${where}: hung (${err.message})`
  const names = [c.field, ...(c.names ?? [])]
  const namedRefusal = err && isTypeOrRange(err) && (c.anyField || names.some((f) => namesField(err, f)))
  const allowedCode = err && c.codes?.includes(err.code)
  const notFound = err && err instanceof RangeError && err.code === 'ERR_NOT_FOUND' && names.some((f) => namesField(err, f))
  let problem = null
  if (c.expect === 'reject') {
    if (!err) problem = `accepted (expected a TypeError/RangeError naming ${c.field})`
    else if (!namedRefusal) problem = `refused with ${err.constructor?.name} ${err.code}: ${String(err.message).slice(0, 160)} (expected a TypeError/RangeError naming ${c.field})`
  } else if (c.expect === 'ok') {
    if (err && !notFound && !allowedCode) problem = `refused a valid value: ${err.constructor?.name} ${err.code}: ${String(err.message).slice(0, 160)}`
  } else if (err && !namedRefusal && !allowedCode && !notFound) {
    problem = `refused with ${err.constructor?.name} ${err.code}: ${String(err.message).slice(0, 160)} (a refusal must be a TypeError/RangeError naming ${c.field})`
  }
  if (err) figures.refused++
  else figures.accepted++
  if (!err && c.verify && !problem) {
    try {
      await c.verify(result)
      figures.verbatim++
    } catch (e) {
      problem = `accepted but not stored verbatim: ${e.message.split('\n')[0].slice(0, 200)}`
    }
  }
  if (!err && c.after) await c.after(result)
  if (err && c.writes) {
    const now = await tableCounts(db, TABLES)
    const changed = TABLES.filter((t) => now[t] !== before[t]).map((t) => `${t} ${before[t]} -> ${now[t]}`)
    if (changed.length) problem = `${problem ? `${problem}; ` : ''}refused but wrote: ${changed.join(', ')}`
  }
  return problem ? `${where}: ${problem}` : null
}

/** Expectation for `value` under `rule` (true, false or 'either'). */
function expectFor(rule, value) {
  const r = rule(value)
  return r === 'either' ? 'either' : r ? 'ok' : 'reject'
}

/**
 * Cases for one object argument: every hostile value in every field, the whole argument
 * replaced, an unknown extra field and an own __proto__ key.
 */
function objectCases({ api: name, arg, base, fields, run, whole, strict = true, writes = false, verify = {}, after, names, codes, onTimeout }) {
  const cases = []
  const common = { api: name, writes, after, names, codes, onTimeout }
  for (const [key, rule] of Object.entries(fields)) {
    for (const [label, raw] of HOSTILE) {
      const v = valueOf(raw)
      const a = base()
      setPath(a, key, v)
      const field = `${arg}.${key}`
      cases.push({ ...common, field, label, expect: expectFor(rule, v), run: () => run(a), verify: verify[key] && ((res) => verify[key](res, v)) })
    }
  }
  for (const [label, raw] of HOSTILE) {
    if (label === 'missing' && whole === undefined) continue
    const v = valueOf(raw)
    // An object in place of the argument may be refused for any of its (missing) fields.
    const anyField = v !== null && typeof v === 'object'
    cases.push({ ...common, field: arg, label: `whole ${label}`, expect: expectFor(whole ?? (() => false), v), run: () => run(v === MISSING ? undefined : v), names: [...(names ?? []), '__proto__', 'polluted'], anyField })
  }
  cases.push({ ...common, field: `${arg}.unknownField`, label: 'extra field', expect: strict ? 'reject' : 'either', run: () => run({ ...base(), unknownField: 1 }) })
  const proto = JSON.parse(JSON.stringify(base(), (k, v) => (typeof v === 'bigint' ? Number(v) : v)))
  Object.defineProperty(proto, '__proto__', { value: { polluted: true }, enumerable: true, configurable: true, writable: true })
  cases.push({ ...common, field: `${arg}.__proto__`, label: 'own __proto__ key', expect: strict ? 'reject' : 'either', run: () => run(proto) })
  return cases
}

/** Sets `a.b.c` (creating objects), or deletes it for MISSING. */
function setPath(obj, path, v) {
  const parts = path.split('.')
  let o = obj
  for (const p of parts.slice(0, -1)) o = o[p] ??= {}
  const last = parts.at(-1)
  if (v === MISSING) delete o[last]
  else o[last] = v
}

/** Cases for positional arguments: every hostile value in each position, the others valid. */
function positionalCases({ api: name, params, run, writes = false, after, codes, names, onTimeout }) {
  const cases = []
  params.forEach(([field, rule], i) => {
    for (const [label, raw] of HOSTILE) {
      const v = valueOf(raw)
      const args = params.map(([, , valid]) => (typeof valid === 'function' ? valid() : valid))
      if (v === MISSING && i === params.length - 1) args.length = i
      else args[i] = v === MISSING ? undefined : v
      cases.push({ api: name, field, label, expect: expectFor(rule, v), run: () => run(...args), writes, after, codes, names, onTimeout })
    }
  })
  return cases
}

const notDb = (v) => v instanceof api.EdgeOptimizedDatabase
const dbCases = (name, run, extra = {}) => positionalCases({ api: name, params: [['db', notDb, () => db]], run, ...extra })


const EMPTY_OK = (x) => x === MISSING || x === undefined || x === null || (isPlain(x) && Object.keys(x).length === 0)
/** An options object: absent or {} is fine; another non-array object may be taken as {}. */
const OPTIONS_WHOLE = (x) => (EMPTY_OK(x) ? true : x !== null && typeof x === 'object' && !Array.isArray(x) && !isPlain(x) ? 'either' : false)
const SQL_CODES = ['SQLITE_ERROR', 'ERR_MULTIPLE_STATEMENTS', 'SQLITE_RANGE', 'SQLITE_TOOBIG']
const sqlRule = (v) => (typeof v === 'string' && v.trim() !== '' ? 'either' : false)
const paramRule = (v) => (v === MISSING || v === undefined ? 'either' : bindable(v))

async function verifyStored(res, v) {
  const id = Number(res.lastInsertRowid)
  const got = (await rows(db, 'SELECT v FROM scratch WHERE id = ?', [id]))[0].v
  assert.deepEqual(got, stored(v))
}

export const GROUPS = {}

GROUPS.execute = () => {
  const cases = [
    ...positionalCases({ api: 'execute', params: [['sql', sqlRule, 'SELECT 1 AS one']], run: (sql) => db.execute(sql, [], { cache: false }), writes: true, codes: SQL_CODES }),
    // Stacked statements never run behind a harmless first one.
    ...['SELECT 1; DELETE FROM users', 'INSERT INTO scratch (v) VALUES (1); DROP TABLE user_answers', "SELECT 1; ATTACH DATABASE 'pwn.db' AS pwn"].map((sql) => ({
      api: 'execute', field: 'sql', label: JSON.stringify(sql), expect: 'either', codes: SQL_CODES, writes: true, run: () => db.execute(sql),
    })),
  ]
  const wholeParams = (x) =>
    x === MISSING || x === undefined || x === null || (Array.isArray(x) && x.length === 0) || (isPlain(x) && Object.keys(x).length === 0)
      ? true
      : x !== null && typeof x === 'object'
        ? 'either'
        : false
  for (const [label, raw] of HOSTILE) {
    const v = valueOf(raw)
    const absent = v === MISSING || v === undefined
    cases.push({ api: 'execute', field: 'params[0]', label, names: ['params'], expect: expectFor(paramRule, v), writes: true, codes: ['SQLITE_RANGE'], run: () => db.execute('INSERT INTO scratch (v) VALUES (?)', v === MISSING ? [] : [v]), verify: absent ? undefined : (res) => verifyStored(res, v) })
    cases.push({ api: 'execute', field: 'params.v', label, names: ['params'], expect: expectFor(paramRule, v), writes: true, codes: ['SQLITE_RANGE'], run: () => db.execute('INSERT INTO scratch (v) VALUES (:v)', v === MISSING ? {} : { v }), verify: absent ? undefined : (res) => verifyStored(res, v) })
    cases.push({ api: 'execute', field: 'params', label: `whole ${label}`, expect: expectFor(wholeParams, v), writes: true, names: ['__proto__'], codes: ['SQLITE_RANGE'], run: () => (v === MISSING ? db.execute('SELECT 1 AS one') : db.execute('SELECT 1 AS one', v)) })
  }
  cases.push(
    ...objectCases({
      api: 'execute', arg: 'options', base: () => ({ cache: false }),
      fields: { cache: OPTU(BOOL), ttl: OPTU(NUM(0, Number.MAX_VALUE)), priority: OPTU(ENUM('high', 'normal', 'low')) },
      whole: OPTIONS_WHOLE,
      run: (o) => db.execute('SELECT 1 AS one', [], o),
    }),
  )
  return cases
}

GROUPS.batch = () => {
  const ok = { sql: 'INSERT INTO scratch (v) VALUES (?)', args: ['batch-first'] }
  const cases = []
  for (const [label, raw] of HOSTILE) {
    const v = valueOf(raw)
    cases.push({ api: 'batch', field: 'statements', label: `whole ${label}`, expect: expectFor((x) => (Array.isArray(x) ? 'either' : false), v), writes: true, codes: SQL_CODES, run: () => db.batch(v === MISSING ? undefined : v) })
    cases.push({ api: 'batch', field: 'statements[1]', label, expect: v === MISSING ? 'ok' : expectFor((x) => (typeof x === 'string' ? sqlRule(x) : false), v), writes: true, codes: SQL_CODES, run: () => db.batch(v === MISSING ? [ok] : [ok, v]) })
    cases.push({ api: 'batch', field: 'statements[1].sql', label, expect: expectFor(sqlRule, v), writes: true, codes: SQL_CODES, run: () => db.batch([ok, v === MISSING ? {} : { sql: v }]) })
    cases.push({ api: 'batch', field: 'statements[1]', label: `args[0] ${label}`, names: ['params'], expect: expectFor(paramRule, v), writes: true, codes: ['SQLITE_RANGE'], run: () => db.batch([ok, { sql: 'INSERT INTO scratch (v) VALUES (?)', args: v === MISSING ? [] : [v] }]) })
  }
  return cases
}

GROUPS.transaction = () => {
  const cases = []
  for (const [label, raw] of HOSTILE) {
    const v = valueOf(raw)
    cases.push({ api: 'transaction', field: 'fn', label, expect: expectFor((x) => typeof x === 'function', v), writes: true, run: () => db.transaction(v === MISSING ? undefined : v) })
    cases.push({
      api: 'transaction', field: 'params[0]', label: `tx.execute ${label}`, names: ['params'], writes: true, codes: ['SQLITE_RANGE'],
      expect: expectFor(paramRule, v),
      run: () => db.transaction(async (tx) => {
        await tx.execute('INSERT INTO scratch (v) VALUES (?)', ['tx-first'])
        await tx.execute('INSERT INTO scratch (v) VALUES (?)', v === MISSING ? [] : [v])
      }),
    })
  }
  return cases
}

const MODES = ['practice', 'custom', 'speed_drill', 'weak_areas', 'review']
const ANSWER = {
  userId: ID, questionId: ID, studySessionId: OPT(ID), testAttemptId: OPT(ID), selectedAnswer: TEXT(10 * 1024),
  isCorrect: BOOL, timeSpentSeconds: INT(0, 7 * 86400), confidenceLevel: OPT(INT(1, 5)), flagged: OPT(BOOL), changedAnswer: OPT(BOOL),
}
const baseAnswer = () => ({ userId: 1, questionId: 1, selectedAnswer: 'a', isCorrect: true, timeSpentSeconds: 10 })
const storedAnswer = async (id) => (await rows(db, 'SELECT selected_answer AS s FROM user_answers WHERE id = ?', [id]))[0]?.s

GROUPS.answers = () => {
  const cases = [
    ...objectCases({
      api: 'recordAnswerOptimized', arg: 'answer', base: baseAnswer, fields: ANSWER, writes: true, run: (a) => q.study.recordAnswerOptimized(a),
      verify: {
        selectedAnswer: async (row, v) => {
          assert.equal(row.selectedAnswer, v, 'returned row')
          assert.equal(await storedAnswer(row.id), v, 'row in the database')
        },
      },
    }),
    ...objectCases({
      api: 'recordAnswersBatch', arg: 'answers[1]', base: baseAnswer, fields: ANSWER, writes: true, names: ['answers'],
      run: (a) => q.study.recordAnswersBatch([baseAnswer(), a]),
      verify: {
        selectedAnswer: async (list, v) => {
          assert.equal(list.length, 2)
          assert.equal(list[1].selectedAnswer, v, 'returned row')
          assert.equal(await storedAnswer(list[1].id), v, 'row in the database')
        },
      },
    }),
  ]
  for (const [label, raw] of HOSTILE) {
    const v = valueOf(raw)
    const rule = (x) => Array.isArray(x) && x.length > 0 && x.every((e) => isPlain(e) && ANSWER.userId(e.userId))
    cases.push({ api: 'recordAnswersBatch', field: 'answers', label: `whole ${label}`, expect: expectFor(rule, v), writes: true, anyField: v !== null && typeof v === 'object', run: () => q.study.recordAnswersBatch(v === MISSING ? undefined : v) })
  }
  return cases
}

GROUPS.studyReads = () => {
  const difficultyRule = (v) => (EMPTY_OK(v) ? true : v instanceof Map ? 'either' : false)
  return [
    ...objectCases({
      api: 'getOptimizedStudyQuestions', arg: 'params', base: () => ({ userId: 1, examId: 1, difficulty: { min: 1, max: 5 } }),
      fields: {
        userId: ID, examId: ID, objectiveIds: OPT(IDS(1000)), difficulty: difficultyRule, 'difficulty.min': OPT(INT(1, 5)), 'difficulty.max': OPT(INT(1, 5)),
        excludeRecentHours: OPT(NUM(0, 87_600)), limit: OPT(INT(1, 1000)), mode: OPT(ENUM(...MODES)),
      },
      run: (p) => q.study.getOptimizedStudyQuestions(p),
    }),
    ...positionalCases({ api: 'updateSessionProgressOptimized', params: [['sessionId', ID, 1]], writes: true, run: (id) => q.study.updateSessionProgressOptimized(id) }),
    ...positionalCases({
      api: 'searchQuestions', params: [['text', (v) => (isWellFormed(v) && Buffer.byteLength(v) <= 1000 ? 'either' : false), 'question']],
      run: (t) => q.study.searchQuestions(t),
    }),
    ...objectCases({
      api: 'searchQuestions', arg: 'options', base: () => ({ examId: 1, limit: 5 }), fields: { examId: OPT(ID), limit: OPT(INT(1, 1000)) },
      whole: OPTIONS_WHOLE,
      run: (o) => q.study.searchQuestions('question', o),
    }),
  ]
}

GROUPS.progressTwitter = () => [
  ...positionalCases({ api: 'getUserProgressOptimized', params: [['userId', ID, 1], ['examId', ID, 1]], run: (u, e) => q.progress.getUserProgressOptimized(u, e) }),
  ...positionalCases({ api: 'getExamLeaderboardOptimized', params: [['examId', ID, 1], ['limit', OPT(INT(1, 1000)), 10]], run: (e, l) => q.progress.getExamLeaderboardOptimized(e, l) }),
  ...positionalCases({ api: 'getPendingOpportunitiesOptimized', params: [['limit', OPT(INT(1, 1000)), 10]], run: (l) => q.twitter.getPendingOpportunitiesOptimized(l) }),
  ...positionalCases({ api: 'getGrowthAnalyticsOptimized', params: [['days', OPT(INT(1, 3650)), 30]], run: (d) => q.twitter.getGrowthAnalyticsOptimized(d) }),
]

GROUPS.moduleFunctions = () => [
  ...dbCases('createOptimizedQueries', (d) => api.createOptimizedQueries(d)),
  ...positionalCases({ api: 'createOptimizedQueries', params: [['db', notDb, () => db], ['options', OPTU((v) => (typeof v === 'object' && v !== null ? 'either' : false)), undefined]], run: (d, o) => api.createOptimizedQueries(d, o) }).filter((c) => c.field === 'options'),
  ...dbCases('explainQueries', (d) => api.explainQueries(d)),
  ...dbCases('applySchema', (d) => api.applySchema(d), { writes: true }),
  ...dbCases('monitorDatabaseHealth', (d) => api.monitorDatabaseHealth(d)),
  ...dbCases('seedDatabase', (d) => api.seedDatabase(d, { scale: 0.01 }), { writes: true }),
  ...objectCases({
    api: 'seedDatabase', arg: 'options', base: () => ({ scale: 0.01 }), fields: { scale: OPTU(NUM(Number.MIN_VALUE, 100)) }, writes: true, strict: false,
    whole: (x) => x === MISSING || x === undefined || (typeof x === 'object' && x !== null ? 'either' : false),
    run: (o) => api.seedDatabase(db, o),
  }),
  ...dbCases('optimizeDatabase', (d) => api.optimizeDatabase(d, { dryRun: true }), { writes: true }),
  ...objectCases({
    api: 'optimizeDatabase', arg: 'options', base: () => ({ dryRun: true }), writes: true,
    fields: { dryRun: OPTU(BOOL), rollback: OPTU(BOOL), maintenance: OPTU(BOOL) },
    whole: OPTIONS_WHOLE,
    run: (o) => api.optimizeDatabase(db, o),
  }),
  ...objectCases({
    api: 'optimizeDatabase', arg: 'options', base: () => ({ dryRun: true, rollback: true, steps: ['005'] }), writes: true,
    fields: { steps: OPTU((v) => (Array.isArray(v) && v.every((s) => typeof s === 'string' || Number.isInteger(s)) ? 'either' : false)) },
    run: (o) => api.optimizeDatabase(db, o),
  }).filter((c) => c.field === 'options.steps'),
]

GROUPS.config = () => {
  const STRING = OPTU((v) => (typeof v === 'string' ? 'either' : false))
  const SETTINGS = {
    url: STRING, authToken: STRING, encryptionKey: STRING, replicaPath: (v) => v === MISSING || v === undefined,
    maxConnections: OPTU(INT(1, 64)), syncInterval: OPTU(INT(0, 86_400)), cacheTtl: OPTU(INT(0, 31_536_000)), cacheMaxSize: OPTU(INT(0, 100_000_000)),
    slowQueryThreshold: OPTU(NUM(0, 3_600_000)), enablePerformanceAlerts: OPTU(BOOL), intMode: OPTU(ENUM('number', 'bigint')),
    readYourWrites: OPTU(BOOL), busyTimeout: OPTU(INT(0, 600_000)), requestTimeout: OPTU(INT(1, 600_000)),
  }
  const REGION = (v) => v === MISSING || v === undefined || v === null || (typeof v === 'string' ? 'either' : false)
  const file = () => ({ url: `file:${join(dir, 'cfg.db')}` })
  const make = (region, o) => {
    const d = api.createEdgeDatabase(region, o)
    closers.push(() => d.cleanup())
    return d
  }
  return [
    ...positionalCases({ api: 'createEdgeDatabase', params: [['region', REGION, undefined]], run: (r) => make(r, file()) }),
    ...objectCases({ api: 'createEdgeDatabase', arg: 'overrides', base: file, fields: SETTINGS, whole: OPTIONS_WHOLE, names: ['options'], run: (o) => make(undefined, o), codes: ['ERR_ENCRYPTION_UNAVAILABLE'] }),
    ...positionalCases({ api: 'getEdgeConfig', params: [['region', REGION, undefined]], run: (r) => api.getEdgeConfig(r, file()) }),
    ...objectCases({ api: 'getEdgeConfig', arg: 'overrides', base: file, fields: SETTINGS, whole: OPTIONS_WHOLE, names: ['options'], run: (o) => api.getEdgeConfig(undefined, o), codes: ['ERR_ENCRYPTION_UNAVAILABLE'] }),
  ]
}

const STRINGKEY = (v) => (isWellFormed(v) ? true : typeof v === 'string' ? 'either' : false)
const JSONABLE = (v) => (v === undefined || v === MISSING || typeof v === 'symbol' || typeof v === 'function' ? false : 'either')
const ANYOBJ = (v) => (v === MISSING || v === undefined || v === null ? true : typeof v === 'object' ? 'either' : false)

GROUPS.caches = () => {
  const cache = new api.PerformanceCache(100, 60)
  const study = new api.StudyCache()
  const edge = new api.EdgeCache()
  // Entries are kept at most a year (the database's CACHE_DEFAULT_TTL bound): beyond, a RangeError is as good as acceptance.
  const TTL = OPT((v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? (v <= 31_536_000 ? true : 'either') : false))
  const cases = [
    ...positionalCases({ api: 'new PerformanceCache', params: [['maxSize', OPTU((v) => (Number.isInteger(v) && v >= 1 ? 'either' : false)), 10], ['defaultTtlSeconds', OPTU((v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? 'either' : false)), 60]], run: (m, t) => new api.PerformanceCache(m, t) }),
    ...positionalCases({ api: 'PerformanceCache.set', params: [['key', STRINGKEY, 'k'], ['data', JSONABLE, 'v'], ['ttlSeconds', TTL, 30]], run: (k, d, t) => cache.set(k, d, t) }),
    ...positionalCases({ api: 'PerformanceCache.get', params: [['key', STRINGKEY, 'k']], run: (k) => cache.get(k) }),
    ...positionalCases({ api: 'PerformanceCache.delete', params: [['key', STRINGKEY, 'k']], run: (k) => cache.delete(k) }),
    ...objectCases({ api: 'PerformanceCache.setBatch', arg: 'entries[0]', base: () => ({ key: 'k', data: 1, ttl: 5 }), fields: { key: (v) => (typeof v === 'string' ? 'either' : false), data: JSONABLE, ttl: TTL }, strict: false, run: (e) => cache.setBatch([e]) }),
    ...positionalCases({ api: 'StudyCache.cacheStudyQuestions', params: [['userId', ID, 1], ['examId', ID, 1], ['params', (v) => (v === MISSING || v === undefined || v === null || isPlain(v) ? 'either' : typeof v === 'object' && !Array.isArray(v) ? 'either' : false), () => ({})], ['questions', JSONABLE, () => []]], run: (u, e, p, qs) => study.cacheStudyQuestions(u, e, p, qs) }),
    ...positionalCases({ api: 'StudyCache.getStudyQuestions', params: [['userId', ID, 1], ['examId', ID, 1]], run: (u, e) => study.getStudyQuestions(u, e, {}) }),
    ...positionalCases({ api: 'StudyCache.cacheSessionProgress', params: [['sessionId', ID, 1], ['progress', JSONABLE, () => ({})]], run: (s, p) => study.cacheSessionProgress(s, p) }),
    ...positionalCases({ api: 'StudyCache.cacheUserProgress', params: [['userId', ID, 1], ['examId', ID, 1], ['progress', JSONABLE, () => ({})]], run: (u, e, p) => study.cacheUserProgress(u, e, p) }),
    ...positionalCases({ api: 'StudyCache.cacheLeaderboard', params: [['examId', ID, 1], ['limit', INT(1, 1000), 10], ['leaderboard', JSONABLE, () => []]], run: (e, l, b) => study.cacheLeaderboard(e, l, b) }),
    ...positionalCases({ api: 'StudyCache.loadSessionProgress', params: [['sessionId', ID, 1], ['loader', (v) => typeof v === 'function', () => async () => ({ a: 1 })]], run: (s, l) => study.loadSessionProgress(s, l) }),
    ...positionalCases({ api: 'StudyCache.invalidateUserCache', params: [['userId', ID, 1]], run: (u) => study.invalidateUserCache(u) }),
    ...positionalCases({ api: 'StudyCache.invalidateExamCache', params: [['examId', ID, 1]], run: (e) => study.invalidateExamCache(e) }),
    ...positionalCases({ api: 'EdgeCache.getCacheHeaders', params: [['contentType', ENUM('static', 'dynamic', 'private'), 'static']], run: (t) => edge.getCacheHeaders(t) }),
    ...positionalCases({ api: 'EdgeCache.generateEdgeKey', params: [['operation', (v) => typeof v === 'string', 'op'], ['params', (v) => (isPlain(v) ? true : v !== null && typeof v === 'object' && !Array.isArray(v) ? 'either' : false), () => ({ a: 1 })]], run: (o, p) => edge.generateEdgeKey(o, p) }),
  ]
  // Cache values come back as they went in (JSON plus Date, Buffer and bigint), lone surrogates included.
  for (const c of cases) {
    if (c.api !== 'PerformanceCache.set' || c.field !== 'data' || c.expect === 'reject') continue
    const raw = HOSTILE.find(([l]) => l === c.label)[1]
    c.verify = () => {
      const sent = valueOf(raw)
      if (typeof sent === 'number' && !Number.isFinite(sent)) return // JSON has no NaN/Infinity: null, as JSON.stringify gives
      if (sent instanceof Date && Number.isNaN(sent.getTime())) return
      if (sent instanceof Map || sent instanceof Float64Array) return // their JSON shapes, by design
      assert.deepEqual(cache.get('k'), Object.is(sent, -0) ? 0 : sent)
    }
  }
  return cases
}

GROUPS.warmerDistributed = () => {
  const study = new api.StudyCache()
  const warmer = new api.CacheWarmer(study, db, q)
  closers.push(() => warmer.cleanup())
  const makeDistributed = (url, o) => {
    const d = new api.DistributedCache(url, o)
    closers.push(() => d.cleanup())
    return d
  }
  const makeStrategy = (o) => {
    const s = api.createCachingStrategy(o)
    closers.push(() => s.cleanup())
    return s
  }
  const NUMBER = OPTU((v) => (typeof v === 'number' ? 'either' : false))
  return [
    ...positionalCases({ api: 'new CacheWarmer', params: [['studyCache', (v) => v instanceof api.StudyCache, () => study], ['db', (v) => (v === MISSING || v === undefined || v === null ? true : typeof v?.execute === 'function' ? 'either' : false), () => db], ['queries', ANYOBJ, () => q]], run: (s, d, qq) => new api.CacheWarmer(s, d, qq) }),
    ...positionalCases({ api: 'CacheWarmer.activeUsers', params: [['examIds', (v) => Array.isArray(v) && v.every(ID), () => [1]], ['topUsers', OPTU(ID), 10]], run: (e, t) => warmer.activeUsers(e, t), names: ['examIds'] }),
    // setInterval keeps at most 2**31-1 ms; a longer interval must be refused, not turned into 1 ms.
    ...positionalCases({ api: 'CacheWarmer.start', params: [['intervalMs', OPTU(NUM(1000, 2 ** 31 - 1)), 3_600_000]], run: (ms) => warmer.start(ms), after: () => warmer.cleanup() }),
    ...positionalCases({ api: 'new DistributedCache', params: [['redisUrl', (v) => (typeof v === 'string' && v !== '' ? 'either' : false), 'redis://127.0.0.1:1']], run: (u) => makeDistributed(u, { commandTimeoutMs: 50 }) }),
    ...objectCases({
      api: 'new DistributedCache', arg: 'options', base: () => ({ commandTimeoutMs: 50 }),
      fields: { channel: OPTU((v) => (typeof v === 'string' ? 'either' : false)), localMaxSize: NUMBER, localTtlSeconds: NUMBER, commandTimeoutMs: NUMBER },
      whole: ANYOBJ, run: (o) => makeDistributed('redis://127.0.0.1:1', o),
    }),
    ...objectCases({
      api: 'createCachingStrategy', arg: 'options', base: () => ({}),
      fields: { enableDistributed: OPTU((v) => (v === true ? 'either' : BOOL(v))), redisUrl: OPTU((v) => (typeof v === 'string' ? 'either' : false)), warmingSchedule: OPTU((v) => (v === true ? 'either' : BOOL(v))), db: ANYOBJ, queries: ANYOBJ },
      whole: (v) => (EMPTY_OK(v) ? true : typeof v === 'object' && !Array.isArray(v) ? 'either' : false),
      names: ['redisUrl', 'queries', 'db'],
      run: (o) => makeStrategy(o),
    }),
  ]
}

const MONITOR = { slowQueryThreshold: OPTU(NUM(0, 3_600_000)), enablePerformanceAlerts: OPTU(BOOL), alertCooldown: OPTU(NUM(0, 86_400_000)) }

GROUPS.monitoring = () => {
  const keep = (m) => (closers.push(() => m.close()), m)
  const monitor = keep(new api.DatabaseMonitor(null, { alertCooldown: 0 }))
  const interceptor = new api.PerformanceInterceptor(monitor)
  const FINITE = (v) => v === MISSING || v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v))
  return [
    ...positionalCases({ api: 'new DatabaseMonitor', params: [['db', (v) => v === MISSING || v === undefined || v === null || notDb(v), () => db]], run: (d) => keep(new api.DatabaseMonitor(d)) }),
    ...objectCases({ api: 'new DatabaseMonitor', arg: 'options', base: () => ({}), fields: MONITOR, whole: OPTIONS_WHOLE, run: (o) => keep(new api.DatabaseMonitor(null, o)) }),
    ...objectCases({
      api: 'DatabaseMonitor.recordQuery', arg: 'metrics', base: () => ({ query: 'SELECT 1', duration: 1 }), strict: false,
      fields: {
        query: (v) => (typeof v === 'string' ? 'either' : false), duration: NUM(0, Number.MAX_VALUE), timestamp: FINITE, userId: FINITE, examId: FINITE,
        params: () => 'either', stackTrace: OPTU((v) => typeof v === 'string'), error: (v) => v === MISSING || v === undefined || v === null || typeof v === 'string' || v instanceof Error,
        operation: OPTU((v) => typeof v === 'string' && v !== ''),
      },
      run: (m) => monitor.recordQuery(m),
    }),
    ...positionalCases({ api: 'DatabaseMonitor.getAnalytics', params: [['timeRange', OPTU((v) => typeof v === 'number' && v >= 0), 1000]], run: (t) => monitor.getAnalytics(t) }),
    ...positionalCases({ api: 'DatabaseMonitor.onAlert', params: [['callback', (v) => typeof v === 'function', () => () => {}]], run: (cb) => monitor.onAlert(cb) }),
    ...positionalCases({ api: 'new PerformanceInterceptor', params: [['monitor', (v) => v instanceof api.DatabaseMonitor, () => monitor]], run: (m) => new api.PerformanceInterceptor(m) }),
    ...positionalCases({ api: 'wrapDatabaseMethod', params: [['method', (v) => typeof v === 'function', () => async () => 1]], run: (m) => interceptor.wrapDatabaseMethod(m, { operation: 'op' }) }),
    ...objectCases({
      api: 'wrapDatabaseMethod', arg: 'context', base: () => ({ operation: 'op', table: 't' }), strict: false,
      fields: { operation: (v) => typeof v === 'string' && v !== '', table: OPTU((v) => typeof v === 'string') },
      run: (c) => interceptor.wrapDatabaseMethod(async () => 1, c)(),
    }),
    ...dbCases('new DatabaseHealthChecker', (d) => new api.DatabaseHealthChecker(d)),
    ...dbCases('createMonitoringSystem', (d) => keep(api.createMonitoringSystem(d, { logAlerts: false }).monitor)),
    ...objectCases({
      api: 'createMonitoringSystem', arg: 'options', base: () => ({ logAlerts: false }), fields: { ...MONITOR, logAlerts: OPTU(BOOL) },
      whole: (x) => (x === MISSING || x === undefined || (isPlain(x) && Object.keys(x).length === 0) ? true : x !== null && typeof x === 'object' && !Array.isArray(x) && !isPlain(x) ? 'either' : false),
      run: (o) => keep(api.createMonitoringSystem(db, o).monitor),
    }),
  ]
}

GROUPS.loadtest = () => {
  let tester = null
  const scenarios = () => [{ name: 's', weight: 1, operations: [{ type: 'leaderboard', frequency: 6000 }] }]
  const base = () => ({ maxUsers: 1, rampUpTimeMs: 0, testDurationMs: 100, scenarios: scenarios(), seed: 1 })
  const run = (c, o) => {
    tester = new api.DatabaseLoadTester(db)
    return tester.runLoadTest(c, o)
  }
  const NUMBER = (v) => (typeof v === 'number' && Number.isFinite(v) ? 'either' : false)
  return [
    ...dbCases('new DatabaseLoadTester', (d) => new api.DatabaseLoadTester(d)),
    ...dbCases('createLoadTester', (d) => api.createLoadTester(d)),
    ...objectCases({
      api: 'runLoadTest', arg: 'config', base, onTimeout: () => tester?.stop(),
      fields: {
        maxUsers: (v) => (Number.isInteger(v) && v >= 1 && v <= 4 ? true : NUMBER(v)), rampUpTimeMs: OPT(NUMBER), testDurationMs: (v) => (Number.isInteger(v) && v >= 1 && v <= 200 ? true : NUMBER(v)),
        scenarios: (v) => (Array.isArray(v) ? 'either' : false), closedLoop: OPT(BOOL), seed: OPT((v) => (Number.isSafeInteger(v) && v >= 0 ? true : NUMBER(v))),
        'scenarios.0.name': (v) => (typeof v === 'string' || v instanceof Date ? 'either' : false), 'scenarios.0.weight': NUMBER, 'scenarios.0.operations.0.type': ENUM('study_questions', 'leaderboard', 'twitter_analytics'),
        'scenarios.0.operations.0.frequency': NUMBER,
      },
      names: ['config'],
      run: (c) => run(c),
    }),
    ...objectCases({
      api: 'runLoadTest', arg: 'options', base: () => ({}), onTimeout: () => tester?.stop(), strict: false,
      fields: { onProgress: OPTU((v) => typeof v === 'function'), progressIntervalMs: OPTU(NUM(50, 3_600_000)) },
      whole: (x) => x === MISSING || x === undefined || (typeof x === 'object' && x !== null ? 'either' : false),
      run: (o) => run(base(), o),
    }),
    ...objectCases({
      api: 'new LoadTestRunner', arg: 'options', base: () => ({ cooldownMs: 0, log: () => {} }), strict: false,
      fields: { cooldownMs: OPTU(NUM(0, 3_600_000)), log: OPTU((v) => typeof v === 'function') },
      whole: (x) => x === MISSING || x === undefined || (typeof x === 'object' && x !== null ? 'either' : false),
      run: (o) => new api.LoadTestRunner(db, o),
    }),
    ...positionalCases({ api: 'checkThresholds', params: [['threshold', (v) => (typeof v === 'string' ? 'either' : false), 'p95<200']], run: (t) => api.checkThresholds({ operations: [], p95ResponseTime: 1 }, [t]), names: ['thresholds', 'texts'] }),
    ...positionalCases({ api: 'renderLoadTestReport', params: [['results', (v) => (typeof v === 'object' && v !== null ? 'either' : false), () => ({})]], run: (r) => api.renderLoadTestReport(r) }),
  ]
}
