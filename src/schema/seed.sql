-- PingToPass synthetic seed data (pure SQL, deterministic)
--
-- INPUT  The caller creates and fills, on the same connection, before running
--        this file against an EMPTY database created by app_schema.sql:
--          CREATE TEMP TABLE seed_params(scale REAL NOT NULL, now INTEGER NOT NULL);
--          INSERT INTO seed_params VALUES (1.0, <unix seconds at seed time>);
--        Every timestamp is relative to `now`, so "today", "last 7 days" and
--        "last 60 days" always have data.  Same (scale, now) => byte-identical
--        rows (checked: SQLite 3.40.1 CLI and libSQL's SQLite 3.47.0 produce the
--        same .dump).  No random(), no randomblob(), no round() (its tie
--        handling changed between SQLite versions; rounding is done with
--        CAST(x * 10^d + 0.5 AS INTEGER) / 10^d instead).
--
-- RUN    The file has its own BEGIN ... COMMIT, so run it on a connection that
--        is not inside a transaction (sqlite3 CLI, or execute_batch in libSQL).
--        It inserts explicit ids, so it only works on empty tables (the caller
--        checks); it never drops anything.  Works with foreign_keys ON (libSQL's
--        default) or OFF; parents are always inserted first.
--        Connection-local helpers it leaves behind: TEMP VIEW _seed_cfg and
--        TEMP TABLEs _seed_pool, _seed_pool_exam, _seed_pool_obj, _seed_ua
--        (emptied at the end; they disappear with the connection).  Where TEMP
--        objects are refused (sqld), src/schema/mod.rs runs it with every
--        "CREATE TEMP " made a plain CREATE and the helpers dropped before the
--        final COMMIT.
--        Needs SQLite >= 3.35 (window functions, UPDATE ... FROM,
--        AS MATERIALIZED, JSON functions); no math functions, no FTS.
--
-- PSEUDO-RANDOMNESS  For row number n and a per-use salt S:
--          x0 = (n * 2654435761 + S) mod 2^32
--          x1 = ((x0 + (x0 >> 16)) * 73244475) mod 2^32,  x2 = same on x1
--          h  = (x2 + (x2 >> 16)) mod 2^32
--        (a multiply/shift mixer; products stay below 2^63, so SQLite never
--        falls back to floating point).  Independent fields are taken from
--        different digits of h (h % 100, h / 100 % 12, ...) or from hashes
--        with other salts.
--
-- SIZES at scale s (rounded, with minimums so that tiny scales still work):
--   exams               10 s (>= 1)    12 real certifications (A+, Network+,
--                                      Security+, CCNA, SAA-C03, AZ-900, AZ-104,
--                                      ACE, Linux+, CySA+, CLF-C02, ENCOR), then
--                                      synthetic "PTP-nnnn" exams
--   objectives          80 s (>= exams) contiguous blocks per exam; first half
--                                      top-level domains "1.0".., rest
--                                      sub-objectives "1.1".. with parent_id
--   questions           20000 s (>= 2 per objective), contiguous per objective
--   users               5000 s (>= 1)  user 1 admin, users 2-5 moderators
--   user_progress       15000 s, capped at users*exams, >= users; unique
--                                      (user, exam); each user has 1..exams rows
--   study_sessions      20000 s
--   test_attempts       250 s
--   user_answers        ~200000 s (sessions ~184k + mock exams ~16k at s = 1)
--   twitter_accounts    12 s (>= 3)    1 own, ~1/3 competitors, rest audience
--   tweets              20000 s (>= 10)
--   engagement_opp.     3000 s (>= 5)
--   growth_metrics      365 s days (>= 7), one row per UTC day ending today
--   voice_profiles      3
--   ai_generation_log   2000 s (>= 5)
--   audit_log           5000 s (>= 10)
--
-- DISTRIBUTIONS
--   users        sign-ups over the last 2 years, accelerating (ids follow
--                sign-up order); 70% google / 30% email provider; 75% free,
--                22% premium, 3% enterprise; 97% active.
--   questions    80% multiple_choice (4 options), 12% multi_select (5 options,
--                2 correct), 8% true_false; answers = JSON array of
--                {"id","text","isCorrect"}; difficulty 1..5 = 10/25/35/20/10%;
--                text 120-290 chars from a small IT vocabulary (DNS, DHCP,
--                VLAN, firewall, subnet, TLS certificate, IAM role, ...);
--                tags = ["topic","category","vendor"(,"advanced")]; ~83%
--                approved, ~9% inactive (incl. all rejected), ~6% beta, 40% AI
--                generated.  Questions created in the last 60 days are never
--                servable (pending or beta), so no answer predates its question.
--                "Servable" = is_active AND NOT is_beta AND approved (~74%).
--   sessions     users drawn 40% uniformly / 60% squared-uniform (power users,
--                permuted over sign-up order): top 10% of users give ~1/3 of
--                all answers; mode practice 55 / review 15 / speed_drill 10 /
--                weak_areas 12 / custom 8%; 5/10/15/20 questions; start within
--                the last 60 days (and after sign-up), recent-heavy (~27% of
--                answers in the last 7 days); 84% completed, 9% abandoned,
--                others paused/active (active only in the last 2 days).
--   answers      one per session slot / mock-exam question; time_spent 5..180 s;
--                P(correct) = 0.76 - 0.06*(difficulty-1) + user skill (+-0.12)
--                + 0.05 per earlier attempt of the same question (max 0.15)
--                + 0.03 review mode / + 0.06 mock exam  => ~65% correct;
--                selected_answer agrees with the question's answers JSON
--                ('b', or '["a","c"]' for multi_select); attempt_number and
--                days_since_last_seen from the user's earlier answers; ids grow
--                with answered_at.
--   tests        full-length mock exams over servable questions; 80%
--                completed, 14% abandoned, 6% in progress (started < 1 h ago).
--   progress     answers of the last 60 days + for ~half the rows (accounts
--                older than 90 days) a synthetic earlier history, so about a
--                third of the rows have total_questions_seen > 50 (leaderboard);
--                readiness_score 0..100, accuracies/scores 0..1 fractions.
--   twitter      tweets over the last 180 days (recent-heavy), 10% own / 30%
--                competitors / 60% audience, ~75% analysed (ai_analysis JSON);
--                opportunities on analysed non-own tweets, ~20% pending overall
--                (70% of the last 3 days' ones, 18% of older ones); followers
--                grow daily.
--   Stats derived at the end from the inserted rows: study_sessions totals,
--   streaks and objective_scores; test scores/pass/breakdown; questions
--   total_attempts / correct_attempts / avg_time_seconds; exams pass_rate /
--   avg_score; user_progress; users last_login / login_count.
--
-- TIMESTAMPS  Integer columns in drizzle 'timestamp' mode hold unix seconds.
--   Columns whose SQL default is CURRENT_TIMESTAMP hold, in ~10% of rows, the
--   text 'YYYY-MM-DD HH:MM:SS' (UTC) instead, as when the default filled them:
--   users/exams/questions/user_progress/twitter_accounts/voice_profiles
--   created_at+updated_at, objectives/engagement_opportunities/growth_metrics/
--   ai_generation_log/audit_log created_at, study_sessions.created_at,
--   test_attempts.started_at, user_answers.answered_at.  Rows updated later
--   by the app (answered questions, active progress rows) have an integer
--   updated_at.  All other timestamps are integers; user_progress
--   last_study_date/last_test_date and growth_metrics.date are 'YYYY-MM-DD'.
BEGIN;

-- ---------------------------------------------------------------------------
-- Derived row counts (one row).  Everything below reads its sizes from here.
-- ---------------------------------------------------------------------------
CREATE TEMP VIEW IF NOT EXISTS _seed_cfg AS
WITH p AS (SELECT scale AS sc, now FROM seed_params LIMIT 1),
b AS (
  SELECT sc, now,
         max(1, CAST(10 * sc + 0.5 AS INTEGER))     AS n_exams,
         max(1, CAST(5000 * sc + 0.5 AS INTEGER))   AS n_users,
         max(1, CAST(20000 * sc + 0.5 AS INTEGER))  AS n_sessions,
         max(1, CAST(250 * sc + 0.5 AS INTEGER))    AS n_tests,
         max(3, CAST(12 * sc + 0.5 AS INTEGER))     AS n_accounts,
         max(10, CAST(20000 * sc + 0.5 AS INTEGER)) AS n_tweets,
         max(5, CAST(3000 * sc + 0.5 AS INTEGER))   AS n_opportunities,
         max(7, CAST(365 * sc + 0.5 AS INTEGER))    AS n_days,
         max(5, CAST(2000 * sc + 0.5 AS INTEGER))   AS n_ai_logs,
         max(10, CAST(5000 * sc + 0.5 AS INTEGER))  AS n_audit
  FROM p),
c AS (
  SELECT b.*,
         max(n_exams, CAST(80 * sc + 0.5 AS INTEGER)) AS n_objectives,
         max(n_users, min(CAST(15000 * sc + 0.5 AS INTEGER), n_users * n_exams)) AS n_progress
  FROM b)
SELECT c.*,
       max(2 * n_objectives, CAST(20000 * sc + 0.5 AS INTEGER)) AS n_questions
FROM c;

-- ---------------------------------------------------------------------------
-- exams
-- ---------------------------------------------------------------------------
INSERT INTO exams (id, vendor_id, code, name, description, passing_score, question_count,
                   time_limit_minutes, version, expires_at, difficulty_level, prerequisites,
                   price_cents, is_active, is_beta, created_at, updated_at)
WITH RECURSIVE
cfg AS (SELECT * FROM _seed_cfg),
seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq, cfg WHERE n < cfg.n_exams),
r0 AS (SELECT n, (n * 2654435761 + 1101) % 4294967296 AS a FROM seq),
r1 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a FROM r0),
r2 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a FROM r1),
r AS MATERIALIZED (SELECT n, (a + (a >> 16)) % 4294967296 AS h1 FROM r2),
known(i, vendor, code, name, qc, mins, pass, ver, lvl, price, prereq, exp_days) AS (VALUES
  (1,  'comptia',   '220-1101', 'CompTIA A+ Core 1',                              90, 90,  0.75,  'V15', 2, 2900, NULL,                       210),
  (2,  'comptia',   'N10-009',  'CompTIA Network+',                               90, 90,  0.8,   'V9',  3, 3900, NULL,                       NULL),
  (3,  'comptia',   'SY0-701',  'CompTIA Security+',                              90, 90,  0.833, 'V7',  3, 3900, '["N10-009"]',              NULL),
  (4,  'cisco',     '200-301',  'Cisco Certified Network Associate (CCNA)',      100, 120, 0.825, 'v1.1',4, 4900, NULL,                       540),
  (5,  'aws',       'SAA-C03',  'AWS Certified Solutions Architect - Associate',  65, 130, 0.72,  'C03', 4, 3900, '["CLF-C02"]',              NULL),
  (6,  'microsoft', 'AZ-900',   'Microsoft Azure Fundamentals',                   45, 45,  0.7,   '2024',1, 0,    NULL,                       NULL),
  (7,  'microsoft', 'AZ-104',   'Microsoft Azure Administrator',                  55, 100, 0.7,   '2024',4, 3900, '["AZ-900"]',               NULL),
  (8,  'google',    'ACE',      'Google Cloud Associate Cloud Engineer',          50, 120, 0.7,   '2023',3, 3900, NULL,                       NULL),
  (9,  'comptia',   'XK0-005',  'CompTIA Linux+',                                 90, 90,  0.8,   'V5',  3, 2900, '["220-1101"]',             NULL),
  (10, 'comptia',   'CS0-003',  'CompTIA CySA+',                                  85, 165, 0.833, 'V3',  4, 4900, '["N10-009","SY0-701"]',    NULL),
  (11, 'aws',       'CLF-C02',  'AWS Certified Cloud Practitioner',               65, 90,  0.7,   'C02', 1, 0,    NULL,                       NULL),
  (12, 'cisco',     '350-401',  'Cisco CCNP Enterprise Core (ENCOR)',            100, 120, 0.8,   'v1.1',5, 5900, '["200-301"]',              NULL)),
vendors(k, vendor) AS (VALUES (0,'comptia'),(1,'cisco'),(2,'aws'),(3,'microsoft'),(4,'google'),(5,'linux-foundation')),
e AS (
  SELECT r.n, r.h1, cfg.now,
         coalesce(k.vendor, (SELECT vendor FROM vendors WHERE vendors.k = r.n % 6))      AS vendor,
         coalesce(k.code, printf('PTP-%04d', r.n))                                      AS code,
         coalesce(k.name, printf('PingToPass Practice Certification %d', r.n))          AS name,
         coalesce(k.qc, 60 + (r.h1 % 5) * 10)                                           AS qc,
         coalesce(k.mins, 90 + (r.h1 / 5 % 4) * 15)                                     AS mins,
         coalesce(k.pass, 0.7)                                                          AS pass,
         coalesce(k.ver, 'V1')                                                          AS ver,
         coalesce(k.lvl, 1 + r.h1 / 20 % 5)                                             AS lvl,
         coalesce(k.price, 1900 + (r.h1 / 100 % 4) * 1000)                              AS price,
         k.prereq, k.exp_days,
         -- created 400..700 days ago; about one in ten rows keeps the SQL default text form
         cfg.now - 34560000 - (r.h1 / 1000 % 300) * 86400 - (r.h1 / 300000 % 86400)    AS created_ts,
         (r.h1 / 1000000 % 10 = 0)                                                      AS txt
  FROM r CROSS JOIN cfg LEFT JOIN known k ON k.i = r.n)
SELECT n, vendor, code, name,
       printf('Practice questions, study sessions and timed mock exams for the %s (%s) certification exam.', name, code),
       pass, qc, mins, ver,
       CASE WHEN exp_days IS NOT NULL THEN now + exp_days * 86400 END,
       lvl, prereq, price,
       1,
       (n > 12 AND n % 3 = 0),
       CASE WHEN txt THEN datetime(created_ts, 'unixepoch') ELSE created_ts END,
       CASE WHEN txt THEN datetime(created_ts, 'unixepoch') ELSE created_ts + 86400 * (30 + h1 % 200) END
