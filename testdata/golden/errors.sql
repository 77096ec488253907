-- Errors clients act on, with PostgreSQL's SQLSTATE wording, DETAIL and caret.
CREATE TABLE e (id int PRIMARY KEY, name text NOT NULL, small int2, u text UNIQUE);
INSERT INTO e VALUES (1, 'one', 1, 'u1');
-- 42P01 undefined table
SELECT * FROM missing_table;
INSERT INTO missing_table VALUES (1);
-- 42703 undefined column
SELECT nope FROM e;
SELECT e.nope FROM e;
INSERT INTO e (id, nope) VALUES (2, 'x');
-- 42P07 duplicate table
CREATE TABLE e (id int);
-- 23505 unique violation, with the key in DETAIL
INSERT INTO e VALUES (1, 'dup', 1, NULL);
INSERT INTO e VALUES (2, 'two', 2, 'u1');
-- 23502 not-null violation
INSERT INTO e (id) VALUES (3);
INSERT INTO e VALUES (3, NULL, 3, NULL);
-- 22P02 invalid input syntax
SELECT 'abc'::int;
SELECT 'maybe'::bool;
INSERT INTO e VALUES ('x', 'bad', 1, NULL);
SELECT '12:00'::uuid;
-- 22003 out of range
SELECT 2147483647::int4 + 1;
SELECT 40000::int2;
INSERT INTO e VALUES (4, 'big', 70000, NULL);
SELECT '99999999999999999999'::int8;
-- 22012 division by zero
SELECT 1 / 0;
-- 42601 syntax errors with a caret
SELECT * FORM e;
SELEC 1;
SELECT 1 + ;
INSERT INTO e VALUES (1,, 2);
-- 42883 undefined function
SELECT no_such_function(1);
-- the session is still usable
SELECT id, name FROM e ORDER BY id;
DROP TABLE e;
