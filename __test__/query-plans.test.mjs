// After db:optimize, every optimized query is served by an index: no full scan of
// questions, user_answers or engagement_opportunities; and full-text search works.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { createEdgeDatabase, seedDatabase, optimizeDatabase, explainQueries, createOptimizedQueries } = require('../index.js')

const dir = mkdtempSync(join(tmpdir(), 'ptp-plans-'))
let db
before(async () => {
  db = createEdgeDatabase(undefined, { url: `file:${join(dir, 'p.db')}` })
  await seedDatabase(db, { scale: 0.05 })
  await optimizeDatabase(db)
})
after(async () => {
  await db.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

// Table names and the aliases the query files give them.
const BIG = /^SCAN (questions|user_answers|engagement_opportunities|q|qq|ua|eo)\b/

test('no full scan of the big tables in any optimized query', async () => {
  const plans = await explainQueries(db)
  assert.ok(Object.keys(plans).length >= 12)
  for (const [name, lines] of Object.entries(plans)) {
    const scans = lines.filter((l) => BIG.test(l))
    assert.deepEqual(scans, [], `${name}: ${lines.join(' | ')}`)
  }
})

// Each index of steps 002-004 and the queries it is named for (the comment above it in the step
// says which); every one of those queries must use it.
const SERVES = {
  idx_questions_study_practice_sample: ['study_questions_practice_points', 'study_questions_practice', 'study_questions_custom'],
  idx_questions_study_speed_drill: ['study_questions_speed_drill', 'study_questions_speed_drill_objectives'],
  idx_questions_study_weak_areas: ['study_questions_weak_areas', 'study_questions_weak_areas_objectives'],
  idx_user_answers_study_review: ['study_questions_review', 'study_questions_review_objectives'],
  idx_user_answers_session_progress: ['session_progress_update'],
  idx_user_answers_progress_timeline: ['user_progress', 'exam_leaderboard', 'study_recent_answers'],
  idx_user_answers_progress_last_miss: ['user_progress', 'study_questions_weak_areas'],
  idx_user_progress_leaderboard: ['exam_leaderboard'],
  idx_user_answers_cache_warm_active: ['cache_warm_active_users'],
  idx_exams_cache_warm_popular: ['cache_warm_active_exams'],
  idx_opportunities_pending_queue: ['pending_opportunities_walk'],
}

/**
 * The indexes the migration created: all of sqlite_master's but those step 001 recorded before,
 * and but the primary-key indexes of its own bookkeeping tables (no SQL).
 */
async function createdIndexes() {
  const rs = await db.execute(
    `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
        AND name NOT IN (SELECT name FROM perf_migration_index_backup) ORDER BY name`,
    [],
    { cache: false },
  )
  return rs.rows.map((r) => r.name)
}

test('every index the migration creates is used by each query it is named for', async () => {
  const plans = await explainQueries(db)
  const created = await createdIndexes()
  assert.deepEqual(created, Object.keys(SERVES).sort(), 'each created index is listed with its queries')
  for (const [index, queries] of Object.entries(SERVES)) {
    for (const name of queries) {
      const lines = plans[name]
      assert.ok(lines, `explainQueries has no ${name}`)
      assert.ok(lines.some((l) => new RegExp(`\\b${index}\\b`).test(l)), `${name} should use ${index}: ${lines.join(' | ')}`)
    }
  }
})

test("the recent-answer probe and the answer insert read the app's (user, question) index only", async () => {
  const plans = await explainQueries(db)
  // practice and custom read the user's recent answers apart (study_recent_answers).
  const probes = ['speed_drill', 'speed_drill_objectives', 'weak_areas', 'weak_areas_objectives']
  for (const name of [...probes.map((p) => `study_questions_${p}`), 'record_answer_insert']) {
    const ua = plans[name].filter((l) => / ua USING /.test(l) && !l.includes('idx_user_answers_progress_last_miss'))
    assert.ok(ua.length > 0, name)
    for (const l of ua) assert.match(l, /COVERING INDEX idx_user_answers_user_question \(user_id=\? AND question_id=\?\)/, `${name}: ${l}`)
  }
})

/** The top-level comma-separated items of the parenthesised list that starts at `open`. */
function listAt(sql, open) {
  const items = []
  let depth = 0
  let quote = null
  let start = open + 1
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i]
    if (quote) {
      if (ch === quote) quote = null
    } else if (ch === "'" || ch === '"') quote = ch
    else if (ch === '(') depth++
    else if (ch === ')' && --depth === 0) {
      items.push(sql.slice(start, i))
      return { items, end: i + 1 }
    } else if (ch === ',' && depth === 1) {
      items.push(sql.slice(start, i))
      start = i + 1
    }
  }
  throw new Error(`unbalanced index definition: ${sql}`)
}

