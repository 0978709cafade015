"""Living beside an Alembic history: where the project's revisions are, which revision the
database is at, and writing schemalens's reviewed SQL as an Alembic revision.

Nothing here imports Alembic or runs the project's env.py or revision files (they are the
user's code): `alembic.ini` is read as the INI file it is, revision files as Python syntax
trees (their `revision` / `down_revision` assignments), `alembic_version` with a query.
"""

from __future__ import annotations

import ast
import configparser
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from schemalens import dialects
from schemalens.changes import Change, Statement, hazard_comments
from schemalens.connect import Database
from schemalens.migrations.folder import now_iso, slugify

VERSION_TABLE = "alembic_version"
INI = "alembic.ini"


class AlembicError(Exception):
    """The Alembic project cannot be read (a broken alembic.ini, two heads)."""


@dataclass
class Project:
    ini: Path
    versions: Path
    revisions: dict[str, tuple[str, ...]]  # revision -> its down revisions

    @property
    def heads(self) -> list[str]:
        """Revisions no other revision builds on, in name order."""
        below = {down for downs in self.revisions.values() for down in downs}
        return sorted(r for r in self.revisions if r not in below)

    def head(self) -> str | None:
        """The one head a new revision chains to (None: no revisions yet)."""
        heads = self.heads
        if len(heads) > 1:
            raise AlembicError(f"{self.versions} has {len(heads)} heads ({', '.join(heads)}): merge them first "
                               "(`alembic merge heads`), then generate")
        return heads[0] if heads else None

    def behind(self, current: list[str]) -> list[str]:
        """The revisions not applied to a database at `current` (in no order that matters
        here: how many, and which)."""
        applied: set[str] = set()
        todo = list(current)
        while todo:
            revision = todo.pop()
            if revision not in applied:
                applied.add(revision)
                todo.extend(self.revisions.get(revision, ()))
        return sorted(r for r in self.revisions if r not in applied)


def find_project(folder: Path) -> Project | None:
    """The Alembic project whose alembic.ini is in `folder` (the schemalens project), or None."""
    ini = folder / INI
    if not ini.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(ini, encoding="utf-8")
        location = parser.get("alembic", "script_location")
    except (configparser.Error, UnicodeDecodeError) as e:
        raise AlembicError(f"{ini}: no [alembic] script_location ({str(e).splitlines()[0]})") from None
    location = location.replace("%(here)s", str(ini.parent))
    if ":" in location and not Path(location).exists():
        raise AlembicError(f"{ini}: script_location {location} names a package; give a folder instead")
    versions = (ini.parent / location / "versions").resolve()
    return Project(ini, versions, read_revisions(versions))


def read_revisions(versions: Path) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted(versions.glob("*.py")) if versions.is_dir() else []:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, ValueError, OSError):
            continue
        values: dict[str, object] = {}
        for stmt in tree.body:
            target = stmt.target if isinstance(stmt, ast.AnnAssign) else (
                stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None)
            if isinstance(target, ast.Name) and stmt.value is not None:  # type: ignore[union-attr]
                try:
                    values[target.id] = ast.literal_eval(stmt.value)  # type: ignore[union-attr]
                except ValueError:
                    continue
        revision, down = values.get("revision"), values.get("down_revision")
        if isinstance(revision, str):
            downs = (down,) if isinstance(down, str) else tuple(d for d in down if isinstance(d, str)) if isinstance(
                down, (list, tuple)) else ()
            found[revision] = downs
    return found


def current_revisions(db: Database) -> list[str] | None:
    """The revisions `alembic_version` records (several on a branched history), or None
    when the database has no such table (Alembic never ran there)."""
    runtime = dialects.get(db.dialect).runtime
    runtime.autocommit(db.conn)
    if not runtime.table_exists(db.conn, VERSION_TABLE):
        return None
    rows = db.conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
    return sorted(str(r[0]) for r in rows)


# --- writing a revision --------------------------------------------------------------------------

# The bind parameters SQLAlchemy's text() would find in a statement (its own pattern): a
# `'12:30'` in a default must reach the database as written, so such colons are escaped.
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


def revision_id() -> str:
    """Twelve hex digits, as Alembic's own revision ids."""
    return secrets.token_hex(6)


def revision_path(versions: Path, revision: str, name: str) -> Path:
    return versions / f"{revision}_{slugify(name)}.py"


def revision_text(revision: str, down: str | None, message: str, up: list[Statement], down_sql: list[Statement],
                  changes: list[Change], reverse: list[Change], losses: list[str]) -> str:
    """An Alembic revision whose upgrade() runs schemalens's reviewed SQL, one op.execute per
    statement with the statement's warnings as comments above it, and whose downgrade()
    runs the reverse SQL (or refuses, saying why, when the up migration destroys data)."""
    header = [f'"""{message}', "", f"Revision ID: {revision}", f"Revises: {down or ''}",
              f"Create Date: {now_iso()}", "",
              "Written by `schemalens generate --format alembic`: the SQL is schemalens's plan from the",
              "database (at the previous head) to the models. Review it like any migration.", '"""',
              "from alembic import op", "import sqlalchemy as sa", "", "",
              f"revision = {revision!r}", f"down_revision = {down!r}", "branch_labels = None",
              "depends_on = None", "", ""]
    body = ["def upgrade() -> None:", *_calls(up, {c.id: c for c in changes}), "", "",
            "def downgrade() -> None:"]
    if losses:
        body += [f"    # cannot undo: {loss}" for loss in losses]
        body.append(f"    raise RuntimeError({'this revision cannot be undone: ' + '; '.join(losses)!r})")
    else:
        body += _calls(down_sql, {c.id: c for c in reverse})
    return "\n".join(header + body) + "\n"


def _literal(sql: str) -> str:
    """The statement as a Python string a reviewer can read: its lines as they are, where
    a triple-quoted string holds them unchanged."""
    if "\n" in sql and "\\" not in sql and '"""' not in sql and not sql.endswith('"'):
        return '"""' + sql + '"""'
    return repr(sql)


def _calls(statements: list[Statement], by_id: dict[str, Change]) -> list[str]:
    if not statements:
        return ["    pass"]
    lines: list[str] = []
    keys_off = any(s.needs_foreign_keys_off for s in statements)
    if keys_off:  # SQLite's table rebuilds: the pragma is a no-op inside a transaction
        lines += ["    with op.get_context().autocommit_block():", '        op.execute(sa.text("PRAGMA foreign_keys=OFF"))']
    for statement in statements:
        for change_id in statement.change_ids:
            change = by_id.get(change_id)
            if change is not None:
                lines += ["    # " + c.removeprefix("-- ") for c in hazard_comments(change)]
        text = _literal(_BIND.sub(r"\\:\1", statement.sql))
        call = f"op.execute(sa.text({text}))"
        if statement.transactional:
            lines.append(f"    {call}")
        else:  # CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE: outside the migration's transaction
            lines += ["    with op.get_context().autocommit_block():", f"        {call}"]
    if keys_off:
        lines += ["    with op.get_context().autocommit_block():", '        op.execute(sa.text("PRAGMA foreign_keys=ON"))']
    return lines
