-- study_questions_practice: one step of the random walk behind the `practice` and `custom` modes
-- (src/queries/practice.rs): the next eligible questions of exam ?1 in sample-key order from
-- key ?2, at most ?6 of them.
--
-- Random order without ORDER BY RANDOM() (which sorted every eligible question of the exam):
-- every question has a fixed pseudo-random sample key (id * 2654435761) % 4294967296 (a
-- bijection of 32-bit ids, spread evenly over [0, 2^32)), indexed per exam; the caller draws
-- random points and takes a short run of questions from each.
--
-- Eligible: exam ?1, is_active = 1, review_status = 'approved', difficulty between ?3 and ?4,
-- objective in the JSON array ?5 (NULL = every objective).
--
-- Parameters:
--   ?1 exam_id        INTEGER
--   ?2 from_key       INTEGER 0..2^32
--   ?3 difficulty_min INTEGER (1..5)
--   ?4 difficulty_max INTEGER (1..5)
--   ?5 objective_ids  TEXT JSON array of objective ids, e.g. '[12,13]'; NULL = all objectives
--   ?6 limit          INTEGER
--
-- Returns: id, sample_key, in sample-key order.
--
-- Index: idx_questions_study_practice_sample (002_study_indexes): one seek and a short covering
-- walk.  The unary + on difficulty / objective_id keeps the planner from preferring
-- idx_questions_difficulty plus a sort of the whole exam.
SELECT q.id, ((q.id * 2654435761) % 4294967296) AS sample_key
  FROM questions q
 WHERE q.exam_id = ?1 AND q.is_active = 1 AND q.review_status = 'approved'
   AND ((q.id * 2654435761) % 4294967296) >= ?2
   AND +q.difficulty BETWEEN ?3 AND ?4
   AND (?5 IS NULL OR +q.objective_id IN (SELECT value FROM json_each(?5)))
 ORDER BY ((q.id * 2654435761) % 4294967296)
 LIMIT ?6;