FROM e ORDER BY n;

-- ---------------------------------------------------------------------------
-- objectives: spread evenly over the exams (contiguous id blocks per exam);
-- the first half of an exam's block are top-level domains "1.0", "2.0", ...,
-- the rest are sub-objectives "1.1", "2.1", ... pointing at their domain.
-- ---------------------------------------------------------------------------
INSERT INTO objectives (id, exam_id, code, name, description, weight, question_percentage,
                        parent_id, sort_order, is_active, created_at)
WITH RECURSIVE
cfg AS (SELECT * FROM _seed_cfg),
seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq, cfg WHERE n < cfg.n_objectives),
r0 AS (SELECT n, (n * 2654435761 + 2201) % 4294967296 AS a FROM seq),
r1 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a FROM r0),
r2 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a FROM r1),
r AS MATERIALIZED (SELECT n, (a + (a >> 16)) % 4294967296 AS h1 FROM r2),
v AS (SELECT
  '["Networking Fundamentals","Network Implementations","Network Operations","Network Security","Network Troubleshooting","Hardware and Devices","Operating Systems","Software Troubleshooting","Operational Procedures","Threats, Vulnerabilities, and Mitigations","Security Architecture","Security Operations","Security Program Management","Identity and Access Management","Cloud Concepts","Design Resilient Architectures","Design High-Performing Architectures","Design Secure Architectures","Cost-Optimized Architectures","IP Connectivity","IP Services","Automation and Programmability","Virtualization and Containers","Scripting and Automation"]' AS domains,
  '["Concepts","Configuration","Monitoring","Troubleshooting","Best Practices","Tools","Policies","Scenarios"]' AS subs),
o1 AS (
  SELECT r.n, r.h1, cfg.now,
         (r.n - 1) * cfg.n_exams / cfg.n_objectives + 1 AS exam_id,
         cfg.n_exams, cfg.n_objectives
  FROM r CROSS JOIN cfg),
o2 AS (
  SELECT o1.*,
         ((exam_id - 1) * n_objectives + n_exams - 1) / n_exams + 1 AS first_id,
         (exam_id * n_objectives + n_exams - 1) / n_exams + 1       AS next_first_id
  FROM o1),
o3 AS (
  SELECT o2.*, n - first_id AS j, (next_first_id - first_id + 1) / 2 AS top
  FROM o2),
o4 AS (
  SELECT o3.*, (j >= top) AS is_child,
         CASE WHEN j < top THEN j ELSE (j - top) % top END AS dom,
         CASE WHEN j < top THEN 0 ELSE (j - top) / top + 1 END AS sub
  FROM o3),
o AS (
  SELECT o4.*, e.code AS exam_code,
         json_extract(v.domains, '$[' || ((exam_id * 7 + dom) % 24) || ']') AS dom_name,
         json_extract(v.subs, '$[' || ((exam_id + dom + sub) % 8) || ']') AS sub_name,
         now - 34560000 + (h1 % 86400) AS created_ts
  FROM o4 JOIN exams e ON e.id = o4.exam_id CROSS JOIN v)
SELECT n, exam_id,
       (dom + 1) || '.' || sub,
       CASE WHEN is_child THEN dom_name || ': ' || sub_name ELSE dom_name END,
       CASE WHEN is_child
            THEN printf('%s for %s as covered by objective %d.%d of %s.', sub_name, lower(dom_name), dom + 1, sub, exam_code)
            ELSE printf('Exam domain %d.0 of %s: %s.', dom + 1, exam_code, lower(dom_name)) END,
       CASE WHEN is_child THEN CAST(500.0 / top + 0.5 AS INTEGER) / 1000.0 ELSE CAST(1000.0 / top + 0.5 AS INTEGER) / 1000.0 END,
       CASE WHEN is_child THEN NULL ELSE CAST(1000.0 / top + 0.5 AS INTEGER) / 10.0 END,
       CASE WHEN is_child THEN first_id + dom END,
       CASE WHEN is_child THEN sub ELSE dom + 1 END,
       1,
       CASE WHEN h1 / 86400 % 10 = 0 THEN datetime(created_ts, 'unixepoch') ELSE created_ts END
FROM o ORDER BY n;

-- ---------------------------------------------------------------------------
-- users: ids follow sign-up order; sign-ups accelerate over the last two years.
-- user 1 is the admin, users 2..5 are moderators (question reviewers).
-- ---------------------------------------------------------------------------
INSERT INTO users (id, email, name, picture, provider, provider_id, password_hash, role, permissions,
                   subscription_status, subscription_expires_at, stripe_customer_id,
                   stripe_subscription_id, bio, timezone, preferred_language, last_login,
                   login_count, is_active, email_verified, created_at, updated_at)
WITH RECURSIVE
cfg AS (SELECT * FROM _seed_cfg),
seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq, cfg WHERE n < cfg.n_users),
r0 AS (SELECT n, (n * 2654435761 + 3301) % 4294967296 AS a, (n * 2654435761 + 3302) % 4294967296 AS b,
              (n * 2654435761 + 3303) % 4294967296 AS c FROM seq),
r1 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b,
              (c + (c >> 16)) * 73244475 % 4294967296 AS c FROM r0),
r2 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b,
              (c + (c >> 16)) * 73244475 % 4294967296 AS c FROM r1),
r AS MATERIALIZED (SELECT n, (a + (a >> 16)) % 4294967296 AS h1, (b + (b >> 16)) % 4294967296 AS h2,
                          (c + (c >> 16)) % 4294967296 AS h3 FROM r2),
v AS (SELECT
  '["James","Mary","Robert","Patricia","John","Jennifer","Michael","Linda","David","Elizabeth","William","Barbara","Richard","Susan","Joseph","Jessica","Thomas","Sarah","Carlos","Maria","Wei","Priya","Ahmed","Fatima","Kenji","Yuki","Olga","Ivan","Amara","Kwame","Lucas","Sofia"]' AS first,
  '["Smith","Johnson","Williams","Brown","Jones","Garcia","Miller","Davis","Rodriguez","Martinez","Hernandez","Lopez","Gonzalez","Wilson","Anderson","Thomas","Taylor","Moore","Jackson","Martin","Lee","Perez","Thompson","White","Harris","Sanchez","Clark","Ramirez","Lewis","Robinson","Walker","Young"]' AS last,
  '["gmail.com","outlook.com","yahoo.com","proton.me","icloud.com","hotmail.com","example.edu","corp.example.com"]' AS domains,
  '["UTC","America/New_York","America/Chicago","America/Denver","America/Los_Angeles","Europe/London","Europe/Berlin","Asia/Kolkata","Asia/Singapore","Australia/Sydney","America/Sao_Paulo","Africa/Lagos"]' AS tzs,
  '["Help desk technician","Junior network admin","IT student","Career changer","Systems administrator","Cloud engineer","SOC analyst","Field technician"]' AS titles,
  '["220-1101","N10-009","SY0-701","CCNA","SAA-C03","AZ-104"]' AS goals),
u1 AS (
  SELECT r.*, cfg.now, cfg.n_users,
         json_extract(v.first, '$[' || (h1 % 32) || ']') AS fn,
         json_extract(v.last, '$[' || (h1 / 32 % 32) || ']') AS ln,
         json_extract(v.domains, '$[' || (h1 / 1024 % 8) || ']') AS dom,
         json_extract(v.tzs, '$[' || (h2 % 12) || ']') AS tz,
         json_extract(v.titles, '$[' || (h2 / 12 % 8) || ']') AS title,
         json_extract(v.goals, '$[' || (h2 / 96 % 6) || ']') AS goal,
         CASE WHEN n = 1 OR h1 / 8192 % 10 < 3 THEN 'email' ELSE 'google' END AS provider,
         CASE WHEN n = 1 THEN 'enterprise'
              WHEN h2 / 576 % 100 < 75 THEN 'free'
              WHEN h2 / 576 % 100 < 97 THEN 'premium' ELSE 'enterprise' END AS sub,
         -- sign-up time: position p in [0,1) mapped through p*(2-p) (accelerating growth)
         now - 63072000
           + CAST(((n - 1) * 1.0 / n_users) * (2.0 - (n - 1) * 1.0 / n_users) * 62640000 AS INTEGER)
           + h3 % 21600 AS created_ts,
         (h3 / 21600 % 10 = 0) AS txt
  FROM r CROSS JOIN cfg CROSS JOIN v),
u AS (
  SELECT u1.*,
         CASE WHEN n = 1 THEN 'admin' WHEN n <= 5 THEN 'moderator' ELSE 'user' END AS role
  FROM u1)
SELECT n,
       CASE WHEN n = 1 THEN 'admin@pingtopass.com'
            ELSE lower(fn) || '.' || lower(ln) || n || '@' || dom END,
       CASE WHEN n = 1 THEN 'PingToPass Admin' ELSE fn || ' ' || ln END,
       CASE WHEN provider = 'google' THEN printf('https://lh3.googleusercontent.com/a/ACg8oc%08x%08x=s96-c', h1, h3)
            WHEN h3 / 216000 % 10 < 3 THEN printf('https://www.gravatar.com/avatar/%08x%08x%08x%08x', h1, h2, h3, (h1 + h2) % 4294967296) END,
       provider,
       CASE WHEN provider = 'google' THEN printf('1%010d%010d', h1 % 10000000000, h2 % 10000000000) END,
       CASE WHEN provider = 'email' THEN '$2b$10$' || substr(printf('%08x%08x%08x%08x%08x%08x%08x', h1, h2, h3, (h1 + h3) % 4294967296, (h2 + h3) % 4294967296, (h1 * 3 + h2) % 4294967296, (h3 * 5 + h1) % 4294967296), 1, 53) END,
       role,
       CASE role WHEN 'admin' THEN '["admin:*","questions:write","questions:review","users:manage","twitter:manage"]'
                 WHEN 'moderator' THEN '["questions:review","questions:write"]' ELSE '[]' END,
       sub,
       CASE WHEN sub <> 'free' THEN now + 86400 * (1 + h3 / 2160000 % 365) END,
       CASE WHEN sub <> 'free' OR h2 / 57600 % 20 = 0 THEN printf('cus_%08X%06X', h2, h3 % 16777216) END,
       CASE WHEN sub <> 'free' THEN printf('sub_%08X%06X', h3, h1 % 16777216) END,
       CASE WHEN h2 / 1152000 % 10 < 3 THEN printf('%s preparing for %s.', title, goal) END,
       tz,
       CASE WHEN h1 / 81920 % 100 < 85 THEN 'en'
            WHEN h1 / 81920 % 100 < 90 THEN 'es'
            WHEN h1 / 81920 % 100 < 93 THEN 'pt'
            WHEN h1 / 81920 % 100 < 96 THEN 'de'
            WHEN h1 / 81920 % 100 < 98 THEN 'fr' ELSE 'hi' END,
       -- last_login / login_count are refreshed from the study sessions further down
       created_ts + (h2 % 86400),
       1,
       CASE WHEN n <= 5 THEN 1 ELSE h1 / 8192000 % 100 >= 3 END,
       CASE WHEN provider = 'google' THEN 1 ELSE h2 / 11520000 % 10 < 7 END,
       CASE WHEN txt THEN datetime(created_ts, 'unixepoch') ELSE created_ts END,
       CASE WHEN txt THEN datetime(created_ts, 'unixepoch') ELSE created_ts + (h2 % 86400) END
FROM u ORDER BY n;

-- ---------------------------------------------------------------------------
-- questions: contiguous id blocks per objective (and so per exam).
-- Text is assembled from a small IT vocabulary so full-text search finds words
-- like "DNS", "firewall", "VLAN", "subnet", "certificate".
-- Questions created in the last 60 days are never active+approved+non-beta,
-- so answers (all older) only reference questions that existed at the time.
-- ---------------------------------------------------------------------------
INSERT INTO questions (id, exam_id, objective_id, text, type, answers, explanation, reference,
                       external_link, difficulty, tags, ai_generated, ai_model, ai_prompt_version,
                       ai_confidence_score, review_status, reviewed_by, reviewed_at,
                       total_attempts, correct_attempts, avg_time_seconds, discrimination_index,
                       image_url, diagram_data, is_active, is_beta, created_at, updated_at)
WITH RECURSIVE
cfg AS (SELECT * FROM _seed_cfg),
seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq, cfg WHERE n < cfg.n_questions),
r0 AS (SELECT n, (n * 2654435761 + 4401) % 4294967296 AS a, (n * 2654435761 + 4402) % 4294967296 AS b,
              (n * 2654435761 + 4403) % 4294967296 AS c, (n * 2654435761 + 4404) % 4294967296 AS d,
              (n * 2654435761 + 4405) % 4294967296 AS e FROM seq),
r1 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b,
              (c + (c >> 16)) * 73244475 % 4294967296 AS c, (d + (d >> 16)) * 73244475 % 4294967296 AS d,
              (e + (e >> 16)) * 73244475 % 4294967296 AS e FROM r0),
r2 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b,
              (c + (c >> 16)) * 73244475 % 4294967296 AS c, (d + (d >> 16)) * 73244475 % 4294967296 AS d,
              (e + (e >> 16)) * 73244475 % 4294967296 AS e FROM r1),
r AS MATERIALIZED (SELECT n, (a + (a >> 16)) % 4294967296 AS h1, (b + (b >> 16)) % 4294967296 AS h2,
                          (c + (c >> 16)) % 4294967296 AS h3, (d + (d >> 16)) % 4294967296 AS h4,
                          (e + (e >> 16)) % 4294967296 AS h5 FROM r2),
