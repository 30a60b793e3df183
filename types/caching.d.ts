// Types of createCachingStrategy and its classes (lib/caching.js over src/cache).
import type { EdgeOptimizedDatabase } from '../index'

/** `getStats()` of one cache. */
export interface CacheStats {
  totalKeys: number
  /** hits / (hits + misses); 0 before any lookup. */
  hitRate: number
  /** Bytes held: keys, JSON text, tags and a fixed per-entry overhead. */
  memoryUsage: number
  /** Mean milliseconds a lookup took inside the cache (JSON.parse excluded). */
  avgResponseTime: number
  /** Entries removed after their TTL ran out. */
  expiredKeys: number
  hits: number
  misses: number
  /** Entries removed by the size bound. */
  evictions: number
  writes: number
  maxSize: number
}

/** The Redis side of a DistributedCache (also in StudyCache stats once linked). */
export interface DistributedLinkStats {
  connected: boolean
  /** Calls answered by the local cache alone because Redis was unreachable or failed. */
  fallbacks: number
  reconnects: number
  redisHits: number
  redisMisses: number
  /** Invalidation messages sent, and received from other processes. */
  published: number
  received: number
  /** Invalidations waiting for Redis to come back. */
  pendingInvalidations: number
  lastError: string | null
  /** The Redis URL, password replaced by ***. */
  url: string
  channel: string
}

export interface DistributedCacheStats extends CacheStats {
  distributed: DistributedLinkStats
}

export interface StudyCacheStats {
  questions: CacheStats
  sessions: CacheStats
  /** User progress and leaderboards. */
  progress: CacheStats
  /** Present once linked to a DistributedCache. */
  distributed?: DistributedLinkStats
}

export interface CacheBatchEntry<T = any> {
  key: string
  data: T
  /** Seconds; 0 or absent: the cache's default. */
  ttl?: number
}

/** The parameters of getOptimizedStudyQuestions (userId and examId aside), in any order. */
export type StudyQuestionParams = Record<string, unknown>

/** A size-bounded cache with a TTL per entry. Values are JSON: `get` returns a fresh copy. */
export declare class PerformanceCache<T = any> {
  /** Defaults: 10,000 entries, 300 seconds. */
  constructor(maxSize?: number, defaultTtlSeconds?: number)
  get(key: string): T | null
  set(key: string, data: T, ttlSeconds?: number): void
  setBatch(entries: Array<CacheBatchEntry<T>>): void
  delete(key: string): boolean
  /** Removes expired entries now; returns how many. */
  cleanup(): number
  getStats(): CacheStats
  clear(): void
}

/** The question (5,000 / 10 min), session (1,000 / 5 min) and progress (500 / 15 min) caches. */
export declare class StudyCache {
  constructor()
  /** Sends this cache's invalidations through Redis to every process. */
  attachDistributed(distributed: DistributedCache): void
  cacheStudyQuestions(userId: number, examId: number, params: StudyQuestionParams, questions: any[]): void
  getStudyQuestions(userId: number, examId: number, params: StudyQuestionParams): any[] | null
  /** `progress.userId`, when present, lets invalidateUserCache reach the entry. */
  cacheSessionProgress(sessionId: number, progress: any): void
  getSessionProgress(sessionId: number): any | null
  cacheUserProgress(userId: number, examId: number, progress: any): void
  getUserProgress(userId: number, examId: number): any | null
  cacheLeaderboard(examId: number, limit: number, leaderboard: any[]): void
  getLeaderboard(examId: number, limit: number): any[] | null
  /** Cached value, or `loader()` run once for all concurrent misses and cached unless invalidated meanwhile. */
  loadStudyQuestions<T = any>(userId: number, examId: number, params: StudyQuestionParams, loader: () => Promise<T[]>): Promise<T[]>
  loadSessionProgress<T = any>(sessionId: number, loader: () => Promise<T>): Promise<T>
  loadUserProgress<T = any>(userId: number, examId: number, loader: () => Promise<T>): Promise<T>
  loadLeaderboard<T = any>(examId: number, limit: number, loader: () => Promise<T[]>): Promise<T[]>
  /**
   * Drops the user's questions, sessions and progress. Done locally before returning; the
   * promise resolves once Redis and the other processes were told (at once without Redis).
   */
  invalidateUserCache(userId: number): Promise<void>
  /** Drops the exam's question lists and leaderboards. */
  invalidateExamCache(examId: number): Promise<void>
  invalidateSessionCache(sessionId: number): Promise<void>
  invalidateLeaderboardCache(examId: number): Promise<void>
  getStats(): StudyCacheStats
  /** Removes expired entries now; returns how many. */
  cleanup(): number
  clear(): void
}

export type EdgeContentType = 'static' | 'dynamic' | 'private'

export interface EdgeCacheHeaders {
  'Cache-Control': string
  'CDN-Cache-Control': string
}

