import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const { createEdgeDatabase, EdgeOptimizedDatabase, getEdgeConfig, monitorDatabaseHealth } = require('../index.js')

const here = fileURLToPath(new URL('.', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'ptp-db-'))
const open = (name, extra = {}) => createEdgeDatabase(undefined, { url: `file:${join(dir, name)}`, ...extra })

after(() => rmSync(dir, { recursive: true, force: true }))

describe('embedded file', () => {
  let db
  before(async () => {
    db = open('basic.db')
    await db.ready()
    await db.execute('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, price REAL, data BLOB, n INTEGER)')
  })
  after(() => db.cleanup())

  test('execute returns a @libsql/client-shaped ResultSet', async () => {
    const ins = await db.execute('INSERT INTO items (name, price, data) VALUES (?, ?, ?)', ['pen', 1.5, Buffer.from([1, 2, 3])])
    assert.equal(ins.rowsAffected, 1)
    assert.equal(typeof ins.lastInsertRowid, 'bigint')
    const rs = await db.execute('SELECT id, name, price, data FROM items WHERE name = :name', { name: 'pen' })
    assert.deepEqual(rs.columns, ['id', 'name', 'price', 'data'])
    assert.deepEqual(rs.columnTypes, ['INTEGER', 'TEXT', 'REAL', 'BLOB'])
    assert.equal(rs.rows.length, 1)
    assert.equal(rs.rows[0].name, 'pen')
    assert.equal(rs.rows[0].price, 1.5)
    assert.deepEqual([...rs.rows[0].data], [1, 2, 3])
    assert.equal(rs.rowsAffected, 0)
    assert.equal(rs.lastInsertRowid, undefined)
  })

  test('any column name keys its rows, as JSON.parse would', async () => {
    const sql = `SELECT 1 AS "__proto__", 2 AS "a""b", 3 AS "line\nbreak", 4 AS x, 5 AS x, 6 AS "constructor", 7 AS "0"`
    for (const cache of [false, true, true]) {
      const rs = await db.execute(sql, [], { cache })
      assert.deepEqual(rs.columns, ['__proto__', 'a"b', 'line\nbreak', 'x', 'x', 'constructor', '0'])
      const row = rs.rows[0]
      assert.equal(Object.getPrototypeOf(row), Object.prototype)
      assert.deepEqual(Object.entries(row), Object.entries(JSON.parse('{"0":7,"__proto__":1,"a\\"b":2,"line\\nbreak":3,"x":5,"constructor":6}')))
      rs.columns.push('mutated')
    }
  })

  test('rows are built without compiling code when Node forbids it', () => {
    const script = `
      const { createEdgeDatabase } = require(${JSON.stringify(require.resolve('../index.js'))})
      const db = createEdgeDatabase(undefined, { url: ${JSON.stringify(`file:${join(dir, 'nocodegen.db')}`)} })
      db.execute('SELECT 1 AS "__proto__", 2 AS x, 3 AS x', [], { cache: false })
        .then((rs) => { console.log(JSON.stringify([Object.entries(rs.rows[0]), Object.getPrototypeOf(rs.rows[0]) === Object.prototype])); return db.cleanup() })`
    const r = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], { encoding: 'utf8' })
    assert.equal(r.status, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), [[['__proto__', 1], ['x', 3]], true])
  })

  test('named parameters accept all three prefixes', async () => {
    for (const p of [':', '@', '$']) {
      const rs = await db.execute(`SELECT ${p}a + ${p}b AS s`, { a: 2, b: 3 }, { cache: false })
      assert.equal(rs.rows[0].s, 5)
    }
  })

  test('a read after a write is never stale', async () => {
    await db.execute('INSERT INTO items (name, price) VALUES (?, ?)', ['cup', 3])
    const q = 'SELECT count(*) AS c FROM items'
    const a = await db.execute(q)
    const b = await db.execute(q)
    assert.equal(a.rows[0].c, b.rows[0].c)
    await db.execute('INSERT INTO items (name, price) VALUES (?, ?)', ['mug', 4])
    const c = await db.execute(q)
    assert.equal(c.rows[0].c, a.rows[0].c + 1)
    await db.execute('UPDATE items SET price = price + 1 WHERE name = ?', ['mug'])
    const d = await db.execute('SELECT price FROM items WHERE name = ?', ['mug'])
    assert.equal(d.rows[0].price, 5)
  })

  test('cached reads are counted and return fresh objects', async () => {
    const m0 = db.getMetrics().pool
    await db.execute('SELECT name FROM items WHERE id = ?', [123456])
    const m1 = db.getMetrics().pool
    assert.equal(m1.cacheMisses - m0.cacheMisses, 1, 'one miss per uncached read')
    await db.execute('SELECT name FROM items WHERE id = ?', [123456])
    assert.equal(db.getMetrics().pool.cacheHits - m1.cacheHits, 1)
    const before = db.getMetrics().pool.cacheHits
    const a = await db.execute('SELECT name FROM items ORDER BY id')
    a.rows[0].name = 'mutated'
    const b = await db.execute('SELECT name FROM items ORDER BY id')
    assert.equal(b.rows[0].name, 'pen')
    assert.ok(db.getMetrics().pool.cacheHits > before)
  })

  test('batch is all or nothing', async () => {
    const count = async () => (await db.execute('SELECT count(*) AS c FROM items', [], { cache: false })).rows[0].c
    const n = await count()
    const ok = await db.batch([
      { sql: 'INSERT INTO items (name) VALUES (?)', args: ['b1'] },
      { sql: 'INSERT INTO items (name) VALUES (?)', args: ['b2'] },
    ])
    assert.equal(ok.length, 2)
    assert.equal(await count(), n + 2)
    await assert.rejects(
      db.batch([
        { sql: 'INSERT INTO items (name) VALUES (?)', args: ['b3'] },
        { sql: 'INSERT INTO items (name) VALUES (?)', args: ['b1'] },
      ]),
      (e) => e.code === 'SQLITE_CONSTRAINT',
    )
    assert.equal(await count(), n + 2)
  })

  test('transaction commits on resolve and rolls back on throw', async () => {
    const count = async () => (await db.execute('SELECT count(*) AS c FROM items', [], { cache: false })).rows[0].c
    const n = await count()
    const r = await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO items (name) VALUES (?)', ['t1'])
      const rs = await tx.execute('SELECT count(*) AS c FROM items')
      return rs.rows[0].c
    })
    assert.equal(r, n + 1)
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.execute('INSERT INTO items (name) VALUES (?)', ['t2'])
        throw new Error('boom')
      }),
      /boom/,
    )
    assert.equal(await count(), n + 1)
  })

  test('1,000 concurrent callers mixing reads and writes: no BUSY, nothing lost', async () => {
    await db.execute('CREATE TABLE hits (id INTEGER PRIMARY KEY, who INTEGER NOT NULL)')
    const calls = []
    for (let i = 0; i < 1000; i++) {
      calls.push(i % 2 ? db.execute('INSERT INTO hits (who) VALUES (?)', [i]) : db.execute('SELECT count(*) AS c FROM hits'))
    }
    const results = await Promise.allSettled(calls)
    assert.deepEqual(results.filter((r) => r.status === 'rejected').map((r) => r.reason.message), [])
    const rs = await db.execute('SELECT count(*) AS c, count(DISTINCT who) AS d FROM hits')
    assert.equal(rs.rows[0].c, 500)
    assert.equal(rs.rows[0].d, 500)
  })

  test('an explicit TRUNCATE checkpoint waits for the background one instead of reporting busy', async () => {
    await db.execute('CREATE TABLE churn (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
    const body = 'x'.repeat(2000)
    for (let round = 0; round < 60; round++) {
      // Each round commits, which sets the background checkpoint going; the TRUNCATE lands
      // while it may still be copying frames back.
      await Promise.all(Array.from({ length: 50 }, (_, i) => db.execute('INSERT INTO churn (body) VALUES (?)', [body + round + i])))
      const rs = await db.execute('PRAGMA wal_checkpoint(TRUNCATE)', [], { cache: false })
      assert.deepEqual(Object.values(rs.rows[0]), [0, 0, 0], `round ${round}: busy, WAL frames, frames written back`)
    }
  })

  test('one failing write in a group commit fails alone', async () => {
    const writes = ['g1', 'g2', 'pen', 'g3'].map((n) => db.execute('INSERT INTO items (name) VALUES (?)', [n]))
    const r = await Promise.allSettled(writes)
    assert.deepEqual(r.map((x) => x.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    assert.equal(r[2].reason.code, 'SQLITE_CONSTRAINT')
    const rs = await db.execute("SELECT count(*) AS c FROM items WHERE name IN ('g1','g2','g3')")
    assert.equal(rs.rows[0].c, 3)
  })

  test('integers beyond 2^53 are an error unless intMode is bigint', async () => {
    await db.execute('INSERT INTO items (name, n) VALUES (?, ?)', ['big', 2n ** 60n])
    await assert.rejects(db.execute("SELECT n FROM items WHERE name = 'big'"), (e) => e.code === 'ERR_INTEGER_OVERFLOW')
    const big = open('basic.db', { intMode: 'bigint' })
    const rs = await big.execute("SELECT n FROM items WHERE name = 'big'")
    assert.equal(rs.rows[0].n, 2n ** 60n)
    await big.cleanup()
  })

  test('bad input is a TypeError or RangeError naming the field, and nothing is written', async () => {
    const count = async () => (await db.execute('SELECT count(*) AS c FROM items', [], { cache: false })).rows[0].c
    const n = await count()
    await assert.rejects(db.execute(42), (e) => e instanceof TypeError && /sql/.test(e.message))
    await assert.rejects(db.execute('INSERT INTO items (name) VALUES (?)', [{}]), (e) => e instanceof TypeError && /params\[0\]/.test(e.message))
    await assert.rejects(db.execute('INSERT INTO items (name) VALUES (?)', [NaN]), (e) => e instanceof RangeError && /params\[0\]/.test(e.message))
    await assert.rejects(db.execute('INSERT INTO items (name) VALUES (?)', [Symbol('x')]), TypeError)
    await assert.rejects(db.execute('INSERT INTO items (name) VALUES (?)', ['a', 'b']), RangeError)
    await assert.rejects(db.execute('INSERT INTO items (name) VALUES (:name)', { nme: 'x' }), (e) => /params\.name/.test(e.message))
    await assert.rejects(db.execute('SELECT 1', [], { cache: 'yes' }), (e) => e instanceof TypeError && /options\.cache/.test(e.message))
    await assert.rejects(db.execute('SELECT 1', [], { ttl: -1 }), RangeError)
    await assert.rejects(db.execute('BEGIN'), (e) => e.code === 'ERR_TRANSACTION_STATEMENT')
    await assert.rejects(db.execute("INSERT INTO items (name) VALUES ('x'); DROP TABLE items"), Error)
    await assert.rejects(db.batch('nope'), TypeError)
    await assert.rejects(db.transaction(5), TypeError)
    assert.equal(await count(), n)
  })

  test('a schema change is seen by cached statements and cached results', async () => {
    await db.execute('CREATE TABLE shape (a INTEGER)')
    await db.execute('INSERT INTO shape VALUES (1)')
    const before = await db.execute('SELECT * FROM shape')
    assert.deepEqual(before.columns, ['a'])
    await db.execute('ALTER TABLE shape ADD COLUMN b TEXT DEFAULT \'x\'')
    const after = await db.execute('SELECT * FROM shape')
    assert.deepEqual(after.columns, ['a', 'b'])
    assert.equal(after.rows[0].b, 'x')
  })

  test('maintenance and metrics report live values', async () => {
    const m = await db.maintenance()
    assert.ok(m.steps.find((s) => s.step === 'WAL checkpoint').ok)
    const metrics = db.getMetrics()
    assert.equal(metrics.pool.totalConnections, 5)
    assert.ok(metrics.pool.totalQueries > 0)
    assert.ok(metrics.cache.totalEntries >= 0)
    const h = await monitorDatabaseHealth(db)
    assert.equal(h.healthy, true)
  })
})

describe('configuration', () => {
  test('bad settings fail at creation and name the setting', () => {
    assert.throws(() => createEdgeDatabase(undefined, { maxConnections: 'abc' }), /maxConnections/)
    assert.throws(() => createEdgeDatabase(undefined, { cacheTtl: -5 }), /cacheTtl/)
    assert.throws(() => createEdgeDatabase(undefined, { url: 'ftp://x' }), /url.*scheme/)
    assert.throws(() => createEdgeDatabase(undefined, { replicaPath: '/tmp/x.db' }), /replicaPath/)
    assert.throws(() => createEdgeDatabase(undefined, { bogus: 1 }), /bogus/)
    assert.throws(() => createEdgeDatabase(5), TypeError)
  })

  test('getEdgeConfig applies the region table and hides secrets', () => {
    const c = getEdgeConfig('us-east-1', { authToken: 'sekrit-token-123' })
    assert.equal(c.concurrency, 25)
    assert.equal(c.syncInterval, 30)
    assert.equal(c.authToken, 'sekrit-token-123')
    assert.ok(!JSON.stringify(c).includes('sekrit'))
    assert.equal(getEdgeConfig('nowhere').concurrency, 20)
  })

  test('cleanup closes: later calls reject with ERR_DATABASE_CLOSED', async () => {
    const db = open('closed.db')
    await db.execute('SELECT 1')
    await db.cleanup()
    await assert.rejects(db.execute('SELECT 1'), (e) => e.code === 'ERR_DATABASE_CLOSED')
    assert.ok(db instanceof EdgeOptimizedDatabase)
  })
})

describe('requests answered on the calling thread', () => {
  let db
  const inline = () => db.getMetrics().pool.inlineTurns
  before(async () => {
    // A budget of a second: on a loaded machine a cheap call can take longer than the default.
    db = open('inline.db', { cacheTtl: 0, inlineBudget: 1000 })
    await db.execute('CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)')
  })
  after(() => db.cleanup())

  test('a cheap read runs on the pool first, then on the calling thread', async () => {
    const before = inline()
    const first = await db.execute('SELECT ? + 1 AS x', [1])
    assert.equal(first.rows[0].x, 2)
    assert.equal(inline(), before, 'an unknown read goes to the pool')
    for (let i = 0; i < 5; i++) assert.equal((await db.execute('SELECT ? + 1 AS x', [i])).rows[0].x, i + 1)
    assert.ok(inline() > before, 'a read known to be cheap is answered here')
  })

  test('inline reads see the rows of awaited writes', async () => {
    for (let i = 0; i < 5; i++) await db.execute('SELECT v FROM kv WHERE k = ?', [i])
    const readTurns = () => db.getMetrics().pool.inlineTurns - db.getMetrics().pool.inlineWrites
    const before = readTurns()
    for (let i = 0; i < 20; i++) {
      await db.execute('INSERT INTO kv (k, v) VALUES (?, ?)', [i, `v${i}`])
      const rs = await db.execute('SELECT v FROM kv WHERE k = ?', [i])
      assert.equal(rs.rows[0]?.v, `v${i}`)
    }
    assert.ok(readTurns() - before >= 15, 'the reads ran here')
  })

  test('a read slower than the budget stays on the pool, and a zero budget sends everything there', async () => {
    const slow = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT count(*) AS c FROM n'
    for (const [name, budget, sql, args] of [['inline-slow.db', 1, slow, [300000]], ['inline-off.db', 0, 'SELECT ? AS v', [1]]]) {
      const other = open(name, { cacheTtl: 0, inlineBudget: budget })
      try {
        for (let i = 0; i < 4; i++) await other.execute(sql, args)
        await other.execute('CREATE TABLE IF NOT EXISTS w (x)')
        for (let i = 0; i < 4; i++) await other.execute('INSERT INTO w VALUES (?)', [i])
        const m = other.getMetrics().pool
        assert.equal(m.inlineTurns, budget === 0 ? 0 : m.inlineWrites, `${name}: no read ran on this thread`)
        if (budget === 0) assert.equal(m.inlineWrites, 0)
      } finally {
        await other.cleanup()
      }
    }
  })

  test('a lone cheap write runs on the calling thread too, and is committed', async () => {
    const sql = 'INSERT INTO kv (k, v) VALUES (?, ?)'
    await db.execute(sql, [1000, 'first'])
    const before = inline()
    for (let i = 1; i <= 10; i++) assert.equal((await db.execute(sql, [1000 + i, `w${i}`])).rowsAffected, 1)
    assert.ok(inline() - before >= 5, 'cheap lone writes are answered here')
    // Another connection of its own sees every row: they were committed, not just written.
    const other = open('inline.db')
    try {
      const rs = await other.execute('SELECT count(*) AS n FROM kv WHERE k BETWEEN 1000 AND 1010', [], { cache: false })
      assert.equal(rs.rows[0].n, 11)
    } finally {
      await other.cleanup()
    }
  })

  test('a write never overtakes one queued before it', async () => {
    const sql = 'INSERT INTO kv (v) VALUES (?)'
    for (let i = 0; i < 3; i++) await db.execute(sql, ['warm'])
    const batch = db.batch(Array.from({ length: 3000 }, (_, i) => ({ sql, args: [`batch${i}`] })))
    await new Promise((r) => setImmediate(r)) // the next turn: the batch is with the writer
    const after = await db.execute(sql, ['after'])
    await batch
    const last = await db.execute("SELECT max(k) AS k FROM kv WHERE v LIKE 'batch%'", [], { cache: false })
    assert.ok(Number(after.lastInsertRowid) > last.rows[0].k, 'the later write got the later rowid')
  })

  test('a write while another process holds the lock waits on the writer thread, not on the event loop', async () => {
    const sql = 'INSERT INTO kv (k, v) VALUES (?, ?)'
    for (let i = 0; i < 5; i++) await db.execute(sql, [-1000 - i, 'warm'])
    const child = spawn(process.execPath, [join(here, 'support', 'children', 'lock-holder.mjs'), join(dir, 'inline.db'), '1500'], { stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise((r) => child.on('exit', r))
    await new Promise((resolve) => child.stdout.on('data', (d) => String(d).includes('locked') && resolve()))
    const events = []
    const write = db.execute(sql, [-2000, 'waited']).then((rs) => (events.push('write'), rs))
    setTimeout(() => events.push('timer'), 50)
    const rs = await write
    assert.equal(rs.rowsAffected, 1)
    assert.deepEqual(events, ['timer', 'write'], 'the event loop ran while the write waited for the lock')
    assert.equal(await exited, 0)
    const held = await db.execute('SELECT v FROM kv WHERE k = -1', [], { cache: false })
    assert.equal(held.rows[0].v, 'held')
  })

  test('a loop of awaited cheap calls still lets timers and I/O run', async () => {
    for (let i = 0; i < 5; i++) await db.execute('SELECT ? AS v', [i])
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    const before = inline()
    const started = performance.now()
    let n = 0
    // Long enough for several 1 ms timer ticks, however fast the machine.
    while (performance.now() - started < 100) assert.equal((await db.execute('SELECT ? AS v', [n++])).rows[0].v, n - 1)
    clearInterval(timer)
    assert.ok(inline() - before > n / 2, 'the reads ran on this thread')
    assert.ok(ticks > 0, `a 1 ms interval fired during ${n} awaited reads (${ticks} times)`)
  })

  test('a turn of several reads is answered together, in order', async () => {
    for (let i = 0; i < 3; i++) await db.execute('SELECT ? AS v', [i])
    const rs = await Promise.all([1, 2, 3].map((v) => db.execute('SELECT ? AS v', [v])))
    assert.deepEqual(rs.map((r) => r.rows[0].v), [1, 2, 3])
    const bad = await Promise.allSettled([db.execute('SELECT ? AS v', [4]), db.execute('SELECT * FROM no_such_table')])
    assert.equal(bad[0].value.rows[0].v, 4)
    assert.equal(bad[1].status, 'rejected')
  })
})
