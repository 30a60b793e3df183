-- exam_leaderboard: the leaderboard of exam ?1: users with more than 50 questions seen on the exam
-- (user_progress.total_questions_seen > 50), by readiness score descending (ties: lower user id
-- first), at most ?2 rows, with their rank and weekly activity.
--
-- rank = position on the leaderboard (ROW_NUMBER, 1-based, as the original).  weekly_activity = the
-- user's answers to this exam's questions answered in the last 7 days (answered_at compared as unix
-- seconds, text or integer alike).  The window function and the weekly counts run on the ?2 top
-- rows only, never on all of the exam's users.
--
-- Parameters:
--   ?1 exam_id INTEGER
--   ?2 limit   INTEGER
--
-- Returns (one row per leaderboard entry, best first):
--   rank INTEGER, user_id, user_name, user_picture (TEXT URL or NULL), overall_accuracy (REAL 0..1),
--   readiness_score (REAL 0..100), total_study_minutes, best_score (REAL 0..1),
--   total_questions_seen, weekly_activity INTEGER.
--
-- Index: idx_user_progress_leaderboard (003_progress_indexes): partial on total_questions_seen > 50,
-- in (exam, readiness desc, user) order, covering; weekly activity: idx_user_answers_progress_timeline
-- (003) range on (user, answered_at >= now - 7 days).
WITH top(user_id, overall_accuracy, readiness_score, total_study_minutes, best_score,
         total_questions_seen) AS MATERIALIZED (
  SELECT up.user_id, up.overall_accuracy, up.readiness_score, up.total_study_minutes,
         up.best_score, up.total_questions_seen
    FROM user_progress up
   WHERE up.exam_id = ?1 AND up.total_questions_seen > 50
   ORDER BY up.readiness_score DESC, up.user_id
   LIMIT ?2
)
SELECT row_number() OVER (ORDER BY t.readiness_score DESC, t.user_id) AS rank,
       t.user_id, u.name AS user_name, u.picture AS user_picture, t.overall_accuracy,
       t.readiness_score, t.total_study_minutes, t.best_score, t.total_questions_seen,
       (SELECT count(*)
          FROM user_answers ua
          JOIN questions q ON q.id = ua.question_id
         WHERE ua.user_id = t.user_id AND q.exam_id = ?1
           AND (CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END)
               >= unixepoch('now') - 7 * 86400) AS weekly_activity
  FROM top t
  JOIN users u ON u.id = t.user_id
 ORDER BY rank;
