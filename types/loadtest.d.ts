// The load tester (the original's stress-testing module) and `db:benchmark`. Names and
// shapes follow the original; latencies are milliseconds, rates percent, as there.
import type { EdgeOptimizedDatabase } from '../index'

export type LoadTestOperationType = 'study_questions' | 'record_answer' | 'session_progress' | 'leaderboard' | 'twitter_analytics'

/** Fixed values instead of drawn ones, per operation type (optional, as the original's `params`). */
export interface LoadTestOperationParams {
  /** study_questions, leaderboard */
  examId?: number
  /** study_questions; default: min drawn from 1-3, max from 3-5 */
  difficulty?: { min?: number; max?: number }
  /** study_questions (default 20), leaderboard (default 10) */
  limit?: number
  /** study_questions */
  mode?: 'practice' | 'custom' | 'speed_drill' | 'weak_areas' | 'review'
  /** record_answer; default: the next question the user was served */
  questionId?: number
  /** session_progress; default: the user's own session */
  sessionId?: number
  /** twitter_analytics; default 30 */
  days?: number
}

export interface LoadTestOperation {
  type: LoadTestOperationType
  /** Requests per minute per user: the think time after it is 60,000 / frequency ms plus up to half again. */
  frequency: number
  params?: LoadTestOperationParams
}

export interface LoadTestScenario {
  name: string
  /** Share of the iterations relative to the other scenarios (the app's mix sums to 100). */
  weight: number
  operations: readonly LoadTestOperation[]
}

export interface LoadTestConfig {
  /** 1..100,000 virtual users (tokio tasks in Rust). */
  maxUsers: number
  /** User i starts at i / maxUsers of this; at most testDurationMs. */
  rampUpTimeMs: number
  /** From the start of the ramp-up to the end, at most 24 h. */
  testDurationMs: number
  scenarios: readonly LoadTestScenario[]
  /** No think time: saturation throughput. Default false. */
  closedLoop?: boolean
  /** Seeds the users' random choices. Default: from the clock. */
  seed?: number
}

export interface ScenarioResults {
  requests: number
  errors: number
  avgResponseTime: number
  minResponseTime: number
  maxResponseTime: number
  /** Times users picked this scenario. */
  iterations: number
}

export type LoadTestOperationName = LoadTestOperationType | 'start_session'

export interface LoadTestOperationResult {
  operation: LoadTestOperationName
  count: number
  errors: number
  mean: number
  p50: number
  p95: number
  p99: number
  max: number
  /** Requests per latency bin; the bins' upper bounds are `histogramBoundsUs` (plus one overflow bin). */
  histogram: number[]
  /** `[nanoseconds, count]` per non-empty bucket of the fine (1%) histogram: runs merge into exact percentiles. */
  latencyBuckets: Array<[ns: number, count: number]>
}

export interface LoadTestSecond {
  /** End of the window, seconds since the start. */
  t: number
  requests: number
  errors: number
  throughputRPS: number
  p95ResponseTime: number
  /** Peak of users with a request in flight during the window. */
  usersInFlight: number
  activeUsers: number
}

export interface LoadTestErrorCount {
  operation: LoadTestOperationName
  code: string
  count: number
  /** The first message seen with this code. */
  message: string
}

export interface LoadTestIntegrity {
  /** Answers the database confirmed during the run. */
  answersRecorded: number
  /** Answers of this run (selectedAnswer `lt:<runId>:<n>`) in the database afterwards. */
  answersFound: number
  /** Of those, in a study session of the same user. */
  answersInOwnSession: number
  /** Answer writes that timed out on the client (may or may not have landed). */
  answersUncertain: number
  sessionsCreated: number
  sessionsFound: number
  ok: boolean
  problems: string[]
}

export type PerformanceGrade = 'EXCELLENT' | 'GOOD' | 'NEEDS_IMPROVEMENT' | 'POOR'

