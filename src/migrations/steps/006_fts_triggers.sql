-- 006 Add FTS Triggers: keep questions_fts (step 005, external content) in sync with questions.
-- An external-content FTS5 index cannot be UPDATEd or DELETEd like a table: a row is removed with
-- the special 'delete' command, which must be given the OLD indexed values exactly as they were
-- indexed; an update is that 'delete' followed by an insert of the NEW values (the original issued
-- UPDATE/DELETE on the FTS table, which corrupts an external-content index).  The update trigger
-- fires only when an indexed column (or the id) changes, so statistics updates on every answer
-- (record_answer_update_question_stats.sql) do not touch the full-text index.
CREATE TRIGGER IF NOT EXISTS questions_fts_insert AFTER INSERT ON questions BEGIN
  INSERT INTO questions_fts (rowid, text, explanation, reference)
  VALUES (new.id, new.text, new.explanation, new.reference);
END;

CREATE TRIGGER IF NOT EXISTS questions_fts_delete AFTER DELETE ON questions BEGIN
  INSERT INTO questions_fts (questions_fts, rowid, text, explanation, reference)
  VALUES ('delete', old.id, old.text, old.explanation, old.reference);
END;

CREATE TRIGGER IF NOT EXISTS questions_fts_update AFTER UPDATE OF id, text, explanation, reference ON questions BEGIN
  INSERT INTO questions_fts (questions_fts, rowid, text, explanation, reference)
  VALUES ('delete', old.id, old.text, old.explanation, old.reference);
  INSERT INTO questions_fts (rowid, text, explanation, reference)
  VALUES (new.id, new.text, new.explanation, new.reference);
END;
