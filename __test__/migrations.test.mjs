// The performance migration through the command line (`node bin/db.js optimize ...`) and
// through optimizeDatabase, on embedded files and against a real sqld.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { startSqld } from './support/sqld.mjs'

const require = createRequire(import.meta.url)
const { createEdgeDatabase, seedDatabase, optimizeDatabase } = require('../index.js')
const Sqlite = require('better-sqlite3')

const bin = fileURLToPath(new URL('../bin/db.js', import.meta.url))
const APP_SCHEMA = fileURLToPath(new URL('../src/schema/app_schema.sql', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'ptp-migrations-'))
after(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the CLI in its own process; resolves {status, stdout, stderr, json}. */
function cli(...args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, TURSO_DATABASE_URL: '', TURSO_AUTH_TOKEN: '' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (status) => {
      let json
      try {
        json = JSON.parse(stdout)
      } catch {}
      resolve({ status, stdout, stderr, json })
    })
  })
}

const sha = (path) => createHash('sha256').update(readFileSync(path)).digest('hex')

/** sqlite_master of a local file, read by another driver. */
function master(path) {
  const db = new Sqlite(path, { readonly: true, fileMustExist: true })
  try {
    return db.prepare('SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY type, name').all()
  } finally {
    db.close()
  }
}

function checkpoint(path) {
  const db = new Sqlite(path, { fileMustExist: true })
  try {
    db.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
}

async function seededFile(name) {
  const path = join(dir, name)
  const r = await cli('seed', `--url=file:${path}`, '--scale=0.01', '--json')
  assert.equal(r.status, 0, r.stderr)
  return path
}

const ids = (list) => list.map((s) => s.id)
const ALL = ['001', '002', '003', '004', '005', '006', '007', '008', '009', '010']

describe('db:optimize on an embedded file', () => {
  let path, url, original, plannedIndexes
  before(async () => {
    path = await seededFile('cli.db')
    url = `--url=file:${path}`
    original = master(path)
  })

  test('dry run lists steps and objects and leaves the file byte-identical', async () => {
    checkpoint(path)
    const hash = sha(path)
    const r = await cli('optimize', '--dry-run', url, '--json')
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.json.action, 'plan')
    assert.deepEqual(r.json.wouldRun, ALL)
    assert.equal(r.json.createsJournal, true)
    const s005 = r.json.steps.find((s) => s.id === '005')
    assert.deepEqual(s005.creates, [{ type: 'table', name: 'questions_fts', exists: false }])
    plannedIndexes = r.json.steps.flatMap((s) => s.creates).filter((o) => o.type === 'index').map((o) => o.name).sort()
    const s010 = r.json.steps.find((s) => s.id === '010')
    assert.ok(s010.rewrites.reduce((n, w) => n + w.rows, 0) > 0, 'text timestamps to rewrite')
    const text = await cli('optimize', '--dry-run', url)
    assert.match(text.stdout, /would run/)
    assert.match(text.stdout, /creates index idx_questions_study_practice_sample/)
    assert.match(text.stdout, /nothing was changed/)
    for (const extra of [['--rollback'], ['--maintenance']]) {
      const x = await cli('optimize', '--dry-run', ...extra, url, '--json')
      assert.equal(x.status, 0, x.stderr)
    }
    assert.equal(sha(path), hash, 'not one byte changed')
    assert.deepEqual(master(path), original)
  })

  test('applies every step once; running again is a no-op that says so', async () => {
    const r = await cli('optimize', url, '--json')
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.json.ok, true)
    assert.deepEqual(ids(r.json.applied), ALL)
    // Indexes with SQL: not the primary-key indexes of the migration's own bookkeeping tables.
    const added = master(path).filter((o) => o.type === 'index' && o.sql !== null && !original.some((x) => x.name === o.name))
    assert.deepEqual(added.map((o) => o.name).sort(), plannedIndexes, 'the dry run named exactly the indexes created')
    assert.equal(added.length, 11)
    const again = await cli('optimize', url)
    assert.equal(again.status, 0, again.stderr)
    assert.match(again.stdout, /up to date: all 10 steps were already applied; nothing to do/)
    const health = await cli('health', url, '--json')
    assert.equal(health.status, 0, health.stdout)
    assert.equal(health.json.healthy, true)
    assert.equal(health.json.checks.find((c) => c.name === 'optimize steps').status, 'pass')
  })

  test('refuses unknown steps and a rollback that breaks a dependency, changing nothing', async () => {
    checkpoint(path)
    const hash = sha(path)
    const unknown = await cli('optimize', '--rollback', '--step=999', url)
    assert.equal(unknown.status, 2)
    assert.match(unknown.stderr, /unknown step "999"/)
    const dep = await cli('optimize', '--rollback', '--step=005', url)
    assert.equal(dep.status, 1)
    assert.match(dep.stderr, /ERR_STEP_DEPENDENCY/)
    const noRollback = await cli('optimize', '--step=005', url)
    assert.equal(noRollback.status, 2)
    assert.match(noRollback.stderr, /--rollback/)
    assert.equal(sha(path), hash)
  })

  test('rolls back chosen steps newest first, then all, back to the original sqlite_master', async () => {
    const some = await cli('optimize', '--rollback', '--step', '005', '--step=006', url, '--json')
    assert.equal(some.status, 0, some.stderr)
    assert.deepEqual(ids(some.json.rolledBack), ['006', '005'])
    assert.ok(!master(path).some((o) => o.name === 'questions_fts'))
    const re = await cli('optimize', url, '--json')
    assert.deepEqual(ids(re.json.applied), ['005', '006'])
    const all = await cli('optimize', '--rollback', url, '--json')
    assert.equal(all.status, 0, all.stderr)
    assert.equal(all.json.journalDropped, true)
    assert.deepEqual(ids(all.json.rolledBack), [...ALL].reverse())
    assert.deepEqual(master(path), original, 'sqlite_master exactly as before')
  })

  test('maintenance reports each task and its time', async () => {
    const r = await cli('optimize', '--maintenance', url, '--json')
    assert.equal(r.status, 0, r.stderr)
    assert.deepEqual(r.json.tasks.map((t) => t.name), ['statistics', 'wal checkpoint', 'integrity check', 'vacuum'])
    assert.equal(r.json.tasks[2].detail, 'ok')
    assert.ok(r.json.tasks.filter((t) => t.status === 'done').every((t) => t.ms >= 0))
    const text = await cli('optimize', '--maintenance', url)
    assert.match(text.stdout, /integrity check\s+done/)
  })
})

