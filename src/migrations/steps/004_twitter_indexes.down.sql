-- 004 down: drops the Twitter index.
DROP INDEX IF EXISTS idx_opportunities_pending_queue;
