// Triggers Rust panics through the addon's test hooks and reports, as one JSON line, what
// JS saw and whether the addon still works afterwards. A hook that is missing is reported
// as such (the parent fails with the name of the hook to add).
//   __panicForTests()           binding.js export: panics inside an exported function
//   db._query('__panic', '[]')  a request whose job panics on a connection thread
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const binding = require('../../../binding.js')
const api = require('../../../index.js')
const dir = process.argv[2]
const out = { hooks: {}, exported: [], connection: [], after: {} }
const describe = (e) => (e ? { isError: e instanceof Error, name: e.constructor?.name, code: e.code ?? null, message: String(e.message) } : null)

out.hooks.exported = typeof binding.__panicForTests === 'function'
if (out.hooks.exported) {
  for (let i = 0; i < 5; i++) {
    try {
      binding.__panicForTests()
      out.exported.push({ threw: false })
    } catch (e) {
      out.exported.push({ threw: true, ...describe(e) })
    }
  }
}

const db = api.createEdgeDatabase(undefined, { url: `file:${join(dir, 'panic.db')}`, maxConnections: 2 })
await db.execute('CREATE TABLE t (v)')
const probe = await db._query('__panic', '[]').then(() => null, (e) => e)
out.hooks.connection = !(probe && probe.code === 'ERR_OUT_OF_RANGE' && /known query/.test(probe.message))
if (out.hooks.connection) {
  // More panics than connections, each flushed with good requests around it.
  for (let i = 0; i < 6; i++) {
    const [before, panicked, write, afterRead] = await Promise.allSettled([
      db.execute('SELECT ? AS n', [i], { cache: false }),
      db._query('__panic', '[]'),
      db.execute('INSERT INTO t (v) VALUES (?)', [i]),
      db.execute('SELECT count(*) AS n FROM t', [], { cache: false }),
    ])
    out.connection.push({
      panicked: panicked.status === 'rejected' ? describe(panicked.reason) : { resolved: true },
      siblingsOk: [before, write, afterRead].every((s) => s.status === 'fulfilled'),
    })
  }
}
// The addon keeps working: reads and writes on every connection, a new database, config.
const q = api.createOptimizedQueries(db)
const reads = await Promise.all(Array.from({ length: 8 }, (_, i) => db.execute('SELECT ? AS n', [i], { cache: false }).then((r) => r.rows[0].n)))
out.after.reads = reads.length === 8 && reads.every((n, i) => n === i)
out.after.count = (await db.execute('SELECT count(*) AS n FROM t', [], { cache: false })).rows[0].n
await api.applySchema(db)
out.after.explain = typeof (await api.explainQueries(db)) === 'object'
void q
await db.cleanup()
const fresh = api.createEdgeDatabase(undefined, { url: `file:${join(dir, 'fresh.db')}` })
out.after.freshDb = (await fresh.execute('SELECT 7 AS n')).rows[0].n === 7
await fresh.cleanup()
out.after.config = typeof api.getEdgeConfig().maxConnections === 'number'
process.stdout.write(JSON.stringify(out) + '\n')
