// Opens and closes `n` databases (create, ready, a write and a read, cleanup; 10 at a time,
// each on its own file) and reports the file descriptors and threads of the process before
// and after. Usage: node fds.mjs <n> <dir>   ->   {"before": {...}, "after": {...}, "ms": ...}
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { createEdgeDatabase } = require('../../../index.js')
const [n, dir] = [Number(process.argv[2]), process.argv[3]]
const snapshot = () => ({ fds: readdirSync('/proc/self/fd').length, threads: readdirSync('/proc/self/task').length })

async function cycle(i) {
  const db = createEdgeDatabase(undefined, { url: `file:${join(dir, `db-${i % 10}.db`)}` })
  await db.ready()
  await db.execute('CREATE TABLE IF NOT EXISTS t (v)')
  await db.execute('INSERT INTO t (v) VALUES (?)', [i])
  await db.execute('SELECT count(*) AS n FROM t', [], { cache: false })
  await db.cleanup()
}

const PARALLEL = 10
// Warm-up, at the same parallelism: the shared runtime and its worker threads start with the first databases.
for (let r = 0; r < 3; r++) await Promise.all(Array.from({ length: PARALLEL }, (_, k) => cycle(k)))
await new Promise((r) => setTimeout(r, 200))
const before = snapshot()
const t = performance.now()
for (let i = 0; i < n; i += PARALLEL) await Promise.all(Array.from({ length: Math.min(PARALLEL, n - i) }, (_, k) => cycle(i + k)))
const ms = performance.now() - t
await new Promise((r) => setTimeout(r, 500))
const after = snapshot()
process.stdout.write(JSON.stringify({ before, after, ms, n }) + '\n')
