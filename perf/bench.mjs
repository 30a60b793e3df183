// `npm run bench`: this addon beside better-sqlite3 12 and @libsql/client on copies of one
// seeded file, each driver in its own process (two libSQL/SQLite libraries must not share a
// WAL file in one process), in one run. Two suites: the driver basics on the seed, and the
// app's queries on the seed after `db:optimize` (the peers run the original's SQL).
// Medians and p99 in microseconds per operation; ratios = peer median / addon median.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const flag = (name, dflt) => (process.argv.find((a) => a.startsWith(`--${name}=`)) || `--${name}=${dflt}`).split('=')[1]
const scale = Number(flag('scale', 1))
const only = flag('suite', 'all')
const dir = join(process.cwd(), '.bench')
mkdirSync(dir, { recursive: true })
const api = require('../index.js')

async function prepared(name, build) {
  const file = join(dir, `${name}.db`)
  if (existsSync(file)) return file
  const tmp = `${file}.tmp`
  for (const ext of ['', '-wal', '-shm']) rmSync(tmp + ext, { force: true })
  console.error(`preparing ${file}...`)
  const db = api.createEdgeDatabase(undefined, { url: `file:${tmp}` })
  await build(db)
  await db.execute('PRAGMA wal_checkpoint(TRUNCATE)', [], { cache: false })
  await db.cleanup()
  copyFileSync(tmp, file)
  for (const ext of ['', '-wal', '-shm']) rmSync(tmp + ext, { force: true })
  return file
}

function runDrivers(script, base) {
  const all = {}
  for (const d of ['addon', 'better-sqlite3', 'libsql-client']) {
    const file = join(dir, `run-${d}.db`)
    for (const ext of ['', '-wal', '-shm']) rmSync(file + ext, { force: true })
    copyFileSync(base, file)
    console.error(`running ${script} with ${d}...`)
    const r = spawnSync(process.execPath, [new URL(script, import.meta.url).pathname, d, file], { encoding: 'utf8', env: process.env })
    if (r.status !== 0) {
      console.error(r.stderr)
      process.exit(1)
    }
    all[d] = JSON.parse(r.stdout.trim().split('\n').pop()).results
  }
  return all
}

const fmt = (x) => (x === undefined ? '-' : x < 10 ? x.toFixed(2) : x < 1000 ? x.toFixed(1) : x.toFixed(0))

function table(title, all, ops, refFor = (op) => op) {
  const drivers = Object.keys(all)
  console.log(`\n## ${title}\n`)
  console.log(`| operation | ${drivers.map((d) => `${d} p50 / p99 µs (ops/s)`).join(' | ')} | vs better-sqlite3 | vs @libsql/client |`)
  console.log(`|---|${drivers.map(() => '---').join('|')}|---|---|`)
  for (const op of ops) {
    const cells = drivers.map((d) => {
      const r = all[d][op]
      return r ? `${fmt(r.median)} / ${fmt(r.p99)} (${fmt(r.opsPerSec)})` : '-'
    })
    const a = all.addon[op]
    const ratio = (d) => {
      const ref = all[d][refFor(op)]
      return a && ref ? `${(ref.median / a.median).toFixed(2)}x` : '-'
    }
    console.log(`| ${op} | ${cells.join(' | ')} | ${ratio('better-sqlite3')} | ${ratio('libsql-client')} |`)
  }
}

const seed = await prepared(`seed-${scale}`, (db) => api.seedDatabase(db, { scale }))
console.log(`scale ${scale}; ratio > 1 means the addon is faster`)

if (only === 'all' || only === 'driver') {
  const all = runDrivers('./driver.mjs', seed)
  table('Driver basics (seed)', all, ['pointRead', 'twentyRows', 'insert', 'batch100', 'cacheHit', 'concurrent1000'], (op) => (op === 'cacheHit' ? 'pointRead' : op))
  console.log('\ncacheHit is compared with the peers\' uncached point read; their concurrent1000 runs one after another.')
}

if (only === 'all' || only === 'queries') {
  if (typeof api.optimizeDatabase !== 'function') throw new Error('optimizeDatabase is not available: build the migration module first')
  const optimized = await prepared(`seed-${scale}-optimized`, async (db) => {
    await api.seedDatabase(db, { scale })
    await api.optimizeDatabase(db)
  })
  const all = runDrivers('./queries-driver.mjs', optimized)
  table('App queries (seed after db:optimize; peers run the original SQL)', all, [
    'studyQuestions', 'recordAnswer', 'sessionProgress', 'leaderboard', 'growthAnalytics', 'pendingOpportunities', 'recordAnswer1000Concurrent',
  ])
  const seq = all.addon.recordAnswer.opsPerSec
  const burst = all.addon.recordAnswer1000Concurrent.opsPerSec
  console.log(`\n1,000 concurrent recordAnswerOptimized: ${fmt(burst)} answers/s, ${(burst / seq).toFixed(1)}x one transaction per awaited answer (${fmt(seq)}/s).`)
}

if (only === 'all' || only === 'monitoring') {
  // Monitoring on against off, same seed file, own process.
  const mon = spawnSync(process.execPath, [new URL('./monitoring.mjs', import.meta.url).pathname, `--scale=${scale}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  console.log(`\n## Monitoring on against off\n\n${mon.stdout.trim()}`)
}
