#!/usr/bin/env node
'use strict'
// The `db:*` commands. The command line runs in Rust (src/migrations/cli): this file hands
// it argv and prints what comes back. `quickstart` stays here: it drives the JS API.

const { runCli } = require('../binding')

const QUICKSTART_FLAGS = new Set(['url', 'auth-token', 'replica-path', 'json', 'scale'])
const VALUE_FLAGS = new Set(['url', 'auth-token', 'replica-path', 'scale', 'step', 'config'])

/** Index of the command word: the first argument that is neither a flag nor a flag's value. */
function commandIndex(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) return i
    if (!a.includes('=') && VALUE_FLAGS.has(a.slice(2))) i++
  }
  return -1
}

/** `--name=value` / `--name value` / `--name`, for quickstart's few flags. */
function parseFlags(argv) {
  const flags = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) return { error: `unexpected argument ${JSON.stringify(a)}` }
    const eq = a.indexOf('=')
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2)
    if (!QUICKSTART_FLAGS.has(name)) return { error: `unknown flag --${name}` }
    if (eq > 0) flags[name] = a.slice(eq + 1)
    else if (name !== 'json' && i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags[name] = argv[++i]
    else flags[name] = true
  }
  return { flags }
}

async function quickstart(argv) {
  const { flags, error } = parseFlags(argv)
  if (error) {
    // Rust prints quickstart's usage with the message.
    const help = await runCli(['quickstart', '--help'])
    process.stderr.write(`${error}\n\n${help.stdout}`)
    return 2
  }
  const { createEdgeDatabase } = require('../index.js')
  const { quickstart: run } = require('../lib/quickstart')
  const settings = {}
  if (typeof flags.url === 'string') settings.url = flags.url
  if (typeof flags['auth-token'] === 'string') settings.authToken = flags['auth-token']
  if (typeof flags['replica-path'] === 'string') settings.replicaPath = flags['replica-path']
  const db = createEdgeDatabase(undefined, settings)
  try {
    await run(db, { scale: flags.scale === undefined ? 1 : Number(flags.scale), json: !!flags.json })
    return 0
  } finally {
    await db.cleanup()
  }
}

async function main(argv) {
  const at = commandIndex(argv)
  // The load tester's command line lives with the load tester (lib/loadtest.js).
  if (at >= 0 && argv[at] === 'benchmark') {
    return require('../lib/loadtest').runBenchmarkCli([...argv.slice(0, at), ...argv.slice(at + 1)])
  }
  if (at >= 0 && argv[at] === 'quickstart' && !argv.includes('--help')) {
    return quickstart([...argv.slice(0, at), ...argv.slice(at + 1)])
  }
  const { exitCode, stdout, stderr } = await runCli(argv)
  process.stdout.write(stdout)
  process.stderr.write(stderr)
  return exitCode
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.stderr.write(`error: ${err.message}${err.code ? ` (${err.code})` : ''}\n`)
    process.exitCode = 1
  },
)
