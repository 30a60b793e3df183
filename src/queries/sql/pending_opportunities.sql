-- pending_opportunities: pending Twitter engagement opportunities that have not expired, with their
-- tweet and account, best first (getPendingOpportunitiesOptimized).
--
-- Pending = status 'pending'.  Not expired = created within the last ?1 hours (the schema has no
-- expiry column, so an opportunity expires by age; created_at is compared as unix seconds, text or
-- integer alike); ?1 NULL = no expiry.  Order as the original: engagement_potential descending
-- (relevance_score * 1.5 when the account has more than 10,000 followers, * 1.2 above 1,000,
-- else relevance_score; NULL relevance last), then created_at descending, then the older row
-- (rowid) first.  Only the non-expired pending rows are ever sorted, on what the index holds
-- plus the account's follower count; the tweet, the account's other columns and the
-- opportunity's text columns are read for the ?2 rows returned only.
--
-- Parameters:
--   ?1 max_age_hours REAL or NULL (NULL = every pending opportunity)
--   ?2 limit         INTEGER
--
-- Returns (one row per opportunity):
--   id TEXT, tweet_id TEXT, account_id TEXT, opportunity_type ('reply'|'quote'|'follow'),
--   relevance_score REAL 0..1, suggested_response TEXT, ai_model_used, ai_cost REAL (USD),
--   created_at (timestamp, unix seconds), tweet_text, tweet_metrics (JSON text or NULL),
--   tweet_created_at (timestamp, unix seconds or NULL), account_username, account_display_name,
--   account_followers INTEGER, account_bio, engagement_potential REAL.
--
-- Index: idx_opportunities_pending_queue (004_twitter_indexes): partial on status = 'pending', range
-- on created_at (as unix seconds), covering the ranking (index-only); then the top rows by rowid,
-- tweets and accounts by primary key.
WITH cfg(cutoff) AS MATERIALIZED (
  SELECT CASE WHEN ?1 IS NULL THEN -9223372036854775808 ELSE unixepoch('now') - ?1 * 3600 END
),
top(row_id, engagement_potential, created_at) AS MATERIALIZED (
  SELECT eo.rowid,
         CASE WHEN a.followers_count > 10000 THEN eo.relevance_score * 1.5
              WHEN a.followers_count > 1000 THEN eo.relevance_score * 1.2
              ELSE eo.relevance_score END,
         (CASE WHEN typeof(eo.created_at) = 'text' THEN unixepoch(eo.created_at) ELSE eo.created_at END)
    FROM engagement_opportunities eo
    JOIN twitter_accounts a ON a.id = eo.account_id
   WHERE eo.status = 'pending'
     AND (CASE WHEN typeof(eo.created_at) = 'text' THEN unixepoch(eo.created_at) ELSE eo.created_at END)
         >= (SELECT cutoff FROM cfg)
   ORDER BY 2 DESC, 3 DESC, eo.rowid
   LIMIT ?2
)
SELECT eo.id, eo.tweet_id, eo.account_id, eo.opportunity_type, eo.relevance_score,
       eo.suggested_response, eo.ai_model_used, eo.ai_cost, top.created_at,
       t.text AS tweet_text, t.metrics AS tweet_metrics,
       (CASE WHEN typeof(t.created_at) = 'text' THEN unixepoch(t.created_at) ELSE t.created_at END) AS tweet_created_at,
       a.username AS account_username, a.display_name AS account_display_name,
       a.followers_count AS account_followers, a.bio AS account_bio,
       top.engagement_potential
  FROM top
  JOIN engagement_opportunities eo ON eo.rowid = top.row_id
  JOIN tweets t ON t.id = eo.tweet_id
  JOIN twitter_accounts a ON a.id = eo.account_id
 ORDER BY top.engagement_potential DESC, top.created_at DESC, top.row_id;