describe('db:optimize refuses what is not the app database', () => {
  test('a missing file is not created', async () => {
    const path = join(dir, 'missing.db')
    for (const args of [['optimize'], ['optimize', '--dry-run'], ['optimize', '--maintenance']]) {
      const r = await cli(...args, `--url=file:${path}`)
      assert.equal(r.status, 1)
      assert.match(r.stderr, /ERR_NOT_APP_SCHEMA/)
    }
    const h = await cli('health', `--url=file:${path}`, '--json')
    assert.equal(h.status, 1)
    assert.equal(h.json.healthy, false)
    assert.ok(!existsSync(path))
  })

  test('another database is left byte-identical, journal mode included', async () => {
    const path = join(dir, 'other.db')
    const other = new Sqlite(path)
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'x\')')
    other.close()
    const hash = sha(path)
    for (const args of [['optimize'], ['optimize', '--dry-run'], ['optimize', '--rollback']]) {
      const r = await cli(...args, `--url=file:${path}`, '--json')
      assert.equal(r.status, 1)
      assert.equal(r.json.error.code, 'ERR_NOT_APP_SCHEMA')
      assert.match(r.json.error.message, /missing users, exams/)
    }
    assert.equal(sha(path), hash)
    assert.ok(!existsSync(`${path}-wal`), 'still in rollback-journal mode')
  })

  test('an unreachable server fails clearly', async () => {
    const r = await cli('optimize', '--url=http://127.0.0.1:9', '--json')
    assert.equal(r.status, 1)
    assert.equal(r.json.error.code, 'ERR_CONNECTION')
    const h = await cli('health', '--url=http://127.0.0.1:9')
    assert.equal(h.status, 1)
    assert.match(h.stdout, /unhealthy/)
  })
})

