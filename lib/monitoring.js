'use strict'
// Monitoring: the original's DatabaseMonitor, PerformanceInterceptor, PerformanceBenchmark,
// DatabaseHealthChecker and createMonitoringSystem over the native core (src/monitoring).
// A monitor attached to a database records every statement its pool runs, in Rust, on the
// connection threads; alerts raised there queue in Rust and are delivered here, on the JS
// thread, when a weak threadsafe function says some are waiting.

const { NativeMonitor, NativeBenchmark, checkDatabaseHealth } = require('../binding')
const { EdgeOptimizedDatabase } = require('./database')
const { call, callAsync, invalidType, outOfRange } = require('./errors')

/** The Content-Type of `toPrometheus()` output (text exposition format 0.0.4). */
const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'
const DEFAULT_TIME_RANGE = 3600000
/** recordQuery keeps params/stackTrace as given, cut to this many characters of JSON. */
const MAX_DETAILS = 4096
const MONITOR_OPTIONS = ['slowQueryThreshold', 'enablePerformanceAlerts', 'alertCooldown']

// An attached monitor lives as long as its database (or until close()): code registers
// onAlert callbacks and drops the monitor, and expects alerts to keep coming.
const attachedTo = new WeakMap() // EdgeOptimizedDatabase -> Set<DatabaseMonitor>
// The monitor createMonitoringSystem(db) hands out, one per database: a route that calls it
// per request (the README's health check does) must not attach another observer each time.
const shared = new WeakMap() // EdgeOptimizedDatabase -> DatabaseMonitor

function isDatabase(db) {
  return db instanceof EdgeOptimizedDatabase
}

function checkNumber(field, v, min, max, unit) {
  if (typeof v !== 'number') throw invalidType(field, `a number of ${unit}`)
  if (!(v >= min && v <= max)) throw outOfRange(field, `a number of ${unit} from ${min} to ${max}`)
  return v
}

function checkMonitorOptions(options, extra = []) {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object' || Array.isArray(options)) throw invalidType('options', 'an object')
  const known = MONITOR_OPTIONS.concat(extra)
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw outOfRange(`options.${k}`, `one of ${known.join(', ')}`)
  }
  const out = {}
  if (options.slowQueryThreshold !== undefined) {
    out.slowQueryThreshold = checkNumber('options.slowQueryThreshold', options.slowQueryThreshold, 0, 3600000, 'milliseconds')
  }
  if (options.enablePerformanceAlerts !== undefined) {
    if (typeof options.enablePerformanceAlerts !== 'boolean') throw invalidType('options.enablePerformanceAlerts', 'a boolean')
    out.enablePerformanceAlerts = options.enablePerformanceAlerts
  }
  if (options.alertCooldown !== undefined) {
    out.alertCooldown = checkNumber('options.alertCooldown', options.alertCooldown, 0, 86400000, 'milliseconds')
  }
  return out
}

function optionalNumber(field, v) {
  if (v === undefined || v === null) return null
  if (typeof v !== 'number') throw invalidType(field, 'a number')
  if (!Number.isFinite(v)) throw outOfRange(field, 'a finite number')
  return v
}

/** params and stackTrace as one JSON object; bigint as text, anything unserialisable as its String(). */
function detailsJson(params, stackTrace) {
  if (params === undefined && stackTrace === undefined) return null
  const d = {}
  if (params !== undefined) {
    let p
    try {
      p = JSON.stringify(params, (_, v) => (typeof v === 'bigint' ? v.toString() : v))
    } catch {}
    if (p === undefined) p = JSON.stringify(describe(params))
    d.params = p.length > MAX_DETAILS ? `${p.slice(0, MAX_DETAILS)}…` : JSON.parse(p)
  }
  if (stackTrace !== undefined) d.stackTrace = stackTrace.length > MAX_DETAILS ? `${stackTrace.slice(0, MAX_DETAILS)}…` : stackTrace
  return JSON.stringify(d)
}

/** A text for a value JSON cannot hold (a cycle, a function, a throwing getter). */
function describe(v) {
  try {
    return String(v)
  } catch {
    return `[${typeof v}]`
  }
}

function errorText(field, error) {
  if (error === undefined || error === null || error === '') return null
  if (typeof error === 'string') return error
  if (error instanceof Error) return error.message || error.name || 'Error'
  throw invalidType(field, 'a string or an Error')
}

