// Scale-out over embedded replicas: three real node processes (lib/scale-worker.js), each
// with its own replica file of one real sqld primary, and a real redis-server for the shared
// cache tier. Consistency (read-your-writes, visibility on other nodes within a sync, cache
// invalidations through Redis), faults (a node killed with SIGKILL, the primary stopped and
// restarted), health, and `db:benchmark --nodes=3`.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { installDatabaseFile, startSqld } from './support/sqld.mjs'
import { startRedis } from './support/redis.mjs'

const require = createRequire(import.meta.url)
const api = require('../index.js')
const { startReplicaNode, runScaleBenchmark } = api
const { preparePrimary, percentiles, reportProgress } = require('../lib/scale.js').internal
const { cachedSeed } = require('../lib/loadtest.js').internal

const SYNC_INTERVAL = 1
const dir = mkdtempSync(join(tmpdir(), 'ptp-scale-'))
let sqld, redis, primary, token
const nodes = []

const settingsFor = (i, over = {}) => ({
  url: sqld.url,
  authToken: token,
  replicaPath: join(dir, `node-${i}.db`),
  syncInterval: SYNC_INTERVAL,
  requestTimeout: 3000,
  ...over,
})
const startNode = (i, over) => startReplicaNode({ index: i, settings: settingsFor(i, over), redisUrl: redis.url })
const exec = (node, sql, params = [], options) => node.call('execute', { sql, params, options })
const replication = async (node) => (await node.call('metrics')).replication
const onPrimary = async (sql, args = []) => (await primary.execute(sql, args, { cache: false })).rows

before(async () => {
  // sqld refuses the seed's TEMP tables over the network: it starts on a seeded file instead.
  const seeded = join(dir, 'seed.db')
  const s = api.createEdgeDatabase(undefined, { url: `file:${seeded}` })
  await api.seedDatabase(s, { scale: 0.01 })
  await s.execute('PRAGMA wal_checkpoint(TRUNCATE)', [], { cache: false })
  await s.cleanup()
  installDatabaseFile(seeded, join(dir, 'primary'))
  ;[sqld, redis] = await Promise.all([startSqld({ dbDir: join(dir, 'primary') }), startRedis()])
  token = sqld.tokens.rw
  primary = api.createEdgeDatabase(undefined, { url: sqld.url, authToken: token })
  await preparePrimary(primary)
  await primary.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, node INTEGER NOT NULL, body TEXT NOT NULL)', [], { cache: false })
  // Some bulk, so that a replica's first sync is visibly larger than a resumed one's.
  const rows = Array.from({ length: 200 }, (_, i) => ({ sql: 'INSERT INTO notes (node, body) VALUES (?, ?)', args: [-1, `bulk ${i} ${'x'.repeat(2000)}`] }))
  await primary.batch(rows)
  nodes.push(...(await Promise.all([0, 1, 2].map((i) => startNode(i)))))
})

after(async () => {
  await Promise.all(nodes.map((n) => n.close()))
  await primary?.cleanup()
  await Promise.all([sqld?.stop(), redis?.stop()])
  rmSync(dir, { recursive: true, force: true })
})

