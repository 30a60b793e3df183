-- record_answer_insert: records one answer (step 1 of recordAnswer; the caller runs it and
-- record_answer_update_question_stats.sql in one transaction, or this once per answer plus
-- record_answers_apply_question_stats.sql once per distinct question for a batch).
--
-- answered_at is written as unix seconds (never as CURRENT_TIMESTAMP text).  attempt_number and
-- days_since_last_seen are derived from the user's earlier answers to the same question:
-- attempt_number = 1 + number of earlier answers; days_since_last_seen = whole days since the
-- latest earlier answer (NULL on the first attempt).
--
-- Parameters:
--   ?1  user_id            INTEGER
--   ?2  question_id        INTEGER
--   ?3  study_session_id   INTEGER or NULL
--   ?4  test_attempt_id    INTEGER or NULL
--   ?5  selected_answer    TEXT ('a' or '["a","c"]' for multi-select)
--   ?6  is_correct         INTEGER 0/1
--   ?7  time_spent_seconds INTEGER or NULL
--   ?8  confidence_level   INTEGER 1..5 or NULL
--   ?9  flagged            INTEGER 0/1 or NULL (= 0)
--   ?10 changed_answer     INTEGER 0/1 or NULL (= 0)
--
-- Returns (RETURNING, one row = the inserted UserAnswer): id, user_id, question_id,
--   study_session_id, test_attempt_id, selected_answer, is_correct (0/1 boolean),
--   time_spent_seconds, confidence_level, flagged (0/1 boolean), changed_answer (0/1 boolean),
--   attempt_number, days_since_last_seen, answered_at (timestamp, unix seconds).
--
-- Index: idx_user_answers_user_question (app schema): count and latest answered_at of the user's
-- earlier answers to the question, index-only.
INSERT INTO user_answers (user_id, question_id, study_session_id, test_attempt_id, selected_answer,
                          is_correct, time_spent_seconds, confidence_level, flagged, changed_answer,
                          attempt_number, days_since_last_seen, answered_at)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, coalesce(?9, 0), coalesce(?10, 0),
       prev.n + 1,
       (clock.now - prev.last_at) / 86400,
       clock.now
  FROM (SELECT unixepoch('now') AS now) AS clock,
       (SELECT count(*) AS n,
               max(CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END) AS last_at
          FROM user_answers ua
         WHERE ua.user_id = ?1 AND ua.question_id = ?2) AS prev
RETURNING id, user_id, question_id, study_session_id, test_attempt_id, selected_answer, is_correct,
          time_spent_seconds, confidence_level, flagged, changed_answer, attempt_number,
          days_since_last_seen, answered_at;