class DatabaseMonitor {
  /**
   * @param {EdgeOptimizedDatabase} [db] records every statement db's pool runs; omit it for
   *   a monitor fed only by recordQuery (configured from SLOW_QUERY_THRESHOLD and
   *   ENABLE_PERFORMANCE_ALERTS).
   * @param {{slowQueryThreshold?: number, enablePerformanceAlerts?: boolean, alertCooldown?: number}} [options]
   */
  constructor(db, options) {
    if (db !== undefined && db !== null && !isDatabase(db)) throw invalidType('db', 'an EdgeOptimizedDatabase (or omitted)')
    const opts = checkMonitorOptions(options)
    this._native = call(() => (db ? NativeMonitor.attach(db._native, opts) : NativeMonitor.standalone(opts)))
    this._db = db || null
    this._callbacks = []
    this._listening = false
    this._draining = false
    this._again = false
    this._reported = new WeakSet()
    if (db) {
      let set = attachedTo.get(db)
      if (!set) attachedTo.set(db, (set = new Set()))
      set.add(this)
    }
  }

  /** The thresholds in force: {slowQueryThreshold, enablePerformanceAlerts, alertCooldown, windowSize}. */
  get settings() {
    return JSON.parse(this._native.settings())
  }

  get closed() {
    return this._native.closed
  }

  /** Records one query: `{query, duration, timestamp?, userId?, examId?, params?, stackTrace?, error?, operation?}`. */
  recordQuery(metrics) {
    if (metrics === null || typeof metrics !== 'object') throw invalidType('metrics', 'an object')
    const { query, duration, timestamp, userId, examId, params, stackTrace, error, operation } = metrics
    if (typeof query !== 'string') throw invalidType('metrics.query', 'a string')
    if (typeof duration !== 'number') throw invalidType('metrics.duration', 'a number of milliseconds')
    if (!Number.isFinite(duration) || duration < 0) throw outOfRange('metrics.duration', 'a finite number of milliseconds >= 0')
    const ts = optionalNumber('metrics.timestamp', timestamp)
    const user = optionalNumber('metrics.userId', userId)
    const exam = optionalNumber('metrics.examId', examId)
    if (stackTrace !== undefined && typeof stackTrace !== 'string') throw invalidType('metrics.stackTrace', 'a string')
    if (operation !== undefined && typeof operation !== 'string') throw invalidType('metrics.operation', 'a string')
    if (operation === '') throw outOfRange('metrics.operation', 'a non-empty string')
    const err = errorText('metrics.error', error)
    const details = detailsJson(params, stackTrace)
    call(() => this._native.recordQuery(query, duration, ts, operation ?? null, err, user, exam, details))
    // Alerts this query raised reach the callbacks before recordQuery returns, as in the original.
    if (this._listening) this._drain()
  }

  /**
   * Calls `callback(alert)` on every alert, on the JS thread. A callback that throws is
   * reported (console.error, once per callback) and the others still run. Returns a
   * function that removes the callback.
   */
  onAlert(callback) {
    if (typeof callback !== 'function') throw invalidType('callback', 'a function')
    this._callbacks.push(callback)
    if (!this._listening) {
      // A weak reference: the native waker must not keep this monitor (and its database) alive.
      const ref = new WeakRef(this)
      call(() =>
        this._native.listen(() => {
          const m = ref.deref()
          if (m) m._drain()
        }),
      )
      this._listening = true
    }
    return () => {
      this._callbacks = this._callbacks.filter((c) => c !== callback)
    }
  }

  _report(callback, err) {
    if (this._reported.has(callback)) return
    this._reported.add(callback)
    console.error('DatabaseMonitor: an onAlert callback failed (reported once per callback):', err)
  }

  _drain() {
    if (this._draining) {
      // A callback recorded a query that raised an alert: the running loop picks it up.
      this._again = true
      return
    }
    this._draining = true
    try {
      do {
        this._again = false
        const json = this._native.takeAlerts()
        if (json === '[]') break
        for (const alert of JSON.parse(json)) {
          for (const cb of this._callbacks.slice()) {
            try {
              const r = cb(alert)
              if (r && typeof r.then === 'function') r.then(undefined, (e) => this._report(cb, e))
            } catch (e) {
              this._report(cb, e)
            }
          }
        }
      } while (this._again)
    } catch (e) {
      console.error('DatabaseMonitor: cannot deliver alerts:', e)
    } finally {
      this._draining = false
    }
  }

  /**
   * `{summary, slowQueries, queryPatterns, recommendations, window}` over the last
   * `timeRange` milliseconds (default one hour).
   */
  getAnalytics(timeRange = DEFAULT_TIME_RANGE) {
    if (typeof timeRange !== 'number') throw invalidType('timeRange', 'a number of milliseconds')
    if (!(timeRange >= 0)) throw outOfRange('timeRange', 'a number of milliseconds >= 0')
    return JSON.parse(call(() => this._native.analytics(timeRange)))
  }

  /** The Prometheus text exposition of what this monitor saw (serve it as PROMETHEUS_CONTENT_TYPE). */
  toPrometheus() {
    return call(() => this._native.prometheus())
  }

