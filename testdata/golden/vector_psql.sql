-- psql's describe commands on QuartzDB's own objects print what they
-- print with pgvector: vector(3) columns, hnsw indexes with their
-- operator class and storage parameters. Owners are the session's user.
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL, embedding vector(3), half halfvec(2));
CREATE INDEX items_embedding_idx ON items USING hnsw (embedding vector_l2_ops);
CREATE INDEX items_cos_idx ON items USING hnsw (embedding vector_cosine_ops) WITH (m = 8, ef_construction = 32);
CREATE TABLE notes (body text);
CREATE SCHEMA extra;
CREATE TABLE extra.things (k int PRIMARY KEY);
\d
\dt
\di
\ds
\dn
\dt extra.*
\d items
\d+ items
\d items_embedding_idx
\d items_cos_idx
SELECT attname, format_type(atttypid, atttypmod), atttypmod FROM pg_attribute WHERE attrelid = 'items'::regclass AND attnum > 0 ORDER BY attnum;
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'items' ORDER BY 1;
SELECT c.relname, a.amname, c.reloptions FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.relkind = 'i' ORDER BY 1;
SELECT o.opcname FROM pg_index i JOIN pg_opclass o ON o.oid = ANY (i.indclass) WHERE i.indexrelid = 'items_cos_idx'::regclass;
SELECT * FROM pg_stat_progress_create_index;
\dx
