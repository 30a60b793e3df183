-- study_questions_practice_points: the first step of the random walk behind the `practice` and
-- `custom` modes (src/queries/practice.rs) from every random point at once: for each key in the
-- JSON array ?5, the ids of the next ?6 eligible questions of exam ?1 in sample-key order.
-- One statement instead of one per point; a point whose run comes up short continues with
-- study_questions_practice.sql.
--
-- Eligible, and the sample key, as in study_questions_practice.sql.
--
-- Parameters:
--   ?1 exam_id        INTEGER
--   ?2 difficulty_min INTEGER (1..5)
--   ?3 difficulty_max INTEGER (1..5)
--   ?4 objective_ids  TEXT JSON array of objective ids, e.g. '[12,13]'; NULL = all objectives
--   ?5 points         TEXT JSON array of sample keys 0..2^32
--   ?6 limit          INTEGER, per point
--
-- Returns one row per point, in the order of ?5: point INTEGER, run TEXT, a JSON array of
-- [id, sample_key] pairs (the caller orders them by key: an aggregate's input order is not
-- guaranteed).
--
-- Index: idx_questions_study_practice_sample (002_study_indexes): one seek and a short covering
-- walk per point.
SELECT p.value AS point,
       (SELECT json_group_array(json_array(w.id, w.sample_key))
          FROM (SELECT q.id, ((q.id * 2654435761) % 4294967296) AS sample_key
                  FROM questions q
                 WHERE q.exam_id = ?1 AND q.is_active = 1 AND q.review_status = 'approved'
                   AND ((q.id * 2654435761) % 4294967296) >= p.value
                   AND +q.difficulty BETWEEN ?2 AND ?3
                   AND (?4 IS NULL OR +q.objective_id IN (SELECT value FROM json_each(?4)))
                 ORDER BY ((q.id * 2654435761) % 4294967296)
                 LIMIT ?6) AS w) AS run
  FROM json_each(?5) AS p
 ORDER BY p.key;
