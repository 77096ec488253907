-- psql's describe meta-commands over tables with keys, defaults,
-- sequences and indexes print what PostgreSQL prints.
CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL, email varchar(20) UNIQUE, born timestamptz DEFAULT now(), active bool DEFAULT true);
CREATE TABLE books (id bigserial PRIMARY KEY, author_id int NOT NULL, title text NOT NULL DEFAULT 'untitled', price numeric(10,2), meta jsonb, tags int[]);
CREATE INDEX books_author_idx ON books (author_id);
CREATE UNIQUE INDEX books_title_price_idx ON books (title, price);
CREATE TABLE events (id int GENERATED ALWAYS AS IDENTITY, kind text, n int4 DEFAULT 0);
CREATE TABLE notes (body text, at timestamptz);
CREATE SCHEMA extra;
CREATE TABLE extra.things (k int PRIMARY KEY, v text);
-- \d, \dt, \di, \ds, \dn and \dt extra.* print each relation's owner:
-- the bootstrap superuser, named postgres on the PostgreSQL side and
-- admin (the test server's user) on QuartzDB's, so they are checked in
-- testdata/golden/psql_vector.sql instead.
\d authors
\d books
\d events
\d notes
\d+ authors
\d+ books
\d extra.things
\d authors_pkey
\d books_author_idx
\d nosuch
SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY 1;
SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' ORDER BY 1;
SELECT attname, attnum, attnotnull, atthasdef, attidentity, atttypmod FROM pg_attribute WHERE attrelid = 'books'::regclass AND attnum > 0 ORDER BY attnum;
SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = 'authors'::regclass ORDER BY 1;
SELECT indexrelid::regclass::text, indisunique, indisprimary, indnatts, indkey FROM pg_index WHERE indrelid = 'books'::regclass ORDER BY 1;
SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'authors'::regclass ORDER BY 1;
SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname;
SELECT schemaname, tablename, tableowner IS NOT NULL, hasindexes FROM pg_tables WHERE schemaname IN ('public', 'extra') ORDER BY 1, 2;
SELECT pg_get_serial_sequence('authors', 'id'), pg_get_serial_sequence('events', 'id'), pg_get_serial_sequence('notes', 'body');
SELECT sequencename, data_type, start_value, increment_by, max_value FROM pg_sequences ORDER BY 1;
SELECT 'authors'::regclass::text, 'extra.things'::regclass::text, 'authors'::regclass::oid = (SELECT oid FROM pg_class WHERE relname = 'authors');
SELECT to_regclass('authors')::text, to_regclass('nosuch') IS NULL;
SELECT amname FROM pg_am WHERE amname NOT IN ('hnsw', 'ivfflat') ORDER BY 1;
SELECT pg_size_pretty(0::bigint), pg_size_pretty(1023::bigint), pg_size_pretty(10240::bigint), pg_size_pretty(10485760::bigint), pg_size_pretty(123456789012::bigint), pg_size_pretty(-5000000::bigint);
-- the lists that print owners
\d
\dt
\di
\ds
\dn
