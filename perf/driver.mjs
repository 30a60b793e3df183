// One benchmark driver in its own process (better-sqlite3 and libsql must not share a WAL
// file in one process). Usage: node perf/driver.mjs <addon|better-sqlite3|libsql-client> <file>
// Prints one JSON object: {driver, results: {name: {median, p99, opsPerSec}}}.
import { createRequire } from 'node:module'
import { summarise, timeEach } from './timing.mjs'

const require = createRequire(import.meta.url)
const [driver, file] = process.argv.slice(2)
const ITER = Number(process.env.BENCH_ITER || 3000)


function syncTimeEach(n, fn) {
  const samples = new Array(n)
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    const s = performance.now()
    fn(i)
    samples[i] = (performance.now() - s) * 1000
  }
  return summarise(samples, performance.now() - t0, n)
}

const ids = (() => {
  let x = 12345
  return Array.from({ length: 100000 }, () => ((x = (x * 1103515245 + 12345) % 2147483648), 1 + (x % 20000)))
})()

const SQL = {
  point: 'SELECT * FROM questions WHERE id = ?',
  // 20 consecutive rows by primary key: the cost of building rows, not of a sort.
  twenty: 'SELECT * FROM questions WHERE id >= ? ORDER BY id LIMIT 20',
  insert: 'INSERT INTO bench_kv (k, v) VALUES (?, ?)',
  setup: 'CREATE TABLE IF NOT EXISTS bench_kv (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v TEXT NOT NULL)',
}

async function concurrent(fn, n = 1000, rounds = 20) {
  const samples = []
  const t0 = performance.now()
  for (let r = 0; r < rounds; r++) {
    const s = performance.now()
    await Promise.all(Array.from({ length: n }, (_, i) => fn(r * n + i)))
    samples.push(((performance.now() - s) * 1000) / n)
  }
  return summarise(samples, performance.now() - t0, n * rounds)
}

async function addon() {
  const { createEdgeDatabase } = require('../index.js')
  const db = createEdgeDatabase(undefined, { url: `file:${file}` })
  await db.execute(SQL.setup)
  const nc = { cache: false }
  const r = {}
  r.pointRead = await timeEach(ITER, (i) => db.execute(SQL.point, [ids[i]], nc))
  r.twentyRows = await timeEach(ITER, (i) => db.execute(SQL.twenty, [ids[i]], nc))
  r.insert = await timeEach(ITER, (i) => db.execute(SQL.insert, ['k' + i, 'v']))
  r.batch100 = await timeEach(200, (i) =>
    db.batch(Array.from({ length: 100 }, (_, j) => ({ sql: SQL.insert, args: ['b' + i + '-' + j, 'v'] }))),
  )
  await db.execute(SQL.point, [42])
  r.cacheHit = await timeEach(ITER * 3, () => db.execute(SQL.point, [42]))
  r.concurrent1000 = await concurrent((i) => db.execute(SQL.point, [ids[i % ids.length]], nc))
  await db.cleanup()
  return r
}

async function betterSqlite() {
  const Database = require('better-sqlite3')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(SQL.setup)
  const point = db.prepare(SQL.point)
  const twenty = db.prepare(SQL.twenty)
  const insert = db.prepare(SQL.insert)
  const r = {}
  r.pointRead = syncTimeEach(ITER, (i) => point.get(ids[i]))
  r.twentyRows = syncTimeEach(ITER, (i) => twenty.all(ids[i]))
  r.insert = syncTimeEach(ITER, (i) => insert.run('k' + i, 'v'))
  const many = db.transaction((i) => {
    for (let j = 0; j < 100; j++) insert.run('b' + i + '-' + j, 'v')
  })
  r.batch100 = syncTimeEach(200, (i) => many(i))
  // One after another: better-sqlite3 is synchronous.
  r.concurrent1000 = await concurrent(async (i) => point.get(ids[i % ids.length]))
  db.close()
  return r
}

async function libsqlClient() {
  const { createClient } = require('@libsql/client')
  const db = createClient({ url: `file:${file}` })
  await db.execute('PRAGMA journal_mode = WAL')
  await db.execute(SQL.setup)
  const r = {}
  r.pointRead = await timeEach(ITER, (i) => db.execute({ sql: SQL.point, args: [ids[i]] }))
  r.twentyRows = await timeEach(ITER, (i) => db.execute({ sql: SQL.twenty, args: [ids[i]] }))
  r.insert = await timeEach(ITER, (i) => db.execute({ sql: SQL.insert, args: ['k' + i, 'v'] }))
  r.batch100 = await timeEach(200, (i) =>
    db.batch(Array.from({ length: 100 }, (_, j) => ({ sql: SQL.insert, args: ['b' + i + '-' + j, 'v'] })), 'write'),
  )
  r.concurrent1000 = await concurrent((i) => db.execute({ sql: SQL.point, args: [ids[i % ids.length]] }))
  db.close()
  return r
}

const drivers = { addon, 'better-sqlite3': betterSqlite, 'libsql-client': libsqlClient }
const results = await drivers[driver]()
process.stdout.write(JSON.stringify({ driver, results }) + '\n')