const norm = (s) => s.replace(/\s+/g, ' ').trim().toLowerCase()

/** {name, table, columns (normalized, direction dropped), where} of every index. */
async function allIndexes() {
  const rs = await db.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'", [], { cache: false })
  const out = []
  for (const { name, tbl_name: table, sql } of rs.rows) {
    if (sql === null) {
      // PRIMARY KEY / UNIQUE constraint indexes have no SQL: their columns come from the pragma.
      const cols = await db.execute('SELECT name FROM pragma_index_info(?) ORDER BY seqno', [name], { cache: false })
      out.push({ name, table, columns: cols.rows.map((c) => norm(c.name)), where: '' })
      continue
    }
    const on = sql.search(/\bON\b/i)
    const { items, end } = listAt(sql, sql.indexOf('(', on))
    const columns = items.map((c) => norm(c).replace(/ (asc|desc)$/, ''))
    out.push({ name, table, columns, where: norm(sql.slice(end)).replace(/^where /, '') })
  }
  return out
}

test('no created index is a prefix duplicate of another index, the app\'s included', async () => {
  const created = new Set(await createdIndexes())
  const indexes = await allIndexes()
  assert.ok(indexes.length > 60, 'the app\'s indexes are compared too')
  const isPrefix = (a, b) => a.columns.length <= b.columns.length && a.columns.every((c, i) => c === b.columns[i])
  const byName = (n) => indexes.find((i) => i.name === n)
  // The app's own duplicates are seen as such (so the check below can fail): they stay, being the app's.
  assert.ok(isPrefix(byName('idx_tweets_account'), byName('idx_tweets_account_created')))
  // A constraint index's columns come from the pragma: empty columns would make it a prefix of everything.
  assert.deepEqual(byName('sqlite_autoindex_tweets_1').columns, ['id'])
  assert.ok(!isPrefix(byName('sqlite_autoindex_tweets_1'), byName('idx_tweets_account')))
  assert.ok(!isPrefix(byName('idx_tweets_created'), byName('idx_tweets_account_created')))
  assert.deepEqual(byName('idx_user_progress_leaderboard').where, 'total_questions_seen > 50')
  for (const a of indexes) {
    for (const b of indexes) {
      if (a === b || a.table !== b.table || a.where !== b.where || !(created.has(a.name) || created.has(b.name))) continue
      assert.ok(!isPrefix(a, b), `${a.name} (${a.columns}) is a prefix of ${b.name} (${b.columns})`)
    }
  }
})

test('full-text search ranks matches and survives hostile input', async () => {
  const q = createOptimizedQueries(db)
  const hits = await q.study.searchQuestions('VLAN', { limit: 5 })
  assert.ok(hits.length > 0)
  assert.match(hits[0].snippet, /<mark>/i)
  const scores = hits.map((h) => h.score)
  assert.deepEqual(scores, [...scores].sort((a, b) => a - b))
  for (const evil of ['"', 'a OR b NEAR(', "x'); DROP TABLE questions; --", '*', 'NOT']) {
    await q.study.searchQuestions(evil).catch((e) => assert.ok(e instanceof RangeError, String(e)))
  }
  const inExam = await q.study.searchQuestions('vlan', { examId: 1, limit: 50 })
  assert.ok(inExam.every((h) => h.examId === 1))
})

