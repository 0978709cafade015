"""`schemalens pull` writes a file a person keeps: dependency order (cycles closed by
ALTER TABLE after both tables), each table with its indexes and comments, types as
people write them, the same bytes for the same database; and it round-trips with check."""

from __future__ import annotations

import re
import sqlite3
import uuid
from pathlib import Path

import psycopg

from tests.db.test_cli import run

# Two orders of the same statements: the pulled file must not depend on which ran first.
PG_OBJECTS = [
    "CREATE SCHEMA app",
    "CREATE SCHEMA billing",
    "CREATE TYPE app.state AS ENUM ('new', 'paid', 'void')",
    "COMMENT ON TYPE app.state IS 'where an invoice is'",
    "CREATE TABLE app.users (id serial PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, "
    "manager_id integer REFERENCES app.users (id), created timestamptz NOT NULL DEFAULT now())",
    "CREATE INDEX users_created ON app.users (created DESC)",
    "COMMENT ON TABLE app.users IS 'people who log in'",
    "COMMENT ON COLUMN app.users.email IS 'unique per person'",
    "CREATE TABLE billing.customer (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "owner integer NOT NULL REFERENCES app.users, code char(4), last_invoice bigint)",
    "CREATE TABLE billing.invoice (id bigserial PRIMARY KEY, customer_id bigint NOT NULL "
    "REFERENCES billing.customer ON DELETE CASCADE, state app.state NOT NULL DEFAULT 'new', "
    "total numeric(12,2) CHECK (total >= 0), issued timestamp(3), due date, notes text[])",
    "ALTER TABLE billing.customer ADD CONSTRAINT customer_last_invoice_fkey "
    "FOREIGN KEY (last_invoice) REFERENCES billing.invoice (id)",
    "CREATE INDEX invoice_open ON billing.invoice (customer_id) WHERE state <> 'void'",
    # a three-table cycle across schemas
    "CREATE TABLE public.a (id integer PRIMARY KEY, b_id integer)",
    "CREATE TABLE app.b (id integer PRIMARY KEY, c_id integer)",
    "CREATE TABLE billing.c (id integer PRIMARY KEY, a_id integer REFERENCES public.a)",
    "ALTER TABLE public.a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b_id) REFERENCES app.b",
    "ALTER TABLE app.b ADD CONSTRAINT b_c_fkey FOREIGN KEY (c_id) REFERENCES billing.c",
    "CREATE TABLE public.zz_first_by_name_last_by_need (id integer PRIMARY KEY, "
    "invoice_id bigint REFERENCES billing.invoice)",
]
PG_REORDERED = PG_OBJECTS[:4] + [
    "CREATE TABLE billing.customer (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "owner integer NOT NULL, code char(4), last_invoice bigint)",
    "CREATE TABLE public.a (id integer PRIMARY KEY, b_id integer)",
    "CREATE TABLE app.b (id integer PRIMARY KEY, c_id integer)",
    "CREATE TABLE billing.c (id integer PRIMARY KEY, a_id integer REFERENCES public.a)",
    "ALTER TABLE app.b ADD CONSTRAINT b_c_fkey FOREIGN KEY (c_id) REFERENCES billing.c",
    "ALTER TABLE public.a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b_id) REFERENCES app.b",
] + PG_OBJECTS[9:10] + [
    "CREATE TABLE public.zz_first_by_name_last_by_need (id integer PRIMARY KEY, "
    "invoice_id bigint REFERENCES billing.invoice)",
    "ALTER TABLE billing.customer ADD CONSTRAINT customer_last_invoice_fkey "
    "FOREIGN KEY (last_invoice) REFERENCES billing.invoice (id)",
    "CREATE INDEX invoice_open ON billing.invoice (customer_id) WHERE state <> 'void'",
] + PG_OBJECTS[4:8] + ["ALTER TABLE billing.customer ADD CONSTRAINT customer_owner_fkey "
                       "FOREIGN KEY (owner) REFERENCES app.users"]


def new_pg_database(server_url: str, statements: list[str]) -> str:
    name = "pull_" + uuid.uuid4().hex[:10]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    url = f"{server_url.rpartition('/')[0]}/{name}"
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)
    return url


def pull(url: str, out: Path) -> str:
    code, _, err = run("pull", "--db", url, "--output", str(out))
    assert code == 0, err
    return out.read_text(encoding="utf-8")


def body(text: str) -> str:
    """The file without its first line (which names the database)."""
    return text.split("\n", 1)[1]


def blocks(text: str) -> dict[str, str]:
    """Each CREATE TABLE with what follows it up to the next blank line, by table."""
    return {m.group(1): m.group(0) for m in re.finditer(r"^CREATE TABLE (\S+) \(.*?(?=\n\n|\Z)", text, re.M | re.S)}


