// Makes `calls` public API calls (1,000 in flight at a time: cached and uncached reads, an
// optimized query, a one-row write) and reports RSS after a warm-up fifth and at the end,
// each measured after a full GC (warm-up: the first fifth of the calls). Run with --expose-gc.
// Usage: node --expose-gc rss.mjs <calls> <db file>  ->  {"warm": bytes, "end": bytes, "samples": [...]}
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { createEdgeDatabase, createOptimizedQueries } = require('../../../index.js')
const [calls, file] = [Number(process.argv[2]), process.argv[3]]
const db = createEdgeDatabase(undefined, { url: `file:${file}` })
const q = createOptimizedQueries(db)
const rss = () => {
  globalThis.gc()
  globalThis.gc()
  return process.memoryUsage().rss
}

function call(i) {
  switch (i % 10) {
    case 0:
      return db.execute('UPDATE users SET name = ? WHERE id = ?', [`n${i}`, 1 + (i % 50)])
    case 1:
      return q.progress.getExamLeaderboardOptimized(1, 10)
    case 2:
    case 3:
      return db.execute('SELECT ? AS v, ? AS w', [i, `text ${i}`], { cache: false })
    default:
      return db.execute('SELECT id, name FROM users WHERE id = ?', [1 + (i % 50)])
  }
}

const CHUNK = 1000
let warm = 0
const samples = []
for (let done = 0; done < calls; done += CHUNK) {
  await Promise.all(Array.from({ length: Math.min(CHUNK, calls - done) }, (_, k) => call(done + k)))
  if (done + CHUNK >= calls / 5 && !warm) warm = rss()
  if ((done / CHUNK) % Math.max(1, Math.floor(calls / CHUNK / 10)) === 0) samples.push(process.memoryUsage().rss)
}
const end = rss()
await db.cleanup()
process.stdout.write(JSON.stringify({ warm, end, samples, calls }) + '\n')
