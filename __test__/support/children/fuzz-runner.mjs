// Runs one fuzz target (reliability/fuzz-targets.mjs) for `runs` cases with fast-check,
// writing each input before it runs (synchronously: a crash leaves it on record).
//   in <json>          the input about to run (cut at 400 characters)
//   done <runs>        the property held for every case
//   fail <message>     fast-check's report: the shrunk counterexample and the error
// Usage: node fuzz-runner.mjs <target> <runs> <seed> <db file>
import { writeSync } from 'node:fs'
import { TARGETS, acceptable, fc } from '../../reliability/fuzz-targets.mjs'
import { api, openFile } from '../../reliability/helpers.mjs'

const [target, runs, seed, file] = process.argv.slice(2)
const out = (line) => writeSync(1, `${line.replace(/\n/g, ' ')}\n`)
const verbose = process.env.PINGTOPASS_FUZZ_TRACE !== '0'

const db = openFile(file)
await db.ready()
const ctx = {
  db,
  q: api.createOptimizedQueries(db),
  cache: new api.PerformanceCache(1000, 60),
  study: new api.StudyCache(),
  monitor: new api.DatabaseMonitor(null, { alertCooldown: 0 }),
}
const t = TARGETS[target]
let n = 0
const property = fc.asyncProperty(t.arb, async (input) => {
  n++
  if (verbose) out(`in ${fc.stringify(input).slice(0, 400)}`)
  let timer
  const err = await Promise.race([
    Promise.resolve().then(() => t.run(ctx, input)).then(() => null, (e) => e ?? new Error(`rejected with ${e}`)),
    new Promise((res) => (timer = setTimeout(() => res(new Error('no answer within 5000 ms')), 5000))),
  ])
  clearTimeout(timer)
  if (err && !acceptable(target, err)) {
    throw new Error(`unexpected ${err.constructor?.name} ${err.code ?? '(no code)'}: ${String(err.message).slice(0, 200)}`)
  }
})
// A failure ends fast-check's run; the remaining cases go on with the next seed, so known
// bugs do not hide others and the case count stays what was asked (at most 3 failures).
let failures = 0
for (let attempt = 0; n < Number(runs) && failures < 3; attempt++) {
  try {
    await fc.assert(property, { numRuns: Number(runs) - n, seed: Number(seed) + attempt })
  } catch (e) {
    failures++
    const cause = e.cause instanceof Error ? e.cause.message : ''
    const counterexample = /Counterexample: (.*)/.exec(e.message)?.[1] ?? ''
    out(`fail ${n} seed ${Number(seed) + attempt}: ${cause.slice(0, 300)} on ${counterexample.slice(0, 600)}`)
  }
}
out(`done ${n}`)
ctx.monitor.close()
await db.cleanup()
process.exit(0)