describe('optimizeDatabase', () => {
  test('plans, applies and rolls back on an open database that keeps serving queries', async () => {
    const db = createEdgeDatabase(undefined, { url: `file:${join(dir, 'lib.db')}` })
    try {
      await seedDatabase(db, { scale: 0.01 })
      const plan = await optimizeDatabase(db, { dryRun: true })
      assert.equal(plan.action, 'plan')
      assert.deepEqual(plan.wouldRun, ALL)
      const applied = await optimizeDatabase(db)
      assert.equal(applied.action, 'apply')
      assert.deepEqual(ids(applied.applied), ALL)
      // The new objects are usable at once: the statement classifier followed the schema.
      const hits = await db.execute('SELECT rowid FROM questions_fts WHERE questions_fts MATCH ? LIMIT 5', ['question'])
      assert.ok(Array.isArray(hits.rows))
      const view = await db.execute('SELECT table_name FROM v_performance_monitor')
      assert.deepEqual(view.rows.map((r) => r.table_name), ['questions', 'user_answers'])
      assert.equal((await optimizeDatabase(db)).upToDate, true)

      const rb = await optimizeDatabase(db, { rollback: true, steps: ['005', 6] })
      assert.deepEqual(ids(rb.rolledBack), ['006', '005'])
      await assert.rejects(db.execute('SELECT rowid FROM questions_fts LIMIT 1', [], { cache: false }), /no such table/)
      const m = await optimizeDatabase(db, { maintenance: true })
      assert.equal(m.ok, true)
      const all = await optimizeDatabase(db, { rollback: true })
      assert.equal(all.journalDropped, true)
    } finally {
      await db.cleanup()
    }
  })

  test('a failing step rejects with the report; nothing of it is left', async () => {
    const db = createEdgeDatabase(undefined, { url: `file:${join(dir, 'lib-fail.db')}` })
    try {
      await seedDatabase(db, { scale: 0.01 })
      await db.execute('CREATE TABLE idx_opportunities_pending_queue (x)')
      const err = await optimizeDatabase(db).then(() => null, (e) => e)
      assert.ok(err, 'must reject')
      assert.equal(err.code, 'ERR_MIGRATION_STEP_FAILED')
      assert.equal(err.step, '004')
      assert.match(err.message, /already a table/)
      assert.deepEqual(ids(err.report.applied), ['001', '002', '003'])
      assert.deepEqual(err.report.notRun, ['005', '006', '007', '008', '009', '010'])
      const rs = await db.execute('SELECT id FROM _pingtopass_migrations ORDER BY id', [], { cache: false })
      assert.deepEqual(rs.rows.map((r) => r.id), ['001', '002', '003'])
    } finally {
      await db.cleanup()
    }
  })

  test('bad options are refused before anything runs', async () => {
    const db = createEdgeDatabase(undefined, { url: `file:${join(dir, 'lib-opts.db')}` })
    try {
      await assert.rejects(optimizeDatabase({}), TypeError)
      await assert.rejects(optimizeDatabase(db, { dryrun: true }), RangeError)
      await assert.rejects(optimizeDatabase(db, { steps: ['005'] }), RangeError)
      await assert.rejects(optimizeDatabase(db, { rollback: true, steps: ['999'] }), (e) => e.code === 'ERR_UNKNOWN_STEP')
      await assert.rejects(optimizeDatabase(db), (e) => e.code === 'ERR_NOT_APP_SCHEMA')
    } finally {
      await db.cleanup()
    }
  })
})