export interface LoadTestResults {
  totalRequests: number
  successfulRequests: number
  /** Percent. */
  errorRate: number
  averageResponseTime: number
  p50ResponseTime: number
  p95ResponseTime: number
  p99ResponseTime: number
  maxResponseTime: number
  throughputRPS: number
  /** The real peak of users with a request in flight at once. */
  concurrentUsers: number
  /** The peak of users started and not finished. */
  peakActiveUsers: number
  scenarioResults: Record<string, ScenarioResults>
  operations: LoadTestOperationResult[]
  timeline: LoadTestSecond[]
  errors: LoadTestErrorCount[]
  integrity: LoadTestIntegrity
  grade: PerformanceGrade
  recommendations: string[]
  runId: string
  /** Unix milliseconds. */
  startedAt: number
  durationMs: number
  backend: 'local' | 'remote' | 'replica'
  target: string
  config: Required<Omit<LoadTestConfig, 'seed'>> & { seed: number }
  histogramBoundsUs: number[]
}

export interface LoadTestProgress {
  phase: 'idle' | 'setup' | 'running' | 'checking' | 'done'
  durationMs: number
  maxUsers: number
  /** The live figures below appear once the users start. */
  elapsedMs?: number
  activeUsers?: number
  usersInFlight?: number
  peakUsersInFlight?: number
  requests?: number
  errors?: number
  /** Of the last complete second. */
  rps?: number
  p95Ms?: number
}

export interface RunLoadTestOptions {
  onProgress?: (progress: LoadTestProgress) => void
  /** 50..3,600,000, default 1000. */
  progressIntervalMs?: number
}

/** One row of `exportResults()`: a second of the last run. */
export interface LoadTestExportRow extends LoadTestSecond {
  /** Unix milliseconds of the end of the window. */
  timestamp: number
}

export declare class DatabaseLoadTester {
  constructor(db: EdgeOptimizedDatabase)
  runLoadTest(config: LoadTestConfig, options?: RunLoadTestOptions): Promise<LoadTestResults>
  progress(): LoadTestProgress | null
  stop(): void
  exportResults(): LoadTestExportRow[]
}

export interface LoadTestRunnerOptions {
  /** Pause between presets (not after spike); default 30,000 as the original. */
  cooldownMs?: number
  /** Where the printout goes; default console.log. */
  log?: (line: string) => void
}

export type StressTestName = 'light' | 'medium' | 'heavy' | 'spike'

export declare class LoadTestRunner {
  constructor(db: EdgeOptimizedDatabase, options?: LoadTestRunnerOptions)
  runAllTests(): Promise<Record<StressTestName, LoadTestResults>>
  printTestResults(testName: string, results: LoadTestResults): void
  assessPerformance(results: LoadTestResults): { grade: PerformanceGrade; recommendations: string[] }
}

export declare function createLoadTester(db: EdgeOptimizedDatabase): LoadTestRunner

export declare const PINGTOPASS_LOAD_SCENARIOS: readonly LoadTestScenario[]
export declare const STRESS_TEST_CONFIGS: Readonly<Record<StressTestName, Readonly<LoadTestConfig>>>

/** `db:benchmark`; resolves to the exit code (0 ok, 1 failure, 2 usage, 99 thresholds broken). */
export declare function runBenchmarkCli(
  argv: string[],
  io?: { stdout: { write(s: string): unknown }; stderr: { write(s: string): unknown; isTTY?: boolean } },
): Promise<number>

/** The self-contained HTML report of a run. */
export declare function renderLoadTestReport(results: LoadTestResults): string

export interface ThresholdCheck {
  text: string
  actual: number | undefined
  ok: boolean
}
/** k6-style thresholds (`p95<200`, `errorRate<1`, `rps>1000`, `record_answer.p99<5`) against results. */
export declare function checkThresholds(results: LoadTestResults, thresholds: string[]): ThresholdCheck[]
