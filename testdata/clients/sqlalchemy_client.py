"""SQLAlchemy 1.4 (over psycopg2) against QuartzDB, run by
testdata/clients_test.go: a declarative model with a vector column
(a UserDefinedType registered for reflection, as pgvector-python's
pgvector.sqlalchemy does), an ORM session, and the Inspector's reflection.
See qzclient.py for ok/FAIL/GAP."""
import math

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, declarative_base
from sqlalchemy.types import UserDefinedType

from qzclient import DB, HOST, NEAREST, PASSWORD, PORT, QUERY, USER, check, ok, parse_vector, vector_text


class Vector(UserDefinedType):
    cache_ok = True

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def get_col_spec(self, **kw):
        return "vector" if self.dim is None else f"vector({self.dim})"

    def bind_processor(self, dialect):
        return lambda v: None if v is None else vector_text(v)

    def result_processor(self, dialect, coltype):
        return lambda v: None if v is None else parse_vector(v)

    class comparator_factory(UserDefinedType.Comparator):
        def l2_distance(self, other):
            return self.op("<->", return_type=sa.Float)(other)


# Reflection maps the type name to this class (pgvector-python does too).
ischema_names["vector"] = Vector

Base = declarative_base()


class Item(Base):
    __tablename__ = "items"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.Text, nullable=False)
    embedding = sa.Column(Vector(3))
    __table_args__ = (sa.Index("items_embedding_idx", "embedding", postgresql_using="hnsw",
                               postgresql_ops={"embedding": "vector_l2_ops"}),
                      sa.Index("items_name_idx", "name"))


def gap(name, step, *extra):
    """qzclient.gap, printing the failing SQL statement too."""
    try:
        return step()
    except (sa.exc.DBAPIError,) + extra as e:
        stmt = " ".join(str(getattr(e, "statement", "") or "").split())
        orig = " ".join(str(getattr(e, "orig", e)).split())
        print(f"GAP {name}: {orig} [SQL: {stmt[:300]}]", flush=True)
        return None


url = URL.create("postgresql+psycopg2", username=USER, password=PASSWORD, host=HOST, port=PORT, database=DB,
                 query={"sslmode": "disable"})


def default_engine():
    engine = sa.create_engine(url, future=True)
    with engine.connect() as c:
        c.execute(sa.text("SELECT 1"))
    return engine


# GAP: on first connect SQLAlchemy's psycopg2 dialect asks psycopg2 for
# hstore's OIDs (psycopg2.extras.HstoreAdapter.get_oids: SELECT t.oid,
# typarray FROM pg_type t JOIN pg_namespace ns ON typnamespace = ns.oid
# WHERE typname = 'hstore'), which needs pg_namespace. use_native_hstore=False
# skips it until then.
engine = gap("SQLAlchemy psycopg2 on_connect hstore OIDs", default_engine)
if engine is None:
    engine = sa.create_engine(url, future=True, use_native_hstore=False)
with engine.connect() as c:
    version = c.execute(sa.text("SELECT version()")).scalar()
    check(version.startswith("PostgreSQL 15"), f"version {version!r}")
    check(engine.dialect.server_version_info[0] == 15, f"server_version_info {engine.dialect.server_version_info}")
    check(c.dialect.default_schema_name == "public", f"default schema {c.dialect.default_schema_name!r}")
ok("connected: " + version)


def create_all_checkfirst():
    Base.metadata.create_all(engine)  # has_table() first: pg_class
    return True


# GAP: create_all() checks each table with has_table(): select relname from
# pg_class c join pg_namespace n on n.oid=c.relnamespace where
# pg_catalog.pg_table_is_visible(c.oid) and relname=%(name)s
if not gap("SQLAlchemy create_all has_table", create_all_checkfirst):
    Base.metadata.create_all(engine, checkfirst=False)
ok("create_all: table, hnsw index, btree index")

with Session(engine) as s:
    s.add_all([Item(name="a", embedding=[1, 2, 3]), Item(name="b", embedding=[4, 5, 6]),
               Item(name="c", embedding=[7, 8, 9]), Item(name="d", embedding=[0, 0, 1])])
    s.commit()
    q = parse_vector(QUERY)
    got = s.query(Item).order_by(Item.embedding.l2_distance(q)).limit(2).all()
    check([i.name for i in got] == NEAREST and got[0].embedding == [4.0, 5.0, 6.0], f"nearest: {got}")
    dist = s.query(Item.embedding.l2_distance(q)).filter(Item.name == "b").scalar()
    check(math.isclose(dist, math.sqrt(5)), f"distance {dist}")
    b = s.query(Item).filter_by(name="b").one()
    b.embedding = [5, 5, 5]
    s.delete(s.get(Item, 4))
    s.commit()
    check(s.get(Item, b.id).embedding == [5.0, 5.0, 5.0], "update")
    check(s.query(sa.func.count(Item.id)).scalar() == 3, "delete")
    rows = s.execute(sa.select(Item.name).where(Item.id.in_([1, 2])).order_by(Item.id.desc())).scalars().all()
    check(rows == ["b", "a"], f"select in: {rows}")
ok("ORM session: add_all, commit, query with filter, order_by distance, update, delete, IN")

insp = sa.inspect(engine)


def table_names():
    got = insp.get_table_names()
    check(got == ["items"], f"get_table_names: {got}")
    ok("get_table_names")


def columns():
    cols = {c["name"]: c for c in insp.get_columns("items")}
    check(list(cols) == ["id", "name", "embedding"], f"columns: {list(cols)}")
    check(isinstance(cols["id"]["type"], sa.Integer) and not cols["id"]["nullable"]
          and "nextval('items_id_seq'::regclass)" == cols["id"]["default"], f"id: {cols['id']}")
    check(isinstance(cols["name"]["type"], sa.Text) and not cols["name"]["nullable"], f"name: {cols['name']}")
    check(isinstance(cols["embedding"]["type"], Vector) and cols["embedding"]["type"].dim == 3
          and cols["embedding"]["nullable"], f"embedding: {cols['embedding']}")
    ok("get_columns: serial default, types, vector(3)")


def pk():
    got = insp.get_pk_constraint("items")
    check(got["constrained_columns"] == ["id"] and got["name"] == "items_pkey", f"pk: {got}")
    ok("get_pk_constraint")


def indexes():
    got = {i["name"]: i for i in insp.get_indexes("items")}
    check(set(got) == {"items_embedding_idx", "items_name_idx"}, f"indexes: {list(got)}")
    hnsw = got["items_embedding_idx"]
    check(hnsw["column_names"] == ["embedding"] and not hnsw["unique"]
          and hnsw.get("dialect_options", {}).get("postgresql_using") == "hnsw", f"hnsw index: {hnsw}")
    check(got["items_name_idx"]["column_names"] == ["name"], f"name index: {got['items_name_idx']}")
    ok("get_indexes: hnsw and btree")


# GAP: the Inspector reads pg_catalog.pg_class, pg_namespace, pg_attribute,
# pg_attrdef, pg_type, pg_index, pg_am, pg_constraint (with unnest,
# generate_subscripts, = ANY(ix.indkey), indkey::varchar); not there yet.
for name, step in [("get_table_names", table_names), ("get_columns", columns), ("get_pk_constraint", pk),
                   ("get_indexes", indexes)]:
    gap(f"SQLAlchemy Inspector.{name}", step)
ok("done")
