// Holds a database file's write lock for a while, from another process: an interactive
// transaction that writes one row, prints "locked", waits `ms` and commits.
// Usage: node lock-holder.mjs <file> <ms>
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { createEdgeDatabase } = require('../../../index.js')

const [file, ms] = process.argv.slice(2)
const db = createEdgeDatabase(undefined, { url: `file:${file}` })
await db.transaction(async (tx) => {
  await tx.execute("INSERT INTO kv (k, v) VALUES (-1, 'held')")
  process.stdout.write('locked\n')
  await new Promise((r) => setTimeout(r, Number(ms)))
})
await db.cleanup()
