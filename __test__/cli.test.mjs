// The db:* bin: seed and quickstart on a fresh file, bad input exits non-zero.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../bin/db.js', import.meta.url))
const run = (...args) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, TURSO_DATABASE_URL: '' } })

test('seed then quickstart on a fresh embedded file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptp-cli-'))
  try {
    const url = `--url=file:${join(dir, 'q.db')}`
    const seeded = run('seed', url, '--scale=0.01', '--json')
    assert.equal(seeded.status, 0, seeded.stderr)
    const report = JSON.parse(seeded.stdout)
    assert.equal(report.seeded, true)
    const counts = Object.fromEntries(report.rows)
    assert.ok(counts.questions >= 100, JSON.stringify(counts))
    assert.ok(counts.user_answers > 0)
    const again = JSON.parse(run('seed', url, '--scale=0.01', '--json').stdout)
    assert.equal(again.seeded, false, 'a seeded database is left as it is')
    const qs = run('quickstart', url, '--json')
    assert.equal(qs.status, 0, qs.stderr)
    const q = JSON.parse(qs.stdout)
    assert.ok(q.questions > 0)
    assert.ok(q.session.answered >= q.questions)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('unknown commands and flags exit non-zero with help', () => {
  const r = run('frobnicate')
  assert.notEqual(r.status, 0)
  assert.match(r.stderr, /unknown command/)
  const f = run('seed', '--scael=1')
  assert.notEqual(f.status, 0)
  assert.match(f.stderr, /unknown flag --scael/)
  const h = run('--help')
  assert.equal(h.status, 0)
  assert.match(h.stdout, /usage/)
})

test('every command has --help; bad flags name the command', () => {
  for (const cmd of ['optimize', 'health', 'seed', 'benchmark', 'quickstart']) {
    const h = run(cmd, '--help')
    assert.equal(h.status, 0, h.stderr)
    assert.match(h.stdout, new RegExp(`usage: db.js ${cmd}`))
  }
  assert.match(run('help', 'optimize').stdout, /--dry-run/)
  const f = run('health', '--scale=2')
  assert.equal(f.status, 2)
  assert.match(f.stderr, /--scale is not a flag of `health`/)
  const v = run('optimize', '--url')
  assert.equal(v.status, 2)
  assert.match(v.stderr, /--url needs a value/)
  const both = run('optimize', '--rollback', '--maintenance')
  assert.equal(both.status, 2)
  const q = run('quickstart', '--bogus')
  assert.equal(q.status, 2)
  assert.match(q.stderr, /unknown flag --bogus/)
  const b = run('benchmark', '--confg=light')
  assert.equal(b.status, 2)
  assert.match(b.stderr, /confg/)
  const none = run()
  assert.equal(none.status, 2)
  assert.match(none.stderr, /usage/)
})

test('seed --scale must be a sensible number; --url takes a separate value too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptp-cli-'))
  try {
    const bad = run('seed', '--url', `file:${join(dir, 's.db')}`, '--scale=lots')
    assert.equal(bad.status, 2)
    assert.match(bad.stderr, /--scale must be a number above 0 and at most 100/)
    const ok = run('seed', '--url', `file:${join(dir, 's.db')}`, '--scale', '0.01')
    assert.equal(ok.status, 0, ok.stderr)
    assert.match(ok.stdout, /seeded at scale 0.01/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
