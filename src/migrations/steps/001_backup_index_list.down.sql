-- 001 down: drops the index backup table.
DROP TABLE IF EXISTS perf_migration_index_backup;
