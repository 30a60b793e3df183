-- growth_analytics: daily Twitter growth metrics of the last ?1 days (getGrowthAnalyticsOptimized).
--
-- Rows: growth_metrics with date >= today (UTC) - ?1 days, newest first.  cost_per_follower =
-- ai_costs / new_followers (real division), 0 when there are no new followers.  Rolling averages
-- over the row and its 6 preceding rows by date (ROWS BETWEEN 6 PRECEDING AND CURRENT ROW); the
-- window also reads the 6 rows before the range start, so the first days' averages cover 7 rows
-- like every other day (the original started the window at the range start).
--
-- Parameters:
--   ?1 days INTEGER
--
-- Returns (one row per day, newest first):
--   date TEXT 'YYYY-MM-DD', followers_count, new_followers, engagements_made, ai_costs REAL (USD),
--   engagement_rate REAL, cost_per_follower REAL, rolling_avg_followers REAL,
--   rolling_avg_costs REAL.
--
-- Index: the app's date indexes (growth_metrics_date_unique, idx_metrics_date, idx_metrics_costs;
-- the planner picks one): a range of about ?1 + 7 rows.  No index of step 004: any new index led by
-- date would repeat the app's date indexes as a prefix, for a table that grows by one row a day.
WITH
  bounds(start_date) AS MATERIALIZED (SELECT date('now', printf('-%d days', ?1))),
  lower_bound(d) AS MATERIALIZED (
    SELECT coalesce((SELECT min(p.date)
                       FROM (SELECT g.date FROM growth_metrics g
                              WHERE g.date < (SELECT start_date FROM bounds)
                              ORDER BY g.date DESC LIMIT 6) AS p),
                    (SELECT start_date FROM bounds))
  ),
  windowed AS (
    SELECT g.date, g.followers_count, g.new_followers, g.engagements_made, g.ai_costs,
           g.engagement_rate,
           CASE WHEN g.new_followers > 0 THEN g.ai_costs * 1.0 / g.new_followers ELSE 0 END AS cost_per_follower,
           avg(g.new_followers) OVER seven AS rolling_avg_followers,
           avg(g.ai_costs) OVER seven AS rolling_avg_costs
      FROM growth_metrics g
     WHERE g.date >= (SELECT d FROM lower_bound)
    WINDOW seven AS (ORDER BY g.date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)
  )
SELECT date, followers_count, new_followers, engagements_made, ai_costs, engagement_rate,
       cost_per_follower, rolling_avg_followers, rolling_avg_costs
  FROM windowed
 WHERE date >= (SELECT start_date FROM bounds)
 ORDER BY date DESC;
