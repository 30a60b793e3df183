-- 007 down: back to SQLite's defaults.  Run OUTSIDE a transaction.  (The runtime's connection setup
-- switches new connections to WAL again: src/db/open.rs.)
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = FULL;
PRAGMA cache_size = -2000;
PRAGMA temp_store = DEFAULT;
PRAGMA mmap_size = 0;
PRAGMA analysis_limit = 0;
PRAGMA foreign_keys = OFF;
