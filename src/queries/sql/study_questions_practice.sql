-- study_questions_practice: study questions for the `practice` and `custom` modes, in random order.
--
-- Eligible questions: exam ?2, is_active = 1, review_status = 'approved', difficulty between ?3 and
-- ?4, objective in the JSON array ?5 (NULL = every objective), and not answered by user ?1 within the
-- last ?6 hours (answered_at may be unix seconds or 'YYYY-MM-DD HH:MM:SS' text; both are compared as
-- unix seconds).  Returns min(?7, number of eligible questions) of them, in random order, without
-- sorting the exam (the original's ORDER BY RANDOM() sorted every eligible question):
--   * every question has a fixed pseudo-random sample key  (id * 2654435761) % 4294967296
--     (a bijection of 32-bit ids, spread evenly over [0, 2^32)), indexed per exam;
--   * the seed ?8 gives ?7 / 4 + 2 random points in [0, 2^32); from each point the next 4 eligible
--     questions in key order are taken (one index seek and a short walk per point; a run that
--     reaches the largest key wraps around to the smallest); runs of 4 rather than single picks
--     keep every question's chance of being drawn close to uniform (a single pick favours the
--     questions behind large gaps in the key space);
--   * duplicates are removed; only if fewer than ?7 distinct questions came out (small pools), the
--     walk from the first point (wrapping around) fills up the rest;
--   * the chosen rows are shuffled by a hash of (id, seed) (a sort of <= ?7 rows).
--   The same seed gives the same result; the caller passes a fresh random seed per request.
--
-- Parameters:
--   ?1 user_id              INTEGER
--   ?2 exam_id              INTEGER
--   ?3 difficulty_min       INTEGER (1..5)
--   ?4 difficulty_max       INTEGER (1..5)
--   ?5 objective_ids        TEXT JSON array of objective ids, e.g. '[12,13]'; NULL = all objectives
--   ?6 exclude_recent_hours REAL   (NULL = exclude nothing)
--   ?7 limit                INTEGER
--   ?8 seed                 INTEGER 0..2^32-1 (random per request; NULL acts as 0)
--
-- Returns (one row per question, in presentation order) -- the columns of the app's Question type:
--   id, exam_id, objective_id, text, type, answers (JSON text), explanation, reference,
--   external_link, difficulty, tags (JSON text), ai_generated (0/1 boolean), ai_model,
--   ai_prompt_version, ai_confidence_score, review_status, reviewed_by,
--   reviewed_at (timestamp, unix seconds or NULL), total_attempts, correct_attempts,
--   avg_time_seconds, discrimination_index, image_url, diagram_data (JSON text or NULL),
--   is_active (0/1 boolean), is_beta (0/1 boolean), created_at (timestamp, unix seconds),
--   updated_at (timestamp, unix seconds), objective_name, objective_code.
--   Timestamps are normalised to unix seconds whatever their stored form.
--
-- Index: idx_questions_study_practice_sample (002_study_indexes) serves the sampling walks; the
-- recent-answer exclusion is an index-only probe of idx_user_answers_user_question (app schema) on
-- (user, question).  The unary + on difficulty / objective_id keeps the planner from preferring
-- idx_questions_difficulty plus a sort of the whole exam; the one on the answer time keeps it from
-- walking all of the user's recent answers in idx_user_answers_progress_timeline for each question.
WITH RECURSIVE
  cfg(cutoff) AS MATERIALIZED (SELECT unixepoch('now') - ?6 * 3600),
  seq(k, a) AS (
    SELECT 1, ((abs(coalesce(?8, 0)) % 4294967296) + 2654435761) % 4294967296
    UNION ALL
    SELECT k + 1, (a + 2654435761) % 4294967296 FROM seq WHERE k < ?7 / 4 + 2
  ),
  mix1(k, b) AS (SELECT k, ((a + (a >> 16)) * 73244475) % 4294967296 FROM seq),
  mix2(k, c) AS (SELECT k, ((b + (b >> 16)) * 73244475) % 4294967296 FROM mix1),
  pts(k, p) AS MATERIALIZED (SELECT k, (c + (c >> 16)) % 4294967296 FROM mix2),
  -- a run of up to 4 consecutive eligible questions (in sample-key order) from each point
  runs(k, ids) AS MATERIALIZED (
    SELECT pts.k,
           (SELECT json_group_array(x.id) FROM (
              SELECT q.id FROM questions q
               WHERE q.exam_id = ?2 AND q.is_active = 1 AND q.review_status = 'approved'
                AND ((q.id * 2654435761) % 4294967296) >= pts.p
                AND +q.difficulty BETWEEN ?3 AND ?4
                AND (?5 IS NULL OR +q.objective_id IN (SELECT value FROM json_each(?5)))
                AND NOT EXISTS (
                      SELECT 1 FROM user_answers ua
                       WHERE ua.user_id = ?1 AND ua.question_id = q.id
                         AND +(CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END)
                             >= (SELECT cutoff FROM cfg))
               ORDER BY ((q.id * 2654435761) % 4294967296) LIMIT 4) AS x)
      FROM pts
  ),
  -- the first 4 eligible keys: where runs that reach the end of the key space wrap around to
  head(ids) AS MATERIALIZED (
    SELECT json_group_array(x.id) FROM (
      SELECT q.id FROM questions q
       WHERE q.exam_id = ?2 AND q.is_active = 1 AND q.review_status = 'approved'
         AND +q.difficulty BETWEEN ?3 AND ?4
         AND (?5 IS NULL OR +q.objective_id IN (SELECT value FROM json_each(?5)))
         AND NOT EXISTS (
               SELECT 1 FROM user_answers ua
                WHERE ua.user_id = ?1 AND ua.question_id = q.id
                  AND +(CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END)
                      >= (SELECT cutoff FROM cfg))
       ORDER BY ((q.id * 2654435761) % 4294967296) LIMIT 4) AS x
  ),
  candidates(id, ord) AS (
    SELECT j.value, r.k * 8 + j.key FROM runs r, json_each(r.ids) j
    UNION ALL
    SELECT j.value, r.k * 8 + json_array_length(r.ids) + j.key
      FROM runs r, head h, json_each(h.ids) j
     WHERE json_array_length(r.ids) + j.key < 4
  ),
  uniq(id, ord) AS MATERIALIZED (SELECT id, min(ord) FROM candidates GROUP BY id),
  -- only when the runs overlapped too much (small pools): walk on from the first point
  fill(id, ord) AS (
    SELECT id, ord FROM (
      SELECT q.id, 8589934592 + ((q.id * 2654435761) % 4294967296) AS ord
        FROM questions q
       WHERE (SELECT count(*) FROM uniq) < ?7
         AND q.exam_id = ?2 AND q.is_active = 1 AND q.review_status = 'approved'
         AND ((q.id * 2654435761) % 4294967296) >= (SELECT p FROM pts WHERE k = 1)
         AND +q.difficulty BETWEEN ?3 AND ?4
         AND (?5 IS NULL OR +q.objective_id IN (SELECT value FROM json_each(?5)))
         AND NOT EXISTS (
               SELECT 1 FROM user_answers ua
                WHERE ua.user_id = ?1 AND ua.question_id = q.id
                  AND +(CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END)
                      >= (SELECT cutoff FROM cfg))
       ORDER BY ((q.id * 2654435761) % 4294967296) LIMIT ?7)
    UNION ALL
    SELECT id, ord FROM (
      SELECT q.id, 17179869184 + ((q.id * 2654435761) % 4294967296) AS ord
        FROM questions q
       WHERE (SELECT count(*) FROM uniq) < ?7
         AND q.exam_id = ?2 AND q.is_active = 1 AND q.review_status = 'approved'
         AND ((q.id * 2654435761) % 4294967296) < (SELECT p FROM pts WHERE k = 1)
         AND +q.difficulty BETWEEN ?3 AND ?4
         AND (?5 IS NULL OR +q.objective_id IN (SELECT value FROM json_each(?5)))
         AND NOT EXISTS (
               SELECT 1 FROM user_answers ua
                WHERE ua.user_id = ?1 AND ua.question_id = q.id
                  AND +(CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END)
                      >= (SELECT cutoff FROM cfg))
       ORDER BY ((q.id * 2654435761) % 4294967296) LIMIT ?7)
  ),
  chosen(id, ord) AS (
    SELECT id, min(ord) FROM (SELECT id, ord FROM uniq UNION ALL SELECT id, ord FROM fill)
     GROUP BY id ORDER BY 2 LIMIT ?7
  )
SELECT q.id, q.exam_id, q.objective_id, q.text, q.type, q.answers, q.explanation, q.reference,
       q.external_link, q.difficulty, q.tags, q.ai_generated, q.ai_model, q.ai_prompt_version,
       q.ai_confidence_score, q.review_status, q.reviewed_by,
       (CASE WHEN typeof(q.reviewed_at) = 'text' THEN unixepoch(q.reviewed_at) ELSE q.reviewed_at END) AS reviewed_at,
       q.total_attempts, q.correct_attempts, q.avg_time_seconds, q.discrimination_index,
       q.image_url, q.diagram_data, q.is_active, q.is_beta,
       (CASE WHEN typeof(q.created_at) = 'text' THEN unixepoch(q.created_at) ELSE q.created_at END) AS created_at,
       (CASE WHEN typeof(q.updated_at) = 'text' THEN unixepoch(q.updated_at) ELSE q.updated_at END) AS updated_at,
       o.name AS objective_name, o.code AS objective_code
  FROM chosen c
  JOIN questions q ON q.id = c.id
  JOIN objectives o ON o.id = q.objective_id
 ORDER BY ((c.id + (abs(coalesce(?8, 0)) % 4294967296)) * 2654435761) % 4294967296, c.id;
