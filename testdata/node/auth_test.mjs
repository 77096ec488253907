// node-postgres with QuartzDB API keys (run by server/auth_test.go's
// TestNodeKeyLogins): SCRAM-SHA-256 with the key id as user name, the key
// as a cleartext password with the tenant name as user name, and the same
// 28P01 for a wrong key either way. Exits non-zero with FAIL: on mismatch.
import pg from 'pg';

const { QZ_HOST, QZ_PORT, QZ_KEY, QZ_KEY_ID, QZ_TENANT } = process.env;

function fail(msg) {
  console.error('FAIL: ' + msg);
  process.exit(1);
}

async function login(user, password) {
  const client = new pg.Client({ host: QZ_HOST, port: Number(QZ_PORT), user, password, database: QZ_TENANT, ssl: false });
  await client.connect();
  try {
    const res = await client.query('SELECT current_database() AS db, 41 + 1 AS answer');
    return res.rows[0];
  } finally {
    await client.end();
  }
}

for (const user of [`qz_${QZ_KEY_ID}`, QZ_TENANT]) {
  const row = await login(user, QZ_KEY);
  if (row.db !== QZ_TENANT || row.answer !== 42) fail(`${user}: got ${JSON.stringify(row)}`);
  console.log(`ok: ${user} logged in`);
  const wrong = QZ_KEY.slice(0, -4) + 'aaaa';
  try {
    await login(user, wrong);
    fail(`${user}: a wrong key logged in`);
  } catch (e) {
    if (e.code !== '28P01' || e.message !== `password authentication failed for user "${user}"`) {
      fail(`${user}: wrong key gave ${e.code} ${e.message}`);
    }
    console.log(`ok: ${user} wrong key refused with 28P01`);
  }
}
