"""The databases themselves as the judge: what `psql -f` / `sqlite3` make of a schema file,
compared with what push makes of it.

A schema's identity is what the database's own dump tool prints: `pg_dump --schema-only`
for PostgreSQL, the `sqlite_master` text plus the pragmas SQLite does not keep in that text
for SQLite. Two databases are the same schema when those dumps are equal, line for line.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
import subprocess
from pathlib import Path

from schemalens.urls import postgres_conninfo

_PG_NOISE = re.compile(r"^(--.*|SET .*|SELECT pg_catalog\.set_config.*|\\(un)?restrict .*)$")


def pg_dump(url: str) -> str:
    """The schema of a PostgreSQL database as pg_dump prints it, without its version banner
    and session settings (they name the server, not the schema)."""
    out = subprocess.run(["pg_dump", "--schema-only", "-d", postgres_conninfo(url)],
                         capture_output=True, text=True, check=True).stdout
    lines = [line for line in out.splitlines() if not _PG_NOISE.match(line)]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def sqlite_dump(path: Path) -> str:
    """The schema of a SQLite file: every sqlite_master row (SQLite keeps the statement text
    as written, so that text is the schema), then the per-table pragmas the text does not
    show once ALTER TABLE has rewritten it."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                            "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
        lines = [f"{kind} {_line(name)} on {_line(table)}: {sql!r}" for kind, name, table, sql in rows]
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
            quoted = '"' + table.replace('"', '""') + '"'
            lines.append(f"columns {_line(table)}: {conn.execute(f'PRAGMA table_xinfo({quoted})').fetchall()}")
            lines.append(f"foreign keys {_line(table)}: "
                         f"{conn.execute(f'PRAGMA foreign_key_list({quoted})').fetchall()}")
        return "\n".join(lines) + "\n"
    finally:
        conn.close()


def _line(name: str) -> str:
    """A name on one dump line (a line break in a name would split it)."""
    return name.replace("\\", "\\\\").replace("\n", "\\n")


def dump(url: str) -> str:
    if url.startswith("sqlite"):
        return sqlite_dump(Path(url.removeprefix("sqlite:///")))
    return pg_dump(url)


def difference(expected: str, actual: str, limit: int = 40) -> str | None:
    """None when the two dumps are equal, else a short unified diff (expected = the file's
    own database, actual = the one push made)."""
    if expected == actual:
        return None
    lines = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), "psql -f", "push", lineterm="", n=1))
    return "\n".join(lines[2:limit + 2])


def columns_sorted(dumped: str) -> str:
    """The dump with each table's column definitions in name order: a database pushed from
    an older schema has the same columns in the order they were added. A SQLite table's text
    is left out too: after ALTER TABLE ADD COLUMN it is SQLite's own edit of the old text
    (its pragmas still say what the table is). So is the quoting of the table's name in an
    index's text: ALTER TABLE RENAME rewrites `ON t` as `ON "t2"` (a decision: push does not
    rebuild an index to undo a quote)."""
    if "\ncolumns " in "\n" + dumped:
        kept = [_unquoted_table(line) if line.startswith("index ") else line
                for line in dumped.splitlines() if not line.startswith("table ")]
        return re.sub(r"^columns (.*?): \[(.*)\]$", _sorted_pragma, "\n".join(kept) + "\n", flags=re.M)
    return re.sub(r"^(CREATE (?:UNLOGGED )?TABLE [^\n]* \(\n)(.*?)(\n\);)$", _sorted_block, dumped, flags=re.M | re.S)


def _unquoted_table(line: str) -> str:
    return re.sub(r'( ON )"([A-Za-z_][A-Za-z0-9_]*)"', r"\1\2", line, count=1, flags=re.I)


def _sorted_block(match: re.Match[str]) -> str:
    lines = [line.rstrip(",") for line in match.group(2).split("\n")]
    columns = sorted(line for line in lines if not line.lstrip().startswith("CONSTRAINT "))
    rest = [line for line in lines if line.lstrip().startswith("CONSTRAINT ")]
    return match.group(1) + ",\n".join(columns + rest) + match.group(3)


def _sorted_pragma(match: re.Match[str]) -> str:
    rows = re.findall(r"\((\d+), (.*?)\)(?:, |$)", match.group(2))
    return f"columns {match.group(1)}: " + "; ".join(sorted(rest for _, rest in rows))
