-- PRIMARY KEY and UNIQUE constraints are told apart from unique indexes
-- made by CREATE UNIQUE INDEX, as ORMs diffing the catalog need:
-- pg_constraint, information_schema and psql's \d show only constraints,
-- and ALTER TABLE ADD/DROP CONSTRAINT manage them.
CREATE TABLE items (id int PRIMARY KEY, name text, code text, sku text UNIQUE, CONSTRAINT uni_items_name UNIQUE (name));
CREATE UNIQUE INDEX items_code_idx ON items (code);
CREATE INDEX items_name_idx ON items (name);
\d items
SELECT conname, contype, pg_get_constraintdef(oid), conindid::regclass::text, conkey FROM pg_constraint WHERE conrelid = 'items'::regclass ORDER BY 1;
SELECT indexrelid::regclass::text, indisunique, indisprimary FROM pg_index WHERE indrelid = 'items'::regclass ORDER BY 1;
SELECT c.relname FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE i.indrelid = 'items'::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) ORDER BY 1;
SELECT constraint_name, constraint_type FROM information_schema.table_constraints WHERE table_name = 'items' AND constraint_type <> 'CHECK' ORDER BY 1;
SELECT constraint_name, column_name, ordinal_position FROM information_schema.key_column_usage WHERE table_name = 'items' ORDER BY 1, 3;
SELECT constraint_name, column_name FROM information_schema.constraint_column_usage WHERE table_name = 'items' ORDER BY 1, 2;
-- Unnamed constraints are named <table>_<columns>_key and <table>_pkey,
-- with 1, 2, ... after the label when the name is taken; a key repeating
-- an earlier one's columns makes no index of its own.
CREATE TABLE pairs (a int UNIQUE, b int, c int, UNIQUE (a, b), CONSTRAINT pairs_named UNIQUE (b), UNIQUE (a), PRIMARY KEY (c));
\d pairs
CREATE TABLE dup_key (a int, pairs_a_key int);
CREATE TABLE two (x int PRIMARY KEY, CONSTRAINT two_first UNIQUE (x));
\d two
CREATE TABLE clash (a int, CONSTRAINT items UNIQUE (a));
CREATE TABLE clash (a int, b int, CONSTRAINT c1 UNIQUE (a), CONSTRAINT c1 UNIQUE (b));
-- ALTER TABLE ADD CONSTRAINT builds the index over the existing rows.
CREATE TABLE tags (id int PRIMARY KEY, label text, slug text);
INSERT INTO tags VALUES (1, 'a', 'x'), (2, 'a', 'y'), (3, NULL, 'z'), (4, NULL, NULL);
ALTER TABLE tags ADD CONSTRAINT tags_label_unique UNIQUE (label);
ALTER TABLE tags ADD CONSTRAINT tags_pair UNIQUE (label, slug);
ALTER TABLE tags ADD UNIQUE (slug);
ALTER TABLE tags ADD UNIQUE (slug);
ALTER TABLE tags ADD CONSTRAINT tags_pkey UNIQUE (label);
ALTER TABLE tags ADD CONSTRAINT tags_pair UNIQUE (slug);
ALTER TABLE tags ADD PRIMARY KEY (slug);
INSERT INTO tags VALUES (5, 'b', 'x');
\d tags
SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'tags'::regclass ORDER BY 1;
-- DROP CONSTRAINT removes the constraint and its index; DROP INDEX
-- refuses a constraint's index but drops a plain unique index.
DROP INDEX tags_slug_key;
DROP INDEX tags_pkey;
ALTER TABLE tags DROP CONSTRAINT nosuch;
ALTER TABLE tags DROP CONSTRAINT IF EXISTS nosuch;
ALTER TABLE tags DROP CONSTRAINT tags_slug_key1;
ALTER TABLE tags DROP CONSTRAINT tags_pair CASCADE;
ALTER TABLE tags DROP CONSTRAINT IF EXISTS tags_slug_key RESTRICT;
ALTER TABLE tags DROP CONSTRAINT tags_slug_key;
INSERT INTO tags VALUES (6, 'c', 'x');
ALTER TABLE tags ADD COLUMN n int DEFAULT 7 UNIQUE;
ALTER TABLE tags ADD COLUMN email text CONSTRAINT tags_email_unique UNIQUE, ADD COLUMN alias text UNIQUE;
INSERT INTO tags (id, email) VALUES (7, 'e'), (8, 'e');
\d tags
SELECT constraint_name, constraint_type FROM information_schema.table_constraints WHERE table_name = 'tags' AND constraint_type <> 'CHECK' ORDER BY 1;
ALTER TABLE items DROP CONSTRAINT items_code_idx;
DROP INDEX items_code_idx;
ALTER TABLE items DROP CONSTRAINT uni_items_name;
ALTER TABLE items ADD CONSTRAINT uni_items_name UNIQUE (name);
\d items
-- What Knex's .unique() and TypeORM's synchronize send.
CREATE TABLE knex_items (id serial PRIMARY KEY, name varchar(255) NOT NULL);
ALTER TABLE knex_items ADD CONSTRAINT knex_items_name_unique UNIQUE (name);
CREATE TABLE "orm_items" ("id" SERIAL NOT NULL, "name" character varying(100) NOT NULL, CONSTRAINT "UQ_0bf1f3ac30e5a4bbfb0e6ff6b71" UNIQUE ("name"), CONSTRAINT "PK_ba5885359424c15ca6b9e79bcf6" PRIMARY KEY ("id"));
\d knex_items
\d orm_items
SELECT conname, contype FROM pg_constraint WHERE conrelid = 'orm_items'::regclass ORDER BY 1;
