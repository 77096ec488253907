-- Transactions: BEGIN / COMMIT / ROLLBACK, visibility of own writes, and
-- the aborted state (25P02) after an error.
CREATE TABLE acct (id int PRIMARY KEY, balance int NOT NULL);
INSERT INTO acct VALUES (1, 100), (2, 50);
BEGIN;
UPDATE acct SET balance = balance - 30 WHERE id = 1;
UPDATE acct SET balance = balance + 30 WHERE id = 2;
SELECT * FROM acct ORDER BY id;
COMMIT;
SELECT * FROM acct ORDER BY id;
BEGIN;
DELETE FROM acct WHERE id = 1;
INSERT INTO acct VALUES (3, 7);
SELECT * FROM acct ORDER BY id;
ROLLBACK;
SELECT * FROM acct ORDER BY id;
START TRANSACTION;
INSERT INTO acct VALUES (4, 1);
COMMIT;
-- an error aborts the transaction until ROLLBACK
BEGIN;
INSERT INTO acct VALUES (5, 5);
INSERT INTO acct VALUES (1, 0);
SELECT * FROM acct;
INSERT INTO acct VALUES (6, 6);
COMMIT;
SELECT * FROM acct ORDER BY id;
BEGIN;
SELECT 1/0;
SELECT 1;
ROLLBACK;
SELECT 1 AS alive;
-- transaction control out of place
COMMIT;
ROLLBACK;
BEGIN;
BEGIN;
COMMIT;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) FROM acct;
COMMIT;
BEGIN;
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SHOW transaction_isolation;
COMMIT;
SHOW transaction_isolation;
DROP TABLE acct;
