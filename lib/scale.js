'use strict'
// Scale-out: several node processes (lib/scale-worker.js), each with its own embedded
// replica of one primary and, optionally, the shared Redis cache tier, driven together by
// `db:benchmark --nodes=N` or `runScaleBenchmark`. Reports per node and in total:
// throughput, per-operation percentiles, errors, syncs, replication lag measured by probe
// rows, and lost writes checked on the primary.

const { fork } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { createEdgeDatabase } = require('./database')
const { invalidType, outOfRange } = require('./errors')
const { tempDir } = require('./server-process')

const WORKER = path.join(__dirname, 'scale-worker.js')
const PROBE_TABLE_SQL =
  'CREATE TABLE IF NOT EXISTS scale_probes (seq INTEGER PRIMARY KEY AUTOINCREMENT, node INTEGER NOT NULL, written_at REAL NOT NULL)'

/**
 * Starts one node process. `settings` are createEdgeDatabase settings (url, authToken,
 * replicaPath, syncInterval, ...); `redisUrl` adds the shared cache tier. Resolves once the
 * node's replica is open and synced.
 */
async function startReplicaNode({ index = 0, settings, redisUrl } = {}) {
  if (settings === null || typeof settings !== 'object') throw invalidType('settings', 'an object of database settings')
  if (!Number.isInteger(index) || index < 0) throw outOfRange('index', 'an integer >= 0')
  if (redisUrl !== undefined && typeof redisUrl !== 'string') throw invalidType('redisUrl', 'a string')
  // The parent's stderr: a node that crashes says why. stdout stays quiet for reports.
  const child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' })
  const pending = new Map()
  let nextId = 0
  let exitInfo = null
  let resolveExited
  const exited = new Promise((resolve) => {
    resolveExited = resolve
  })
  const finish = (info, error) => {
    if (exitInfo) return
    exitInfo = info
    for (const p of pending.values()) p.reject(error)
    pending.clear()
    resolveExited(info)
  }
  child.once('exit', (code, signal) =>
    finish({ code, signal }, Object.assign(new Error(`node ${index} exited (${signal ?? `code ${code}`})`), { code: 'ERR_NODE_EXITED' })),
  )
  // Without a listener, an 'error' (the process could not start, or a signal could not be
  // sent) would throw from the event loop. A process that never started emits no 'exit'.
  child.on('error', (e) => {
    if (child.pid === undefined) finish({ code: null, signal: null }, Object.assign(new Error(`node ${index} did not start: ${e.message}`), { code: 'ERR_NODE_EXITED' }))
  })
  child.on('message', (m) => {
    const p = pending.get(m.id)
    if (!p) return
    pending.delete(m.id)
    if (m.ok) p.resolve(m.value)
    else p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }))
  })
  const gone = () => Object.assign(new Error(`node ${index} has exited`), { code: 'ERR_NODE_EXITED' })
  const call = (op, args) =>
    new Promise((resolve, reject) => {
      if (exitInfo || !child.connected) return reject(gone())
      const id = nextId++
      pending.set(id, { resolve, reject })
      // With a callback, a channel that closed meanwhile fails this call instead of
      // emitting 'error' on the child.
      child.send({ id, op, args }, (e) => {
        if (!e || !pending.has(id)) return
        pending.delete(id)
        reject(gone())
      })
    })
  /** Whether `promise` settled within `ms`. */
  const within = (promise, ms) => {
    let timer
    const late = new Promise((r) => {
      timer = setTimeout(r, ms, false)
    })
    return Promise.race([promise.then(() => true, () => true), late]).finally(() => clearTimeout(timer))
  }
  const node = {
    index,
    pid: child.pid,
    call,
    exited,
    /** SIGKILL by default: the node gets no chance to flush anything. */
    kill: (signal = 'SIGKILL') => {
      child.kill(signal)
      return exited
    },
    /**
     * Asks the node to close its database, then lets it exit. A node that does not answer
     * or exit within `timeoutMs` (default 10 s) is killed: a stuck node must not hang the
     * caller's cleanup. Rejects only for a bad `timeoutMs`.
     */
    async close({ timeoutMs = 10_000 } = {}) {
      if (!(typeof timeoutMs === 'number' && timeoutMs >= 0 && timeoutMs <= 600_000)) throw outOfRange('timeoutMs', 'from 0 to 600000 ms')
      if (exitInfo) return exitInfo
      const answered = await within(Promise.race([call('close'), exited]), timeoutMs)
      // Disconnecting makes the node exit (it exits on 'disconnect').
      if (answered && child.connected) child.disconnect()
      if (!answered || !(await within(exited, timeoutMs))) child.kill('SIGKILL')
      return exited
    },
  }
  try {
    node.opened = await call('open', { settings, redisUrl, index })
  } catch (e) {
    child.kill('SIGKILL')
    await exited
    throw e
  }
  return node
}