/** Edge (CDN) cache headers and keys. */
export declare class EdgeCache {
  getCacheHeaders(contentType: EdgeContentType): EdgeCacheHeaders
  /** `operation?k=v&...`, keys sorted, values URI-encoded. */
  generateEdgeKey(operation: string, params: Record<string, any>): string
}

/** What the warmer needs of `createOptimizedQueries(db)`. */
export interface WarmingQueries {
  study: {
    getOptimizedStudyQuestions(params: { userId: number; examId: number; difficulty?: { min: number; max: number }; limit?: number }): Promise<unknown>
  }
  progress: {
    getExamLeaderboardOptimized(examId: number, limit?: number): Promise<ReadonlyArray<{ userId: number }>>
    getUserProgressOptimized(userId: number, examId: number): Promise<unknown>
  }
}

/** What the warmer needs of the database: execute, to find active users and exams. */
export type WarmingDatabase = Pick<EdgeOptimizedDatabase, 'execute'>

export interface ActiveUser {
  userId: number
  examId: number
  /** Answers in the last 7 days on that exam. */
  answers: number
}

export interface WarmingResult {
  /** Entries written to the StudyCache. */
  warmed: number
  /** Query calls that failed (the rest still ran). */
  failed: number
  /** The first few failure messages. */
  errors: string[]
  ms: number
}

export interface PopularQuestionsWarmingResult extends WarmingResult {
  /** Active (user, exam) pairs found. */
  users: number
}

export interface ScheduledWarmingResult extends WarmingResult {
  exams: number
  questions: PopularQuestionsWarmingResult
  progress: WarmingResult
}

export interface WarmingRun {
  at: Date
  result?: ScheduledWarmingResult
  error?: unknown
}

/** Fills the StudyCache by running the optimized queries for the week's most active users. */
export declare class CacheWarmer {
  constructor(studyCache: StudyCache, db?: WarmingDatabase | null, queries?: WarmingQueries | null)
  readonly studyCache: StudyCache
  readonly db: WarmingDatabase | null
  readonly queries: WarmingQueries | null
  /** The outcome of the last scheduled run. */
  readonly lastRun: WarmingRun | null
  activeUsers(examIds: number[], topUsers?: number): Promise<ActiveUser[]>
  warmPopularQuestions(examIds: number[], topUsers?: number): Promise<PopularQuestionsWarmingResult>
  warmProgressCaches(examIds: number[]): Promise<WarmingResult>
  scheduledWarming(): Promise<ScheduledWarmingResult>
  /** Runs scheduledWarming every `intervalMs` (default hourly; 1000 to 2**31-1, else RangeError); never keeps Node alive. */
  start(intervalMs?: number): void
  /** Stops the schedule. */
  cleanup(): void
}

export interface DistributedCacheOptions {
  /** Pub/sub channel shared by the app's processes. Default 'pingtopass:cache:invalidate'. */
  channel?: string
  /** Entries in the local cache. Default 10,000. */
  localMaxSize?: number
  /** Longest a value stays in the local cache, seconds. Default 300. */
  localTtlSeconds?: number
  /** A Redis call slower than this falls back to the local cache. Default 500. */
  commandTimeoutMs?: number
}

export interface DistributedSetOptions {
  /** Groups for invalidateTags (e.g. 'user:7'). */
  tags?: string[]
}

/** Redis shared by every process, a local cache in front, invalidation over pub/sub. */
export declare class DistributedCache {
  /** Default URL: process.env.REDIS_URL. Connects in the background. */
  constructor(redisUrl?: string, options?: DistributedCacheOptions)
  /** Resolves true once connected, false after `timeoutMs` (default 5,000). */
  ready(timeoutMs?: number): Promise<boolean>
  get<T = any>(key: string): Promise<T | null>
  set<T = any>(key: string, data: T, ttlSeconds?: number, options?: DistributedSetOptions): Promise<void>
  del(key: string): Promise<void>
  invalidateTags(tags: string[]): Promise<void>
  getStats(): DistributedCacheStats
  /** Closes Redis and its background task; the local cache keeps working. */
  cleanup(): Promise<void>
}

export interface CachingStrategyOptions {
  enableDistributed?: boolean
  /** redis://host:port; default process.env.REDIS_URL. */
  redisUrl?: string
  /** Warm hourly; needs `db` and `queries`. */
  warmingSchedule?: boolean
  db?: WarmingDatabase
  /** The createOptimizedQueries(db) result. */
  queries?: WarmingQueries
}

export interface CachingStrategy {
  studyCache: StudyCache
  edgeCache: EdgeCache
  warmer: CacheWarmer
  distributed?: DistributedCache
  /** Stops the warming schedule and closes Redis. */
  cleanup(): Promise<void>
}

export declare function createCachingStrategy(options?: CachingStrategyOptions): CachingStrategy
