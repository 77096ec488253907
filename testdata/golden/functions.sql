-- The everyday functions applications call.
SELECT lower('HeLLo') AS lower, upper('HeLLo') AS upper, length('héllo') AS length, length('') AS empty;
SELECT substr('quartzdb', 3) AS s1, substr('quartzdb', 3, 4) AS s2, substring('quartzdb' FROM 2 FOR 3) AS s3;
SELECT concat('a', 1, NULL, true) AS concat, 'x' || 42 AS pipe, concat_ws('-', 'a', NULL, 'b') AS ws;
SELECT trim('  pad  ') AS t, ltrim('xxhixx', 'x') AS l, rtrim('xxhixx', 'x') AS r, btrim('--a--', '-') AS b;
SELECT replace('a.b.c', '.', '/') AS replace, position('b' IN 'abc') AS pos, left('abcdef', 2) AS l, right('abcdef', 2) AS r;
SELECT abs(-5) AS i, abs(-2.5) AS n, abs(-1.5::float8) AS f;
SELECT round(2.5) AS r1, round(-2.5) AS r2, round(2.567, 2) AS r3, round(2.5::float8) AS r4, round(3.5::float8) AS r5;
SELECT floor(2.7) AS f1, floor(-2.7) AS f2, ceil(2.1) AS c1, ceiling(-2.1) AS c2, floor(2.7::float8) AS f3;
SELECT greatest(1, 5, 3) AS g, least(4, 2, 8) AS l, greatest('a', 'c', 'b') AS gt, least(1, NULL, 3) AS ln;
SELECT date_trunc('month', timestamp '2024-05-17 13:45:12') AS month,
       date_trunc('hour', timestamp '2024-05-17 13:45:12') AS hour,
       date_trunc('day', timestamptz '2024-05-17 13:45:12+00') AS day_tz;
SELECT extract(year FROM date '2024-05-17') AS y, extract(month FROM timestamp '2024-05-17 13:45:12') AS m,
       extract(dow FROM date '2024-05-17') AS dow, extract(epoch FROM timestamptz '2024-01-01 00:00:00+00') AS epoch;
SELECT date_part('hour', timestamp '2024-05-17 13:45:12') AS h;
-- now(), current_timestamp, random() and gen_random_uuid() vary, so only their shape is checked
SELECT now() IS NOT NULL AS has_now, now() = current_timestamp AS same_in_txn, pg_typeof(now()) AS now_type;
SELECT random() >= 0 AND random() < 1 AS in_range, pg_typeof(random()) AS random_type;
SELECT length(gen_random_uuid()::text) AS uuid_len, gen_random_uuid() <> gen_random_uuid() AS distinct_uuids;
SELECT lower(NULL) AS lower_null, length(NULL) AS length_null, coalesce(upper(NULL), 'dflt') AS dflt;
