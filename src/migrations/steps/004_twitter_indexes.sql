-- 004 Add Twitter Analytics Indexes: indexes for src/queries/sql/pending_opportunities.sql and
-- growth_analytics.sql.  Replaces the original's idx_opportunities_priority_queue (a partial index on
-- status = 'pending' that still led with status), idx_growth_metrics_timeseries (INCLUDE is not
-- SQLite syntax) and idx_tweets_analysis_perf (a duplicate of the app's idx_tweets_account_created,
-- serving no query of the layer).

-- pending_opportunities.sql: pending opportunities by creation time (as unix seconds, text or
-- integer alike) for the not-expired range, covering the ranking inputs (relevance, account) and
-- the tweet to join.
CREATE INDEX IF NOT EXISTS idx_opportunities_pending_queue
  ON engagement_opportunities ((CASE WHEN typeof(created_at) = 'text' THEN unixepoch(created_at) ELSE created_at END),
                               relevance_score, account_id, tweet_id)
  WHERE status = 'pending';

-- growth_analytics.sql: date range covering every column the analytics read.
CREATE INDEX IF NOT EXISTS idx_growth_metrics_analytics
  ON growth_metrics (date, followers_count, new_followers, engagements_made, ai_costs,
                     engagement_rate);
