"""The server as the judge of constants.py: for spellings of macaddr, macaddr8, inet, cidr,
uuid and jsonb values PostgreSQL accepts, the spelling the rules give is the one
PostgreSQL stores (`concat('x'::type)`: its output function, as pg_get_expr prints a default): one value, one spelling, so a DEFAULT read back
from the catalog is no drift against the file's, and a different value always is."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pglast
import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pglast import ast

from schemalens.dialects.postgresql.constants import coerce_constant


@pytest.fixture(scope="module")
def conn(pg_server_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(pg_server_url, autocommit=True) as c:
        yield c


def _stored(conn: psycopg.Connection, text: str, type_text: str) -> str | None:
    try:
        return conn.execute(f"SELECT concat(%s::{type_text})", (text,)).fetchone()[0]
    except psycopg.errors.DataError:
        return None


def assert_stored_as_the_rules_say(conn: psycopg.Connection, text: str, type_text: str) -> None:
    stored = _stored(conn, text, type_text)
    node = coerce_constant(ast.A_Const(val=ast.String(text)), type_text)
    assert stored is not None, f"{text!r} is no {type_text}"
    assert node.val.sval == stored, f"{text!r}::{type_text}"


_bytes = st.lists(st.integers(0, 255), min_size=6, max_size=6)


@st.composite
def _mac(draw: st.DrawFn, size: int) -> str:
    octets = draw(st.lists(st.integers(0, 255), min_size=size, max_size=size))
    pairs = [f"{o:02x}" for o in octets]
    if draw(st.booleans()):
        pairs = [p.upper() for p in pairs]
    if size == 6 and draw(st.booleans()):  # one-digit fields, as macaddr reads them
        return draw(st.sampled_from(":-")).join(f"{o:x}" for o in octets)
    if size == 6:
        shape = draw(st.sampled_from(["{}{}{}:{}{}{}", "{}{}{}-{}{}{}", "{}{}.{}{}.{}{}", "{}{}-{}{}-{}{}",
                                      "{}{}{}{}{}{}", "{}:{}:{}:{}:{}:{}"]))
        return shape.format(*pairs)
    return draw(st.sampled_from(["", ":", "-", "."])).join(pairs)


@given(_mac(6))
def test_macaddr(conn: psycopg.Connection, text: str) -> None:
    assert_stored_as_the_rules_say(conn, text, "macaddr")


@given(_mac(6) | _mac(8))
def test_macaddr8(conn: psycopg.Connection, text: str) -> None:
    if _stored(conn, text, "macaddr8") is not None:
        assert_stored_as_the_rules_say(conn, text, "macaddr8")


_v4 = st.ip_addresses(v=4)
_v6 = st.ip_addresses(v=6).filter(lambda a: a.packed[:10] != bytes(10))


@given(st.one_of(_v4, _v6), st.integers(0, 128), st.booleans(), st.booleans())
def test_inet(conn: psycopg.Connection, address: object, prefix: int, with_prefix: bool, exploded: bool) -> None:
    text = address.exploded if exploded else str(address)  # type: ignore[attr-defined]
    if with_prefix:
        text += f"/{prefix % (address.max_prefixlen + 1)}"  # type: ignore[attr-defined]
    assert_stored_as_the_rules_say(conn, text, "inet")


@given(st.one_of(_v4, _v6), st.integers(0, 128))
def test_cidr(conn: psycopg.Connection, address: object, prefix: int) -> None:
    import ipaddress
    prefix %= address.max_prefixlen + 1  # type: ignore[attr-defined]
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    if network.network_address.version == 6 and network.network_address.packed[:10] == bytes(10):
        return
    assert_stored_as_the_rules_say(conn, str(network), "cidr")


@given(st.uuids(), st.booleans(), st.booleans(), st.booleans())
def test_uuid(conn: psycopg.Connection, value: object, upper: bool, braces: bool, hyphens: bool) -> None:
    text = str(value) if hyphens else value.hex  # type: ignore[attr-defined]
    text = text.upper() if upper else text
    assert_stored_as_the_rules_say(conn, "{" + text + "}" if braces else text, "uuid")


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.text(max_size=5).filter(lambda t: "\0" not in t)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3).map(lambda d: float(d) if abs(d) < 1e6 else d),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4).filter(lambda t: "\0" not in t),
                                                                inner, max_size=3),
    max_leaves=8)


@given(_json, st.sampled_from([(",", ":"), (", ", ": "), (" ,", " : ")]), st.booleans())
def test_jsonb(conn: psycopg.Connection, value: object, separators: tuple[str, str], ascii_only: bool) -> None:
    text = json.dumps(value, separators=separators, ensure_ascii=ascii_only, default=str)
    if _stored(conn, text, "jsonb") is not None:
        assert_stored_as_the_rules_say(conn, text, "jsonb")


_PLAIN_CONSTANTS = st.one_of(
    st.integers(-10**12, 10**12).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10**6, max_value=10**6).map(str),
    st.sampled_from(["true", "false", ".5", "1.50", "+7", "007"]),
)


@given(text=_PLAIN_CONSTANTS, type_text=st.sampled_from(["text", "character varying(40)", "character(40)"]))
def test_a_number_or_boolean_in_a_string_column_is_stored_as_its_text(conn: psycopg.Connection, text: str,
                                                                     type_text: str) -> None:
    """DEFAULT 0 on a text column is the default '0': where the rule turns a constant into
    a string, it is the string the column gets (an assignment cast of the integer, numeric
    or boolean; character(n) pads it)."""
    node = pglast.parse_sql(f"SELECT {text}")[0].stmt.targetList[0].val
    conn.execute("DROP TABLE IF EXISTS pg_temp.strings")
    conn.execute(f"CREATE TEMP TABLE strings (v {type_text} DEFAULT {text})")
    conn.execute("INSERT INTO strings DEFAULT VALUES")
    stored = conn.execute("SELECT v FROM strings", prepare=False).fetchone()[0]
    coerced = coerce_constant(node, type_text)
    if text.lstrip("-").isdigit() or text in ("true", "false"):
        assert isinstance(coerced.val, ast.String)  # (the cases the rule is for)
    if isinstance(coerced, ast.A_Const) and isinstance(coerced.val, ast.String):
        width = 40 if type_text.startswith("character(") else 0
        assert coerced.val.sval.ljust(width) == stored, (text, type_text)
