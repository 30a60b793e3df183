// Crash safety: a child process (support/children/writer.mjs) runs a write-heavy load
// through the public API (500 concurrent users: recordAnswerOptimized, recordAnswersBatch,
// updateSessionProgressOptimized) and reports every acknowledged write; the parent kills it
// with SIGKILL at random moments. After each kill the file must be sound (integrity_check),
// hold every acknowledged answer, show every batch whole or not at all, and keep each
// question's statistics equal to its answers (they move in the same transaction).
// Fast: 20 kills on the embedded file. PINGTOPASS_SOAK=1: 200 kills, longer runs, and the
// embedded-replica variant with the primary (sqld) killed and restarted.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { startSqld } from '../support/sqld.mjs'
import { api, CHILDREN, SOAK, integrity, openFile, rand, rows, sleep, spawnNode, statsDrift, tempDir, seedSmall } from './helpers.mjs'

const WRITER = join(CHILDREN, 'writer.mjs')
const KILLS = Number(process.env.PINGTOPASS_CRASH_KILLS) || (SOAK ? 200 : 20)
const REPLICA_KILLS = SOAK ? 20 : 3
// Milliseconds the load runs after its first acknowledged write before the kill.
const RUN_MS = SOAK ? [20, 3000] : [10, 400]

/** Parses the writer's report lines. */
function parseReport(lines) {
  const singles = [] // [id, n]
  const batches = [] // [k, size, ids]
  const errors = []
  let sessions = 0
  let ready = false
  for (const line of lines) {
    const [kind, ...rest] = line.split(' ')
    if (kind === 'ready') ready = true
    else if (kind === 'a') singles.push([Number(rest[0]), Number(rest[1])])
    else if (kind === 'b') batches.push([Number(rest[0]), Number(rest[1]), rest[2].split(',').map(Number)])
    else if (kind === 's') sessions++
    else if (kind === 'e') errors.push(rest.join(' '))
  }
  return { singles, batches, errors, sessions, ready }
}

/**
 * Checks what a killed run left behind on `db`: every acknowledged write present with its
 * id, every batch all or none, no write twice, statistics consistent with the answers.
 */
async function verify(db, runId, report, baseline) {
  assert.deepEqual(await integrity(db), ['ok'], `${runId}: PRAGMA integrity_check`)
  const found = await rows(db, 'SELECT id, selected_answer AS s FROM user_answers WHERE selected_answer GLOB ?', [`${runId}:*`])
  const bySel = new Map()
  for (const r of found) {
    assert.ok(!bySel.has(r.s), `${runId}: answer ${r.s} stored twice`)
    bySel.set(r.s, r.id)
  }
  for (const [id, n] of report.singles) {
    assert.equal(bySel.get(`${runId}:a:${n}`), id, `${runId}: acknowledged answer ${n} (id ${id}) lost after SIGKILL`)
  }
  for (const [k, size, ids] of report.batches) {
    assert.equal(ids.length, size, `${runId}: batch ${k} acknowledged ${ids.length} rows of ${size}`)
    for (let i = 0; i < size; i++) {
      assert.equal(bySel.get(`${runId}:b:${k}:${size}:${i}`), ids[i], `${runId}: acknowledged batch ${k} row ${i} lost after SIGKILL`)
    }
  }
  // All or none, acknowledged or not: group the batch rows by batch.
  const perBatch = new Map()
  for (const s of bySel.keys()) {
    const m = /^[^:]+:b:(\d+):(\d+):\d+$/.exec(s)
    if (!m) continue
    const key = `${m[1]}:${m[2]}`
    perBatch.set(key, (perBatch.get(key) ?? 0) + 1)
  }
  let unacked = 0
  const ackedBatches = new Set(report.batches.map(([k, size]) => `${k}:${size}`))
  for (const [key, n] of perBatch) {
    const size = Number(key.split(':')[1])
    assert.equal(n, size, `${runId}: batch ${key} half visible: ${n} of ${size} rows`)
    if (!ackedBatches.has(key)) unacked++
  }
  const drift = await statsDrift(db)
  for (const [qid, d] of baseline) {
    assert.equal(drift.get(qid), d, `${runId}: question ${qid} statistics disagree with its answers (an answer without its statistics update or the reverse)`)
  }
  const ackedRows = report.singles.length + report.batches.reduce((s, b) => s + b[1], 0)
  return { ackedRows, stored: bySel.size, unackedBatches: unacked, batchesChecked: perBatch.size }
}

/** Runs one writer until a random moment, kills it with SIGKILL, returns its report. */
async function killRun(cfg, { early = false } = {}) {
  let firstAck
  const acked = new Promise((res) => (firstAck = res))
  const w = spawnNode(WRITER, [JSON.stringify(cfg)], {
    onLine: (line) => {
      if (line[0] === 'a' || line[0] === 'b') firstAck()
    },
  })
  if (early) {
    // Some kills land while the child opens the file and recovers the previous WAL.
    await sleep(rand(250))
  } else {
    const t = setTimeout(firstAck, 15_000)
    await Promise.race([acked, w.exit])
    clearTimeout(t)
    await sleep(RUN_MS[0] + rand(RUN_MS[1] - RUN_MS[0]))
  }
  w.child.kill('SIGKILL')
  const r = await w.exit
  return { ...r, report: parseReport(r.lines) }
}

