// The original README's query examples, changed only in their import path.
import { createOptimizedQueries } from '@pingtopass/db-performance'
import { createEdgeDatabase } from '@pingtopass/db-performance'

const db = createEdgeDatabase('us-east-1') // Your region
const queries = createOptimizedQueries(db)

declare function collectUserAnswers(): Promise<Parameters<typeof queries.study.recordAnswersBatch>[0]>
declare const sessionId: number

export async function update() {
  // Queries are now 3-5x faster automatically
  const questions = await queries.study.getOptimizedStudyQuestions({
    userId: 123,
    examId: 456,
    limit: 20
  }) // <25ms average response time
  return questions
}

async function optimizedStudyFlow(userId: number, examId: number) {
  // Get questions (25ms) - single optimized query
  const questions = await queries.study.getOptimizedStudyQuestions({
    userId, examId, limit: 20
  })

  // Record answers (75ms) - batched for efficiency
  const answers = await collectUserAnswers()
  await queries.study.recordAnswersBatch(answers)

  // Update progress (100ms) - aggregated calculation
  await queries.study.updateSessionProgressOptimized(sessionId)

  // Total: ~200ms for complete workflow ⚡
  return questions
}

async function getGrowthInsights() {
  // All metrics in single query (80ms)
  const analytics = await queries.twitter.getGrowthAnalyticsOptimized(30)

  // Includes calculated fields:
  // - Cost per follower
  // - Rolling averages
  // - Engagement trends

  return analytics // Ready for dashboard
}

export async function typed() {
  const q = (await optimizedStudyFlow(1, 2))[0]
  const name: string = q.objectiveName
  const when: Date | null = q.createdAt
  const growth = await getGrowthInsights()
  const cpf: number = growth[0].costPerFollower
  const p = await queries.progress.getUserProgressOptimized(1, 2)
  const streak: number | undefined = p?.currentStreak
  // @ts-expect-error mode is a known study mode
  await queries.study.getOptimizedStudyQuestions({ userId: 1, examId: 2, mode: 'turbo' })
  return { name, when, cpf, streak }
}