v AS (SELECT
  '["network technician","junior administrator","security analyst","cloud engineer","help desk technician","systems administrator","DevOps engineer","network engineer","SOC analyst","database administrator","IT manager","penetration tester"]' AS roles,
  '["regional hospital","small law firm","university campus","manufacturing plant","retail chain","financial services company","government agency","software startup","call center","logistics company"]' AS orgs,
  '["the DNS server","the DHCP scope","the core switch","the edge router","the wireless access point","the VPN concentrator","the stateful firewall","the load balancer","the VLAN trunk","the OSPF adjacency","the BGP session","the NAT gateway","the S3 bucket policy","the IAM role","the EC2 instance","the Kubernetes pod","the Docker container","the Linux file server","the RAID array","the backup job","the TLS certificate","the LDAP directory","the Active Directory domain controller","the SIEM correlation rule","the endpoint agent","the hypervisor host","the virtual machine","the SSH daemon","the IPv6 subnet","the spanning tree root bridge","the PoE switch port","the MFA policy","the web application firewall","the cron job","the SQL database replica","the CDN edge cache","the syslog collector","the patch management server","the print server","the laptop docking station"]' AS topics,
  '["dns","dhcp","switching","routing","wireless","vpn","firewall","load-balancing","vlan","ospf","bgp","nat","s3","iam","ec2","kubernetes","containers","linux","storage","backup","tls","ldap","active-directory","siem","endpoint","virtualization","virtualization","ssh","ipv6","stp","poe","mfa","waf","linux","databases","cdn","logging","patching","printing","hardware"]' AS topic_tags,
  '["intermittently drops connections","stops responding to requests","hands out incorrect addresses","shows very high latency","rejects valid credentials","logs repeated authentication failures","floods the network with broadcasts","fails its health checks","reports a certificate expiration warning","runs out of available leases","consumes all available CPU","cannot reach the default gateway"]' AS symptoms,
  '["a scheduled firmware upgrade","a recent configuration change","a power outage","the migration to a new subnet","a security patch rollout","the onboarding of fifty new users","a failover test","the deployment of a new application","a change to the firewall rules","the replacement of a faulty cable"]' AS events,
  '["check","configure","verify","replace","restart","document","escalate","isolate"]' AS verbs,
  '["restore service with minimal downtime","identify the root cause","prevent the issue from recurring","comply with the change management policy","minimize the attack surface","preserve evidence for the investigation","meet the availability requirement","reduce operational costs"]' AS goals,
  '["multiple subnets share the same broadcast domain","traffic must be encrypted end to end","the primary link fails","users authenticate from remote locations","the workload scales automatically","least privilege must be enforced","logs must be retained for one year","latency must stay below fifty milliseconds"]' AS conds,
  '["The company recently moved several workloads to a hybrid cloud environment.","Management requires every change to be approved by the change advisory board.","The network uses a three-tier design with redundant uplinks.","Several users have reported the problem through the help desk portal.","The organization must comply with PCI DSS and HIPAA requirements.","Monitoring shows no hardware alarms on the affected devices.","The security team suspects a misconfiguration rather than an attack.","Budget constraints prevent the purchase of new equipment this quarter."]' AS ctxs,
  '["must be validated before any other change is attempted","is the most common point of failure in this scenario","depends on consistent configuration across every device in the path","directly controls whether clients can reach the service","is where the logs show the first error","is the component affected by the recent change","enforces the security policy for this traffic","determines how quickly service can be restored"]' AS reasons,
  '["Verify the DNS records and flush the local resolver cache","Configure a static route on the edge router","Enable port security on the access switch","Increase the DHCP lease time and expand the scope","Replace the patch cable with a shielded Cat6 cable","Apply the principle of least privilege to the IAM role","Enable multifactor authentication for all administrator accounts","Renew the TLS certificate and restart the web service","Add a firewall rule that allows the required TCP port","Move the server to a dedicated management VLAN","Restore the configuration from the last known good backup","Check the spanning tree topology for switching loops","Update the firmware on the wireless LAN controller","Place the servers behind a load balancer with health checks","Rotate the access keys and review the audit logs","Configure NAT overload on the internet gateway","Forward the event logs to the SIEM for correlation","Resize the virtual machine to add memory and CPU","Rebuild the RAID array using the hot spare disk","Segment the network with access control lists","Disable all unused switch ports","Run a packet capture on the uplink interface","Reset the user password and unlock the account","Enable encryption at rest for the storage bucket","Lower the OSPF cost on the backup link","Configure a site-to-site IPsec VPN tunnel","Schedule the backup job outside business hours","Deploy an endpoint detection and response agent","Create a CNAME record for the new service","Set the correct default gateway on the host","Enable DHCP snooping and dynamic ARP inspection"]' AS opts,
  '["troubleshooting","concepts","implementation","security"]' AS cats,
  '["qwen-2.5-72b","claude-3-haiku","gpt-4o-mini"]' AS models),
q1 AS (
  SELECT r.*, cfg.now, cfg.n_users,
         (r.n - 1) * cfg.n_objectives / cfg.n_questions + 1 AS objective_id,
         h1 % 4 AS tpl,
         CASE WHEN h2 / 768 % 100 < 80 THEN 'multiple_choice'
              WHEN h2 / 768 % 100 < 92 THEN 'multi_select' ELSE 'true_false' END AS qtype,
         CASE WHEN h2 / 76800 % 100 < 10 THEN 1 WHEN h2 / 76800 % 100 < 35 THEN 2
              WHEN h2 / 76800 % 100 < 70 THEN 3 WHEN h2 / 76800 % 100 < 90 THEN 4 ELSE 5 END AS difficulty,
         h2 / 7680000 % 31 AS obase,
         1 + h2 / 238080000 % 18 AS ostep,
         h3 % 20 AS corr,
         (h4 / 10 % 100 < 5) AS recent,
         h3 / 20 % 100 AS review_sel
  FROM r CROSS JOIN cfg),
q2 AS (
  SELECT q1.*, o.exam_id, o.code AS ocode, e.code AS exam_code, e.vendor_id,
         (o.exam_id * 5 + h2 % 12) % 40 AS ti,
         CASE qtype WHEN 'multiple_choice' THEN corr % 4 WHEN 'true_false' THEN corr % 2 ELSE corr % 5 END AS c1,
         CASE WHEN qtype = 'multi_select' THEN (corr % 5 + 1 + corr / 5 % 4) % 5 END AS c2,
         CASE WHEN recent THEN CASE WHEN review_sel < 60 THEN 'pending' WHEN review_sel < 75 THEN 'needs_revision' ELSE 'approved' END
              WHEN review_sel < 86 THEN 'approved' WHEN review_sel < 92 THEN 'pending'
              WHEN review_sel < 96 THEN 'needs_revision' ELSE 'rejected' END AS status,
         CASE WHEN recent THEN now - (1 + h4 / 1000 % 58) * 86400 - h5 % 86400
              ELSE now - (61 + h4 / 1000 % 480) * 86400 - h5 % 86400 END AS created_ts
  FROM q1 JOIN objectives o ON o.id = q1.objective_id JOIN exams e ON e.id = o.exam_id),
q AS (
  SELECT q2.*,
         json_extract(v.roles, '$[' || (h1 / 4 % 12) || ']')       AS role,
         json_extract(v.orgs, '$[' || (h1 / 48 % 10) || ']')        AS org,
         json_extract(v.symptoms, '$[' || (h1 / 480 % 12) || ']')   AS sym,
         json_extract(v.events, '$[' || (h1 / 5760 % 10) || ']')    AS ev,
         json_extract(v.verbs, '$[' || (h1 / 57600 % 8) || ']')     AS verb,
         json_extract(v.goals, '$[' || (h1 / 460800 % 8) || ']')    AS goal,
         json_extract(v.reasons, '$[' || (h1 / 3686400 % 8) || ']') AS reason,
         json_extract(v.topics, '$[' || ti || ']')                  AS topic,
         json_extract(v.topic_tags, '$[' || ti || ']')              AS topic_tag,
         json_extract(v.conds, '$[' || (h2 / 12 % 8) || ']')        AS cond,
         json_extract(v.ctxs, '$[' || (h2 / 96 % 8) || ']')         AS ctx,
         json_extract(v.cats, '$[' || tpl || ']')                   AS cat,
         json_extract(v.models, '$[' || (h3 / 20000000 % 3) || ']') AS model,
         json_extract(v.opts, '$[' || ((obase + 0 * ostep) % 31) || ']') AS o0,
         json_extract(v.opts, '$[' || ((obase + 1 * ostep) % 31) || ']') AS o1,
         json_extract(v.opts, '$[' || ((obase + 2 * ostep) % 31) || ']') AS o2,
         json_extract(v.opts, '$[' || ((obase + 3 * ostep) % 31) || ']') AS o3,
         json_extract(v.opts, '$[' || ((obase + 4 * ostep) % 31) || ']') AS o4,
         json_extract(v.opts, '$[' || ((obase + c1 * ostep) % 31) || ']') AS correct_text
  FROM q2 CROSS JOIN v)
SELECT n, exam_id, objective_id,
       CASE WHEN qtype = 'true_false'
              THEN printf('True or False: after %s, a %s should %s %s first in order to %s.', ev, role, verb, topic, goal)
            ELSE CASE tpl
              WHEN 0 THEN printf('A %s at a %s reports that %s %s after %s. Which of the following should the technician %s first to %s?', role, org, topic, sym, ev, verb, goal)
              WHEN 1 THEN printf('%s Which of the following BEST describes how %s should be configured when %s?', ctx, topic, cond)
              WHEN 2 THEN printf('A %s at a %s must %s for %s. %s Which of the following solutions BEST meets these requirements?', role, org, goal, topic, ctx)
              ELSE printf('During a routine audit at a %s, a %s discovers that %s %s. %s Which action should be taken FIRST?', org, role, topic, sym, ctx)
            END || CASE WHEN qtype = 'multi_select' THEN ' (Choose TWO.)' ELSE '' END
       END,
       qtype,
       CASE qtype
         WHEN 'true_false' THEN json_array(
           json_object('id', 'a', 'text', 'True',  'isCorrect', json(CASE c1 WHEN 0 THEN 'true' ELSE 'false' END)),
           json_object('id', 'b', 'text', 'False', 'isCorrect', json(CASE c1 WHEN 1 THEN 'true' ELSE 'false' END)))
         WHEN 'multiple_choice' THEN json_array(
           json_object('id', 'a', 'text', o0, 'isCorrect', json(CASE c1 WHEN 0 THEN 'true' ELSE 'false' END)),
           json_object('id', 'b', 'text', o1, 'isCorrect', json(CASE c1 WHEN 1 THEN 'true' ELSE 'false' END)),
           json_object('id', 'c', 'text', o2, 'isCorrect', json(CASE c1 WHEN 2 THEN 'true' ELSE 'false' END)),
           json_object('id', 'd', 'text', o3, 'isCorrect', json(CASE c1 WHEN 3 THEN 'true' ELSE 'false' END)))
         ELSE json_array(
           json_object('id', 'a', 'text', o0, 'isCorrect', json(CASE WHEN 0 IN (c1, c2) THEN 'true' ELSE 'false' END)),
           json_object('id', 'b', 'text', o1, 'isCorrect', json(CASE WHEN 1 IN (c1, c2) THEN 'true' ELSE 'false' END)),
           json_object('id', 'c', 'text', o2, 'isCorrect', json(CASE WHEN 2 IN (c1, c2) THEN 'true' ELSE 'false' END)),
           json_object('id', 'd', 'text', o3, 'isCorrect', json(CASE WHEN 3 IN (c1, c2) THEN 'true' ELSE 'false' END)),
           json_object('id', 'e', 'text', o4, 'isCorrect', json(CASE WHEN 4 IN (c1, c2) THEN 'true' ELSE 'false' END)))
       END,
       CASE WHEN qtype = 'true_false'
              THEN printf('The statement is %s: %s %s, so the first step must be chosen to %s.', CASE c1 WHEN 0 THEN 'true' ELSE 'false' END, topic, reason, goal)
            ELSE printf('%s is correct because %s %s. The other options do not address why %s %s, or they add risk without solving the problem.', correct_text, topic, reason, topic, sym)
       END,
       printf('%s Official Study Guide, objective %s', exam_code, ocode),
       CASE WHEN h5 / 345600000 % 2 = 1 THEN printf('https://docs.pingtopass.example/%s/%s', vendor_id, topic_tag) END,
       difficulty,
       CASE WHEN difficulty >= 4 THEN json_array(topic_tag, cat, vendor_id, 'advanced')
            ELSE json_array(topic_tag, cat, vendor_id) END,
       (h3 / 200000 % 100 < 40),
       CASE WHEN h3 / 200000 % 100 < 40 THEN model END,
       CASE WHEN h3 / 200000 % 100 < 40 THEN 'v1.' || (h3 / 60000000 % 4) END,
       CASE WHEN h3 / 200000 % 100 < 40 THEN (60 + h5 / 86400 % 40) / 100.0 END,
       status,
       CASE WHEN status <> 'pending' THEN 1 + h5 / 691200000 % min(5, n_users) END,
       CASE WHEN status <> 'pending' THEN min(created_ts + 86400 * (1 + h4 % 14) + h1 % 3600, now - 3600) END,
       0, 0, 0, NULL,
       CASE WHEN h5 / 3456000 % 100 < 3 THEN printf('https://cdn.pingtopass.example/questions/%d.png', n) END,
       CASE WHEN h5 / 3456000 % 100 BETWEEN 3 AND 4 THEN json_object(
              'type', 'topology',
              'nodes', json_array('R1', 'SW1', 'FW1', 'SRV1'),
              'links', json_array(json_array('R1', 'SW1'), json_array('SW1', 'FW1'), json_array('FW1', 'SRV1'))) END,
       CASE WHEN status = 'rejected' THEN 0 ELSE h3 / 2000 % 100 < 95 END,
       CASE WHEN recent AND status = 'approved' THEN 1 ELSE h3 / 60000000 % 71 < 3 END,
       CASE WHEN h4 % 10 = 0 THEN datetime(created_ts, 'unixepoch') ELSE created_ts END,
       CASE WHEN h4 % 10 = 0 THEN datetime(created_ts, 'unixepoch')
            ELSE min(created_ts + 86400 * (h4 / 1000 % 30), now - 60) END
FROM q ORDER BY n;

