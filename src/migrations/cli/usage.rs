//! Help texts: one for the whole tool, one per command (`<command> --help`).

pub const GENERAL: &str = "usage: db.js <command> [flags]

commands:
  optimize    apply the performance migration (indexes, full-text search, settings, views)
              --dry-run, --rollback [--step=NNN ...], --maintenance
  health      connectivity, the app's tables, indexes, a sample query; exits 1 when unhealthy
  seed        create the app schema when missing and seed a synthetic dataset (--scale=N)
  benchmark   load-test the app's scenarios (npm run db:benchmark -- --help)
  quickstart  seed (if empty), then run the study flow and print timings

flags (any command):
  --url=URL             database URL (file:PATH, http(s)://, libsql://); default TURSO_DATABASE_URL
                        or the embedded file ./.data/pingtopass.db
  --auth-token=TOKEN    default TURSO_AUTH_TOKEN
  --replica-path=PATH   embedded replica of the remote URL; default TURSO_REPLICA_PATH
  --json                machine-readable output on stdout
  --help                help (also `<command> --help`)

Values may follow a flag as --flag=value or --flag value. Exit codes: 0 done, 1 failed
(or unhealthy), 2 bad usage.";

pub const OPTIMIZE: &str = "usage: db.js optimize [--dry-run] [--rollback [--step=NNN ...]] [--maintenance] [flags]

Applies the pending steps of the performance migration, in order, each in one transaction
(step 007, PRAGMAs, outside one); records each in the journal table _pingtopass_migrations.
Running it again is a no-op that says so; a step whose SQL changed since it was applied is
reported, not re-applied.

  --dry-run       report which steps would run and which objects they would create (from the
                  journal and sqlite_master); changes nothing, not one byte of the file
  --rollback      undo applied steps, newest first (all of them, or those given by --step);
                  rolling back every step also drops the journal table
  --step=NNN      with --rollback: a step to undo (001..010); repeat for several
  --maintenance   ANALYZE / PRAGMA optimize, WAL checkpoint, integrity check, and VACUUM when
                  more than 20% of the file is free pages

steps: 001 backup_index_list, 002 study_indexes, 003 progress_indexes, 004 twitter_indexes,
       005 fts_questions, 006 fts_triggers, 007 sqlite_pragmas, 008 monitoring_views,
       009 validate, 010 normalize_timestamps

The database must hold the app's schema (see `seed`). Also: --url, --auth-token,
--replica-path, --json, --help.";

pub const HEALTH: &str = "usage: db.js health [flags]

Checks connectivity (SELECT 1), that the app's tables exist, the index count, which
optimize steps are applied, and times a sample study query. Prints status, checks and
recommendations; exits 1 when unhealthy. Also: --url, --auth-token, --replica-path, --json.";

pub const SEED: &str = "usage: db.js seed [--scale=N] [flags]

Creates the app schema when missing and fills it with a deterministic synthetic dataset.
A database that already holds questions is left as it is.

  --scale=N   size, above 0 and at most 100 (1 = 20,000 questions, about 200,000 answers);
              default 1

Also: --url, --auth-token, --replica-path, --json.";

pub const BENCHMARK: &str = "usage: db.js benchmark [--config=light|medium|heavy|spike] [flags]

The load tester is being built; this command exits 2 until it lands.";

pub const QUICKSTART: &str = "usage: db.js quickstart [--scale=N] [flags]

Seeds the database when empty, runs the app's study flow (pick questions, record answers,
session progress) and prints timings. Also: --url, --auth-token, --replica-path, --json.";
