-- testdata/clients_test.go runs this with -M simple, extended and
-- prepared: a point lookup, a nearest-neighbour query whose answer \gset
-- reads back, and an insert using it, in one transaction.
\set id random(1, 1000)
BEGIN;
SELECT id, embedding <-> '[1,1,1]' AS distance FROM pgbench_items WHERE id = :id;
SELECT id AS nearest FROM pgbench_items ORDER BY embedding <-> ('[' || :id || ',1,1]')::vector LIMIT 1 \gset
INSERT INTO pgbench_log (item, nearest) VALUES (:id, :nearest);
END;
