// Test harness around a real redis-server child process on a free loopback port, with
// persistence off (`--save '' --appendonly no`). A missing redis-server is an error naming
// the fix, never a silent skip.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { connect } from 'node:net'

const require = createRequire(import.meta.url)
const { serverProcess, freePort, tempDir } = require('../../lib/server-process.js')
export { freePort }

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

/**
 * Starts redis-server on a free loopback port (or `opts.port`). Returns
 * {url, port, pid, output(), stop(), kill(), restart(), pause(), resume()}; restart() brings
 * it back on the same port (empty: persistence is off).
 */
export async function startRedis(opts = {}) {
  const bin = findRedisServer()
  const dir = tempDir('redis-')
  const port = opts.port ?? (await freePort())
  const server = serverProcess({
    name: 'redis-server',
    spawn: () =>
      spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    answers: async () => (await redisCommand(port, 'PING', 500)) === '+PONG',
    pollMs: 50,
    timeoutMs: opts.timeoutMs ?? 10_000,
  })

  await server.launch()
  return Object.assign(server, { url: `redis://127.0.0.1:${port}`, port })
}
