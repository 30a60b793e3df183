// Remote (Hrana over HTTP) and embedded-replica modes against a real sqld with JWT auth.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { startSqld } from './support/sqld.mjs'

const require = createRequire(import.meta.url)
const { createEdgeDatabase, monitorDatabaseHealth, applySchema, createOptimizedQueries } = require('../index.js')

let server
const dir = mkdtempSync(join(tmpdir(), 'ptp-remote-'))
before(async () => {
  server = await startSqld()
})
after(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const remote = (token, extra = {}) => createEdgeDatabase(undefined, { url: server.url, authToken: token, requestTimeout: 5000, ...extra })

describe('remote sqld', () => {
  test('reads, writes, batches and transactions over Hrana', async () => {
    const db = remote(server.tokens.rw)
    await db.ready()
    await db.execute('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
    const ins = await db.execute('INSERT INTO notes (body) VALUES (?)', ['hello'])
    assert.equal(ins.rowsAffected, 1)
    const [row] = (await db.execute('SELECT id FROM notes WHERE body = ?', ['hello'], { cache: false })).rows
    assert.equal(ins.lastInsertRowid, BigInt(row.id), 'lastInsertRowid is the new row id, as @libsql/client gives it')
    // A cursor (RETURNING) reports no rowid over Hrana: unknown, never an earlier statement's.
    const ret = await db.execute('INSERT INTO notes (body) VALUES (?) RETURNING id', ['returning'])
    assert.equal(ret.lastInsertRowid, undefined)
    await db.execute('DELETE FROM notes WHERE id = ?', [ret.rows[0].id])
    await db.batch([
      { sql: 'INSERT INTO notes (body) VALUES (?)', args: ['a'] },
      { sql: 'INSERT INTO notes (body) VALUES (:b)', args: { b: 'b' } },
    ])
    await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO notes (body) VALUES (?)', ['in tx'])
    })
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.execute('INSERT INTO notes (body) VALUES (?)', ['rolled back'])
        throw new Error('no')
      }),
      /no/,
    )
    const rs = await db.execute('SELECT body FROM notes ORDER BY id')
    assert.deepEqual(rs.rows.map((r) => r.body), ['hello', 'a', 'b', 'in tx'])
    const h = await monitorDatabaseHealth(db)
    assert.equal(h.healthy, true)
    await db.cleanup()
  })

  test('no token and a wrong token are rejected clearly, without echoing the token', async () => {
    for (const token of [undefined, 'not-a-jwt-sekrit', server.tokens.expired]) {
      const db = remote(token)
      const err = await db.ready().then(() => null, (e) => e)
      assert.ok(err, `token ${token ? 'given' : 'missing'} must be refused`)
      assert.match(err.code, /ERR_AUTH|ERR_CONNECTION/)
      if (token) assert.ok(!err.message.includes(token), 'the token must not appear in the error')
      await db.cleanup()
    }
  })

  test('a read-only token can read but not write', async () => {
    const db = remote(server.tokens.ro)
    const rs = await db.execute('SELECT count(*) AS c FROM notes')
    assert.ok(rs.rows[0].c >= 4)
    await assert.rejects(db.execute('INSERT INTO notes (body) VALUES (?)', ['nope']), (e) => !e.message.includes(server.tokens.ro))
    await db.cleanup()
  })
})

