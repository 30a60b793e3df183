-- 007 Optimize SQLite Settings.  Run OUTSIDE a transaction (journal_mode cannot change inside one),
-- statement by statement.
--
-- Only journal_mode is stored in the database file; every other PRAGMA here applies to the
-- connection that runs it, so the connection pool must apply them on every connection it opens
-- (src/db/open.rs already sets journal_mode=WAL, synchronous=NORMAL, foreign_keys=ON).
-- Not here, on purpose: PRAGMA optimize / ANALYZE.  They create sqlite_stat1 (a schema object the
-- down step could not tell apart from statistics that existed before); the maintenance job runs
-- PRAGMA optimize instead (src/db/maintenance.rs).  analysis_limit is set for it.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -40000;
PRAGMA temp_store = MEMORY;
PRAGMA mmap_size = 268435456;
PRAGMA analysis_limit = 1000;
PRAGMA foreign_keys = ON;