-- ---------------------------------------------------------------------------
-- user_progress rows (statistics are filled in at the end from the answers).
-- Row k belongs to user ((k-1) mod n_users)+1; a user's rows cover consecutive
-- exams starting at a per-user "primary" exam (skewed towards the first exams),
-- so (user_id, exam_id) is unique.  Sessions and tests pick their exam among
-- the user's progress rows: progress id = j * n_users + user_id.
-- ---------------------------------------------------------------------------
INSERT INTO user_progress (id, user_id, exam_id)
WITH RECURSIVE
cfg AS (SELECT * FROM _seed_cfg),
seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq, cfg WHERE n < cfg.n_progress),
k AS (SELECT n, (n - 1) % cfg.n_users + 1 AS u, (n - 1) / cfg.n_users AS j FROM seq, cfg),
r0 AS (SELECT n, u, j, (u * 2654435761 + 5501) % 4294967296 AS a FROM k),
r1 AS (SELECT n, u, j, (a + (a >> 16)) * 73244475 % 4294967296 AS a FROM r0),
r2 AS (SELECT n, u, j, (a + (a >> 16)) * 73244475 % 4294967296 AS a FROM r1),
r AS MATERIALIZED (SELECT n, u, j, (a + (a >> 16)) % 4294967296 AS h1 FROM r2),
p AS (
  SELECT n, u, j, cfg.n_exams,
         -- x in [0,1): mean of a uniform and a product of two uniforms -> favours low exam ids
         CAST(cfg.n_exams * ((h1 % 10000) / 10000.0 + (h1 % 10000) / 10000.0 * (h1 / 10000 % 10000) / 10000.0) / 2.0 AS INTEGER) AS e0
  FROM r CROSS JOIN cfg)
SELECT n, u, (e0 + j) % n_exams + 1 FROM p ORDER BY n;

-- ---------------------------------------------------------------------------
-- study_sessions (answer statistics are filled in after user_answers).
-- total_questions holds the number of answers to generate for the session.
-- ---------------------------------------------------------------------------
INSERT INTO study_sessions (id, user_id, exam_id, mode, objectives, difficulty_filter, question_count,
                            total_questions, skipped_questions, status, created_at, last_activity)
WITH RECURSIVE
cfg AS (SELECT *, CASE WHEN n_users % 7919 = 0 THEN 7907 ELSE 7919 END AS perm FROM _seed_cfg),
seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq, cfg WHERE n < cfg.n_sessions),
r0 AS (SELECT n, (n * 2654435761 + 6601) % 4294967296 AS a, (n * 2654435761 + 6602) % 4294967296 AS b,
              (n * 2654435761 + 6603) % 4294967296 AS c, (n * 2654435761 + 6604) % 4294967296 AS d FROM seq),
r1 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b,
              (c + (c >> 16)) * 73244475 % 4294967296 AS c, (d + (d >> 16)) * 73244475 % 4294967296 AS d FROM r0),
r2 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b,
              (c + (c >> 16)) * 73244475 % 4294967296 AS c, (d + (d >> 16)) * 73244475 % 4294967296 AS d FROM r1),
r AS MATERIALIZED (SELECT n, (a + (a >> 16)) % 4294967296 AS h1, (b + (b >> 16)) % 4294967296 AS h2,
                          (c + (c >> 16)) % 4294967296 AS h3, (d + (d >> 16)) % 4294967296 AS h4 FROM r2),
eo AS (SELECT exam_id, min(id) AS first_obj, count(*) AS n_obj FROM objectives GROUP BY exam_id),
s1 AS (
  -- skewed user choice: 40% uniform, 60% squared-uniform (power users), then a
  -- fixed permutation so that power users are spread over sign-up dates
  SELECT r.*, cfg.now, cfg.n_users, cfg.n_progress, cfg.perm,
         1 + CAST(cfg.n_users * CASE WHEN h1 % 10 < 4 THEN (h1 / 10 % 100000) / 100000.0
                                     ELSE ((h1 / 10 % 100000) / 100000.0) * ((h1 / 10 % 100000) / 100000.0) END AS INTEGER) AS v
  FROM r CROSS JOIN cfg),
s2 AS (
  SELECT s1.*, ((v - 1) * perm + n_users / 3) % n_users + 1 AS u FROM s1),
s3 AS (
  SELECT s2.*,
         (h2 % (n_progress / n_users + (u <= n_progress % n_users))) * n_users + u AS progress_id
  FROM s2),
s4 AS (
  SELECT s3.*, p.exam_id,
         now - CASE WHEN typeof(us.created_at) = 'integer' THEN us.created_at
                    ELSE CAST(strftime('%s', us.created_at) AS INTEGER) END AS age,
         CASE WHEN h2 / 100 % 100 < 55 THEN 'practice' WHEN h2 / 100 % 100 < 70 THEN 'review'
              WHEN h2 / 100 % 100 < 80 THEN 'speed_drill' WHEN h2 / 100 % 100 < 92 THEN 'weak_areas'
              ELSE 'custom' END AS mode
  FROM s3 JOIN user_progress p ON p.id = s3.progress_id JOIN users us ON us.id = s3.u),
s5 AS (
  SELECT s4.*,
         CASE WHEN mode = 'speed_drill' THEN 10
              WHEN h2 / 10000 % 100 < 28 THEN 5 WHEN h2 / 10000 % 100 < 74 THEN 10
              WHEN h2 / 10000 % 100 < 93 THEN 15 ELSE 20 END AS qc,
         -- start offset: recent-heavy mix of uniform and product-of-uniforms within
         -- min(60 days, account age); always >= 4 h so every answer lies in the past
         14400 + CAST(((h3 % 100000) / 100000.0 + (h3 % 100000) / 100000.0 * (h3 / 100000 % 10000) / 10000.0) / 2.0
                      * (min(age - 3600, 5184000) - 14400) AS INTEGER) AS off
  FROM s4),
s6 AS (
  SELECT s5.*, now - off AS start_ts,
         CASE WHEN off < 172800 THEN CASE WHEN h4 % 100 < 30 THEN 'active' WHEN h4 % 100 < 40 THEN 'paused' ELSE 'completed' END
              WHEN h4 % 100 < 86 THEN 'completed' WHEN h4 % 100 < 96 THEN 'abandoned' ELSE 'paused' END AS status
  FROM s5),
s AS (
  SELECT s6.*,
         CASE WHEN status = 'completed' AND h4 / 100 % 10 = 0 THEN 1 ELSE 0 END AS skipped,
         eo.first_obj, eo.n_obj
  FROM s6 JOIN eo ON eo.exam_id = s6.exam_id)
SELECT n, u, exam_id, mode,
       CASE WHEN mode = 'weak_areas' AND n_obj > 1
              THEN json_array(first_obj + h1 / 1000000 % n_obj, first_obj + (h1 / 1000000 % n_obj + 1) % n_obj)
            WHEN mode IN ('weak_areas', 'custom') THEN json_array(first_obj + h1 / 1000000 % n_obj) END,
       CASE WHEN mode = 'custom' THEN '{"min":1,"max":5}' END,
       qc,
       CASE status WHEN 'completed' THEN qc - skipped
                   WHEN 'abandoned' THEN 1 + h4 / 1000 % max(1, qc / 2)
                   ELSE 1 + h4 / 1000 % max(1, qc - 1) END,
       skipped,
       status,
       CASE WHEN h4 / 100000 % 10 = 0 THEN datetime(start_ts, 'unixepoch') ELSE start_ts END,
       start_ts
FROM s ORDER BY n;

-- ---------------------------------------------------------------------------
-- Scratch tables (TEMP, connection-local, emptied again at the end).
-- Real indexed tables instead of CTE joins keep the query plans linear on
-- every SQLite/libSQL version.
-- _seed_pool: the servable questions (active, approved, not beta) ranked
-- 1..cnt within their exam; ckeys/wkeys = ids of correct / wrong options.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE IF NOT EXISTS _seed_pool (
  qid          INTEGER PRIMARY KEY,
  exam_id      INTEGER NOT NULL,
  objective_id INTEGER NOT NULL,
  rn           INTEGER NOT NULL,
  type         TEXT NOT NULL,
  difficulty   INTEGER NOT NULL,
  ckeys        TEXT NOT NULL,
  wkeys        TEXT NOT NULL,
  UNIQUE (exam_id, rn));
CREATE TEMP TABLE IF NOT EXISTS _seed_pool_exam (exam_id INTEGER PRIMARY KEY, cnt INTEGER NOT NULL);
CREATE TEMP TABLE IF NOT EXISTS _seed_pool_obj (objective_id INTEGER PRIMARY KEY, lo INTEGER NOT NULL, hi INTEGER NOT NULL);
DELETE FROM _seed_pool;
DELETE FROM _seed_pool_exam;
DELETE FROM _seed_pool_obj;

INSERT INTO _seed_pool (qid, exam_id, objective_id, rn, type, difficulty, ckeys, wkeys)
SELECT q.id, q.exam_id, q.objective_id,
       row_number() OVER (PARTITION BY q.exam_id ORDER BY q.id),
       q.type, q.difficulty,
       (SELECT group_concat(json_extract(j.value, '$.id'), '') FROM json_each(q.answers) j
         WHERE json_extract(j.value, '$.isCorrect')),
       (SELECT group_concat(json_extract(j.value, '$.id'), '') FROM json_each(q.answers) j
         WHERE NOT json_extract(j.value, '$.isCorrect'))
FROM questions q
WHERE q.is_active = 1 AND q.is_beta = 0 AND q.review_status = 'approved'
ORDER BY q.id;

INSERT INTO _seed_pool_exam (exam_id, cnt)
SELECT exam_id, count(*) FROM _seed_pool GROUP BY exam_id ORDER BY exam_id;

INSERT INTO _seed_pool_obj (objective_id, lo, hi)
SELECT objective_id, min(rn), max(rn) FROM _seed_pool GROUP BY objective_id ORDER BY objective_id;

-- ---------------------------------------------------------------------------
-- test_attempts: full-length mock exams over the exam's servable questions
-- (active, approved, not beta).  question_ids lists the test in order;
-- time_per_question has one entry per answered question.  Scores are filled
-- in from the answers further down.
-- ---------------------------------------------------------------------------
INSERT INTO test_attempts (id, user_id, exam_id, question_ids, time_limit_minutes, passing_score,
                           skipped_count, total_time_seconds, time_per_question, review_enabled,
                           certificate_issued, status, started_at, completed_at, expires_at)
WITH RECURSIVE
cfg AS (SELECT *, CASE WHEN n_users % 7919 = 0 THEN 7907 ELSE 7919 END AS perm FROM _seed_cfg),
seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq, cfg WHERE n < cfg.n_tests),
nums(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM nums WHERE k < 250),
r0 AS (SELECT n, (n * 2654435761 + 7701) % 4294967296 AS a, (n * 2654435761 + 7702) % 4294967296 AS b,
              (n * 2654435761 + 7703) % 4294967296 AS c FROM seq),
r1 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b,
              (c + (c >> 16)) * 73244475 % 4294967296 AS c FROM r0),
r2 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b,
              (c + (c >> 16)) * 73244475 % 4294967296 AS c FROM r1),
r AS MATERIALIZED (SELECT n, (a + (a >> 16)) % 4294967296 AS h1, (b + (b >> 16)) % 4294967296 AS h2,
                          (c + (c >> 16)) % 4294967296 AS h3 FROM r2),
t1 AS (
  SELECT r.*, cfg.now, cfg.n_users, cfg.n_progress,
         ((CAST(cfg.n_users * ((h1 % 100000) / 100000.0) * ((h1 / 100000 % 10000) / 10000.0) AS INTEGER)) * cfg.perm + cfg.n_users / 3) % cfg.n_users + 1 AS u
  FROM r CROSS JOIN cfg),
t2 AS (
  SELECT t1.*, p.exam_id, e.question_count, e.time_limit_minutes, e.passing_score, pe.cnt,
         now - CASE WHEN typeof(us.created_at) = 'integer' THEN us.created_at
                    ELSE CAST(strftime('%s', us.created_at) AS INTEGER) END AS age
  FROM t1
  JOIN user_progress p ON p.id = (h2 % (n_progress / n_users + (u <= n_progress % n_users))) * n_users + u
  JOIN users us ON us.id = t1.u
  JOIN exams e ON e.id = p.exam_id
  JOIN _seed_pool_exam pe ON pe.exam_id = p.exam_id),
t3 AS (
  SELECT t2.*,
         min(question_count, cnt) AS qc,
         CASE WHEN h3 % 100 < 6 THEN 'in_progress' WHEN h3 % 100 < 20 THEN 'abandoned' ELSE 'completed' END AS status,
         h2 / 100 % cnt AS start_rn,
         CASE WHEN cnt % 7919 <> 0 THEN 7919 ELSE 104729 END AS step
  FROM t2),
t AS (
  SELECT t3.*,
         CASE WHEN status = 'in_progress' THEN 300 + h3 / 100 % 3300
              ELSE 14400 + CAST((h3 / 100 % 100000) / 100000.0 * (min(age - 3600, 5184000) - 14400) AS INTEGER) END AS off,
         CASE status WHEN 'completed' THEN qc - CASE WHEN h3 / 10000000 % 10 < 3 THEN 1 + h3 / 100000000 % 3 ELSE 0 END
                     WHEN 'abandoned' THEN max(1, qc * (20 + h3 / 10000000 % 50) / 100)
                     ELSE qc END AS answer_target,
         -- per-question time span so that a test uses ~75% of its time limit
         max(10, time_limit_minutes * 60 * 3 / (2 * qc) - 20) AS span
  FROM t3),
slots AS (
  SELECT t.n, nums.k, pool.qid, t.answer_target, t.status, t.off,
         min(180, 10 + (((t.n * 1000003 + nums.k) * 2654435761 % 4294967296 + ((t.n * 1000003 + nums.k) * 2654435761 % 4294967296 >> 16))
               * 73244475 % 4294967296 >> 8) % t.span) AS tk
  FROM t JOIN nums ON nums.k <= t.qc
  JOIN _seed_pool pool ON pool.exam_id = t.exam_id AND pool.rn = (t.start_rn + (nums.k - 1) * t.step) % t.cnt + 1),
timed AS (
  SELECT slots.*, sum(tk + 3) OVER (PARTITION BY n ORDER BY k) AS cum FROM slots),
ids AS (
  SELECT n, k, json_group_array(qid) OVER (PARTITION BY n ORDER BY k) AS question_ids,
         count(*) OVER (PARTITION BY n) AS total
  FROM slots),