describe('embedded replica', () => {
  test('syncs before the first query, forwards writes, reads its own writes', async () => {
    const db = remote(server.tokens.rw, { replicaPath: join(dir, 'replica.db'), syncInterval: 1 })
    const rs = await db.execute('SELECT count(*) AS c FROM notes')
    assert.ok(rs.rows[0].c >= 4, 'the first sync brought the primary tables')
    await db.execute('INSERT INTO notes (body) VALUES (?)', ['from replica'])
    const mine = await db.execute('SELECT count(*) AS c FROM notes WHERE body = ?', ['from replica'])
    assert.equal(mine.rows[0].c, 1)
    // The primary has it too.
    const primary = remote(server.tokens.rw)
    const there = await primary.execute('SELECT count(*) AS c FROM notes WHERE body = ?', ['from replica'], { cache: false })
    assert.equal(there.rows[0].c, 1)
    // A write on the primary arrives by sync.
    await primary.execute('INSERT INTO notes (body) VALUES (?)', ['from primary'])
    await db.sync()
    const arrived = await db.execute('SELECT count(*) AS c FROM notes WHERE body = ?', ['from primary'], { cache: false })
    assert.equal(arrived.rows[0].c, 1)
    const m = db.getMetrics()
    assert.ok(m.replication.syncs >= 2)
    await primary.cleanup()
    await db.cleanup()
  })

  test('a statement run again with other parameters returns their rows', async () => {
    const db = remote(server.tokens.rw, { replicaPath: join(dir, 'replica-rebind.db'), syncInterval: 1, maxConnections: 1 })
    const ids = (await db.execute('SELECT id FROM notes ORDER BY id LIMIT 3', [], { cache: false })).rows.map((r) => r.id)
    for (const sql of ['SELECT id FROM notes WHERE id = ?', 'SELECT id FROM notes WHERE id = ?1']) {
      for (const id of ids) assert.deepEqual((await db.execute(sql, [id], { cache: false })).rows, [{ id }], sql)
    }
    await db.cleanup()
  })

  test('a schema change pulled by a sync reaches statements prepared before it; data syncs keep them', async () => {
    const primary = remote(server.tokens.rw)
    await primary.execute('CREATE TABLE replica_shape (a INTEGER)')
    await primary.execute('INSERT INTO replica_shape VALUES (1)')
    const db = remote(server.tokens.rw, { replicaPath: join(dir, 'replica-shape.db'), syncInterval: 0, maxConnections: 1 })
    const read = () => db.execute('SELECT * FROM replica_shape ORDER BY a', [], { cache: false })
    assert.deepEqual((await read()).columns, ['a'])
    await primary.execute('INSERT INTO replica_shape VALUES (2)')
    await db.sync()
    assert.deepEqual((await read()).rows, [{ a: 1 }, { a: 2 }])
    await primary.execute("ALTER TABLE replica_shape ADD COLUMN b TEXT DEFAULT 'x'")
    await db.sync()
    const after = await read()
    assert.deepEqual(after.columns, ['a', 'b'])
    assert.deepEqual(after.rows, [{ a: 1, b: 'x' }, { a: 2, b: 'x' }])
    await db.cleanup()
    await primary.cleanup()
  })

  test('forwards numbered parameters, RETURNING rows with NULLs and the optimized writes', async () => {
    const primary = remote(server.tokens.rw)
    await applySchema(primary)
    await primary.execute("INSERT INTO exams (vendor_id, code, name) VALUES ('v', 'R-1', 'Replica exam')")
    const exam = (await primary.execute("SELECT id FROM exams WHERE code = 'R-1'", [], { cache: false })).rows[0].id
    await primary.execute("INSERT INTO objectives (exam_id, code, name) VALUES (?, 'o1', 'Objective')", [exam])
    const objective = (await primary.execute('SELECT id FROM objectives WHERE exam_id = ?', [exam], { cache: false })).rows[0].id
    const q = await primary.execute("INSERT INTO questions (exam_id, objective_id, text, answers) VALUES (?, ?, 'Q?', '[]')", [exam, objective])
    const user = await primary.execute("INSERT INTO users (email, name) VALUES ('replica@example.com', 'R')")

    const db = remote(server.tokens.rw, { replicaPath: join(dir, 'replica-queries.db'), syncInterval: 1 })
    await db.execute('INSERT INTO notes (body) SELECT ?1 || ?2 || ?1', ['x', 'y'])
    const ret = await db.execute('INSERT INTO notes (body) VALUES (?) RETURNING id, body, NULL AS missing', ['returned'])
    assert.equal(ret.rows[0].body, 'returned')
    assert.equal(ret.rows[0].missing, null)
    const queries = createOptimizedQueries(db)
    const args = { userId: Number(user.lastInsertRowid), questionId: Number(q.lastInsertRowid), selectedAnswer: 'a', timeSpentSeconds: 4 }
    const one = await queries.study.recordAnswerOptimized({ ...args, isCorrect: true })
    assert.equal(one.studySessionId, null)
    const both = await queries.study.recordAnswersBatch([{ ...args, isCorrect: false }, { ...args, isCorrect: true }])
    assert.equal(both.length, 2)
    const there = await primary.execute('SELECT total_attempts AS n, correct_attempts AS c FROM questions WHERE id = ?', [args.questionId], { cache: false })
    assert.deepEqual(there.rows[0], { n: 3, c: 2 })
    const notes = await primary.execute("SELECT count(*) AS c FROM notes WHERE body IN ('xyx', 'returned')", [], { cache: false })
    assert.equal(notes.rows[0].c, 2)
    await primary.cleanup()
    await db.cleanup()
  })
})
