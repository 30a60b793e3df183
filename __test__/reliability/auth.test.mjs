// Auth: a read-only token reads but never writes (through every write path), an expired
// token is refused at once with a clear error, and the token only ever travels to the
// configured URL, in the Authorization header: a logging proxy stands in front of sqld,
// a decoy HTTP server on another port must receive nothing, whether the environment names
// it, a server answers with a redirect to it, or the database is an embedded replica.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, request } from 'node:http'
import { join } from 'node:path'
import { startSqld } from '../support/sqld.mjs'
import { REPO, api, errorOf, rows, runNode, seedSmall, tempDir } from './helpers.mjs'

let server, dir, decoy, proxy, redirector
/** An HTTP server that records every request; `handler` answers (default 404). */
function listen(handler = (req, res) => res.writeHead(404).end()) {
  const seen = []
  const srv = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      // latin1 keeps every byte: a token inside a binary (protobuf) body is still found.
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: raw.toString('latin1') })
      handler(req, res, raw)
    })
  })
  return new Promise((res) => srv.listen(0, '127.0.0.1', () => res({ srv, seen, url: `http://127.0.0.1:${srv.address().port}` })))
}
const close = (s) => new Promise((res) => (s ? (s.srv.closeAllConnections?.(), s.srv.close(() => res())) : res()))

before(async () => {
  server = await startSqld()
  dir = tempDir('auth')
  const setup = api.createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw, requestTimeout: 5000 })
  await seedSmall(setup)
  await setup.cleanup()
  decoy = await listen()
  // Forwards to sqld and records what the client sent.
  const target = new URL(server.url)
  proxy = await listen((req, res, body) => {
    const fwd = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode, up.headers)
      up.pipe(res)
    })
    fwd.on('error', () => res.writeHead(502).end())
    fwd.end(body)
  })
  redirector = await listen((req, res) => res.writeHead(307, { location: `${decoy.url}${req.url}` }).end())
})
after(async () => {
  await Promise.all([close(decoy), close(proxy), close(redirector)])
  await server?.stop()
})

const counts = async () => {
  const d = api.createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.rw, requestTimeout: 5000 })
  try {
    return (await rows(d, 'SELECT (SELECT count(*) FROM user_answers) AS answers, (SELECT count(*) FROM users) AS users'))[0]
  } finally {
    await d.cleanup()
  }
}

