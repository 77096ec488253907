-- Every type's text output, through a table and through literals.
CREATE TABLE alltypes (
    id int PRIMARY KEY,
    b bool,
    i2 int2,
    i4 int4,
    i8 int8,
    f4 float4,
    f8 float8,
    n numeric,
    n2 numeric(8,3),
    t text,
    vc varchar(10),
    c char(5),
    by bytea,
    d date,
    ts timestamp,
    tz timestamptz,
    iv interval,
    u uuid,
    j json,
    jb jsonb,
    ai int4[],
    al int8[],
    at text[],
    af4 float4[],
    af8 float8[]
);
INSERT INTO alltypes VALUES (
    1, true, -32768, 2147483647, -9223372036854775808, 1.5, 3.141592653589793, 12345678901234567890.123456789, 3.14159,
    'hello, world', 'varchar', 'ab', '\xdeadbeef', '2024-02-29', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15+02',
    '1 year 2 mons 3 days 04:05:06.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2], "b": null}', '{"b": null, "a": [1, 2]}',
    '{1,2,3}', '{-1,9223372036854775807}', '{"a b",c,NULL,"\"q\""}', '{1.5,-0.25}', '{0.1,1e100}'
);
INSERT INTO alltypes (id) VALUES (2);
INSERT INTO alltypes (id, b, f4, f8, n, t, c, by, iv, ai, at) VALUES
    (3, false, 'NaN', '-Infinity', 'NaN', '', '', '', '-1 days +02:00:00', '{}', '{}');
SELECT * FROM alltypes ORDER BY id;
SELECT id, c, length(c) AS clen, c || '|' AS cpipe, vc, octet_length(by) AS bylen FROM alltypes ORDER BY id;
SELECT jb -> 'a' AS arr, jb ->> 'a' AS arr_text, jb -> 'a' -> 0 AS first, j -> 'b' AS null_json, jb ->> 'b' AS null_text FROM alltypes WHERE id = 1;
SELECT ai[2] AS second, at[1] AS first_text, array_length(ai, 1) AS len FROM alltypes WHERE id = 1;
-- literals
SELECT 1::int2 AS i2, 100000::int8 AS i8, 0.1::float4 AS f4, 0.1::float8 AS f8, 1e-5::float8 AS small, 1e20::float8 AS big, 123.4500::numeric AS n;
SELECT 'Infinity'::float8 AS inf, '-0'::float8 AS negzero, 2.0::numeric(5,2) AS n52, 1::numeric / 3 AS third;
SELECT true AS t, false AS f, NULL::bool AS n;
SELECT '\x00ff'::bytea AS hex, 'abc'::bytea AS from_text;
SELECT '2024-01-02'::date AS d, '2024-01-02 03:04:05'::timestamp AS ts, '2024-01-02 03:04:05-05'::timestamptz AS tz;
SELECT '90 minutes'::interval AS i1, '2 days 3 hours'::interval AS i2, '1 year -1 month'::interval AS i3, '0'::interval AS zero;
SELECT date '2024-03-01' - date '2024-02-01' AS days, timestamp '2024-03-01 00:00' - timestamp '2024-02-28 12:00' AS gap,
       timestamp '2024-01-31 10:00' + interval '1 month' AS plus_month;
SELECT 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid AS upper_uuid;
SELECT '{"z": 1, "a": {"b": [true, false]}}'::jsonb AS jb, '{"z": 1,   "a": 2}'::json AS j;
SELECT ARRAY[1, 2, 3] AS ai, ARRAY['x', NULL, 'y z'] AS at, ARRAY[1.5, 2.5]::float8[] AS af, '{}'::int8[] AS empty;
SELECT pg_typeof(1) AS int_lit, pg_typeof(1.5) AS num_lit, pg_typeof('x'::text) AS text_lit, pg_typeof(3000000000) AS big_lit;
DROP TABLE alltypes;
