-- 004 down: drops the Twitter indexes.
DROP INDEX IF EXISTS idx_growth_metrics_analytics;
DROP INDEX IF EXISTS idx_opportunities_pending_queue;
