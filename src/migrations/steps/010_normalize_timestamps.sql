-- 010 Normalize Timestamps (data step): rewrites the text timestamps that DEFAULT CURRENT_TIMESTAMP
-- left in the app's INTEGER timestamp columns ('YYYY-MM-DD HH:MM:SS', UTC; any other text that
-- SQLite's date functions parse is converted too) into unix seconds, the form the ORM writes.
-- Every original text value is first saved in perf_migration_timestamp_backup so that the down step
-- can restore it.  Values that are not parseable date text are left alone.  Queries handle both
-- forms either way; after this step the text branch of their CASE expressions simply never fires.
--
-- Columns (32, every integer timestamp column of src/schema/app_schema.sql):
--   users: subscription_expires_at, last_login, created_at, updated_at
--   exams: expires_at, created_at, updated_at
--   objectives: created_at
--   questions: reviewed_at, created_at, updated_at
--   study_sessions: created_at, last_activity, completed_at
--   test_attempts: started_at, completed_at, expires_at
--   user_answers: answered_at
--   user_progress: created_at, updated_at
--   twitter_accounts: last_analyzed_at, created_at, updated_at
--   tweets: created_at, analyzed_at
--   engagement_opportunities: executed_at, created_at
--   growth_metrics: created_at
--   voice_profiles: created_at, updated_at
--   ai_generation_log: created_at
--   audit_log: created_at
--
-- Creates: table perf_migration_timestamp_backup
--   tbl TEXT, col TEXT, pk (the row's id, INTEGER or TEXT), original TEXT; PRIMARY KEY (tbl, col, pk)
-- Rows are keyed by the table's primary key (not rowid: VACUUM may renumber the rowids of the tables
-- with TEXT primary keys).  Re-running is harmless: only remaining text values are touched.
CREATE TABLE IF NOT EXISTS perf_migration_timestamp_backup (
  tbl      TEXT NOT NULL,
  col      TEXT NOT NULL,
  pk       NOT NULL,
  original TEXT NOT NULL,
  PRIMARY KEY (tbl, col, pk)
) WITHOUT ROWID;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'users', 'subscription_expires_at', id, subscription_expires_at FROM users WHERE typeof(subscription_expires_at) = 'text' AND unixepoch(subscription_expires_at) IS NOT NULL;
UPDATE users SET subscription_expires_at = unixepoch(subscription_expires_at) WHERE typeof(subscription_expires_at) = 'text' AND unixepoch(subscription_expires_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'users', 'last_login', id, last_login FROM users WHERE typeof(last_login) = 'text' AND unixepoch(last_login) IS NOT NULL;
UPDATE users SET last_login = unixepoch(last_login) WHERE typeof(last_login) = 'text' AND unixepoch(last_login) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'users', 'created_at', id, created_at FROM users WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE users SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'users', 'updated_at', id, updated_at FROM users WHERE typeof(updated_at) = 'text' AND unixepoch(updated_at) IS NOT NULL;
UPDATE users SET updated_at = unixepoch(updated_at) WHERE typeof(updated_at) = 'text' AND unixepoch(updated_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'exams', 'expires_at', id, expires_at FROM exams WHERE typeof(expires_at) = 'text' AND unixepoch(expires_at) IS NOT NULL;
UPDATE exams SET expires_at = unixepoch(expires_at) WHERE typeof(expires_at) = 'text' AND unixepoch(expires_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'exams', 'created_at', id, created_at FROM exams WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE exams SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'exams', 'updated_at', id, updated_at FROM exams WHERE typeof(updated_at) = 'text' AND unixepoch(updated_at) IS NOT NULL;
UPDATE exams SET updated_at = unixepoch(updated_at) WHERE typeof(updated_at) = 'text' AND unixepoch(updated_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'objectives', 'created_at', id, created_at FROM objectives WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE objectives SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'questions', 'reviewed_at', id, reviewed_at FROM questions WHERE typeof(reviewed_at) = 'text' AND unixepoch(reviewed_at) IS NOT NULL;
UPDATE questions SET reviewed_at = unixepoch(reviewed_at) WHERE typeof(reviewed_at) = 'text' AND unixepoch(reviewed_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'questions', 'created_at', id, created_at FROM questions WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE questions SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'questions', 'updated_at', id, updated_at FROM questions WHERE typeof(updated_at) = 'text' AND unixepoch(updated_at) IS NOT NULL;
UPDATE questions SET updated_at = unixepoch(updated_at) WHERE typeof(updated_at) = 'text' AND unixepoch(updated_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'study_sessions', 'created_at', id, created_at FROM study_sessions WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE study_sessions SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'study_sessions', 'last_activity', id, last_activity FROM study_sessions WHERE typeof(last_activity) = 'text' AND unixepoch(last_activity) IS NOT NULL;
UPDATE study_sessions SET last_activity = unixepoch(last_activity) WHERE typeof(last_activity) = 'text' AND unixepoch(last_activity) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'study_sessions', 'completed_at', id, completed_at FROM study_sessions WHERE typeof(completed_at) = 'text' AND unixepoch(completed_at) IS NOT NULL;
UPDATE study_sessions SET completed_at = unixepoch(completed_at) WHERE typeof(completed_at) = 'text' AND unixepoch(completed_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'test_attempts', 'started_at', id, started_at FROM test_attempts WHERE typeof(started_at) = 'text' AND unixepoch(started_at) IS NOT NULL;
UPDATE test_attempts SET started_at = unixepoch(started_at) WHERE typeof(started_at) = 'text' AND unixepoch(started_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'test_attempts', 'completed_at', id, completed_at FROM test_attempts WHERE typeof(completed_at) = 'text' AND unixepoch(completed_at) IS NOT NULL;
UPDATE test_attempts SET completed_at = unixepoch(completed_at) WHERE typeof(completed_at) = 'text' AND unixepoch(completed_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'test_attempts', 'expires_at', id, expires_at FROM test_attempts WHERE typeof(expires_at) = 'text' AND unixepoch(expires_at) IS NOT NULL;
UPDATE test_attempts SET expires_at = unixepoch(expires_at) WHERE typeof(expires_at) = 'text' AND unixepoch(expires_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'user_answers', 'answered_at', id, answered_at FROM user_answers WHERE typeof(answered_at) = 'text' AND unixepoch(answered_at) IS NOT NULL;
UPDATE user_answers SET answered_at = unixepoch(answered_at) WHERE typeof(answered_at) = 'text' AND unixepoch(answered_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'user_progress', 'created_at', id, created_at FROM user_progress WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE user_progress SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'user_progress', 'updated_at', id, updated_at FROM user_progress WHERE typeof(updated_at) = 'text' AND unixepoch(updated_at) IS NOT NULL;
UPDATE user_progress SET updated_at = unixepoch(updated_at) WHERE typeof(updated_at) = 'text' AND unixepoch(updated_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'twitter_accounts', 'last_analyzed_at', id, last_analyzed_at FROM twitter_accounts WHERE typeof(last_analyzed_at) = 'text' AND unixepoch(last_analyzed_at) IS NOT NULL;
UPDATE twitter_accounts SET last_analyzed_at = unixepoch(last_analyzed_at) WHERE typeof(last_analyzed_at) = 'text' AND unixepoch(last_analyzed_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'twitter_accounts', 'created_at', id, created_at FROM twitter_accounts WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE twitter_accounts SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'twitter_accounts', 'updated_at', id, updated_at FROM twitter_accounts WHERE typeof(updated_at) = 'text' AND unixepoch(updated_at) IS NOT NULL;
UPDATE twitter_accounts SET updated_at = unixepoch(updated_at) WHERE typeof(updated_at) = 'text' AND unixepoch(updated_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'tweets', 'created_at', id, created_at FROM tweets WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE tweets SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'tweets', 'analyzed_at', id, analyzed_at FROM tweets WHERE typeof(analyzed_at) = 'text' AND unixepoch(analyzed_at) IS NOT NULL;
UPDATE tweets SET analyzed_at = unixepoch(analyzed_at) WHERE typeof(analyzed_at) = 'text' AND unixepoch(analyzed_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'engagement_opportunities', 'executed_at', id, executed_at FROM engagement_opportunities WHERE typeof(executed_at) = 'text' AND unixepoch(executed_at) IS NOT NULL;
UPDATE engagement_opportunities SET executed_at = unixepoch(executed_at) WHERE typeof(executed_at) = 'text' AND unixepoch(executed_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'engagement_opportunities', 'created_at', id, created_at FROM engagement_opportunities WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE engagement_opportunities SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'growth_metrics', 'created_at', id, created_at FROM growth_metrics WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE growth_metrics SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'voice_profiles', 'created_at', id, created_at FROM voice_profiles WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE voice_profiles SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'voice_profiles', 'updated_at', id, updated_at FROM voice_profiles WHERE typeof(updated_at) = 'text' AND unixepoch(updated_at) IS NOT NULL;
UPDATE voice_profiles SET updated_at = unixepoch(updated_at) WHERE typeof(updated_at) = 'text' AND unixepoch(updated_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'ai_generation_log', 'created_at', id, created_at FROM ai_generation_log WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE ai_generation_log SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;

INSERT OR IGNORE INTO perf_migration_timestamp_backup (tbl, col, pk, original)
SELECT 'audit_log', 'created_at', id, created_at FROM audit_log WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
UPDATE audit_log SET created_at = unixepoch(created_at) WHERE typeof(created_at) = 'text' AND unixepoch(created_at) IS NOT NULL;
