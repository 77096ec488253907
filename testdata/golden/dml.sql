-- DML: multi-row INSERT, INSERT ... SELECT, ON CONFLICT, RETURNING,
-- UPDATE / DELETE with RETURNING, constraint violations.
CREATE TABLE items (
    id int PRIMARY KEY,
    name text NOT NULL,
    qty int NOT NULL DEFAULT 0,
    price numeric(10,2),
    sku text UNIQUE
);
INSERT INTO items VALUES (1, 'apple', 10, 0.50, 'A1'), (2, 'pear', 5, 0.75, 'P1'), (3, 'plum', 0, NULL, NULL);
INSERT INTO items (id, name) VALUES (4, 'fig') RETURNING *;
INSERT INTO items (id, name, qty) VALUES (5, 'kiwi', 7), (6, 'lime', 8) RETURNING id, name, qty * 2 AS double_qty;
-- constraint violations
INSERT INTO items (id, name) VALUES (1, 'again');
INSERT INTO items (id, name, sku) VALUES (7, 'apricot', 'A1');
INSERT INTO items (id) VALUES (8);
INSERT INTO items (id, name) VALUES (NULL, 'nobody');
UPDATE items SET name = NULL WHERE id = 1;
-- ON CONFLICT
INSERT INTO items (id, name) VALUES (1, 'again') ON CONFLICT DO NOTHING;
INSERT INTO items (id, name) VALUES (1, 'again') ON CONFLICT (id) DO NOTHING RETURNING id;
INSERT INTO items (id, name, qty) VALUES (1, 'apple', 3)
    ON CONFLICT (id) DO UPDATE SET qty = items.qty + EXCLUDED.qty
    RETURNING id, name, qty;
INSERT INTO items (id, name, qty) VALUES (2, 'pear', 1), (9, 'grape', 4)
    ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty, name = EXCLUDED.name || '!'
    RETURNING *;
SELECT * FROM items ORDER BY id;
-- INSERT ... SELECT
CREATE TABLE archive (id int PRIMARY KEY, name text);
INSERT INTO archive SELECT id, name FROM items WHERE qty > 5;
INSERT INTO archive (id, name) SELECT id + 100, upper(name) FROM items WHERE id <= 2 RETURNING *;
SELECT * FROM archive ORDER BY id;
-- UPDATE
UPDATE items SET qty = qty + 1 WHERE id IN (1, 2);
UPDATE items SET price = 1.25, qty = 0 WHERE name = 'fig' RETURNING id, name, price, qty;
UPDATE items SET qty = 99 WHERE id = 12345;
-- RETURNING order follows the heap in PostgreSQL, so multi-row updates are
-- checked with an ordered SELECT.
UPDATE items SET qty = qty * 10 WHERE qty BETWEEN 1 AND 5;
SELECT id, qty FROM items WHERE qty IN (20, 40) ORDER BY id;
UPDATE items AS i SET name = a.name FROM archive a WHERE a.id = i.id + 100 RETURNING i.id, i.name;
UPDATE items SET nope = 1;
-- DELETE
DELETE FROM items WHERE id = 3 RETURNING *;
DELETE FROM items WHERE qty = 0 RETURNING id, name;
DELETE FROM items WHERE id = 12345;
SELECT id, name, qty, price, sku FROM items ORDER BY id;
DELETE FROM archive;
SELECT count(*) FROM archive;
DROP TABLE items, archive;
