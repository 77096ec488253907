"""Shared helpers for the Python client tests run by testdata/clients_test.go.

The Go side starts QuartzDB with a tenant and an API key and passes the
login in QZ_HOST, QZ_PORT, QZ_USER, QZ_PASSWORD and QZ_DB (and QZ_DSN as a
postgres:// URL). A script prints "ok: ..." per step, "FAIL: ..." and exits
1 when a client gets a wrong answer.

gap() runs a step that needs a QuartzDB feature not there yet (a pg_catalog
relation, a statement): a server error there prints "GAP <name>: ..." and
the script goes on; a wrong result still fails. When the feature lands the
step passes and its assertions count. The Go test lists the GAP lines and,
with QZ_CLIENTS_STRICT=1, fails on them.
"""
import os
import sys

HOST = os.environ["QZ_HOST"]
PORT = int(os.environ["QZ_PORT"])
USER = os.environ["QZ_USER"]
PASSWORD = os.environ["QZ_PASSWORD"]
DB = os.environ["QZ_DB"]
DSN = os.environ["QZ_DSN"]

# The rows every script loads: name, embedding as pgvector text.
ITEMS = [("a", "[1,2,3]"), ("b", "[4,5,6]"), ("c", "[7,8,9]"), ("d", "[0,0,1]")]
# The two nearest items to QUERY by L2 distance, nearest first.
QUERY = "[6,6,6]"
NEAREST = ["b", "c"]


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def ok(msg):
    print("ok: " + msg, flush=True)


def check(cond, msg):
    if not cond:
        fail(msg)


def gap(name, step, errors, on_error=None):
    """Runs step(); a server error of one of the classes in errors is a
    known QuartzDB gap: it is printed as GAP and on_error() (a rollback)
    runs. Returns step's result, or None after a gap."""
    try:
        return step()
    except errors as e:
        # The server's error may be the context of a later client-side one.
        root = e
        while root.__context__ is not None and isinstance(root.__context__, errors):
            root = root.__context__
        print(f"GAP {name}: {type(root).__name__}: {' '.join(str(root).split())}", flush=True)
        if on_error is not None:
            on_error()
        return None


def parse_vector(text):
    """pgvector's text form, '[1,2,3]', as floats."""
    check(text.startswith("[") and text.endswith("]"), f"not a vector: {text!r}")
    return [float(x) for x in text[1:-1].split(",")]


def vector_text(values):
    return "[" + ",".join(repr(float(v)) for v in values) + "]"