describe('consistency', () => {
  test('a node reads its own writes at once, through its result cache', async () => {
    const [a] = nodes
    const read = 'SELECT body FROM notes WHERE node = ? ORDER BY id'
    assert.deepEqual((await exec(a, read, [0])).rows, []) // cached now
    const w = await exec(a, 'INSERT INTO notes (node, body) VALUES (?, ?)', [0, 'mine'])
    assert.equal(w.rowsAffected, 1)
    assert.deepEqual((await exec(a, read, [0])).rows, [{ body: 'mine' }])
  })

  test('another node sees a write by its next sync, though it had cached the old answer', async () => {
    const [a, b, c] = nodes
    const id = 1_000_001
    const read = 'SELECT id FROM notes WHERE id = ?'
    assert.deepEqual((await exec(b, read, [id])).rows, []) // cached "absent", TTL 300 s
    assert.deepEqual((await exec(c, read, [id])).rows, [])
    const before = await Promise.all([b, c].map(replication))
    await exec(a, 'INSERT INTO notes (id, node, body) VALUES (?, ?, ?)', [id, 0, 'for the others'])
    // The primary's frame holding the write, as a replica that has it reports it.
    const { frameNo: written } = await a.call('sync')
    // Node c writes another table: read-your-writes pulls the primary's frames up to its own
    // write, a's row included, outside a sync and without touching `notes` here; its next
    // sync must still drop its cached answer.
    await exec(c, 'INSERT INTO scale_probes (node, written_at) VALUES (?, ?)', [2, Date.now()])
    await Promise.all([b, c].map((n) => n.call('waitFor', { sql: read, params: [id], timeoutMs: 30_000 })))
    const afterSyncs = await Promise.all([b, c].map(replication))
    for (const i of [0, 1]) {
      // Seen well within the 300 s TTL of the cached answer, and through a sync that pulled
      // the write's frame (a replica's frame number moves only when it syncs): that sync
      // dropped the cached answer.
      assert.ok(before[i].frameNo < written, `frame ${before[i].frameNo} before the write, which is frame ${written}`)
      assert.ok(afterSyncs[i].frameNo >= written, `visible at frame ${afterSyncs[i].frameNo}, the write is frame ${written}`)
      assert.equal(afterSyncs[i].syncErrors, before[i].syncErrors)
    }
  })

  test('a cache invalidation on one node reaches the others through Redis before their next read', async () => {
    const [a, b, c] = nodes
    await a.call('cacheSet', { key: 'progress:7:1', value: { answered: 1 }, tags: ['user:7'] })
    for (const n of [b, c]) assert.deepEqual(await n.call('cacheGet', { key: 'progress:7:1' }), { answered: 1 }) // now in their local tier
    const sent = (await a.call('cacheStats')).published
    const received = await Promise.all([b, c].map(async (n) => (await n.call('cacheStats')).received))
    await a.call('cacheInvalidate', { tags: ['user:7'] })
    assert.equal((await a.call('cacheStats')).published, sent + 1)
    for (const [i, n] of [b, c].entries()) {
      // Redis has written the message to every subscriber before a's call resolved; each node
      // applies it on its own background task (counted once applied), normally well before
      // a request routed there after the write could arrive. Under heavy CPU starvation that
      // task can lag, so the test waits for it rather than racing it.
      for (let t = 0; t < 500 && (await n.call('cacheStats')).received === received[i]; t++) await new Promise((r) => setTimeout(r, 10))
      assert.equal((await n.call('cacheStats')).received, received[i] + 1, `node ${n.index} received the invalidation through Redis`)
      assert.equal(await n.call('cacheGet', { key: 'progress:7:1' }), null)
    }
    await b.call('cacheSet', { key: 'progress:7:1', value: { answered: 2 }, tags: ['user:7'] })
    for (const n of [a, c]) assert.deepEqual(await n.call('cacheGet', { key: 'progress:7:1' }), { answered: 2 })
  })

  test("a study-cache entry another node loaded from its not yet synced replica goes once the replicas have synced", async () => {
    const [a, b] = nodes
    const [{ user_id: userId, exam_id: examId }] = await onPrimary('SELECT user_id, exam_id FROM user_progress ORDER BY id LIMIT 1')
    const [{ id: questionId }] = await onPrimary('SELECT id FROM questions WHERE exam_id = ? ORDER BY id LIMIT 1', [examId])
    const progress = () => b.call('query', { group: 'progress', name: 'getUserProgressOptimized', args: [userId, examId] })
    await progress() // cached on b and in Redis
    const answer = await a.call('query', {
      group: 'study',
      name: 'recordAnswerOptimized',
      args: [{ userId, questionId, selectedAnswer: 'a', isCorrect: true, timeSpentSeconds: 5 }],
    })
    // The invalidation reached b before this read, but b's replica most likely has not synced
    // a's answer yet: b loads and caches the older rows.
    await progress()
    let latest
    for (let i = 0; i < 100; i++) {
      latest = (await progress()).recentActivity[0]?.answerId
      if (latest === answer.id) break
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal(latest, answer.id, "b's cached progress shows a's answer within a sync interval and its margin, not after the TTL")
  })

  test('every node reports its replica lag and last sync in its health checks', async () => {
    for (const n of nodes) {
      const { basic, checker } = await n.call('health')
      assert.equal(basic.healthy, true)
      const r = basic.metrics.replication
      assert.equal(typeof r.lagMs, 'number')
      assert.equal(typeof r.lastSyncAt, 'number')
      assert.ok(r.syncs >= 1 && r.frameNo >= 0, JSON.stringify(r))
      const check = checker.checks.replication
      assert.equal(check.status, 'pass', check.message)
      assert.equal(typeof check.lagMs, 'number')
      assert.equal(typeof check.lastSyncAt, 'number')
      assert.match(check.message, /Last sync .*s ago \(every 1s\)/)
    }
    // db:health on a replica of the same primary reports the same.
    const bin = fileURLToPath(new URL('../bin/db.js', import.meta.url))
    const r = spawnSync(process.execPath, [bin, 'health', `--url=${sqld.url}`, '--replica-path', join(dir, 'health.db'), '--json'], {
      encoding: 'utf8',
      env: { ...process.env, TURSO_AUTH_TOKEN: token },
      timeout: 60_000,
    })
    assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token), 'no secret in the output')
    const replicationCheck = JSON.parse(r.stdout).checks.find((c) => c.name === 'replication')
    assert.equal(replicationCheck?.status, 'pass', r.stdout)
    assert.match(replicationCheck.detail, /^lag \d+ ms \(last sync at \d+ unix ms\), frame \d+, 0 sync errors$/)
  })
})

