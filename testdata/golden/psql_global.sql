-- psql's global meta-commands against QuartzDB: databases, roles, functions.
\l
\du
\du+
\df
\df+
SELECT rolname, rolsuper, rolcreatedb, rolcanlogin, rolpassword FROM pg_authid WHERE oid = 10;
SELECT usename, usesuper FROM pg_user;
SELECT datname, usename, application_name, state FROM pg_stat_activity;
SELECT name, installed_version FROM pg_available_extensions ORDER BY name;
SELECT name, setting FROM pg_settings WHERE name LIKE 'hnsw.%' ORDER BY name;
SELECT typname, typtype, typinput::oid, typoutput::oid, typmodin::oid, typelem, typarray FROM pg_type WHERE typname IN ('vector', '_vector', 'halfvec', '_halfvec') ORDER BY oid;
SELECT format_type(16300, 3), format_type(16301, 3), format_type(16302, 16), format_type(16300, -1);
SELECT version() LIKE 'PostgreSQL 15.% (QuartzDB %' AS looks_like_postgres;
