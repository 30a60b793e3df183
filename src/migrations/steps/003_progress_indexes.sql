-- 003 Add Progress Tracking Indexes: indexes for session progress, user progress and the
-- leaderboard (src/queries/sql/session_progress*.sql, user_progress.sql, exam_leaderboard.sql), and
-- for the cache warmer that pre-computes them (lib/caching.js).
-- "answer time" is the expression of step 002:
--   (CASE WHEN typeof(answered_at) = 'text' THEN unixepoch(answered_at) ELSE answered_at END)
-- Replaces the original's idx_user_answers_session_calc, idx_user_progress_lookup (a duplicate of
-- the app's unique idx_user_progress_user_exam) and idx_user_progress_leaderboard.

-- session_progress.sql / session_progress_update.sql: a session's answers, index-only (objective
-- via questions rowid).  Partial: answers of test attempts (no session) are not indexed; the
-- query's study_session_id = ?1 implies the IS NOT NULL condition.
CREATE INDEX IF NOT EXISTS idx_user_answers_session_progress
  ON user_answers (study_session_id, question_id, is_correct, time_spent_seconds, flagged)
  WHERE study_session_id IS NOT NULL;

-- user_progress.sql (recent activity newest first, streak count from the last miss on),
-- exam_leaderboard.sql (weekly activity: answer time >= now - 7 days) and
-- study_recent_answers.sql (what the practice and custom modes leave out): the user's answers in
-- answer-time order.  The trailing raw answered_at makes the streak and weekly counts index-only
-- (SQLite evaluates the expression from the column, not from the indexed expression); the
-- question's exam comes from questions by rowid.
CREATE INDEX IF NOT EXISTS idx_user_answers_progress_timeline
  ON user_answers (user_id,
                   (CASE WHEN typeof(answered_at) = 'text' THEN unixepoch(answered_at) ELSE answered_at END),
                   question_id, is_correct, time_spent_seconds, answered_at);

-- user_progress.sql (last_miss): the user's latest wrong answers first, without walking the
-- correct ones.  (Being user-led and holding question_id and is_correct, the planner also reads the
-- user's per-objective accuracy of study_questions_weak_areas.sql from it.)
CREATE INDEX IF NOT EXISTS idx_user_answers_progress_last_miss
  ON user_answers (user_id, is_correct,
                   (CASE WHEN typeof(answered_at) = 'text' THEN unixepoch(answered_at) ELSE answered_at END),
                   question_id);

-- exam_leaderboard.sql: qualifying users (more than 50 questions seen) of an exam in leaderboard
-- order, covering every column the leaderboard shows.
CREATE INDEX IF NOT EXISTS idx_user_progress_leaderboard
  ON user_progress (exam_id, readiness_score DESC, user_id, overall_accuracy, total_study_minutes,
                    best_score, total_questions_seen)
  WHERE total_questions_seen > 50;

-- CacheWarmer.activeUsers (lib/caching.js ACTIVE_USERS_SQL, run by the scheduled warming of the
-- study and progress caches): the answers of the last 7 days to the questions of the warmed exams.
-- Without it the planner reads every answer to those questions through
-- idx_user_answers_performance plus a table lookup each; with it, a range on answer time per
-- question, index-only (the raw answered_at makes it covering: SQLite does not compute the
-- CASE from the indexed expression alone).
CREATE INDEX IF NOT EXISTS idx_user_answers_cache_warm_active
  ON user_answers (question_id,
                   (CASE WHEN typeof(answered_at) = 'text' THEN unixepoch(answered_at) ELSE answered_at END),
                   user_id, answered_at);

-- CacheWarmer.scheduledWarming (lib/caching.js ACTIVE_EXAMS_SQL): the 10 most attempted active
-- exams in index order, without the sort that idx_exams_active (is_active, is_beta) leaves.
CREATE INDEX IF NOT EXISTS idx_exams_cache_warm_popular
  ON exams (is_active, total_attempts);
