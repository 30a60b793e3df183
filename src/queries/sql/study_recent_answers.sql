-- study_recent_answers: the questions user ?1 answered at or after unix time ?2: what the
-- `practice` and `custom` modes leave out (src/queries/practice.rs).
--
-- answered_at holds unix seconds from the ORM or 'YYYY-MM-DD HH:MM:SS' text where the SQL
-- default CURRENT_TIMESTAMP filled it; both are compared as unix seconds.
--
-- Parameters:
--   ?1 user_id INTEGER
--   ?2 cutoff  INTEGER unix seconds
--
-- Returns: question_id (repeated when answered more than once).
--
-- Index: idx_user_answers_progress_timeline (003_progress_indexes) indexes exactly this
-- expression after user_id: a covering range scan of the user's newest answers.  Before
-- db:optimize, idx_user_answers_recent (app schema) narrows it to the user's answers.
SELECT ua.question_id
  FROM user_answers ua
 WHERE ua.user_id = ?1
   AND (CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END) >= ?2;
