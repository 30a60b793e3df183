-- 005 down: drops the FTS5 table (and with it its shadow tables and configuration).
DROP TABLE IF EXISTS questions_fts;
