-- study_questions_weak_areas: study questions for the `weak_areas` mode.
--
-- Eligible questions as in study_questions_practice.sql (exam ?2, active, approved, difficulty
-- ?3..?4, objectives ?5, not answered by user ?1 in the last ?6 hours).  Order:
--   1. by objective: the user's own accuracy on the objective's questions (all of the user's answers
--      to questions of this exam), lowest first; objectives the user never answered rank as 0.5;
--      ties between objectives are broken pseudo-randomly by the seed ?8;
--   2. within an objective: the question's global success rate correct_attempts / total_attempts
--      (real division), lowest first; questions with no attempts come last;
--   3. ties: by the fixed pseudo-random sample key (id * 2654435761) % 4294967296.
-- How: the objectives of the exam (a handful) are ranked in a small sort; a recursive walk then
-- takes the objectives in rank order and, per objective, reads up to ?7 eligible questions from
-- idx_questions_study_weak_areas in its stored (unattempted, success rate, key) order, stopping as
-- soon as ?7 questions were collected.  Nothing exam-sized is sorted.
--
-- Parameters:
--   ?1 user_id              INTEGER
--   ?2 exam_id              INTEGER
--   ?3 difficulty_min       INTEGER (1..5)
--   ?4 difficulty_max       INTEGER (1..5)
--   ?5 objective_ids        TEXT JSON array of objective ids; NULL = all objectives of the exam
--   ?6 exclude_recent_hours REAL   (NULL = exclude nothing)
--   ?7 limit                INTEGER
--   ?8 seed                 INTEGER 0..2^32-1 (breaks ties between equally ranked objectives)
--
-- Returns: id, in the order above; study_questions_rows.sql fetches the questions.
--
-- Index: idx_questions_study_weak_areas (002_study_indexes) for the per-objective walks; the user's
-- per-objective accuracy is read index-only from a user-led index that holds question_id and
-- is_correct (idx_user_answers_progress_last_miss of 003); the recent-answer exclusion is an
-- index-only probe of idx_user_answers_user_question (app schema).
WITH RECURSIVE
  cfg(cutoff) AS MATERIALIZED (SELECT unixepoch('now') - ?6 * 3600),
  user_accuracy(objective_id, accuracy) AS (
    SELECT q.objective_id, avg(ua.is_correct <> 0)
      FROM user_answers ua
     CROSS JOIN questions q ON q.id = ua.question_id   -- drive from the user's answers, not the exam
     WHERE ua.user_id = ?1 AND q.exam_id = ?2
     GROUP BY q.objective_id
  ),
  ranked(rn, objective_id) AS MATERIALIZED (
    SELECT row_number() OVER (ORDER BY coalesce(a.accuracy, 0.5),
                                       ((o.id + (abs(coalesce(?8, 0)) % 4294967296)) * 2654435761) % 4294967296,
                                       o.id),
           o.id
      FROM objectives o
      LEFT JOIN user_accuracy a ON a.objective_id = o.id
     WHERE o.exam_id = ?2
       AND (?5 IS NULL OR o.id IN (SELECT value FROM json_each(?5)))
  ),
  walk(rn, taken_before, ids) AS (
    SELECT 0, 0, '[]'
    UNION ALL
    SELECT w.rn + 1,
           w.taken_before + json_array_length(w.ids),
           (SELECT json_group_array(x.id) FROM (
              SELECT q.id FROM questions q
               WHERE q.exam_id = ?2
                 AND q.objective_id = (SELECT r.objective_id FROM ranked r WHERE r.rn = w.rn + 1)
                 AND q.is_active = 1 AND q.review_status = 'approved'
                 AND +q.difficulty BETWEEN ?3 AND ?4
                 AND NOT EXISTS (
                       SELECT 1 FROM user_answers ua
                        WHERE ua.user_id = ?1 AND ua.question_id = q.id
                          AND +(CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END)
                              >= (SELECT cutoff FROM cfg))
               ORDER BY (coalesce(q.total_attempts, 0) = 0),
                        (CAST(q.correct_attempts AS REAL) / q.total_attempts),
                        ((q.id * 2654435761) % 4294967296)
               LIMIT ?7) AS x)
      FROM walk w
     WHERE w.taken_before + json_array_length(w.ids) < ?7
       AND w.rn < (SELECT count(*) FROM ranked)
  )
SELECT j.value AS id
  FROM walk w
  JOIN json_each(w.ids) j
 WHERE w.rn > 0
 ORDER BY w.rn, j.key
 LIMIT ?7;
