-- PingToPass application schema (SQLite / libSQL)
--
-- Source: the drizzle-generated migration database/migrations/0000_free_nocturne.sql
-- of github.com/ciscoittech/pingtopass-nuxt (drizzle schema in database/schema/*.ts).
-- Same 15 tables, column names, types, defaults, foreign keys (incl. ON DELETE
-- actions) and index names as that migration; rewritten as plain SQL so that it
-- can be applied repeatedly:
--   * every CREATE is IF NOT EXISTS; no drizzle "--> statement-breakpoint" markers;
--   * engagement_opportunities.id DEFAULT lower(hex(randomblob(16))) is an
--     expression, which SQLite only accepts in parentheses -> DEFAULT (...);
--   * tables are ordered parents-first (the migration created
--     engagement_opportunities before tweets/twitter_accounts; SQLite allows that,
--     but parents-first reads better and is safe with foreign_keys=ON).
-- Redundant indexes of the original are kept on purpose (the app has them):
-- users_email_unique + idx_users_email, twitter_accounts_username_unique +
-- idx_twitter_accounts_username, growth_metrics_date_unique + idx_metrics_date.
--
-- Storage conventions (from the drizzle column modes):
--   booleans   INTEGER 0/1 (drizzle mode 'boolean'; SQL TRUE/FALSE = 1/0)
--   timestamps INTEGER unix seconds when written by the ORM (mode 'timestamp'),
--              but TEXT 'YYYY-MM-DD HH:MM:SS' (UTC) when DEFAULT CURRENT_TIMESTAMP
--              filled them -- INTEGER affinity cannot convert that text.
--   JSON       TEXT (drizzle mode 'json')
--   dates      TEXT 'YYYY-MM-DD' (user_progress.last_study_date/last_test_date,
--              growth_metrics.date)

CREATE TABLE IF NOT EXISTS users (
  id                      INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  email                   TEXT NOT NULL,
  name                    TEXT NOT NULL,
  picture                 TEXT,
  provider                TEXT DEFAULT 'google',
  provider_id             TEXT,
  password_hash           TEXT,
  role                    TEXT DEFAULT 'user',
  permissions             TEXT DEFAULT '[]',
  subscription_status     TEXT DEFAULT 'free',
  subscription_expires_at INTEGER,
  stripe_customer_id      TEXT,
  stripe_subscription_id  TEXT,
  bio                     TEXT,
  timezone                TEXT DEFAULT 'UTC',
  preferred_language      TEXT DEFAULT 'en',
  last_login              INTEGER,
  login_count             INTEGER DEFAULT 0,
  is_active               INTEGER DEFAULT true,
  email_verified          INTEGER DEFAULT false,
  created_at              INTEGER DEFAULT CURRENT_TIMESTAMP,
  updated_at              INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX IF NOT EXISTS users_email_unique ON users (email);
CREATE INDEX IF NOT EXISTS idx_users_email ON users (email);
CREATE INDEX IF NOT EXISTS idx_users_provider ON users (provider, provider_id);
CREATE INDEX IF NOT EXISTS idx_users_stripe ON users (stripe_customer_id);
CREATE INDEX IF NOT EXISTS idx_users_active ON users (is_active, subscription_status);

CREATE TABLE IF NOT EXISTS exams (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  vendor_id          TEXT NOT NULL,
  code               TEXT NOT NULL,
  name               TEXT NOT NULL,
  description        TEXT,
  passing_score      REAL DEFAULT 0.65,
  question_count     INTEGER DEFAULT 65,
  time_limit_minutes INTEGER DEFAULT 90,
  version            TEXT,
  expires_at         INTEGER,
  difficulty_level   INTEGER DEFAULT 3,
  prerequisites      TEXT,
  price_cents        INTEGER DEFAULT 0,
  is_active          INTEGER DEFAULT true,
  is_beta            INTEGER DEFAULT false,
  total_attempts     INTEGER DEFAULT 0,
  pass_rate          REAL DEFAULT 0,
  avg_score          REAL DEFAULT 0,
  created_at         INTEGER DEFAULT CURRENT_TIMESTAMP,
  updated_at         INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_exams_vendor_code ON exams (vendor_id, code);
CREATE INDEX IF NOT EXISTS idx_exams_vendor ON exams (vendor_id, is_active);
CREATE INDEX IF NOT EXISTS idx_exams_active ON exams (is_active, is_beta);
CREATE INDEX IF NOT EXISTS idx_exams_difficulty ON exams (difficulty_level, is_active);

CREATE TABLE IF NOT EXISTS objectives (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  exam_id             INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
  code                TEXT NOT NULL,
  name                TEXT NOT NULL,
  description         TEXT,
  weight              REAL DEFAULT 0.25,
  question_percentage REAL,
  parent_id           INTEGER REFERENCES objectives (id) ON DELETE CASCADE,
  sort_order          INTEGER DEFAULT 0,
  is_active           INTEGER DEFAULT true,
  created_at          INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_objectives_exam ON objectives (exam_id, is_active);
CREATE INDEX IF NOT EXISTS idx_objectives_parent ON objectives (parent_id, sort_order);
CREATE INDEX IF NOT EXISTS idx_objectives_exam_code ON objectives (exam_id, code);

CREATE TABLE IF NOT EXISTS questions (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  exam_id              INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
  objective_id         INTEGER NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
  text                 TEXT NOT NULL,
  type                 TEXT DEFAULT 'multiple_choice',
  answers              TEXT NOT NULL,
  explanation          TEXT,
  reference            TEXT,
  external_link        TEXT,
  difficulty           INTEGER DEFAULT 3,
  tags                 TEXT DEFAULT '[]',
  ai_generated         INTEGER DEFAULT false,
  ai_model             TEXT,
  ai_prompt_version    TEXT,
  ai_confidence_score  REAL,
  review_status        TEXT DEFAULT 'pending',
  reviewed_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,
  reviewed_at          INTEGER,
  total_attempts       INTEGER DEFAULT 0,
  correct_attempts     INTEGER DEFAULT 0,
  avg_time_seconds     INTEGER DEFAULT 0,
  discrimination_index REAL,
  image_url            TEXT,
  diagram_data         TEXT,
  is_active            INTEGER DEFAULT true,
  is_beta              INTEGER DEFAULT false,
  created_at           INTEGER DEFAULT CURRENT_TIMESTAMP,
  updated_at           INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_questions_exam_objective ON questions (exam_id, objective_id, is_active);
CREATE INDEX IF NOT EXISTS idx_questions_difficulty ON questions (exam_id, difficulty, is_active);
CREATE INDEX IF NOT EXISTS idx_questions_review ON questions (review_status, ai_generated);
CREATE INDEX IF NOT EXISTS idx_questions_performance ON questions (discrimination_index);
CREATE INDEX IF NOT EXISTS idx_questions_tags ON questions (tags);
CREATE INDEX IF NOT EXISTS idx_questions_active ON questions (is_active, is_beta);

CREATE TABLE IF NOT EXISTS study_sessions (
  id                    INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_id               INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  exam_id               INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
  mode                  TEXT DEFAULT 'practice',
  objectives            TEXT,
  difficulty_filter     TEXT,
  question_count        INTEGER DEFAULT 20,
  total_questions       INTEGER DEFAULT 0,
  correct_answers       INTEGER DEFAULT 0,
  skipped_questions     INTEGER DEFAULT 0,
  flagged_questions     INTEGER DEFAULT 0,
  time_spent_seconds    INTEGER DEFAULT 0,
  avg_time_per_question REAL,
  accuracy              REAL,
  streak_count          INTEGER DEFAULT 0,
  max_streak            INTEGER DEFAULT 0,
  objective_scores      TEXT DEFAULT '{}',
  status                TEXT DEFAULT 'active',
  current_question_id   INTEGER,
  created_at            INTEGER DEFAULT CURRENT_TIMESTAMP,
  last_activity         INTEGER DEFAULT CURRENT_TIMESTAMP,
  completed_at          INTEGER
);
CREATE INDEX IF NOT EXISTS idx_sessions_user_exam ON study_sessions (user_id, exam_id, status);
CREATE INDEX IF NOT EXISTS idx_sessions_active ON study_sessions (status, last_activity);
CREATE INDEX IF NOT EXISTS idx_sessions_performance ON study_sessions (user_id, accuracy);
CREATE INDEX IF NOT EXISTS idx_sessions_user_status ON study_sessions (user_id, status, created_at);

CREATE TABLE IF NOT EXISTS test_attempts (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_id             INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  exam_id             INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
  question_ids        TEXT NOT NULL,
  time_limit_minutes  INTEGER,
  passing_score       REAL,
  score               REAL,
  passed              INTEGER,
  correct_count       INTEGER,
  incorrect_count     INTEGER,
  skipped_count       INTEGER,
  objective_breakdown TEXT,
  total_time_seconds  INTEGER,
  time_per_question   TEXT,
  review_enabled      INTEGER DEFAULT true,
  certificate_issued  INTEGER DEFAULT false,
  status              TEXT DEFAULT 'in_progress',
  started_at          INTEGER DEFAULT CURRENT_TIMESTAMP,
  completed_at        INTEGER,
  expires_at          INTEGER
);
CREATE INDEX IF NOT EXISTS idx_test_attempts_user_exam ON test_attempts (user_id, exam_id, status);
CREATE INDEX IF NOT EXISTS idx_test_attempts_scores ON test_attempts (exam_id, passed, score);
CREATE INDEX IF NOT EXISTS idx_test_attempts_status ON test_attempts (status, started_at);
CREATE INDEX IF NOT EXISTS idx_test_attempts_user_passed ON test_attempts (user_id, passed, score);
CREATE INDEX IF NOT EXISTS idx_test_attempts_completed ON test_attempts (completed_at);

CREATE TABLE IF NOT EXISTS user_answers (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_id              INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  question_id          INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  study_session_id     INTEGER REFERENCES study_sessions (id) ON DELETE CASCADE,
  test_attempt_id      INTEGER REFERENCES test_attempts (id) ON DELETE CASCADE,
  selected_answer      TEXT NOT NULL,
  is_correct           INTEGER NOT NULL,
  time_spent_seconds   INTEGER,
  confidence_level     INTEGER,
  flagged              INTEGER DEFAULT false,
  changed_answer       INTEGER DEFAULT false,
  attempt_number       INTEGER DEFAULT 1,
  days_since_last_seen INTEGER,
  answered_at          INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_user_answers_user_question ON user_answers (user_id, question_id, answered_at);
CREATE INDEX IF NOT EXISTS idx_user_answers_session ON user_answers (study_session_id);
CREATE INDEX IF NOT EXISTS idx_user_answers_test ON user_answers (test_attempt_id);
CREATE INDEX IF NOT EXISTS idx_user_answers_recent ON user_answers (user_id, answered_at);
CREATE INDEX IF NOT EXISTS idx_user_answers_correct ON user_answers (user_id, is_correct, answered_at);
CREATE INDEX IF NOT EXISTS idx_user_answers_performance ON user_answers (question_id, is_correct, time_spent_seconds);

CREATE TABLE IF NOT EXISTS user_progress (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_id                INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  exam_id                INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
  total_questions_seen   INTEGER DEFAULT 0,
  unique_questions_seen  INTEGER DEFAULT 0,
  total_correct          INTEGER DEFAULT 0,
  total_incorrect        INTEGER DEFAULT 0,
  overall_accuracy       REAL DEFAULT 0,
  current_streak         INTEGER DEFAULT 0,
  longest_streak         INTEGER DEFAULT 0,
  avg_time_per_question  REAL,
  total_study_minutes    INTEGER DEFAULT 0,
  last_study_date        TEXT,
  study_days_count       INTEGER DEFAULT 0,
  objective_mastery      TEXT DEFAULT '{}',
  readiness_score        REAL DEFAULT 0,
  predicted_exam_score   REAL,
  confidence_interval    REAL,
  weak_topics            TEXT DEFAULT '[]',
  recommended_objectives TEXT DEFAULT '[]',
  tests_taken            INTEGER DEFAULT 0,
  tests_passed           INTEGER DEFAULT 0,
  best_score             REAL DEFAULT 0,
  avg_test_score         REAL DEFAULT 0,
  last_test_date         TEXT,
  created_at             INTEGER DEFAULT CURRENT_TIMESTAMP,
  updated_at             INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_user_progress_user_exam ON user_progress (user_id, exam_id);
CREATE INDEX IF NOT EXISTS idx_user_progress_user ON user_progress (user_id);
CREATE INDEX IF NOT EXISTS idx_user_progress_readiness ON user_progress (exam_id, readiness_score);
CREATE INDEX IF NOT EXISTS idx_user_progress_accuracy ON user_progress (exam_id, overall_accuracy);
CREATE INDEX IF NOT EXISTS idx_user_progress_streak ON user_progress (exam_id, longest_streak);
CREATE INDEX IF NOT EXISTS idx_user_progress_study_time ON user_progress (exam_id, total_study_minutes);

CREATE TABLE IF NOT EXISTS twitter_accounts (
  id                 TEXT PRIMARY KEY NOT NULL,
  username           TEXT NOT NULL,
  display_name       TEXT,
  bio                TEXT,
  followers_count    INTEGER DEFAULT 0,
  following_count    INTEGER DEFAULT 0,
  tweet_count        INTEGER DEFAULT 0,
  is_own_account     INTEGER DEFAULT false,
  is_competitor      INTEGER DEFAULT false,
  is_target_audience INTEGER DEFAULT false,
  last_analyzed_at   INTEGER,
  created_at         INTEGER DEFAULT CURRENT_TIMESTAMP,
  updated_at         INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX IF NOT EXISTS twitter_accounts_username_unique ON twitter_accounts (username);
CREATE INDEX IF NOT EXISTS idx_twitter_accounts_username ON twitter_accounts (username);
CREATE INDEX IF NOT EXISTS idx_twitter_accounts_own ON twitter_accounts (is_own_account);
CREATE INDEX IF NOT EXISTS idx_twitter_accounts_target ON twitter_accounts (is_target_audience, last_analyzed_at);
CREATE INDEX IF NOT EXISTS idx_twitter_accounts_competitor ON twitter_accounts (is_competitor, last_analyzed_at);

CREATE TABLE IF NOT EXISTS tweets (
  id          TEXT PRIMARY KEY NOT NULL,
  account_id  TEXT NOT NULL REFERENCES twitter_accounts (id),
  text        TEXT NOT NULL,
  metrics     TEXT,
  entities    TEXT,
  ai_analysis TEXT,
  created_at  INTEGER,
  analyzed_at INTEGER
);
CREATE INDEX IF NOT EXISTS idx_tweets_account ON tweets (account_id);
CREATE INDEX IF NOT EXISTS idx_tweets_created ON tweets (created_at);
CREATE INDEX IF NOT EXISTS idx_tweets_analyzed ON tweets (analyzed_at);
CREATE INDEX IF NOT EXISTS idx_tweets_account_created ON tweets (account_id, created_at);

CREATE TABLE IF NOT EXISTS engagement_opportunities (
  id                 TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))) NOT NULL,
  tweet_id           TEXT NOT NULL REFERENCES tweets (id),
  account_id         TEXT NOT NULL REFERENCES twitter_accounts (id),
  opportunity_type   TEXT,
  relevance_score    REAL,
  suggested_response TEXT,
  ai_model_used      TEXT,
  ai_cost            REAL,
  status             TEXT DEFAULT 'pending',
  executed_at        INTEGER,
  created_at         INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_opportunities_status ON engagement_opportunities (status);
CREATE INDEX IF NOT EXISTS idx_opportunities_created ON engagement_opportunities (created_at);
CREATE INDEX IF NOT EXISTS idx_opportunities_relevance ON engagement_opportunities (relevance_score);
CREATE INDEX IF NOT EXISTS idx_opportunities_status_created ON engagement_opportunities (status, created_at);
CREATE INDEX IF NOT EXISTS idx_opportunities_tweet ON engagement_opportunities (tweet_id);

CREATE TABLE IF NOT EXISTS growth_metrics (
  id               INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  date             TEXT NOT NULL,
  followers_count  INTEGER,
  following_count  INTEGER,
  new_followers    INTEGER,
  lost_followers   INTEGER,
  tweets_sent      INTEGER,
  engagements_made INTEGER,
  impressions      INTEGER,
  profile_visits   INTEGER,
  engagement_rate  REAL,
  ai_costs         REAL,
  created_at       INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX IF NOT EXISTS growth_metrics_date_unique ON growth_metrics (date);
CREATE INDEX IF NOT EXISTS idx_metrics_date ON growth_metrics (date);
CREATE INDEX IF NOT EXISTS idx_metrics_followers ON growth_metrics (date, new_followers);
CREATE INDEX IF NOT EXISTS idx_metrics_costs ON growth_metrics (date, ai_costs);

CREATE TABLE IF NOT EXISTS voice_profiles (
  id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  name        TEXT NOT NULL,
  description TEXT,
  tone        TEXT,
  topics      TEXT,
  vocabulary  TEXT,
  examples    TEXT,
  voice_data  TEXT,
  is_active   INTEGER DEFAULT false,
  created_at  INTEGER DEFAULT CURRENT_TIMESTAMP,
  updated_at  INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_voice_profiles_active ON voice_profiles (is_active);
CREATE INDEX IF NOT EXISTS idx_voice_profiles_name ON voice_profiles (name);

CREATE TABLE IF NOT EXISTS ai_generation_log (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  purpose            TEXT NOT NULL,
  model              TEXT NOT NULL,
  prompt_tokens      INTEGER,
  completion_tokens  INTEGER,
  total_tokens       INTEGER,
  cost_cents         REAL,
  exam_id            INTEGER REFERENCES exams (id) ON DELETE SET NULL,
  objective_id       INTEGER REFERENCES objectives (id) ON DELETE SET NULL,
  question_ids       TEXT,
  tweet_id           TEXT,
  opportunity_id     TEXT,
  success            INTEGER DEFAULT true,
  error_message      TEXT,
  generation_time_ms INTEGER,
  request_id         TEXT,
  user_id            INTEGER REFERENCES users (id) ON DELETE SET NULL,
  ip_address         TEXT,
  user_agent         TEXT,
  created_at         INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_ai_log_date ON ai_generation_log (created_at);
CREATE INDEX IF NOT EXISTS idx_ai_log_cost ON ai_generation_log (created_at, cost_cents);
CREATE INDEX IF NOT EXISTS idx_ai_log_purpose ON ai_generation_log (purpose, created_at);
CREATE INDEX IF NOT EXISTS idx_ai_log_model ON ai_generation_log (model, created_at);
CREATE INDEX IF NOT EXISTS idx_ai_log_user ON ai_generation_log (user_id, created_at);
CREATE INDEX IF NOT EXISTS idx_ai_log_success ON ai_generation_log (success, created_at);

CREATE TABLE IF NOT EXISTS audit_log (
  id            INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
  ip_address    TEXT,
  user_agent    TEXT,
  session_id    TEXT,
  action        TEXT NOT NULL,
  entity_type   TEXT,
  entity_id     TEXT,
  old_values    TEXT,
  new_values    TEXT,
  metadata      TEXT,
  request_id    TEXT,
  method        TEXT,
  path          TEXT,
  success       INTEGER DEFAULT true,
  error_code    TEXT,
  error_message TEXT,
  created_at    INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_audit_log_user ON audit_log (user_id, created_at);
CREATE INDEX IF NOT EXISTS idx_audit_log_entity ON audit_log (entity_type, entity_id);
CREATE INDEX IF NOT EXISTS idx_audit_log_action ON audit_log (action, created_at);
CREATE INDEX IF NOT EXISTS idx_audit_log_date ON audit_log (created_at);
CREATE INDEX IF NOT EXISTS idx_audit_log_session ON audit_log (session_id, created_at);
CREATE INDEX IF NOT EXISTS idx_audit_log_success ON audit_log (success, created_at);