/** Creates the probe table on the primary (once; every node polls it). */
async function preparePrimary(db) {
  await db.execute(PROBE_TABLE_SQL, [], { cache: false })
}

/** Seeds an empty primary and creates the probe table; resolves to where the primary is (no secret). */
async function prepare(db, o, log) {
  const { internal } = require('./loadtest')
  if (await internal.isEmpty(db)) {
    log('the primary is empty: seeding it at scale 1...\n')
    try {
      await internal.seedAndOptimize(db, 1, o.optimize !== false)
    } catch (e) {
      const why = `the primary is empty and could not be seeded over the network (${e.message})`
      throw Object.assign(new Error(`${why}: seed a file (npm run db:seed -- --url=file:seed.db) and start the server on it, or give no URL to run on a local sqld`), { code: e.code })
    }
  }
  await preparePrimary(db)
  return db.config.target
}

// ---------------------------------------------------------------------------------------
// Percentiles of the whole from the nodes' fine histograms (`latencyBuckets`).

/** Nearest-rank percentiles of merged `[ns, count]` buckets, in ms. */
function percentiles(bucketLists) {
  const merged = new Map()
  for (const list of bucketLists) for (const [ns, n] of list) merged.set(ns, (merged.get(ns) ?? 0) + n)
  const sorted = [...merged].sort((a, b) => a[0] - b[0])
  const count = sorted.reduce((s, [, n]) => s + n, 0)
  const at = (p) => {
    if (count === 0) return 0
    const rank = Math.max(1, Math.ceil((p / 100) * count))
    let seen = 0
    for (const [ns, n] of sorted) {
      seen += n
      if (seen >= rank) return ns / 1e6
    }
    return sorted[sorted.length - 1][0] / 1e6
  }
  return { count, p50: at(50), p95: at(95), p99: at(99), max: count ? sorted[sorted.length - 1][0] / 1e6 : 0 }
}

/** p50/p95/p99/max (ms) of plain samples. */
function samplePercentiles(samples) {
  const s = [...samples].sort((a, b) => a - b)
  const at = (p) => (s.length ? s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] : null)
  return { count: s.length, p50: at(50), p95: at(95), p99: at(99), max: s.length ? s[s.length - 1] : null }
}

function mergeOperations(resultsList) {
  const names = [...new Set(resultsList.flatMap((r) => r.operations.map((o) => o.operation)))]
  return names.map((operation) => {
    const ops = resultsList.map((r) => r.operations.find((o) => o.operation === operation)).filter(Boolean)
    const p = percentiles(ops.map((o) => o.latencyBuckets ?? []))
    const count = ops.reduce((s, o) => s + o.count, 0)
    const mean = count ? ops.reduce((s, o) => s + o.mean * o.count, 0) / count : 0
    return { operation, count, errors: ops.reduce((s, o) => s + o.errors, 0), mean, p50: p.p50, p95: p.p95, p99: p.p99, max: Math.max(...ops.map((o) => o.max)) }
  })
}

