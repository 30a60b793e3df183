// Hostile input: a table-driven corpus over every public function and option. Each field
// gets every value of hostile-corpus.mjs (wrong types, missing, NaN, Infinity, -0, 2**53+1,
// negative and huge numbers, 10 MB strings, lone surrogates, deep nesting, own __proto__
// keys, SQL injection in every text field...), plus an unknown extra field and an own
// __proto__ key per object (hostile-groups.mjs). A value the field does not accept must be
// refused with a TypeError or RangeError naming the field, write nothing (row counts
// unchanged) and leave the process running; text that is data (selectedAnswer, SQL
// parameters, cache values) must come back verbatim.
// Each group runs in a child process (support/children/hostile-runner.mjs): a case that
// crashes the process is reported by name and the group goes on after it.
import { test, describe, before } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { CHILDREN, api, errorOf, openFile, spawnNode, tempDir } from './helpers.mjs'
import { GROUPS, makeTemplate } from './hostile-groups.mjs'
import { isTypeOrRange, namesField } from './hostile-corpus.mjs'

const RUNNER = join(CHILDREN, 'hostile-runner.mjs')
let dir, template
before(async () => {
  dir = tempDir('hostile')
  template = join(dir, 'template.db')
  await makeTemplate(template)
})

const totals = { cases: 0, refused: 0, accepted: 0, verbatim: 0, crashes: 0 }

/** Runs a group to its end in child processes, restarting after each crash; returns the problems. */
async function runGroup(group) {
  const problems = []
  let start = 0
  for (let spawns = 0; spawns < 50; spawns++) {
    const work = tempDir(`hostile-${group}`)
    const file = join(work, 'db.db')
    copyFileSync(template, file)
    // cwd: the work folder, so a hostile relative url or path lands there, never in the repo.
    const r = await spawnNode(RUNNER, [group, file, work, String(start)], { cwd: work }).exit
    let last = null
    let ended = null
    for (const line of r.lines) {
      const sp = line.indexOf(' ')
      const kind = line.slice(0, sp)
      const rest = line.slice(sp + 1)
      if (kind === 'start') last = { i: Number(rest.slice(0, rest.indexOf(' '))), label: JSON.parse(rest.slice(rest.indexOf(' ') + 1)) }
      else if (kind === 'case') {
        const { problem } = JSON.parse(rest.slice(rest.indexOf(' ') + 1))
        if (problem) problems.push(problem)
        last = null
      } else if (kind === 'end') ended = JSON.parse(rest.slice(rest.indexOf(' ') + 1))
    }
    if (ended) {
      for (const k of ['cases', 'refused', 'accepted', 'verbatim']) totals[k] += ended[k]
      return problems
    }
    if (!last) {
      problems.push(`${group}: the runner died outside any case (code ${r.code}, signal ${r.signal}): ${r.stderr.slice(-600)}`)
      return problems
    }
    totals.crashes++
    totals.cases++
    const why = r.stderr.split('\n').filter((l) => /panicked|fatal|abort|Error|error/.test(l)).slice(0, 3).join(' | ')
    problems.push(`${last.label}: CRASHED the process (code ${r.code}, signal ${r.signal}): ${why.slice(0, 300)}`)
    start = last.i + 1
  }
  problems.push(`${group}: gave up after 50 crashes`)
  return problems
}

function report(group, problems) {
  assert.deepEqual(
    problems,
    [],
    `${problems.length} hostile cases of ${group} handled wrongly:\n  ${problems.slice(0, 60).join('\n  ')}${problems.length > 60 ? `\n  ... and ${problems.length - 60} more` : ''}`,
  )
}

describe('hostile input: every public function and option', () => {
  for (const group of Object.keys(GROUPS)) {
    test(group, { timeout: 300_000 }, async () => report(group, await runGroup(group)))
  }
  test('figures', (t) => {
    t.diagnostic(`figures: ${JSON.stringify(totals)}`)
    assert.ok(totals.cases >= 3000, `the corpus ran ${totals.cases} cases`)
  })
})

describe('hostile input: checks of their own', () => {
  test('two cache keys differing only in a lone surrogate are two entries', () => {
    const cache = new api.PerformanceCache(10, 60)
    const a = 'key-\uD800'
    const b = 'key-\uD801'
    const refused = (() => {
      try {
        cache.set(a, 'A')
        cache.set(b, 'B')
        return null
      } catch (e) {
        return e
      }
    })()
    if (refused) return assert.ok(isTypeOrRange(refused) && namesField(refused, 'key'), `refused with ${refused.message}`)
    assert.equal(cache.get(a), 'A', `get(${JSON.stringify(a)}) returned the entry of ${JSON.stringify(b)}: lone surrogates collapse to U+FFFD in keys`)
  })

  test('text with a NUL character comes back whole', async () => {
    const db = openFile(join(tempDir('hostile-nul'), 'nul.db'))
    try {
      const v = "x'\u0000; DROP TABLE exams; --"
      const rs = await db.execute('SELECT ? AS v, length(CAST(? AS BLOB)) AS bytes', [v, v], { cache: false })
      assert.equal(rs.rows[0].bytes, Buffer.byteLength(v), 'SQLite holds every byte')
      assert.equal(rs.rows[0].v, v, 'the value read back is cut at the NUL')
    } finally {
      await db.cleanup()
    }
  })

  test('a polluted Object.prototype is never read as a SQL parameter', async () => {
    const db = openFile(join(tempDir('hostile-proto'), 'p.db'))
    const probe = async (params) => {
      Object.prototype.v = 'from the prototype' // eslint-disable-line no-extend-native
      Object.prototype.polluted = 1 // eslint-disable-line no-extend-native
      try {
        return await db.execute('SELECT :v AS v', params, { cache: false }).then((rs) => rs.rows[0].v, (e) => e)
      } finally {
        delete Object.prototype.v
        delete Object.prototype.polluted
      }
    }
    try {
      const own = await probe({ v: 1 })
      assert.equal(own, 1, `an own :v must bind whatever Object.prototype holds; got ${own?.message ?? own}`)
      const inherited = await probe({})
      assert.notEqual(inherited, 'from the prototype', 'an inherited property was bound to :v')
      if (inherited instanceof Error) assert.doesNotMatch(inherited.message, /polluted/, 'an inherited key was read as a parameter')
    } finally {
      await db.cleanup()
    }
  })

  test('a refused call leaves the addon working', async () => {
    const db = openFile(join(tempDir('hostile-after'), 'a.db'))
    try {
      assert.ok(await errorOf(() => db.execute(Symbol('x'))))
      assert.equal((await db.execute('SELECT 41 + 1 AS n')).rows[0].n, 42)
    } finally {
      await db.cleanup()
    }
  })
})
