-- 004 Add Twitter Analytics Indexes: the index for src/queries/sql/pending_opportunities.sql.
-- Replaces the original's idx_opportunities_priority_queue (a partial index on status = 'pending'
-- that still led with status and ignored the text/integer created_at mix).  Not recreated:
-- idx_growth_metrics_timeseries (INCLUDE is not SQLite syntax; growth_analytics.sql is served by the
-- app's unique index growth_metrics_date_unique on a 365-rows-a-year table, and any new index led by
-- date would repeat it as a prefix) and idx_tweets_analysis_perf (a duplicate of the app's
-- idx_tweets_account_created that serves no query of the layer).

-- pending_opportunities_walk.sql: pending opportunities in relevance order, so the ranking walk
-- (src/queries/pending.rs) can stop once no later row can reach the top; it covers the walk's
-- other inputs (account and tweet to join, the raw created_at) so the walk stays index-only.
-- status leads although the index only holds 'pending' rows: with an equality on it the planner
-- prefers this index to the app's idx_opportunities_status_created even without ANALYZE
-- statistics.
CREATE INDEX IF NOT EXISTS idx_opportunities_pending_queue
  ON engagement_opportunities (status, relevance_score, account_id, tweet_id, created_at)
  WHERE status = 'pending';
