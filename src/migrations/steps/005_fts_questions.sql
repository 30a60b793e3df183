-- 005 Create Full-Text Search: FTS5 index over the text, explanation and reference of every
-- question (search_questions.sql).  External content: the text stays in questions only and
-- questions_fts keys it by rowid = questions.id.  Filled with 'rebuild', which reads every current
-- row of questions exactly as stored (the original inserted only active rows with COALESCE'd
-- values, which makes later 'delete' commands mismatch the indexed content).  Kept in sync by the
-- triggers of step 006.
--
-- tokenize: porter stemming over unicode61 ("subnets" finds "subnet").
-- rank: bm25 with column weights text 3, explanation 1, reference 0.5 (stored in the FTS config).
CREATE VIRTUAL TABLE IF NOT EXISTS questions_fts USING fts5(
  text,
  explanation,
  reference,
  content = 'questions',
  content_rowid = 'id',
  tokenize = 'porter unicode61'
);

INSERT INTO questions_fts (questions_fts) VALUES ('rebuild');
INSERT INTO questions_fts (questions_fts, rank) VALUES ('rank', 'bm25(3.0, 1.0, 0.5)');
