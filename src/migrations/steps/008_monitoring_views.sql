-- 008 Create Monitoring Views.
--
-- v_performance_monitor: one row per hot table with its size and one load metric
--   (table_name, total_records, metric, avg_value, max_value, heavy_count):
--   questions    -- active questions; metric total_attempts, heavy = more than 100 attempts
--   user_answers -- all answers; metric time_spent_seconds, heavy = more than 300 seconds
--   (the original's UNION ALL labelled the user_answers figures with the questions' column names).
-- v_index_usage: every named index with its table, definition and whether it is partial.
-- v_cleanup_candidates: answers older than 90 days (answered_at compared as unix seconds, text or
--   integer alike; the original compared integers with datetime() text, which is never true).
CREATE VIEW IF NOT EXISTS v_performance_monitor AS
SELECT 'questions' AS table_name,
       count(*) AS total_records,
       'total_attempts' AS metric,
       avg(total_attempts) AS avg_value,
       max(total_attempts) AS max_value,
       count(CASE WHEN total_attempts > 100 THEN 1 END) AS heavy_count
  FROM questions
 WHERE is_active = 1
UNION ALL
SELECT 'user_answers',
       count(*),
       'time_spent_seconds',
       avg(time_spent_seconds),
       max(time_spent_seconds),
       count(CASE WHEN time_spent_seconds > 300 THEN 1 END)
  FROM user_answers;

CREATE VIEW IF NOT EXISTS v_index_usage AS
SELECT name AS index_name,
       tbl_name AS table_name,
       sql AS definition,
       (sql LIKE '% WHERE %') AS is_partial
  FROM sqlite_master
 WHERE type = 'index' AND name NOT LIKE 'sqlite_%'
 ORDER BY tbl_name, name;

CREATE VIEW IF NOT EXISTS v_cleanup_candidates AS
SELECT count(*) AS old_answers_count
  FROM user_answers
 WHERE (CASE WHEN typeof(answered_at) = 'text' THEN unixepoch(answered_at) ELSE answered_at END)
       < unixepoch('now') - 90 * 86400;
