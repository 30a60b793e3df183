// createOptimizedQueries on hand-made data: each semantic of the queries issue checked so
// that a wrong query would fail.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { createEdgeDatabase, createOptimizedQueries, applySchema } = require('../index.js')

const dir = mkdtempSync(join(tmpdir(), 'ptp-queries-'))
const now = Math.floor(Date.now() / 1000)
const sqlText = (secs) => new Date(secs * 1000).toISOString().slice(0, 19).replace('T', ' ')
const HOUR = 3600
const DAY = 86400

let db, q
const count = async (sql, args = []) => (await db.execute(sql, args, { cache: false })).rows[0].n

before(async () => {
  db = createEdgeDatabase(undefined, { url: `file:${join(dir, 'q.db')}` })
  await applySchema(db)
  q = createOptimizedQueries(db)
  const ins = (sql, args) => ({ sql, args })
  const stmts = [
    ins("INSERT INTO users (id, email, name) VALUES (1, 'a@x', 'Ann'), (2, 'b@x', 'Bob'), (3, 'c@x', 'Cy')"),
    ins("INSERT INTO exams (id, vendor_id, code, name) VALUES (1, 'comptia', 'N10', 'Network+'), (2, 'comptia', 'S701', 'Security+')"),
    ins("INSERT INTO objectives (id, exam_id, code, name) VALUES (10, 1, '1.0', 'Networking'), (11, 1, '2.0', 'Security'), (12, 1, '3.0', 'Ops'), (20, 2, '1.0', 'Threats')"),
  ]
  // Questions 1..30 on exam 1: objective 10 (1..10), 11 (11..20), 12 (21..30); difficulty 1..5.
  for (let id = 1; id <= 30; id++) {
    const obj = id <= 10 ? 10 : id <= 20 ? 11 : 12
    stmts.push(ins(
      `INSERT INTO questions (id, exam_id, objective_id, text, answers, difficulty, review_status, is_active, total_attempts, correct_attempts, avg_time_seconds)
       VALUES (?, 1, ?, ?, '[{"id":"a","text":"x","isCorrect":true}]', ?, 'approved', 1, ?, ?, 10)`,
      [id, obj, `question ${id} about vlan`, 1 + (id % 5), id % 3 === 0 ? 0 : 10, id % 3 === 0 ? 0 : id % 10],
    ))
  }
  // Not eligible: inactive (31), pending review (32), other exam (33).
  stmts.push(ins(`INSERT INTO questions (id, exam_id, objective_id, text, answers, difficulty, review_status, is_active) VALUES
    (31, 1, 10, 'inactive', '[]', 3, 'approved', 0), (32, 1, 10, 'pending', '[]', 3, 'pending', 1), (33, 2, 20, 'other exam', '[]', 3, 'approved', 1)`))
  // User 1: answered q1 an hour ago (unix), q2 an hour ago (text), q3 three days ago; wrong on q4 (2 days ago) and q5 (25 hours ago, text).
  stmts.push(ins(`INSERT INTO user_answers (user_id, question_id, selected_answer, is_correct, time_spent_seconds, answered_at) VALUES
    (1, 1, 'a', 1, 10, ?), (1, 2, 'a', 1, 10, ?), (1, 3, 'a', 1, 10, ?), (1, 4, 'b', 0, 10, ?), (1, 5, 'b', 0, 10, ?)`,
    [now - HOUR, sqlText(now - HOUR), now - 3 * DAY, now - 2 * DAY, sqlText(now - DAY - HOUR)]))
  await db.batch(stmts)
})
after(async () => {
  await db.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

describe('study questions', () => {
  test('only eligible questions, recent ones left out whatever their timestamp form', async () => {
    const rows = await q.study.getOptimizedStudyQuestions({ userId: 1, examId: 1, limit: 100 })
    const ids = rows.map((r) => r.id).sort((a, b) => a - b)
    assert.ok(!ids.includes(1), 'answered an hour ago (unix seconds)')
    assert.ok(!ids.includes(2), 'answered an hour ago (text timestamp)')
    assert.ok(ids.includes(3), 'answered three days ago')
    for (const bad of [31, 32, 33]) assert.ok(!ids.includes(bad))
    assert.equal(ids.length, 28)
    assert.equal(rows[0].objectiveName !== undefined, true)
    assert.ok(rows[0].createdAt === null || rows[0].createdAt instanceof Date)
    assert.ok(Array.isArray(rows[0].answers))
    assert.equal(typeof rows[0].isActive, 'boolean')
  })

  test('difficulty range, objective list and limit', async () => {
    const rows = await q.study.getOptimizedStudyQuestions({ userId: 2, examId: 1, objectiveIds: [11], difficulty: { min: 2, max: 3 }, limit: 100 })
    assert.ok(rows.length > 0)
    for (const r of rows) {
      assert.equal(r.objectiveId, 11)
      assert.ok(r.difficulty >= 2 && r.difficulty <= 3)
    }
    const few = await q.study.getOptimizedStudyQuestions({ userId: 2, examId: 1, limit: 4 })
    assert.equal(few.length, 4)
    assert.equal(new Set(few.map((r) => r.id)).size, 4)
  })

  test('practice order is random, not the same every time', async () => {
    const orders = new Set()
    for (let i = 0; i < 8; i++) {
      orders.add((await q.study.getOptimizedStudyQuestions({ userId: 2, examId: 1, limit: 5 })).map((r) => r.id).join(','))
    }
    assert.ok(orders.size > 1)
  })

  test('speed drill: easiest first', async () => {
    const rows = await q.study.getOptimizedStudyQuestions({ userId: 2, examId: 1, limit: 30, mode: 'speed_drill' })
    const d = rows.map((r) => r.difficulty)
    assert.deepEqual(d, [...d].sort((a, b) => a - b))
  })

  test('review: the user\'s wrong answers, most recent miss first, without the recent exclusion', async () => {
    const rows = await q.study.getOptimizedStudyQuestions({ userId: 1, examId: 1, mode: 'review' })
    assert.deepEqual(rows.map((r) => r.id), [5, 4])
  })

  test('weak areas: the user\'s weakest objective first, unanswered objectives as 0.5', async () => {
    // User 1 on objective 10: 3 right, 2 wrong (0.6). Objectives 11 and 12 unanswered (0.5).
    // So 11 and 12 (0.5) come before 10 (0.6).
    const rows = await q.study.getOptimizedStudyQuestions({ userId: 1, examId: 1, mode: 'weak_areas', limit: 30, excludeRecentHours: 0 })
    const firstTen = rows.slice(0, 20).map((r) => r.objectiveId)
    assert.ok(firstTen.every((o) => o === 11 || o === 12), JSON.stringify(firstTen))
    // Within an objective: lowest success rate first, never-attempted questions last.
    const obj11 = rows.filter((r) => r.objectiveId === 11)
    const rate = (r) => (r.totalAttempts ? r.correctAttempts / r.totalAttempts : Infinity)
    const rates = obj11.map(rate)
    assert.deepEqual(rates, [...rates].sort((a, b) => a - b))
  })
})

describe('recording answers', () => {
  test('one answer: inserted with the question statistics, mean rounded to the nearest second', async () => {
    // Question 7: total 10, correct 7, avg 10. New answer 15 s: (10*10 + 15)/11 = 10.45 -> 10.
    // Then 21 s: (10*11 + 21)/12 = 10.92 -> 11 (integer division would give 10).
    const a = await q.study.recordAnswerOptimized({ userId: 2, questionId: 7, selectedAnswer: 'a', isCorrect: true, timeSpentSeconds: 15 })
    assert.equal(a.questionId, 7)
    assert.equal(a.isCorrect, true)
    assert.ok(a.answeredAt instanceof Date)
    await q.study.recordAnswerOptimized({ userId: 2, questionId: 7, selectedAnswer: 'b', isCorrect: false, timeSpentSeconds: 21 })
    const row = (await db.execute('SELECT total_attempts AS t, correct_attempts AS c, avg_time_seconds AS avg FROM questions WHERE id = 7', [], { cache: false })).rows[0]
    assert.deepEqual(row, { t: 12, c: 8, avg: 11 })
  })

  test('an unknown question is an error naming questionId and writes nothing', async () => {
    const n = await count('SELECT count(*) AS n FROM user_answers')
    await assert.rejects(
      q.study.recordAnswerOptimized({ userId: 2, questionId: 999, selectedAnswer: 'a', isCorrect: true, timeSpentSeconds: 5 }),
      (e) => e instanceof RangeError && /questionId/.test(e.message),
    )
    assert.equal(await count('SELECT count(*) AS n FROM user_answers'), n)
  })

  test('a batch is all or nothing, with one statistics update per question', async () => {
    const n = await count('SELECT count(*) AS n FROM user_answers')
    const t8 = await count('SELECT total_attempts AS n FROM questions WHERE id = 8')
    const good = { userId: 3, questionId: 8, selectedAnswer: 'a', isCorrect: true, timeSpentSeconds: 10 }
    await assert.rejects(q.study.recordAnswersBatch([good, { ...good, questionId: 12345 }]), /questionId/)
    await assert.rejects(q.study.recordAnswersBatch([good, { ...good, timeSpentSeconds: -1 }]), (e) => e instanceof RangeError && /answers\[1\]\.timeSpentSeconds/.test(e.message))
    assert.equal(await count('SELECT count(*) AS n FROM user_answers'), n)
    const rows = await q.study.recordAnswersBatch([good, good, { ...good, questionId: 9 }])
    assert.equal(rows.length, 3)
    assert.equal(await count('SELECT count(*) AS n FROM user_answers'), n + 3)
    assert.equal(await count('SELECT total_attempts AS n FROM questions WHERE id = 8'), t8 + 2)
  })

  test('500 concurrent answers: all written, each caller gets its own row', async () => {
    const before = await count('SELECT total_attempts AS n FROM questions WHERE id = 11')
    const calls = Array.from({ length: 500 }, (_, i) =>
      q.study.recordAnswerOptimized({ userId: 1 + (i % 3), questionId: 11, selectedAnswer: String(i), isCorrect: i % 2 === 0, timeSpentSeconds: 10 }),
    )
    const rows = await Promise.all(calls)
    assert.deepEqual(rows.map((r) => r.selectedAnswer), calls.map((_, i) => String(i)))
    assert.equal(new Set(rows.map((r) => r.id)).size, 500)
    assert.equal(await count('SELECT total_attempts AS n FROM questions WHERE id = 11'), before + 500)
  })
})

describe('session progress', () => {
  test('totals, accuracy, per-objective scores written back; null when unknown or empty', async () => {
    await db.execute('INSERT INTO study_sessions (id, user_id, exam_id) VALUES (100, 3, 1), (101, 3, 1)')
    const answers = [[1, 1], [2, 0], [3, 1], [11, 1], [12, 1], [13, 0]].map(([qid, ok]) => ({
      userId: 3, questionId: qid, studySessionId: 100, selectedAnswer: 'a', isCorrect: !!ok, timeSpentSeconds: 10 + qid,
    }))
    await q.study.recordAnswersBatch(answers)
    const s = await q.study.updateSessionProgressOptimized(100)
    assert.equal(s.totalQuestions, 6)
    assert.equal(s.correctAnswers, 4)
    assert.ok(Math.abs(s.accuracy - 4 / 6) < 1e-9)
    assert.deepEqual(s.objectiveScores, { 10: 0.67, 11: 0.67 })
    assert.ok(s.lastActivity instanceof Date)
    assert.equal(await q.study.updateSessionProgressOptimized(101), null)
    assert.equal(await q.study.updateSessionProgressOptimized(999999), null)
  })
})

describe('progress', () => {
  test('leaderboard: more than 50 seen, by readiness, ranked', async () => {
    await db.execute(`INSERT INTO user_progress (user_id, exam_id, total_questions_seen, readiness_score) VALUES
      (1, 1, 60, 70), (2, 1, 51, 90), (3, 1, 50, 99)`)
    const rows = await q.progress.getExamLeaderboardOptimized(1, 10)
    assert.deepEqual(rows.map((r) => [r.rank, r.userId]), [[1, 2], [2, 1]])
    assert.equal(rows[1].weeklyActivity >= 5, true)
  })

  test('user progress nests progress, exam, recent activity and the current streak', async () => {
    // User 1's answers on exam 1, oldest first: q3 ok, q4 wrong, q5 wrong, then later rights.
    const p = await q.progress.getUserProgressOptimized(1, 1)
    assert.equal(p.exam.code, 'N10')
    assert.ok(p.recentActivity.length > 0)
    assert.ok(p.recentActivity[0].answeredAt instanceof Date)
    const answers = (await db.execute(
      `SELECT is_correct AS c FROM user_answers ua JOIN questions q ON q.id = ua.question_id
       WHERE ua.user_id = 1 AND q.exam_id = 1
       ORDER BY CASE WHEN typeof(answered_at) = 'text' THEN unixepoch(answered_at) ELSE answered_at END DESC, ua.id DESC`,
      [], { cache: false })).rows.map((r) => r.c)
    const streak = answers.indexOf(0) === -1 ? answers.length : answers.indexOf(0)
    assert.equal(p.currentStreak, streak)
    assert.equal(await q.progress.getUserProgressOptimized(2, 2), null)
  })
})

describe('twitter', () => {
  test('growth analytics: window by date, newest first, cost per follower, 7-row rolling averages', async () => {
    const day = (n) => new Date(Date.now() - n * DAY * 1000).toISOString().slice(0, 10)
    const stmts = []
    for (let n = 0; n < 12; n++) {
      stmts.push({ sql: 'INSERT INTO growth_metrics (date, followers_count, new_followers, ai_costs, engagements_made) VALUES (?, ?, ?, ?, 1)', args: [day(n), 100 + n, n % 4, 2.0] })
    }
    await db.batch(stmts)
    const rows = await q.twitter.getGrowthAnalyticsOptimized(3)
    assert.deepEqual(rows.map((r) => r.date), [day(0), day(1), day(2), day(3)])
    assert.equal(rows[0].costPerFollower, 0) // day 0: no new followers
    assert.equal(rows[1].costPerFollower, 2)
    // Day 3's average of new followers covers days 3..9 (7 rows), though 4..9 lie before the window.
    const expected = [3, 4, 5, 6, 7, 8, 9].reduce((s, n) => s + (n % 4), 0) / 7
    assert.ok(Math.abs(rows[3].rollingAvgFollowers - expected) < 1e-9)
  })

  test('pending opportunities: by engagement potential', async () => {
    await db.batch([
      "INSERT INTO twitter_accounts (id, username, followers_count) VALUES ('a1', 'big', 20000), ('a2', 'small', 10)",
      "INSERT INTO tweets (id, account_id, text) VALUES ('t1', 'a1', 'hi'), ('t2', 'a2', 'yo')",
      `INSERT INTO engagement_opportunities (id, tweet_id, account_id, opportunity_type, relevance_score, status) VALUES
        ('o1', 't2', 'a2', 'reply', 0.9, 'pending'), ('o2', 't1', 'a1', 'reply', 0.7, 'pending'), ('o3', 't1', 'a1', 'reply', 0.99, 'done')`,
    ])
    const rows = await q.twitter.getPendingOpportunitiesOptimized(10)
    assert.deepEqual(rows.map((r) => r.id), ['o2', 'o1']) // 0.7 * 1.5 > 0.9
    assert.equal(rows[0].accountUsername, 'big')
  })
})

describe('bad input', () => {
  test('type and range errors name the field and write nothing', async () => {
    const n = await count('SELECT count(*) AS n FROM user_answers')
    const base = { userId: 1, questionId: 1, selectedAnswer: 'a', isCorrect: true, timeSpentSeconds: 1 }
    const cases = [
      [() => q.study.getOptimizedStudyQuestions({ userId: 0, examId: 1 }), RangeError, /userId/],
      [() => q.study.getOptimizedStudyQuestions({ userId: '1', examId: 1 }), TypeError, /userId/],
      [() => q.study.getOptimizedStudyQuestions({ userId: 1, examId: 1, limit: 1001 }), RangeError, /limit/],
      [() => q.study.getOptimizedStudyQuestions({ userId: 1, examId: 1, difficulty: { min: 4, max: 2 } }), RangeError, /difficulty/],
      [() => q.study.getOptimizedStudyQuestions({ userId: 1, examId: 1, mode: 'turbo' }), RangeError, /mode/],
      [() => q.study.getOptimizedStudyQuestions({ userId: NaN, examId: 1 }), RangeError, /userId/],
      [() => q.study.getOptimizedStudyQuestions({ userId: 1n, examId: 1 }), TypeError, /userId/],
      [() => q.study.recordAnswerOptimized({ ...base, selectedAnswer: '' }), RangeError, /selectedAnswer/],
      [() => q.study.recordAnswerOptimized({ ...base, selectedAnswer: 'x'.repeat(10241) }), RangeError, /selectedAnswer/],
      [() => q.study.recordAnswerOptimized({ ...base, timeSpentSeconds: -1 }), RangeError, /timeSpentSeconds/],
      [() => q.study.recordAnswerOptimized({ ...base, confidenceLevel: 6 }), RangeError, /confidenceLevel/],
      [() => q.study.recordAnswerOptimized({ ...base, isCorrect: 'yes' }), TypeError, /isCorrect/],
      [() => q.study.recordAnswerOptimized({ ...base, extra: 1 }), RangeError, /extra/],
      [() => q.study.recordAnswerOptimized({ ...base, selectedAnswer: "'); DROP TABLE users; --" }), null, null],
      [() => q.progress.getExamLeaderboardOptimized(1, 0), RangeError, /limit/],
      [() => q.twitter.getGrowthAnalyticsOptimized(-3), RangeError, /days/],
      [() => q.study.updateSessionProgressOptimized('x'), TypeError, /sessionId/],
    ]
    for (const [fn, cls, re] of cases) {
      if (cls === null) continue
      await assert.rejects(fn(), (e) => e instanceof cls && re.test(e.message), fn.toString())
    }
    assert.equal(await count('SELECT count(*) AS n FROM user_answers'), n)
    // An injection string is just data.
    const a = await q.study.recordAnswerOptimized({ ...base, selectedAnswer: "'); DROP TABLE users; --" })
    assert.equal(a.selectedAnswer, "'); DROP TABLE users; --")
    assert.equal(await count('SELECT count(*) AS n FROM users'), 3)
  })

  test('search says to run db:optimize before the full-text index exists', async () => {
    await assert.rejects(q.study.searchQuestions('vlan'), (e) => e.code === 'ERR_FTS_MISSING' && /db:optimize/.test(e.message))
  })
})
