-- SQL syntax that psql, drivers, ORMs and BI tools use when they introspect.
-- set-returning functions in the select list (PostgreSQL 10+ lockstep)
SELECT unnest(ARRAY[1,2,3]);
SELECT generate_series(1,3);
SELECT generate_series(1,3), generate_series(1,2);
SELECT generate_series(1,2) AS a, unnest(ARRAY['x','y','z']) AS b, 7 AS c;
SELECT x, unnest(ARRAY['a','b']) FROM (VALUES (1),(2)) v(x);
SELECT x, unnest(a) FROM (VALUES (1, ARRAY[10,20]), (2, ARRAY[]::int[]), (3, NULL)) v(x, a);
SELECT unnest(ARRAY[3,1,2]) AS u ORDER BY u;
SELECT unnest(ARRAY[3,1,2]) + 1 AS u ORDER BY 1 DESC LIMIT 2;
SELECT DISTINCT unnest(ARRAY[1,1,2]) ORDER BY 1;
SELECT generate_series(1, 10, 3), generate_series(5, 1, -2);
SELECT generate_series(1::bigint, 3::bigint);
SELECT generate_series(0.5, 2.0);
SELECT generate_series(1.0, 2.0, 0.5);
SELECT generate_series('2024-01-01'::timestamp, '2024-01-03'::timestamp, '1 day');
SELECT generate_series(1, 3, 0);
SELECT generate_subscripts(ARRAY[5,6,7], 1);
SELECT generate_subscripts(ARRAY[5,6,7], 1, true), generate_subscripts(ARRAY[5,6,7], 2);
SELECT generate_subscripts('1 3'::int2vector, 1) AS ord, unnest('1 3'::int2vector) AS attnum;
SELECT count(*), unnest(ARRAY[1,2]) FROM (VALUES (1),(2),(3)) v(x);
SELECT unnest(array_agg(x)) FROM (VALUES (1),(2)) v(x);
SELECT * FROM (VALUES (1)) v(x) WHERE unnest(ARRAY[1]) = 1;
SELECT CASE WHEN true THEN unnest(ARRAY[1]) END;
SELECT coalesce(unnest(ARRAY[1]), 0);
SELECT sum(unnest(ARRAY[1])) ;
SELECT unnest(1);
-- functions in FROM
SELECT * FROM unnest(ARRAY[10,20]) WITH ORDINALITY;
SELECT * FROM unnest(ARRAY[10,20]) WITH ORDINALITY AS t(v, n);
SELECT g FROM generate_series(1, 3) g;
SELECT * FROM generate_series(1, 2) AS g(i);
SELECT x, u FROM (VALUES (1, ARRAY['a','b']), (2, ARRAY['c'])) v(x, a), unnest(a) u ORDER BY x, u;
SELECT x, u.* FROM (VALUES (ARRAY[7,8])) v(a) CROSS JOIN LATERAL unnest(a) WITH ORDINALITY u, (VALUES (1)) w(x);
SELECT * FROM lower('ABC');
SELECT * FROM lower('ABC') AS l(v);
-- regular expressions and OPERATOR()
SELECT 'abc' ~ 'b', 'abc' ~* 'B', 'abc' !~ 'b', 'abc' !~* 'B';
SELECT 'items' OPERATOR(pg_catalog.~) '^(items)$' COLLATE pg_catalog.default;
SELECT 'Items' OPERATOR(pg_catalog.~*) '^(items)$', 1 OPERATOR(pg_catalog.+) 2, 3 OPERATOR(pg_catalog.<) 4;
-- COLLATE
SELECT 'a' < 'b' COLLATE "C", 'a' < 'b' COLLATE "default", 'B' < 'a' COLLATE pg_catalog."C";
SELECT x FROM (VALUES ('b'), ('a'), ('C')) v(x) ORDER BY x COLLATE "C";
-- comparisons
SELECT 1 IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM NULL, 1 IS DISTINCT FROM 1;
SELECT 'ABC' ILIKE 'a%', 'abc' NOT ILIKE 'A_C', 'abc' SIMILAR TO 'a(b|c)+', 'abc' NOT SIMILAR TO 'x%';
SELECT 'a%c' SIMILAR TO 'a#%c' ESCAPE '#', NULL SIMILAR TO 'a';
SELECT 1 = ANY(ARRAY[1,2]), 3 <> ALL(ARRAY[1,2]), 1 = ANY('{}'::int[]), NULL::int = ANY(ARRAY[1]);
SELECT 2::int2 = ANY('1 2'::int2vector), 3 = ANY('1 2'::int2vector), '1 2'::int2vector::varchar;
SELECT * FROM (VALUES (1),(2)) v(x) LIMIT '1';
SELECT * FROM (VALUES (1),(2)) v(x) ORDER BY x LIMIT '1' OFFSET '1';
SELECT pg_catalog.lower('A'), pg_catalog.upper('a');
-- SQL PREPARE / EXECUTE / DEALLOCATE
PREPARE p(int) AS SELECT $1 + 1 AS n;
EXECUTE p(2);
EXECUTE p('40');
EXECUTE p(1, 2);
PREPARE p(int) AS SELECT 1;
PREPARE q AS SELECT $1::text || 'x' AS s;
EXECUTE q('a');
DEALLOCATE p;
EXECUTE p(1);
DEALLOCATE p;
DEALLOCATE ALL;
EXECUTE q('a');
CREATE TABLE kv (k int PRIMARY KEY, v text);
PREPARE ins(int, text) AS INSERT INTO kv VALUES ($1, $2);
EXECUTE ins(1, 'one');
EXECUTE ins(2, 'two');
PREPARE upd AS UPDATE kv SET v = upper(v) WHERE k = $1;
EXECUTE upd(2);
SELECT * FROM kv ORDER BY k;
DEALLOCATE PREPARE ins;
