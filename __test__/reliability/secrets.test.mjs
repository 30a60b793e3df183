// Secrets: with a real auth token (sqld with JWT auth) and an encryption key, every output
// the package produces is captured and searched for either secret: error messages, stacks
// and inspections, console output, getMetrics(), config, health reports (both), monitor
// analytics and Prometheus text, the load tester's results, printout and HTML report,
// runBenchmarkCli, and the `db.js` command line (health, optimize --dry-run, seed errors)
// in text and JSON, on success and on failure. The key works only when the addon was built
// with the `encryption` feature: both outcomes are exercised (ERR_ENCRYPTION_UNAVAILABLE's
// message must not carry the key either).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import { join } from 'node:path'
import { startSqld } from '../support/sqld.mjs'
import { REPO, api, errorOf, openFile, runNode, seedSmall, tempDir } from './helpers.mjs'

let server, dir, TOKEN, KEY
before(async () => {
  server = await startSqld()
  dir = tempDir('secrets')
  TOKEN = server.tokens.rw
  KEY = `ptp-key-${randomBytes(16).toString('hex')}`
})
after(async () => {
  await server?.stop()
})

/** Every string that went to stdout/stderr (console included) while `fn` ran. */
async function capture(fn) {
  const chunks = []
  const orig = { out: process.stdout.write, err: process.stderr.write }
  const grab = (stream) =>
    function (chunk, ...rest) {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      return orig[stream].call(this, '', ...rest) // keep the runner's stream quiet but working
    }
  process.stdout.write = grab('out')
  process.stderr.write = grab('err')
  try {
    await fn()
  } finally {
    process.stdout.write = orig.out
    process.stderr.write = orig.err
  }
  return chunks
}

/** Everything an error shows: message, stack, inspection, JSON, cause. */
const errorTexts = (e) => (e ? [String(e.message), String(e.stack), inspect(e, { depth: 5 }), JSON.stringify(e) ?? '', String(e.cause?.message ?? '')] : [])

