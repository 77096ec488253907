-- Differential: catalog functions and global pg_catalog relations that
-- drivers, ORMs and BI tools read, checked without OIDs that differ.
CREATE TABLE cf_items (id int PRIMARY KEY, "Name" text, price numeric(10,2));
-- quote_ident: keywords other than unreserved ones, upper case, odd characters
SELECT quote_ident('abc'), quote_ident('Foo'), quote_ident('select'), quote_ident('int'), quote_ident('between');
SELECT quote_ident('abort'), quote_ident('year'), quote_ident('authorization'), quote_ident('a$b'), quote_ident('1x'), quote_ident(''), quote_ident('a"b');
SELECT quote_literal('it''s'), quote_literal(E'a\\b'), quote_literal(42), quote_nullable(NULL), quote_nullable('x'), quote_nullable(1.5);
-- format_type over many types and typmods
SELECT format_type(23, -1), format_type(23, NULL), format_type(1043, 24), format_type(1043, -1), format_type(1042, 12), format_type(1042, -1), format_type(1042, NULL);
SELECT format_type(1700, 655366), format_type(1700, -1), format_type(1114, 3), format_type(1184, 0), format_type(1083, 6), format_type(1186, -1);
SELECT format_type(1015, 24), format_type(1007, -1), format_type(1009, NULL), format_type(16, -1), format_type(17, -1), format_type(3802, -1), format_type(2950, -1);
SELECT format_type(20, NULL), format_type(21, NULL), format_type(700, NULL), format_type(701, NULL), format_type(25, NULL), format_type(19, NULL), format_type(18, NULL);
SELECT format_type(NULL, 1), format_type(26, -1), format_type(2205, -1), format_type(2206, -1);
-- encodings
SELECT pg_encoding_to_char(6), pg_encoding_to_char(0), pg_encoding_to_char(8), pg_encoding_to_char(41), pg_encoding_to_char(99) = '', pg_char_to_encoding('utf8'), pg_char_to_encoding('UTF-8');
SELECT pg_client_encoding(), pg_is_in_recovery();
-- privileges on the session's own objects
SELECT has_table_privilege('cf_items', 'select'), has_table_privilege('public.cf_items', 'SELECT, INSERT WITH GRANT OPTION'), has_table_privilege('cf_items', 'rule');
SELECT has_table_privilege(current_user, 'cf_items', 'update'), has_table_privilege('pg_catalog.pg_type', 'select'), has_table_privilege('pg_database', 'select');
SELECT has_any_column_privilege('cf_items', 'select'), has_column_privilege('cf_items', 'id', 'select'), has_column_privilege('cf_items', 'Name', 'update');
SELECT has_schema_privilege('public', 'usage'), has_schema_privilege('public', 'create'), has_schema_privilege('pg_catalog', 'usage');
SELECT has_database_privilege(current_database(), 'connect'), has_database_privilege(current_database(), 'temp, create');
SELECT has_function_privilege('now()', 'execute'), has_function_privilege('lower(text)', 'execute');
SELECT has_table_privilege('cf_items', 'frobnicate');
SELECT has_table_privilege('cf_missing', 'select');
SELECT has_table_privilege('nope.cf_items', 'select');
SELECT has_table_privilege('a.b.c.d', 'select');
SELECT has_schema_privilege('no_such_schema', 'usage');
SELECT has_schema_privilege('public', 'select');
SELECT has_database_privilege('no_such_database', 'connect');
SELECT has_column_privilege('cf_items', 'nope', 'select');
SELECT has_table_privilege('no_such_role', 'cf_items', 'select');
SELECT has_function_privilege('no_such_function()', 'execute');
SELECT has_table_privilege(999999::oid, 'select') IS NULL AS unknown_oid;
-- search path
SELECT current_schemas(true), current_schemas(false), current_schema();
-- types
SELECT to_regtype('integer')::oid, to_regtype('text')::oid, to_regtype('no_such_type') IS NULL AS missing;
SELECT typname, typtype, typcategory, typlen, typbyval, typelem, typarray, typdelim, typalign, typstorage, typcollation FROM pg_type WHERE oid IN (16, 19, 23, 25, 1007, 1043, 1700, 2249, 2275, 2281) ORDER BY oid;
SELECT t.typname, pg_type_is_visible(t.oid) FROM pg_type t WHERE t.oid IN (23, 1043) ORDER BY 1;
-- settings
SELECT name, setting, unit, vartype, context FROM pg_settings WHERE name IN ('search_path', 'standard_conforming_strings', 'server_encoding', 'max_identifier_length', 'integer_datetimes', 'TimeZone', 'DateStyle', 'IntervalStyle', 'extra_float_digits', 'statement_timeout', 'work_mem', 'bytea_output', 'client_min_messages') ORDER BY name;
SET statement_timeout = '5s';
SELECT name, setting, source FROM pg_settings WHERE name = 'statement_timeout';
RESET statement_timeout;
SELECT enumvals FROM pg_settings WHERE name = 'IntervalStyle';
-- shared catalogs
SELECT oid, collname, collprovider, collencoding FROM pg_collation WHERE collname IN ('default', 'C', 'POSIX', 'ucs_basic') ORDER BY oid;
SELECT rngtypid, rngsubtype, rngmultitypid, rngcollation, rngsubopc FROM pg_range ORDER BY 1;
SELECT oid, spcname FROM pg_tablespace ORDER BY oid;
SELECT lanname, lanispl, lanpltrusted FROM pg_language ORDER BY lanname;
SELECT count(*) FROM pg_enum;
SELECT rolname, rolsuper, rolcanlogin FROM pg_roles WHERE rolname ~ '^pg_' ORDER BY 1;
SELECT datname = current_database() AS own, pg_encoding_to_char(encoding), datcollate, datctype, datallowconn, datconnlimit, dattablespace, datistemplate FROM pg_database WHERE datname = current_database();
SELECT name, default_version FROM pg_available_extensions WHERE name = 'plpgsql';
SELECT datname = current_database() AS own, pid = pg_backend_pid() AS mine, state, backend_type FROM pg_stat_activity WHERE pid = pg_backend_pid();
-- functions
SELECT proname, prokind, proretset, pronargs, prorettype, pg_get_function_result(oid), pg_get_function_arguments(oid) FROM pg_proc WHERE proname IN ('md5', 'pg_get_keywords', 'generate_series', 'now', 'count') AND pronamespace = 11 ORDER BY proname, oid;
SELECT to_regproc('now')::oid, to_regproc('pg_catalog.generate_series') IS NULL AS overloaded;
SELECT pg_function_is_visible(oid) FROM pg_proc WHERE proname = 'now';
\df
\du cf_nobody
DROP TABLE cf_items;
-- pg_get_keywords() in FROM
SELECT word, catcode, barelabel, catdesc, baredesc FROM pg_get_keywords() WHERE word IN ('select', 'all', 'between', 'abort', 'authorization', 'xmltable') ORDER BY word;
SELECT count(*) > 400 AS many FROM pg_catalog.pg_get_keywords() k(w, c) WHERE c IN ('U', 'C', 'T', 'R');
