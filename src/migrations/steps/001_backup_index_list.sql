-- 001 Backup Current Indexes: records the names and definitions of the indexes that exist before
-- the performance migration (the original only checked that some index existed).  Re-running keeps
-- the first recording of each index.
--
-- Creates: table perf_migration_index_backup
--   name TEXT PRIMARY KEY   index name
--   tbl_name TEXT           table it indexes
--   sql TEXT                its CREATE INDEX statement (NULL for automatic indexes)
--   recorded_at INTEGER     unix seconds
CREATE TABLE IF NOT EXISTS perf_migration_index_backup (
  name        TEXT PRIMARY KEY NOT NULL,
  tbl_name    TEXT NOT NULL,
  sql         TEXT,
  recorded_at INTEGER NOT NULL
);

INSERT OR IGNORE INTO perf_migration_index_backup (name, tbl_name, sql, recorded_at)
SELECT name, tbl_name, sql, unixepoch('now')
  FROM sqlite_master
 WHERE type = 'index' AND tbl_name <> 'perf_migration_index_backup'
 ORDER BY name;
