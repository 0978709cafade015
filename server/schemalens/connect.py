"""Opening database connections from URLs, with every failure turned into one clear,
password-free message.

We talk to the drivers directly (psycopg 3, sqlite3) rather than through SQLAlchemy
engines: introspection and apply need only a connection, and skipping the engine layer
saves import time on every save in the editor.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from schemalens.config import dialect_of_url

# The text rule, shared with the VS Code client (vscode-client/src/settings.ts, the same
# cases in tests/data/masking_cases.json). Conservative where libpq is strict: a URL's
# secret runs from the first `:` of its userinfo to the token's *last* `@` (libpq stops at
# the first `@` and ends userinfo at a `/`, but a password with `@` or `/` in it was still
# meant as one), `?password=` to the next `&`, a keyword/value `password=` to its end.
_URL_SECRET = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^\s:/@\"'<>]*:)[^\s\"'<>]*(?=@)", re.I)
_QUERY_SECRET = re.compile(r"(?P<head>[?&]password=)[^&\s\"'<>]*", re.I)
_KEYWORD_SECRET = re.compile(r"(?P<head>(?<![?&\w])password\s*=\s*)(?:'(?:[^'\\]|\\.)*'|[^\s'\"]+)", re.I)
MASK = "***"


def mask_secrets(text: str) -> str:
    """Every password-like field in `text` (URL userinfo, `?password=`, `password=...`) as `***`."""
    for rule in (_URL_SECRET, _QUERY_SECRET, _KEYWORD_SECRET):
        text = rule.sub(lambda m: m.group("head") + MASK, text)
    return text


def libpq_password(conninfo: str) -> str | None:
    """The password libpq would send for a URL or keyword/value string (None: none, or
    libpq cannot parse it, in which case only the text rule protects it)."""
    if "://" in conninfo and not conninfo.lower().startswith(("postgres", "postgresql")):
        return None
    from psycopg import Error
    from psycopg.conninfo import conninfo_to_dict

    try:
        password = conninfo_to_dict(postgres_conninfo(conninfo)).get("password")
    except (Error, ValueError, UnicodeError):
        return None
    return str(password) if password else None


def _spellings(password: str) -> list[str]:
    """The password as it may appear in text: raw and percent-encoded, longest first."""
    return sorted({password, quote(password, safe=""), quote(password)}, key=len, reverse=True)


def mask_url(url: str) -> str:
    """The URL (or keyword/value string) safe to show: the text rule, then libpq's own
    reading of its password wherever that still stands as a field of its own."""
    masked = mask_secrets(url)
    password = libpq_password(url)
    if password:
        for spelling in _spellings(password):
            masked = re.sub(rf"(?<![^\W_]){re.escape(spelling)}(?![^\W_])", MASK, masked)
    return masked


def mask_text(text: str, url: str) -> str:
    """`text` (a driver message, a log line) with no trace of the URL's password: the URL
    itself masked, the text rule applied, and libpq's password replaced wherever it appears."""
    text = mask_secrets(text.replace(url, mask_url(url)))
    password = libpq_password(url)
    if password:
        for spelling in _spellings(password):
            text = text.replace(spelling, MASK)
    return text


def split_password(conninfo: str) -> tuple[str, str | None]:
    """(a keyword/value string without the password, the password): for tools that would
    otherwise show it in the process list."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(conninfo)
    password = params.pop("password", None)
    return make_conninfo(**params), password


class ConnectError(Exception):
    """The database could not be reached or opened. The message is safe to show."""


@dataclass
class Database:
    """An open connection and what we need to know about it."""

    dialect: str
    url: str
    conn: Any  # psycopg.Connection or sqlite3.Connection

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def postgres_conninfo(url: str) -> str:
    """A libpq URI from what users paste: `postgres://`, `postgresql+psycopg://`, ..."""
    scheme, sep, rest = url.partition("://")
    return "postgresql://" + rest if sep else url


def sqlite_path(url: str) -> str:
    """The file path of a `sqlite:///relative.db` or `sqlite:////absolute.db` URL."""
    rest = url.split(":", 1)[1]
    if not rest.startswith("///"):
        raise ConnectError(f"{url!r} is not a SQLite URL of the form sqlite:///path/to/file.db")
    return unquote(rest[3:].split("?", 1)[0]) or ":memory:"


def connect(url: str, *, create: bool = True, read_only: bool = False, origin: str = "") -> Database:
    """Open the database at `url`. `origin` names the setting it came from, for hints."""
    dialect = dialect_of_url(url)
    where = f" (database_url from {origin})" if origin else ""
    if dialect == "sqlite":
        return Database("sqlite", url, _connect_sqlite(url, create, read_only, where))
    return Database("postgresql", url, _connect_postgres(url, read_only, where))


def _connect_sqlite(url: str, create: bool, read_only: bool, where: str) -> sqlite3.Connection:
    path = sqlite_path(url)
    mode = "ro" if read_only else "rwc"
    try:
        if path != ":memory:":
            file = Path(path)
            if not file.exists() and (read_only or not create):
                raise ConnectError(f"SQLite database {path} does not exist{where}: reading creates nothing "
                                   "(`schemalens push` or `schemalens migrate` creates it)")
            if create and not read_only:
                file.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(f"file:{path}?mode={mode}", uri=True, isolation_level=None,
                               check_same_thread=False)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except (sqlite3.Error, OSError) as e:
        raise ConnectError(f"cannot open SQLite database {path}{where}: {e}") from None
    return conn


def _connect_postgres(url: str, read_only: bool, where: str) -> Any:
    import psycopg

    options = "-c default_transaction_read_only=on" if read_only else None
    try:
        return psycopg.connect(postgres_conninfo(url), connect_timeout=10,
                               application_name="schemalens", options=options)
    except psycopg.Error as e:
        detail = mask_text(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__, url)
        raise ConnectError(f"cannot connect to {mask_url(url)}{where}: {detail}") from None
    except (ValueError, UnicodeError) as e:
        raise ConnectError(f"malformed PostgreSQL URL {mask_url(url)}{where}: {mask_text(str(e), url)}") from None
