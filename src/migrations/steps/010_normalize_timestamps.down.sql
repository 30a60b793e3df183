-- 010 down: restores the original text timestamps saved by step 010 and drops the backup table.
-- A value is restored only where the column still holds the converted value (unixepoch(original));
-- a timestamp the app rewrote since then is kept.

UPDATE users SET subscription_expires_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'users' AND b.col = 'subscription_expires_at' AND b.pk = users.id AND users.subscription_expires_at = unixepoch(b.original);

UPDATE users SET last_login = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'users' AND b.col = 'last_login' AND b.pk = users.id AND users.last_login = unixepoch(b.original);

UPDATE users SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'users' AND b.col = 'created_at' AND b.pk = users.id AND users.created_at = unixepoch(b.original);

UPDATE users SET updated_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'users' AND b.col = 'updated_at' AND b.pk = users.id AND users.updated_at = unixepoch(b.original);

UPDATE exams SET expires_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'exams' AND b.col = 'expires_at' AND b.pk = exams.id AND exams.expires_at = unixepoch(b.original);

UPDATE exams SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'exams' AND b.col = 'created_at' AND b.pk = exams.id AND exams.created_at = unixepoch(b.original);

UPDATE exams SET updated_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'exams' AND b.col = 'updated_at' AND b.pk = exams.id AND exams.updated_at = unixepoch(b.original);

UPDATE objectives SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'objectives' AND b.col = 'created_at' AND b.pk = objectives.id AND objectives.created_at = unixepoch(b.original);

UPDATE questions SET reviewed_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'questions' AND b.col = 'reviewed_at' AND b.pk = questions.id AND questions.reviewed_at = unixepoch(b.original);

UPDATE questions SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'questions' AND b.col = 'created_at' AND b.pk = questions.id AND questions.created_at = unixepoch(b.original);

UPDATE questions SET updated_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'questions' AND b.col = 'updated_at' AND b.pk = questions.id AND questions.updated_at = unixepoch(b.original);

UPDATE study_sessions SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'study_sessions' AND b.col = 'created_at' AND b.pk = study_sessions.id AND study_sessions.created_at = unixepoch(b.original);

UPDATE study_sessions SET last_activity = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'study_sessions' AND b.col = 'last_activity' AND b.pk = study_sessions.id AND study_sessions.last_activity = unixepoch(b.original);

UPDATE study_sessions SET completed_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'study_sessions' AND b.col = 'completed_at' AND b.pk = study_sessions.id AND study_sessions.completed_at = unixepoch(b.original);

UPDATE test_attempts SET started_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'test_attempts' AND b.col = 'started_at' AND b.pk = test_attempts.id AND test_attempts.started_at = unixepoch(b.original);

UPDATE test_attempts SET completed_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'test_attempts' AND b.col = 'completed_at' AND b.pk = test_attempts.id AND test_attempts.completed_at = unixepoch(b.original);

UPDATE test_attempts SET expires_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'test_attempts' AND b.col = 'expires_at' AND b.pk = test_attempts.id AND test_attempts.expires_at = unixepoch(b.original);

UPDATE user_answers SET answered_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'user_answers' AND b.col = 'answered_at' AND b.pk = user_answers.id AND user_answers.answered_at = unixepoch(b.original);

UPDATE user_progress SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'user_progress' AND b.col = 'created_at' AND b.pk = user_progress.id AND user_progress.created_at = unixepoch(b.original);

UPDATE user_progress SET updated_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'user_progress' AND b.col = 'updated_at' AND b.pk = user_progress.id AND user_progress.updated_at = unixepoch(b.original);

UPDATE twitter_accounts SET last_analyzed_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'twitter_accounts' AND b.col = 'last_analyzed_at' AND b.pk = twitter_accounts.id AND twitter_accounts.last_analyzed_at = unixepoch(b.original);

UPDATE twitter_accounts SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'twitter_accounts' AND b.col = 'created_at' AND b.pk = twitter_accounts.id AND twitter_accounts.created_at = unixepoch(b.original);

UPDATE twitter_accounts SET updated_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'twitter_accounts' AND b.col = 'updated_at' AND b.pk = twitter_accounts.id AND twitter_accounts.updated_at = unixepoch(b.original);

UPDATE tweets SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'tweets' AND b.col = 'created_at' AND b.pk = tweets.id AND tweets.created_at = unixepoch(b.original);

UPDATE tweets SET analyzed_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'tweets' AND b.col = 'analyzed_at' AND b.pk = tweets.id AND tweets.analyzed_at = unixepoch(b.original);

UPDATE engagement_opportunities SET executed_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'engagement_opportunities' AND b.col = 'executed_at' AND b.pk = engagement_opportunities.id AND engagement_opportunities.executed_at = unixepoch(b.original);

UPDATE engagement_opportunities SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'engagement_opportunities' AND b.col = 'created_at' AND b.pk = engagement_opportunities.id AND engagement_opportunities.created_at = unixepoch(b.original);

UPDATE growth_metrics SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'growth_metrics' AND b.col = 'created_at' AND b.pk = growth_metrics.id AND growth_metrics.created_at = unixepoch(b.original);

UPDATE voice_profiles SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'voice_profiles' AND b.col = 'created_at' AND b.pk = voice_profiles.id AND voice_profiles.created_at = unixepoch(b.original);

UPDATE voice_profiles SET updated_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'voice_profiles' AND b.col = 'updated_at' AND b.pk = voice_profiles.id AND voice_profiles.updated_at = unixepoch(b.original);

UPDATE ai_generation_log SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'ai_generation_log' AND b.col = 'created_at' AND b.pk = ai_generation_log.id AND ai_generation_log.created_at = unixepoch(b.original);

UPDATE audit_log SET created_at = b.original
  FROM perf_migration_timestamp_backup b
 WHERE b.tbl = 'audit_log' AND b.col = 'created_at' AND b.pk = audit_log.id AND audit_log.created_at = unixepoch(b.original);

DROP TABLE IF EXISTS perf_migration_timestamp_backup;
