'use strict'
// A real sqld (libSQL server) child process on a free loopback port with Ed25519 JWT auth:
// the primary that `db:benchmark --nodes=N` starts when no URL is configured, and the test
// harness (__test__/support/sqld.mjs). The binary is the one scripts/install-sqld.sh
// installs (shipped with the package), or $SQLD_BIN.

const { spawn } = require('node:child_process')
const { generateKeyPairSync, sign } = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const { serverProcess, freePort, tempDir } = require('./server-process')

const b64url = (data) => Buffer.from(data).toString('base64url')

/** An EdDSA JWT over `claims`, as sqld's --auth-jwt-key-file checks it. */
function signJwt(claims, privateKey) {
  const input = `${b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`
  return `${input}.${b64url(sign(null, Buffer.from(input), privateKey))}`
}

// Shipped with the package (package.json `files`): it installs into .cache/bin/sqld of the
// package it sits in, where findSqldBinary looks, in a checkout or under node_modules.
const INSTALL_SCRIPT = path.join(__dirname, '..', 'scripts', 'install-sqld.sh')

/** $SQLD_BIN, else .cache/bin/sqld of this package; throws naming the fix. */
function findSqldBinary() {
  const bin = process.env.SQLD_BIN || path.join(__dirname, '..', '.cache', 'bin', 'sqld')
  if (!fs.existsSync(bin)) {
    throw new Error(`sqld binary not found at ${bin}: run ${INSTALL_SCRIPT} (or set SQLD_BIN)`)
  }
  return bin
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
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const work = tempDir('sqld-')
  const keyFile = path.join(work, 'pub.pem')
  fs.writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }))
  const dbDir = opts.dbDir ?? path.join(work, 'db')
  const port = opts.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  const mintToken = (claims) => signJwt(claims, privateKey)

  const extra = [...(opts.args ?? [])]
  // sqld's graceful shutdown waits (30 s by default) for every open HTTP connection, e.g.
  // one whose request was aborted while paused.
  if (!extra.includes('--shutdown-timeout')) extra.push('--shutdown-timeout', '1')
  const server = serverProcess({
    name: 'sqld',
    spawn: () =>
      spawn(bin, ['--no-welcome', '--db-path', dbDir, '--http-listen-addr', `127.0.0.1:${port}`, '--auth-jwt-key-file', keyFile, ...extra], {
        cwd: work,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    answers: async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).status === 200,
    pollMs: 100,
    timeoutMs: opts.timeoutMs ?? 20_000,
  })

  await server.launch()
  return Object.assign(server, {
    url,
    port,
    dbDir,
    tokens: {
      rw: mintToken({ a: 'rw' }),
      ro: mintToken({ a: 'ro' }),
      expired: mintToken({ a: 'rw', exp: Math.floor(Date.now() / 1000) - 3600 }),
    },
    mintToken,
  })
}

module.exports = { startSqld, signJwt, findSqldBinary, installDatabaseFile }