function syncFigures(metrics) {
  const r = metrics.replication ?? {}
  return {
    syncs: r.syncs ?? 0,
    syncErrors: r.syncErrors ?? 0,
    totalSyncMs: r.totalSyncDuration ?? 0,
    avgSyncMs: r.syncs ? (r.totalSyncDuration ?? 0) / r.syncs : 0,
    lastSyncMs: r.lastSyncDuration ?? 0,
    framesSynced: r.framesSynced ?? 0,
  }
}

// ---------------------------------------------------------------------------------------

const RUN_OPTIONS = new Set([
  'nodes', 'config', 'url', 'authToken', 'syncInterval', 'redisUrl', 'replicaDir', 'probeIntervalMs', 'seedScale', 'optimize', 'onProgress', 'log',
])

function checkRunOptions(o) {
  if (o === null || typeof o !== 'object') throw invalidType('options', 'an object')
  for (const k of Object.keys(o)) if (!RUN_OPTIONS.has(k)) throw outOfRange(`options.${k}`, `one of ${[...RUN_OPTIONS].join(', ')}`)
  if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 64) throw outOfRange('options.nodes', 'an integer from 1 to 64')
  if (o.config === null || typeof o.config !== 'object') throw invalidType('options.config', 'a load test configuration')
  // Split over the nodes before any of them starts: checked here, not by the nodes' testers.
  const users = o.config.maxUsers
  if (typeof users !== 'number') throw invalidType('options.config.maxUsers', 'an integer from 1 to 100000')
  if (!Number.isInteger(users) || users < 1 || users > 100_000) throw outOfRange('options.config.maxUsers', 'an integer from 1 to 100000')
  if (o.seedScale !== undefined) require('./loadtest').internal.checkSeedScale(o.seedScale, 'options.seedScale')
  if (o.optimize !== undefined && typeof o.optimize !== 'boolean') throw invalidType('options.optimize', 'a boolean')
  const interval = o.syncInterval ?? 1
  if (!Number.isInteger(interval) || interval < 1 || interval > 3600) throw outOfRange('options.syncInterval', 'whole seconds from 1 to 3600')
  const probe = o.probeIntervalMs ?? 250
  if (typeof probe !== 'number' || !(probe >= 10 && probe <= 60_000)) throw outOfRange('options.probeIntervalMs', 'from 10 to 60000')
  for (const k of ['url', 'authToken', 'redisUrl', 'replicaDir']) {
    if (o[k] !== undefined && (typeof o[k] !== 'string' || o[k] === '')) throw invalidType(`options.${k}`, 'a non-empty string')
  }
  for (const k of ['onProgress', 'log']) if (o[k] !== undefined && typeof o[k] !== 'function') throw invalidType(`options.${k}`, 'a function')
  return { ...o, syncInterval: interval, probeIntervalMs: probe }
}

/**
 * The interval callback behind `onProgress`: a tick while the previous one still waits for
 * the nodes is skipped, and what the user's callback throws is logged, not left to end the
 * process as an unhandled rejection.
 */
function reportProgress(nodes, onProgress, log) {
  let busy = false
  return async () => {
    if (busy) return
    busy = true
    try {
      onProgress(await Promise.all(nodes.map((n) => n.call('progress').catch(() => null))))
    } catch (e) {
      log(`onProgress threw: ${e?.message ?? e}\n`)
    } finally {
      busy = false
    }
  }
}

const isRemote = (url) => /^(https?|libsql|wss?):\/\//i.test(url)

/**
 * The primary: the configured remote URL, else a local sqld started on a copy of the seeded
 * benchmark database. Resolves to `{url, authToken, sqld?}`.
 */
