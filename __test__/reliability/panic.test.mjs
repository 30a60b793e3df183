// Panics: a Rust panic inside an exported function, or in a request's job on a connection
// thread, must reach JS as an Error (never abort the process) and the addon must keep
// working. The addon has no public panic trigger: the test uses two hidden hooks, and fails
// naming the missing one when a build lacks it (it never skips silently):
//   src/napi/mod.rs      #[napi(catch_unwind, js_name = "__panicForTests")] fn panic_for_tests() { panic!(..) }
//   src/napi/queries.rs  the "__panic" query: a Call whose job panics on its connection thread
// It runs in a child process (support/children/panic.mjs): an abort fails the test, not the runner.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { CHILDREN, runNode, tempDir } from './helpers.mjs'

let result
async function run() {
  if (result) return result
  const r = await runNode(join(CHILDREN, 'panic.mjs'), [tempDir('panic')], { env: { RUST_BACKTRACE: '0' }, timeoutMs: 60_000 })
  assert.equal(r.timedOut, false, 'the panic child hung')
  assert.equal(r.signal, null, `a panic killed the process (${r.signal}): ${r.stderr.slice(-800)}`)
  assert.equal(r.code, 0, `the panic child failed: ${r.stderr.slice(-800)}`)
  result = JSON.parse(r.stdout.trim().split('\n').pop())
  return result
}

test('a panic in an exported function reaches JS as an Error, every time', async () => {
  const r = await run()
  assert.ok(
    r.hooks.exported,
    'no panic hook in this build: add `#[napi_derive::napi(catch_unwind, js_name = "__panicForTests")] pub fn panic_for_tests() { panic!("deliberate panic for tests") }` to src/napi/mod.rs and rebuild',
  )
  assert.equal(r.exported.length, 5)
  for (const e of r.exported) {
    assert.equal(e.threw, true, 'the call threw')
    assert.equal(e.isError, true, `an Error, got ${e.name}`)
    assert.match(e.message, /panic/, 'the message says it panicked')
  }
})

test('a panic on a connection thread fails only its own request; the connection survives', async () => {
  const r = await run()
  assert.ok(r.hooks.connection, 'no connection-thread panic hook in this build: add a "__panic" query (a Call whose job panics) to src/napi/queries.rs and rebuild')
  assert.equal(r.connection.length, 6)
  for (const c of r.connection) {
    assert.equal(c.panicked.isError, true, `the panicking request rejected with an Error: ${JSON.stringify(c.panicked)}`)
    assert.ok(c.panicked.code, 'with a code')
    assert.equal(c.siblingsOk, true, 'the requests flushed with it succeeded')
  }
})

test('the addon keeps working after the panics', async () => {
  const r = await run()
  assert.equal(r.after.reads, true, 'reads on every connection')
  assert.equal(r.after.count, r.hooks.connection ? 6 : 0, 'every write landed')
  assert.equal(r.after.explain, true)
  assert.equal(r.after.freshDb, true, 'a new database opens and answers')
  assert.equal(r.after.config, true)
})
