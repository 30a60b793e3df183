-- 009 Validate Performance: checks that every object of steps 001..008 exists and that the
-- full-text index matches the questions table.  (The original timed two queries instead; timings
-- belong to the benchmarks, not to a migration.)
--
-- Statement 1: FTS5 'integrity-check' with rank = 1 compares questions_fts with its content table
--   (questions) and fails with an error (SQLITE_CORRUPT_VTAB) if they differ.  Writes nothing.
-- Statement 2: one row per expected object: step TEXT ('001'..'008'), type TEXT, name TEXT,
--   present INTEGER 0/1.  The step is valid when every row has present = 1.
-- Step 007 (PRAGMAs) leaves no schema object to check; its only persistent effect, journal_mode,
-- is set by the runtime on open anyway.
INSERT INTO questions_fts (questions_fts, rank) VALUES ('integrity-check', 1);

WITH expected(step, type, name) AS (VALUES
    ('001', 'table', 'perf_migration_index_backup'),
    ('002', 'index', 'idx_questions_study_practice_sample'),
    ('002', 'index', 'idx_questions_study_speed_drill'),
    ('002', 'index', 'idx_questions_study_weak_areas'),
    ('002', 'index', 'idx_user_answers_study_review'),
    ('003', 'index', 'idx_user_answers_session_progress'),
    ('003', 'index', 'idx_user_answers_progress_timeline'),
    ('003', 'index', 'idx_user_answers_progress_last_miss'),
    ('003', 'index', 'idx_user_progress_leaderboard'),
    ('003', 'index', 'idx_user_answers_cache_warm_active'),
    ('003', 'index', 'idx_exams_cache_warm_popular'),
    ('004', 'index', 'idx_opportunities_pending_queue'),
    ('005', 'table', 'questions_fts'),
    ('006', 'trigger', 'questions_fts_insert'),
    ('006', 'trigger', 'questions_fts_delete'),
    ('006', 'trigger', 'questions_fts_update'),
    ('008', 'view', 'v_performance_monitor'),
    ('008', 'view', 'v_index_usage'),
    ('008', 'view', 'v_cleanup_candidates')
)
SELECT e.step, e.type, e.name,
       EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = e.type AND m.name = e.name) AS present
  FROM expected e
 ORDER BY e.step, e.name;
