// Test harness around a real redis-server child process on a free loopback port, with
// persistence off (`--save '' --appendonly no`). A missing redis-server is an error naming
// the fix, never a silent skip.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const OUTPUT_TAIL = 8 * 1024
const children = new Set()
const tempDirs = new Set()

function killAll() {
  for (const child of children) {
    try {
      child.kill('SIGCONT') // a paused server would otherwise stay stopped forever
      child.kill('SIGKILL')
    } catch {}
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
}
process.on('exit', killAll)
// 'exit' does not run when a signal kills us (the test runner cancelling a file): clean up
// and re-raise, unless the app handles the signal itself.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  const onSignal = () => {
    if (process.listenerCount(sig) > 1) return
    killAll()
    process.removeListener(sig, onSignal)
    process.kill(process.pid, sig)
  }
  process.on(sig, onSignal)
}

/** The redis-server binary: $REDIS_SERVER_BIN, else the one on PATH. Throws naming the fix. */
export function findRedisServer() {
  const env = process.env.REDIS_SERVER_BIN
  if (env) {
    if (!existsSync(env)) throw new Error(`REDIS_SERVER_BIN=${env} does not exist`)
    return env
  }
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' })
  const bin = which.stdout.trim()
  if (which.status !== 0 || !bin) {
    throw new Error(
      'redis-server not found: the caching tests need a real Redis. Install it ' +
        '(apt-get install -y redis-server; .ci/run does) or set REDIS_SERVER_BIN.',
    )
  }
  return bin
}

export function freePort() {
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

/** Sends one inline command and resolves with the first reply line (e.g. '+PONG'). */
export function redisCommand(port, line, timeoutMs = 1000) {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port })
    let buf = ''
    const timer = setTimeout(() => {
      sock.destroy()
      reject(new Error(`redis did not answer ${line} within ${timeoutMs} ms`))
    }, timeoutMs)
    sock.setEncoding('utf8')
    sock.once('connect', () => sock.write(`${line}\r\n`))
    sock.on('data', (d) => {
      buf += d
      const end = buf.indexOf('\r\n')
      if (end >= 0) {
        clearTimeout(timer)
        sock.end()
        resolve(buf.slice(0, end))
      }
    })
    sock.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  })
}

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

/**
 * Starts redis-server on a free loopback port (or `opts.port`). Returns
 * {url, port, pid, output(), stop(), kill(), restart(), pause(), resume()}; restart() brings
 * it back on the same port (empty: persistence is off).
 */
export async function startRedis(opts = {}) {
  const bin = findRedisServer()
  const dir = mkdtempSync(join(tmpdir(), 'redis-'))
  tempDirs.add(dir)
  const port = opts.port ?? (await freePort())
  const timeoutMs = opts.timeoutMs ?? 10_000
  let child
  let tail = ''
  const output = () => tail

  async function launch() {
    tail = ''
    child = spawn(
      bin,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const collect = (chunk) => {
      tail = (tail + chunk).slice(-OUTPUT_TAIL)
    }
    child.stdout.setEncoding('utf8').on('data', collect)
    child.stderr.setEncoding('utf8').on('data', collect)
    // A test that forgets stop() must not keep the runner alive; killAll() on exit does it.
    child.unref()
    child.stdout.unref?.()
    child.stderr.unref?.()
    children.add(child)
    const me = child
    child.once('exit', () => children.delete(me))
    let died = null
    child.once('exit', (code, signal) => (died = signal ?? `code ${code}`))
    child.once('error', (err) => (died = err.message))
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (died) throw new Error(`redis-server exited (${died}) before answering PING:\n${tail}`)
      try {
        if ((await redisCommand(port, 'PING', 500)) === '+PONG') return
      } catch {}
      await sleep(50)
    }
    child.kill('SIGKILL')
    await exited(child)
    throw new Error(`redis-server did not answer PING on port ${port} within ${timeoutMs} ms:\n${tail}`)
  }

  async function stop() {
    const c = child
    if (c.exitCode !== null || c.signalCode !== null) return
    c.kill('SIGTERM')
    c.kill('SIGCONT')
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
    url: `redis://127.0.0.1:${port}`,
    port,
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
    /** Starts it again after kill() or stop(). */
    start: launch,
  }
}
