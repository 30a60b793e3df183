// What each index on user_answers costs a recorded answer: the original's insert plus its
// statistics update in one transaction, through better-sqlite3, on copies of the scale-1
// seed with the app's indexes, after db:optimize, and with 5 and 10 more indexes of the same
// width. Needs the files `npm run bench -- --suite=queries` prepares in .bench/.
// Usage: node perf/index-cost.mjs
import { createRequire } from 'node:module'
import { copyFileSync, existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ORIGINAL } from './original-sql.mjs'

const require = createRequire(import.meta.url)
const Database = require('better-sqlite3')
const dir = join(process.cwd(), '.bench')
const N = Number(process.env.BENCH_ITER || 3000)
const user = (i) => 1 + ((i * 7919) % 5000)
const question = (i) => 1 + ((i * 104729) % 20000)
const session = (i) => 1 + ((i * 31) % 20000)
const WIDTH = ['is_correct', 'time_spent_seconds', 'answered_at', 'flagged', 'confidence_level']

function measure(seed, label, extra) {
  const src = join(dir, seed)
  if (!existsSync(src)) throw new Error(`${src} is missing: run npm run bench -- --suite=queries first`)
  const file = join(dir, 'index-cost.db')
  for (const e of ['', '-wal', '-shm']) rmSync(file + e, { force: true })
  copyFileSync(src, file)
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('cache_size = -16000')
  for (let k = 0; k < extra; k++) db.exec(`CREATE INDEX extra_${k} ON user_answers (question_id, user_id, ${WIDTH[k % WIDTH.length]}, id)`)
  const insert = db.prepare(ORIGINAL.insertAnswer)
  const stats = db.prepare(ORIGINAL.updateStats)
  const record = db.transaction((i) => {
    const now = Math.floor(Date.now() / 1000)
    insert.get(user(i), question(i), session(i), 'a', i % 3 ? 1 : 0, 10 + (i % 50), now)
    stats.run(i % 3 ? 1 : 0, 10, 10, now, question(i))
  })
  const indexes = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'user_answers'").get().n
  const t = []
  for (let i = 0; i < N; i++) {
    const s = process.hrtime.bigint()
    record(i)
    t.push(Number(process.hrtime.bigint() - s) / 1000)
  }
  db.close()
  for (const e of ['', '-wal', '-shm']) rmSync(file + e, { force: true })
  t.sort((a, b) => a - b)
  console.log(`| ${label} | ${indexes} | ${t[N >> 1].toFixed(1)} | ${t[Math.floor(N * 0.99)].toFixed(1)} |`)
}

console.log('| schema | indexes on user_answers | p50 µs | p99 µs |\n|---|---|---|---|')
measure('seed-1.db', 'app schema', 0)
measure('seed-1-optimized.db', 'after db:optimize', 0)
measure('seed-1-optimized.db', 'after db:optimize, 5 more', 5)
measure('seed-1-optimized.db', 'after db:optimize, 10 more', 10)
