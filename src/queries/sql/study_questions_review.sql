-- study_questions_review: study questions for the `review` mode: questions user ?1 answered wrong
-- before, most recently missed first.  No recent-answer exclusion in this mode.
--
-- Filters: exam ?2, is_active = 1, review_status = 'approved', difficulty ?3..?4, objectives ?5.
-- "Most recently missed" = the latest answered_at (as unix seconds, text or integer alike) among the
-- user's wrong answers (is_correct = 0) to the question.  Ties are broken pseudo-randomly by the
-- seed ?8.  Only the user's own missed questions are ever sorted.
--
-- Parameters (same numbering as the other study modes):
--   ?1 user_id         INTEGER
--   ?2 exam_id         INTEGER
--   ?3 difficulty_min  INTEGER (1..5)
--   ?4 difficulty_max  INTEGER (1..5)
--   ?5 objective_ids   TEXT JSON array of objective ids; NULL = all objectives
--   ?6 (unused: review mode has no recent exclusion; the slot exists so that all study statements
--      take the same 8 parameters -- bind anything, e.g. NULL)
--   ?7 limit           INTEGER
--   ?8 seed            INTEGER 0..2^32-1 (tie-break only; NULL acts as 0)
--
-- Returns: id, most recently missed first; study_questions_rows.sql fetches the questions.
--
-- Index: idx_user_answers_study_review (002_study_indexes): the user's wrong answers grouped by
-- question, index-only, in index order (no GROUP BY sort).
WITH missed(question_id, last_missed_at) AS (
  SELECT ua.question_id,
         max(CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END)
    FROM user_answers ua
   WHERE ua.user_id = ?1 AND ua.is_correct = 0
   GROUP BY ua.question_id
)
SELECT q.id
  FROM missed m
 CROSS JOIN questions q ON q.id = m.question_id
 WHERE q.exam_id = ?2 AND q.is_active = 1 AND q.review_status = 'approved'
   AND q.difficulty BETWEEN ?3 AND ?4
   AND (?5 IS NULL OR q.objective_id IN (SELECT value FROM json_each(?5)))
 ORDER BY m.last_missed_at DESC,
          ((q.id + (abs(coalesce(?8, 0)) % 4294967296)) * 2654435761) % 4294967296,
          q.id
 LIMIT ?7;