async function resolvePrimary(o, log) {
  const url = o.url ?? (process.env.TURSO_DATABASE_URL || undefined)
  if (url !== undefined) {
    if (!isRemote(url)) throw outOfRange('url', `a remote primary (http(s):// or libsql://) for the replicas to sync from, not ${JSON.stringify(url)}`)
    return { url, authToken: o.authToken ?? (process.env.TURSO_AUTH_TOKEN || undefined), sqld: null }
  }
  const { startSqld, installDatabaseFile } = require('./sqld')
  const { internal } = require('./loadtest')
  const seed = await internal.cachedSeed(o.seedScale ?? 1, o.optimize !== false, log)
  // Removed at exit too, should the run be interrupted: it holds a copy of the database.
  const dbDir = tempDir('ptp-primary-')
  installDatabaseFile(seed, dbDir)
  log(`no primary configured: started a local sqld on a copy of ${path.basename(seed)}\n`)
  const sqld = await startSqld({ dbDir })
  return { url: sqld.url, authToken: sqld.mintToken({ a: 'rw' }), sqld, dbDir }
}

/**
 * Runs the load test `config` spread over `nodes` processes, each on its own embedded replica
 * of one primary, with replication-lag probes; resolves to the report (see ScaleReport in
 * types/scale.d.ts).
 */
