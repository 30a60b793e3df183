#!/usr/bin/env node
'use strict'
// The `db:*` commands. Settings come from the environment (as createEdgeDatabase reads
// them) or flags: --url=X, --auth-token=X, --replica-path=X.

const { createEdgeDatabase, seedDatabase } = require('../index.js')

const HELP = `usage: db.js <command> [flags]

commands:
  seed        create the app schema when missing and seed a synthetic dataset
              --scale=N   size (1 = 20,000 questions, 200,000 answers); default 1
  quickstart  seed (if empty), then run the study flow and print timings

flags (any command):
  --url=URL             database URL (file:PATH, http(s)://, libsql://); default TURSO_DATABASE_URL
                        or the embedded file ./.data/pingtopass.db
  --auth-token=TOKEN    default TURSO_AUTH_TOKEN
  --replica-path=PATH   embedded replica of the remote URL; default TURSO_REPLICA_PATH
  --json                machine-readable output
  --help                this text`

function parseArgs(argv) {
  const flags = {}
  const positional = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) {
      positional.push(a)
      continue
    }
    const eq = a.indexOf('=')
    if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1)
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--') && !['json', 'help'].includes(a.slice(2))) {
      flags[a.slice(2)] = argv[++i]
    } else flags[a.slice(2)] = true
  }
  return { command: positional[0], flags }
}

function settings(flags) {
  const out = {}
  if (flags.url) out.url = flags.url
  if (flags['auth-token']) out.authToken = flags['auth-token']
  if (flags['replica-path']) out.replicaPath = flags['replica-path']
  return out
}

async function main() {
  const { command, flags } = parseArgs(process.argv.slice(2))
  if (flags.help || !command) {
    console.log(HELP)
    return command || flags.help ? 0 : 2
  }
  const known = new Set(['url', 'auth-token', 'replica-path', 'json', 'help', 'scale'])
  const unknown = Object.keys(flags).filter((f) => !known.has(f))
  if (unknown.length) {
    console.error(`unknown flag --${unknown[0]}\n\n${HELP}`)
    return 2
  }
  const db = createEdgeDatabase(undefined, settings(flags))
  try {
    if (command === 'seed') {
      const scale = flags.scale === undefined ? 1 : Number(flags.scale)
      const report = await seedDatabase(db, { scale })
      if (flags.json) console.log(JSON.stringify(report, null, 2))
      else printSeed(report)
      return 0
    }
    if (command === 'quickstart') {
      const { quickstart } = require('../lib/quickstart')
      await quickstart(db, { scale: flags.scale === undefined ? 1 : Number(flags.scale), json: !!flags.json })
      return 0
    }
    console.error(`unknown command ${JSON.stringify(command)}\n\n${HELP}`)
    return 2
  } finally {
    await db.cleanup()
  }
}

function printSeed(report) {
  console.log(report.seeded ? `seeded at scale ${report.scale} in ${(report.ms / 1000).toFixed(1)} s` : 'database already holds data: left as it is')
  for (const [table, n] of report.rows) console.log(`  ${table.padEnd(26)} ${String(n).padStart(9)}`)
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`error: ${err.message}${err.code ? ` (${err.code})` : ''}`)
    process.exit(1)
  },
)
