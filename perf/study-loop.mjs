// One awaited getOptimizedStudyQuestions after another (20 practice questions each) on a
// copy of the scale-1 seed after db:optimize: p50 and the process's CPU per call, for A/B
// runs of two builds. PTP_INDEX names another checkout's index.js to load instead of this
// one's. Needs the files `npm run bench -- --suite=queries` prepares in .bench/.
// Usage: node perf/study-loop.mjs [calls = 3000]
import { createRequire } from 'node:module'
import { copyFileSync, existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'

const require = createRequire(import.meta.url)
const index = process.env.PTP_INDEX || '../index.js'
const { createEdgeDatabase, createOptimizedQueries } = require(index)
const seed = join(process.cwd(), '.bench', 'seed-1-optimized.db')
if (!existsSync(seed)) throw new Error(`${seed} is missing: run npm run bench -- --suite=queries first`)
const file = join(tmpdir(), `ptp-study-loop-${process.pid}.db`)
copyFileSync(seed, file)
const db = createEdgeDatabase(undefined, { url: `file:${file}`, cacheTtl: 0 })
await db.ready()
const q = createOptimizedQueries(db)
const N = Number(process.argv[2] || 3000)
const params = (i) => ({ userId: 1 + (i % 500), examId: 1 + (i % 5), limit: 20 })
for (let i = 0; i < 500; i++) await q.study.getOptimizedStudyQuestions(params(i))
const t = []
const c0 = process.cpuUsage()
for (let i = 0; i < N; i++) {
  const s = performance.now()
  await q.study.getOptimizedStudyQuestions(params(i))
  t.push(performance.now() - s)
}
const c = process.cpuUsage(c0)
t.sort((a, b) => a - b)
console.log(`${index}: p50 ${(t[N >> 1] * 1000).toFixed(1)} µs, CPU ${((c.user + c.system) / N).toFixed(1)} µs per call`)
await db.cleanup()
for (const e of ['', '-wal', '-shm']) rmSync(file + e, { force: true })