async function runScaleBenchmark(options) {
  const o = checkRunOptions(options)
  const log = o.log ?? (() => {})
  const primary = await resolvePrimary(o, log)
  const scratch = o.replicaDir ?? tempDir('ptp-replicas-')
  fs.mkdirSync(scratch, { recursive: true })
  const nodes = []
  // A connection of its own for each visit to the primary: one left idle through the run
  // would find its server-side stream expired.
  const onPrimary = async (fn) => {
    const db = createEdgeDatabase(undefined, { url: primary.url, authToken: primary.authToken })
    try {
      await db.ready()
      return await fn(db)
    } finally {
      await db.cleanup()
    }
  }
  try {
    const target = await onPrimary((db) => prepare(db, o, log))

    const started = Date.now()
    const settled = await Promise.allSettled(
      Array.from({ length: o.nodes }, (_, index) =>
        startReplicaNode({
          index,
          redisUrl: o.redisUrl,
          settings: { url: primary.url, authToken: primary.authToken, replicaPath: path.join(scratch, `node-${index}.db`), syncInterval: o.syncInterval },
        }),
      ),
    )
    for (const s of settled) if (s.status === 'fulfilled') nodes.push(s.value)
    const failed = settled.find((s) => s.status === 'rejected')
    if (failed) throw failed.reason
    log(`${o.nodes} nodes opened their replicas in ${((Date.now() - started) / 1000).toFixed(1)} s (sync every ${o.syncInterval} s)\n`)

    const perNodeUsers = Math.max(1, Math.ceil(o.config.maxUsers / o.nodes))
    const baseSeed = o.config.seed ?? Math.floor(Math.random() * 2 ** 31)
    const timer = o.onProgress ? setInterval(reportProgress(nodes, o.onProgress, log), 1000) : null
    let runs
    try {
      runs = await Promise.all(
        nodes.map((n) => n.call('run', { config: { ...o.config, maxUsers: perNodeUsers, seed: baseSeed + n.index }, probeIntervalMs: o.probeIntervalMs })),
      )
    } finally {
      if (timer) clearInterval(timer)
    }

    // Every node waits to see every other node's probes: lag = first seen there - acknowledged.
    const acked = runs.map((r) => new Map(r.probesWritten))
    const collectMs = 2 * o.syncInterval * 1000 + 10_000
    const collected = await Promise.all(
      nodes.map((n, i) => n.call('collect', { seqs: acked.flatMap((m, j) => (j === i ? [] : [...m.keys()])), timeoutMs: collectMs })),
    )
    const healths = await Promise.all(nodes.map((n) => n.call('health')))
    const cacheStats = o.redisUrl ? await Promise.all(nodes.map((n) => n.call('cacheStats'))) : null

    const ackedAt = new Map(acked.flatMap((m) => [...m]))
    const allSeqs = [...ackedAt.keys()]
    const { rows } = await onPrimary((db) =>
      db.execute('SELECT count(*) AS n FROM scale_probes WHERE seq IN (SELECT value FROM json_each(?))', [JSON.stringify(allSeqs)], { cache: false }),
    )
    const lags = []
    const perNode = nodes.map((n, i) => {
      const r = runs[i].results
      const expected = acked.reduce((s, m, j) => s + (j === i ? 0 : m.size), 0)
      const nodeLags = collected[i].seen.map(([seq, t]) => Math.max(0, t - ackedAt.get(seq)))
      lags.push(...nodeLags)
      const errors = r.totalRequests - r.successfulRequests
      return {
        node: i,
        pid: n.pid,
        openMs: n.opened.openMs,
        totalRequests: r.totalRequests,
        errors,
        errorRate: r.errorRate,
        throughputRPS: r.throughputRPS,
        p50ResponseTime: r.p50ResponseTime,
        p95ResponseTime: r.p95ResponseTime,
        p99ResponseTime: r.p99ResponseTime,
        operations: r.operations.map(({ histogram, latencyBuckets, ...op }) => op),
        errorsByCode: r.errors,
        integrity: r.integrity,
        sync: syncFigures(collected[i].metrics),
        lag: { ...samplePercentiles(nodeLags), expected, unseen: expected - nodeLags.length },
        probeErrors: runs[i].probeErrors,
        health: {
          healthy: healths[i].checker.healthy,
          replication: healths[i].checker.checks.replication ?? null,
        },
        cache: cacheStats ? cacheStats[i] : undefined,
      }
    })
    const results = runs.map((r) => r.results)
    const totalRequests = results.reduce((s, r) => s + r.totalRequests, 0)
    const errors = perNode.reduce((s, n) => s + n.errors, 0)
    const all = percentiles(results.flatMap((r) => r.operations.map((op) => op.latencyBuckets ?? [])))
    const answersRecorded = results.reduce((s, r) => s + r.integrity.answersRecorded, 0)
    const answersFound = results.reduce((s, r) => s + r.integrity.answersFound, 0)
    const probesFound = rows[0].n
    const total = {
      totalRequests,
      successfulRequests: totalRequests - errors,
      errors,
      errorRate: totalRequests ? (errors * 100) / totalRequests : 0,
      throughputRPS: results.reduce((s, r) => s + r.throughputRPS, 0),
      p50ResponseTime: all.p50,
      p95ResponseTime: all.p95,
      p99ResponseTime: all.p99,
      maxResponseTime: all.max,
      averageResponseTime: totalRequests ? results.reduce((s, r) => s + r.averageResponseTime * r.totalRequests, 0) / totalRequests : 0,
      operations: mergeOperations(results),
      sync: {
        syncs: perNode.reduce((s, n) => s + n.sync.syncs, 0),
        syncErrors: perNode.reduce((s, n) => s + n.sync.syncErrors, 0),
        totalSyncMs: perNode.reduce((s, n) => s + n.sync.totalSyncMs, 0),
      },
      lag: { ...samplePercentiles(lags), expected: perNode.reduce((s, n) => s + n.lag.expected, 0), unseen: perNode.reduce((s, n) => s + n.lag.unseen, 0) },
      lostWrites: {
        answersRecorded,
        answersFound,
        probesAcknowledged: allSeqs.length,
        probesFound,
        lost: Math.max(0, answersRecorded - answersFound) + (allSeqs.length - probesFound),
      },
      integrityOk: results.every((r) => r.integrity.ok) && probesFound === allSeqs.length,
    }
    return {
      nodes: o.nodes,
      usersPerNode: perNodeUsers,
      syncInterval: o.syncInterval,
      probeIntervalMs: o.probeIntervalMs,
      primary: primary.sqld ? `local sqld ${primary.url}` : target,
      redis: !!o.redisUrl,
      config: { ...o.config, scenarios: undefined, maxUsers: o.config.maxUsers },
      perNode,
      total,
    }
  } finally {
    await Promise.all(nodes.map((n) => n.close()))
    if (primary.sqld) {
      await primary.sqld.stop()
      fs.rmSync(primary.dbDir, { recursive: true, force: true })
    }
    if (o.replicaDir === undefined) fs.rmSync(scratch, { recursive: true, force: true })
  }
}

