// Property-based fuzzing with fast-check: random values, valid and hostile mixed, fed to
// the public API (reliability/fuzz-targets.mjs), at least 10,000 cases in all. Each call
// must resolve or be refused with a TypeError, a RangeError or a code its target expects;
// never an uncoded Error, never a hang, never a crash. Each target runs in its own child
// process (support/children/fuzz-runner.mjs): a crash names the input that caused it.
// Reproduce a run: PINGTOPASS_FUZZ_SEED=<seed> (printed in the diagnostics).
// PINGTOPASS_SOAK=1 runs ten times as many cases.
import { test, describe, before } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { CHILDREN, SOAK, spawnNode, tempDir } from './helpers.mjs'
import { makeTemplate } from './hostile-groups.mjs'

const RUNNER = join(CHILDREN, 'fuzz-runner.mjs')
const SEED = Number(process.env.PINGTOPASS_FUZZ_SEED) || 20251128
// Cases per target: 7 targets, at least 10,000 cases in all.
const RUNS = { recordAnswer: 1600, studyReads: 1600, execute: 1600, config: 1400, caching: 1600, monitoring: 1600, module: 600 }
const SCALE = SOAK ? 10 : 1

let dir, template
before(async () => {
  dir = tempDir('fuzz')
  template = join(dir, 'template.db')
  await makeTemplate(template)
})

const totals = { cases: 0, targets: 0, seed: SEED }

describe(`fuzz: fast-check over the public API (seed ${SEED})`, () => {
  for (const [target, runs] of Object.entries(RUNS)) {
    test(`${target}: ${runs * SCALE} random inputs, only TypeError/RangeError/expected codes, no crash`, { timeout: 600_000 }, async () => {
      const work = tempDir(`fuzz-${target}`)
      const file = join(work, 'db.db')
      copyFileSync(template, file)
      // cwd: the work folder, where the config target's relative file: URLs land.
      const r = await spawnNode(RUNNER, [target, String(runs * SCALE), String(SEED), file], { cwd: work, env: { PINGTOPASS_FUZZ_TRACE: '1' } }).exit
      const done = r.lines.find((l) => l.startsWith('done '))
      const fails = r.lines.filter((l) => l.startsWith('fail '))
      const inputs = r.lines.filter((l) => l.startsWith('in '))
      totals.cases += done ? Number(done.split(' ')[1]) : inputs.length
      totals.targets++
      if (fails.length) assert.fail(`the property failed ${fails.length} time(s) (fast-check shrinks each counterexample):\n  ${fails.map((f) => f.slice(5)).join('\n  ')}`)
      if (!done) {
        const why = r.stderr.split('\n').filter((l) => /panicked|fatal|abort|Error/.test(l)).slice(0, 3).join(' | ')
        assert.fail(`the process CRASHED (code ${r.code}, signal ${r.signal}) after ${inputs.length} cases on input ${inputs.at(-1)?.slice(3)}: ${why.slice(0, 400)}`)
      }
    })
  }
  test('figures', (t) => {
    t.diagnostic(`figures: ${JSON.stringify(totals)}`)
    assert.ok(totals.cases >= 10_000, `fuzzed ${totals.cases} cases`)
  })
})
