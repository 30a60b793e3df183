// Resources: memory stays flat under many calls, cleanup() lets the process exit by itself,
// and opening and closing 1,000 databases leaks no file descriptor or thread. Each runs in a
// child process (support/children/) so that the measurement sees only its own work.
// Fast: 100,000 calls, RSS within 30% after warm-up. PINGTOPASS_SOAK=1: 1,000,000 calls
// within 10%.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { startSqld } from '../support/sqld.mjs'
import { CHILDREN, SOAK, api, openFile, runNode, tempDir } from './helpers.mjs'

const CALLS = Number(process.env.PINGTOPASS_RSS_CALLS) || (SOAK ? 1_000_000 : 100_000)
const RSS_BOUND = SOAK ? 0.1 : 0.3
const DATABASES = 1000

describe('resources', () => {
  let dir, seeded
  before(async () => {
    dir = tempDir('resources')
    seeded = join(dir, 'seeded.db')
    const db = openFile(seeded)
    await api.seedDatabase(db, { scale: 0.01 })
    await db.cleanup()
  })

  test(`${CALLS.toLocaleString('en')} calls keep RSS within ${RSS_BOUND * 100}% of its size after warm-up`, { timeout: SOAK ? 1_800_000 : 180_000 }, async (t) => {
    const r = await runNode(join(CHILDREN, 'rss.mjs'), [String(CALLS), seeded], { execArgv: ['--expose-gc'], timeoutMs: SOAK ? 1_700_000 : 170_000 })
    assert.equal(r.code, 0, r.stderr)
    const m = JSON.parse(r.stdout)
    const growth = (m.end - m.warm) / m.warm
    t.diagnostic(`figures: ${JSON.stringify({ calls: CALLS, warmMB: +(m.warm / 2 ** 20).toFixed(1), endMB: +(m.end / 2 ** 20).toFixed(1), growthPct: +(growth * 100).toFixed(1), samplesMB: m.samples.map((s) => Math.round(s / 2 ** 20)) })}`)
    assert.ok(growth <= RSS_BOUND, `RSS grew ${(growth * 100).toFixed(1)}% (${(m.warm / 2 ** 20).toFixed(1)} MB -> ${(m.end / 2 ** 20).toFixed(1)} MB) over ${CALLS} calls`)
  })

  test(`opening and closing ${DATABASES} databases leaks no file descriptor or thread`, { timeout: 180_000 }, async (t) => {
    const r = await runNode(join(CHILDREN, 'fds.mjs'), [String(DATABASES), tempDir('fds')], { timeoutMs: 170_000 })
    assert.equal(r.code, 0, r.stderr)
    const m = JSON.parse(r.stdout)
    t.diagnostic(`figures: ${JSON.stringify(m)}`)
    assert.ok(m.after.fds <= m.before.fds + 2, `file descriptors ${m.before.fds} -> ${m.after.fds} after ${DATABASES} databases`)
    // The shared runtime's pool of blocking threads may grow a little; a leak would be thousands.
    assert.ok(m.after.threads <= m.before.threads + 16, `threads ${m.before.threads} -> ${m.after.threads} after ${DATABASES} databases`)
  })
})

describe('cleanup() lets the process exit by itself', () => {
  let server
  before(async () => {
    server = await startSqld()
  })
  after(async () => {
    await server?.stop()
  })
  for (const mode of ['local', 'remote', 'replica', 'everything']) {
    test(`${mode}: the process exits without process.exit once everything is cleaned up`, { timeout: 60_000 }, async () => {
      const r = await runNode(join(CHILDREN, 'exit.mjs'), [mode, tempDir(`exit-${mode}`)], {
        env: { PTP_URL: server.url, PTP_TOKEN: server.tokens.rw },
        timeoutMs: 20_000,
      })
      assert.equal(r.timedOut, false, `the ${mode} process was still alive 20 s later (stdout: ${r.stdout.trim()}; stderr: ${r.stderr.slice(0, 400)})`)
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /cleaned up/)
      assert.ok(r.ms < 10_000, `exited ${Math.round(r.ms)} ms after start`)
    })
  }
})
