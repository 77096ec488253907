-- Window functions: ranking, offsets, frames, aggregates over windows,
-- named windows and the errors PostgreSQL gives.
CREATE TABLE emp (id int PRIMARY KEY, dept text, name text, salary int, bonus numeric);
INSERT INTO emp VALUES
  (1, 'eng', 'ann', 100, 1.5), (2, 'eng', 'bob', 120, NULL), (3, 'eng', 'cid', 120, 2),
  (4, 'ops', 'dan', 90, 0.5), (5, 'ops', 'eve', 95, NULL), (6, 'hr', 'fay', 70, 1),
  (7, 'eng', 'gus', 80, 3), (8, NULL, 'hal', 60, NULL);
-- ranking
SELECT id, row_number() OVER (ORDER BY id) FROM emp ORDER BY id;
SELECT name, dept, row_number() OVER (PARTITION BY dept ORDER BY salary DESC, id) AS rn FROM emp ORDER BY dept, rn;
SELECT name, salary, rank() OVER (ORDER BY salary DESC), dense_rank() OVER (ORDER BY salary DESC) FROM emp ORDER BY salary DESC, name;
SELECT name, percent_rank() OVER (ORDER BY salary), cume_dist() OVER (ORDER BY salary) FROM emp ORDER BY salary, name;
SELECT name, dept, rank() OVER (PARTITION BY dept ORDER BY salary) FROM emp ORDER BY dept NULLS FIRST, salary, name;
SELECT id, ntile(3) OVER (ORDER BY id) FROM emp ORDER BY id;
SELECT id, ntile(5) OVER (ORDER BY id), ntile(10) OVER (ORDER BY id), ntile(1) OVER () FROM emp ORDER BY id;
SELECT dept, id, ntile(2) OVER (PARTITION BY dept ORDER BY id) FROM emp ORDER BY dept, id;
SELECT id, row_number() OVER () > 0 AS pos FROM emp ORDER BY id;
SELECT count(*) OVER () FROM emp LIMIT 1;
-- lag / lead
SELECT id, salary, lag(salary) OVER (ORDER BY id), lead(salary) OVER (ORDER BY id) FROM emp ORDER BY id;
SELECT id, lag(salary, 2) OVER (ORDER BY id), lead(salary, 3, -1) OVER (ORDER BY id) FROM emp ORDER BY id;
SELECT id, lag(name, 1, 'none') OVER (PARTITION BY dept ORDER BY id) FROM emp ORDER BY id;
SELECT id, lag(salary, 1, 0.5) OVER (ORDER BY id) FROM emp ORDER BY id;
SELECT id, lead(salary, -1) OVER (ORDER BY id), lag(salary, 0) OVER (ORDER BY id) FROM emp ORDER BY id;
SELECT id, lag(salary, NULL) OVER (ORDER BY id) FROM emp ORDER BY id;
SELECT pg_typeof(lag(salary, 1, 0.5) OVER ()), pg_typeof(lag(id::int8) OVER ()) FROM emp LIMIT 1;
-- first_value / last_value / nth_value with the default frame
SELECT id, first_value(name) OVER (PARTITION BY dept ORDER BY salary, id) FROM emp ORDER BY id;
SELECT id, last_value(name) OVER (PARTITION BY dept ORDER BY salary) FROM emp ORDER BY id;
SELECT id, last_value(name) OVER (PARTITION BY dept) IS NOT NULL AS has FROM emp ORDER BY id;
SELECT id, nth_value(name, 2) OVER (ORDER BY id) FROM emp ORDER BY id;
SELECT id, nth_value(salary, 2) OVER (PARTITION BY dept ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM emp ORDER BY id;
-- aggregates over windows
SELECT id, dept, sum(salary) OVER (PARTITION BY dept) FROM emp ORDER BY id;
SELECT id, salary, sum(salary) OVER (ORDER BY salary) FROM emp ORDER BY salary, id;
SELECT id, count(*) OVER (), count(bonus) OVER (), avg(salary) OVER () FROM emp ORDER BY id;
SELECT id, count(bonus) OVER (ORDER BY id), sum(bonus) OVER (ORDER BY id), avg(bonus) OVER (ORDER BY id) FROM emp ORDER BY id;
SELECT id, min(salary) OVER (ORDER BY id), max(salary) OVER (ORDER BY id) FROM emp ORDER BY id;
SELECT id, string_agg(name, ',') OVER (ORDER BY id) FROM emp ORDER BY id;
SELECT id, array_agg(id) OVER (PARTITION BY dept ORDER BY id) FROM emp ORDER BY id;
SELECT id, json_agg(id) OVER (ORDER BY salary, id) FROM emp ORDER BY id;
SELECT id, sum(salary) FILTER (WHERE salary > 90) OVER (ORDER BY id) FROM emp ORDER BY id;
SELECT id, salary, sum(salary) OVER (ORDER BY salary DESC NULLS LAST) FROM emp ORDER BY id;
-- explicit frames
SELECT id, sum(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM emp ORDER BY id;
SELECT id, sum(salary) OVER (ORDER BY id ROWS 2 PRECEDING) FROM emp ORDER BY id;
SELECT id, sum(salary) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM emp ORDER BY id;
SELECT id, array_agg(id) OVER (ORDER BY id ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING) FROM emp ORDER BY id;
SELECT id, count(*) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) FROM emp ORDER BY id;
SELECT id, salary, sum(salary) OVER (ORDER BY salary RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM emp ORDER BY salary, id;
SELECT id, first_value(id) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING), last_value(id) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM emp ORDER BY id;
SELECT id, sum(salary) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING) FROM emp ORDER BY id;
-- named windows
SELECT id, row_number() OVER w, sum(salary) OVER w FROM emp WINDOW w AS (PARTITION BY dept ORDER BY id) ORDER BY id;
SELECT id, sum(salary) OVER (w ORDER BY id) FROM emp WINDOW w AS (PARTITION BY dept) ORDER BY id;
SELECT id, rank() OVER w2 FROM emp WINDOW w1 AS (PARTITION BY dept), w2 AS (w1 ORDER BY salary) ORDER BY id;
-- with GROUP BY, in ORDER BY, in subqueries, with DISTINCT
SELECT dept, sum(salary), rank() OVER (ORDER BY sum(salary) DESC) FROM emp GROUP BY dept ORDER BY 3, 1;
SELECT dept, count(*), sum(count(*)) OVER () FROM emp GROUP BY dept ORDER BY dept;
SELECT dept, sum(salary) * 100 / sum(sum(salary)) OVER () AS pct FROM emp WHERE dept IS NOT NULL GROUP BY dept ORDER BY dept;
SELECT name FROM emp ORDER BY row_number() OVER (ORDER BY salary DESC, id);
SELECT * FROM (SELECT id, dept, row_number() OVER (PARTITION BY dept ORDER BY salary DESC, id) AS rn FROM emp) s WHERE rn = 1 ORDER BY id;
SELECT DISTINCT dept, count(*) OVER (PARTITION BY dept) FROM emp ORDER BY 1;
SELECT id, (SELECT max(x) FROM (SELECT row_number() OVER () AS x FROM emp e2 WHERE e2.dept = emp.dept) q) FROM emp ORDER BY id;
SELECT id, row_number() OVER (ORDER BY id) FROM emp ORDER BY id DESC LIMIT 3;
SELECT x, sum(x) OVER (ORDER BY x) FROM generate_series(1, 5) x ORDER BY x;
SELECT id, row_number() OVER (PARTITION BY id % 2 ORDER BY id), generate_series(1, 2) AS g FROM emp WHERE id < 4 ORDER BY id, g;
SELECT row_number() OVER (), rank() OVER () FROM emp WHERE false;
WITH t AS (SELECT id, lag(id) OVER (ORDER BY id) AS prev FROM emp) SELECT * FROM t WHERE prev IS NULL;
-- errors
SELECT id FROM emp WHERE row_number() OVER () > 1;
SELECT dept FROM emp GROUP BY dept HAVING rank() OVER () > 0;
SELECT dept FROM emp GROUP BY row_number() OVER ();
SELECT sum(row_number() OVER ()) FROM emp;
SELECT row_number() OVER (ORDER BY rank() OVER ()) FROM emp;
SELECT sum(rank() OVER ()) OVER () FROM emp;
SELECT row_number() FROM emp;
SELECT lower(name) OVER () FROM emp;
SELECT row_number(1) OVER () FROM emp;
SELECT ntile(0) OVER () FROM emp;
SELECT nth_value(id, 0) OVER () FROM emp;
SELECT count(DISTINCT id) OVER () FROM emp;
SELECT row_number() OVER w FROM emp;
SELECT sum(id) OVER (w PARTITION BY id) FROM emp WINDOW w AS (ORDER BY id);
SELECT sum(id) OVER (w ORDER BY id) FROM emp WINDOW w AS (ORDER BY id);
SELECT sum(id) OVER (w) FROM emp WINDOW w AS (ORDER BY id ROWS 1 PRECEDING);
SELECT 1 FROM emp WINDOW w AS (), w AS ();
SELECT dept, salary, rank() OVER (ORDER BY salary) FROM emp GROUP BY dept;
SELECT sum(salary) OVER (ORDER BY id ROWS BETWEEN -1 PRECEDING AND CURRENT ROW) FROM emp;