describe('crash safety: SIGKILL during a write-heavy load', () => {
  let dir, file, baseline
  before(async () => {
    dir = tempDir('crash')
    file = join(dir, 'crash.db')
    const db = openFile(file)
    await api.seedDatabase(db, { scale: 0.01 })
    baseline = await statsDrift(db)
    await db.cleanup()
  })

  test(`embedded file survives ${KILLS} SIGKILLs with every acknowledged write intact`, { timeout: SOAK ? 3_600_000 : 120_000 }, async (t) => {
    const totals = { kills: 0, early: 0, ackedAnswers: 0, ackedBatches: 0, ackedRows: 0, sessions: 0, batchesChecked: 0, unackedBatches: 0 }
    for (let i = 0; i < KILLS; i++) {
      const runId = `k${i}`
      const early = i % 10 === 9
      const r = await killRun({ url: `file:${file}`, runId, users: 500 }, { early })
      assert.equal(r.signal, 'SIGKILL', `run ${runId} ended by itself: ${r.stderr}`)
      assert.deepEqual(r.report.errors, [], `run ${runId}: calls failed on the embedded file`)
      const db = openFile(file)
      try {
        const v = await verify(db, runId, r.report, baseline)
        totals.ackedRows += v.ackedRows
        totals.batchesChecked += v.batchesChecked
        totals.unackedBatches += v.unackedBatches
      } finally {
        await db.cleanup()
      }
      totals.kills++
      totals.early += early ? 1 : 0
      totals.ackedAnswers += r.report.singles.length
      totals.ackedBatches += r.report.batches.length
      totals.sessions += r.report.sessions
    }
    t.diagnostic(`figures: ${JSON.stringify(totals)}`)
    assert.equal(totals.kills, KILLS)
    // The runs must have been killed mid-load, not before any write: otherwise this proves nothing.
    assert.ok(totals.ackedRows >= KILLS * 10, `too few acknowledged writes to mean anything: ${totals.ackedRows}`)
    assert.ok(totals.ackedBatches > 0 && totals.sessions > 0, 'batches and session updates ran')
  })
})

describe(`crash safety: embedded replica with the primary killed and restarted (${REPLICA_KILLS} rounds)`, () => {
  let server, dir, replica, baseline
  before(async () => {
    server = await startSqld()
    dir = tempDir('crash-replica')
    replica = join(dir, 'replica.db')
    const primary = api.createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw, requestTimeout: 5000 })
    await seedSmall(primary)
    baseline = await statsDrift(primary)
    await primary.cleanup()
  })
  after(async () => {
    await server?.stop()
  })

  test('acknowledged writes survive on the primary and in the replica file', { timeout: SOAK ? 1_800_000 : 90_000 }, async (t) => {
    const totals = { rounds: 0, ackedRows: 0, callsFailedWhileDown: 0 }
    const cfg = (runId) => ({ url: server.url, authToken: server.tokens.rw, replicaPath: replica, runId, users: 100, requestTimeout: 2000, syncInterval: 1 })
    for (let i = 0; i < REPLICA_KILLS; i++) {
      const runId = `r${i}`
      let firstAck
      const acked = new Promise((res) => (firstAck = res))
      const w = spawnNode(WRITER, [JSON.stringify(cfg(runId))], {
        onLine: (line) => {
          if (line[0] === 'a' || line[0] === 'b') firstAck()
        },
      })
      const t0 = setTimeout(firstAck, 10_000)
      await Promise.race([acked, w.exit])
      clearTimeout(t0)
      if (!w.lines.some((l) => l[0] === 'a' || l[0] === 'b')) {
        w.child.kill('SIGKILL')
        const r = await w.exit
        const errors = [...new Set(parseReport(r.lines).errors)].slice(0, 5)
        assert.fail(`the replica writer acknowledged no write in 10 s (before any kill): ${r.lines.length - 1} calls answered, errors ${JSON.stringify(errors)} ${r.stderr.slice(0, 500)}`)
      }
      await sleep(50 + rand(SOAK ? 2000 : 400))
      await server.kill() // the primary dies mid-load
      await sleep(100 + rand(300)) // the writer sees it fail
      w.child.kill('SIGKILL') // and then dies too
      const r = await w.exit
      assert.equal(r.signal, 'SIGKILL', `writer ${runId} ended by itself: ${r.stderr}`)
      const report = parseReport(r.lines)
      totals.callsFailedWhileDown += report.errors.length
      await server.restart()

      const primary = api.createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw, requestTimeout: 5000 })
      try {
        const v = await verify(primary, runId, report, baseline)
        totals.ackedRows += v.ackedRows
      } finally {
        await primary.cleanup()
      }
      // The replica file the killed writer left: reopened, synced, sound and complete.
      const again = api.createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw, replicaPath: replica, requestTimeout: 5000 })
      try {
        await again.ready()
        await again.sync()
        await verify(again, runId, report, baseline)
      } finally {
        await again.cleanup()
      }
      totals.rounds++
    }
    t.diagnostic(`figures: ${JSON.stringify(totals)}`)
    assert.ok(totals.ackedRows > 0, 'writes were acknowledged before the primary died')
  })
})
