// Shared by the ORM scripts (knex_test.mjs, sequelize_test.mjs,
// typeorm_test.mjs, drizzle_test.mjs): records every statement an ORM sends
// through node-postgres, so a second migration or sync can be checked to
// send no DDL whatever the ORM's own logging reports, and a failing check
// can show the statements that led to it.
import pg from 'pg';

const log = [];
let recording = true;

// Every ORM here reaches the server through pg.Client#query (Knex, Sequelize
// and TypeORM require('pg'), Drizzle gets a pg.Pool), and ESM's import of pg
// is the same CommonJS module object, so patching the prototype sees them all.
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  if (recording) {
    const text = typeof config === 'string' ? config : config && config.text;
    if (text) log.push(text);
  }
  return query.call(this, config, ...rest);
};

// mark returns a function listing the statements sent since mark was called.
export function mark() {
  const start = log.length;
  return () => log.slice(start);
}

// ddl keeps the statements that change the schema.
export function ddl(statements) {
  return statements.filter((s) => /^\s*(create|alter|drop|comment|truncate)\b/i.test(s));
}

// check runs one named step, printing "ok NAME" or, on failure, the error
// with its SQLSTATE and the last statements sent, then exiting non-zero.
export async function check(name, fn) {
  const since = mark();
  try {
    await fn();
    console.log('ok ' + name);
  } catch (err) {
    console.error(`FAIL ${name}: ${err && err.stack ? err.stack : err}`);
    // Sequelize and TypeORM wrap the driver's error.
    const cause = (err && (err.parent || err.driverError || err.cause)) || err;
    if (cause !== err) console.error(`  caused by: ${cause && cause.message}`);
    if (cause && /^[0-9A-Z]{5}$/.test(cause.code)) console.error(`  SQLSTATE ${cause.code}`);
    const sent = since().slice(-5);
    if (sent.length) console.error('  last statements:\n    ' + sent.join('\n    '));
    process.exit(1);
  }
}

// gap runs a step that a known QuartzDB gap can break: it prints "ok NAME"
// when the step passes, "GAP NAME: error" when it fails with an error
// matching known (and the script goes on), and fails like check otherwise.
// Every use names the gap, so a step tightens by itself once the gap closes.
export async function gap(name, known, fn) {
  const since = mark();
  try {
    await fn();
    console.log('ok ' + name);
    return true;
  } catch (err) {
    const cause = (err && (err.parent || err.driverError || err.cause)) || err;
    const msg = String(cause && cause.message);
    if (!known.test(msg)) {
      await check(name, () => {
        throw err;
      });
    }
    const sent = since();
    console.log(`GAP ${name}: ${msg}${cause.code ? ` (SQLSTATE ${cause.code})` : ''}\n  query: ${sent[sent.length - 1]}`);
    return false;
  }
}

// l2 is pgvector's L2 distance (float32 accumulation, sqrt in double).
export function l2(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.fround(a[i] - b[i]);
    sum = Math.fround(sum + Math.fround(d * d));
  }
  return Math.sqrt(sum);
}

// nearest orders items by L2 distance of their embedding to q.
export function nearest(items, q) {
  return [...items].sort((x, y) => l2(x.embedding, q) - l2(y.embedding, q)).map((x) => x.name);
}

// Test data shared by the scripts: distinct distances to every query.
export const items = [
  { name: 'a', embedding: [1, 0, 0] },
  { name: 'b', embedding: [0, 2, 0] },
  { name: 'c', embedding: [0, 0, 3] },
  { name: 'd', embedding: [1.5, 1, -0.5] },
];
export const queries = [[1, 1, 1], [0, 0, 2], [2, 0, 0]];
