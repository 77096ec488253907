// Drizzle ORM over node-postgres against the server named by DATABASE_URL
// (run by testdata/orm_node_test.go, TestNodeORMs/drizzle): a pgTable with
// pg-core's vector column, its CREATE TABLE (users run drizzle-kit for it;
// drizzle-kit is not installed here), insert ... returning, selects ordered
// by l2Distance and cosineDistance and by a sql template, update, delete and
// a transaction.
import assert from 'node:assert/strict';
import pg from 'pg';
import { asc, cosineDistance, eq, l2Distance, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { doublePrecision, index, pgTable, serial, text, vector } from 'drizzle-orm/pg-core';
import { check, items, nearest, queries } from './querylog.mjs';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}

const itemsTable = pgTable(
  'items',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull().unique(),
    embedding: vector('embedding', { dimensions: 3 }),
    score: doublePrecision('score').default(0),
  },
  (t) => [index('items_embedding_idx').using('hnsw', t.embedding.op('vector_l2_ops'))],
);

const pool = new pg.Pool({ connectionString: url, max: 2 });
const db = drizzle(pool);
try {
  await check('create table (as drizzle-kit generates it)', async () => {
    await db.execute(sql`CREATE EXTENSION IF NOT EXISTS vector`);
    await db.execute(sql`CREATE TABLE "items" (
      "id" serial PRIMARY KEY NOT NULL,
      "name" text NOT NULL,
      "embedding" vector(3),
      "score" double precision DEFAULT 0,
      CONSTRAINT "items_name_unique" UNIQUE("name")
    )`);
    await db.execute(sql`CREATE INDEX "items_embedding_idx" ON "items" USING hnsw ("embedding" vector_l2_ops)`);
  });

  await check('introspection', async () => {
    const cols = await db.execute(sql`SELECT column_name, udt_name, is_nullable FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'items' ORDER BY ordinal_position`);
    assert.deepEqual(cols.rows.map((r) => [r.column_name, r.udt_name, r.is_nullable]), [
      ['id', 'int4', 'NO'],
      ['name', 'text', 'NO'],
      ['embedding', 'vector', 'YES'],
      ['score', 'float8', 'YES'],
    ]);
    const idx = await db.execute(sql`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'items' ORDER BY indexname`);
    assert.deepEqual(idx.rows.map((r) => r.indexname), ['items_embedding_idx', 'items_name_unique', 'items_pkey']);
    assert.equal(idx.rows[0].indexdef, 'CREATE INDEX items_embedding_idx ON public.items USING hnsw (embedding vector_l2_ops)');
  });

  await check('insert returning', async () => {
    const rows = await db.insert(itemsTable).values(items).returning({ id: itemsTable.id, name: itemsTable.name });
    assert.deepEqual(rows.map((r) => r.id), [1, 2, 3, 4]);
    const all = await db.select().from(itemsTable).orderBy(asc(itemsTable.id));
    assert.deepEqual(all.map((r) => [r.name, r.embedding, r.score]), items.map((it) => [it.name, it.embedding, 0]));
  });

  await check('select ordered by l2Distance', async () => {
    for (const q of queries) {
      const rows = await db
        .select({ name: itemsTable.name, distance: l2Distance(itemsTable.embedding, q) })
        .from(itemsTable)
        .orderBy(l2Distance(itemsTable.embedding, q))
        .limit(3);
      assert.deepEqual(rows.map((r) => r.name), nearest(items, q).slice(0, 3), `nearest to ${q}`);
      const viaTemplate = await db
        .select({ name: itemsTable.name })
        .from(itemsTable)
        .orderBy(sql`${itemsTable.embedding} <-> ${JSON.stringify(q)}`)
        .limit(3);
      assert.deepEqual(viaTemplate.map((r) => r.name), nearest(items, q).slice(0, 3), `sql template, nearest to ${q}`);
    }
    const [top] = await db
      .select({ name: itemsTable.name, d: cosineDistance(itemsTable.embedding, [0, 0, 1]) })
      .from(itemsTable)
      .orderBy(cosineDistance(itemsTable.embedding, [0, 0, 1]))
      .limit(1);
    assert.equal(top.name, 'c');
    assert.ok(Math.abs(Number(top.d)) < 1e-6);
  });

  await check('update, delete, transaction', async () => {
    await db.update(itemsTable).set({ embedding: [0, 0, 2.5], score: 2 }).where(eq(itemsTable.name, 'd'));
    const [d] = await db.select().from(itemsTable).where(eq(itemsTable.name, 'd'));
    assert.deepEqual([d.embedding, d.score], [[0, 0, 2.5], 2]);
    await db.delete(itemsTable).where(eq(itemsTable.name, 'a'));
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.insert(itemsTable).values({ name: 'x', embedding: [9, 9, 9] });
        await tx.insert(itemsTable).values({ name: 'b', embedding: [1, 1, 1] }); // duplicate name
      }),
      (err) => (err.cause || err).code === '23505',
    );
    const [{ n }] = await db.select({ n: sql`count(*)`.mapWith(Number) }).from(itemsTable);
    assert.equal(n, items.length - 1);
  });
} finally {
  await pool.end();
}
