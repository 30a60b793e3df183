// README "Scaling out" and docs/scaling-out.md examples.
import {
  createCachingStrategy,
  createEdgeDatabase,
  createOptimizedQueries,
  runScaleBenchmark,
  startReplicaNode,
  STRESS_TEST_CONFIGS,
  type ScaleReport,
} from '@pingtopass/db-performance'

export async function readme(): Promise<void> {
  // 3 node processes on replicas of TURSO_DATABASE_URL (else a local sqld), lag probes, lost-write check
  const report = await runScaleBenchmark({ nodes: 3, config: { ...STRESS_TEST_CONFIGS.light, testDurationMs: 20000 }, syncInterval: 1 })
  console.log(report.total.throughputRPS, report.total.lag.p95, report.total.lostWrites.lost)
  const worst: number | null = Math.max(...report.perNode.map((n) => n.lag.p95 ?? 0))
  console.log(worst, report.perNode[0].health.replication?.lagMs, report.perNode[0].sync.syncs)
}

export async function perRegion(): Promise<ScaleReport | void> {
  const db = createEdgeDatabase('eu-west-1') // replica of TURSO_DATABASE_URL in TURSO_REPLICA_PATH
  const strategy = createCachingStrategy({ enableDistributed: true, redisUrl: process.env.REDIS_URL })
  const queries = createOptimizedQueries(db, { cache: strategy.studyCache })
  await queries.progress.getUserProgressOptimized(1, 1)
  const r = db.getMetrics().replication
  if (r) console.log(r.lagMs, r.lastSyncAt, r.frameNo, r.totalSyncDuration)
  const node = await startReplicaNode({ index: 0, settings: { url: 'http://127.0.0.1:8080', authToken: 't', replicaPath: '/tmp/n0.db', syncInterval: 1 } })
  await node.call('execute', { sql: 'SELECT 1', params: [] })
  await node.kill('SIGKILL')
}
