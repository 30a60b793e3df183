'use strict'
// `npm start`: seeds the embedded default database when empty, then runs the app's study
// flow (pick questions, record answers, update the session) and prints timings.

const { seedDatabase } = require('./schema')

// Served by the app's own questions(exam_id) index; a random rowid start replaces ORDER BY RANDOM().
const PICK_QUESTIONS = `
  SELECT id, exam_id AS examId, objective_id AS objectiveId, difficulty
  FROM questions
  WHERE exam_id = ? AND is_active = 1 AND id >= ?
  ORDER BY id LIMIT ?`
const RECORD_ANSWER = `
  INSERT INTO user_answers (user_id, question_id, study_session_id, selected_answer, is_correct, time_spent_seconds, answered_at)
  VALUES (?, ?, ?, ?, ?, ?, unixepoch())`
const SESSION_TOTALS = `
  SELECT count(*) AS answered, coalesce(sum(is_correct), 0) AS correct, avg(time_spent_seconds) AS avgTime
  FROM user_answers WHERE study_session_id = ?`

async function timed(label, fn, out) {
  const t = performance.now()
  const r = await fn()
  out.push([label, performance.now() - t])
  return r
}

async function quickstart(db, { scale = 1, json = false } = {}) {
  const timings = []
  const seed = await timed('seed (skipped when data exists)', () => seedDatabase(db, { scale }), timings)
  const session = (await db.execute('SELECT id, user_id AS userId, exam_id AS examId FROM study_sessions ORDER BY id LIMIT 1')).rows[0]
  const maxId = (await db.execute('SELECT max(id) AS m FROM questions')).rows[0].m
  const start = 1 + Math.floor(Math.random() * Math.max(1, maxId - 200))
  const questions = await timed('study questions (20)', () => db.execute(PICK_QUESTIONS, [session.examId, start, 20]), timings)
  await timed('record 20 answers (one batch)', () =>
    db.batch(
      questions.rows.map((q, i) => ({
        sql: RECORD_ANSWER,
        args: [session.userId, q.id, session.id, JSON.stringify(['a']), i % 3 !== 0, 20 + i],
      })),
    ),
    timings,
  )
  const totals = await timed('session progress', () => db.execute(SESSION_TOTALS, [session.id]), timings)
  await timed('session progress again (cached)', () => db.execute(SESSION_TOTALS, [session.id]), timings)
  const report = { database: db.config.target, seeded: seed.seeded, questions: questions.rows.length, session: totals.rows[0], timings }
  if (json) {
    console.log(JSON.stringify(report, null, 2))
    return report
  }
  console.log(`database: ${report.database}${seed.seeded ? ` (seeded at scale ${scale})` : ''}`)
  for (const [label, ms] of timings) console.log(`  ${label.padEnd(34)} ${ms.toFixed(2).padStart(10)} ms`)
  console.log(`  session ${session.id}: ${totals.rows[0].answered} answers, ${totals.rows[0].correct} correct`)
  return report
}

module.exports = { quickstart }
