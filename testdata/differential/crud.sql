-- Differential: the same CRUD script on PostgreSQL 15 and QuartzDB.
-- Deterministic only: no now(), random(), generated uuids or OIDs.
CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer text NOT NULL,
    amount numeric(10,2) NOT NULL DEFAULT 0,
    status text DEFAULT 'new',
    code varchar(8) UNIQUE
);
INSERT INTO orders (customer, amount, code) VALUES ('ann', 10.50, 'o1'), ('bob', 3, 'o2'), ('cid', 99.99, 'o3') RETURNING id, customer, amount, status;
INSERT INTO orders (customer) VALUES ('dee') RETURNING *;
INSERT INTO orders (customer, code) VALUES ('eve', 'o1');
INSERT INTO orders (customer, code) VALUES ('eve', 'o1') ON CONFLICT (code) DO NOTHING;
INSERT INTO orders (id, customer, code) VALUES (2, 'bob', 'o2x') ON CONFLICT (id) DO UPDATE SET status = 'dup:' || EXCLUDED.code RETURNING id, status;
SELECT * FROM orders ORDER BY id;
-- RETURNING order follows the heap in PostgreSQL: check with an ordered SELECT.
UPDATE orders SET amount = amount * 2 WHERE amount < 20;
SELECT id, amount FROM orders WHERE amount < 40 ORDER BY id;
UPDATE orders SET status = 'paid' WHERE customer IN ('ann', 'cid');
SELECT status, count(*) FROM orders GROUP BY status ORDER BY status;
SELECT customer, amount FROM orders WHERE status <> 'paid' OR status IS NULL ORDER BY amount DESC, customer;
DELETE FROM orders WHERE status = 'new' RETURNING customer;
SELECT id, customer, status FROM orders ORDER BY id;
SELECT id, customer FROM orders ORDER BY id DESC LIMIT 1 OFFSET 1;
TRUNCATE orders;
SELECT count(*) FROM orders;
DROP TABLE orders;
CREATE TABLE kv (k text PRIMARY KEY, v int8 NOT NULL);
INSERT INTO kv SELECT 'k' || x, x * x FROM (VALUES (1), (2), (3), (4), (5)) AS s(x);
SELECT * FROM kv ORDER BY k;
SELECT k FROM kv WHERE v BETWEEN 4 AND 16 ORDER BY v DESC;
SELECT DISTINCT v % 2 AS parity FROM kv ORDER BY parity;
DROP TABLE kv;
