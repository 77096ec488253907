-- psql's client-side meta-commands against the server: \x, \copy, \dx, \df, \dn, \l of one database.
CREATE TABLE pets (id int PRIMARY KEY, name text NOT NULL, born date, weight numeric(5,2));
INSERT INTO pets VALUES (1, 'Rex', '2020-01-02', 12.5), (2, 'Tom', NULL, 4.25);
\x
SELECT * FROM pets ORDER BY id;
\x off
\copy pets FROM STDIN
3	Nemo	2022-05-06	0.10
4	Dory	\N	\N
\.
\copy pets (id, name) FROM STDIN WITH (FORMAT csv, HEADER true)
id,name
5,"Bubbles, the fish"
\.
SELECT * FROM pets ORDER BY id;
\copy pets TO STDOUT
\copy (SELECT id, name FROM pets WHERE id > 2 ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER true)
\copy pets FROM STDIN
6	bad date	not-a-date	1
\.
\copy pets FROM STDIN
7	only
\.
\copy pets FROM STDIN
1	dup	\N	\N
\.
SELECT count(*) FROM pets;
\dx
\df
\x auto
SELECT name FROM pets WHERE id = 1;
