// Server outage: a remote database (sqld over Hrana) under load while its server stops
// (SIGTERM) or freezes (SIGSTOP). Calls must fail within the configured requestTimeout
// with a clear error (never hang), monitorDatabaseHealth must say unhealthy, the monitor must
// raise an alert, and once the server is back on the same port and data folder the same
// database object must serve again, every acknowledged write still there.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startSqld } from '../support/sqld.mjs'
import { api, rows, sleep } from './helpers.mjs'

const TIMEOUT = 1500
// Scheduling slack on a shared 2-core machine; a call must still end near its timeout.
const SLACK = 1000
const CLEAR = /connect|refused|did not answer|timed? ?out|unreachable|reset|closed|broken pipe/i
const OUTAGE_CODES = new Set(['ERR_CONNECTION', 'ERR_TIMEOUT'])

/** `n` users alternating an INSERT (acknowledged ones remembered) and an uncached read. */
function load(db, n, tag) {
  let stopping = false
  const calls = []
  const acked = []
  async function user(u) {
    for (let i = 0; !stopping; i++) {
      const started = performance.now()
      const key = `${tag}:${u}:${i}`
      let err = null
      try {
        if (i % 2 === 0) {
          await db.execute('INSERT INTO notes (tag) VALUES (?)', [key])
          acked.push(key)
        } else {
          await db.execute('SELECT count(*) AS n FROM notes', [], { cache: false })
        }
      } catch (e) {
        err = e
      }
      calls.push({ started, ms: performance.now() - started, err })
      if (err) await sleep(25)
    }
  }
  const users = Array.from({ length: n }, (_, u) => user(u))
  return { calls, acked, stop: () => ((stopping = true), Promise.all(users)) }
}

/** Resolves `p`, or 'hang' after `ms`. */
const within = (p, ms) => Promise.race([p, sleep(ms).then(() => 'hang')])

async function timed(fn) {
  const t = performance.now()
  const value = await fn()
  return { value, ms: performance.now() - t }
}

/** Polls until the database answers again; returns the milliseconds it took. */
async function recovers(db, deadlineMs = 15_000) {
  const t = performance.now()
  let last
  while (performance.now() - t < deadlineMs) {
    try {
      await db.execute('SELECT count(*) AS n FROM notes', [], { cache: false })
      return performance.now() - t
    } catch (e) {
      last = e
      await sleep(100)
    }
  }
  assert.fail(`the same database object did not recover within ${deadlineMs} ms: ${last?.code} ${last?.message}`)
}

function checkOutageCalls(calls, downAt, what) {
  const during = calls.filter((c) => c.started >= downAt)
  assert.ok(during.length > 0, `calls were made while the server was ${what}`)
  const slow = during.filter((c) => c.ms > TIMEOUT + SLACK)
  assert.deepEqual(
    slow.map((c) => Math.round(c.ms)).slice(0, 10),
    [],
    `${slow.length} of ${during.length} calls made while the server was ${what} took longer than requestTimeout (${TIMEOUT} ms) + ${SLACK} ms`,
  )
  const failed = during.filter((c) => c.err)
  assert.ok(failed.length > 0, `calls failed while the server was ${what}`)
  for (const { err } of failed) {
    assert.ok(err instanceof Error, 'an Error')
    assert.ok(OUTAGE_CODES.has(err.code), `code ${err.code} (${err.message}) is ERR_CONNECTION or ERR_TIMEOUT`)
    assert.match(err.message, CLEAR, 'the message says what happened')
  }
  return { during: during.length, failed: failed.length, maxMs: Math.max(...during.map((c) => c.ms)) }
}

let server, idleServer, idleDb, idleSince
before(async () => {
  ;[server, idleServer] = await Promise.all([startSqld(), startSqld()])
  const setup = api.createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw, requestTimeout: 5000 })
  await setup.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, tag TEXT NOT NULL)')
  await setup.cleanup()
  // For the last test: a database left idle longer than sqld's stream expiry (10 s).
  idleDb = api.createEdgeDatabase(undefined, { url: idleServer.url, authToken: idleServer.tokens.rw, requestTimeout: 5000 })
  await idleDb.execute('SELECT 1', [], { cache: false })
  idleSince = performance.now()
})
after(async () => {
  await idleDb?.cleanup()
  await Promise.all([server?.stop(), idleServer?.stop()])
  // Everything is cleaned up: the process must now exit by itself. If a request that never
  // settles keeps it alive, say so and end it rather than hang the whole suite.
  setTimeout(() => {
    process.stderr.write(`outage.test.mjs: still alive 10 s after cleanup; active: ${JSON.stringify(process.getActiveResourcesInfo())}\n`)
    process.exit(1)
  }, 10_000).unref()
})

