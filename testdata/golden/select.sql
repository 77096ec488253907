-- SELECT: filters, ordering, limits, DISTINCT, CASE, COALESCE, IN, BETWEEN,
-- LIKE, IS NULL, casts, SELECT without FROM.
CREATE TABLE people (
    id int PRIMARY KEY,
    name text NOT NULL,
    city text,
    age int,
    score float8
);
INSERT INTO people VALUES
    (1, 'Ada', 'London', 36, 9.5),
    (2, 'Bob', 'Paris', 25, 7.25),
    (3, 'carla', 'London', NULL, 8),
    (4, 'Dan', NULL, 41, NULL),
    (5, 'Eve', 'Berlin', 25, 6.5),
    (6, 'frank', 'Paris', 52, 7.25);
SELECT * FROM people;
SELECT name, age FROM people WHERE age > 30 ORDER BY age DESC;
SELECT name FROM people WHERE city = 'London' AND age IS NOT NULL;
SELECT name FROM people WHERE city IS NULL OR age IS NULL ORDER BY name;
SELECT name, city FROM people ORDER BY city NULLS FIRST, name;
SELECT name, city FROM people ORDER BY city DESC NULLS LAST, name;
SELECT name, age FROM people ORDER BY 2, 1;
SELECT name, age * 2 AS twice FROM people ORDER BY twice DESC NULLS LAST, name LIMIT 3;
SELECT id FROM people ORDER BY id LIMIT 2 OFFSET 2;
SELECT id FROM people ORDER BY id OFFSET 4;
SELECT id FROM people ORDER BY id LIMIT '1';
SELECT id FROM people ORDER BY id LIMIT ALL;
SELECT id FROM people ORDER BY id LIMIT 0;
SELECT DISTINCT city FROM people ORDER BY city;
SELECT DISTINCT age FROM people WHERE age IS NOT NULL ORDER BY age;
SELECT name,
       CASE WHEN age < 30 THEN 'young' WHEN age < 50 THEN 'middle' ELSE 'other' END AS bracket,
       CASE city WHEN 'Paris' THEN 'FR' WHEN 'London' THEN 'UK' END AS country
FROM people ORDER BY id;
SELECT name, COALESCE(city, 'unknown') AS city, COALESCE(age, score::int, -1) AS n FROM people ORDER BY id;
SELECT name, NULLIF(age, 25) AS age_unless_25 FROM people ORDER BY id;
SELECT name FROM people WHERE id IN (1, 3, 5) ORDER BY id;
SELECT name FROM people WHERE id NOT IN (1, 3, 5) ORDER BY id;
SELECT name FROM people WHERE age BETWEEN 25 AND 40 ORDER BY id;
SELECT name FROM people WHERE age NOT BETWEEN 25 AND 40 ORDER BY id;
SELECT name FROM people WHERE name LIKE '%a%' ORDER BY id;
SELECT name FROM people WHERE name ILIKE 'a%' OR name LIKE '_ob' ORDER BY id;
SELECT name FROM people WHERE name NOT LIKE '%a%' ORDER BY id;
SELECT p.name AS who, p.score AS s FROM people p WHERE p.score >= 7.25 ORDER BY s DESC, who;
SELECT count(*) FROM people;
SELECT count(age), count(city) FROM people;
-- casts
SELECT '42'::int + 1 AS a, CAST('3.5' AS numeric) * 2 AS b, 7::text || '!' AS c, 1.9::int AS d, -1.5::int AS e;
SELECT '2024-02-29'::date + 1 AS next_day, 'true'::bool AS t, 'yes'::boolean AS y, 3::float8 / 2 AS f;
SELECT 10 / 3 AS int_div, 10 % 3 AS modulo, 10.0 / 4 AS num_div, 2 ^ 10 AS pow, -7 / 2 AS neg_div;
-- SELECT without FROM, operators and NULL logic
SELECT 1 + 2 * 3 AS arith, 'a' || 'b' || NULL AS concat_null, NULL IS NULL AS isnull, 1 = NULL AS eq_null;
SELECT true AND NULL AS and_null, false AND NULL AS and_false, true OR NULL AS or_true, NOT true AS negated;
SELECT 1 < 2 AS lt, 'abc' < 'abd' AS text_lt, 2 <> 2 AS ne, 2 != 3 AS ne2;
DROP TABLE people;
