// node-postgres (pg) + the npm pgvector package against the server named by
// DATABASE_URL. Run by server/vector_clients_test.go (TestNodePgvector):
//   DATABASE_URL=postgres://... node testdata/node/vector_test.mjs
// It prints one "ok ..." line per check and exits non-zero with the failing
// check on stderr.
//
// What is binary here: npm pgvector 0.2.1 only installs text parsers
// (setTypeParser(oid, 'text')) and toSql only produces the text form
// '[1,2,3]'; it has no binary codec. node-postgres itself sends a Buffer
// parameter in binary format (lossless), so binary input is tested with
// arbitrary floats. Binary results (query config binary: true) reach the
// type parser after pg-protocol decoded the bytes as a UTF-8 string, which
// corrupts any byte >= 0x80; binary output is therefore checked with values
// whose encoding is all bytes < 0x80 (0.5, 2, 3, ...), plus a length check
// that would catch such corruption.
import assert from 'node:assert/strict';
import pg from 'pg';
import pgvector from 'pgvector/pg';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}

// encodeVector builds pgvector's binary form: int16 dim, int16 unused (0),
// then dim float4 big-endian.
function encodeVector(values) {
  const buf = Buffer.alloc(4 + 4 * values.length);
  buf.writeInt16BE(values.length, 0);
  buf.writeInt16BE(0, 2);
  values.forEach((v, i) => buf.writeFloatBE(v, 4 + 4 * i));
  return buf;
}

// decodeVector reads pgvector's binary form back, checking its header.
function decodeVector(buf) {
  const dim = buf.readInt16BE(0);
  assert.equal(buf.readInt16BE(2), 0, 'unused header field must be 0');
  assert.equal(buf.length, 4 + 4 * dim, 'binary vector length');
  const out = [];
  for (let i = 0; i < dim; i++) out.push(buf.readFloatBE(4 + 4 * i));
  return out;
}

// decodeHalfvec reads the halfvec binary form: float16 instead of float4.
function decodeHalfvec(buf) {
  const dim = buf.readInt16BE(0);
  assert.equal(buf.readInt16BE(2), 0, 'unused header field must be 0');
  assert.equal(buf.length, 4 + 2 * dim, 'binary halfvec length');
  const out = [];
  for (let i = 0; i < dim; i++) out.push(halfToFloat(buf.readUInt16BE(4 + 2 * i)));
  return out;
}

function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

// f16round rounds x to float32 and then to float16, nearest even, as
// pgvector's halfvec input does (strtof, then Float4ToHalf).
function f16round(x) {
  x = Math.fround(x);
  if (!Number.isFinite(x) || x === 0) return x;
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  const ulp = 2 ** (Math.max(e, -14) - 10);
  const q = a / ulp; // exact: a is a float32, ulp a power of two
  let r = Math.floor(q);
  if (q - r > 0.5 || (q - r === 0.5 && r % 2 === 1)) r++;
  const out = r * ulp;
  return out > 65504 ? sign * Infinity : sign * out;
}

// l2 is pgvector's L2 distance: float32 accumulation, sqrt in double.
function l2(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.fround(a[i] - b[i]);
    sum = Math.fround(sum + Math.fround(d * d));
  }
  return Math.sqrt(sum);
}

// expectedNearest orders ids by distance to q (NULLs last), refusing
// data with near ties so the expectation is well defined.
function expectedNearest(rows, pick, q) {
  const c = rows.map((r) => ({ id: r.id, d: pick(r) === null ? null : l2(pick(r), q) }));
  c.sort((x, y) => (x.d === null) - (y.d === null) || x.d - y.d);
  for (let i = 1; i < c.length; i++) {
    if (c[i].d !== null && c[i - 1].d !== null && c[i].d - c[i - 1].d <= 1e-6 * Math.max(1, c[i].d)) {
      throw new Error(`test data: rows ${c[i - 1].id} and ${c[i].id} are equidistant from ${q}`);
    }
  }
  return c.map((x) => x.id);
}

// assertFloat32 compares element-wise as float32 bit patterns (Object.is
// keeps -0 apart from 0).
function assertFloat32(got, want, what) {
  if (want === null) {
    assert.equal(got, null, what);
    return;
  }
  assert.ok(Array.isArray(got), `${what}: got ${got}, want an array`);
  assert.deepEqual(got.map(Math.fround), want.map(Math.fround), what);
  got.forEach((g, i) => assert.ok(Object.is(Math.fround(g), Math.fround(want[i])), `${what}[${i}]: ${g} vs ${want[i]}`));
}

// Rows as inserted: values that lose bits easily; halfvec values are
// compared after f16round.
const rows = [
  { id: 1, embedding: [0.1, -0.2, 0.3], half: [0.1, -0.2, 0.3] },
  { id: 2, embedding: [1 / 3, 2.5, -1e-30], half: [1 / 3, 2.5, -1e-5] },
  { id: 3, embedding: [1000.5, 0, -0.5], half: [1000.5, 0, -0.5] },
  { id: 4, embedding: [-1.5, 1e-7, 7], half: [-1.5, 1e-7, 7] },
  { id: 5, embedding: null, half: null },
  // No -0 here: toSql goes through JSON.stringify, which prints -0 as 0
  // (the Go test covers -0).
  { id: 6, embedding: [0, 16777216, 1e-40], half: [0, 65504, 6e-8] },
];
// Inserted through a Buffer parameter, i.e. pgvector's binary input form.
const binaryRow = { id: 7, embedding: [1.5, -2.25, 1e-7], half: [0.5, -0.25, 3] };
const queries = [[0, 0, 0], [1000, 1, 0], [-1, 0, 6], [0.1, -0.2, 0.3]];

