// Scale-out over embedded replicas (lib/scale.js, docs/scaling-out.md). Re-exported by index.d.ts.
import type { EdgeDatabaseOptions } from '../index'
import type { LoadTestConfig, LoadTestErrorCount, LoadTestIntegrity, LoadTestOperationResult, LoadTestProgress } from './loadtest'
import type { ReplicationHealthCheck } from './monitoring'

export interface ScaleRunOptions {
  /** Node processes, each with its own embedded replica (1 to 64). */
  nodes: number
  /** The whole run's load; `maxUsers` (1 to 100000) is split evenly over the nodes, each node's seed is `seed + index`. */
  config: LoadTestConfig
  /** The primary (http(s):// or libsql://); default TURSO_DATABASE_URL, else a local sqld started for the run. */
  url?: string
  /** Default TURSO_AUTH_TOKEN. Never printed. */
  authToken?: string
  /** Whole seconds between each replica's syncs; default 1. */
  syncInterval?: number
  /** The shared Redis cache tier for every node. */
  redisUrl?: string
  /** Keep the replica files here; default a temporary folder removed after the run. */
  replicaDir?: string
  /** How often each node writes a replication-lag probe; default 250. */
  probeIntervalMs?: number
  /** Seed scale of the local sqld's database (when no URL is given): above 0, at most 100; default 1. */
  seedScale?: number
  /** Run db:optimize on a database this run seeds; default true. */
  optimize?: boolean
  /** Every second: each node's live progress (null for a node not running yet). A tick is skipped while the previous one still waits for the nodes; what it throws goes to `log`. */
  onProgress?: (perNode: Array<LoadTestProgress | null>) => void
  /** Lines about the setup (seeding, sqld, nodes opened). */
  log?: (line: string) => void
}

/** Milliseconds; the totals' percentiles are merged from every node's fine histogram. */
export type ScaleOperation = Omit<LoadTestOperationResult, 'histogram' | 'latencyBuckets'>

/** Requests and milliseconds. */
export interface ScaleFigures {
  totalRequests: number
  errors: number
  errorRate: number
  throughputRPS: number
  p50ResponseTime: number
  p95ResponseTime: number
  p99ResponseTime: number
  operations: ScaleOperation[]
  sync: ScaleSync
}

export interface ScaleSync {
  syncs: number
  syncErrors: number
  /** Milliseconds spent syncing. */
  totalSyncMs: number
  avgSyncMs?: number
  lastSyncMs?: number
  framesSynced?: number
}

/** Milliseconds from a probe write acknowledged on one node to its first sighting on another. */
export interface ReplicationLag {
  count: number
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
  /** Sightings expected: every other node's acknowledged probes. */
  expected: number
  /** Expected sightings that never happened (within two sync intervals plus 10 s after the run). */
  unseen: number
}

export interface ScaleNodeReport extends ScaleFigures {
  node: number
  pid: number
  /** Milliseconds to open the replica (its first sync included). */
  openMs: number
  errorsByCode: LoadTestErrorCount[]
  /** This node's writes, checked on the primary after a sync. */
  integrity: LoadTestIntegrity
  /** Lag as this node saw the other nodes' writes. */
  lag: ReplicationLag
  probeErrors: number
  health: { healthy: boolean; replication: ReplicationHealthCheck | null }
  /** With Redis: the node's link figures. */
  cache?: { connected: boolean; published: number; received: number; fallbacks: number; [k: string]: unknown }
}

export interface ScaleReport {
  nodes: number
  usersPerNode: number
  syncInterval: number
  probeIntervalMs: number
  primary: string
  redis: boolean
  config: Partial<LoadTestConfig>
  perNode: ScaleNodeReport[]
  /** Every node together: throughputs summed, percentiles over every request of every node. */
  total: ScaleFigures & {
    successfulRequests: number
    maxResponseTime: number
    averageResponseTime: number
    lag: ReplicationLag
    lostWrites: { answersRecorded: number; answersFound: number; probesAcknowledged: number; probesFound: number; lost: number }
    integrityOk: boolean
  }
}

export declare function runScaleBenchmark(options: ScaleRunOptions): Promise<ScaleReport>
export declare function formatScaleReport(report: ScaleReport): string

/** One node process with its own embedded replica (and Redis tier): driven over IPC. */
export interface ReplicaNode {
  index: number
  pid: number
  opened: { pid: number; openMs: number; backend: string }
  /** Runs an operation in the node: execute, waitFor, sync, metrics, health, cacheSet, cacheGet, cacheInvalidate, cacheStats, run, collect, progress, close. */
  call(op: string, args?: Record<string, unknown>): Promise<any>
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: string | null }>
  /** Default SIGKILL. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }>
  /** Closes the node's database and lets it exit; a node that does not answer or exit within `timeoutMs` (default 10000) is killed with SIGKILL. */
  close(options?: { timeoutMs?: number }): Promise<{ code: number | null; signal: string | null }>
}

export declare function startReplicaNode(options: {
  index?: number
  settings: EdgeDatabaseOptions
  redisUrl?: string
}): Promise<ReplicaNode>
