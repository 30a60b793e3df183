-- record_answer_update_question_stats: applies one answer to its question's statistics (step 2 of
-- recordAnswer, same transaction as record_answer_insert.sql).
--
-- total_attempts += 1; correct_attempts += (is_correct ? 1 : 0);
-- avg_time_seconds (INTEGER) = round((old_avg * old_n + t) / (old_n + 1)) computed in REAL
-- arithmetic (the original divided integers and truncated), i.e. the running mean rounded to the
-- nearest second, halves up (written CAST(x + 0.5 AS INTEGER): x >= 0, and unlike round() its tie
-- handling is the same in every SQLite version).  A NULL time counts as the current mean, so the average
-- is unchanged.  NULL counters count as 0.  updated_at = now (unix seconds).  Every SET expression
-- sees the row as it was before the UPDATE.  Does not touch the FTS index (the trigger of step 006
-- only fires on changes of text, explanation or reference).
--
-- Parameters:
--   ?1 question_id        INTEGER
--   ?2 is_correct         INTEGER 0/1
--   ?3 time_spent_seconds INTEGER or NULL
--
-- Returns (RETURNING; no row if the question does not exist): id, total_attempts,
--   correct_attempts, avg_time_seconds.
--
-- Index: none needed (rowid lookup on questions.id).
UPDATE questions
   SET total_attempts   = coalesce(total_attempts, 0) + 1,
       correct_attempts = coalesce(correct_attempts, 0) + (CASE WHEN coalesce(?2, 0) <> 0 THEN 1 ELSE 0 END),
       avg_time_seconds = CAST((coalesce(avg_time_seconds, 0) * 1.0 * coalesce(total_attempts, 0)
                                 + coalesce(?3, avg_time_seconds, 0))
                                / (coalesce(total_attempts, 0) + 1) + 0.5 AS INTEGER),
       updated_at       = unixepoch('now')
 WHERE id = ?1
RETURNING id, total_attempts, correct_attempts, avg_time_seconds;
