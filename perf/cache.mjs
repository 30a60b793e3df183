// `node perf/cache.mjs`: get and set of a 20-question study result through PerformanceCache
// beside the npm lru-cache package, in one run. lru-cache is measured twice: holding the
// object itself (what a JS Map-based cache does: shared references, no copy) and holding its
// JSON text (the same copy-on-read semantics as PerformanceCache, whose values live in Rust).
// Build the release addon first (`npm run build`): a debug build measures the debug build.
// BENCH_MS=ms per case (default 1000), split into rounds that alternate between cases.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { PerformanceCache, StudyCache } = require('../index.js')
let LRUCache
try {
  ;({ LRUCache } = require('lru-cache'))
} catch {
  console.error('perf/cache.mjs needs the lru-cache devDependency: npm install --save-dev lru-cache@^11')
  process.exit(1)
}

const MS = Number(process.env.BENCH_MS || 1000)
const KEYS = 1000

// A study result shaped like getOptimizedStudyQuestions' rows, with the seed's text sizes.
const words = 'network switch router subnet vlan trunk port protocol packet frame address gateway firewall policy latency'.split(' ')
const text = (n, seed) => Array.from({ length: n }, (_, i) => words[(seed * 7 + i * 3) % words.length]).join(' ')
const questions = Array.from({ length: 20 }, (_, i) => ({
  id: 1000 + i,
  text: text(25, i),
  type: 'multiple_choice',
  answers: [0, 1, 2, 3].map((a) => ({ id: String.fromCharCode(97 + a), text: text(6, i + a), isCorrect: a === 1 })),
  difficulty: 1 + (i % 5),
  objectiveId: 10 + (i % 4),
  explanation: text(50, i + 3),
  reference: `https://example.test/ref/${i}`,
  tags: [`tag${i % 3}`, 'net'],
  objectiveName: 'Networking Fundamentals',
  objectiveCode: `1.${i % 4}`,
}))
const keys = Array.from({ length: KEYS }, (_, i) => `questions:user:${i}:exam:3:limit:20`)

/** Runs `fn(i)` for `ms` milliseconds; returns ops/s. */
function measure(fn, ms) {
  let n = 0
  const started = performance.now()
  let now = started
  while (now - started < ms) {
    for (let j = 0; j < 200; j++) fn(n++)
    now = performance.now()
  }
  return n / ((now - started) / 1000)
}

const perf = new PerformanceCache(KEYS * 2, 600)
const lruRef = new LRUCache({ max: KEYS * 2, ttl: 600_000 })
const lruJson = new LRUCache({ max: KEYS * 2, ttl: 600_000 })
const study = new StudyCache()
const params = { difficulty: { min: 1, max: 5 }, limit: 20 }
for (let u = 1; u <= KEYS; u++) study.cacheStudyQuestions(u, 3, params, questions)

let sink = 0
const cases = [
  ['set', 'PerformanceCache', (i) => perf.set(keys[i % KEYS], questions)],
  ['set', 'lru-cache (object)', (i) => lruRef.set(keys[i % KEYS], questions)],
  ['set', 'lru-cache (JSON text)', (i) => lruJson.set(keys[i % KEYS], JSON.stringify(questions))],
  ['get (hit)', 'PerformanceCache', (i) => (sink += perf.get(keys[i % KEYS]).length)],
  ['get (hit)', 'lru-cache (object)', (i) => (sink += lruRef.get(keys[i % KEYS]).length)],
  ['get (hit)', 'lru-cache (JSON text)', (i) => (sink += JSON.parse(lruJson.get(keys[i % KEYS])).length)],
  ['get (miss)', 'PerformanceCache', (i) => (sink += perf.get(`absent:${i % KEYS}`) === null ? 1 : 0)],
  ['get (miss)', 'lru-cache (object)', (i) => (sink += lruRef.get(`absent:${i % KEYS}`) === undefined ? 1 : 0)],
  ['get (hit)', 'StudyCache.getStudyQuestions', (i) => (sink += study.getStudyQuestions((i % KEYS) + 1, 3, params).length)],
]
// The cases take turns in short rounds and each reports its median round, so a burst of
// load on the machine hits every case alike instead of skewing one.
const ROUNDS = 7
const samples = cases.map(([, , fn]) => (measure(fn, 50), []))
for (let r = 0; r < ROUNDS; r++) cases.forEach(([, , fn], c) => samples[c].push(measure(fn, MS / ROUNDS)))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const rows = cases.map(([op, impl], c) => ({ op, impl, opsPerSec: median(samples[c]) }))

const bytes = JSON.stringify(questions).length
const ref = (op, impl) => rows.find((r) => r.op === op && r.impl === impl)?.opsPerSec
console.log(`20-question result: ${bytes} bytes of JSON; ${KEYS} keys; ${MS} ms per case; node ${process.version}`)
console.log('| operation | implementation | ops/s | us/op | vs lru-cache (object) | vs lru-cache (JSON text) |')
console.log('|---|---|---|---|---|---|')
const ratio = (a, b) => (b ? `${(a / b).toFixed(a / b < 0.1 ? 3 : 2)}x` : '')
for (const r of rows) {
  const base = ref(r.op, 'lru-cache (object)')
  const json = ref(r.op, 'lru-cache (JSON text)')
  console.log(`| ${r.op} | ${r.impl} | ${Math.round(r.opsPerSec).toLocaleString('en-US')} | ${(1e6 / r.opsPerSec).toFixed(2)} | ${ratio(r.opsPerSec, base)} | ${ratio(r.opsPerSec, json)} |`)
}
const s = perf.getStats()
console.log(`PerformanceCache: ${s.totalKeys} keys, memoryUsage ${(s.memoryUsage / 1e6).toFixed(1)} MB (${Math.round(s.memoryUsage / s.totalKeys)} B/entry), avgResponseTime ${s.avgResponseTime.toFixed(4)} ms, hitRate ${s.hitRate.toFixed(3)}`)
if (sink === -1) console.log(sink)
