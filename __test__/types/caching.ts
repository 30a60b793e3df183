// The original README's caching example ("Automated Cache Warming"), changed only in its
// import path (and wrapped in a function, as the module has no top-level await).
import { createCachingStrategy } from '@pingtopass/db-performance'
import { createEdgeDatabase, createOptimizedQueries, CacheWarmer, StudyCache } from '@pingtopass/db-performance'

export async function automatedCacheWarming() {
  const { warmer } = createCachingStrategy({ warmingSchedule: true })

  // Runs automatically every hour to pre-load popular content
  // Or trigger manually:
  await warmer.scheduledWarming()
}

// The types are real, not `any`: each of these must be rejected.
// @ts-expect-error warmingSchedule is a boolean
createCachingStrategy({ warmingSchedule: 'hourly' })
// @ts-expect-error unknown option
createCachingStrategy({ enableDistribute: true })
// @ts-expect-error content types are 'static' | 'dynamic' | 'private'
createCachingStrategy().edgeCache.getCacheHeaders('public')

// The shapes the API promises.
export async function shapes() {
  const { studyCache, edgeCache, warmer, distributed } = createCachingStrategy({ enableDistributed: true, redisUrl: 'redis://127.0.0.1:6379' })
  const hits: number = studyCache.getStats().questions.hits
  const headers: string = edgeCache.getCacheHeaders('static')['Cache-Control']
  const warmed: number = (await warmer.warmProgressCaches([1])).warmed
  const connected: boolean | undefined = distributed?.getStats().distributed.connected
  await studyCache.invalidateUserCache(1)
  // @ts-expect-error getStats() is not a promise
  void studyCache.getStats().then
  return { hits, headers, warmed, connected }
}

// The real database and queries are what the warmer takes.
export function wiring() {
  const db = createEdgeDatabase('us-east-1')
  const queries = createOptimizedQueries(db)
  const strategy = createCachingStrategy({ warmingSchedule: true, db, queries })
  const warmer = new CacheWarmer(new StudyCache(), db, queries)
  return { strategy, warmer }
}
