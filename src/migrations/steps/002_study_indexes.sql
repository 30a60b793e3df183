-- 002 Apply Critical Study Indexes: indexes for the study-question queries
-- (src/queries/sql/study_questions_*.sql).
--
-- Shared expressions (queries must spell them exactly like this for SQLite to match them):
--   sample key    ((id * 2654435761) % 4294967296)   fixed pseudo-random order of questions
--   answer time   (CASE WHEN typeof(answered_at) = 'text' THEN unixepoch(answered_at) ELSE answered_at END)
--                 answered_at as unix seconds whether stored as integer or 'YYYY-MM-DD HH:MM:SS'
--                 text (date functions without 'now' are allowed in index expressions).
-- Partial indexes use only deterministic WHERE clauses (no datetime('now')), and queries repeat the
-- literal terms is_active = 1 AND review_status = 'approved' so that the planner can use them.
-- Replaces the original's idx_questions_study_optimized / idx_questions_study_covering (INCLUDE is
-- not SQLite syntax) / idx_user_answers_recent_optimized (datetime('now') in a partial index is
-- rejected).

-- study_questions_practice.sql (practice / custom): one seek per random point on
-- (exam, sample key), difficulty and objective checked in the index.
CREATE INDEX IF NOT EXISTS idx_questions_study_practice_sample
  ON questions (exam_id, ((id * 2654435761) % 4294967296), difficulty, objective_id)
  WHERE is_active = 1 AND review_status = 'approved';

-- study_questions_speed_drill.sql: walk in (difficulty, sample key) order within the exam.
CREATE INDEX IF NOT EXISTS idx_questions_study_speed_drill
  ON questions (exam_id, difficulty, ((id * 2654435761) % 4294967296), objective_id)
  WHERE is_active = 1 AND review_status = 'approved';

-- study_questions_weak_areas.sql: per objective, questions in (attempted first, success rate
-- ascending, sample key) order; difficulty checked in the index.  The stored success rate is
-- correct_attempts / total_attempts in REAL arithmetic (NULL when never attempted).
CREATE INDEX IF NOT EXISTS idx_questions_study_weak_areas
  ON questions (exam_id, objective_id, (coalesce(total_attempts, 0) = 0),
                (CAST(correct_attempts AS REAL) / total_attempts),
                ((id * 2654435761) % 4294967296), difficulty)
  WHERE is_active = 1 AND review_status = 'approved';

-- Not created: a (user, question, answer time) index for the recent-answer exclusion of the study
-- modes and for record_answer_insert.sql.  The app's idx_user_answers_user_question
-- (user_id, question_id, answered_at) already finds a user's few answers to one question and holds
-- answered_at, so both queries read it index-only (the exclusion writes its time test as
-- +(answer time) so that the planner keeps to it); one index fewer on user_answers makes every
-- recorded answer cheaper.

-- study_questions_review.sql: the user's wrong answers grouped by question with the latest answer
-- time, index-only and already in GROUP BY order.  The raw answered_at rather than the answer-time
-- expression: the query only takes the max of the expression, which SQLite computes from the
-- column but not from an indexed expression (that would cost a table lookup per answer).
CREATE INDEX IF NOT EXISTS idx_user_answers_study_review
  ON user_answers (user_id, is_correct, question_id, answered_at);
