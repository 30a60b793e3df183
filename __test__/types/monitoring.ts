// The original README's monitoring examples ("Real-Time Alerts", "Health Check Endpoint"),
// changed only in their import path. What the app provides around them is declared here.
import { createMonitoringSystem } from '@pingtopass/db-performance'
import { DatabaseHealthChecker } from '@pingtopass/db-performance'
import type { EdgeOptimizedDatabase, PerformanceAlert, PerformanceAnalytics, HealthCheckReport } from '@pingtopass/db-performance'

declare const db: EdgeOptimizedDatabase
declare function sendSlackAlert(text: string): void
declare function defineEventHandler<T>(handler: (event: unknown) => T | Promise<T>): (event: unknown) => Promise<T>

// ### Real-Time Alerts
const { monitor } = createMonitoringSystem(db)

monitor.onAlert((alert) => {
  if (alert.severity === 'critical') {
    // Integrate with your alerting system
    sendSlackAlert(`🚨 Database Alert: ${alert.message}`)
  }
})

// ### Health Check Endpoint
// Add to your API routes
export default defineEventHandler(async (event) => {
  const { healthChecker } = createMonitoringSystem(db)
  const health = await healthChecker.checkHealth()
  
  return {
    status: health.healthy ? 'healthy' : 'unhealthy',
    responseTime: health.checks.performance?.duration,
    recommendations: health.recommendations
  }
})

// The types are real, not `any`.
export async function typed() {
  const { benchmark, interceptor } = createMonitoringSystem(db, { slowQueryThreshold: 100, logAlerts: false })
  monitor.onAlert((a: PerformanceAlert) => {
    if (a.type === 'slow_query') {
      const pattern: string = a.pattern
      const d: number = a.metrics.duration
      void [pattern, d]
    }
  })
  const analytics: PerformanceAnalytics = monitor.getAnalytics(60_000)
  const p95: number = analytics.summary.p95Duration
  const report: HealthCheckReport = await new DatabaseHealthChecker(db).checkHealth()
  const lag: number | null | undefined = report.checks.replication?.lagMs
  const wrapped = interceptor.wrapDatabaseMethod(async (id: number) => id * 2, { operation: 'double', table: 'numbers' })
  const n: number = await wrapped(21)
  benchmark.start()
  const ms: number = benchmark.end()
  const text: string = monitor.toPrometheus()
  return { p95, lag, n, ms, text }
}

// @ts-expect-error duration is a number
monitor.recordQuery({ query: 'SELECT 1', duration: '5ms' })
// @ts-expect-error unknown option
createMonitoringSystem(db, { slowQueryThresold: 5 })
// @ts-expect-error operation is required
createMonitoringSystem(db).interceptor.wrapDatabaseMethod(async () => 1, { table: 'users' })
// @ts-expect-error alerts are typed: no such field
monitor.onAlert((a) => a.serverity)
