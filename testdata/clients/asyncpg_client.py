"""asyncpg against QuartzDB, run by testdata/clients_test.go. asyncpg
prepares every query and introspects every type it does not know (a
recursive CTE over pg_type, pg_namespace, pg_range, pg_attribute, pg_class)
before it can send or read a value of it; pgvector-python registers vector
with set_type_codec('vector', schema='public'). See qzclient.py for
ok/FAIL/GAP."""
import asyncio
import io
import math

import asyncpg

from qzclient import DB, HOST, ITEMS, NEAREST, PASSWORD, PORT, QUERY, USER, check, gap, ok, parse_vector, vector_text

ERRORS = (asyncpg.PostgresError,)


async def agap(name, step, errors=ERRORS):
    """gap() for a coroutine step."""
    try:
        return await step()
    except errors as e:
        print(f"GAP {name}: {type(e).__name__}: {' '.join(str(e).split())}", flush=True)
        return None


async def connect(**kw):
    return await asyncpg.connect(host=HOST, port=PORT, user=USER, password=PASSWORD, database=DB, ssl=False, **kw)


async def main():
    async def plain():
        return await connect()

    # GAP: asyncpg sends client_encoding='utf-8' quoted, as "'utf-8'";
    # PostgreSQL ignores everything but letters and digits in an encoding
    # name, QuartzDB refuses it. Until then the test connects overriding it.
    conn = await agap("asyncpg startup client_encoding=\"'utf-8'\"", plain)
    if conn is None:
        conn = await connect(server_settings={"client_encoding": "UTF8"})
    check(conn.get_server_version().major == 15, f"server version {conn.get_server_version()}")
    ok(f"connected: {conn.get_server_version()}")

    await conn.execute("""CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, embedding vector(3));
                          CREATE INDEX items_embedding_idx ON items USING hnsw (embedding vector_l2_ops)""")
    ok("created table and hnsw index (two statements in one simple query)")

    # Vector values as text parameters and results: no vector codec needed.
    await conn.executemany("INSERT INTO items VALUES ($1, $2, $3::text::vector)",
                           [(i + 1, name, emb) for i, (name, emb) in enumerate(ITEMS)])
    check(await conn.fetchval("SELECT count(*) FROM items") == len(ITEMS), "row count")
    rows = await conn.fetch("""SELECT name, embedding::text AS embedding, embedding <-> $1::text::vector AS d
                               FROM items ORDER BY embedding <-> $1::text::vector LIMIT $2""", QUERY, 2)
    check([r["name"] for r in rows] == NEAREST, f"nearest: {rows}")
    check(parse_vector(rows[0]["embedding"]) == [4.0, 5.0, 6.0] and math.isclose(rows[0]["d"], math.sqrt(5)),
          f"row: {rows[0]}")
    ok("executemany, nearest neighbours with vector as text")

    stmt = await conn.prepare("SELECT id, name FROM items WHERE id = $1")
    check([a.name for a in stmt.get_attributes()] == ["id", "name"], "prepared attributes")
    check([t.name for t in stmt.get_parameters()] == ["int8"], f"parameters {stmt.get_parameters()}")
    check(await stmt.fetchrow(2) == (2, "b"), "prepared fetchrow")
    ok("prepared statement with parameter and result types")

    try:
        await conn.execute("INSERT INTO items (id, name) VALUES (1, 'dup')")
        refused = False
    except asyncpg.UniqueViolationError:
        refused = True
    check(refused, "duplicate key accepted")
    try:
        async with conn.transaction():
            await conn.execute("UPDATE items SET name = 'zz' WHERE id = 1")
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    check(await conn.fetchval("SELECT name FROM items WHERE id = 1") == "a", "transaction rolled back")
    ok("UniqueViolationError, transaction rollback")

    # A cursor: Execute with a row limit, PortalSuspended, Execute again.
    async with conn.transaction():
        ids = [r["id"] async for r in conn.cursor("SELECT id FROM items ORDER BY id", prefetch=2)]
        check(ids == [1, 2, 3, 4], f"cursor iteration: {ids}")
        cur = await conn.cursor("SELECT id FROM items ORDER BY id")
        check([r["id"] for r in await cur.fetch(3)] == [1, 2, 3], "cursor fetch")
        check((await cur.fetchrow())["id"] == 4, "cursor fetchrow")
    ok("cursors (portal suspension) in a transaction")

    await conn.copy_to_table("items", source=io.BytesIO(b"5\te\t[1,1,1]\n"), columns=["id", "name", "embedding"])
    out = io.BytesIO()
    await conn.copy_from_query("SELECT id, embedding FROM items WHERE id = 5", output=out)
    check(out.getvalue() == b"5\t[1,1,1]\n", f"COPY TO: {out.getvalue()!r}")
    ok("COPY FROM STDIN and TO STDOUT (text)")

    async def vector_without_codec():
        # Reading a vector column: asyncpg introspects OID 16300 first.
        v = await conn.fetchval("SELECT embedding FROM items WHERE id = 2")
        ok(f"vector column without a codec: {v!r}")

    # GAP: asyncpg's type introspection (INTRO_LOOKUP_TYPES in
    # asyncpg/introspection.py) finds vector in pg_catalog (QuartzDB's
    # pg_type.typnamespace 11) and refuses an unknown type there
    # ("unhandled standard data type"); pgvector's vector lives in the
    # extension's schema, public, and decodes as text.
    await agap("asyncpg type introspection of vector", vector_without_codec,
               ERRORS + (asyncpg.exceptions.UnsupportedClientFeatureError,))

    async def register_vector():
        # What pgvector-python's register_vector(conn) does, with a text codec.
        await conn.set_type_codec("vector", schema="public", format="text",
                                  encoder=vector_text, decoder=parse_vector)
        await conn.execute("INSERT INTO items VALUES ($1, $2, $3)", 6, "f", [2.0, 2.0, 2.0])
        got = await conn.fetch("SELECT id, embedding FROM items WHERE id >= 5 ORDER BY embedding <-> $1 LIMIT 2",
                               [2.5, 2.5, 2.5])
        check([tuple(r) for r in got] == [(6, [2.0, 2.0, 2.0]), (5, [1.0, 1.0, 1.0])], f"vector codec: {got}")
        ok("set_type_codec('vector', schema='public') as pgvector-python does")

    # GAP: set_type_codec looks vector up by schema and name
    # (pg_catalog.pg_type JOIN pg_catalog.pg_namespace); QuartzDB's vector
    # is in pg_catalog, pgvector's in the extension's schema (public), so
    # this also needs vector's namespace settled (ValueError: unknown type).
    await agap("asyncpg set_type_codec('vector', schema='public')", register_vector, ERRORS + (ValueError,))

    async def copy_records():
        # Binary COPY of records: asyncpg introspects the column types.
        await conn.copy_records_to_table("items", records=[(7, "g")], columns=["id", "name"])
        check(await conn.fetchval("SELECT name FROM items WHERE id = 7") == "g", "copy_records_to_table")
        ok("copy_records_to_table (binary COPY)")

    await agap("asyncpg copy_records_to_table", copy_records)
    await conn.close()
    ok("done")


asyncio.run(main())
