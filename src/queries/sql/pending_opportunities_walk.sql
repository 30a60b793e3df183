-- pending_opportunities_walk: every pending opportunity whose account and tweet exist, highest
-- relevance first, with what the ranking needs (getPendingOpportunitiesOptimized, walked by
-- src/queries/pending.rs, which stops stepping once no later row can make the top ?limit).
--
-- engagement_potential as the original: relevance_score * 1.5 when the account has more than
-- 10,000 followers, * 1.2 above 1,000, else relevance_score.  created_at as unix seconds, text
-- or integer alike.
--
-- Returns (one row per opportunity, relevance_score descending, in SQLite's order of values):
--   row_id INTEGER, relevance_score, engagement_potential, created_at.
--
-- Index: idx_opportunities_pending_queue (004_twitter_indexes): a backward walk of the partial
-- index, index-only; the account and the tweet by primary key.
SELECT eo.rowid AS row_id,
       eo.relevance_score,
       CASE WHEN a.followers_count > 10000 THEN eo.relevance_score * 1.5
            WHEN a.followers_count > 1000 THEN eo.relevance_score * 1.2
            ELSE eo.relevance_score END AS engagement_potential,
       (CASE WHEN typeof(eo.created_at) = 'text' THEN unixepoch(eo.created_at) ELSE eo.created_at END) AS created_at
  FROM engagement_opportunities eo
  JOIN twitter_accounts a ON a.id = eo.account_id
  JOIN tweets t ON t.id = eo.tweet_id
 WHERE eo.status = 'pending'
 ORDER BY eo.relevance_score DESC;
