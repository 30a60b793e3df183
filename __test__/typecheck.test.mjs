// The original README's TypeScript examples compile against index.d.ts under --strict:
// what a drop-in replacement means.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

test('README examples type-check with tsc --strict', () => {
  const project = fileURLToPath(new URL('./types/tsconfig.json', import.meta.url))
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url))
  const r = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stdout + r.stderr)
})
