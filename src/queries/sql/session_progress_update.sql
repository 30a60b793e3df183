-- session_progress_update: writes the progress of study session ?1 (the figures of
-- session_progress.sql) back to its study_sessions row and returns the updated row.
--
-- Sets total_questions, correct_answers, accuracy (fraction 0..1), avg_time_per_question (mean
-- seconds over answers with a time), time_spent_seconds (sum of answer times), flagged_questions,
-- objective_scores (JSON object {"<objective id>": accuracy rounded to 2 decimals, halves up}) and
-- last_activity = now (unix seconds).  A session without answers is left unchanged and no row is
-- returned (as the original did: it returned null).
--
-- Parameters:
--   ?1 study_session_id INTEGER
--
-- Returns (RETURNING, the StudySession row): id, user_id, exam_id, mode, objectives (JSON text or
--   NULL), difficulty_filter (JSON text or NULL), question_count, total_questions, correct_answers,
--   skipped_questions, flagged_questions, time_spent_seconds, avg_time_per_question, accuracy,
--   streak_count, max_streak, objective_scores (JSON text), status, current_question_id,
--   created_at, last_activity, completed_at (timestamps, unix seconds or NULL).
--
-- Index: idx_user_answers_session_progress (003_progress_indexes).
UPDATE study_sessions
   SET total_questions       = x.n,
       correct_answers       = x.c,
       accuracy              = x.c * 1.0 / x.n,
       avg_time_per_question = x.t_sum * 1.0 / x.t_n,
       time_spent_seconds    = coalesce(x.t_sum, 0),
       flagged_questions     = x.f,
       objective_scores      = x.scores,
       last_activity         = unixepoch('now')
  FROM (SELECT sum(po.n) AS n, sum(po.c) AS c, sum(po.t_sum) AS t_sum, sum(po.t_n) AS t_n,
               sum(po.f) AS f,
               json_group_object(CAST(po.objective_id AS TEXT), CAST(po.c * 100.0 / po.n + 0.5 AS INTEGER) / 100.0) AS scores
          FROM (SELECT q.objective_id,
                       count(*) AS n,
                       sum(ua.is_correct <> 0) AS c,
                       sum(ua.time_spent_seconds) AS t_sum,
                       count(ua.time_spent_seconds) AS t_n,
                       sum(coalesce(ua.flagged, 0) <> 0) AS f
                  FROM user_answers ua
                  JOIN questions q ON q.id = ua.question_id
                 WHERE ua.study_session_id = ?1
                 GROUP BY q.objective_id) AS po
       ) AS x
 WHERE study_sessions.id = ?1 AND x.n > 0
RETURNING id, user_id, exam_id, mode, objectives, difficulty_filter, question_count, total_questions,
          correct_answers, skipped_questions, flagged_questions, time_spent_seconds,
          avg_time_per_question, accuracy, streak_count, max_streak, objective_scores, status,
          current_question_id,
          (CASE WHEN typeof(created_at) = 'text' THEN unixepoch(created_at) ELSE created_at END) AS created_at,
          (CASE WHEN typeof(last_activity) = 'text' THEN unixepoch(last_activity) ELSE last_activity END) AS last_activity,
          (CASE WHEN typeof(completed_at) = 'text' THEN unixepoch(completed_at) ELSE completed_at END) AS completed_at;