describe('faults', () => {
  test('a node killed with SIGKILL loses no acknowledged write; restarted, it resumes from its replica file', async () => {
    const victim = nodes[1]
    const acked = []
    let stop = false
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await exec(victim, 'INSERT INTO notes (node, body) VALUES (?, ?)', [1, `kill ${i}`])
          acked.push(Number(r.lastInsertRowid))
        } catch (e) {
          assert.equal(e.code, 'ERR_NODE_EXITED')
          return
        }
      }
    })()
    let writerEnded = false
    writer.then(
      () => (writerEnded = true),
      () => (writerEnded = true),
    )
    try {
      for (const deadline = Date.now() + 60_000; acked.length < 20; ) {
        if (writerEnded) {
          await writer // its own assertion, if that is what ended it
          assert.fail(`the writer stopped after ${acked.length} acknowledged writes`)
        }
        assert.ok(Date.now() < deadline, `only ${acked.length} writes acknowledged in 60 s`)
        await new Promise((r) => setTimeout(r, 5))
      }
    } catch (e) {
      stop = true
      throw e
    }
    const { signal } = await victim.kill('SIGKILL')
    stop = true
    await writer
    assert.equal(signal, 'SIGKILL')
    const found = await onPrimary('SELECT count(*) AS n FROM notes WHERE id IN (SELECT value FROM json_each(?))', [JSON.stringify(acked)])
    assert.equal(found[0].n, acked.length, 'every acknowledged write is on the primary')

    const fresh = await startReplicaNode({ index: 9, settings: settingsFor(9), redisUrl: redis.url })
    const restarted = await startNode(1)
    nodes[1] = restarted
    try {
      const resumed = (await replication(restarted)).framesSynced
      const full = (await replication(fresh)).framesSynced
      assert.ok(resumed < full, `a resumed replica pulls only what it missed: ${resumed} frames, a fresh one ${full}`)
      const local = await exec(restarted, 'SELECT count(*) AS n FROM notes WHERE id IN (SELECT value FROM json_each(?))', [JSON.stringify(acked)])
      assert.equal(local.rows[0].n, acked.length)
    } finally {
      await fresh.close()
    }
  })

  test('with the primary down, writes fail fast with a clear error on every node, local reads work; all recovers', async () => {
    const marker = 'before the outage'
    await exec(nodes[0], 'INSERT INTO notes (node, body) VALUES (?, ?)', [0, marker])
    await Promise.all(nodes.map((n) => n.call('waitFor', { sql: 'SELECT 1 FROM notes WHERE body = ?', params: [marker], timeoutMs: 30_000 })))
    await sqld.stop()
    try {
      for (const n of nodes) {
        const err = await exec(n, 'INSERT INTO notes (node, body) VALUES (?, ?)', [n.index, 'during']).then(
          () => null,
          (e) => e,
        )
        assert.ok(err, `node ${n.index}: a write without its primary must fail`)
        // Connection refused at once; a primary that hangs instead gives ERR_TIMEOUT after requestTimeout.
        assert.ok(['ERR_CONNECTION', 'ERR_TIMEOUT'].includes(err.code), `node ${n.index}: got ${err.code}: ${err.message}`)
        assert.ok(!err.message.includes(token), 'no secret in the error')
        // Local reads keep answering from the replica file, the cache bypassed.
        const rows = (await exec(n, 'SELECT count(*) AS n FROM notes WHERE body = ?', [marker], { cache: false })).rows
        assert.equal(rows[0].n, 1)
      }
      // Periodic syncs fail meanwhile, and say so.
      await Promise.all(
        nodes.map(async (n) => {
          const start = (await replication(n)).syncErrors
          for (let i = 0; i < 300 && (await replication(n)).syncErrors === start; i++) await new Promise((r) => setTimeout(r, 100))
          assert.ok((await replication(n)).syncErrors > start, `node ${n.index} counts its failed syncs`)
        }),
      )
    } finally {
      await sqld.start()
    }
    // Back: every node writes again, and every other node sees each write.
    for (const n of nodes) {
      let done = null
      for (let i = 0; i < 100 && !done; i++) {
        done = await exec(n, 'INSERT INTO notes (node, body) VALUES (?, ?)', [n.index, `after ${n.index}`]).catch(() => null)
        if (!done) await new Promise((r) => setTimeout(r, 200))
      }
      assert.ok(done, `node ${n.index} writes again once the primary is back`)
    }
    for (const n of nodes) {
      for (const m of nodes) {
        await n.call('waitFor', { sql: 'SELECT 1 FROM notes WHERE body = ?', params: [`after ${m.index}`], timeoutMs: 30_000 })
      }
      const { checker } = await n.call('health')
      assert.equal(checker.checks.replication.status, 'pass')
    }
  })
})

