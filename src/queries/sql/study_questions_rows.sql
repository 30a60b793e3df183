-- study_questions_rows: the questions whose ids the JSON array ?1 lists, in that order, with
-- their objective: what every study mode returns.  The ids were chosen by earlier statements,
-- so a question deactivated or unapproved in between is left out here.
--
-- Parameters:
--   ?1 ids TEXT JSON array of question ids, in presentation order
--
-- Returns (one row per question) -- the columns of the app's Question type:
--   id, exam_id, objective_id, text, type, answers (JSON text), explanation, reference,
--   external_link, difficulty, tags (JSON text), ai_generated (0/1 boolean), ai_model,
--   ai_prompt_version, ai_confidence_score, review_status, reviewed_by,
--   reviewed_at (timestamp, unix seconds or NULL), total_attempts, correct_attempts,
--   avg_time_seconds, discrimination_index, image_url, diagram_data (JSON text or NULL),
--   is_active (0/1 boolean), is_beta (0/1 boolean), created_at (timestamp, unix seconds),
--   updated_at (timestamp, unix seconds), objective_name, objective_code.
--   Timestamps are normalised to unix seconds whatever their stored form.
--
-- Index: the primary keys of questions and objectives. CROSS JOIN keeps json_each the outer
-- loop, so rows come out in the order of ?1 without an ORDER BY j.key: that ORDER BY cost a
-- temp B-tree holding every selected row, text and all, a quarter of this statement's time
-- (json_each does not tell the planner its rows are already in key order). The review
-- mode's test (newest miss first, against id order) fails if this order is lost.
SELECT q.id, q.exam_id, q.objective_id, q.text, q.type, q.answers, q.explanation, q.reference,
       q.external_link, q.difficulty, q.tags, q.ai_generated, q.ai_model, q.ai_prompt_version,
       q.ai_confidence_score, q.review_status, q.reviewed_by,
       (CASE WHEN typeof(q.reviewed_at) = 'text' THEN unixepoch(q.reviewed_at) ELSE q.reviewed_at END) AS reviewed_at,
       q.total_attempts, q.correct_attempts, q.avg_time_seconds, q.discrimination_index,
       q.image_url, q.diagram_data, q.is_active, q.is_beta,
       (CASE WHEN typeof(q.created_at) = 'text' THEN unixepoch(q.created_at) ELSE q.created_at END) AS created_at,
       (CASE WHEN typeof(q.updated_at) = 'text' THEN unixepoch(q.updated_at) ELSE q.updated_at END) AS updated_at,
       o.name AS objective_name, o.code AS objective_code
  FROM json_each(?1) j
 CROSS JOIN questions q ON q.id = j.value
  JOIN objectives o ON o.id = q.objective_id
 WHERE q.is_active = 1 AND q.review_status = 'approved';
