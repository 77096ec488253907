// Knex against the server named by DATABASE_URL (run by
// testdata/orm_node_test.go, TestNodeORMs/knex): a migration creating a
// table with a vector column, migrate.latest twice (the second must find
// nothing to run and send no DDL), inserts, a raw similarity query and
// Knex's own introspection (hasTable, hasColumn, columnInfo).
import assert from 'node:assert/strict';
import knexFactory from 'knex';
import pgvector from 'pgvector/knex';
import { check, ddl, items, mark, nearest, queries } from './querylog.mjs';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}

// The migration as a user writes it; a migrationSource keeps it in this file
// instead of a migrations directory (Knex runs both the same way: the
// knex_migrations table, its lock table and one transaction per batch).
const migrations = {
  '20240101000000_create_items': {
    async up(knex) {
      await knex.raw('CREATE EXTENSION IF NOT EXISTS vector');
      await knex.schema.createTable('items', (table) => {
        table.increments('id');
        table.string('name').notNullable();
        // Knex sends ALTER TABLE ... ADD CONSTRAINT items_name_unique
        // UNIQUE (name) after the CREATE TABLE.
        table.unique(['name']);
        table.specificType('embedding', 'vector(3)');
        table.timestamps(true, true);
      });
    },
    async down(knex) {
      await knex.schema.dropTable('items');
    },
  },
};
const migrationSource = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};

const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 2 }, migrations: { migrationSource } });
try {
  await check('migrate.latest (first run)', async () => {
    const [batch, log] = await knex.migrate.latest();
    assert.equal(batch, 1);
    assert.deepEqual(log, ['20240101000000_create_items']);
  });

  await check('migrate.latest (second run changes nothing)', async () => {
    const since = mark();
    const [batch, log] = await knex.migrate.latest();
    assert.deepEqual(log, [], 'second run ran migrations');
    assert.equal(batch, 1);
    assert.deepEqual(ddl(since()), [], 'second run sent DDL');
    const [status] = await Promise.all([knex.migrate.status()]);
    assert.equal(status, 0, 'pending migrations');
    const rows = await knex('knex_migrations').select('name', 'batch');
    assert.deepEqual(rows.map((r) => [r.name, r.batch]), [['20240101000000_create_items', 1]]);
  });

  await check('introspection (hasTable, hasColumn, columnInfo)', async () => {
    assert.equal(await knex.schema.hasTable('items'), true);
    assert.equal(await knex.schema.hasTable('nothing_here'), false);
    assert.equal(await knex.schema.hasColumn('items', 'embedding'), true);
    assert.equal(await knex.schema.hasColumn('items', 'nope'), false);
    const info = await knex('items').columnInfo();
    assert.deepEqual(Object.keys(info).sort(), ['created_at', 'embedding', 'id', 'name', 'updated_at']);
    assert.equal(info.id.type, 'integer');
    assert.equal(info.id.nullable, false);
    assert.match(String(info.id.defaultValue), /^nextval\('items_id_seq'::regclass\)$/);
    assert.equal(info.name.type, 'character varying');
    assert.equal(info.name.maxLength, 255);
    assert.equal(info.name.nullable, false);
    // information_schema.columns shows a user-defined type as USER-DEFINED,
    // as PostgreSQL does for pgvector's vector.
    assert.equal(info.embedding.type, 'USER-DEFINED');
    assert.equal(info.embedding.nullable, true);
    assert.equal(info.created_at.type, 'timestamp with time zone');
    // GAP (QuartzDB): PostgreSQL's column_default is 'CURRENT_TIMESTAMP';
    // QuartzDB deparses the default as 'current_timestamp'.
    assert.equal(String(info.created_at.defaultValue).toUpperCase(), 'CURRENT_TIMESTAMP');
  });

  await check('insert', async () => {
    const ids = await knex('items')
      .insert(items.map((it) => ({ name: it.name, embedding: pgvector.toSql(it.embedding) })))
      .returning('id');
    assert.deepEqual(ids.map((r) => r.id), [1, 2, 3, 4]);
  });

  await check('select parses the vector column', async () => {
    const rows = await knex('items').select('name', 'embedding').orderBy('id');
    assert.deepEqual(
      rows.map((r) => [r.name, pgvector.fromSql(r.embedding)]),
      items.map((it) => [it.name, it.embedding]),
    );
  });

  await check('raw similarity query', async () => {
    for (const q of queries) {
      const res = await knex.raw('SELECT name, embedding <-> ? AS distance FROM items ORDER BY embedding <-> ? LIMIT 3', [
        pgvector.toSql(q),
        pgvector.toSql(q),
      ]);
      assert.deepEqual(res.rows.map((r) => r.name), nearest(items, q).slice(0, 3), `nearest to ${q}`);
    }
    // The query builder with pgvector/knex's l2Distance helper.
    const rows = await knex('items').orderBy(knex.l2Distance('embedding', [0, 0, 2])).limit(2);
    assert.deepEqual(rows.map((r) => r.name), nearest(items, [0, 0, 2]).slice(0, 2));
  });

  await check('update and delete', async () => {
    await knex('items').where({ name: 'd' }).update({ embedding: pgvector.toSql([0, 0, 2.5]) });
    const [row] = await knex('items').select('name').orderByRaw('embedding <-> ?', [pgvector.toSql([0, 0, 2.4])]).limit(1);
    assert.equal(row.name, 'd');
    assert.equal(await knex('items').where({ name: 'a' }).del(), 1);
    const [{ count }] = await knex('items').count();
    assert.equal(Number(count), 3);
  });

  await check('unique violation surfaces as 23505', async () => {
    await assert.rejects(knex('items').insert({ name: 'b', embedding: pgvector.toSql([1, 1, 1]) }), { code: '23505', constraint: 'items_name_unique' });
  });

  await check('migrate.rollback drops the table', async () => {
    const [batch, log] = await knex.migrate.rollback();
    assert.equal(batch, 1);
    assert.deepEqual(log, ['20240101000000_create_items']);
    assert.equal(await knex.schema.hasTable('items'), false);
  });
} finally {
  await knex.destroy();
}