describe('auth', () => {
  test('a read-only token reads but cannot write through any write path', async () => {
    const ro = api.createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.ro, requestTimeout: 5000 })
    const q = api.createOptimizedQueries(ro)
    const before = await counts()
    try {
      assert.equal((await rows(ro, 'SELECT count(*) AS n FROM users'))[0].n, before.users, 'reads work')
      const attempts = {
        execute: () => ro.execute("INSERT INTO users (email, name) VALUES ('ro@x.test', 'ro')"),
        batch: () => ro.batch(["INSERT INTO users (email, name) VALUES ('ro2@x.test', 'ro')"]),
        transaction: () => ro.transaction((tx) => tx.execute('DELETE FROM users')),
        recordAnswerOptimized: () => q.study.recordAnswerOptimized({ userId: 1, questionId: 1, selectedAnswer: 'ro', isCorrect: true, timeSpentSeconds: 1 }),
        recordAnswersBatch: () => q.study.recordAnswersBatch([{ userId: 1, questionId: 1, selectedAnswer: 'ro', isCorrect: true, timeSpentSeconds: 1 }]),
        updateSessionProgressOptimized: () => q.study.updateSessionProgressOptimized(1),
        applySchema: () => api.applySchema(ro),
        optimizeDatabase: () => api.optimizeDatabase(ro),
      }
      const unclear = []
      for (const [name, fn] of Object.entries(attempts)) {
        const err = await errorOf(fn)
        assert.ok(err, `${name} with a read-only token must fail`)
        if (!/PERMISSION|read.?only|forbidden|write permission/i.test(`${err.code} ${err.message}`)) unclear.push(`${name}: ${err.code}: ${err.message}`)
      }
      assert.deepEqual(await counts(), before, 'nothing was written')
      // sqld answers 403 "Authorization forbidden: ... not have Write permission": the caller must learn that.
      assert.deepEqual(unclear, [], 'a write refused for lack of permission must say so (code ERR_PERMISSION), not look like a network failure')
    } finally {
      await ro.cleanup()
    }
  })

  test('an expired token is refused at once with a clear error', async () => {
    const d = api.createEdgeDatabase(undefined, { url: server.url, authToken: server.tokens.expired, requestTimeout: 5000 })
    try {
      const t = performance.now()
      const err = await errorOf(() => d.ready())
      assert.ok(err, 'refused')
      assert.ok(performance.now() - t < 5000, 'before the request timeout')
      assert.equal(err.code, 'ERR_AUTH', `${err.code}: ${err.message}`)
      assert.match(err.message, /expired|unauthori|auth|token|401/i)
      const again = await errorOf(() => d.execute('SELECT 1'))
      assert.equal(again?.code, 'ERR_AUTH', 'every later call says the same')
      assert.equal((await api.monitorDatabaseHealth(d)).healthy, false)
    } finally {
      await d.cleanup()
    }
  })

  test('the token goes to the configured URL only, in the Authorization header', async () => {
    const TOKEN = server.tokens.rw
    const saved = { url: process.env.TURSO_DATABASE_URL, token: process.env.TURSO_AUTH_TOKEN }
    // The environment names the decoy; the overrides name the proxy: the overrides win.
    process.env.TURSO_DATABASE_URL = decoy.url
    process.env.TURSO_AUTH_TOKEN = 'decoy-token-from-env'
    try {
      const d = api.createEdgeDatabase(undefined, { url: proxy.url, authToken: TOKEN, requestTimeout: 5000 })
      const q = api.createOptimizedQueries(d)
      await q.study.recordAnswerOptimized({ userId: 1, questionId: 1, selectedAnswer: 'proxied', isCorrect: true, timeSpentSeconds: 2 })
      await q.progress.getExamLeaderboardOptimized(1, 5)
      await api.monitorDatabaseHealth(d)
      await new api.DatabaseHealthChecker(d).checkHealth()
      await d.cleanup()
      // An embedded replica syncs from the configured URL too.
      const r = api.createEdgeDatabase(undefined, { url: proxy.url, authToken: TOKEN, replicaPath: join(dir, 'replica.db'), requestTimeout: 5000 })
      await r.ready()
      await r.sync().catch(() => {})
      await r.cleanup()
    } finally {
      if (saved.url === undefined) delete process.env.TURSO_DATABASE_URL
      else process.env.TURSO_DATABASE_URL = saved.url
      if (saved.token === undefined) delete process.env.TURSO_AUTH_TOKEN
      else process.env.TURSO_AUTH_TOKEN = saved.token
    }
    // The command line with the environment pointing at the decoy and flags at the proxy.
    const cli = await runNode(join(REPO, 'bin/db.js'), ['health', '--url', proxy.url, '--auth-token', TOKEN], { env: { TURSO_DATABASE_URL: decoy.url, TURSO_AUTH_TOKEN: 'decoy-token-from-env' } })
    assert.equal(cli.timedOut, false)

    assert.ok(proxy.seen.length > 0, 'the configured URL was used')
    for (const r of proxy.seen) {
      assert.ok(!r.url.includes(TOKEN), `the token is never in a request URL (${r.url.slice(0, 80)})`)
      assert.ok(!r.body.includes(TOKEN), 'nor in a request body')
      if (r.headers.authorization) assert.equal(r.headers.authorization, `Bearer ${TOKEN}`)
    }
    assert.deepEqual(decoy.seen.map((r) => `${r.method} ${r.url}`), [], 'the decoy received nothing')
  })

  test('a redirect from the configured server never carries the token elsewhere', async () => {
    const TOKEN = server.tokens.rw
    const before = decoy.seen.length
    const d = api.createEdgeDatabase(undefined, { url: redirector.url, authToken: TOKEN, requestTimeout: 3000 })
    try {
      const err = await errorOf(() => d.execute('SELECT 1'))
      assert.ok(err, 'a server that only redirects is an error')
      const r = api.createEdgeDatabase(undefined, { url: redirector.url, authToken: TOKEN, replicaPath: join(dir, 'redirected.db'), requestTimeout: 3000 })
      await errorOf(() => r.ready())
      await r.cleanup()
    } finally {
      await d.cleanup()
    }
    assert.ok(redirector.seen.length > 0, 'the configured URL was asked')
    const leaked = decoy.seen.slice(before).filter((r) => JSON.stringify(r.headers).includes(TOKEN) || r.url.includes(TOKEN) || r.body.includes(TOKEN))
    assert.deepEqual(leaked.map((r) => `${r.method} ${r.url}`), [], 'the token followed a redirect to another origin')
  })
})
