// `npm run bench`: this addon beside better-sqlite3 12 and @libsql/client on copies of one
// seeded file, each driver in its own process, in one run. Medians and p99 in microseconds
// per operation; ratios are how many times faster the addon is.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const scale = Number((process.argv.find((a) => a.startsWith('--scale=')) || '--scale=1').split('=')[1])
const dir = join(process.cwd(), '.bench')
const seed = join(dir, `seed-${scale}.db`)
mkdirSync(dir, { recursive: true })

if (!existsSync(seed)) {
  console.error(`seeding ${seed} at scale ${scale}...`)
  const { createEdgeDatabase, seedDatabase } = require('../index.js')
  const db = createEdgeDatabase(undefined, { url: `file:${seed}` })
  await seedDatabase(db, { scale })
  await db.execute('PRAGMA wal_checkpoint(TRUNCATE)', [], { cache: false })
  await db.cleanup()
}

const drivers = ['addon', 'better-sqlite3', 'libsql-client']
const all = {}
for (const d of drivers) {
  const file = join(dir, `${d}.db`)
  for (const ext of ['', '-wal', '-shm']) rmSync(file + ext, { force: true })
  copyFileSync(seed, file)
  console.error(`running ${d}...`)
  const r = spawnSync(process.execPath, [new URL('./driver.mjs', import.meta.url).pathname, d, file], { encoding: 'utf8' })
  if (r.status !== 0) {
    console.error(r.stderr)
    process.exit(1)
  }
  all[d] = JSON.parse(r.stdout.trim().split('\n').pop()).results
}

const rows = ['pointRead', 'twentyRows', 'insert', 'batch100', 'cacheHit', 'concurrent1000']
const fmt = (x) => (x === undefined ? '-' : x < 10 ? x.toFixed(2) : x < 1000 ? x.toFixed(1) : x.toFixed(0))
console.log(`\nscale ${scale}; microseconds per operation (median / p99), ops/s; ratio = other median / addon median\n`)
console.log(['operation', ...drivers.map((d) => `${d} p50/p99 (ops/s)`), 'vs better-sqlite3', 'vs @libsql/client'].join(' | '))
for (const op of rows) {
  const cells = drivers.map((d) => {
    const r = all[d][op]
    return r ? `${fmt(r.median)}/${fmt(r.p99)} (${fmt(r.opsPerSec)})` : '-'
  })
  const a = all.addon[op]
  const ratio = (d) => {
    const ref = op === 'cacheHit' ? all[d].pointRead : all[d][op]
    return a && ref ? `${(ref.median / a.median).toFixed(2)}x` : '-'
  }
  console.log([op, ...cells, ratio('better-sqlite3'), ratio('libsql-client')].join(' | '))
}
console.log('\ncacheHit is compared with the other drivers\' uncached point read.')
