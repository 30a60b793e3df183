'use strict'
// A real sqld (libSQL server) child process on a free loopback port with Ed25519 JWT auth:
// the primary that `db:benchmark --nodes=N` starts when no URL is configured, and the test
// harness (__test__/support/sqld.mjs). The binary is the one scripts/install-sqld.sh
// installs, or $SQLD_BIN.

const { spawn } = require('node:child_process')
const { generateKeyPairSync, sign } = require('node:crypto')
const fs = require('node:fs')
const { createServer } = require('node:net')
const os = require('node:os')
const path = require('node:path')

const OUTPUT_TAIL = 8 * 1024
const children = new Set()
const tempDirs = new Set()

function killAll() {
  for (const child of children) {
    try {
      child.kill('SIGCONT') // a paused sqld would otherwise stay stopped forever
      child.kill('SIGKILL')
    } catch {}
  }
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true })
}

let cleanupInstalled = false
function installCleanup() {
  if (cleanupInstalled) return
  cleanupInstalled = true
  process.on('exit', killAll)
  // 'exit' does not run when a signal kills us (e.g. the test runner cancelling a file),
  // so clean up and re-raise; skipped when the app handles the signal itself.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const onSignal = () => {
      if (process.listenerCount(sig) > 1) return
      killAll()
      process.removeListener(sig, onSignal)
      process.kill(process.pid, sig)
    }
    process.on(sig, onSignal)
  }
}

const b64url = (data) => Buffer.from(data).toString('base64url')

/** An EdDSA JWT over `claims`, as sqld's --auth-jwt-key-file checks it. */
function signJwt(claims, privateKey) {
  const input = `${b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`
  return `${input}.${b64url(sign(null, Buffer.from(input), privateKey))}`
}

/** $SQLD_BIN, else .cache/bin/sqld of this package; throws naming the fix. */
function findSqldBinary() {
  const bin = process.env.SQLD_BIN || path.join(__dirname, '..', '.cache', 'bin', 'sqld')
  if (!fs.existsSync(bin)) {
    throw new Error(`sqld binary not found at ${bin}: run scripts/install-sqld.sh (or set SQLD_BIN)`)
  }
  return bin
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.unref()
    srv.once('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => res(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  // The child is unref'd, so awaiting it alone would let the event loop drain.
  child.ref()
  return new Promise((r) =>
    child.once('exit', () => {
      child.unref()
      r()
    }),
  )
}

async function waitHealthy(url, child, output, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  let died = null
  child.once('exit', (code, signal) => (died = signal ?? `code ${code}`))
  child.once('error', (err) => (died = err.message))
  while (Date.now() < deadline) {
    if (died) throw new Error(`sqld exited (${died}) before becoming healthy:\n${output()}`)
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
      if (res.status === 200) return
    } catch {}
    await sleep(100)
  }
  throw new Error(`sqld not healthy at ${url} after ${timeoutMs} ms:\n${output()}`)
}

/**
 * Places a SQLite file as sqld's default database, before sqld starts on `dbDir`: sqld
 * cannot be seeded over Hrana (it refuses the TEMP tables the seed uses), but it adopts a
 * database file it finds and serves it to replicas from its first frame.
 */
function installDatabaseFile(file, dbDir) {
  const target = path.join(dbDir, 'dbs', 'default')
  fs.mkdirSync(target, { recursive: true })
  fs.copyFileSync(file, path.join(target, 'data'))
}

/**
 * Starts sqld on a free loopback port with Ed25519 JWT auth.
 * opts.dbDir reuses a db folder; opts.port pins the port; opts.args adds sqld flags;
 * opts.timeoutMs bounds the wait for /health (default 20000). The process and its
 * temporary folder go away when this process exits.
 */
async function startSqld(opts = {}) {
  const bin = findSqldBinary()
  installCleanup()
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sqld-'))
  tempDirs.add(work)
  const keyFile = path.join(work, 'pub.pem')
  fs.writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }))
  const dbDir = opts.dbDir ?? path.join(work, 'db')
  const port = opts.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  const timeoutMs = opts.timeoutMs ?? 20_000
  const mintToken = (claims) => signJwt(claims, privateKey)

  let child
  let tail = ''
  const output = () => tail

  const extra = [...(opts.args ?? [])]
  // sqld's graceful shutdown waits (30 s by default) for every open HTTP connection, e.g.
  // one whose request was aborted while paused.
  if (!extra.includes('--shutdown-timeout')) extra.push('--shutdown-timeout', '1')

  async function launch() {
    tail = ''
    child = spawn(
      bin,
      ['--no-welcome', '--db-path', dbDir, '--http-listen-addr', `127.0.0.1:${port}`, '--auth-jwt-key-file', keyFile, ...extra],
      { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const collect = (chunk) => {
      tail = (tail + chunk).slice(-OUTPUT_TAIL)
    }
    child.stdout.setEncoding('utf8').on('data', collect)
    child.stderr.setEncoding('utf8').on('data', collect)
    // A caller that forgets stop() must not stay alive for it; killAll() on exit does it.
    child.unref()
    child.stdout.unref?.()
    child.stderr.unref?.()
    children.add(child)
    const me = child
    child.once('exit', () => children.delete(me))
    try {
      await waitHealthy(url, child, output, timeoutMs)
    } catch (err) {
      child.kill('SIGKILL')
      await exited(child)
      throw err
    }
  }

  async function stop() {
    const c = child
    if (c.exitCode !== null || c.signalCode !== null) return
    c.kill('SIGTERM')
    c.kill('SIGCONT') // a stopped process only acts on SIGTERM once continued
    const timer = setTimeout(() => c.kill('SIGKILL'), 5000)
    await exited(c)
    clearTimeout(timer)
  }

  async function kill() {
    child.kill('SIGKILL')
    await exited(child)
  }

  await launch()
  return {
    url,
    port,
    dbDir,
    tokens: {
      rw: mintToken({ a: 'rw' }),
      ro: mintToken({ a: 'ro' }),
      expired: mintToken({ a: 'rw', exp: Math.floor(Date.now() / 1000) - 3600 }),
    },
    mintToken,
    get pid() {
      return child.pid
    },
    output,
    stop,
    kill,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async restart() {
      await stop()
      await launch()
    },
    /** Starts it again after stop() or kill(), on the same port and folder. */
    start: launch,
  }
}

module.exports = { startSqld, signJwt, findSqldBinary, installDatabaseFile }
