-- 003 down: drops the progress indexes.
DROP INDEX IF EXISTS idx_exams_cache_warm_popular;
DROP INDEX IF EXISTS idx_user_answers_cache_warm_active;
DROP INDEX IF EXISTS idx_user_progress_leaderboard;
DROP INDEX IF EXISTS idx_user_answers_progress_last_miss;
DROP INDEX IF EXISTS idx_user_answers_progress_timeline;
DROP INDEX IF EXISTS idx_user_answers_session_progress;
