'use strict'
// One node of a scale-out run (lib/scale.js): a child process with its own embedded replica
// of the primary and, when configured, the shared Redis cache tier. The parent drives it
// over IPC: each message `{id, op, args}` is answered with `{id, ok, value}` or
// `{id, ok: false, error: {message, code}}`.

const { createEdgeDatabase, monitorDatabaseHealth } = require('./database')
const { createCachingStrategy } = require('./caching')
const { createOptimizedQueries } = require('./queries')
const { DatabaseLoadTester } = require('./loadtest')
const { createMonitoringSystem } = require('./monitoring')

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const PROBE_TABLE = 'scale_probes'
const POLL_MS = 2

let db = null
let monitoring = null
let strategy = null
let cache = null
let queries = null
let node = 0
let tester = null
// Lag probes: rows this node wrote (seq -> ack time) and other nodes' rows it saw (seq ->
// the first time its local replica answered with them).
const written = new Map()
const seen = new Map()
let polling = false
let poller = null
let lastSeen = 0

async function pollOnce() {
  // Through the result cache, as the app reads: a sync that pulled frames must make the
  // new rows visible, or the measured lag would be the cache TTL.
  const rs = await db.execute(`SELECT seq FROM ${PROBE_TABLE} WHERE seq > ? AND node <> ? ORDER BY seq`, [lastSeen, node])
  const t = now()
  for (const r of rs.rows) {
    if (!seen.has(r.seq)) seen.set(r.seq, t)
    lastSeen = Math.max(lastSeen, r.seq)
  }
}

async function pollLoop() {
  while (polling) {
    try {
      await pollOnce()
    } catch {
      // A failed local read is counted by the load tester's own reads; the probe retries.
    }
    await sleep(POLL_MS)
  }
}

async function probeWriter(intervalMs, state) {
  while (!state.stop) {
    try {
      const rs = await db.execute(`INSERT INTO ${PROBE_TABLE} (node, written_at) VALUES (?, ?)`, [node, now()])
      written.set(Number(rs.lastInsertRowid), now())
    } catch {
      state.errors++
    }
    await sleep(intervalMs)
  }
}

const ops = {
  async open({ settings, redisUrl, index }) {
    node = index
    const started = now()
    db = createEdgeDatabase(undefined, settings)
    await db.ready()
    monitoring = createMonitoringSystem(db)
    if (redisUrl) {
      // As the app runs: the study cache over the shared Redis tier, in front of the queries.
      strategy = createCachingStrategy({ enableDistributed: true, redisUrl })
      cache = strategy.distributed
      if (!(await cache.ready(5000))) throw new Error('Redis did not answer within 5 s')
    }
    queries = createOptimizedQueries(db, strategy ? { cache: strategy.studyCache } : undefined)
    // The probe table exists when a scale run prepared the primary; a node started on its own
    // (startReplicaNode) may run without it until `run` is asked for.
    const probes = await db.execute('SELECT count(*) AS n FROM sqlite_schema WHERE name = ?', [PROBE_TABLE], { cache: false })
    if (probes.rows[0].n > 0) {
      const { rows } = await db.execute(`SELECT coalesce(max(seq), 0) AS seq FROM ${PROBE_TABLE}`, [], { cache: false })
      lastSeen = rows[0].seq
    }
    return { pid: process.pid, openMs: now() - started, backend: db.config.backend }
  },

  execute({ sql, params, options }) {
    return db.execute(sql, params, options).then((rs) => ({ rows: rs.rows, rowsAffected: rs.rowsAffected, lastInsertRowid: rs.lastInsertRowid === undefined ? null : String(rs.lastInsertRowid) }))
  },

  /** Polls the local replica (no round trip to the primary) until `sql` returns a row; ms waited. */
  async waitFor({ sql, params, timeoutMs }) {
    const started = now()
    while (now() - started < timeoutMs) {
      if ((await db.execute(sql, params)).rows.length > 0) return now() - started
      await sleep(POLL_MS)
    }
    throw Object.assign(new Error(`not visible after ${timeoutMs} ms: ${sql}`), { code: 'ERR_NOT_VISIBLE' })
  },

  /** One of the app's optimized queries, through the study cache when Redis is configured. */
  query: ({ group, name, args }) => queries[group][name](...args),

  sync: () => db.sync(),
  metrics: () => db.getMetrics(),

  async health() {
    const basic = await monitorDatabaseHealth(db)
    const checker = await monitoring.healthChecker.checkHealth()
    return { basic, checker }
  },

  cacheSet: ({ key, value, tags }) => cache.set(key, value, 300, { tags }),
  cacheGet: ({ key }) => cache.get(key),
  cacheInvalidate: ({ tags }) => cache.invalidateTags(tags),
  cacheStats: () => cache.getStats().distributed,

  /** The load tester for `config`, with lag probes written every `probeIntervalMs` meanwhile. */
  async run({ config, probeIntervalMs }) {
    tester = new DatabaseLoadTester(db)
    const probes = { stop: false, errors: 0 }
    polling = true
    poller = pollLoop()
    const writer = probeWriter(probeIntervalMs, probes)
    let results
    try {
      results = await tester.runLoadTest(config)
    } finally {
      probes.stop = true
      await writer
    }
    return { results, probesWritten: [...written], probeErrors: probes.errors, metrics: db.getMetrics() }
  },

  /** Waits until the local replica shows every probe in `seqs` (or `timeoutMs`); their first-seen times. */
  async collect({ seqs, timeoutMs }) {
    const deadline = now() + timeoutMs
    while (seqs.some((s) => !seen.has(s)) && now() < deadline) await sleep(POLL_MS * 5)
    polling = false
    await poller
    return { seen: seqs.filter((s) => seen.has(s)).map((s) => [s, seen.get(s)]), metrics: db.getMetrics() }
  },

  progress: () => (tester ? tester.progress() : null),

  async close() {
    polling = false
    if (strategy) await strategy.cleanup()
    if (db) await db.cleanup()
    return true
  },
}

process.on('message', async (msg) => {
  const { id, op, args } = msg
  try {
    if (!Object.hasOwn(ops, op)) throw new Error(`unknown operation ${op}`)
    if (op !== 'open' && !db) throw new Error('open the node first')
    const value = await ops[op](args ?? {})
    process.send({ id, ok: true, value: value === undefined ? null : value })
  } catch (e) {
    process.send({ id, ok: false, error: { message: e.message, code: e.code } })
  }
})
process.on('disconnect', () => process.exit(0))
