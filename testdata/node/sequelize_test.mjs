// Sequelize against the server named by DATABASE_URL (run by
// testdata/orm_node_test.go, TestNodeORMs/sequelize): a model with a
// vector column (pgvector/sequelize's VECTOR type), sync() twice (the second
// must leave the schema as it was), create, findAll ordered by distance,
// and Sequelize's introspection (describeTable, showIndex, showAllTables).
import assert from 'node:assert/strict';
import { DataTypes, Sequelize } from 'sequelize';
import pgvector from 'pgvector/sequelize';
import { toSql } from 'pgvector';
import { check, ddl, items, mark, nearest, queries } from './querylog.mjs';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}

pgvector.registerTypes(Sequelize);
const sequelize = new Sequelize(url, { dialect: 'postgres', logging: false, pool: { max: 2 } });

const Item = sequelize.define(
  'Item',
  {
    name: { type: DataTypes.STRING(100), allowNull: false },
    embedding: { type: DataTypes.VECTOR(3) },
    score: { type: DataTypes.DOUBLE, defaultValue: 0 },
  },
  { tableName: 'items', indexes: [{ fields: ['name'] }] },
);

// schema is what Sequelize reads back about the table (showIndex) and the
// columns as information_schema shows them (what describeTable reads).
async function schema() {
  const qi = sequelize.getQueryInterface();
  const indexes = await qi.showIndex('items');
  const [columns] = await sequelize.query(
    `SELECT column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'items'
      ORDER BY ordinal_position`,
  );
  return { columns, indexes: indexes.map((i) => [i.name, i.primary, i.unique, i.fields.map((f) => f.attribute)]) };
}

try {
  await check('authenticate', () => sequelize.authenticate());

  await check('sync (first run)', async () => {
    await sequelize.query('CREATE EXTENSION IF NOT EXISTS vector');
    await sequelize.sync();
  });

  let before;
  await check('showIndex, showAllTables, information_schema.columns', async () => {
    before = await schema();
    assert.deepEqual(
      before.columns.map((c) => [c.column_name, c.data_type, c.udt_name, c.is_nullable]),
      [
        ['id', 'integer', 'int4', 'NO'],
        ['name', 'character varying', 'varchar', 'NO'],
        ['embedding', 'USER-DEFINED', 'vector', 'YES'],
        ['score', 'double precision', 'float8', 'YES'],
        ['createdAt', 'timestamp with time zone', 'timestamptz', 'NO'],
        ['updatedAt', 'timestamp with time zone', 'timestamptz', 'NO'],
      ],
    );
    assert.deepEqual(before.indexes.sort(), [
      ['items_name', false, false, ['name']],
      ['items_pkey', true, true, ['id']],
    ]);
    const tables = await sequelize.getQueryInterface().showAllTables();
    assert.deepEqual(tables, ['items']);
  });

  // describeTable's query reads column comments through
  // pg_catalog.pg_statio_all_tables.
  await check('describeTable', async () => {
    const c = await sequelize.getQueryInterface().describeTable('items');
    assert.deepEqual(Object.keys(c).sort(), ['createdAt', 'embedding', 'id', 'name', 'score', 'updatedAt']);
    assert.equal(c.id.type, 'INTEGER');
    assert.equal(c.id.primaryKey, true);
    assert.equal(c.id.allowNull, false);
    assert.match(c.id.defaultValue, /^nextval\("?items_id_seq"?::regclass\)$/);
    assert.equal(c.name.type, 'CHARACTER VARYING(100)');
    assert.equal(c.name.allowNull, false);
    assert.equal(c.embedding.type, 'USER-DEFINED');
    assert.equal(c.score.type, 'DOUBLE PRECISION');
    assert.equal(c.createdAt.type, 'TIMESTAMP WITH TIME ZONE');
  });

  await check('sync (second run changes nothing)', async () => {
    const since = mark();
    await sequelize.sync();
    // sync() without alter re-sends CREATE TABLE IF NOT EXISTS (a no-op
    // here) and creates only the indexes showIndex does not list.
    const sent = ddl(since());
    assert.deepEqual(sent.filter((s) => !/^CREATE TABLE IF NOT EXISTS/.test(s)), [], 'second sync sent DDL');
    assert.deepEqual(await schema(), before, 'schema changed');
  });

  // sync({ alter: true }) re-issues ALTER TABLE ... ALTER COLUMN ... SET
  // NOT NULL, DROP/SET DEFAULT and TYPE for every column.
  await check('sync({ alter: true }) keeps the schema', async () => {
    await sequelize.sync({ alter: true });
    assert.deepEqual(await schema(), before, 'schema changed');
  });

  await check('create', async () => {
    for (const it of items) await Item.create({ name: it.name, embedding: it.embedding });
    assert.equal(await Item.count(), items.length);
    const a = await Item.findOne({ where: { name: 'd' } });
    assert.deepEqual(a.embedding, [1.5, 1, -0.5]);
    assert.equal(a.score, 0);
  });

  await check('findAll ordered by distance', async () => {
    for (const q of queries) {
      // A literal, as the Sequelize docs for pgvector show.
      const rows = await Item.findAll({ order: sequelize.literal(`embedding <-> '${toSql(q)}'`), limit: 3 });
      assert.deepEqual(rows.map((r) => r.name), nearest(items, q).slice(0, 3), `nearest to ${q}`);
      const viaHelper = await Item.findAll({ order: pgvector.l2Distance('embedding', q, sequelize), limit: 3 });
      assert.deepEqual(viaHelper.map((r) => r.name), nearest(items, q).slice(0, 3), `l2Distance to ${q}`);
    }
  });

  await check('update and destroy', async () => {
    const [n] = await Item.update({ embedding: [0, 0, 2.5], score: 1.5 }, { where: { name: 'd' } });
    assert.equal(n, 1);
    const top = await Item.findOne({ order: pgvector.cosineDistance('embedding', [0, 0, 1], sequelize) });
    assert.ok(['c', 'd'].includes(top.name));
    assert.equal(await Item.destroy({ where: { name: 'a' } }), 1);
    assert.equal(await Item.count(), items.length - 1);
  });

  await check('transaction rollback', async () => {
    await assert.rejects(
      sequelize.transaction(async (transaction) => {
        await Item.create({ name: 'x', embedding: [9, 9, 9] }, { transaction });
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal(await Item.count({ where: { name: 'x' } }), 0);
  });
} finally {
  await sequelize.close();
}