// The ranking walk stops early (src/queries/pending.rs): it must give exactly the order of a
// full sort, on data built to catch a wrong bound: tied potentials and creation times, every
// multiplier, NULL relevance and creation times, text timestamps, negative relevance, and rows
// that are not pending.
test('pending opportunities: the early-stopping walk ranks as a full sort does', async () => {
  const FULL = `SELECT eo.id FROM engagement_opportunities eo
      JOIN twitter_accounts a ON a.id = eo.account_id JOIN tweets t ON t.id = eo.tweet_id
     WHERE eo.status = 'pending'
     ORDER BY CASE WHEN a.followers_count > 10000 THEN eo.relevance_score * 1.5
                   WHEN a.followers_count > 1000 THEN eo.relevance_score * 1.2
                   ELSE eo.relevance_score END DESC,
              (CASE WHEN typeof(eo.created_at) = 'text' THEN unixepoch(eo.created_at) ELSE eo.created_at END) DESC,
              eo.rowid
     LIMIT ?`
  const stmts = [
    `INSERT INTO twitter_accounts (id, username, followers_count) VALUES
       ('walk-big', 'walk_big', 50000), ('walk-mid', 'walk_mid', 5000), ('walk-small', 'walk_small', 10)`,
    `INSERT INTO tweets (id, account_id, text) VALUES ('walk-t1', 'walk-big', 'a'), ('walk-t2', 'walk-mid', 'b'), ('walk-t3', 'walk-small', 'c')`,
  ]
  const accounts = ['walk-big', 'walk-mid', 'walk-small']
  // Relevance from a short list, so potentials tie across accounts (0.8 * 1.5 = 1.2 = 1.0 * 1.2).
  const relevance = [null, -0.4, 0, 0.4, 0.5, 0.6, 0.8, 1, 1.2]
  let seed = 7
  const rnd = (n) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n
  const rows = []
  for (let i = 0; i < 400; i++) {
    const a = rnd(3)
    const tweet = `'walk-t${a + 1}'`
    const status = rnd(5) === 0 ? "'done'" : "'pending'"
    const r = relevance[rnd(relevance.length)]
    const t = 1_700_000_000 + rnd(4) * 3600
    const created = rnd(10) === 0 ? 'NULL' : rnd(2) ? String(t) : `'${new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ')}'`
    rows.push(`('walk-${i}', ${tweet}, '${accounts[a]}', 'reply', ${r === null ? 'NULL' : r}, ${status}, ${created})`)
  }
  stmts.push(`INSERT INTO engagement_opportunities (id, tweet_id, account_id, opportunity_type, relevance_score, status, created_at) VALUES ${rows.join(', ')}`)
  await db.batch(stmts)
  const q = createOptimizedQueries(db)
  for (const limit of [1, 2, 5, 20, 60, 1000]) {
    const expected = (await db.execute(FULL, [limit], { cache: false })).rows.map((r) => r.id)
    const got = (await q.twitter.getPendingOpportunitiesOptimized(limit)).map((r) => r.id)
    assert.deepEqual(got, expected, `limit ${limit}`)
  }
  const plans = await explainQueries(db)
  assert.ok(!plans.pending_opportunities_walk.some((l) => /TEMP B-TREE/.test(l)), 'the walk reads the index in order, unsorted')
  // The rows come back in the order of the ids given (checked above): no sort of them.
  for (const name of ['pending_opportunities_rows', 'study_questions_rows']) {
    assert.ok(!plans[name].some((l) => /TEMP B-TREE/.test(l)), `${name} keeps its ids' order without sorting`)
  }
})
