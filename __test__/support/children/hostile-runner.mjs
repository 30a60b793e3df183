// Runs one group of the hostile-input corpus (reliability/hostile-groups.mjs) from case
// `start` on, reporting each case on stdout before and after it runs, written synchronously
// so that a crash (an abort, a segfault) still leaves the case that caused it on record.
//   start <i> <label>       the case is about to run
//   case <i> <json>         {problem} (null when the case behaved)
//   end <n> <json>          every case ran; the figures
// Usage: node hostile-runner.mjs <group> <db file> <work dir> <start>
import { writeSync } from 'node:fs'
import { GROUPS, openContext, closeContext, runCase, figures } from '../../reliability/hostile-groups.mjs'

const [group, file, dir, start] = process.argv.slice(2)
const out = (line) => writeSync(1, `${line}\n`)

await openContext(file, dir)
const cases = GROUPS[group]()
for (let i = Number(start); i < cases.length; i++) {
  const c = cases[i]
  out(`start ${i} ${JSON.stringify(`${c.api} ${c.field} = ${c.label}`)}`)
  const problem = await runCase(c)
  out(`case ${i} ${JSON.stringify({ problem })}`)
}
await closeContext()
out(`end ${cases.length} ${JSON.stringify(figures)}`)
// Background work a hostile case may have started (a Redis client retrying) must not keep it alive.
process.exit(0)
