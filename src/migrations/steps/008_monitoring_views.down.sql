-- 008 down: drops the monitoring views.
DROP VIEW IF EXISTS v_cleanup_candidates;
DROP VIEW IF EXISTS v_index_usage;
DROP VIEW IF EXISTS v_performance_monitor;
