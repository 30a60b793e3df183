// Proves the sqld harness serves real Hrana-over-HTTP with JWT auth.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { findSqldBinary, signJwt, startSqld } from './support/sqld.mjs'

let sqld

before(async () => {
  sqld = await startSqld()
})

after(async () => {
  await sqld?.stop()
})

async function pipeline(token, sql, { timeoutMs = 5000 } = {}) {
  const headers = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(`${sqld.url}/v2/pipeline`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      requests: [{ type: 'execute', stmt: { sql } }, { type: 'close' }],
    }),
    signal: AbortSignal.timeout(timeoutMs),
  })
  const body = await res.json().catch(() => null)
  return { status: res.status, body }
}

// Throws unless the statement itself succeeded; returns its rows.
async function run(token, sql, opts) {
  const { status, body } = await pipeline(token, sql, opts)
  const result = body?.results?.[0]
  assert.equal(status, 200, `HTTP ${status}: ${JSON.stringify(body)}`)
  assert.equal(result.type, 'ok', JSON.stringify(result))
  return result.response.result.rows.map((row) => row.map((v) => v.value ?? null))
}

async function assertRejected(token, sql = 'SELECT 1') {
  const { status, body } = await pipeline(token, sql)
  const rejected = status === 401 || status === 403 || body?.results?.[0]?.type === 'error'
  assert.ok(rejected, `expected rejection, got HTTP ${status}: ${JSON.stringify(body)}`)
}

test('rw token can create, insert and select', async () => {
  await run(sqld.tokens.rw, 'CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT)')
  await run(sqld.tokens.rw, "INSERT INTO t (id, name) VALUES (1, 'one')")
  assert.deepEqual(await run(sqld.tokens.rw, 'SELECT id, name FROM t'), [['1', 'one']])
})

test('ro token can read but not write', async () => {
  assert.deepEqual(await run(sqld.tokens.ro, 'SELECT name FROM t WHERE id = 1'), [['one']])
  await assertRejected(sqld.tokens.ro, "INSERT INTO t (id, name) VALUES (2, 'two')")
  assert.deepEqual(await run(sqld.tokens.rw, 'SELECT count(*) FROM t'), [['1']])
})

test('missing, foreign-key and expired tokens are rejected', async () => {
  await assertRejected(null)
  const { privateKey } = generateKeyPairSync('ed25519')
  await assertRejected(signJwt({ a: 'rw' }, privateKey))
  await assertRejected(sqld.tokens.expired)
  await assertRejected('not-a-jwt')
})

test('restart keeps data, port and key', async () => {
  const oldPid = sqld.pid
  await sqld.restart()
  assert.notEqual(sqld.pid, oldPid)
  assert.deepEqual(await run(sqld.tokens.rw, 'SELECT name FROM t WHERE id = 1'), [['one']])
})

test('pause makes requests hang, resume brings them back', async () => {
  sqld.pause()
  try {
    await assert.rejects(run(sqld.tokens.rw, 'SELECT 1', { timeoutMs: 500 }), { name: 'TimeoutError' })
  } finally {
    sqld.resume()
  }
  assert.deepEqual(await run(sqld.tokens.rw, 'SELECT 1'), [['1']])
})

test('kill is abrupt and restart recovers committed data', async () => {
  await run(sqld.tokens.rw, "INSERT INTO t (id, name) VALUES (3, 'three')")
  await sqld.kill()
  await assert.rejects(fetch(`${sqld.url}/health`, { signal: AbortSignal.timeout(1000) }))
  await sqld.restart()
  assert.deepEqual(await run(sqld.tokens.rw, 'SELECT name FROM t WHERE id = 3'), [['three']])
})

test('stop ends the process and a new harness can reuse the db dir', async () => {
  const { dbDir } = sqld
  await sqld.stop()
  await assert.rejects(fetch(`${sqld.url}/health`, { signal: AbortSignal.timeout(1000) }))
  sqld = await startSqld({ dbDir })
  assert.deepEqual(await run(sqld.tokens.rw, 'SELECT name FROM t WHERE id = 1'), [['one']])
})

test('without sqld, the error names the install script, and the published package ships it', () => {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const saved = process.env.SQLD_BIN
  process.env.SQLD_BIN = join(root, 'no-such-sqld')
  let message
  try {
    findSqldBinary()
  } catch (e) {
    message = e.message
  } finally {
    if (saved === undefined) delete process.env.SQLD_BIN
    else process.env.SQLD_BIN = saved
  }
  const script = message?.match(/run (\S+install-sqld\.sh)/)?.[1]
  assert.ok(script && existsSync(script), message)
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 120_000 }))
  assert.ok(pack.files.some((f) => f.path === relative(root, script)), `${relative(root, script)} is in package.json "files"`)
})
