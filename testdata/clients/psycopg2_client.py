"""psycopg2 against QuartzDB, run by testdata/clients_test.go: what an
application does with a vector column (create, insert with parameters,
COPY, nearest neighbours, server-side cursor) and the introspection
queries such applications run. See qzclient.py for ok/FAIL/GAP."""
import io
import math

import psycopg2
import psycopg2.errors
import psycopg2.extras

from qzclient import DB, HOST, ITEMS, NEAREST, PASSWORD, PORT, QUERY, USER, check, gap, ok, parse_vector

conn = psycopg2.connect(host=HOST, port=PORT, user=USER, password=PASSWORD, dbname=DB, sslmode="disable")
cur = conn.cursor()
cur.execute("SELECT version(), current_database(), current_user")
version, db, _ = cur.fetchone()
check(version.startswith("PostgreSQL 15") and db == DB, f"version/database: {version!r} {db!r}")
conn.commit()
ok("connected: " + version)

cur.execute("CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, embedding vector(3))")
cur.execute("CREATE INDEX items_embedding_idx ON items USING hnsw (embedding vector_l2_ops)")
conn.commit()
ok("created table and hnsw index")

# Parameters the three ways psycopg2 code sends them (all interpolated
# client side into simple-protocol queries).
cur.execute("INSERT INTO items (name, embedding) VALUES (%s, %s) RETURNING id", ITEMS[0])
check(cur.fetchone() == (1,), "RETURNING id")
cur.executemany("INSERT INTO items (name, embedding) VALUES (%s, %s)", ITEMS[1:3])
psycopg2.extras.execute_values(cur, "INSERT INTO items (name, embedding) VALUES %s", ITEMS[3:])
conn.commit()
cur.execute("SELECT count(*) FROM items")
check(cur.fetchone() == (len(ITEMS),), "row count after inserts")
ok("inserted with execute, executemany and execute_values")

cur.execute("SELECT name, embedding, embedding <-> %s AS distance FROM items ORDER BY embedding <-> %s LIMIT 2", (QUERY, QUERY))
rows = cur.fetchall()
check([r[0] for r in rows] == NEAREST, f"nearest: {rows}")
check(parse_vector(rows[0][1]) == [4.0, 5.0, 6.0], f"vector text: {rows[0][1]!r}")
check(math.isclose(rows[0][2], math.sqrt(5)), f"distance: {rows[0][2]}")
vector_oid = cur.description[1].type_code
cur.execute("SELECT oid FROM pg_type WHERE typname = 'vector'")
check(cur.fetchone() == (vector_oid,), f"result column type {vector_oid} is not pg_type's vector")
conn.commit()
ok(f"nearest neighbours {NEAREST}, vector column type oid {vector_oid}")

# A constraint violation is an exception of its SQLSTATE's class, and the
# connection is usable after rollback.
try:
    cur.execute("INSERT INTO items (id, name) VALUES (1, 'dup')")
    refused = False
except psycopg2.errors.UniqueViolation:
    refused = True
conn.rollback()
check(refused, "duplicate key accepted")
with conn:
    with conn.cursor() as c:
        c.execute("SELECT name FROM items WHERE id = %s", (1,))
        check(c.fetchone() == ("a",), "after rollback")
ok("unique violation raises UniqueViolation, connection usable after rollback")

# COPY both ways, as bulk loaders and exporters do.
cur.copy_expert("COPY items (name, embedding) FROM STDIN", io.StringIO("e\t[1,1,1]\nf\t\\N\n"))
conn.commit()
out = io.StringIO()
cur.copy_expert("COPY (SELECT name, embedding FROM items WHERE name IN ('e', 'f') ORDER BY name) TO STDOUT WITH (FORMAT csv)", out)
conn.commit()
check(out.getvalue() == 'e,"[1,1,1]"\nf,\n', f"COPY TO: {out.getvalue()!r}")
ok("COPY FROM STDIN and COPY TO STDOUT")


def server_side_cursor():
    # A named cursor is DECLARE ... CURSOR WITHOUT HOLD FOR, FETCH FORWARD
    # itersize, CLOSE, all in a transaction.
    with conn.cursor(name="nearest") as sc:
        sc.itersize = 2
        sc.execute("SELECT name FROM items ORDER BY id")
        names = [r[0] for r in sc]
    conn.commit()
    check(names == ["a", "b", "c", "d", "e", "f"], f"server-side cursor: {names}")
    ok("server-side cursor (DECLARE/FETCH/CLOSE)")


# GAP: DECLARE CURSOR (psycopg2 named cursors) is not supported yet.
gap("psycopg2 named cursor: DECLARE \"nearest\" CURSOR WITHOUT HOLD FOR SELECT ...", server_side_cursor,
    (psycopg2.DatabaseError,), conn.rollback)

cur.execute("""SELECT column_name, data_type, udt_name, is_nullable FROM information_schema.columns
               WHERE table_schema = 'public' AND table_name = 'items' ORDER BY ordinal_position""")
cols = cur.fetchall()
check(cols == [("id", "integer", "int4", "NO"), ("name", "text", "text", "NO"),
               ("embedding", "USER-DEFINED", "vector", "YES")], f"information_schema.columns: {cols}")
conn.commit()
ok("information_schema.columns")


def attribute_types():
    cur.execute("""SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull
                   FROM pg_catalog.pg_attribute a
                   WHERE a.attrelid = 'public.items'::regclass AND a.attnum > 0 AND NOT a.attisdropped
                   ORDER BY a.attnum""")
    got = cur.fetchall()
    conn.commit()
    check(got == [("id", "integer", True), ("name", "text", True), ("embedding", "vector(3)", False)],
          f"pg_attribute: {got}")
    ok("pg_attribute with format_type: vector(3)")


# GAP: pg_catalog.pg_attribute (and format_type over it) is not there yet.
gap("pg_attribute/format_type", attribute_types, (psycopg2.DatabaseError,), conn.rollback)
conn.close()
ok("done")