describe('server outage under load', () => {
  test('stopped server: calls fail fast and clearly, unhealthy, alert raised; the same object recovers after restart', { timeout: 90_000 }, async (t) => {
    const db = api.createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw, requestTimeout: TIMEOUT })
    let down = false
    let l
    try {
      const { monitor } = api.createMonitoringSystem(db, { logAlerts: false })
      const alerts = []
      monitor.onAlert((a) => alerts.push(a))
      l = load(db, 20, 'stop')
      await sleep(500)
      assert.ok(l.acked.length > 0, 'writes succeeded before the outage')

      await server.stop()
      down = true
      const downAt = performance.now()
      await sleep(2000)
      const health = await timed(() => api.monitorDatabaseHealth(db))
      assert.equal(health.value.healthy, false, 'monitorDatabaseHealth says unhealthy')
      assert.ok(OUTAGE_CODES.has(health.value.metrics.code), `health code ${health.value.metrics.code}`)
      assert.ok(health.ms <= TIMEOUT + SLACK, `health check answered in ${Math.round(health.ms)} ms`)
      assert.notEqual(await within(l.stop(), TIMEOUT + SLACK), 'hang', 'every call in flight settled within the timeout')
      const figures = checkOutageCalls(l.calls, downAt, 'stopped')
      await sleep(50) // alerts are delivered on the JS thread
      assert.ok(
        alerts.some((a) => a.type === 'high_error_rate'),
        `the monitor raised a high_error_rate alert (got ${JSON.stringify(alerts.map((a) => a.type))}; analytics errorRate ${monitor.getAnalytics().summary.errorRate}%)`,
      )

      await server.restart()
      down = false
      const recoveryMs = await recovers(db)
      const stored = new Set((await rows(db, "SELECT tag FROM notes WHERE tag GLOB 'stop:*'")).map((r) => r.tag))
      const lost = l.acked.filter((k) => !stored.has(k))
      assert.deepEqual(lost, [], 'every acknowledged write survived the outage')
      await db.execute('INSERT INTO notes (tag) VALUES (?)', ['after-restart'])
      assert.equal((await api.monitorDatabaseHealth(db)).healthy, true, 'healthy again')
      t.diagnostic(`figures: ${JSON.stringify({ ...figures, maxMs: Math.round(figures.maxMs), acked: l.acked.length, recoveryMs: Math.round(recoveryMs) })}`)
    } finally {
      l?.stop() // the users end even when an assertion failed
      if (down) await server.restart().catch(() => {})
      await db.cleanup()
    }
  })

  test('paused server (SIGSTOP): calls time out within requestTimeout, unhealthy; SIGCONT recovers the same object', { timeout: 90_000 }, async (t) => {
    const db = api.createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw, requestTimeout: TIMEOUT })
    let l
    try {
      l = load(db, 20, 'pause')
      await sleep(500)
      assert.ok(l.acked.length > 0, 'writes succeeded before the pause')
      server.pause()
      const downAt = performance.now()
      try {
        await sleep(TIMEOUT + 1500)
        const health = await timed(() => api.monitorDatabaseHealth(db))
        assert.equal(health.value.healthy, false, 'monitorDatabaseHealth says unhealthy')
        assert.equal(health.value.metrics.code, 'ERR_TIMEOUT')
        assert.ok(health.ms <= TIMEOUT + SLACK, `health check answered in ${Math.round(health.ms)} ms`)
        assert.notEqual(await within(l.stop(), 2 * TIMEOUT + SLACK), 'hang', 'every call in flight settled')
      } finally {
        server.resume()
      }
      const figures = checkOutageCalls(l.calls, downAt, 'paused')
      for (const c of l.calls.filter((c) => c.started >= downAt && c.err)) {
        assert.equal(c.err.code, 'ERR_TIMEOUT', `a paused server gives ERR_TIMEOUT, got ${c.err.code}: ${c.err.message}`)
      }
      const recoveryMs = await recovers(db)
      const stored = new Set((await rows(db, "SELECT tag FROM notes WHERE tag GLOB 'pause:*'")).map((r) => r.tag))
      assert.deepEqual(l.acked.filter((k) => !stored.has(k)), [], 'every acknowledged write is there')
      await db.execute('INSERT INTO notes (tag) VALUES (?)', ['after-resume'])
      assert.equal((await api.monitorDatabaseHealth(db)).healthy, true, 'healthy again')
      t.diagnostic(`figures: ${JSON.stringify({ ...figures, maxMs: Math.round(figures.maxMs), acked: l.acked.length, recoveryMs: Math.round(recoveryMs) })}`)
    } finally {
      l?.stop()
      await db.cleanup()
    }
  })

  test('writes queued behind each other while paused each fail within requestTimeout', { timeout: 60_000 }, async () => {
    const db = api.createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw, requestTimeout: TIMEOUT })
    try {
      await db.ready()
      server.pause()
      let results
      try {
        results = await Promise.all(
          Array.from({ length: 6 }, async (_, i) => {
            // One per event-loop turn: each is its own flush, so they queue on the single writer.
            await sleep(i * 5)
            const t = performance.now()
            const err = await db.execute('INSERT INTO notes (tag) VALUES (?)', [`queued:${i}`]).then(() => null, (e) => e)
            return { ms: performance.now() - t, code: err?.code }
          }),
        )
      } finally {
        server.resume()
      }
      const slow = results.filter((r) => r.ms > TIMEOUT + SLACK)
      assert.deepEqual(slow.map((r) => Math.round(r.ms)), [], `each queued write must fail within ${TIMEOUT} ms + ${SLACK} ms, not wait for the ones before it`)
      await recovers(db)
    } finally {
      await db.cleanup()
    }
  })

  test('a remote database idle longer than the server stream expiry (10 s) answers its next call', { timeout: 30_000 }, async () => {
    const idle = performance.now() - idleSince
    if (idle < 11_000) await sleep(11_000 - idle)
    const err = await idleDb.execute('SELECT 1 AS one', [], { cache: false }).then(() => null, (e) => e)
    assert.equal(err, null, `first call after ${Math.round((performance.now() - idleSince) / 1000)} s idle failed: ${err?.code} ${err?.message}`)
  })
})