answered AS (
  SELECT n, k, json_group_array(tk) OVER (PARTITION BY n ORDER BY k) AS times,
         sum(tk) OVER (PARTITION BY n ORDER BY k) AS total_time,
         count(*) OVER (PARTITION BY n) AS n_answered
  FROM timed
  WHERE k <= answer_target AND (status <> 'in_progress' OR cum <= off - 30)),
ids_last AS MATERIALIZED (SELECT n, question_ids FROM ids WHERE k = total),
answered_last AS MATERIALIZED (SELECT n, times, total_time, n_answered FROM answered WHERE k = n_answered)
SELECT t.n, t.u, t.exam_id, ids.question_ids, t.time_limit_minutes, t.passing_score,
       t.qc - coalesce(a.n_answered, 0),
       coalesce(a.total_time, 0),
       coalesce(a.times, '[]'),
       1,
       0,
       t.status,
       CASE WHEN t.h1 / 1000000000 = 0 AND t.h1 % 2 = 0 THEN datetime(t.now - t.off, 'unixepoch') ELSE t.now - t.off END,
       CASE WHEN t.status = 'completed' THEN t.now - t.off + coalesce(a.total_time, 0) + 3 * coalesce(a.n_answered, 0) + 30 + t.h2 % 240 END,
       t.now - t.off + 30 * 86400
FROM t
JOIN ids_last ids ON ids.n = t.n
LEFT JOIN answered_last a ON a.n = t.n
ORDER BY t.n;

