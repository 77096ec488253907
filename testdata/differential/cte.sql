-- WITH queries: plain, referenced several times, recursive, in DML.
CREATE TABLE nodes (id int PRIMARY KEY, parent int, name text);
INSERT INTO nodes VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'), (5, 4, 'a1x');
WITH a AS (SELECT 1 AS x) SELECT * FROM a;
WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM a, b;
WITH a AS (SELECT id FROM nodes WHERE id < 3) SELECT a.id, b.id FROM a, a b ORDER BY 1, 2;
WITH a(k, v) AS (SELECT id, name FROM nodes) SELECT v FROM a WHERE k = 3;
WITH a AS (SELECT 1 AS x) SELECT (SELECT x FROM a) + 1 AS y;
WITH a AS (SELECT 1 AS x) SELECT * FROM (WITH b AS (SELECT x * 10 AS z FROM a) SELECT * FROM b) s;
WITH nodes AS (SELECT 42 AS id) SELECT id FROM nodes;
SELECT count(*) FROM nodes WHERE id IN (WITH t AS (SELECT 2 AS v UNION ALL SELECT 3) SELECT v FROM t);
-- recursive
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT * FROM t;
WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT (n % 3) + 1 FROM t) SELECT * FROM t ORDER BY n;
-- unbounded recursion stopped by the LIMIT above it
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT n FROM t LIMIT 5;
WITH RECURSIVE fib(a, b) AS (SELECT 0::bigint, 1::bigint UNION ALL SELECT b, a + b FROM fib) SELECT a FROM fib LIMIT 10;
SELECT (WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n * 2 FROM t) SELECT n FROM t WHERE n > 1000 LIMIT 1) AS first_over;
WITH RECURSIVE sub AS (
  SELECT id, name, 0 AS depth, name AS path FROM nodes WHERE parent IS NULL
  UNION ALL
  SELECT n.id, n.name, s.depth + 1, s.path || '/' || n.name FROM nodes n JOIN sub s ON n.parent = s.id
) SELECT * FROM sub ORDER BY path;
WITH RECURSIVE up(id, parent) AS (
  SELECT id, parent FROM nodes WHERE id = 5
  UNION ALL
  SELECT n.id, n.parent FROM up u, nodes n WHERE n.id = u.parent
) SELECT string_agg(id::text, ' <- ') FROM up;
WITH RECURSIVE t AS (SELECT 1 AS n) SELECT * FROM t;
WITH RECURSIVE a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM b;
-- errors
WITH a AS (SELECT 1), a AS (SELECT 2) SELECT 1;
WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a;
SELECT * FROM missing_cte;
WITH a(x, y) AS (SELECT 1) SELECT * FROM a;
WITH RECURSIVE t AS (SELECT n FROM t) SELECT * FROM t;
WITH RECURSIVE t(n) AS (SELECT n FROM t UNION ALL SELECT 1) SELECT * FROM t;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT t.n + 1 FROM t, t u WHERE t.n < 3) SELECT * FROM t;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM nodes WHERE id IN (SELECT n FROM t)) SELECT * FROM t;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n::bigint + 1 FROM t WHERE n < 3) SELECT * FROM t;
WITH RECURSIVE t(n) AS (SELECT 1::bigint UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT * FROM t;
-- in INSERT, UPDATE and DELETE
CREATE TABLE copy (id int, name text);
WITH src AS (SELECT id, name FROM nodes WHERE id > 3) INSERT INTO copy SELECT * FROM src;
INSERT INTO copy WITH s AS (SELECT 9 AS id, 'nine' AS name) SELECT * FROM s;
WITH ids AS (SELECT 4 AS id) UPDATE copy SET name = upper(name) WHERE id IN (SELECT id FROM ids);
WITH ids AS (SELECT 5 AS id) DELETE FROM copy WHERE id IN (SELECT id FROM ids);
SELECT * FROM copy ORDER BY id;
-- aggregates with their own ORDER BY
CREATE TABLE agg_o (g int, v text, n int);
INSERT INTO agg_o VALUES (1, 'b', 2), (1, 'a', 3), (1, 'c', 1), (2, 'x', NULL), (2, 'y', 5);
SELECT g, array_agg(v ORDER BY v), array_agg(v ORDER BY n DESC), string_agg(v, ',' ORDER BY n NULLS FIRST) FROM agg_o GROUP BY g ORDER BY g;
SELECT array_agg(DISTINCT v ORDER BY v DESC) FROM agg_o;
SELECT array_agg(n ORDER BY v) FILTER (WHERE n > 1) FROM agg_o;