describe('against a remote sqld', () => {
  let server, url, token
  before(async () => {
    server = await startSqld()
    url = `--url=${server.url}`
    token = `--auth-token=${server.tokens.rw}`
    // The app's schema, then rows whose timestamps DEFAULT CURRENT_TIMESTAMP stores as text.
    const db = createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw })
    const statements = readFileSync(APP_SCHEMA, 'utf8')
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('--'))
      .join('\n')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)
    await db.batch(statements)
    await db.batch([
      "INSERT INTO exams (vendor_id, code, name) VALUES ('comptia', 'N10-009', 'Network+')",
      "INSERT INTO objectives (exam_id, code, name) VALUES (1, '1.0', 'Networking Concepts')",
      "INSERT INTO questions (exam_id, objective_id, text, answers, review_status) VALUES (1, 1, 'Which subnet mask is /26?', '[]', 'approved')",
      "INSERT INTO users (email, name) VALUES ('a@example.com', 'A'), ('b@example.com', 'B')",
    ])
    await db.cleanup()
  })
  after(async () => {
    await server?.stop()
  })

  async function remoteRows(sql) {
    const db = createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw })
    try {
      return (await db.execute(sql, [], { cache: false })).rows
    } finally {
      await db.cleanup()
    }
  }
  const remoteMaster = () => remoteRows('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name')
  const userTimes = () => remoteRows('SELECT id, typeof(created_at) AS t, created_at FROM users ORDER BY id')

  test('dry run, apply, no-op, rollback of 005 006, then of everything', async () => {
    const original = await remoteMaster()
    const times = await userTimes()
    assert.ok(times.every((r) => r.t === 'text'), JSON.stringify(times))

    const plan = await cli('optimize', '--dry-run', url, token, '--json')
    assert.equal(plan.status, 0, plan.stderr)
    assert.deepEqual(plan.json.wouldRun, ALL)
    assert.equal(plan.json.steps.find((s) => s.id === '010').rewrites.find((w) => w.table === 'users' && w.column === 'created_at').rows, 2)
    assert.deepEqual(await remoteMaster(), original, 'the dry run changed nothing')

    const applied = await cli('optimize', url, token, '--json')
    assert.equal(applied.status, 0, applied.stderr)
    assert.deepEqual(ids(applied.json.applied), ALL)
    assert.match(applied.json.applied.find((s) => s.id === '007').note, /server/)
    assert.ok((await userTimes()).every((r) => r.t === 'integer'))
    const again = await cli('optimize', url, token)
    assert.match(again.stdout, /nothing to do/)

    const health = await cli('health', url, token, '--json')
    assert.equal(health.status, 0, health.stdout)
    assert.equal(health.json.healthy, true)
    const m = await cli('optimize', '--maintenance', url, token, '--json')
    assert.equal(m.status, 0, m.stdout + m.stderr)
    assert.equal(m.json.tasks.find((t) => t.name === 'integrity check').status, 'done')

    const some = await cli('optimize', '--rollback', '--step=005', '--step=006', url, token, '--json')
    assert.equal(some.status, 0, some.stderr)
    assert.deepEqual(ids(some.json.rolledBack), ['006', '005'])
    const all = await cli('optimize', '--rollback', url, token, '--json')
    assert.equal(all.status, 0, all.stderr)
    assert.equal(all.json.journalDropped, true)
    assert.deepEqual(await remoteMaster(), original, 'sqlite_master exactly as before')
    assert.deepEqual(await userTimes(), times, 'the original text timestamps are back')
  })

  test('optimizeDatabase over Hrana, and a wrong token fails without echoing it', async () => {
    const db = createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw })
    try {
      const r = await optimizeDatabase(db)
      assert.deepEqual(ids(r.applied), ALL)
      const hits = await db.execute("SELECT rowid FROM questions_fts WHERE questions_fts MATCH 'subnet'")
      assert.deepEqual(hits.rows.map((x) => x.rowid), [1])
      const rb = await optimizeDatabase(db, { rollback: true })
      assert.equal(rb.journalDropped, true)
    } finally {
      await db.cleanup()
    }
    const bad = await cli('optimize', url, '--auth-token=not-a-jwt-sekrit')
    assert.equal(bad.status, 1)
    assert.match(bad.stderr, /ERR_AUTH|ERR_CONNECTION/)
    assert.ok(!bad.stderr.includes('not-a-jwt-sekrit'))
  })

  test('seedDatabase works over sqld, which refuses TEMP tables, and leaves no helper behind', async () => {
    const empty = await startSqld()
    const remote = createEdgeDatabase(undefined, { url: empty.url, authToken: empty.tokens.rw })
    const local = createEdgeDatabase(undefined, { url: `file:${join(dir, 'seed-local.db')}` })
    try {
      const r = await seedDatabase(remote, { scale: 0.01 })
      assert.equal(r.seeded, true)
      const l = await seedDatabase(local, { scale: 0.01 })
      assert.deepEqual(r.rows, l.rows, 'the same rows as a local seed')
      const names = async (db) => (await db.execute('SELECT type, name FROM sqlite_master ORDER BY name', [], { cache: false })).rows
      assert.deepEqual(await names(remote), await names(local), 'no seed helper is left in the main schema')
      const answers = await remote.execute('SELECT count(*) AS n, sum(is_correct) AS c FROM user_answers', [], { cache: false })
      const localAnswers = await local.execute('SELECT count(*) AS n, sum(is_correct) AS c FROM user_answers', [], { cache: false })
      assert.deepEqual(answers.rows, localAnswers.rows)
    } finally {
      await remote.cleanup()
      await local.cleanup()
      await empty.stop()
    }
  })
})
