-- session_progress: the progress of study session ?1, computed from its answers in one aggregate
-- query (one row per objective of the answered questions, folded into one row).
--
-- Parameters:
--   ?1 study_session_id INTEGER
--
-- Returns one row if the session exists (none otherwise):
--   session_id, user_id, exam_id,
--   total_answers      INTEGER (0 when the session has no answers yet)
--   correct_answers    INTEGER
--   accuracy           REAL fraction 0..1 (correct / total; NULL when there are no answers)
--   avg_time_seconds   REAL mean of time_spent_seconds over the answers that have a time (NULL if none)
--   total_time_seconds INTEGER sum of time_spent_seconds (0 if none)
--   flagged_count      INTEGER answers flagged by the user
--   objective_scores   TEXT JSON object {"<objective id>": accuracy rounded to 2 decimals, halves up, ...}
--                      ('{}' when there are no answers); values are JSON numbers, not strings.
--
-- Index: idx_user_answers_session_progress (003_progress_indexes): the session's answers,
-- index-only; questions are read by rowid for their objective.
SELECT s.id AS session_id, s.user_id, s.exam_id,
       coalesce(sum(po.n), 0) AS total_answers,
       coalesce(sum(po.c), 0) AS correct_answers,
       sum(po.c) * 1.0 / sum(po.n) AS accuracy,
       sum(po.t_sum) * 1.0 / sum(po.t_n) AS avg_time_seconds,
       coalesce(sum(po.t_sum), 0) AS total_time_seconds,
       coalesce(sum(po.f), 0) AS flagged_count,
       json_group_object(CAST(po.objective_id AS TEXT), CAST(po.c * 100.0 / po.n + 0.5 AS INTEGER) / 100.0)
         FILTER (WHERE po.objective_id IS NOT NULL) AS objective_scores
  FROM study_sessions s
  LEFT JOIN (
        SELECT q.objective_id,
               count(*) AS n,
               sum(ua.is_correct <> 0) AS c,
               sum(ua.time_spent_seconds) AS t_sum,
               count(ua.time_spent_seconds) AS t_n,
               sum(coalesce(ua.flagged, 0) <> 0) AS f
          FROM user_answers ua
          JOIN questions q ON q.id = ua.question_id
         WHERE ua.study_session_id = ?1
         GROUP BY q.objective_id
       ) AS po ON 1
 WHERE s.id = ?1
 GROUP BY s.id;