-- ---------------------------------------------------------------------------
-- user_answers: one row per answered slot of every study session
-- (study_sessions.total_questions slots, questions drawn from the exam's
-- servable pool or from the session's focus objectives) and of every test
-- attempt (its question_ids / time_per_question, in order).
-- P(correct) = 0.76 - 0.06*(difficulty-1) + user skill (+-0.12)
--              + 0.05 per earlier attempt at the same question (max +0.15)
--              + 0.03 in review mode, + 0.06 in mock exams; clipped to [0.05, 0.97]
--              -> ~65% overall.
-- selected_answer agrees with is_correct and the question's answers JSON:
-- 'a'..'e' for single answer, '["a","c"]' for multi_select.
-- Rows are inserted in answered_at order, so ids grow with time.
-- ---------------------------------------------------------------------------
INSERT INTO user_answers (user_id, question_id, study_session_id, test_attempt_id, selected_answer,
                          is_correct, time_spent_seconds, confidence_level, flagged, changed_answer,
                          attempt_number, days_since_last_seen, answered_at)
WITH RECURSIVE
nums(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM nums WHERE k < 31),
slots AS (
  SELECT s.id * 32 + nums.k AS key, s.user_id, s.exam_id, s.id AS sid, NULL AS tid, nums.k, s.mode,
         s.objectives, NULL AS qid, NULL AS tk, s.last_activity AS start_ts
  FROM study_sessions s JOIN nums ON nums.k <= s.total_questions
  UNION ALL
  SELECT 1000000000 + t.id * 256 + tm.key + 1, t.user_id, t.exam_id, NULL, t.id, tm.key + 1, NULL,
         NULL, json_extract(t.question_ids, '$[' || tm.key || ']'), tm.value,
         CASE WHEN typeof(t.started_at) = 'integer' THEN t.started_at
              ELSE CAST(strftime('%s', t.started_at) AS INTEGER) END
  FROM test_attempts t, json_each(t.time_per_question) tm),
r0 AS (SELECT slots.*, (key * 2654435761 + 8801) % 4294967296 AS a, (key * 2654435761 + 8802) % 4294967296 AS b,
              (key * 2654435761 + 8803) % 4294967296 AS c FROM slots),
r1 AS (SELECT r0.*, (a + (a >> 16)) * 73244475 % 4294967296 AS a1, (b + (b >> 16)) * 73244475 % 4294967296 AS b1,
              (c + (c >> 16)) * 73244475 % 4294967296 AS c1 FROM r0),
r2 AS (SELECT r1.*, (a1 + (a1 >> 16)) * 73244475 % 4294967296 AS a2, (b1 + (b1 >> 16)) * 73244475 % 4294967296 AS b2,
              (c1 + (c1 >> 16)) * 73244475 % 4294967296 AS c2 FROM r1),
hashed AS MATERIALIZED (
  SELECT key, user_id, exam_id, sid, tid, k, mode, objectives, qid, tk, start_ts,
         (a2 + (a2 >> 16)) % 4294967296 AS h1, (b2 + (b2 >> 16)) % 4294967296 AS h2,
         (c2 + (c2 >> 16)) % 4294967296 AS h3
  FROM r2),
picked AS (
  SELECT hs.key, hs.user_id, hs.sid, hs.tid, hs.k, hs.mode, hs.tk, hs.start_ts, hs.h1, hs.h2, hs.h3,
         coalesce(hs.qid, pq.qid) AS qid
  FROM hashed hs
  LEFT JOIN _seed_pool_obj po
         ON hs.objectives IS NOT NULL
        AND po.objective_id = json_extract(hs.objectives, '$[' || (hs.k % json_array_length(hs.objectives)) || ']')
  LEFT JOIN _seed_pool_exam pe ON pe.exam_id = hs.exam_id
  LEFT JOIN _seed_pool pq ON hs.qid IS NULL AND pq.exam_id = hs.exam_id
                         AND pq.rn = CASE WHEN po.lo IS NOT NULL THEN po.lo + hs.h1 % (po.hi - po.lo + 1)
                                          ELSE 1 + hs.h1 % pe.cnt END),
timed AS (
  SELECT pk.key, pk.user_id, pk.sid, pk.tid, pk.k, pk.mode, pk.start_ts, pk.h1, pk.h2, pk.h3, pk.qid,
         p.difficulty,
         CASE WHEN pk.tk IS NOT NULL THEN pk.tk
              WHEN pk.mode = 'speed_drill' THEN 5 + pk.h2 % 26
              ELSE min(180, 5 + p.difficulty * 6 + (pk.h2 % 100) * (pk.h2 / 100 % 100) * 175 / 9801) END AS t,
         CASE WHEN pk.tid IS NOT NULL THEN 3 ELSE 2 + pk.h2 / 10000 % 15 END AS gap
  FROM picked pk JOIN _seed_pool p ON p.qid = pk.qid),
stamped AS (
  SELECT timed.*,
         start_ts + sum(t + gap) OVER (PARTITION BY coalesce(sid, -tid) ORDER BY k) - gap AS ts
  FROM timed),
attempts AS (
  SELECT stamped.*,
         row_number() OVER (PARTITION BY user_id, qid ORDER BY ts, key) AS attempt,
         lag(ts) OVER (PARTITION BY user_id, qid ORDER BY ts, key) AS prev_ts
  FROM stamped),
graded AS (
  SELECT attempts.*, p.type, p.ckeys, p.wkeys,
         (h3 % 10000) < CAST(10000 * max(0.05, min(0.97,
              0.76 - 0.06 * (attempts.difficulty - 1)
              + ((user_id * 2654435761 + 99) % 4294967296 % 2401 - 1200) / 10000.0
              + min(0.15, 0.05 * (attempt - 1))
              + CASE WHEN mode = 'review' THEN 0.03 WHEN tid IS NOT NULL THEN 0.06 ELSE 0 END)) AS INTEGER) AS ok
  FROM attempts JOIN _seed_pool p ON p.qid = attempts.qid)
SELECT user_id, qid, sid, tid,
       CASE WHEN type = 'multi_select' THEN
              CASE WHEN ok THEN '["' || substr(ckeys, 1, 1) || '","' || substr(ckeys, 2, 1) || '"]'
                   ELSE '["' || min(substr(ckeys, 1 + h2 / 1000000 % 2, 1), substr(wkeys, 1 + h2 / 2000000 % length(wkeys), 1))
                        || '","' || max(substr(ckeys, 1 + h2 / 1000000 % 2, 1), substr(wkeys, 1 + h2 / 2000000 % length(wkeys), 1)) || '"]' END
            ELSE CASE WHEN ok THEN ckeys ELSE substr(wkeys, 1 + h2 / 1000000 % length(wkeys), 1) END
       END,
       ok,
       t,
       CASE WHEN h3 / 10000 % 10 < 3 THEN NULL WHEN ok THEN 3 + h3 / 100000 % 3 ELSE 1 + h3 / 100000 % 4 END,
       h3 / 1000000 % 100 < CASE WHEN tid IS NOT NULL THEN 7 ELSE 3 END,
       h3 / 100000000 % 25 < 2,
       attempt,
       CASE WHEN prev_ts IS NOT NULL THEN (ts - prev_ts) / 86400 END,
       CASE WHEN h1 / 1000000 % 10 = 0 THEN datetime(ts, 'unixepoch') ELSE ts END
FROM graded
ORDER BY ts, key;

-- ---------------------------------------------------------------------------
-- Derived statistics, recomputed from the inserted answers.
-- _seed_ua: the answers with answered_at as unix seconds plus exam/objective.
-- Rounding is done with integer arithmetic (CAST(x*10^d + 0.5 AS INTEGER))
-- rather than round(), whose results on exact ties differ between SQLite
-- versions; this keeps the data byte-identical across engines.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE IF NOT EXISTS _seed_ua (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL,
  exam_id      INTEGER NOT NULL,
  objective_id INTEGER NOT NULL,
  question_id  INTEGER NOT NULL,
  sid          INTEGER,
  tid          INTEGER,
  is_correct   INTEGER NOT NULL,
  flagged      INTEGER NOT NULL,
  t            INTEGER NOT NULL,
  ts           INTEGER NOT NULL);
DELETE FROM _seed_ua;

INSERT INTO _seed_ua (id, user_id, exam_id, objective_id, question_id, sid, tid, is_correct, flagged, t, ts)
SELECT a.id, a.user_id, q.exam_id, q.objective_id, a.question_id, a.study_session_id, a.test_attempt_id,
       a.is_correct, a.flagged, a.time_spent_seconds,
       CASE WHEN typeof(a.answered_at) = 'integer' THEN a.answered_at
            ELSE CAST(strftime('%s', a.answered_at) AS INTEGER) END
FROM user_answers a JOIN questions q ON q.id = a.question_id
ORDER BY a.id;

-- study_sessions: counts, timing, accuracy, streaks (runs of consecutive
-- correct answers), per-objective scores {"objectiveId": fraction}.
UPDATE study_sessions
SET total_questions       = x.n,
    correct_answers       = x.c,
    flagged_questions     = x.f,
    time_spent_seconds    = x.tt,
    avg_time_per_question = CAST(x.tt * 10.0 / x.n + 0.5 AS INTEGER) / 10.0,
    accuracy              = CAST(x.c * 10000.0 / x.n + 0.5 AS INTEGER) / 10000.0,
    streak_count          = x.cur_streak,
    max_streak            = x.max_streak,
    objective_scores      = x.scores,
    current_question_id   = CASE WHEN study_sessions.status IN ('active', 'paused') THEN x.last_q END,
    last_activity         = x.last_ts,
    completed_at          = CASE WHEN study_sessions.status = 'completed' THEN x.last_ts + 5 END
FROM (
  WITH o1 AS (
    SELECT sid, question_id, is_correct, flagged, t, ts,
           sum(1 - is_correct) OVER (PARTITION BY sid ORDER BY ts, id) AS grp,
           row_number() OVER (PARTITION BY sid ORDER BY ts DESC, id DESC) AS back
    FROM _seed_ua WHERE sid IS NOT NULL),
  o2 AS (SELECT o1.*, max(grp) OVER (PARTITION BY sid) AS last_grp FROM o1),
  runs AS (
    SELECT sid, grp, last_grp, count(*) AS n, sum(is_correct) AS c, sum(flagged) AS f, sum(t) AS tt,
           max(ts) AS last_ts, max(CASE WHEN back = 1 THEN question_id END) AS last_q
    FROM o2 GROUP BY sid, grp),
  parts AS (
    SELECT sid, sum(n) AS n, sum(c) AS c, sum(f) AS f, sum(tt) AS tt, max(last_ts) AS last_ts,
           max(last_q) AS last_q, max(c) AS max_streak,
           sum(CASE WHEN grp = last_grp THEN c ELSE 0 END) AS cur_streak, NULL AS scores
    FROM runs GROUP BY sid
    UNION ALL
    SELECT sid, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           json_group_object(CAST(objective_id AS TEXT), acc)
    FROM (SELECT sid, objective_id, CAST(sum(is_correct) * 100.0 / count(*) + 0.5 AS INTEGER) / 100.0 AS acc
          FROM _seed_ua WHERE sid IS NOT NULL GROUP BY sid, objective_id)
    GROUP BY sid)
  SELECT sid, max(n) AS n, max(c) AS c, max(f) AS f, max(tt) AS tt, max(last_ts) AS last_ts,
         max(last_q) AS last_q, max(max_streak) AS max_streak, max(cur_streak) AS cur_streak,
         max(scores) AS scores
  FROM parts GROUP BY sid
) AS x
WHERE x.sid = study_sessions.id;

-- test_attempts: score / pass for completed tests (skipped questions count as
-- wrong), running counts for the rest, objective breakdown
-- {"objectiveId": {"correct", "total", "percentage"}}.
UPDATE test_attempts
SET correct_count       = x.c,
    incorrect_count     = x.n - x.c,
    score               = CASE WHEN test_attempts.status = 'completed'
                               THEN CAST(x.c * 10000.0 / json_array_length(test_attempts.question_ids) + 0.5 AS INTEGER) / 10000.0 END,
    passed              = CASE WHEN test_attempts.status = 'completed'
                               THEN CAST(x.c * 10000.0 / json_array_length(test_attempts.question_ids) + 0.5 AS INTEGER) / 10000.0
                                    >= test_attempts.passing_score END,
    objective_breakdown = CASE WHEN test_attempts.status <> 'in_progress' THEN x.breakdown END,
    certificate_issued  = test_attempts.status = 'completed'
                          AND CAST(x.c * 10000.0 / json_array_length(test_attempts.question_ids) + 0.5 AS INTEGER) / 10000.0
                              >= test_attempts.passing_score
                          AND (test_attempts.id * 2654435761) % 4294967296 % 3 = 0
FROM (
  SELECT tid, sum(n) AS n, sum(c) AS c,
         json_group_object(CAST(objective_id AS TEXT),
                           json_object('correct', c, 'total', n,
                                       'percentage', CAST(c * 10000.0 / n + 0.5 AS INTEGER) / 10000.0)) AS breakdown
  FROM (SELECT tid, objective_id, count(*) AS n, sum(is_correct) AS c
        FROM _seed_ua WHERE tid IS NOT NULL GROUP BY tid, objective_id)
  GROUP BY tid
) AS x
WHERE x.tid = test_attempts.id;

-- user_progress, step 1: what the answers of the last 60 days say
-- (total_study_minutes temporarily holds seconds, created_at the first answer).
UPDATE user_progress
SET total_questions_seen   = coalesce(x.n, 0),
    total_correct          = coalesce(x.c, 0),
    unique_questions_seen  = coalesce(x.uq, 0),
    total_study_minutes    = coalesce(x.tt, 0),
    study_days_count       = coalesce(x.days, 0),
    last_study_date        = x.last_date,
    current_streak         = coalesce(x.cur, 0),
    longest_streak         = coalesce(x.longest, 0),
    objective_mastery      = coalesce(x.mastery, '{}'),
    weak_topics            = coalesce(x.weak, '[]'),
    recommended_objectives = coalesce(x.rec, '[]'),
    tests_taken            = coalesce(x.taken, 0),
    tests_passed           = coalesce(x.passed, 0),
    best_score             = coalesce(x.best, 0),
    avg_test_score         = coalesce(x.avg_score, 0),
    last_test_date         = x.last_test,
    created_at             = x.first_ts,
    updated_at             = x.last_ts
FROM (
  WITH om AS (
    SELECT user_id, exam_id, objective_id, count(*) AS n,
           CAST(sum(is_correct) * 100.0 / count(*) + 0.5 AS INTEGER) / 100.0 AS level, max(ts) AS last_ts
    FROM _seed_ua GROUP BY user_id, exam_id, objective_id),
  parts (user_id, exam_id, n, c, tt, uq, days, first_ts, last_ts, last_date, longest, cur, mastery, weak, rec,
         taken, passed, best, avg_score, last_test) AS (
    SELECT user_id, exam_id, count(*), sum(is_correct), sum(t), count(DISTINCT question_id),
           count(DISTINCT ts / 86400), min(ts), max(ts), date(max(ts), 'unixepoch'),
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM _seed_ua GROUP BY user_id, exam_id
    UNION ALL
    -- study-day streaks: islands of consecutive UTC days
    SELECT user_id, exam_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           max(len), max(CASE WHEN end_d >= (SELECT now FROM _seed_cfg) / 86400 - 1 THEN len ELSE 0 END),
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM (SELECT user_id, exam_id, count(*) AS len, max(d) AS end_d
          FROM (SELECT user_id, exam_id, d, d - row_number() OVER (PARTITION BY user_id, exam_id ORDER BY d) AS g
                FROM (SELECT DISTINCT user_id, exam_id, ts / 86400 AS d FROM _seed_ua))
          GROUP BY user_id, exam_id, g)
    GROUP BY user_id, exam_id
    UNION ALL
    SELECT user_id, exam_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           json_group_object(CAST(objective_id AS TEXT),
                             json_object('level', level, 'questionsAnswered', n, 'lastStudied', date(last_ts, 'unixepoch'))),
           NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM om GROUP BY user_id, exam_id
    UNION ALL
    -- weak topics: up to three objectives with < 60% over >= 3 answers
    SELECT w.user_id, w.exam_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           json_group_array(o.name), json_group_array(w.objective_id), NULL, NULL, NULL, NULL, NULL
    FROM (SELECT om.*, row_number() OVER (PARTITION BY user_id, exam_id ORDER BY level, objective_id) AS rk
          FROM om WHERE level < 0.6 AND n >= 3) AS w
    JOIN objectives o ON o.id = w.objective_id
    WHERE w.rk <= 3
    GROUP BY w.user_id, w.exam_id
    UNION ALL
    SELECT user_id, exam_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           count(*), sum(passed), max(score),
           CAST(avg(CAST(score * 10000 + 0.5 AS INTEGER)) + 0.5 AS INTEGER) / 10000.0,
           date(max(completed_at), 'unixepoch')
    FROM test_attempts WHERE status = 'completed' GROUP BY user_id, exam_id)
  SELECT user_id, exam_id, max(n) AS n, max(c) AS c, max(tt) AS tt, max(uq) AS uq, max(days) AS days,
         max(first_ts) AS first_ts, max(last_ts) AS last_ts, max(last_date) AS last_date,
         max(longest) AS longest, max(cur) AS cur, max(mastery) AS mastery, max(weak) AS weak, max(rec) AS rec,
         max(taken) AS taken, max(passed) AS passed, max(best) AS best, max(avg_score) AS avg_score,
         max(last_test) AS last_test
  FROM parts GROUP BY user_id, exam_id
) AS x
WHERE user_progress.user_id = x.user_id AND user_progress.exam_id = x.exam_id;

-- user_progress, step 2: add a synthetic history from before the 60-day
-- answer window (about half the rows, only for accounts older than 90 days),
-- so lifetime totals exceed what user_answers holds and a good share of rows
-- has total_questions_seen > 50 (the app's leaderboard threshold).
-- readiness_score is 0..100; overall_accuracy, predicted_exam_score,
-- best_score and avg_test_score are 0..1 fractions.
UPDATE user_progress
SET total_questions_seen  = x.seen,
    total_correct         = x.correct,
    total_incorrect       = x.seen - x.correct,
    unique_questions_seen = min(x.nq, x.wuq + x.h_n * 6 / 10),
    overall_accuracy      = CASE WHEN x.seen > 0 THEN CAST(x.correct * 10000.0 / x.seen + 0.5 AS INTEGER) / 10000.0 ELSE 0 END,
    longest_streak        = max(x.wlong, CASE WHEN x.h_n > 0 THEN 1 + x.hp / 10 % 14 ELSE 0 END),
    avg_time_per_question = CASE WHEN x.seen > 0 THEN CAST((x.wt + x.h_n * x.h_t) * 10.0 / x.seen + 0.5 AS INTEGER) / 10.0 END,
    total_study_minutes   = (x.wt + x.h_n * x.h_t) / 60,
    last_study_date       = CASE WHEN x.wn > 0 THEN x.wdate
                                 WHEN x.h_n > 0 THEN date(x.h_start + CAST((x.now - 61 * 86400 - x.h_start) * ((x.hp / 1000000 % 100) / 100.0) AS INTEGER), 'unixepoch')
                            END,
    study_days_count      = x.wdays + x.h_n / 12,
    readiness_score       = CASE WHEN x.seen > 0
                                 THEN CAST(1000 * (0.65 * x.correct / x.seen + 0.35 * min(1.0, x.seen / 400.0)) + 0.5 AS INTEGER) / 10.0
                                 ELSE 0 END,
    predicted_exam_score  = CASE WHEN x.seen >= 20
                                 THEN CAST(1000 * min(0.99, x.correct * 1.0 / x.seen * (0.85 + 0.15 * min(1.0, x.seen / 400.0))) + 0.5 AS INTEGER) / 1000.0 END,
    confidence_interval   = CASE WHEN x.seen >= 20 THEN CAST(1000 * (0.02 + 1.5 / (x.seen + 10)) + 0.5 AS INTEGER) / 1000.0 END,
    created_at            = CASE WHEN x.hp / 100 % 10 = 0 THEN datetime(x.created_ts, 'unixepoch') ELSE x.created_ts END,
    updated_at            = CASE WHEN x.wn > 0 THEN x.wlast + 1
                                 WHEN x.hp / 100 % 10 = 0 THEN datetime(x.created_ts, 'unixepoch')
                                 ELSE x.created_ts END
FROM (
  WITH r0 AS (
    SELECT p.id, p.user_id, p.total_questions_seen AS wn, p.total_correct AS wc, p.total_study_minutes AS wt,
           p.unique_questions_seen AS wuq, p.study_days_count AS wdays, p.last_study_date AS wdate,
           p.longest_streak AS wlong, p.created_at AS wfirst, p.updated_at AS wlast,
           coalesce(pe.cnt, 0) AS nq, cfg.now,
           CASE WHEN typeof(u.created_at) = 'integer' THEN u.created_at
                ELSE CAST(strftime('%s', u.created_at) AS INTEGER) END AS user_ts,
           (p.id * 2654435761 + 9901) % 4294967296 AS a
    FROM user_progress p
    JOIN users u ON u.id = p.user_id
    LEFT JOIN _seed_pool_exam pe ON pe.exam_id = p.exam_id
    CROSS JOIN _seed_cfg cfg),
  r1 AS (SELECT r0.*, (a + (a >> 16)) * 73244475 % 4294967296 AS a1 FROM r0),
  r2 AS (SELECT r1.*, (a1 + (a1 >> 16)) * 73244475 % 4294967296 AS a2 FROM r1),
  h AS MATERIALIZED (SELECT r2.*, (a2 + (a2 >> 16)) % 4294967296 AS hp FROM r2),
  b1 AS (
    SELECT h.*,
           CASE WHEN hp % 100 < 55 AND now - user_ts > 90 * 86400
                THEN 10 + CAST(900 * ((hp / 100 % 1000) / 1000.0) * ((hp / 100 % 1000) / 1000.0) AS INTEGER)
                ELSE 0 END AS h_n,
           max(0.3, min(0.95, 0.62 + ((user_id * 2654435761 + 99) % 4294967296 % 2401 - 1200) / 10000.0
                                   + ((hp / 100000 % 100) - 50) / 1000.0)) AS h_acc,
           40 + hp / 10000000 % 25 AS h_t
    FROM h),
  b2 AS (
    SELECT b1.*,
           CAST(h_n * h_acc + 0.5 AS INTEGER) AS h_c,
           CASE WHEN h_n > 0 THEN max(user_ts + 86400, now - (61 + hp / 1000 % 300) * 86400 - hp % 86400) END AS h_start
    FROM b1)
  SELECT b2.*,
         h_n + wn AS seen,
         h_c + wc AS correct,
         CASE WHEN h_n > 0 THEN h_start
              WHEN wn > 0 THEN wfirst - 60
              ELSE user_ts + hp % 86400 END AS created_ts
  FROM b2
) AS x
WHERE x.id = user_progress.id;

-- questions: attempt statistics (what the app's recordAnswer() maintains).
UPDATE questions
SET total_attempts       = x.n,
    correct_attempts     = x.c,
    avg_time_seconds     = x.avg_t,
    discrimination_index = CASE WHEN x.n >= 10
                                THEN (50 + 450 * ((questions.id * 2654435761) % 4294967296 % 1000) / 1000) / 1000.0 END,
    updated_at           = x.last_ts
FROM (
  SELECT question_id, count(*) AS n, sum(is_correct) AS c, sum(t) / count(*) AS avg_t, max(ts) AS last_ts
  FROM _seed_ua GROUP BY question_id
) AS x
WHERE x.question_id = questions.id;

-- exams: aggregate of completed mock exams.
UPDATE exams
SET total_attempts = x.n,
    pass_rate      = CAST(x.passed * 10000.0 / x.n + 0.5 AS INTEGER) / 10000.0,
    avg_score      = CAST(x.score_bp * 1.0 / x.n + 0.5 AS INTEGER) / 10000.0
FROM (
  SELECT exam_id, count(*) AS n, sum(passed) AS passed, sum(CAST(score * 10000 + 0.5 AS INTEGER)) AS score_bp
  FROM test_attempts WHERE status = 'completed' GROUP BY exam_id
) AS x
WHERE x.exam_id = exams.id;

-- users: last login shortly before the latest session / test start.
UPDATE users
SET last_login  = x.last_start - 120,
    login_count = x.days + 1 + users.id % 4
FROM (
  SELECT user_id, max(ts) AS last_start, count(DISTINCT ts / 86400) AS days
  FROM (SELECT user_id, CASE WHEN typeof(created_at) = 'integer' THEN created_at
                             ELSE CAST(strftime('%s', created_at) AS INTEGER) END AS ts
        FROM study_sessions
        UNION ALL
        SELECT user_id, CASE WHEN typeof(started_at) = 'integer' THEN started_at
                             ELSE CAST(strftime('%s', started_at) AS INTEGER) END
        FROM test_attempts)
  GROUP BY user_id
) AS x
WHERE x.user_id = users.id;

-- ---------------------------------------------------------------------------
-- twitter_accounts: account 1 is PingToPass's own account, then competitors,
-- then target-audience accounts.
-- ---------------------------------------------------------------------------
INSERT INTO twitter_accounts (id, username, display_name, bio, followers_count, following_count,
                              tweet_count, is_own_account, is_competitor, is_target_audience,
                              last_analyzed_at, created_at, updated_at)
WITH RECURSIVE
cfg AS (SELECT *, max(1, n_accounts / 3) AS n_comp FROM _seed_cfg),
seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq, cfg WHERE n < cfg.n_accounts),
r0 AS (SELECT n, (n * 2654435761 + 10101) % 4294967296 AS a FROM seq),
r1 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a FROM r0),
r2 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a FROM r1),
r AS MATERIALIZED (SELECT n, (a + (a >> 16)) % 4294967296 AS h1 FROM r2),
names(i, username, display_name, bio) AS (VALUES
  (1, 'PingToPass',     'PingToPass',              'Pass your IT certification on the first try. Daily practice questions for CompTIA, Cisco, AWS and Azure.'),
  (2, 'CertPrepDaily',  'Cert Prep Daily',         'One exam question a day keeps the retake fee away. CompTIA and Cisco practice.'),
  (3, 'ExamCramPro',    'ExamCram Pro',            'Practice tests and study guides for IT certifications since 2009.'),
  (4, 'CloudCertCoach', 'Cloud Cert Coach',        'AWS and Azure certification coaching. Ex-cloud architect.'),
  (5, 'NetAcadTips',    'NetAcad Tips',            'Subnetting drills, CCNA labs and network engineering career advice.'),
  (6, 'secplus_sarah',  'Sarah | Security+ soon', 'Help desk tech studying for Security+. Coffee and packet captures.'),
  (7, 'ccna_journey',   'CCNA Journey',            'Documenting my path from retail to network engineer.'),
  (8, 'aws_learner_23', 'Dev learning AWS',        'Frontend dev trying to pass SAA-C03 this year.'),
  (9, 'sysadmin_sam',   'Sam the Sysadmin',        'Linux, Active Directory and too many tickets.'),
  (10, 'infosec_intern','Infosec Intern',          'SOC intern. CySA+ in progress. Opinions my own.'),
  (11, 'homelab_hannah','Hannah Homelab',          'Proxmox, VLANs and a rack in the closet. Network+ certified.'),
  (12, 'itcareerswitch','IT Career Switch',        'Changing careers into IT at 35. A+ done, Network+ next.')),
