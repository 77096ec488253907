-- Run once by testdata/clients_test.go's pgbench test (-t 1 -c 1): a
-- small table of vectors with an HNSW index and a log table.
CREATE TABLE pgbench_items (id int PRIMARY KEY, embedding vector(3) NOT NULL);
INSERT INTO pgbench_items SELECT i, ('[' || i || ',1,1]')::vector FROM generate_series(1, 1000) AS s(i);
CREATE INDEX pgbench_items_embedding_idx ON pgbench_items USING hnsw (embedding vector_l2_ops);
CREATE TABLE pgbench_log (item int NOT NULL, nearest int NOT NULL, at timestamptz NOT NULL DEFAULT now());
