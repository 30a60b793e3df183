// A Rust panic, in an exported function or on a connection thread, reaches JS as an Error
// and the addon keeps working.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const binding = require('../binding.js')
const { createEdgeDatabase } = require('../index.js')

test('a panic in an exported function is a JS Error', () => {
  assert.throws(() => binding.__panicForTests(), (e) => e instanceof Error && /panic/.test(e.message))
  assert.throws(() => binding.__panicForTests(), Error) // and again: nothing was poisoned
})

test('a panic on a connection thread fails only its own request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptp-panic-'))
  const db = createEdgeDatabase(undefined, { url: `file:${join(dir, 'p.db')}`, maxConnections: 1 })
  try {
    const [bad, good] = await Promise.allSettled([db._query('__panic', '[]'), db.execute('SELECT 41 + 1 AS x')])
    assert.equal(bad.status, 'rejected')
    assert.equal(bad.reason.code, 'ERR_INTERNAL')
    assert.equal(good.value.rows[0].x, 42)
    // The reader that panicked still serves.
    for (let i = 0; i < 3; i++) assert.equal((await db.execute('SELECT ? AS v', [i], { cache: false })).rows[0].v, i)
    // Again and alone: each time an error of its own, never a crash.
    for (let i = 0; i < 3; i++) await assert.rejects(db._query('__panic', '[]'), (e) => e.code === 'ERR_INTERNAL')
    assert.equal((await db.execute('SELECT 7 AS v', [], { cache: false })).rows[0].v, 7)
  } finally {
    await db.cleanup()
    rmSync(dir, { recursive: true, force: true })
  }
})