a AS (
  SELECT r.n, r.h1, cfg.now, cfg.n_comp,
         (r.n = 1) AS own, (r.n > 1 AND r.n <= 1 + cfg.n_comp) AS comp, (r.n > 1 + cfg.n_comp) AS target,
         coalesce(nm.username, 'itcert_fan_' || r.n) AS username,
         coalesce(nm.display_name, 'IT Cert Fan ' || r.n) AS display_name,
         coalesce(nm.bio, 'Studying for my next IT certification.') AS bio,
         cfg.now - (200 + r.h1 % 165) * 86400 - r.h1 / 165 % 86400 AS created_ts
  FROM r CROSS JOIN cfg LEFT JOIN names nm ON nm.i = r.n)
SELECT printf('%d', 1400000000000000000 + (h1 % 1000000) * 1000000 + n),
       username, display_name, bio,
       -- own follower count is synced with growth_metrics below
       CASE WHEN own THEN 0 WHEN comp THEN 20000 + h1 % 130000 ELSE 50 + h1 % 4950 END,
       CASE WHEN own THEN 0 WHEN comp THEN 300 + h1 / 7 % 1500 ELSE 100 + h1 / 7 % 900 END,
       0,
       own, comp, target,
       CASE WHEN own THEN now - 3600 ELSE now - h1 / 11 % 259200 END,
       CASE WHEN h1 / 1000 % 10 = 0 THEN datetime(created_ts, 'unixepoch') ELSE created_ts END,
       CASE WHEN own THEN now - 3600 ELSE now - h1 / 11 % 259200 END
FROM a ORDER BY n;

-- ---------------------------------------------------------------------------
-- tweets: ~10% own, ~30% competitors, ~60% target audience, over the last
-- 180 days (recent-heavy).  Snowflake-style ids derived from created_at.
-- created_at/analyzed_at have no SQL default -> always unix seconds.
-- ---------------------------------------------------------------------------
INSERT INTO tweets (id, account_id, text, metrics, entities, ai_analysis, created_at, analyzed_at)
WITH RECURSIVE
cfg AS (SELECT *, max(1, n_accounts / 3) AS n_comp FROM _seed_cfg),
seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq, cfg WHERE n < cfg.n_tweets),
r0 AS (SELECT n, (n * 2654435761 + 11101) % 4294967296 AS a, (n * 2654435761 + 11102) % 4294967296 AS b,
              (n * 2654435761 + 11103) % 4294967296 AS c FROM seq),
r1 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b,
              (c + (c >> 16)) * 73244475 % 4294967296 AS c FROM r0),
r2 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b,
              (c + (c >> 16)) * 73244475 % 4294967296 AS c FROM r1),
r AS MATERIALIZED (SELECT n, (a + (a >> 16)) % 4294967296 AS h1, (b + (b >> 16)) % 4294967296 AS h2,
                          (c + (c >> 16)) % 4294967296 AS h3 FROM r2),
v AS (SELECT
  '["Just passed my","Struggling with","Day 14 of studying for","Any tips for","Finally understand the hard parts of","Hot take about","Study tip for","Failed my first attempt at","Booked my exam date for","Who else is preparing for"]' AS openers,
  '["Security+","Network+","A+ Core 1","the CCNA","AWS Solutions Architect","AZ-104","AZ-900","Linux+","CySA+","Google ACE","CCNP ENCOR","Cloud Practitioner"]' AS subjects,
  '["SecurityPlus","NetworkPlus","CompTIA","CCNA","AWS","Azure","Azure","Linux","CySA","GoogleCloud","CCNP","AWS"]' AS tags,
  '["security","networking","hardware","networking","cloud","cloud","cloud","linux","security","cloud","networking","cloud"]' AS topics,
  '["subnetting questions are still killing me","the PBQs took way longer than expected","spaced repetition with practice tests made the difference","I keep mixing up TCP and UDP port numbers","OSPF and BGP finally clicked after building a home lab","the IAM policy questions were brutal","flashcards for port numbers are a lifesaver","I need better practice questions for the performance-based section","the DNS and DHCP troubleshooting scenarios were tricky","VLAN trunking is still confusing","firewall rule ordering questions were everywhere","the shared responsibility model came up a lot"]' AS details,
  '["ITcareer","cybersecurity","networking","100DaysOfLearning","studytwitter","homelab"]' AS general),
t1 AS (
  SELECT r.*, cfg.now, cfg.n_comp, cfg.n_accounts,
         CASE WHEN h1 % 100 < 10 THEN 1
              WHEN h1 % 100 < 40 THEN 2 + h1 / 100 % cfg.n_comp
              ELSE 2 + cfg.n_comp + h1 / 100 % (cfg.n_accounts - 1 - cfg.n_comp) END AS acct,
         h2 % 12 AS subj,
         cfg.now - 600 - CAST(((h3 % 100000) / 100000.0 + (h3 % 100000) / 100000.0 * (h3 / 100000 % 10000) / 10000.0) / 2.0
                              * 15552000 AS INTEGER) AS created_ts
  FROM r CROSS JOIN cfg),
t2 AS (
  SELECT t1.*, ta.id AS account_id, ta.is_own_account AS own, ta.is_competitor AS comp,
         json_extract(v.openers, '$[' || (h2 / 12 % 10) || ']') AS opener,
         json_extract(v.subjects, '$[' || subj || ']') AS subject,
         json_extract(v.tags, '$[' || subj || ']') AS tag,
         json_extract(v.topics, '$[' || subj || ']') AS topic,
         json_extract(v.details, '$[' || (h2 / 120 % 12) || ']') AS detail,
         json_extract(v.general, '$[' || (h2 / 1440 % 6) || ']') AS gtag,
         CASE WHEN h2 / 8640 % 100 < 15 AND acct <> 2 + h2 / 864000 % n_comp THEN
              (SELECT username FROM twitter_accounts WHERE rowid = 2 + h2 / 864000 % n_comp) END AS mention,
         CASE WHEN ta.is_competitor THEN 10 + h3 % 490 WHEN ta.is_own_account THEN 5 + h3 % 195 ELSE h3 % 30 END AS likes
  FROM t1 JOIN twitter_accounts ta ON ta.rowid = t1.acct CROSS JOIN v),
t AS (
  SELECT t2.*,
         likes / 5 + h1 / 10000 % 5 AS retweets,
         likes / 8 + h1 / 100000 % 4 AS replies,
         (h1 / 1000000 % 100 < 75 AND created_ts < now - 1800) AS analyzed,
         CASE WHEN h1 / 1000000 % 100 < 40 THEN 'positive' WHEN h1 / 1000000 % 100 < 55 THEN 'negative' ELSE 'neutral' END AS sentiment
  FROM t2)
SELECT printf('%d', ((created_ts * 1000 + h3 % 1000 - 1288834974657) << 22) + n % 4194304),
       account_id,
       printf('%s %s: %s. #%s #%s', opener, subject, detail, tag, gtag)
         || CASE WHEN mention IS NOT NULL THEN ' @' || mention ELSE '' END,
       json_object('likes', likes, 'retweets', retweets, 'replies', replies,
                   'impressions', likes * 35 + h2 % 400 + 40, 'engagements', likes + retweets + replies),
       json_object('hashtags', json_array(tag, gtag),
                   'mentions', CASE WHEN mention IS NOT NULL THEN json_array(mention) ELSE json_array() END,
                   'urls', json_array()),
       CASE WHEN analyzed THEN json_object(
              'sentiment', sentiment,
              'topics', json_array(topic, lower(tag)),
              'engagementQuality', (h3 / 10000000 % 100) / 100.0,
              'relevanceScore', (CASE WHEN own THEN 20 ELSE 30 END + h3 / 1000 % 70) / 100.0) END,
       created_ts,
       CASE WHEN analyzed THEN min(created_ts + 60 + h1 % 7140, now - 60) END
FROM t ORDER BY n;

-- ---------------------------------------------------------------------------
-- engagement_opportunities: evenly spread over the analysed tweets of other
-- accounts; recent ones are mostly still pending.  ids look like the column
-- default (32 lowercase hex digits) but are derived, not random.
-- ---------------------------------------------------------------------------
INSERT INTO engagement_opportunities (id, tweet_id, account_id, opportunity_type, relevance_score,
                                      suggested_response, ai_model_used, ai_cost, status, executed_at,
                                      created_at)
WITH RECURSIVE
cfg AS (SELECT * FROM _seed_cfg),
cand AS (
  SELECT t.id, t.account_id, t.analyzed_at, t.ai_analysis,
         row_number() OVER (ORDER BY t.created_at, t.id) AS rn,
         count(*) OVER () AS cnt
  FROM tweets t JOIN twitter_accounts a ON a.id = t.account_id
  WHERE a.is_own_account = 0 AND t.ai_analysis IS NOT NULL),
-- keep the first candidate of each of min(n_opportunities, cnt) equal buckets
picked AS (
  SELECT cand.*, (rn - 1) * min(cfg.n_opportunities, cnt) / cnt + 1 AS n, cfg.now
  FROM cand CROSS JOIN cfg
  WHERE rn = 1 OR (rn - 1) * min(cfg.n_opportunities, cnt) / cnt > (rn - 2) * min(cfg.n_opportunities, cnt) / cnt),
r0 AS (SELECT picked.*, (n * 2654435761 + 12101) % 4294967296 AS a, (n * 2654435761 + 12102) % 4294967296 AS b,
              (n * 2654435761 + 12103) % 4294967296 AS c FROM picked),
r1 AS (SELECT r0.*, (a + (a >> 16)) * 73244475 % 4294967296 AS a1, (b + (b >> 16)) * 73244475 % 4294967296 AS b1,
              (c + (c >> 16)) * 73244475 % 4294967296 AS c1 FROM r0),
r2 AS (SELECT r1.*, (a1 + (a1 >> 16)) * 73244475 % 4294967296 AS a2, (b1 + (b1 >> 16)) * 73244475 % 4294967296 AS b2,
              (c1 + (c1 >> 16)) * 73244475 % 4294967296 AS c2 FROM r1),
r AS MATERIALIZED (SELECT n, now, id AS tweet_id, account_id, analyzed_at, ai_analysis,
                          (a2 + (a2 >> 16)) % 4294967296 AS h1, (b2 + (b2 >> 16)) % 4294967296 AS h2,
                          (c2 + (c2 >> 16)) % 4294967296 AS h3 FROM r2),
v AS (SELECT
  '["Great point! Spaced repetition plus timed practice exams is exactly what moves the needle.","Been there. Breaking the objectives into 20-question sessions helped a lot of our learners.","Congrats! The PBQs trip up almost everyone, so that is a huge win.","Subnetting gets easier with a daily 5-minute drill. Happy to share a free practice set.","Good luck on exam day! Review your weakest objective the night before, not everything.","That scenario shows up a lot. Read the last sentence of the question first."]' AS replies,
  '["claude-3-haiku","qwen-2.5-72b","gpt-4o-mini"]' AS models),
o AS (
  SELECT r.*,
         json_extract(ai_analysis, '$.relevanceScore') AS relevance,
         CASE WHEN h1 % 100 < 60 THEN 'reply' WHEN h1 % 100 < 80 THEN 'quote' ELSE 'follow' END AS kind,
         min(analyzed_at + 10 + h1 / 100 % 590, now - 5) AS created_ts
  FROM r),
s AS (
  SELECT o.*,
         CASE WHEN created_ts > now - 259200 THEN CASE WHEN h2 % 100 < 70 THEN 'pending' WHEN h2 % 100 < 85 THEN 'approved' ELSE 'executed' END
              WHEN h2 % 100 < 18 THEN 'pending' WHEN h2 % 100 < 28 THEN 'approved'
              WHEN h2 % 100 < 53 THEN 'rejected' ELSE 'executed' END AS status
  FROM o)
SELECT printf('%08x%08x%08x%08x', h1, h2, h3, (n * 2654435761) % 4294967296),
       tweet_id, account_id, kind, relevance,
       CASE WHEN kind <> 'follow' THEN json_extract(v.replies, '$[' || (h3 % 6) || ']') END,
       json_extract(v.models, '$[' || (h3 / 6 % 3) || ']'),
       CASE WHEN kind <> 'follow' THEN (200 + h3 / 18 % 2800) / 1000000.0 ELSE 0 END,
       status,
       CASE WHEN status = 'executed' THEN min(created_ts + 600 + h2 / 100 % 85800, now - 1) END,
       CASE WHEN h1 / 100000 % 10 = 0 THEN datetime(created_ts, 'unixepoch') ELSE created_ts END
FROM s CROSS JOIN v ORDER BY n;

-- ---------------------------------------------------------------------------
-- growth_metrics: one row per UTC day ending today, date = 'YYYY-MM-DD'.
-- ---------------------------------------------------------------------------
INSERT INTO growth_metrics (id, date, followers_count, following_count, new_followers, lost_followers,
                            tweets_sent, engagements_made, impressions, profile_visits, engagement_rate,
                            ai_costs, created_at)
WITH RECURSIVE
cfg AS (SELECT * FROM _seed_cfg),
seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq, cfg WHERE n < cfg.n_days),
r0 AS (SELECT n, (n * 2654435761 + 13101) % 4294967296 AS a FROM seq),
r1 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a FROM r0),
r2 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a FROM r1),
r AS MATERIALIZED (SELECT n, (a + (a >> 16)) % 4294967296 AS h1 FROM r2),
g AS (
  SELECT r.n, r.h1, cfg.now,
         (cfg.now / 86400 - (cfg.n_days - r.n)) * 86400 AS day_ts,
         5 + r.n * 40 / cfg.n_days + r.h1 % 21 AS new_f,
         r.h1 / 21 % 9 AS lost_f,
         2 + r.h1 / 189 % 9 AS sent,
         5 + r.h1 / 1701 % 36 AS engaged
  FROM r CROSS JOIN cfg),
