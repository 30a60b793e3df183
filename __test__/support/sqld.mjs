// Test harness around a real sqld (libSQL server) child process with JWT auth; the
// implementation lives in lib/sqld.js, which `db:benchmark --nodes` uses too.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const sqld = require('../../lib/sqld.js')

export const { startSqld, signJwt, installDatabaseFile, findSqldBinary } = sqld
