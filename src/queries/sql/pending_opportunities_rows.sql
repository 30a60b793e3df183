-- pending_opportunities_rows: the opportunities whose rowids the JSON array ?1 lists, in that
-- order, with their tweet and account (getPendingOpportunitiesOptimized).  The rowids were chosen
-- by pending_opportunities_walk.sql, so one no longer pending is left out here.
--
-- Parameters:
--   ?1 row_ids TEXT JSON array of engagement_opportunities rowids, best first
--
-- Returns (one row per opportunity):
--   id TEXT, tweet_id TEXT, account_id TEXT, opportunity_type ('reply'|'quote'|'follow'),
--   relevance_score REAL 0..1, suggested_response TEXT, ai_model_used, ai_cost REAL (USD),
--   created_at (timestamp, unix seconds), tweet_text, tweet_metrics (JSON text or NULL),
--   tweet_created_at (timestamp, unix seconds or NULL), account_username, account_display_name,
--   account_followers INTEGER, account_bio, engagement_potential REAL.
--
-- Index: the rowid of engagement_opportunities, the primary keys of tweets and twitter_accounts.
-- CROSS JOIN keeps json_each the outer loop, so rows come out in the order of ?1 with no
-- ORDER BY j.key and its temp B-tree of every selected row (as study_questions_rows.sql).
SELECT eo.id, eo.tweet_id, eo.account_id, eo.opportunity_type, eo.relevance_score,
       eo.suggested_response, eo.ai_model_used, eo.ai_cost,
       (CASE WHEN typeof(eo.created_at) = 'text' THEN unixepoch(eo.created_at) ELSE eo.created_at END) AS created_at,
       t.text AS tweet_text, t.metrics AS tweet_metrics,
       (CASE WHEN typeof(t.created_at) = 'text' THEN unixepoch(t.created_at) ELSE t.created_at END) AS tweet_created_at,
       a.username AS account_username, a.display_name AS account_display_name,
       a.followers_count AS account_followers, a.bio AS account_bio,
       CASE WHEN a.followers_count > 10000 THEN eo.relevance_score * 1.5
            WHEN a.followers_count > 1000 THEN eo.relevance_score * 1.2
            ELSE eo.relevance_score END AS engagement_potential
  FROM json_each(?1) j
 CROSS JOIN engagement_opportunities eo ON eo.rowid = j.value
  JOIN tweets t ON t.id = eo.tweet_id
  JOIN twitter_accounts a ON a.id = eo.account_id
 WHERE eo.status = 'pending';
