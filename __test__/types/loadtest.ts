// The original README's "Custom Load Tests" example, changed only in its import path (and
// given the `db` the README assumed, inside an async function).
import { DatabaseLoadTester, PINGTOPASS_LOAD_SCENARIOS } from '@pingtopass/db-performance'
import { createEdgeDatabase, createLoadTester, STRESS_TEST_CONFIGS } from '@pingtopass/db-performance'
import type { LoadTestResults } from '@pingtopass/db-performance'

const db = createEdgeDatabase('us-east-1')

export async function customLoadTest() {
  const tester = new DatabaseLoadTester(db)
  const results = await tester.runLoadTest({
    maxUsers: 1000,
    rampUpTimeMs: 60000,    // 1 minute ramp-up
    testDurationMs: 600000, // 10 minute test
    scenarios: PINGTOPASS_LOAD_SCENARIOS
  })

  console.log(`P95 Response Time: ${results.p95ResponseTime}ms`)
  console.log(`Throughput: ${results.throughputRPS} req/sec`)
}

// The original's other entry points.
export async function allPresets(): Promise<LoadTestResults> {
  const all = await createLoadTester(db).runAllTests()
  const spike = await new DatabaseLoadTester(db).runLoadTest({ ...STRESS_TEST_CONFIGS.spike, testDurationMs: 60_000, closedLoop: false })
  const rows = new DatabaseLoadTester(db).exportResults()
  console.log(all.heavy.grade, spike.integrity.ok, rows.length, spike.scenarioResults['Active Student']?.requests)
  return all.light
}
