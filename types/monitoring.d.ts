// Monitoring: the original database/performance/monitoring.ts API, plus Prometheus output,
// alert rate limiting and a replication health check. Re-exported by index.d.ts.
import type { EdgeOptimizedDatabase } from '../index'

/** One query as given to `recordQuery` (the original's QueryMetrics). */
export interface QueryMetrics {
  query: string
  /** Milliseconds. */
  duration: number
  /** Milliseconds since the epoch; default now. */
  timestamp?: number
  userId?: number
  examId?: number
  /** Kept as given (JSON, cut at 4 KB); never collected automatically. */
  params?: unknown
  stackTrace?: string
  /** A failed query: its message (an Error is taken by its message). */
  error?: string | Error
  /** The `operation` label in the Prometheus output. Default `'custom'`. */
  operation?: string
}

export type AlertType = 'slow_query' | 'high_error_rate' | 'cache_miss_spike' | 'connection_pool_exhausted'
export type AlertSeverity = 'warning' | 'critical'

export interface SlowQueryAlertMetrics {
  /** The first 100 characters of the statement. */
  query: string
  duration: number
  threshold: number
  operation: string
  userId: number | null
  examId: number | null
}

export interface ErrorRateAlertMetrics {
  /** A percent of `sampleSize`. */
  errorRate: number
  errors: number
  sampleSize: number
}

export interface CacheMissAlertMetrics {
  /** A percent of `lookups` since the previous check. */
  missRate: number
  hits: number
  misses: number
  lookups: number
}

export interface PoolAlertMetrics {
  activeConnections: number
  totalConnections: number
  queuedRequests: number
  /** Busy readers, a percent. */
  utilization: number
}

export interface AlertBase {
  severity: AlertSeverity
  message: string
  timestamp: number
  /** Identical alerts (same type and pattern) held back since the previous one went out. */
  suppressed: number
}

export interface SlowQueryAlert extends AlertBase {
  type: 'slow_query'
  /** The normalised SQL pattern the alert is about. */
  pattern: string
  metrics: SlowQueryAlertMetrics
}

export interface HighErrorRateAlert extends AlertBase {
  type: 'high_error_rate'
  metrics: ErrorRateAlertMetrics
}

export interface CacheMissSpikeAlert extends AlertBase {
  type: 'cache_miss_spike'
  metrics: CacheMissAlertMetrics
}

export interface PoolExhaustedAlert extends AlertBase {
  type: 'connection_pool_exhausted'
  metrics: PoolAlertMetrics
}

export type PerformanceAlert = SlowQueryAlert | HighErrorRateAlert | CacheMissSpikeAlert | PoolExhaustedAlert

export interface AnalyticsSummary {
  totalQueries: number
  avgDuration: number
  medianDuration: number
  p95Duration: number
  p99Duration: number
  /** A percent, as in the original. */
  errorRate: number
  slowQueryCount: number
}

/** A query from the recent window (the original's QueryMetrics plus its operation and pattern). */
export interface RecordedQuery {
  query: string
  duration: number
  timestamp: number
  operation: string
  pattern: string
  userId?: number
  examId?: number
  params?: unknown
  stackTrace?: string
  error?: string
}

/** A pattern's latency since the monitor started (HDR histogram, within 1%). */
export interface PatternLatency {
  count: number
  avgDuration: number
  p50Duration: number
  p95Duration: number
  p99Duration: number
  maxDuration: number
}

export interface QueryPatternStats {
  pattern: string
  operation: string
  count: number
  totalDuration: number
  avgDuration: number
  errorCount: number
  slowCount: number
  allTime: PatternLatency
}

/** What the analytics cover; `exact` when the 10,000-query recent window holds the whole range. */
export interface AnalyticsWindow {
  from: number
  to: number
  exact: boolean
  recentQueries: number
  recentCapacity: number
}

export interface PerformanceAnalytics {
  summary: AnalyticsSummary
  /** The 20 slowest slow queries, slowest first. */
  slowQueries: RecordedQuery[]
  /** The 10 patterns slowest on average. */
  queryPatterns: QueryPatternStats[]
  recommendations: string[]
  window: AnalyticsWindow
}