describe('node processes', () => {
  test('closing a node that does not answer kills it instead of waiting forever', { timeout: 60_000 }, async () => {
    const node = await startReplicaNode({ index: 5, settings: settingsFor(5) })
    process.kill(node.pid, 'SIGSTOP') // it can no longer answer `close`
    assert.deepEqual(await node.close({ timeoutMs: 500 }), { code: null, signal: 'SIGKILL' })
  })

  test('closing a node that died meanwhile resolves to how it ended, with nothing thrown', { timeout: 60_000 }, async () => {
    const node = await startReplicaNode({ index: 6, settings: settingsFor(6) })
    process.kill(node.pid, 'SIGKILL')
    assert.deepEqual(await node.close(), { code: null, signal: 'SIGKILL' })
    await assert.rejects(node.call('metrics'), { code: 'ERR_NODE_EXITED' })
    assert.deepEqual(await node.close(), { code: null, signal: 'SIGKILL' })
  })

  test('progress reports: a tick while one is pending is skipped; what the callback throws is logged', async () => {
    const seen = []
    const logged = []
    const tick = reportProgress(
      nodes,
      (p) => {
        seen.push(p)
        throw new Error('from the callback')
      },
      (line) => logged.push(line),
    )
    await Promise.all([tick(), tick()])
    assert.equal(seen.length, 1)
    assert.equal(seen[0].length, nodes.length)
    assert.match(logged[0], /onProgress threw: from the callback/)
    await tick() // not left busy by the throw
    assert.equal(seen.length, 2)
  })
})

test('bad run options are refused by name before any process, server or folder is made', async () => {
  const config = { maxUsers: 2, testDurationMs: 100, scenarios: [] }
  const replicaDir = join(dir, 'never-made')
  const logged = []
  const run = (over) => runScaleBenchmark({ nodes: 2, config, replicaDir, log: (l) => logged.push(l), ...over })
  for (const [over, name, type] of [
    [{ seedScale: '../../../tmp/x' }, 'options.seedScale', TypeError],
    [{ seedScale: 0 }, 'options.seedScale', RangeError],
    [{ seedScale: Infinity }, 'options.seedScale', RangeError],
    [{ optimize: 'no' }, 'options.optimize', TypeError],
    [{ config: { ...config, maxUsers: undefined } }, 'options.config.maxUsers', TypeError],
    [{ config: { ...config, maxUsers: 0.5 } }, 'options.config.maxUsers', RangeError],
  ]) {
    await assert.rejects(run(over), (e) => e instanceof type && e.message.startsWith(`${name} must be`), JSON.stringify(over))
  }
  assert.deepEqual(logged, [])
  assert.equal(existsSync(replicaDir), false)
  // The seed file's name is built from the scale: only a checked number gets there.
  const benchDir = join(dir, 'bench-never')
  const saved = process.env.BENCH_DIR
  process.env.BENCH_DIR = benchDir
  try {
    await assert.rejects(cachedSeed('../../x', true, () => {}), (e) => e instanceof TypeError && e.message.startsWith('scale must be'))
  } finally {
    if (saved === undefined) delete process.env.BENCH_DIR
    else process.env.BENCH_DIR = saved
  }
  assert.equal(existsSync(benchDir), false)
})

