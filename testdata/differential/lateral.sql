-- LATERAL subqueries: each runs once per row of the items to its left.
CREATE TABLE dept (id int PRIMARY KEY, name text);
CREATE TABLE emp (id int PRIMARY KEY, dept int, salary int, name text);
INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty');
INSERT INTO emp VALUES (1, 1, 100, 'ann'), (2, 1, 300, 'bob'), (3, 1, 200, 'cy'), (4, 2, 50, 'dee'), (5, 2, 70, 'eve');
-- top earner per department
SELECT d.name, t.name, t.salary FROM dept d CROSS JOIN LATERAL (SELECT name, salary FROM emp e WHERE e.dept = d.id ORDER BY salary DESC LIMIT 1) t ORDER BY d.name;
-- two best per department, comma syntax
SELECT d.id, t.id FROM dept d, LATERAL (SELECT id FROM emp WHERE dept = d.id ORDER BY salary DESC, id LIMIT 2) t ORDER BY d.id, t.id;
-- LEFT JOIN LATERAL keeps departments without rows
SELECT d.name, t.total FROM dept d LEFT JOIN LATERAL (SELECT sum(salary) AS total FROM emp WHERE dept = d.id HAVING count(*) > 0) t ON true ORDER BY d.name;
SELECT d.name, t.n FROM dept d LEFT JOIN LATERAL (SELECT name AS n FROM emp WHERE dept = d.id AND salary > 150) t ON true ORDER BY 1, 2;
-- the lateral item reads an expression of the left row
SELECT d.id, x.double FROM dept d CROSS JOIN LATERAL (SELECT d.id * 2 AS double) x ORDER BY 1;
-- (RIGHT JOIN LATERAL's 42P10 is checked in planner tests: QuartzDB
-- prints no caret under the outer reference yet.)
