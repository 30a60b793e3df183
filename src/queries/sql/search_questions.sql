-- search_questions: full-text search over question text, explanation and reference, best matches
-- first, with a highlighted snippet; optionally restricted to one exam.  Only active questions.
--
-- Uses the FTS5 table questions_fts of step 005 (external content = questions, porter stemming,
-- rank = bm25 with column weights text 3, explanation 1, reference 0.5, configured in step 005).
-- ?1 is an FTS5 query expression: pass raw user input as quoted terms, e.g. each word wrapped in
-- double quotes with inner quotes doubled ('"vlan" "trunk"'), or the query fails on characters
-- like - : ( ) * ^ that are FTS5 syntax.
--
-- Parameters:
--   ?1 match   TEXT FTS5 query
--   ?2 exam_id INTEGER or NULL (NULL = all exams)
--   ?3 limit   INTEGER
--
-- Returns (one row per question, best first):
--   id, exam_id, objective_id, text, type, difficulty, review_status, objective_name,
--   objective_code, snippet TEXT (best-matching column, matches wrapped in <mark>...</mark>,
--   '…' marks cuts, about 16 tokens), score REAL (bm25 rank: more negative = better match).
--
-- Index: questions_fts (005_fts_questions) full-text index, ranked inside FTS5 (no sort in SQL);
-- questions and objectives by rowid.
SELECT q.id, q.exam_id, q.objective_id, q.text, q.type, q.difficulty, q.review_status,
       o.name AS objective_name, o.code AS objective_code,
       snippet(questions_fts, -1, '<mark>', '</mark>', '…', 16) AS snippet,
       questions_fts.rank AS score
  FROM questions_fts
  JOIN questions q ON q.id = questions_fts.rowid
  JOIN objectives o ON o.id = q.objective_id
 WHERE questions_fts MATCH ?1
   AND (?2 IS NULL OR q.exam_id = ?2)
   AND q.is_active = 1
 ORDER BY questions_fts.rank
 LIMIT ?3;
