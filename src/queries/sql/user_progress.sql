-- user_progress: the progress of user ?1 on exam ?2 in one query: the user_progress row, its exam,
-- the user's last ?3 answers to questions of this exam, and the user's current streak on this exam.
--
-- Answer order everywhere is by answered_at as unix seconds (text timestamps converted), then by
-- answer id.  current streak = the number of this user's answers to this exam's questions after
-- their latest wrong answer to this exam's questions (all of those are correct by definition); with
-- no wrong answer at all it is the number of all their answers on the exam.
--
-- Parameters:
--   ?1 user_id      INTEGER
--   ?2 exam_id      INTEGER
--   ?3 recent_limit INTEGER (N, how many recent answers to return)
--
-- Returns one row, or none when the user has no user_progress row for the exam:
--   the UserProgress columns: id, user_id, exam_id, total_questions_seen, unique_questions_seen,
--     total_correct, total_incorrect, overall_accuracy (REAL 0..1), current_streak (the stored
--     column), longest_streak, avg_time_per_question, total_study_minutes, last_study_date (TEXT
--     'YYYY-MM-DD'), study_days_count, objective_mastery (JSON text), readiness_score (0..100),
--     predicted_exam_score, confidence_interval, weak_topics (JSON text), recommended_objectives
--     (JSON text), tests_taken, tests_passed, best_score, avg_test_score, last_test_date (TEXT
--     'YYYY-MM-DD'), created_at, updated_at (timestamps, unix seconds);
--   the exam: exam_name, exam_code, exam_passing_score (REAL 0..1), exam_question_count,
--     exam_time_limit_minutes;
--   recent_activity  TEXT JSON array, newest first, of objects
--     {"answerId", "questionId", "objectiveId", "isCorrect" (JSON boolean), "timeSpentSeconds",
--      "answeredAt" (unix seconds), "studySessionId", "testAttemptId"}; '[]' when none;
--   streak           INTEGER, the live current streak computed from the answers (the original's
--                    currentStreak; the stored user_progress.current_streak is returned as well).
--
-- Index: idx_user_answers_progress_timeline (003_progress_indexes) for the recent answers and the
-- streak count (walked newest first / range from the last miss); idx_user_answers_progress_last_miss
-- (003) finds the latest wrong answer; idx_user_progress_user_exam (app schema) the progress row.
WITH last_miss(ts, id) AS MATERIALIZED (
  SELECT (CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END), ua.id
    FROM user_answers ua
    JOIN questions q ON q.id = ua.question_id
   WHERE ua.user_id = ?1 AND ua.is_correct = 0 AND q.exam_id = ?2
   ORDER BY (CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END) DESC,
            ua.id DESC
   LIMIT 1
),
-- the streak starts after the last miss; without any miss it covers every answer
streak_start(ts, id) AS MATERIALIZED (
  SELECT coalesce((SELECT ts FROM last_miss), -9223372036854775808),
         coalesce((SELECT id FROM last_miss), -1)
)
SELECT up.id, up.user_id, up.exam_id, up.total_questions_seen, up.unique_questions_seen,
       up.total_correct, up.total_incorrect, up.overall_accuracy, up.current_streak,
       up.longest_streak, up.avg_time_per_question, up.total_study_minutes, up.last_study_date,
       up.study_days_count, up.objective_mastery, up.readiness_score, up.predicted_exam_score,
       up.confidence_interval, up.weak_topics, up.recommended_objectives, up.tests_taken,
       up.tests_passed, up.best_score, up.avg_test_score, up.last_test_date,
       (CASE WHEN typeof(up.created_at) = 'text' THEN unixepoch(up.created_at) ELSE up.created_at END) AS created_at,
       (CASE WHEN typeof(up.updated_at) = 'text' THEN unixepoch(up.updated_at) ELSE up.updated_at END) AS updated_at,
       e.name AS exam_name, e.code AS exam_code, e.passing_score AS exam_passing_score,
       e.question_count AS exam_question_count, e.time_limit_minutes AS exam_time_limit_minutes,
       (SELECT coalesce(json_group_array(json_object(
                 'answerId', r.id, 'questionId', r.question_id, 'objectiveId', r.objective_id,
                 'isCorrect', json(CASE WHEN r.is_correct <> 0 THEN 'true' ELSE 'false' END),
                 'timeSpentSeconds', r.time_spent_seconds, 'answeredAt', r.ts,
                 'studySessionId', r.study_session_id, 'testAttemptId', r.test_attempt_id)), '[]')
          FROM (SELECT ua.id, ua.question_id, q.objective_id, ua.is_correct, ua.time_spent_seconds,
                       ua.study_session_id, ua.test_attempt_id,
                       (CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END) AS ts
                  FROM user_answers ua
                  JOIN questions q ON q.id = ua.question_id
                 WHERE ua.user_id = ?1 AND q.exam_id = ?2
                 ORDER BY (CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END) DESC,
                          ua.id DESC
                 LIMIT ?3) AS r) AS recent_activity,
       (SELECT count(*)
          FROM user_answers ua
          JOIN questions q ON q.id = ua.question_id
         WHERE ua.user_id = ?1 AND q.exam_id = ?2
           AND (CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END)
               >= (SELECT ts FROM streak_start)
           AND ((CASE WHEN typeof(ua.answered_at) = 'text' THEN unixepoch(ua.answered_at) ELSE ua.answered_at END)
                  > (SELECT ts FROM streak_start)
                OR ua.id > (SELECT id FROM streak_start))) AS streak
  FROM user_progress up
  JOIN exams e ON e.id = up.exam_id
 WHERE up.user_id = ?1 AND up.exam_id = ?2;
