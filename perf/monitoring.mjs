// Monitoring overhead: throughput of 1,000 concurrent uncached point reads on a seeded file
// with no monitor attached and with one attached (recording every statement on the
// connection threads, alerts on). Phases alternate (off, on, on, off, ...) in one process on
// one database so drift and warm-up hit both sides alike; the medians are compared.
//   node perf/monitoring.mjs [--scale=1] [--pairs=6] [--rounds=30]
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const { createEdgeDatabase, seedDatabase, DatabaseMonitor } = require('../index.js')

const arg = (name, dflt) => Number((process.argv.find((a) => a.startsWith(`--${name}=`)) || `=${dflt}`).split('=')[1])
const scale = arg('scale', 1)
const pairs = arg('pairs', 6)
const rounds = arg('rounds', 30)
const CONCURRENCY = 1000

const dir = join(process.cwd(), '.bench')
const seed = join(dir, `seed-${scale}.db`)
mkdirSync(dir, { recursive: true })
if (!existsSync(seed)) {
  console.error(`seeding ${seed} at scale ${scale}...`)
  const db = createEdgeDatabase(undefined, { url: `file:${seed}` })
  await seedDatabase(db, { scale })
  await db.execute('PRAGMA wal_checkpoint(TRUNCATE)', [], { cache: false })
  await db.cleanup()
}
const file = join(dir, 'monitoring.db')
for (const ext of ['', '-wal', '-shm']) rmSync(file + ext, { force: true })
copyFileSync(seed, file)

const db = createEdgeDatabase(undefined, { url: `file:${file}` })
const { rows } = await db.execute('SELECT max(id) AS n FROM questions')
const maxId = Number(rows[0].n)
let x = 12345
const nextId = () => 1 + ((x = (x * 1103515245 + 12345) % 2147483648) % maxId)
const SQL = 'SELECT * FROM questions WHERE id = ?'
const opts = { cache: false }

/** ops/s over `rounds` rounds of CONCURRENCY concurrent reads. */
async function phase() {
  const t0 = performance.now()
  for (let r = 0; r < rounds; r++) {
    await Promise.all(Array.from({ length: CONCURRENCY }, () => db.execute(SQL, [nextId()], opts)))
  }
  return (rounds * CONCURRENCY * 1000) / (performance.now() - t0)
}

async function measure(on) {
  const monitor = on ? new DatabaseMonitor(db) : null
  monitor?.onAlert(() => {}) // alert delivery armed, as in production
  const opsPerSec = await phase()
  const recorded = monitor ? monitor.getAnalytics().summary.totalQueries : 0
  monitor?.close()
  return { opsPerSec, recorded }
}

await phase() // warm-up: statement caches, page cache, JIT
const off = []
const on = []
for (let p = 0; p < pairs; p++) {
  const order = p % 2 === 0 ? [false, true] : [true, false]
  for (const o of order) {
    const r = await measure(o)
    ;(o ? on : off).push(r.opsPerSec)
    if (o && r.recorded < rounds * CONCURRENCY) throw new Error(`monitor recorded ${r.recorded} of ${rounds * CONCURRENCY} reads`)
  }
}
await db.cleanup()

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (n) => Math.round(n).toLocaleString('en-US')
const mOff = median(off)
const mOn = median(on)
console.log(`scale ${scale}; ${pairs} pairs of ${rounds} rounds x ${CONCURRENCY} concurrent uncached point reads`)
console.log(`monitoring off: ${fmt(mOff)} ops/s (median; runs ${off.map(fmt).join(', ')})`)
console.log(`monitoring on:  ${fmt(mOn)} ops/s (median; runs ${on.map(fmt).join(', ')})`)
console.log(`overhead: ${(((mOff - mOn) / mOff) * 100).toFixed(1)}% of throughput`)
