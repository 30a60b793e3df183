// Uses the package the way an app does, calls cleanup() on everything, and then just
// returns: it must exit by itself (no process.exit), which proves no connection, timer or
// thread keeps Node alive. Usage: node exit.mjs <mode> <dir>; modes: local, remote,
// replica (remote/replica need PTP_URL and PTP_TOKEN), everything.
import { join } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const api = require('../../../index.js')
const [mode, dir] = process.argv.slice(2)

const settings = {
  local: { url: `file:${join(dir, 'exit.db')}` },
  remote: { url: process.env.PTP_URL, authToken: process.env.PTP_TOKEN },
  replica: { url: process.env.PTP_URL, authToken: process.env.PTP_TOKEN, replicaPath: join(dir, 'exit-replica.db'), syncInterval: 1 },
  everything: { url: `file:${join(dir, 'exit-all.db')}` },
}[mode]
const db = api.createEdgeDatabase(undefined, settings)
await db.execute('CREATE TABLE IF NOT EXISTS t (v)')
await db.execute('INSERT INTO t (v) VALUES (1)')
await db.execute('SELECT count(*) FROM t')
let extras = []
if (mode === 'everything') {
  await api.seedDatabase(db, { scale: 0.01 })
  const queries = api.createOptimizedQueries(db)
  const { monitor, healthChecker } = api.createMonitoringSystem(db)
  monitor.onAlert(() => {})
  await healthChecker.checkHealth()
  const strategy = api.createCachingStrategy({ db, queries, warmingSchedule: true })
  await strategy.studyCache.loadLeaderboard(1, 10, () => queries.progress.getExamLeaderboardOptimized(1, 10))
  await new api.DatabaseLoadTester(db).runLoadTest({ maxUsers: 2, rampUpTimeMs: 0, testDurationMs: 200, seed: 1, scenarios: [{ name: 's', weight: 1, operations: [{ type: 'leaderboard', frequency: 600 }] }] })
  extras = [() => strategy.cleanup(), () => monitor.close()]
}
if (mode === 'replica') await db.sync()
for (const e of extras) await e()
await db.cleanup()
console.log('cleaned up')