  /** Stops recording and drops pending alerts and callbacks. Idempotent. */
  close() {
    this._native.close()
    this._callbacks = []
    if (this._db) {
      attachedTo.get(this._db)?.delete(this)
      if (shared.get(this._db) === this) shared.delete(this._db)
    }
  }
}

class PerformanceInterceptor {
  /** @param {DatabaseMonitor} monitor */
  constructor(monitor) {
    if (!(monitor instanceof DatabaseMonitor)) throw invalidType('monitor', 'a DatabaseMonitor')
    this.monitor = monitor
  }

  /**
   * Wraps `method` so each call is recorded as `operation[ on table]` with its duration and
   * error; the result or error passes through unchanged, and `this` is kept.
   */
  wrapDatabaseMethod(method, context) {
    if (typeof method !== 'function') throw invalidType('method', 'a function')
    if (context === null || typeof context !== 'object') throw invalidType('context', 'an object')
    const { operation, table } = context
    if (typeof operation !== 'string') throw invalidType('context.operation', 'a string')
    if (operation === '') throw outOfRange('context.operation', 'a non-empty string')
    if (table !== undefined && typeof table !== 'string') throw invalidType('context.table', 'a string')
    const query = table ? `${operation} on ${table}` : operation
    const monitor = this.monitor
    return async function monitored(...args) {
      const started = performance.now()
      let error
      try {
        return await method.apply(this, args)
      } catch (err) {
        error = err instanceof Error ? err.message || err.name || 'Error' : String(err) || 'Error'
        throw err
      } finally {
        const duration = performance.now() - started
        // Recording must never change what the wrapped call returns or throws.
        try {
          if (!monitor.closed) monitor.recordQuery({ query, duration, error, operation })
        } catch {}
      }
    }
  }
}

class PerformanceBenchmark {
  constructor() {
    this._native = new NativeBenchmark()
  }

  start() {
    this._native.start()
  }

  /** Ends the measurement start() began and returns its milliseconds; throws if not started. */
  end() {
    return call(() => this._native.end())
  }

  /** {count, avg, min, max, median, p95, p99} in milliseconds. */
  getStats() {
    return JSON.parse(this._native.stats())
  }

  getAverage() {
    return this._native.average()
  }

  getMax() {
    return this._native.max()
  }

  reset() {
    this._native.reset()
  }
}

class DatabaseHealthChecker {
  /** @param {EdgeOptimizedDatabase} db */
  constructor(db) {
    if (!isDatabase(db)) throw invalidType('db', 'an EdgeOptimizedDatabase')
    this.db = db
  }

  /** `{healthy, checks: {connectivity, tables, indexes, performance, replication?}, recommendations}`. */
  async checkHealth() {
    return JSON.parse(await callAsync(Promise.resolve().then(() => checkDatabaseHealth(this.db._native))))
  }
}

function logAlert(alert) {
  const held = alert.suppressed ? ` (${alert.suppressed} more held back)` : ''
  console.warn(`🚨 Database Alert [${alert.severity}]: ${alert.message}${held}`)
}

/**
 * `{monitor, interceptor, benchmark, healthChecker}` for `db`. Without options the monitor is
 * shared: every call for the same database returns the same one (alerts logged with
 * console.warn once). With options a new monitor is attached; `logAlerts: false` leaves
 * alert handling to you.
 */
function createMonitoringSystem(db, options) {
  if (!isDatabase(db)) throw invalidType('db', 'an EdgeOptimizedDatabase')
  let monitor
  if (options === undefined) {
    monitor = shared.get(db)
    if (!monitor || monitor.closed) {
      monitor = new DatabaseMonitor(db)
      monitor.onAlert(logAlert)
      shared.set(db, monitor)
    }
  } else {
    // null is refused rather than read as "no options": options decide whether the monitor is shared.
    if (options === null) throw invalidType('options', 'an object (or omitted)')
    checkMonitorOptions(options, ['logAlerts'])
    const { logAlerts, ...monitorOptions } = options
    if (logAlerts !== undefined && typeof logAlerts !== 'boolean') throw invalidType('options.logAlerts', 'a boolean')
    monitor = new DatabaseMonitor(db, monitorOptions)
    if (logAlerts !== false) monitor.onAlert(logAlert)
  }
  return {
    monitor,
    interceptor: new PerformanceInterceptor(monitor),
    benchmark: new PerformanceBenchmark(),
    healthChecker: new DatabaseHealthChecker(db),
  }
}

module.exports = {
  DatabaseMonitor,
  PerformanceInterceptor,
  PerformanceBenchmark,
  DatabaseHealthChecker,
  createMonitoringSystem,
  PROMETHEUS_CONTENT_TYPE,
}
