"""How PostgreSQL executes: psycopg 3, `%s` parameters, a session advisory lock around
migrate, `lock_timeout`, read-only transactions for the studio, pg_dump for backups.

psycopg is imported inside the methods, so a SQLite project never loads it. The enum
commit rule (`ALTER TYPE ... ADD VALUE` committed before the transaction that uses the
value) is carried by the statements themselves (`Statement.transactional`), which the
renderer marks and apply/migrate run outside the transaction.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from schemalens.dialects.base import (BatchFailed, ForeignKeyViolation, NoAnswer, Runtime, SplitError,
                                      StatementDenied, WriteRefused)
from schemalens.urls import ConnectError, mask_text, mask_url, postgres_conninfo, split_password

# psycopg logs the errors it ignores while closing what a lost connection broke (a pipeline):
# Python would print them raw on stderr. The error that matters reaches us as an exception.
logging.getLogger("psycopg").addHandler(logging.NullHandler())

# A fixed key for pg_advisory_lock: "schemalens" in ASCII, fits a signed bigint.
ADVISORY_LOCK_KEY = 0x736368656D616C
# A table this small is counted exactly (a COUNT(*) over < 1 MB is instant); bigger ones
# show the planner's estimate until the user asks for an exact count.
EXACT_COUNT_BYTES = 1 << 20
NUMERIC_TYPES = {"smallint", "integer", "bigint", "real", "double precision", "numeric", "money",
                 "oid", "int", "int2", "int4", "int8", "float4", "float8", "decimal"}
READ_STATEMENTS = {"SelectStmt", "ExplainStmt", "VariableShowStmt"}
# Node types, plus `intoClause`: SELECT ... INTO is a field of SelectStmt, not a node of its own.
WRITE_NODES = {"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "LockingClause", "intoClause"}
# Functions that act on the server even inside a read-only transaction (or that PostgreSQL
# refuses there, which the console should ask about before it runs, not after): by name, and
# by family (every advisory lock, large object, dblink, replication and statistics-reset call).
SIDE_EFFECT_FUNCTIONS = {
    "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile",
    "pg_switch_wal", "pg_create_restore_point", "pg_promote", "set_config", "pg_file_write",
    "pg_file_rename", "pg_file_unlink", "pg_notify", "nextval", "setval", "pg_log_backend_memory_contexts",
    "pg_import_system_collations",
}
SIDE_EFFECT_PREFIXES = ("pg_advisory_", "pg_try_advisory_", "lo_", "dblink", "pg_stat_reset", "pg_backup_",
                        "pg_start_backup", "pg_stop_backup", "pg_wal_replay_", "pg_create_", "pg_drop_replication",
                        "pg_replication_", "pg_logical_", "pg_copy_")
# Held by this session after a statement: what a read cannot have taken (one hidden in a view
# or a function body, where the statement's text names no function of the lists above).
ADVISORY_LOCKS_HELD = ("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_locks WHERE locktype = 'advisory' "
                       "AND pid = pg_catalog.pg_backend_pid())")


def has_side_effects(function: str) -> bool:
    return function in SIDE_EFFECT_FUNCTIONS or function.startswith(SIDE_EFFECT_PREFIXES)


class PostgreSQLRuntime(Runtime):
    param = "%s"
    percent = "%%"
    dry_run_note = "everything else ran inside one transaction that was rolled back"
    classifies = True
    lock_rows = " FOR UPDATE"

    # --- connections ---

    def open(self, url: str, *, create: bool, read_only: bool, where: str, connect_s: int, read_ms: int) -> Any:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict

        try:
            conninfo = postgres_conninfo(url)
            # Startup options are the session's defaults: what RESET returns to after executing.
            options = [str(conninfo_to_dict(conninfo).get("options") or ""), f"-c statement_timeout={read_ms}"]
            if read_only:
                options.append("-c default_transaction_read_only=on")
            return psycopg.connect(conninfo, connect_timeout=connect_s, application_name="schemalens",
                                   options=" ".join(o for o in options if o))
        except psycopg.Error as e:
            text = str(e).strip()
            if "timeout expired" in text:
                raise NoAnswer() from None
            detail = mask_text(text.splitlines()[0] if text else type(e).__name__, url)
            raise ConnectError(f"cannot connect to {mask_url(url)}{where}: {detail}") from None
        except (ValueError, UnicodeError) as e:
            raise ConnectError(f"malformed PostgreSQL URL {mask_url(url)}{where}: {mask_text(str(e), url)}") from None

    @property
    def errors(self) -> tuple[type[Exception], ...]:
        import psycopg

        return (psycopg.Error,)

    def error_position(self, error: Exception) -> int | None:
        position = getattr(getattr(error, "diag", None), "statement_position", None)
        return int(position) if position else None

    # --- transactions and statements ---

    def autocommit(self, conn: Any) -> None:
        if not conn.autocommit:
            if conn.info.transaction_status != 0:
                conn.rollback()
            conn.autocommit = True

    def execute(self, conn: Any, sql: str) -> Any:
        return conn.execute(sql, prepare=False)

    @contextmanager
    def transaction(self, conn: Any, *, foreign_keys_off: bool = False) -> Iterator[None]:
        self.autocommit(conn)
        with conn.transaction():
            yield

    @contextmanager
    def trial(self, conn: Any, *, foreign_keys_off: bool) -> Iterator[bool]:
        self.autocommit(conn)
        conn.execute("BEGIN")
        try:
            yield False
        finally:
            conn.execute("ROLLBACK")

    def foreign_key_violation(self, conn: Any) -> ForeignKeyViolation | None:
        return None  # foreign keys are never off: every statement is checked as it runs

    def execute_batch(self, conn: Any, sqls: list[str], sending: Callable[[int], None]) -> None:
        """Pipelined: the statements go out without waiting for each answer (one round trip
        per statement made a 3,420-statement push wait on the network for most of its time).
        The server still runs them one by one, in order, in the caller's transaction, and
        skips the rest after the first error. A statement holding several commands cannot
        be pipelined (the extended protocol takes one): it runs on its own, between pipelines."""
        start = 0
        while start < len(sqls):
            if _several_commands(sqls[start]):
                sending(start)
                self._run_one(conn, sqls, start)
                start += 1
                continue
            end = next((i for i in range(start + 1, len(sqls)) if _several_commands(sqls[i])), len(sqls))
            self._pipeline(conn, sqls, start, end, sending)
            start = end

    def _run_one(self, conn: Any, sqls: list[str], index: int) -> None:
        import psycopg

        try:
            conn.execute(sqls[index])
        except psycopg.Error as e:
            raise BatchFailed(index, e) from None

    def _pipeline(self, conn: Any, sqls: list[str], start: int, end: int, sending: Callable[[int], None]) -> None:
        """The failing statement is the first whose result never arrived: results come back
        in order, and psycopg raises while handling the failed one, before storing it."""
        import psycopg

        cursors: list[Any] = []
        failure: psycopg.Error | None = None
        try:
            with conn.pipeline() as pipeline:
                try:
                    for i in range(start, end):
                        sending(i)
                        cursors.append(conn.execute(sqls[i], prepare=False))
                    pipeline.sync()
                except psycopg.Error as e:
                    failure = e  # leaving the pipeline then raises PipelineAborted
        except psycopg.Error as e:
            failure = failure or e
        if failure is not None:
            failed = next((k for k, c in enumerate(cursors) if c.pgresult is None), len(cursors))
            raise BatchFailed(start + failed, failure) from None

    def set_lock_timeout(self, conn: Any, value: str | None, *, local: bool) -> None:
        """Executing: no statement deadline (the session's is for reads), only the lock wait's."""
        conn.execute("SELECT set_config('statement_timeout', '0', %s)", (local,))
        if value:
            conn.execute("SELECT set_config('lock_timeout', %s, %s)", (value, local))

    def reset_lock_timeout(self, conn: Any, value: str | None) -> None:
        conn.execute("RESET statement_timeout")
        if value:
            conn.execute("RESET lock_timeout")

    def does_not_answer(self, error: Exception) -> bool:
        import psycopg.errors

        return isinstance(error, (psycopg.errors.QueryCanceled, psycopg.errors.LockNotAvailable))

    # --- migrations ---

    def foreign_keys_switch(self, statement: str) -> bool | None:
        return None  # enforcement cannot be switched off

    @contextmanager
    def migration_lock(self, conn: Any, url: str, on_wait: Callable[[], None] | None) -> Iterator[None]:
        self.autocommit(conn)
        if not conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,)).fetchone()[0]:
            if on_wait:
                on_wait()
            # Waiting our turn has no deadline: the other run may apply a long migration.
            conn.execute("SET statement_timeout = 0")
            conn.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
            conn.execute("RESET statement_timeout")
        try:
            yield
        finally:
            self._unlock(conn)

    def _unlock(self, conn: Any) -> None:
        """Best effort: the lock dies with the session anyway, so a broken connection is fine."""
        import psycopg

        try:
            self.autocommit(conn)
            conn.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
        except psycopg.Error:
            pass

    def ledger_ddl(self, table: str) -> str:
        return f"""CREATE TABLE IF NOT EXISTS {table} (
    name text PRIMARY KEY,
    idx integer NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    execution_ms integer NOT NULL,
    method text NOT NULL
)"""

    def table_exists(self, conn: Any, name: str) -> bool:
        sql = "SELECT 1 FROM pg_catalog.pg_class WHERE oid = to_regclass(%s)"
        return conn.execute(sql, (name,)).fetchone() is not None

    def timestamp(self, now: datetime) -> Any:
        return now

    def backup(self, conn: Any, url: str, target: Path) -> str | None:
        target.parent.mkdir(parents=True, exist_ok=True)
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            return "--backup needs pg_dump on PATH (install the PostgreSQL client tools); nothing was applied"
        conninfo, password = split_password(postgres_conninfo(url))
        env = dict(os.environ)
        if password:  # keep the password out of the process list
            env["PGPASSWORD"] = password
        try:
            done = subprocess.run([pg_dump, "--format=custom", "--file", str(target), "--dbname", conninfo],
                                  capture_output=True, text=True, env=env, timeout=3600)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"backup with pg_dump failed: {mask_text(str(e), url)}; nothing was applied"
        if done.returncode != 0:
            return f"backup with pg_dump failed: {mask_text(done.stderr.strip(), url)}; nothing was applied"
        return None

    def database_missing(self, url: str) -> bool:
        return False

    # --- sessions ---

    def single_connection(self, url: str) -> bool:
        return False

    def open_session(self, conn: Any, timeout_ms: int) -> None:
        conn.autocommit = True
        conn.execute("SELECT pg_catalog.set_config('statement_timeout', %s, false)", (str(timeout_ms),))
        conn.execute("SELECT pg_catalog.set_config('idle_in_transaction_session_timeout', %s, false)",
                     (str(timeout_ms * 2),))

    def borrow(self, conn: Any, timeout_ms: int) -> None:
        pass  # statement_timeout, set once per session, is the deadline

    def give_back(self, conn: Any) -> None:
        pass  # usable() turns away a connection left in a transaction

    def usable(self, conn: Any) -> bool:
        import psycopg

        return (not conn.closed and not conn.broken
                and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE)

    @contextmanager
    def read_only(self, conn: Any) -> Iterator[None]:
        import psycopg

        try:
            with conn.transaction(force_rollback=True):
                conn.execute("SET TRANSACTION READ ONLY")
                yield
                if conn.execute(ADVISORY_LOCKS_HELD).fetchone()[0]:
                    raise WriteRefused("the statement took an advisory lock")
        except psycopg.errors.ReadOnlySqlTransaction as e:
            raise WriteRefused(str(e)) from None

    @contextmanager
    def writing(self, conn: Any) -> Iterator[None]:
        with conn.transaction():
            yield

    def may_write(self, statement: str) -> bool:
        import pglast.parser

        try:
            parsed = json.loads(pglast.parser.parse_sql_json(statement))
        except pglast.parser.ParseError as e:
            raise SplitError(str(e)) from None
        for raw in parsed.get("stmts", []):
            kind = next(iter(raw["stmt"]))
            if kind == "TransactionStmt":
                raise StatementDenied("BEGIN/COMMIT/ROLLBACK are not needed: the console runs each "
                                      "submission in one transaction")
            found: set[str] = set()
            functions: set[str] = set()
            _nodes(raw["stmt"], found, functions)
            if kind not in READ_STATEMENTS or found & WRITE_NODES or any(map(has_side_effects, functions)):
                return True
        return False

    def user_schemas(self, conn: Any) -> list[str] | None:
        rows = conn.execute(
            "SELECT nspname FROM pg_catalog.pg_namespace n WHERE nspname !~ '^pg_' "
            "AND nspname <> 'information_schema' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
            "WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e') "
            "ORDER BY 1").fetchall()
        conn.rollback()
        return [r[0] for r in rows]

    # --- values ---

    def as_text(self, sql: str, limit: int | None = None) -> str:
        return f"left({sql}::text, {limit})" if limit else f"{sql}::text"

    def comparable(self, sql: str, column_type: str) -> str:
        return f"{sql}::text" if self.column_kind(column_type) == "json" else sql

    def contains(self, sql: str, param: str) -> str:
        return f"{sql}::text ILIKE {param} ESCAPE '\\'"

    def bind(self, column_type: str, text: str) -> Any:
        return text  # untyped: PostgreSQL parses it with the column's input function

    def column_kind(self, column_type: str) -> str:
        t = column_type.lower()
        base = t.split("(", 1)[0].strip()
        if t.endswith("]"):
            return "array"
        if base in ("json", "jsonb"):
            return "json"
        if base in NUMERIC_TYPES:
            return "number"
        if base == "boolean":
            return "bool"
        if base == "bytea":
            return "bytes"
        if base == "date":
            return "date"
        if base.startswith("timestamp"):
            return "datetime"
        if base.startswith(("time ", "timetz")) or base == "time":
            return "time"
        return "text"

    def row_address(self, column_names: set[str]) -> str:
        return "ctid"

    def table_sql(self, schema_sql: str, name_sql: str) -> str:
        return f"{schema_sql}.{name_sql}"

    def row_counts(self, conn: Any, url: str, tables: list[tuple[str, str, bool]],
                   ident: Callable[[str], str]) -> dict[tuple[str, str], tuple[int | None, bool]]:
        rows = conn.execute(
            """SELECT n.nspname, c.relname, c.reltuples::bigint, pg_catalog.pg_relation_size(c.oid)
               FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                 AND n.nspname NOT LIKE 'pg\\_toast%'""").fetchall()
        counts: dict[tuple[str, str], tuple[int | None, bool]] = {}
        small = []
        for schema, name, estimate, size in rows:
            if size <= EXACT_COUNT_BYTES:
                small.append((schema, name))
            else:
                counts[(schema, name)] = (None if estimate < 0 else int(estimate), False)
        for i in range(0, len(small), 100):
            chunk = small[i:i + 100]
            sql = " UNION ALL ".join(f"SELECT {j}, count(*) FROM {ident(s)}.{ident(t)}"
                                     for j, (s, t) in enumerate(chunk))
            try:
                for j, n in conn.execute(sql).fetchall():
                    counts[chunk[j]] = (int(n), True)
            except Exception:  # a table we may not read: leave it uncounted, never fail the listing
                continue
        return counts


def _several_commands(sql: str) -> bool:
    """Only a semicolon before the end can separate two commands; the scanner decides."""
    if ";" not in sql.rstrip().rstrip(";"):
        return False
    from schemalens.dialects.postgresql.statements import split_statements

    try:
        return len(split_statements(sql)) > 1
    except SplitError:
        return False  # the server reports it, as the statement's own error


def _nodes(tree: Any, found: set[str], functions: set[str]) -> None:
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key[:1].isupper() or key in WRITE_NODES:
                found.add(key)
            if key == "FuncCall":
                names = [n.get("String", {}).get("sval", "") for n in value.get("funcname", [])]
                if names:
                    functions.add(names[-1].lower())
            _nodes(value, found, functions)
    elif isinstance(tree, list):
        for item in tree:
            _nodes(item, found, functions)