def assert_dependency_order(text: str) -> None:
    created = [m.group(1) for m in re.finditer(r"^CREATE TABLE (\S+) \(", text, re.M)]
    position = {name: text.index(f"CREATE TABLE {name} (") for name in created}
    for name, block in blocks(text).items():
        for target in re.findall(r"REFERENCES (\S+) \(", block):
            assert position[target] <= position[name], f"{name} references {target}, created later"
    for m in re.finditer(r"^ALTER TABLE (\S+) ADD CONSTRAINT \S+ FOREIGN KEY .*? REFERENCES (\S+) \(", text, re.M):
        assert position[m.group(1)] < m.start() and position[m.group(2)] < m.start(), m.group(0)


def test_pull_writes_a_file_a_person_keeps_and_check_agrees(pg_server_url: str, tmp_path: Path) -> None:
    url = new_pg_database(pg_server_url, PG_OBJECTS)
    text = pull(url, tmp_path / "schema.sql")
    code, out, err = run("check", "--db", url, "--schema", str(tmp_path / "schema.sql"))
    assert code == 0, out + err + text
    assert_dependency_order(text)
    # enum types (and their comments) before the first table
    assert text.index("CREATE TYPE app.state") < text.index("COMMENT ON TYPE app.state") < text.index("CREATE TABLE")
    # each table followed by its own indexes and comments
    users = blocks(text)["app.users"]
    assert "CREATE INDEX users_created ON app.users" in users and "COMMENT ON TABLE app.users" in users
    assert "COMMENT ON COLUMN app.users.email" in users
    assert "CREATE INDEX invoice_open ON billing.invoice" in blocks(text)["billing.invoice"]
    # the cycles close after their tables, a self reference stays inline
    assert re.search(r"^ALTER TABLE billing.customer ADD CONSTRAINT customer_last_invoice_fkey", text, re.M)
    assert len(re.findall(r"^ALTER TABLE \S+ ADD CONSTRAINT", text, re.M)) == 2
    assert "REFERENCES app.users (id)" in users
    # types as people write them
    for spelling in ("email varchar(255)", "created timestamptz", "code char(4)", "issued timestamp(3)",
                     "id serial", "id bigserial", "GENERATED ALWAYS AS IDENTITY", "notes text[]"):
        assert spelling in text, spelling
    for catalog_spelling in ("character varying", "with time zone", "without time zone", "character("):
        assert catalog_spelling not in text
    # deterministic: the same database, and the same schema built in another order, give the same bytes
    assert pull(url, tmp_path / "again.sql") == text
    other = new_pg_database(pg_server_url, PG_REORDERED)
    assert body(pull(other, tmp_path / "other.sql")) == body(text)
    # the file builds the database: run it on an empty one and pull that
    rebuilt = new_pg_database(pg_server_url, [body(text)])
    assert body(pull(rebuilt, tmp_path / "rebuilt.sql")) == body(text)


SQLITE_OBJECTS = """
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
                         placed TIMESTAMP DEFAULT CURRENT_TIMESTAMP, total NUMERIC(10,2));
    CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(40) NOT NULL,
                            last_order INTEGER REFERENCES orders(id));
    CREATE INDEX orders_customer ON orders (customer_id);
    CREATE TABLE lines (order_id INTEGER REFERENCES orders(id) ON DELETE CASCADE, n INTEGER,
                        PRIMARY KEY (order_id, n)) WITHOUT ROWID;
    CREATE TABLE a_notes (id INTEGER PRIMARY KEY, line_order INTEGER, line_n INTEGER,
                          FOREIGN KEY (line_order, line_n) REFERENCES lines (order_id, n));
"""


def test_pull_on_sqlite_orders_tables_and_round_trips(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    sqlite3.connect(db).executescript(SQLITE_OBJECTS)
    url = f"sqlite:///{db}"
    text = pull(url, tmp_path / "schema.sql")
    code, out, err = run("check", "--db", url, "--schema", str(tmp_path / "schema.sql"))
    assert code == 0, out + err + text
    created = re.findall(r"^CREATE TABLE (\S+) \(", text, re.M)
    # a_notes sorts first by name but needs lines, which needs orders (in a cycle with customers)
    assert created == ["customers", "orders", "lines", "a_notes"]
    assert "CREATE INDEX orders_customer" in blocks(text)["orders"]
    assert pull(url, tmp_path / "again.sql") == text
    copy = tmp_path / "copy.db"
    sqlite3.connect(copy).executescript(body(text))
    assert body(pull(f"sqlite:///{copy}", tmp_path / "copy.sql")) == body(text)
