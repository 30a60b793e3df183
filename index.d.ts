// Public types of @pingtopass/db-performance. The raw N-API binding's own typings are
// generated into binding.d.ts by @napi-rs/cli; this file types the API over it.

/** A value bound as an SQL parameter. Dates bind as unix seconds, booleans as 0/1. */
export type InValue = null | number | bigint | string | boolean | Date | Buffer | Uint8Array
/** Positional (`?`) values, or named (`:name`, `@name`, `$name`) values keyed by the bare name. */
export type InArgs = InValue[] | Record<string, InValue>
/** A value read from a row: INTEGER and REAL as number (bigint with `intMode: 'bigint'`), BLOB as Buffer. */
export type Value = null | number | bigint | string | Buffer

export type Row = Record<string, Value>

/** The same shape as @libsql/client's ResultSet. */
export interface ResultSet<R = Row> {
  columns: string[]
  columnTypes: string[]
  rows: R[]
  rowsAffected: number
  /** The rowid of an INSERT; undefined for other statements. */
  lastInsertRowid: bigint | undefined
}

export type InStatement = string | { sql: string; args?: InArgs }

export interface ExecuteOptions {
  /** Serve and store SELECT results in the query cache (default true). */
  cache?: boolean
  /** Seconds this result stays cached (default CACHE_DEFAULT_TTL). */
  ttl?: number
  /** Accepted for compatibility: requests of one event-loop turn run together. */
  priority?: 'high' | 'normal' | 'low'
}

export interface Transaction {
  execute<R = Row>(sql: string, params?: InArgs): Promise<ResultSet<R>>
  batch(statements: InStatement[]): Promise<ResultSet[]>
}

/** Settings in camelCase; each wins over its environment variable. */
export interface EdgeDatabaseOptions {
  /** `file:PATH`, `http(s)://`, `libsql://` (TURSO_DATABASE_URL). Default: the file ./.data/pingtopass.db */
  url?: string
  /** TURSO_AUTH_TOKEN. Never printed. */
  authToken?: string
  /** TURSO_ENCRYPTION_KEY. Never printed. */
  encryptionKey?: string
  /** TURSO_REPLICA_PATH: an embedded replica of `url` in this file. */
  replicaPath?: string
  /** DB_MAX_CONNECTIONS: reader connections (plus one writer). Default 4. */
  maxConnections?: number
  /** DB_SYNC_INTERVAL: seconds between replica syncs. Default from the region table. */
  syncInterval?: number
  /** CACHE_DEFAULT_TTL: seconds. Default 300. */
  cacheTtl?: number
  /** CACHE_MAX_SIZE: cached results. Default 10,000. */
  cacheMaxSize?: number
  /** SLOW_QUERY_THRESHOLD: milliseconds. Default 200. */
  slowQueryThreshold?: number
  /** ENABLE_PERFORMANCE_ALERTS. Default true. */
  enablePerformanceAlerts?: boolean
  /** How INTEGER values come back. Default 'number' (an integer beyond 2^53 is an error). */
  intMode?: 'number' | 'bigint'
  /** Replica reads see this process's writes at once. Default true. */
  readYourWrites?: boolean
  /** DB_BUSY_TIMEOUT: milliseconds a local connection waits on a lock. Default 5,000. */
  busyTimeout?: number
  /** DB_REQUEST_TIMEOUT: milliseconds before a call to a server fails. Default 10,000. */
  requestTimeout?: number
  /**
   * DB_INLINE_BUDGET: milliseconds a turn of cheap requests may be expected to take to be answered
   * on the JS thread instead of a pool connection (local files). Default 0.5; 0 sends every request to the pool.
   */
  inlineBudget?: number
}

export interface EdgeConfig {
  url: string
  /** Not enumerable: never appears in logs or JSON. */
  readonly authToken: string
  readonly encryptionKey?: string
  region?: string
  readYourWrites: boolean
  concurrency: number
  intMode: 'number' | 'bigint'
  backend: 'local' | 'remote' | 'replica'
  maxConnections: number
  syncInterval: number
  cacheTtl: number
  cacheMaxSize: number
  slowQueryThreshold: number
  enablePerformanceAlerts: boolean
}

export interface PerformanceMetrics {
  queryTime: number
  avgQueryTime: number
  connectionTime: number
  cacheHits: number
  cacheMisses: number
  activeConnections: number
  queuedRequests: number
  totalConnections: number
  totalQueries: number
  /** Turns of cheap requests answered on the calling thread instead of a pool connection (local files). */
  inlineTurns: number
  /** Of those, the turns that were a lone write. */
  inlineWrites: number
  errors: number
  backend: 'local' | 'remote' | 'replica'
}

export interface CacheMetrics {
  totalEntries: number
  expiredEntries: number
  evictedEntries: number
  memoryUsage: number
  hitRate: number
  maxEntries: number
  defaultTtl: number
}

export interface ReplicationMetrics {
  syncs: number
  syncErrors: number
  framesSynced: number
  /** Milliseconds, the last sync and all syncs so far. */
  lastSyncDuration: number
  totalSyncDuration: number
  lastSyncAt: number | null
  /** Milliseconds since the last successful sync: how far behind the primary the replica can be. */
  lagMs: number | null
  /** The replica's committed frame number (its replication index). */
  frameNo: number | null
  syncInterval: number
}

export interface DatabaseMetrics {
  pool: PerformanceMetrics
  cache: CacheMetrics
  replication?: ReplicationMetrics
}

export interface MaintenanceStep {
  step: string
  ok: boolean
  detail: string | null
  ms: number
}

export interface MaintenanceReport {
  steps: MaintenanceStep[]
  metrics: DatabaseMetrics
}

export declare class EdgeOptimizedDatabase {
  constructor(config?: EdgeDatabaseOptions & { region?: string })
  execute<R = Row>(sql: string, params?: InArgs, options?: ExecuteOptions): Promise<ResultSet<R>>
  batch(statements: InStatement[]): Promise<ResultSet[]>
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>
  ready(): Promise<void>
  sync(): Promise<{ framesSynced: number; frameNo: number | null }>
  getMetrics(): DatabaseMetrics
  maintenance(): Promise<MaintenanceReport>
  cleanup(): Promise<void>
  readonly config: Omit<EdgeConfig, 'url' | 'authToken' | 'encryptionKey'> & { target: string; hasAuthToken: boolean; hasEncryptionKey: boolean }
  addObserver(fn: (kind: 'execute' | 'batch', sql: string, durationMs: number, error?: Error) => void): () => void
}

export declare function getEdgeConfig(region?: string, overrides?: EdgeDatabaseOptions): EdgeConfig
export declare function createEdgeDatabase(region?: string, overrides?: EdgeDatabaseOptions): EdgeOptimizedDatabase

export interface DatabaseHealth {
  healthy: boolean
  metrics: (DatabaseMetrics & { responseTime: number; timestamp: string }) | { error: string; code?: string }
  recommendations: string[]
}
export declare function monitorDatabaseHealth(db: EdgeOptimizedDatabase): Promise<DatabaseHealth>

export interface SeedReport {
  scale: number
  seeded: boolean
  ms: number
  rows: Array<[table: string, count: number]>
}
export declare function seedDatabase(db: EdgeOptimizedDatabase, options?: { scale?: number }): Promise<SeedReport>

export * from './types/queries'
export * from './types/caching'
export * from './types/monitoring'
export * from './types/migrations'
export * from './types/loadtest'
export * from './types/scale'
