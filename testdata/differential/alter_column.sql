-- ALTER TABLE ... ALTER COLUMN: TYPE (with the assignment cast or USING,
-- rewriting the rows and their indexes), SET/DROP NOT NULL and SET/DROP
-- DEFAULT, as ORM migrations (Sequelize's sync({ alter: true })) send them.
CREATE TABLE items (id int PRIMARY KEY, name varchar(100) NOT NULL, code text, qty int DEFAULT 5, price numeric(6,2), note varchar(10) DEFAULT 'x', flag int);
INSERT INTO items VALUES (1, 'apple', '12', 1, 1.25, 'abc', NULL), (2, 'pear', 'x7', 2, 2.5, 'defghij', 3);
CREATE UNIQUE INDEX items_qty_idx ON items (qty);
CREATE INDEX items_note_idx ON items (note);
-- Sequelize re-sends every column's definition: unchanged, a no-op.
ALTER TABLE "items" ALTER COLUMN "name" SET NOT NULL;ALTER TABLE "items" ALTER COLUMN "name" DROP DEFAULT;ALTER TABLE "items" ALTER COLUMN "name" TYPE VARCHAR(100);
ALTER TABLE items ALTER COLUMN qty SET DEFAULT 5, ALTER COLUMN qty TYPE integer;
\d items
-- Conversions that need USING, and the errors of the conversion itself.
ALTER TABLE items ALTER COLUMN code TYPE integer;
ALTER TABLE items ALTER code TYPE integer USING code::integer;
ALTER TABLE items ALTER COLUMN note TYPE varchar(3);
ALTER TABLE items ALTER COLUMN qty TYPE boolean;
ALTER TABLE items ALTER COLUMN nosuch TYPE integer;
ALTER TABLE items ALTER COLUMN flag TYPE nosuchtype;
ALTER TABLE items ALTER code TYPE varchar(20) USING nosuch;
ALTER TABLE items ALTER code TYPE varchar(20) USING code + 1;
ALTER TABLE items ALTER code TYPE varchar(20) USING (SELECT 'q');
ALTER TABLE items ALTER code TYPE varchar(20) USING max(code);
ALTER TABLE items ALTER code TYPE text USING generate_series(1, 2);
ALTER TABLE items ALTER code TYPE integer USING 0, ALTER code TYPE text;
ALTER TABLE items ALTER code TYPE integer USING 1 / 0;
-- The default must convert too: 'x'::character varying has no
-- assignment cast to integer.
ALTER TABLE items ALTER note TYPE integer USING length(note);
-- A unique index is rebuilt over the converted values.
ALTER TABLE items ALTER COLUMN qty TYPE integer USING qty * 0;
ALTER TABLE items ALTER COLUMN qty TYPE integer USING 3 - qty;
-- Widening and re-scaling convert the rows and the defaults.
ALTER TABLE items ALTER COLUMN qty TYPE bigint, ALTER COLUMN note SET DATA TYPE text, ALTER price TYPE numeric(6,1);
ALTER TABLE items ALTER id TYPE bigint;
\d items
SELECT * FROM items ORDER BY id;
SELECT id FROM items WHERE qty = 1;
SELECT id FROM items WHERE note = 'defghij';
INSERT INTO items (id, name, qty) VALUES (3, 'fig', 1);
INSERT INTO items (id, name) VALUES (3, 'fig') RETURNING qty, note;
SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'items'::regclass ORDER BY adnum;
-- In a transaction block the rewrite rolls back with it.
BEGIN;
ALTER TABLE items ALTER price TYPE text;
SELECT price || '!' FROM items ORDER BY id;
ROLLBACK;
SELECT price + 1 FROM items ORDER BY id;
-- Defaults keep their cooked form when the type changes.
CREATE TABLE defs (id serial PRIMARY KEY, a int DEFAULT 5, b int DEFAULT -1, c varchar(10) DEFAULT 'x', d text DEFAULT 'y', e timestamptz DEFAULT now(), f text DEFAULT 'abc', h numeric DEFAULT 1.5);
ALTER TABLE defs ALTER f TYPE integer USING 0;
ALTER TABLE defs ALTER id TYPE bigint, ALTER a TYPE bigint, ALTER b TYPE bigint, ALTER c TYPE text, ALTER d TYPE varchar(5), ALTER e TYPE timestamp, ALTER h TYPE text;
\d defs
-- SET/DROP NOT NULL and SET/DROP DEFAULT.
CREATE TABLE notes (id int PRIMARY KEY, body text, n int);
INSERT INTO notes VALUES (1, 'a', NULL);
ALTER TABLE notes ALTER COLUMN n SET NOT NULL;
ALTER TABLE notes ALTER COLUMN nosuch SET NOT NULL;
ALTER TABLE notes ALTER COLUMN nosuch SET DEFAULT 1;
ALTER TABLE notes ALTER COLUMN id DROP NOT NULL;
ALTER TABLE notes ALTER COLUMN n SET DEFAULT 'a';
ALTER TABLE notes ALTER n TYPE integer USING NULL, ALTER body SET NOT NULL;
UPDATE notes SET n = 1;
ALTER TABLE notes ALTER COLUMN n SET NOT NULL, ALTER COLUMN n SET DEFAULT 7;
INSERT INTO notes (id, body) VALUES (2, 'b') RETURNING n;
\d notes
ALTER TABLE notes ALTER COLUMN n DROP DEFAULT, ALTER COLUMN n DROP NOT NULL;
INSERT INTO notes (id, body) VALUES (3, 'c') RETURNING n;
ALTER TABLE notes ALTER n TYPE text, ALTER n SET NOT NULL;
\d notes
