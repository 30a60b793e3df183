'use strict'
// `npm start`: seeds the embedded default database when empty, then runs the app's study
// flow through the optimized queries and prints timings.

const { seedDatabase } = require('./schema')
const { createOptimizedQueries } = require('./queries')

async function timed(label, fn, out) {
  const t = performance.now()
  const r = await fn()
  out.push([label, performance.now() - t])
  return r
}

async function quickstart(db, { scale = 1, json = false } = {}) {
  const timings = []
  const seed = await timed('seed (skipped when data exists)', () => seedDatabase(db, { scale }), timings)
  const queries = createOptimizedQueries(db)
  const session = (await db.execute('SELECT id, user_id AS userId, exam_id AS examId FROM study_sessions ORDER BY id LIMIT 1')).rows[0]
  const { userId, examId } = session
  const questions = await timed('study questions (20)', () => queries.study.getOptimizedStudyQuestions({ userId, examId, limit: 20 }), timings)
  await timed('record 20 answers (one batch)', () =>
    queries.study.recordAnswersBatch(
      questions.map((q, i) => ({
        userId,
        questionId: q.id,
        studySessionId: session.id,
        selectedAnswer: q.answers[0]?.id ?? 'a',
        isCorrect: !!q.answers[0]?.isCorrect,
        timeSpentSeconds: 20 + i,
      })),
    ),
    timings,
  )
  const progress = await timed('session progress', () => queries.study.updateSessionProgressOptimized(session.id), timings)
  await timed('user progress', () => queries.progress.getUserProgressOptimized(userId, examId), timings)
  await timed('leaderboard', () => queries.progress.getExamLeaderboardOptimized(examId, 10), timings)
  await timed('growth analytics (30 days)', () => queries.twitter.getGrowthAnalyticsOptimized(30), timings)
  const report = {
    database: db.config.target,
    seeded: seed.seeded,
    questions: questions.length,
    session: { id: session.id, answered: progress?.totalQuestions ?? 0, correct: progress?.correctAnswers ?? 0, accuracy: progress?.accuracy ?? null },
    timings,
  }
  if (json) {
    console.log(JSON.stringify(report, null, 2))
    return report
  }
  console.log(`database: ${report.database}${seed.seeded ? ` (seeded at scale ${scale})` : ''}`)
  for (const [label, ms] of timings) console.log(`  ${label.padEnd(34)} ${ms.toFixed(2).padStart(10)} ms`)
  console.log(`  session ${session.id}: ${report.session.answered} answers, ${report.session.correct} correct`)
  return report
}

module.exports = { quickstart }