const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  await client.query('CREATE EXTENSION IF NOT EXISTS vector');
  await pgvector.registerTypes(client);
  const types = await client.query("SELECT typname, oid FROM pg_type WHERE typname IN ('vector', 'halfvec')");
  const oid = Object.fromEntries(types.rows.map((r) => [r.typname, Number(r.oid)]));
  assert.equal(oid.vector, 16300, 'vector OID');
  assert.equal(oid.halfvec, 16302, 'halfvec OID');
  console.log('ok registerTypes');

  await client.query('CREATE TABLE node_items (id int PRIMARY KEY, embedding vector(3), half halfvec(3))');

  // Text parameters: pgvector.toSql gives '[1,2,3]' (null stays null).
  for (const r of rows) {
    await client.query('INSERT INTO node_items (id, embedding, half) VALUES ($1, $2, $3)', [
      r.id, pgvector.toSql(r.embedding), pgvector.toSql(r.half),
    ]);
  }
  // A Buffer parameter goes over the wire in binary format.
  await client.query('INSERT INTO node_items (id, embedding, half) VALUES ($1, $2, $3)', [
    binaryRow.id, encodeVector(binaryRow.embedding), pgvector.toSql(binaryRow.half),
  ]);
  console.log('ok insert text and binary');

  // Text results, parsed by the type parsers registerTypes installed.
  const all = [...rows, binaryRow];
  const text = await client.query('SELECT id, embedding, half FROM node_items ORDER BY id');
  assert.deepEqual(text.rows.map((r) => r.id), all.map((r) => r.id));
  text.rows.forEach((got, i) => {
    assertFloat32(got.embedding, all[i].embedding, `row ${got.id} embedding`);
    assertFloat32(got.half, all[i].half && all[i].half.map(f16round), `row ${got.id} half`);
  });
  console.log('ok read text');

  // Binary results: every column in binary format, decoded by our own
  // parsers (npm pgvector has none); values whose bytes are all < 0x80.
  client.setTypeParser(oid.vector, 'binary', decodeVector);
  client.setTypeParser(oid.halfvec, 'binary', decodeHalfvec);
  const ascii = { embedding: [0.5, 2, 3], half: [0.5, 2, 3] };
  await client.query('INSERT INTO node_items (id, embedding, half) VALUES ($1, $2, $3)', [
    8, pgvector.toSql(ascii.embedding), pgvector.toSql(ascii.half),
  ]);
  const bin = await client.query({ text: 'SELECT embedding, half FROM node_items WHERE id = $1', values: [8], binary: true });
  assert.equal(bin.rows.length, 1);
  assert.equal(bin.fields[0].format, 'binary', 'result format of embedding');
  assertFloat32(bin.rows[0].embedding, ascii.embedding, 'binary embedding');
  assertFloat32(bin.rows[0].half, ascii.half, 'binary half');
  const binNull = await client.query({ text: 'SELECT embedding, half FROM node_items WHERE id = $1', values: [5], binary: true });
  assert.equal(binNull.rows[0].embedding, null);
  assert.equal(binNull.rows[0].half, null);
  await client.query('DELETE FROM node_items WHERE id = 8');
  console.log('ok read binary');

  // Nearest neighbours, query vector as a text parameter; the expected
  // order is computed here from the rows (NULL embeddings sort last).
  for (const [col, pick] of [['embedding', (r) => r.embedding], ['half', (r) => r.half && r.half.map(f16round)]]) {
    for (const q of queries) {
      const want = expectedNearest(all, pick, q);
      for (const k of [1, 3, all.length]) {
        const res = await client.query(`SELECT id FROM node_items ORDER BY ${col} <-> $1 LIMIT $2`, [pgvector.toSql(q), k]);
        assert.deepEqual(res.rows.map((r) => r.id), want.slice(0, k), `${col} <-> ${JSON.stringify(q)} LIMIT ${k}`);
      }
    }
  }
  const q = queries[2];
  const dist = await client.query('SELECT id, embedding <-> $1 AS d FROM node_items ORDER BY id', [pgvector.toSql(q)]);
  dist.rows.forEach((r, i) => {
    if (all[i].embedding === null) {
      assert.equal(r.d, null, `distance of NULL row ${r.id}`);
      return;
    }
    const want = l2(all[i].embedding, q);
    assert.ok(Math.abs(r.d - want) <= 1e-6 * Math.max(1, want), `distance of row ${r.id}: ${r.d}, want ${want}`);
  });
  console.log('ok nearest neighbours');

  // A wrong dimension fails with pgvector's SQLSTATE and wording, and the
  // connection keeps working.
  await assert.rejects(
    client.query('INSERT INTO node_items (id, embedding) VALUES ($1, $2)', [100, pgvector.toSql([1, 2])]),
    (err) => {
      assert.equal(err.code, '22000');
      assert.equal(err.message, 'expected 3 dimensions, not 2');
      return true;
    },
  );
  const count = await client.query('SELECT count(*)::int AS n FROM node_items');
  assert.equal(count.rows[0].n, all.length);
  console.log('ok error');
} catch (err) {
  console.error('FAIL:', err && err.stack ? err.stack : err);
  process.exitCode = 1;
} finally {
  await client.end();
}