test('merged percentiles are nearest-rank over every bucket of every node', () => {
  const p = percentiles([[[1e6, 50], [2e6, 40]], [[2e6, 5], [9e6, 5]]])
  assert.deepEqual(p, { count: 100, p50: 1, p95: 2, p99: 9, max: 9 })
})

describe('db:benchmark --nodes', () => {
  test('three nodes on a local sqld started for the run: per-node and total figures, lag probes, no lost writes', () => {
    const json = join(dir, 'nodes.json')
    const CLI = fileURLToPath(new URL('../lib/loadtest.js', import.meta.url))
    const env = { ...process.env, BENCH_DIR: join(dir, 'bench'), REDIS_URL: redis.url }
    delete env.TURSO_DATABASE_URL
    const r = spawnSync(process.execPath, [CLI, '--nodes=3', '--seed-scale=0.02', '--users=6', '--duration=2s', '--closed-loop', '--probe-interval=100ms', `--json=${json}`, '--threshold=errorRate<1', '--quiet'], {
      encoding: 'utf8',
      env,
      timeout: 120_000,
    })
    assert.equal(r.status, 0, r.stdout + r.stderr)
    for (const want of ['SCALE-OUT: 3 nodes x 2 users', 'node 2 (pid', 'TOTAL:', 'replication lag p50', 'lost writes: 0', 'redis: connected', '✓ errorRate<1']) {
      assert.ok(r.stdout.includes(want), `missing ${want}\n${r.stdout}`)
    }
    const out = JSON.parse(readFileSync(json, 'utf8'))
    assert.equal(out.perNode.length, 3)
    assert.equal(out.total.errors, 0)
    assert.equal(out.total.lostWrites.lost, 0)
    assert.ok(out.total.lostWrites.probesAcknowledged > 0)
    assert.equal(out.total.lag.unseen, 0)
    assert.equal(out.total.lag.count, out.total.lag.expected)
    assert.equal(out.total.totalRequests, out.perNode.reduce((s, n) => s + n.totalRequests, 0))
    for (const n of out.perNode) {
      assert.ok(n.sync.syncs >= 1, JSON.stringify(n.sync))
      assert.ok(n.totalRequests > 0)
      assert.equal(n.health.healthy, true)
      assert.equal(typeof n.health.replication.lagMs, 'number')
      for (const o of n.operations) assert.ok(o.p50 <= o.p95 && o.p95 <= o.p99, JSON.stringify(o))
    }
    for (const o of out.total.operations) {
      const count = out.perNode.reduce((s, n) => s + (n.operations.find((x) => x.operation === o.operation)?.count ?? 0), 0)
      assert.equal(o.count, count, o.operation)
      assert.ok(o.p50 <= o.p95 && o.p95 <= o.p99 && o.p99 <= o.max, JSON.stringify(o))
    }
  })

  test('usage errors name the flag', () => {
    const CLI = fileURLToPath(new URL('../lib/loadtest.js', import.meta.url))
    for (const [args, flag] of [
      [['--nodes=0'], '--nodes'],
      [['--nodes=3', '--report=x.html'], '--report'],
      [['--sync-interval=2'], '--sync-interval'],
      [['--nodes=3', '--sync-interval=0'], '--sync-interval'],
      [['--nodes=3', '--seed-scale=../x'], '--seed-scale'],
    ]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' })
      assert.equal(r.status, 2, r.stderr)
      assert.ok(r.stderr.includes(flag), r.stderr)
    }
  })
})
