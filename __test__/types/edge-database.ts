// The original README's examples, changed only in their import path.
import { createEdgeDatabase, monitorDatabaseHealth, getEdgeConfig } from '@pingtopass/db-performance'

const db = createEdgeDatabase('us-east-1') // Your region

export async function example() {
  const rs = await db.execute('SELECT id, title FROM exams WHERE id = ?', [1])
  const title: string | undefined = rs.rows[0]?.title as string | undefined
  const rows = await db.batch([{ sql: 'UPDATE exams SET title = ? WHERE id = ?', args: ['A+', 1] }])
  const n: number = rows[0].rowsAffected
  const count = await db.transaction(async (tx) => {
    await tx.execute('UPDATE exams SET title = ? WHERE id = ?', ['B', 2])
    return (await tx.execute('SELECT count(*) AS c FROM exams')).rows[0].c
  })
  const health = await monitorDatabaseHealth(db)
  const config = getEdgeConfig('eu-west-1')
  const metrics = db.getMetrics()
  const hits: number = metrics.pool.cacheHits
  await db.maintenance()
  await db.cleanup()
  return { title, n, count, healthy: health.healthy, concurrency: config.concurrency, hits }
}

// The types are real, not `any`: each of these must be rejected.
// @ts-expect-error sql is a string
void db.execute(42)
// @ts-expect-error options.cache is a boolean
void db.execute('SELECT 1', [], { cache: 'yes' })
// @ts-expect-error unknown setting
createEdgeDatabase('us-east-1', { maxConections: 3 })
