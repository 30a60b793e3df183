'use strict'
// EdgeOptimizedDatabase: the typed front over NativeDatabase. Requests issued in one
// event-loop turn travel to Rust together (one hop, one JSON.parse for all results);
// a cached read is answered synchronously by the binding without leaving this thread.

const { NativeDatabase, getEdgeConfigJson } = require('../binding')
const { call, callAsync, fromNative, invalidType, outOfRange } = require('./errors')
const { parseResult, toResult } = require('./result-set')

const PRIORITIES = new Set(['high', 'normal', 'low'])
// Turns answered on this thread settle their promises in a microtask, so a loop of awaited
// cheap calls would never give the event loop a turn by itself: once such answers have run
// for this long since the loop last turned, the next flush waits for setImmediate.
const INLINE_SLICE_MS = 2
const EXECUTE_OPTIONS = new Set(['cache', 'ttl', 'priority'])

function checkExecuteOptions(options) {
  if (options === undefined || options === null) return { cache: true, ttl: undefined }
  if (typeof options !== 'object' || Array.isArray(options)) throw invalidType('options', 'an object')
  for (const k of Object.keys(options)) {
    if (!EXECUTE_OPTIONS.has(k)) throw outOfRange(`options.${k}`, 'one of cache, ttl, priority')
  }
  const { cache, ttl, priority } = options
  if (cache !== undefined && typeof cache !== 'boolean') throw invalidType('options.cache', 'a boolean')
  if (ttl !== undefined) {
    if (typeof ttl !== 'number') throw invalidType('options.ttl', 'a number of seconds')
    if (!Number.isFinite(ttl) || ttl < 0) throw outOfRange('options.ttl', 'a finite number of seconds >= 0')
  }
  if (priority !== undefined && !PRIORITIES.has(priority)) {
    throw outOfRange('options.priority', "'high', 'normal' or 'low'")
  }
  return { cache: cache !== false, ttl }
}

function splitConfig(config) {
  if (config === undefined || config === null) return [undefined, undefined]
  if (typeof config !== 'object' || Array.isArray(config)) throw invalidType('config', 'an object')
  const { region, ...settings } = config
  if (region !== undefined && typeof region !== 'string') throw invalidType('region', 'a string')
  return [region, settings]
}

class EdgeOptimizedDatabase {
  /**
   * @param {object} [config] settings in camelCase (url, authToken, replicaPath, maxConnections, ...) and region.
   */
  constructor(config) {
    const [region, settings] = splitConfig(config)
    this._native = call(() => new NativeDatabase(region ?? null, settings))
    this._slots = []
    this._scheduled = false
    this._flush = this._flush.bind(this)
    this._observers = []
    this._inlineSince = 0
    this._loopTurned = () => {
      this._inlineSince = 0
    }
  }

  _flush() {
    this._scheduled = false
    const slots = this._slots
    this._slots = []
    const fail = (err) => {
      const e = fromNative(err)
      for (const s of slots) s.reject(e)
    }
    const settle = (json) => {
      // A turn of one is its outcome alone (Collector::into_turn_json).
      const outcomes = slots.length === 1 ? [JSON.parse(json)] : JSON.parse(json)
      for (let i = 0; i < slots.length; i++) {
        const o = toResult(outcomes[i])
        if (o instanceof Error) slots[i].reject(o)
        else slots[i].resolve(o)
      }
    }
    let answer
    try {
      // A string: the turn was answered on this thread (cheap reads); else a promise.
      answer = this._native.flush()
    } catch (err) {
      fail(err)
      return
    }
    if (typeof answer === 'string') {
      if (this._inlineSince === 0) {
        this._inlineSince = performance.now()
        setImmediate(this._loopTurned)
      }
      settle(answer)
    } else answer.then(settle, fail)
  }

  _enqueue() {
    return new Promise((resolve, reject) => {
      this._slots.push({ resolve, reject })
      if (!this._scheduled) {
        this._scheduled = true
        if (this._inlineSince !== 0 && performance.now() - this._inlineSince > INLINE_SLICE_MS) setImmediate(this._flush)
        else queueMicrotask(this._flush)
      }
    })
  }

  _observe(kind, sql, started, promise) {
    if (this._observers.length === 0) return promise
    const done = (error) => {
      const duration = performance.now() - started
      for (const o of this._observers) o(kind, sql, duration, error)
    }
    promise.then(() => done(undefined), (e) => done(e))
    return promise
  }

  /** Runs one statement. Reads are cached unless `{cache: false}`; writes invalidate what they touch. */
  execute(sql, params, options) {
    const started = this._observers.length ? performance.now() : 0
    let opts, r
    try {
      opts = checkExecuteOptions(options)
      r = this._native.submit(sql, params, opts.cache, opts.ttl ?? null)
    } catch (err) {
      return this._observe('execute', sql, started, Promise.reject(fromNative(err)))
    }
    if (typeof r === 'string') {
      const o = parseResult(r)
      return this._observe('execute', sql, started, o instanceof Error ? Promise.reject(o) : Promise.resolve(o))
    }
    return this._observe('execute', sql, started, this._enqueue())
  }

  /** Runs statements in one transaction: all or nothing, one ResultSet each. */
  batch(statements) {
    const started = this._observers.length ? performance.now() : 0
    try {
      this._native.submitBatch(statements)
    } catch (err) {
      return this._observe('batch', 'batch', started, Promise.reject(fromNative(err)))
    }
    return this._observe('batch', 'batch', started, this._enqueue())
  }

  /** Queues an optimized query (lib/queries.js) with the other requests of this turn. */
  _query(name, argsJson) {
    try {
      this._native.submitQuery(name, argsJson)
    } catch (err) {
      return Promise.reject(fromNative(err))
    }
    return this._enqueue()
  }

