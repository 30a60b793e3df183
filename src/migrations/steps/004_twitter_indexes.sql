-- 004 Add Twitter Analytics Indexes: the index for src/queries/sql/pending_opportunities.sql.
-- Replaces the original's idx_opportunities_priority_queue (a partial index on status = 'pending'
-- that still led with status and ignored the text/integer created_at mix).  Not recreated:
-- idx_growth_metrics_timeseries (INCLUDE is not SQLite syntax; growth_analytics.sql is served by the
-- app's unique index growth_metrics_date_unique on a 365-rows-a-year table, and any new index led by
-- date would repeat it as a prefix) and idx_tweets_analysis_perf (a duplicate of the app's
-- idx_tweets_account_created that serves no query of the layer).

-- pending_opportunities.sql: pending opportunities by creation time (as unix seconds, text or
-- integer alike) for the not-expired range, covering the ranking inputs (relevance, account) and
-- the tweet to join.  status leads although the index only holds 'pending' rows: with an equality
-- on it the planner prefers this index to the app's idx_opportunities_status_created even without
-- ANALYZE statistics (with a range alone it would not).
CREATE INDEX IF NOT EXISTS idx_opportunities_pending_queue
  ON engagement_opportunities (status,
                               (CASE WHEN typeof(created_at) = 'text' THEN unixepoch(created_at) ELSE created_at END),
                               relevance_score, account_id, tweet_id)
  WHERE status = 'pending';
