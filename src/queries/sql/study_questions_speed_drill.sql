-- study_questions_speed_drill: study questions for the `speed_drill` mode: easiest first, random
-- order within a difficulty.
--
-- Eligible questions as in study_questions_practice.sql (exam ?2, active, approved, difficulty
-- ?3..?4, objectives ?5, not answered by user ?1 in the last ?6 hours).  Returns the ?7 easiest of
-- them: all questions of the lowest difficulty first, then the next difficulty, ...; within a
-- difficulty the order is a walk of the pseudo-random sample key (id * 2654435761) % 4294967296
-- starting at a random point derived from the seed ?8 and wrapping around, so a difficulty level
-- that has more eligible questions than are needed contributes a random subset.  Two index walks
-- (keys >= point, keys < point), each in (difficulty, key) order and stopping after ?7 rows; only
-- those <= 2 * ?7 rows are ever sorted.
--
-- Parameters:
--   ?1 user_id              INTEGER
--   ?2 exam_id              INTEGER
--   ?3 difficulty_min       INTEGER (1..5)
--   ?4 difficulty_max       INTEGER (1..5)
--   ?5 objective_ids        TEXT JSON array of objective ids; NULL = all objectives
--   ?6 exclude_recent_hours REAL   (NULL = exclude nothing)
--   ?7 limit                INTEGER
--   ?8 seed                 INTEGER 0..2^32-1 (random per request; NULL acts as 0)
--
-- Returns: id, ordered by difficulty ascending; study_questions_rows.sql fetches the questions.
--
-- Index: idx_questions_study_speed_drill (002_study_indexes); the recent-answer exclusion is an
-- index-only probe of idx_user_answers_user_question (app schema).
WITH
  cfg(cutoff) AS MATERIALIZED (SELECT unixepoch('now') - ?6 * 3600),
  seed(a) AS (SELECT ((abs(coalesce(?8, 0)) % 4294967296) + 2654435761) % 4294967296),
  mix1(b) AS (SELECT ((a + (a >> 16)) * 73244475) % 4294967296 FROM seed),
  mix2(c) AS (SELECT ((b + (b >> 16)) * 73244475) % 4294967296 FROM mix1),
  pt(p) AS MATERIALIZED (SELECT (c + (c >> 16)) % 4294967296 FROM mix2),
  walked(id, difficulty, part, sample_key) AS (
    SELECT * FROM (
      SELECT q.id, q.difficulty, 0, ((q.id * 2654435761) % 4294967296)
        FROM questions q
       WHERE q.exam_id = ?2 AND q.is_active = 1 AND q.review_status = 'approved'
         AND q.difficulty BETWEEN ?3 AND ?4
         AND ((q.id * 2654435761) % 4294967296) >= (SELECT p FROM pt)
         AND (?5 IS NULL OR +q.objective_id IN (SELECT value FROM json_each(?5)))
         AND NOT EXISTS (
               SELECT 1 FROM user_answers ua
                WHERE ua.user_id = ?1 AND ua.question_id = q.id
                  AND +(CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END)
                      >= (SELECT cutoff FROM cfg))
       ORDER BY q.difficulty, ((q.id * 2654435761) % 4294967296) LIMIT ?7)
    UNION ALL
    SELECT * FROM (
      SELECT q.id, q.difficulty, 1, ((q.id * 2654435761) % 4294967296)
        FROM questions q
       WHERE q.exam_id = ?2 AND q.is_active = 1 AND q.review_status = 'approved'
         AND q.difficulty BETWEEN ?3 AND ?4
         AND ((q.id * 2654435761) % 4294967296) < (SELECT p FROM pt)
         AND (?5 IS NULL OR +q.objective_id IN (SELECT value FROM json_each(?5)))
         AND NOT EXISTS (
               SELECT 1 FROM user_answers ua
                WHERE ua.user_id = ?1 AND ua.question_id = q.id
                  AND +(CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END)
                      >= (SELECT cutoff FROM cfg))
       ORDER BY q.difficulty, ((q.id * 2654435761) % 4294967296) LIMIT ?7)
  ),
  chosen(id, difficulty, part, sample_key) AS (
    SELECT * FROM walked ORDER BY difficulty, part, sample_key LIMIT ?7
  )
SELECT c.id
  FROM chosen c
 ORDER BY c.difficulty, c.part, c.sample_key;