const f = (v, d = 2) => (typeof v === 'number' ? v.toFixed(d) : 'n/a')
const pad = (s, n) => String(s).padStart(n)

/** The report as a person reads it. */
function formatScaleReport(report) {
  const opTable = (ops) =>
    ops.map((o) => `    ${o.operation.padEnd(18)}${pad(o.count, 9)}${pad(o.errors, 7)}${pad(f(o.p50, 3), 9)}${pad(f(o.p95, 3), 9)}${pad(f(o.p99, 3), 9)}`).join('\n')
  const head = `    ${'operation'.padEnd(18)}${pad('count', 9)}${pad('errors', 7)}${pad('p50 ms', 9)}${pad('p95 ms', 9)}${pad('p99 ms', 9)}`
  const lag = (l) => `lag p50 ${f(l.p50, 1)} ms, p95 ${f(l.p95, 1)} ms, p99 ${f(l.p99, 1)} ms, max ${f(l.max, 1)} ms over ${l.count} probe sightings (${l.unseen} unseen)`
  const out = [
    `\n📡 SCALE-OUT: ${report.nodes} nodes x ${report.usersPerNode} users, embedded replicas of ${report.primary}, sync every ${report.syncInterval} s${report.redis ? ', shared Redis cache' : ''}`,
  ]
  for (const n of report.perNode) {
    const s = n.sync
    out.push(
      `\nnode ${n.node} (pid ${n.pid}): ${f(n.throughputRPS, 1)} req/s, ${n.totalRequests} requests, ${n.errors} errors`,
      `  syncs ${s.syncs} (${s.syncErrors} failed), sync time total ${f(s.totalSyncMs, 1)} ms, avg ${f(s.avgSyncMs, 2)} ms`,
      `  ${lag(n.lag)}`,
      `  health: ${n.health.healthy ? 'healthy' : 'UNHEALTHY'}${n.health.replication ? ` - ${n.health.replication.message}` : ''}`,
      `  integrity: ${n.integrity.ok ? 'ok' : 'FAILED'} (${n.integrity.answersRecorded} answers recorded, ${n.integrity.answersFound} found on the primary)`,
      head,
      opTable(n.operations),
    )
    if (n.cache) out.push(`  redis: ${n.cache.connected ? 'connected' : 'DOWN'}, ${n.cache.published} invalidations sent, ${n.cache.received} received, ${n.cache.fallbacks} fallbacks`)
  }
  const t = report.total
  out.push(
    `\nTOTAL: ${f(t.throughputRPS, 1)} req/s, ${t.totalRequests} requests, ${t.errors} errors (${f(t.errorRate, 2)}%), p50 ${f(t.p50ResponseTime, 3)} ms, p95 ${f(t.p95ResponseTime, 3)} ms, p99 ${f(t.p99ResponseTime, 3)} ms`,
    `  syncs ${t.sync.syncs} (${t.sync.syncErrors} failed), sync time total ${f(t.sync.totalSyncMs, 1)} ms`,
    `  replication ${lag(t.lag)}`,
    `  lost writes: ${t.lostWrites.lost} (answers ${t.lostWrites.answersFound}/${t.lostWrites.answersRecorded}, probes ${t.lostWrites.probesFound}/${t.lostWrites.probesAcknowledged} on the primary)`,
    head,
    opTable(t.operations),
  )
  return out.join('\n')
}

module.exports = { runScaleBenchmark, startReplicaNode, formatScaleReport }
Object.defineProperty(module.exports, 'internal', { value: { preparePrimary, percentiles, reportProgress }, enumerable: false })