test('neither the auth token nor the encryption key appears in any output', { timeout: 180_000 }, async (t) => {
  const outputs = [] // [where, text]
  const add = (where, v) => outputs.push([where, typeof v === 'string' ? v : inspect(v, { depth: 8 }) + (JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? String(x) : x)) ?? '')])
  const addError = (where, e) => errorTexts(e).forEach((s) => outputs.push([where, s]))
  let encryption = 'unavailable'

  const logged = await capture(async () => {
    // Remote database with the token.
    const remote = api.createEdgeDatabase(undefined, { url: server.url, authToken: TOKEN, requestTimeout: 3000 })
    await seedSmall(remote)
    const q = api.createOptimizedQueries(remote)
    add('answer', await q.study.recordAnswerOptimized({ userId: 1, questionId: 1, selectedAnswer: 'a', isCorrect: true, timeSpentSeconds: 3 }))
    add('config', remote.config)
    add('inspect db', inspect(remote, { depth: 5, showHidden: false }))
    add('getMetrics', remote.getMetrics())
    add('getEdgeConfig', api.getEdgeConfig(undefined, { url: server.url, authToken: TOKEN, encryptionKey: KEY, replicaPath: join(dir, 'r.db') }))
    add('monitorDatabaseHealth', await api.monitorDatabaseHealth(remote))
    const system = api.createMonitoringSystem(remote) // logs alerts with console.warn
    system.monitor.recordQuery({ query: `SELECT '${'x'.repeat(10)}'`, duration: 99_999 }) // a slow query: an alert to the console
    add('checkHealth', await system.healthChecker.checkHealth())
    add('maintenance', await remote.maintenance())
    add('analytics', system.monitor.getAnalytics())
    add('prometheus', system.monitor.toPrometheus())
    addError('sql error', await errorOf(() => remote.execute('SELEKT nothing')))
    addError('constraint error', await errorOf(() => q.study.recordAnswerOptimized({ userId: 1, questionId: 99_999, selectedAnswer: 'a', isCorrect: true, timeSpentSeconds: 1 })))
    addError('remote seed (unsupported)', await errorOf(() => api.seedDatabase(remote, { scale: 0.01 })))

    // The load tester on the remote database: results, printout, HTML.
    const lines = []
    const runner = new api.LoadTestRunner(remote, { cooldownMs: 0, log: (l) => lines.push(l) })
    const results = await new api.DatabaseLoadTester(remote).runLoadTest({
      maxUsers: 4, rampUpTimeMs: 0, testDurationMs: 700, seed: 1,
      scenarios: [{ name: 'mix', weight: 1, operations: [{ type: 'leaderboard', frequency: 600 }, { type: 'study_questions', frequency: 600 }] }],
    })
    runner.printTestResults('secrets', results)
    add('load results', results)
    add('load printout', lines.join('\n'))
    add('load report', api.renderLoadTestReport(results))
    const bench = { out: '', err: '' }
    await api.runBenchmarkCli(['--url', server.url, '--auth-token', TOKEN, '--duration=1s', '--users=2', '--quiet'], {
      stdout: { write: (s) => (bench.out += s) }, stderr: { write: (s) => (bench.err += s) },
    })
    await api.runBenchmarkCli(['--url', 'http://127.0.0.1:1', '--auth-token', TOKEN, '--duration=1s', '--users=1'], {
      stdout: { write: (s) => (bench.out += s) }, stderr: { write: (s) => (bench.err += s) },
    })
    add('runBenchmarkCli', bench.out + bench.err)
    system.monitor.close()
    await remote.cleanup()

    // Failures that quote the connection: unreachable server, wrong and expired tokens.
    for (const [label, settings] of [
      ['unreachable', { url: 'http://127.0.0.1:1', authToken: TOKEN, requestTimeout: 1000 }],
      ['wrong token', { url: server.url, authToken: `${TOKEN}x`, requestTimeout: 3000 }],
      ['expired token', { url: server.url, authToken: server.tokens.expired, requestTimeout: 3000 }],
      ['token in the URL', { url: `${server.url}?authToken=${TOKEN}`, authToken: TOKEN, requestTimeout: 3000 }],
    ]) {
      const d = api.createEdgeDatabase(undefined, settings)
      addError(`${label}: ready`, await errorOf(() => d.ready()))
      addError(`${label}: execute`, await errorOf(() => d.execute('SELECT 1')))
      add(`${label}: health`, await api.monitorDatabaseHealth(d))
      add(`${label}: config`, d.config)
      add(`${label}: metrics`, d.getMetrics())
      await d.cleanup()
    }

    // The encryption key: a local file and a replica.
    for (const [label, settings] of [
      ['encrypted file', { url: `file:${join(dir, 'enc.db')}`, encryptionKey: KEY }],
      ['encrypted replica', { url: server.url, authToken: TOKEN, replicaPath: join(dir, 'enc-replica.db'), encryptionKey: KEY, requestTimeout: 3000 }],
    ]) {
      let d
      const made = await errorOf(async () => {
        d = api.createEdgeDatabase(undefined, settings)
        await d.ready()
      })
      if (made) {
        assert.equal(made.code, 'ERR_ENCRYPTION_UNAVAILABLE', `${label}: ${made.code} ${made.message}`)
        addError(`${label}: unavailable`, made)
      } else {
        encryption = 'available'
        assert.equal(d.config.hasEncryptionKey, true)
        await d.execute('CREATE TABLE IF NOT EXISTS secret_t (v TEXT)')
        await d.execute('INSERT INTO secret_t (v) VALUES (?)', ['plaintext-marker'])
        add(`${label}: metrics`, d.getMetrics())
        add(`${label}: health`, await api.monitorDatabaseHealth(d))
        add(`${label}: checkHealth`, await new api.DatabaseHealthChecker(d).checkHealth())
        add(`${label}: config`, d.config)
      }
      await d?.cleanup()
      // A wrong key must fail without quoting either key.
      if (!made && label === 'encrypted file') {
        const wrong = api.createEdgeDatabase(undefined, { ...settings, encryptionKey: `${KEY}-wrong` })
        addError('wrong key', await errorOf(() => wrong.execute('SELECT count(*) FROM secret_t')))
        await wrong.cleanup()
        assert.ok(!readFileSync(join(dir, 'enc.db')).includes('plaintext-marker'), 'the encrypted file holds no plaintext')
      }
    }
  })
  for (const s of logged) outputs.push(['console', s])

  // The command line, in text and JSON, healthy and failing, flags and environment.
  const cli = (args, env = {}) => runNode(join(REPO, 'bin/db.js'), args, { env: { TURSO_DATABASE_URL: '', TURSO_AUTH_TOKEN: '', ...env }, timeoutMs: 60_000 })
  for (const [label, args, env] of [
    ['health', ['health', '--url', server.url, '--auth-token', TOKEN]],
    ['health --json', ['health', '--url', server.url, '--auth-token', TOKEN, '--json']],
    ['optimize --dry-run', ['optimize', '--dry-run', '--url', server.url, '--auth-token', TOKEN]],
    ['optimize --dry-run --json', ['optimize', '--dry-run', '--json', `--url=${server.url}`, `--auth-token=${TOKEN}`]],
    ['health from the environment', ['health'], { TURSO_DATABASE_URL: server.url, TURSO_AUTH_TOKEN: TOKEN }],
    ['health, wrong token', ['health', '--url', server.url, '--auth-token', `${TOKEN}x`]],
    ['health, unreachable', ['health', '--url', 'http://127.0.0.1:1', '--auth-token', TOKEN]],
    ['seed on a server (refused)', ['seed', '--url', server.url, '--auth-token', TOKEN, '--scale=0.01']],
    ['bad flag', ['health', '--url', server.url, '--auth-token', TOKEN, '--bogus']],
    ['encrypted file, health', ['health', '--url', `file:${join(dir, 'enc.db')}`], { TURSO_ENCRYPTION_KEY: KEY }],
  ]) {
    const r = await cli(args, env)
    assert.equal(r.timedOut, false, `${label} finished`)
    outputs.push([`cli ${label}: stdout`, r.stdout], [`cli ${label}: stderr`, r.stderr])
  }

  const signature = TOKEN.split('.')[2]
  const leaks = outputs.filter(([, s]) => s.includes(TOKEN) || s.includes(signature) || s.includes(KEY)).map(([where, s]) => {
    const at = Math.max(s.indexOf(TOKEN), s.indexOf(signature), s.indexOf(KEY))
    return `${where}: ...${s.slice(Math.max(0, at - 60), at + 20)}...`
  })
  const bytes = outputs.reduce((n, [, s]) => n + s.length, 0)
  t.diagnostic(`figures: ${JSON.stringify({ outputs: outputs.length, bytes, encryption })}`)
  assert.deepEqual(leaks, [], 'a secret appeared in an output')
  assert.ok(outputs.length >= 80, `${outputs.length} outputs inspected`)
})

test('the token is not reachable through the public objects', async () => {
  const d = api.createEdgeDatabase(undefined, { url: server.url, authToken: TOKEN })
  try {
    const seen = JSON.stringify({ config: d.config, metrics: d.getMetrics(), keys: Object.keys(d), inspect: inspect(d, { depth: 6 }) })
    assert.ok(!seen.includes(TOKEN))
    const cfg = api.getEdgeConfig(undefined, { url: server.url, authToken: TOKEN, encryptionKey: KEY, replicaPath: join(dir, 'x.db') })
    assert.ok(!JSON.stringify(cfg).includes(TOKEN) && !inspect(cfg).includes(TOKEN) && !JSON.stringify({ ...cfg }).includes(KEY), 'getEdgeConfig hides both secrets')
  } finally {
    await d.cleanup()
  }
})

// A local file opened without a key stays usable alongside (the key is per database).
test('a database without a key is unaffected', async () => {
  const d = openFile(join(dir, 'plain.db'))
  await d.execute('CREATE TABLE IF NOT EXISTS t (v)')
  assert.equal(d.config.hasEncryptionKey, false)
  await d.cleanup()
})