  /**
   * Runs `fn(tx)` in a transaction that holds the writer: commits when fn resolves, rolls
   * back when it throws or rejects. `tx` has `execute` and `batch`.
   */
  async transaction(fn) {
    if (typeof fn !== 'function') throw invalidType('fn', 'a function')
    const native = await callAsync(this._native.begin())
    const tx = {
      execute: async (sql, params) => parseResult(await callAsync(Promise.resolve().then(() => native.execute(sql, params)))),
      batch: async (statements) => parseResult(await callAsync(Promise.resolve().then(() => native.batch(statements)))),
    }
    let result
    try {
      result = await fn(tx)
    } catch (err) {
      await native.end(false).catch(() => {})
      throw err
    }
    await callAsync(native.end(true))
    return result
  }

  /** Resolves once connected and checked; rejects with the connection error. */
  ready() {
    return callAsync(this._native.ready())
  }

  /** Pulls new frames from the primary now (embedded replicas only). */
  async sync() {
    return JSON.parse(await callAsync(this._native.sync()))
  }

  /** Live `{pool, cache}` metrics (plus `replication` for an embedded replica). */
  getMetrics() {
    return JSON.parse(call(() => this._native.metrics()))
  }

  /** Checks connections, trims the cache, runs PRAGMA optimize and a WAL checkpoint. */
  async maintenance() {
    return JSON.parse(await callAsync(this._native.maintenance()))
  }

  /** Closes every connection and timer; later calls reject with ERR_DATABASE_CLOSED. */
  async cleanup() {
    const slots = this._slots
    this._slots = []
    await callAsync(this._native.cleanup())
    const closed = fromNative(new Error('{"$error":{"kind":"error","code":"ERR_DATABASE_CLOSED","message":"database closed: cleanup() was called"}}'))
    for (const s of slots) s.reject(closed)
  }

  /** The resolved settings of this database, secrets left out. */
  get config() {
    return JSON.parse(call(() => this._native.config()))
  }

  /** Called with (kind, sql, durationMs, error) after every call; used by the monitor. */
  addObserver(fn) {
    if (typeof fn !== 'function') throw invalidType('observer', 'a function')
    this._observers.push(fn)
    return () => {
      this._observers = this._observers.filter((o) => o !== fn)
    }
  }
}

/** The resolved configuration for a region, as the original returned it. */
function getEdgeConfig(region, overrides) {
  if (region !== undefined && region !== null && typeof region !== 'string') throw invalidType('region', 'a string')
  const d = JSON.parse(call(() => getEdgeConfigJson(region ?? null, overrides)))
  const env = (k) => (process.env[k] && process.env[k].trim()) || undefined
  const config = {
    url: (overrides && overrides.url) || env('TURSO_DATABASE_URL') || '',
    region: region ?? undefined,
    readYourWrites: d.readYourWrites,
    concurrency: d.concurrency,
    intMode: d.intMode,
    backend: d.backend,
    maxConnections: d.maxConnections,
    syncInterval: d.syncInterval,
    cacheTtl: d.cacheTtl,
    cacheMaxSize: d.cacheMaxSize,
    slowQueryThreshold: d.slowQueryThreshold,
    enablePerformanceAlerts: d.enablePerformanceAlerts,
  }
  // Secrets stay reachable for code that needs them but never print: not enumerable, so
  // console.log, JSON.stringify and spreads leave them out.
  const token = (overrides && overrides.authToken) || env('TURSO_AUTH_TOKEN') || ''
  Object.defineProperty(config, 'authToken', { value: token, enumerable: false })
  const key = (overrides && overrides.encryptionKey) || env('TURSO_ENCRYPTION_KEY')
  Object.defineProperty(config, 'encryptionKey', { value: key, enumerable: false })
  return config
}

/** Creates a database for a region; `overrides` win over the environment. Synchronous. */
function createEdgeDatabase(region, overrides) {
  if (region !== undefined && region !== null && typeof region !== 'string') throw invalidType('region', 'a string')
  if (overrides !== undefined && overrides !== null && (typeof overrides !== 'object' || Array.isArray(overrides))) {
    throw invalidType('overrides', 'an object')
  }
  return new EdgeOptimizedDatabase({ ...(overrides || {}), region: region ?? undefined })
}

/** Connectivity, response time and recommendations, as the original's health monitor. */
async function monitorDatabaseHealth(db) {
  if (!(db instanceof EdgeOptimizedDatabase)) throw invalidType('db', 'an EdgeOptimizedDatabase')
  const started = performance.now()
  const recommendations = []
  try {
    await db.execute('SELECT 1', undefined, { cache: false })
    const metrics = db.getMetrics()
    const responseTime = performance.now() - started
    if (responseTime > 200) recommendations.push('Consider adding more database replicas closer to users')
    if (metrics.cache.expiredEntries > metrics.cache.totalEntries * 0.3 && metrics.cache.expiredEntries > 0) {
      recommendations.push('Consider reducing cache TTL or increasing cleanup frequency')
    }
    if (metrics.pool.queuedRequests > 5) recommendations.push('Consider increasing connection pool size')
    return {
      healthy: responseTime < 500,
      metrics: { ...metrics, responseTime, timestamp: new Date().toISOString() },
      recommendations,
    }
  } catch (error) {
    return {
      healthy: false,
      metrics: { error: error.message, code: error.code },
      recommendations: ['Check database connectivity and credentials'],
    }
  }
}

module.exports = { EdgeOptimizedDatabase, createEdgeDatabase, getEdgeConfig, monitorDatabaseHealth }