m AS (
  SELECT g.*,
         1500 + sum(new_f - lost_f) OVER (ORDER BY n) AS followers,
         (1500 + n * 12) * (80 + h1 / 61236 % 40) / 10 + sent * 300 AS impressions
  FROM g)
SELECT n, date(day_ts, 'unixepoch'), followers, 300 + n / 3, new_f, lost_f, sent, engaged, impressions,
       impressions / 40 + h1 % 50,
       (100 + h1 / 2449440 % 500) / 100.0,
       (5 + engaged * 2 + h1 % 97) / 100.0,
       CASE WHEN h1 / 100 % 10 = 0 THEN datetime(min(day_ts + 86100, now), 'unixepoch') ELSE min(day_ts + 86100, now) END
FROM m ORDER BY n;

UPDATE twitter_accounts
SET followers_count = (SELECT followers_count FROM growth_metrics ORDER BY date DESC LIMIT 1),
    following_count = (SELECT following_count FROM growth_metrics ORDER BY date DESC LIMIT 1)
WHERE is_own_account = 1;

UPDATE twitter_accounts
SET tweet_count = x.n + 150 + twitter_accounts.followers_count % 1000
FROM (SELECT account_id, count(*) AS n FROM tweets GROUP BY account_id) AS x
WHERE x.account_id = twitter_accounts.id;

-- ---------------------------------------------------------------------------
-- voice_profiles (fixed, 3 rows; the first one is active)
-- ---------------------------------------------------------------------------
INSERT INTO voice_profiles (id, name, description, tone, topics, vocabulary, examples, voice_data,
                            is_active, created_at, updated_at)
SELECT id, name, description, tone, topics, vocabulary, examples,
       json_object('tone', tone, 'topics', json(topics), 'vocabulary', json(vocabulary), 'examples', json(examples)),
       is_active,
       CASE WHEN id = 2 THEN datetime(ts, 'unixepoch') ELSE ts END,
       CASE WHEN id = 2 THEN datetime(ts, 'unixepoch') ELSE ts + 86400 * 12 END
FROM (
  SELECT 1 AS id, 'PingToPass Default' AS name, 'Friendly, encouraging study buddy voice used for replies.' AS description,
         'friendly' AS tone, '["CompTIA","CCNA","AWS","study tips"]' AS topics,
         '["practice","objective","exam day","you got this"]' AS vocabulary,
         '["Nice work! Try a 20-question session on your weakest objective next.","Exam tomorrow? Sleep beats cramming."]' AS examples,
         1 AS is_active, (SELECT now FROM _seed_cfg) - 200 * 86400 AS ts
  UNION ALL
  SELECT 2, 'Technical Deep-Dive', 'Precise, technical explanations for networking and security threads.',
         'technical', '["subnetting","OSPF","PKI","IAM"]', '["per RFC","in practice","edge case"]',
         '["A /27 gives you 30 usable hosts: 32 addresses minus network and broadcast."]',
         0, (SELECT now FROM _seed_cfg) - 150 * 86400
  UNION ALL
  SELECT 3, 'Casual Motivator', 'Short, upbeat replies for milestone posts.',
         'casual', '["career change","first cert","milestones"]', '["lets go","huge","proud of you"]',
         '["Huge! First cert is the hardest one.","Lets go! What is next on the list?"]',
         0, (SELECT now FROM _seed_cfg) - 90 * 86400);

-- ---------------------------------------------------------------------------
-- ai_generation_log: question generation / explanation enhancement (linked
-- to exams, objectives, questions, staff users) and twitter replies (linked
-- to opportunities), over the last 180 days.
-- ---------------------------------------------------------------------------
INSERT INTO ai_generation_log (id, purpose, model, prompt_tokens, completion_tokens, total_tokens, cost_cents,
                               exam_id, objective_id, question_ids, tweet_id, opportunity_id, success,
                               error_message, generation_time_ms, request_id, user_id, ip_address, user_agent,
                               created_at)
WITH RECURSIVE
cfg AS (SELECT *, (SELECT count(*) FROM engagement_opportunities) AS n_opp FROM _seed_cfg),
seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq, cfg WHERE n < cfg.n_ai_logs),
r0 AS (SELECT n, (n * 2654435761 + 14101) % 4294967296 AS a, (n * 2654435761 + 14102) % 4294967296 AS b FROM seq),
r1 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b FROM r0),
r2 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b FROM r1),
r AS MATERIALIZED (SELECT n, (a + (a >> 16)) % 4294967296 AS h1, (b + (b >> 16)) % 4294967296 AS h2 FROM r2),
ob AS (SELECT objective_id, min(id) AS lo, max(id) AS hi FROM questions GROUP BY objective_id),
l1 AS (
  SELECT r.*, cfg.now, cfg.n_users, cfg.n_objectives, cfg.n_opp,
         CASE WHEN h1 % 100 < 50 THEN 'question_generation' WHEN h1 % 100 < 70 OR cfg.n_opp = 0 THEN 'explanation_enhancement'
              ELSE 'twitter_reply' END AS purpose,
         CASE h1 / 100 % 3 WHEN 0 THEN 'qwen-2.5-72b' WHEN 1 THEN 'claude-3-haiku' ELSE 'gpt-4o-mini' END AS model,
         400 + h1 / 300 % 2100 AS pt,
         150 + h2 % 1650 AS ct,
         1 + h2 / 1650 % cfg.n_objectives AS obj,
         (h2 / 100000 % 100 >= 4) AS ok,
         cfg.now - 60 - CAST(((h2 % 100000) / 100000.0 + (h2 % 100000) / 100000.0 * (h1 / 100 % 10000) / 10000.0) / 2.0
                             * 15552000 AS INTEGER) AS created_ts
  FROM r CROSS JOIN cfg),
l AS (
  SELECT l1.*, o.exam_id, ob.lo, ob.hi,
         eo.id AS opp_id, eo.tweet_id
  FROM l1 JOIN objectives o ON o.id = l1.obj JOIN ob ON ob.objective_id = l1.obj
  LEFT JOIN engagement_opportunities eo ON l1.purpose = 'twitter_reply' AND eo.rowid = 1 + l1.h2 % l1.n_opp)
SELECT n, purpose, model, pt, CASE WHEN ok THEN ct ELSE 0 END, pt + CASE WHEN ok THEN ct ELSE 0 END,
       (pt * CASE model WHEN 'qwen-2.5-72b' THEN 90 WHEN 'claude-3-haiku' THEN 25 ELSE 15 END
        + CASE WHEN ok THEN ct ELSE 0 END * CASE model WHEN 'qwen-2.5-72b' THEN 90 WHEN 'claude-3-haiku' THEN 125 ELSE 60 END) / 1000000.0,
       CASE WHEN purpose <> 'twitter_reply' THEN exam_id END,
       CASE WHEN purpose <> 'twitter_reply' THEN obj END,
       CASE WHEN NOT ok OR purpose = 'twitter_reply' THEN NULL
            WHEN purpose = 'explanation_enhancement' THEN json_array(lo + h1 % (hi - lo + 1))
            ELSE json_array(lo + h1 % (hi - lo + 1), min(hi, lo + h1 % (hi - lo + 1) + 1), min(hi, lo + h1 % (hi - lo + 1) + 2)) END,
       tweet_id, opp_id,
       ok,
       CASE WHEN NOT ok THEN CASE h1 / 30000 % 3 WHEN 0 THEN 'Rate limit exceeded (429)' WHEN 1 THEN 'Upstream timeout after 30000 ms'
                             ELSE 'Model response was not valid JSON' END END,
       800 + h2 / 10000 % 24200,
       printf('req_%08x%04x', h1, n % 65536),
       CASE WHEN purpose <> 'twitter_reply' THEN 1 + h1 / 900 % min(5, n_users) END,
       CASE WHEN purpose <> 'twitter_reply' THEN printf('10.0.%d.%d', h2 / 7 % 256, h2 / 1792 % 254 + 1) END,
       CASE WHEN purpose <> 'twitter_reply' THEN 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15'
            ELSE 'pingtopass-worker/1.4' END,
       CASE WHEN h1 / 1000000 % 10 = 0 THEN datetime(created_ts, 'unixepoch') ELSE created_ts END
FROM l ORDER BY n;

-- ---------------------------------------------------------------------------
-- audit_log over the last 90 days.
-- ---------------------------------------------------------------------------
INSERT INTO audit_log (id, user_id, ip_address, user_agent, session_id, action, entity_type, entity_id,
                       old_values, new_values, metadata, request_id, method, path, success, error_code,
                       error_message, created_at)
WITH RECURSIVE
cfg AS (SELECT * FROM _seed_cfg),
seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq, cfg WHERE n < cfg.n_audit),
r0 AS (SELECT n, (n * 2654435761 + 15101) % 4294967296 AS a, (n * 2654435761 + 15102) % 4294967296 AS b FROM seq),
r1 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b FROM r0),
r2 AS (SELECT n, (a + (a >> 16)) * 73244475 % 4294967296 AS a, (b + (b >> 16)) * 73244475 % 4294967296 AS b FROM r1),
r AS MATERIALIZED (SELECT n, (a + (a >> 16)) % 4294967296 AS h1, (b + (b >> 16)) % 4294967296 AS h2 FROM r2),
acts(lo, hi, action, entity_type, method, path) AS (VALUES
  (0,  45, 'user.login',         'user',     'POST',  '/api/auth/login'),
  (45, 55, 'user.logout',        'user',     'POST',  '/api/auth/logout'),
  (55, 70, 'session.start',      'session',  'POST',  '/api/sessions'),
  (70, 75, 'test.complete',      'test',     'POST',  '/api/tests/complete'),
  (75, 80, 'question.create',    'question', 'POST',  '/api/admin/questions'),
  (80, 85, 'question.review',    'question', 'PATCH', '/api/admin/questions/review'),
  (85, 89, 'payment.success',    'payment',  'POST',  '/api/webhooks/stripe'),
  (89, 95, 'user.update',        'user',     'PATCH', '/api/users/me'),
  (95, 100,'twitter.engagement', 'tweet',    'POST',  '/api/admin/twitter/engage')),
a1 AS (
  SELECT r.*, cfg.now, cfg.n_users, cfg.n_questions, cfg.n_sessions, cfg.n_tests,
         h1 % 100 AS sel,
         cfg.now - 30 - h2 % 7776000 AS created_ts,
         (h1 / 100 % 100 >= 3) AS ok
  FROM r CROSS JOIN cfg),
a AS (
  SELECT a1.*, acts.action, acts.entity_type, acts.method, acts.path,
         CASE WHEN acts.action IN ('question.create', 'question.review') THEN 1 + h1 / 10000 % min(5, n_users)
              WHEN acts.action = 'twitter.engagement' THEN 1
              ELSE 1 + h1 / 10000 % n_users END AS uid
  FROM a1 JOIN acts ON a1.sel >= acts.lo AND a1.sel < acts.hi)
SELECT n, uid,
       printf('%d.%d.%d.%d', 24 + h2 / 7776000 % 200, h1 / 1000 % 256, h2 / 13 % 256, 1 + h1 / 7 % 254),
       CASE h2 / 3 % 3 WHEN 0 THEN 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'
                       WHEN 1 THEN 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148'
                       ELSE 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0' END,
       printf('sess_%08x%04x', (uid * 2654435761 + created_ts / 86400) % 4294967296, uid % 65536),
       action, entity_type,
       CASE entity_type WHEN 'user' THEN CAST(uid AS TEXT)
                        WHEN 'question' THEN CAST(1 + h2 / 100 % n_questions AS TEXT)
                        WHEN 'session' THEN CAST(1 + h2 / 100 % n_sessions AS TEXT)
                        WHEN 'test' THEN CAST(1 + h2 / 100 % n_tests AS TEXT)
                        WHEN 'payment' THEN printf('pi_%08X%06X', h1, h2 % 16777216)
                        ELSE printf('%d', 1700000000000000000 + h2) END,
       CASE action WHEN 'question.review' THEN '{"reviewStatus":"pending"}'
                   WHEN 'user.update' THEN '{"timezone":"UTC","preferredLanguage":"en"}' END,
       CASE action WHEN 'question.review' THEN '{"reviewStatus":"approved"}'
                   WHEN 'user.update' THEN '{"timezone":"America/New_York","preferredLanguage":"en"}'
                   WHEN 'question.create' THEN json_object('difficulty', 1 + h2 % 5, 'aiGenerated', json(CASE WHEN h2 % 2 = 0 THEN 'true' ELSE 'false' END)) END,
       CASE action WHEN 'user.login' THEN json_object('provider', CASE WHEN h2 % 10 < 7 THEN 'google' ELSE 'email' END)
                   WHEN 'payment.success' THEN json_object('amountCents', 2900 + (h2 % 3) * 1000, 'currency', 'usd')
                   WHEN 'test.complete' THEN json_object('score', (40 + h2 % 55) / 100.0) END,
       printf('req_%08x%04x', h2, n % 65536),
       method, path,
       ok,
       CASE WHEN NOT ok THEN CASE WHEN action = 'user.login' THEN 'AUTH_FAILED' ELSE 'INTERNAL_ERROR' END END,
       CASE WHEN NOT ok THEN CASE WHEN action = 'user.login' THEN 'Invalid credentials' ELSE 'Unexpected error, please retry' END END,
       CASE WHEN h1 / 1000000 % 10 = 0 THEN datetime(created_ts, 'unixepoch') ELSE created_ts END
FROM a ORDER BY n;

-- ---------------------------------------------------------------------------
-- Empty the scratch tables again (they are TEMP: nothing reaches the file).
-- ---------------------------------------------------------------------------
DELETE FROM _seed_ua;
DELETE FROM _seed_pool;
DELETE FROM _seed_pool_exam;
DELETE FROM _seed_pool_obj;

COMMIT;
