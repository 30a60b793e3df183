-- record_answers_apply_question_stats: applies the statistics of a batch of answers to ONE question
-- in a single UPDATE (recordAnswersBatch: insert every answer with record_answer_insert.sql, then
-- run this once per distinct question, all in one transaction).
--
-- total_attempts += ?2; correct_attempts += ?3;
-- avg_time_seconds (INTEGER) = round((old_avg * old_n + time_sum + old_avg * (count - timed_count))
--                                    / (old_n + count))
-- in REAL arithmetic: the exact mean over old and new answers, rounded to the nearest second (halves
-- up, as CAST(x + 0.5 AS INTEGER), the same in every SQLite version); answers
-- without a time (count - timed_count of them) count as the current mean.  NULL counters count as 0.
-- updated_at = now (unix seconds).  A batch with ?2 <= 0 changes nothing.
--
-- Parameters:
--   ?1 question_id   INTEGER
--   ?2 answer_count  INTEGER (> 0): answers to this question in the batch
--   ?3 correct_count INTEGER: how many of them are correct
--   ?4 time_sum      INTEGER: sum of time_spent_seconds over the answers that have a time
--   ?5 timed_count   INTEGER or NULL: how many answers have a time (NULL = all ?2 of them)
--
-- Returns (RETURNING; no row if the question does not exist or ?2 <= 0): id, total_attempts,
--   correct_attempts, avg_time_seconds.
--
-- Index: none needed (rowid lookup on questions.id).
UPDATE questions
   SET total_attempts   = coalesce(total_attempts, 0) + ?2,
       correct_attempts = coalesce(correct_attempts, 0) + coalesce(?3, 0),
       avg_time_seconds = CAST((coalesce(avg_time_seconds, 0) * 1.0
                                   * (coalesce(total_attempts, 0) + ?2 - coalesce(?5, ?2))
                                 + coalesce(?4, 0))
                                / (coalesce(total_attempts, 0) + ?2) + 0.5 AS INTEGER),
       updated_at       = unixepoch('now')
 WHERE id = ?1 AND ?2 > 0
RETURNING id, total_attempts, correct_attempts, avg_time_seconds;
