-- 006 down: drops the FTS sync triggers.
DROP TRIGGER IF EXISTS questions_fts_update;
DROP TRIGGER IF EXISTS questions_fts_delete;
DROP TRIGGER IF EXISTS questions_fts_insert;
