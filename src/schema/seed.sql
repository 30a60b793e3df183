BEGIN;

-- ---------------------------------------------------------------------------
-- Derived row counts (one row).  Everything below reads its sizes from here.
-- ---------------------------------------------------------------------------
CREATE TEMP VIEW IF NOT EXISTS _seed_cfg AS
WITH p AS (SELECT scale AS sc, now FROM temp.seed_params LIMIT 1),
b AS (
  SELECT sc, now,
         max(1, CAST(round(10 * sc) AS INTEGER))     AS n_exams,
         max(1, CAST(round(5000 * sc) AS INTEGER))   AS n_users,
         max(1, CAST(round(20000 * sc) AS INTEGER))  AS n_sessions,
         max(1, CAST(round(250 * sc) AS INTEGER))    AS n_tests,
         max(3, CAST(round(12 * sc) AS INTEGER))     AS n_accounts,
         max(10, CAST(round(20000 * sc) AS INTEGER)) AS n_tweets,
         max(5, CAST(round(3000 * sc) AS INTEGER))   AS n_opportunities,
         max(7, CAST(round(365 * sc) AS INTEGER))    AS n_days,
         max(5, CAST(round(2000 * sc) AS INTEGER))   AS n_ai_logs,
         max(10, CAST(round(5000 * sc) AS INTEGER))  AS n_audit
  FROM p),
c AS (
  SELECT b.*,
         max(n_exams, CAST(round(80 * sc) AS INTEGER)) AS n_objectives,
         max(n_users, min(CAST(round(15000 * sc) AS INTEGER), n_users * n_exams)) AS n_progress
  FROM b)
SELECT c.*,
       max(2 * n_objectives, CAST(round(20000 * sc) AS INTEGER)) AS n_questions
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
       CASE WHEN is_child THEN round(0.5 / top, 3) ELSE round(1.0 / top, 3) END,
       CASE WHEN is_child THEN NULL ELSE round(100.0 / top, 1) END,
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
       CASE WHEN h3 / 200000 % 100 < 40 THEN round(0.6 + (h5 / 86400 % 40) / 100.0, 2) END,
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
  SELECT pk.*, p.type, p.difficulty, p.ckeys, p.wkeys,
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
  SELECT attempts.*,
         (h3 % 10000) < CAST(10000 * max(0.05, min(0.97,
              0.76 - 0.06 * (difficulty - 1)
              + ((user_id * 2654435761 + 99) % 4294967296 % 2401 - 1200) / 10000.0
              + min(0.15, 0.05 * (attempt - 1))
              + CASE WHEN mode = 'review' THEN 0.03 WHEN tid IS NOT NULL THEN 0.06 ELSE 0 END)) AS INTEGER) AS ok
  FROM attempts)
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
COMMIT;
