'use strict'
// A server child process (sqld for `db:benchmark --nodes` and the tests, redis-server in the
// tests) on a loopback port: started, polled until it answers, stopped, killed, paused and
// restarted; killed, with its temporary folders removed, when this process exits.

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
      child.kill('SIGCONT') // a paused server would otherwise stay stopped forever
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

/** A temporary folder removed when this process exits. */
function tempDir(prefix) {
  installCleanup()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  tempDirs.add(dir)
  return dir
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

/**
 * `spawn()` starts the server (stdout and stderr piped); `answers()` resolves true once it
 * serves, polled every `pollMs` for up to `timeoutMs`. Returns {launch, stop, kill, pause,
 * resume, output, pid, start, restart}: launch() starts it and waits until it answers.
 */
function serverProcess({ name, spawn, answers, pollMs, timeoutMs }) {
  installCleanup()
  let child
  let tail = ''
  const output = () => tail

  async function launch() {
    tail = ''
    child = spawn()
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
    let died = null
    child.once('exit', (code, signal) => (died = signal ?? `code ${code}`))
    child.once('error', (err) => (died = err.message))
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (died) throw new Error(`${name} exited (${died}) before answering:\n${tail}`)
      try {
        if (await answers()) return
      } catch {}
      await sleep(pollMs)
    }
    child.kill('SIGKILL')
    await exited(child)
    throw new Error(`${name} did not answer within ${timeoutMs} ms:\n${tail}`)
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

  return {
    launch,
    /** Starts it again after stop() or kill(), on the same port and folder. */
    start: launch,
    async restart() {
      await stop()
      await launch()
    },
    stop,
    kill,
    output,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    get pid() {
      return child.pid
    },
  }
}

module.exports = { serverProcess, freePort, tempDir }
