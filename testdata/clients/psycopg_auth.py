"""psycopg 3 with QuartzDB API keys, run by server/auth_test.go's
TestOtherClientsKeyLogins: SCRAM-SHA-256 with the key id as user name,
the key as a cleartext password with the tenant name, and the same 28P01
for a wrong key either way. Prints FAIL: and exits 1 on any mismatch."""
import os
import sys

import psycopg

host, port = os.environ["QZ_HOST"], int(os.environ["QZ_PORT"])
key, key_id, tenant = os.environ["QZ_KEY"], os.environ["QZ_KEY_ID"], os.environ["QZ_TENANT"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


for user in ("qz_" + key_id, tenant):
    with psycopg.connect(host=host, port=port, user=user, password=key, dbname=tenant, sslmode="disable") as conn:
        db, answer = conn.execute("SELECT current_database(), 41 + 1").fetchone()
        if db != tenant or answer != 42:
            fail(f"{user}: got {db!r} {answer!r}")
        # A parameter goes over the extended protocol.
        (echo,) = conn.execute("SELECT %s::text", ("psycopg",)).fetchone()
        if echo != "psycopg":
            fail(f"{user}: parameter echo {echo!r}")
    print(f"ok: {user} logged in")
    try:
        psycopg.connect(host=host, port=port, user=user, password=key[:-4] + "aaaa", dbname=tenant, sslmode="disable")
        fail(f"{user}: a wrong key logged in")
    except psycopg.OperationalError as e:
        if f'password authentication failed for user "{user}"' not in str(e):
            fail(f"{user}: wrong key gave {e}")
    print(f"ok: {user} wrong key refused")