export interface MonitorOptions {
  /** Milliseconds; default the database's SLOW_QUERY_THRESHOLD (200). */
  slowQueryThreshold?: number
  /** Default the database's ENABLE_PERFORMANCE_ALERTS (true). */
  enablePerformanceAlerts?: boolean
  /** Milliseconds between two alerts of the same type and pattern. Default 60,000. */
  alertCooldown?: number
}

export interface MonitorSettings {
  slowQueryThreshold: number
  enablePerformanceAlerts: boolean
  alertCooldown: number
  windowSize: number
}

export declare class DatabaseMonitor {
  /** Attached to `db`, every statement its pool runs is recorded; without one, only `recordQuery`. */
  constructor(db?: EdgeOptimizedDatabase | null, options?: MonitorOptions)
  readonly settings: MonitorSettings
  readonly closed: boolean
  recordQuery(metrics: QueryMetrics): void
  /** Runs on the JS thread; returns a function that removes the callback. */
  onAlert(callback: (alert: PerformanceAlert) => void | Promise<void>): () => void
  /** Over the last `timeRange` milliseconds (default one hour). */
  getAnalytics(timeRange?: number): PerformanceAnalytics
  /** Prometheus text exposition; serve it with PROMETHEUS_CONTENT_TYPE. */
  toPrometheus(): string
  close(): void
}

export interface InterceptContext {
  operation: string
  table?: string
}

export declare class PerformanceInterceptor {
  constructor(monitor: DatabaseMonitor)
  readonly monitor: DatabaseMonitor
  wrapDatabaseMethod<T extends unknown[], R>(
    method: (...args: T) => Promise<R> | R,
    context: InterceptContext,
  ): (...args: T) => Promise<R>
}

export interface BenchmarkStats {
  count: number
  avg: number
  min: number
  max: number
  median: number
  p95: number
  p99: number
}

export declare class PerformanceBenchmark {
  start(): void
  /** Milliseconds since `start()`; throws (code ERR_BENCHMARK_NOT_STARTED) without one. */
  end(): number
  getStats(): BenchmarkStats
  getAverage(): number
  getMax(): number
  reset(): void
}

export type HealthCheckStatus = 'pass' | 'warn' | 'fail'

export interface HealthCheckResult {
  status: HealthCheckStatus
  message: string
  /** Milliseconds the check took. */
  duration: number
}

export interface IndexHealthCheck extends HealthCheckResult {
  /** Indexes found (absent when they could not be listed). */
  count?: number
}

export interface ReplicationHealthCheck extends HealthCheckResult {
  /** Milliseconds since the last successful sync: how far behind the primary it can be. */
  lagMs: number | null
  /** Unix milliseconds of the last successful sync. */
  lastSyncAt: number | null
  syncErrors: number
  /** Seconds between periodic syncs (0: off). */
  syncInterval: number
  framesSynced?: number
}

export interface HealthChecks {
  connectivity: HealthCheckResult
  tables: HealthCheckResult
  indexes: IndexHealthCheck
  performance: HealthCheckResult
  /** Embedded replicas only. */
  replication?: ReplicationHealthCheck
}

export interface HealthCheckReport {
  /** No check failed. */
  healthy: boolean
  checks: HealthChecks
  recommendations: string[]
}

export declare class DatabaseHealthChecker {
  constructor(db: EdgeOptimizedDatabase)
  readonly db: EdgeOptimizedDatabase
  checkHealth(): Promise<HealthCheckReport>
}

export interface MonitoringSystem {
  monitor: DatabaseMonitor
  interceptor: PerformanceInterceptor
  benchmark: PerformanceBenchmark
  healthChecker: DatabaseHealthChecker
}

export interface MonitoringSystemOptions extends MonitorOptions {
  /** Log alerts with console.warn (default true). */
  logAlerts?: boolean
}

/** Without options, every call for one database shares one monitor. */
export declare function createMonitoringSystem(db: EdgeOptimizedDatabase, options?: MonitoringSystemOptions): MonitoringSystem

/** `text/plain; version=0.0.4; charset=utf-8` */
export declare const PROMETHEUS_CONTENT_TYPE: string
