"""The commands' work, shared by the CLI and the language server.

Each workflow takes Settings and returns plain results; it never prints and never asks:
questions to the user (confirm data loss) come in as callbacks, so the terminal can
prompt and the editor can send `window/showMessageRequest`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from schemalens.apply import ApplyError, Progress, apply
from schemalens.cache import cache_key, cached
from schemalens import dialects
from schemalens.changes import Change, Renames, RenderError, Statement, data_loss_line, hazard_comments, qualified
from schemalens.config import Settings
from schemalens.connect import Database, connect
from schemalens.urls import ConnectError, mask_text, mask_url
from schemalens.diff import diff
from schemalens.dependencies import taken_along
from schemalens.left_alone import left_alone
from schemalens.lint import (
    Finding, fills_no_rows, lint, not_null_finding, schema_not_empty, schema_not_empty_finding,
)
from schemalens.migrations.ledger import MIGRATIONS_TABLE, table_exists
from schemalens.migrations.runner import migration_lock
from schemalens.model import Problem, Schema, SourceResult, Span, Unmanaged
from schemalens.normalize import normalize_schema
from schemalens.directives import declare as renamed_directive  # noqa: F401 (the editor's rename fix)
from schemalens.schema_file import schema_file
from schemalens.sources import MODELS_TIMEOUT
from schemalens.sources.sql import SourceError, is_models, parse_texts, read_files, schema_files  # noqa: F401 (front ends take them from here)


class WorkflowError(Exception):
    """Usage, parse or connection error: the command could not even start (exit 2). `code`
    names its kind for machine readers (`--json`): usage-error, schema-unreadable,
    database-unreachable, database-error, migrations-problem."""

    def __init__(self, message: str, code: str = "usage-error") -> None:
        super().__init__(message)
        self.code = code


NO_RENAMES = Renames({}, {})


@dataclass
class Plan:
    source: SourceResult
    actual: Schema
    desired: Schema
    changes: list[Change]
    statements: list[Statement]
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Desired:
    source: SourceResult
    schema: Schema  # normalized


def parse(texts: list[tuple[str, str]], dialect: str, default_schema: str,
          models_timeout: float = MODELS_TIMEOUT) -> SourceResult:
    """The schema files' text read as a schema (problems reported, never raised)."""
    return parse_texts(texts, dialect, default_schema, models_timeout)


def desired_of(source: SourceResult) -> Desired:
    """The parsed files' schema in canonical form. Normalize reuses every table the
    source handed back unchanged since the last call, so an editor's save costs its edit."""
    return Desired(source, normalize_schema(source.schema))


@dataclass
class Comparison:
    changes: list[Change]
    findings: list[Finding]


def compare(actual: Schema | None, desired: Schema, renames: Renames = NO_RENAMES,
            unmanaged: Iterable[Unmanaged] = (), casts: Any = None, defines_definitions: bool = True) -> Comparison:
    """The heart of every check and plan (CLI, editor, studio): what differs, and what lint
    says about it. What the files define without managing (`unmanaged`) and other tools'
    bookkeeping tables are left alone (see left_alone). `actual` None: the database could
    not be read, so only the schema is linted. Diff replays the changes of table pairs it
    compared last time. `casts`: the database's judgement of type conversions
    (Dialect.cast_judge), when connected. `defines_definitions`: as SourceResult's."""
    if actual is None:
        return Comparison([], lint([], desired))
    actual, seen = left_alone(actual, desired, unmanaged, defines_definitions)
    changes = changes_between(actual, desired, renames, casts)
    return Comparison(changes, seen + lint(changes, desired))


def changes_between(actual: Schema, desired: Schema, renames: Renames = NO_RENAMES, casts: Any = None) -> list[Change]:
    return diff(actual, desired, renames, casts)


def creation(desired: Schema) -> tuple[list[Change], list[Statement]]:
    """What creates `desired` in an empty database, and its SQL (pull; a preview before
    the database exists)."""
    empty = Schema(dialect=desired.dialect)
    changes = diff(empty, desired)
    return changes, dialects.get(desired.dialect).render(changes, empty, desired)


def sql_between(before: Schema, after: Schema) -> str | None:
    """The DDL that makes `before` into `after`, as a file would hold it (the editor's
    "update from database" writes a table, index or enum this way); None when the
    dialect cannot write it."""
    try:
        statements = dialects.get(after.dialect).render(diff(before, after), before, after)
    except (RenderError, KeyError, ValueError):
        return None
    return "\n\n".join(s.terminated for s in statements)


def load_desired(settings: Settings, default_schema: str,
                 overlays: dict[str, str] | None = None) -> Desired:
    """The schema files (or an editor's unsaved text of them, `overlays`), parsed and
    normalized, from the on-disk cache when unchanged. Parse errors stop every workflow:
    a table missing from a broken file would read as a drop."""
    try:
        texts = read_files(schema_files(settings.schema), overlays)
    except SourceError as e:
        raise WorkflowError(str(e), "schema-unreadable") from None

    def compute() -> Desired:
        return desired_of(parse(texts, settings.dialect, default_schema, settings.models_timeout))

    if any(is_models(path) for path, _ in texts):
        desired = compute()  # models import other modules: their own text is not the whole key
    else:
        key = cache_key(settings.dialect, default_schema, *(part for path, text in texts for part in (path, text)))
        desired = cached(_cache_folder(settings), key, compute)
    _raise_on_errors(desired.source)
    return desired


def _raise_on_errors(result: SourceResult) -> None:
    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        raise WorkflowError("the schema files have errors:\n" + "\n".join(format_problem(p) for p in errors),
                            "schema-unreadable")


def format_problem(problem: Problem | Finding) -> str:
    where = ""
    if problem.span:
        where = f"{problem.span.file}:{problem.span.start_line + 1}:{problem.span.start_col + 1}: "
    return f"{where}{problem.severity}: {problem.message} [{problem.code}]"


def open_database(settings: Settings, *, create: bool = True) -> Database:
    try:
        return connect(settings.database_url, create=create, origin=settings.origin("database_url"))
    except ConnectError as e:
        raise WorkflowError(str(e), "database-unreachable") from None


def managed_schemas(settings: Settings, desired: Schema | None) -> list[str] | None:
    """Namespaces to compare: configured, else those the files use, else the default one
    (None: the dialect has no namespaces to choose from)."""
    if settings.schemas:
        return settings.schemas
    if desired is None or not dialects.get(desired.dialect).has_namespaces:
        return None
    used = {t.schema for t in desired.tables} | {e.schema for e in desired.enums}
    used |= {s.schema for s in desired.sequences} | {n.name for n in desired.namespaces}
    return sorted(used | {dialects.get(desired.dialect).default_schema})


def read_database(db: Database, settings: Settings, desired: Schema | None) -> Schema:
    """The database's schema, normalized. Normalizing is the slow half of a command and
    the catalog rarely changes between two, so the result is cached on disk, keyed by the
    raw schema. (A long-lived process normalizes `read_raw_database` itself: normalize
    then reuses every table the catalog did not change, which a cache load would not.)"""
    raw = read_raw_database(db, settings, desired)
    key = cache_key("database", repr(raw))  # repr, unlike pickle, is the same in every process
    return cached(_cache_folder(settings), key, lambda: normalize_schema(raw))


def normalized_database(db: Database, settings: Settings, desired: Schema | None) -> Schema:
    """The database's schema, normalized without the disk cache: for a long-lived process
    that keeps the result itself (normalize reuses the tables it normalized last time)."""
    return normalize_schema(read_raw_database(db, settings, desired))


def read_raw_database(db: Database, settings: Settings, desired: Schema | None) -> Schema:
    try:
        return dialects.get(db.dialect).read_catalog(db.conn, managed_schemas(settings, desired), list(settings.exclude))
    except dialects.CatalogError as e:  # permissions, a dropped connection
        raise WorkflowError(f"cannot read the schema of {db.masked_url}: {mask_text(str(e), db.url)}",
                            "database-error") from None


def _cache_folder(settings: Settings) -> Path:
    return settings.project / ".schemalens" / "cache"


def current_schema(db: Database) -> str:
    """Where the database puts unqualified names (search_path), as the file's default."""
    return dialects.get(db.dialect).current_schema(db.conn)


def unknown_renames(before: Schema, after: Schema, renames: Renames, where: str) -> list[str]:
    """Stated renames that name nothing: a typo would otherwise pass silently and the data
    it meant to keep would be dropped. A rename already done (the new name on both sides)
    is fine, so a script that states it can run again. `where` names `before`."""
    found: list[str] = []
    for (schema, old), new in renames.tables.items():
        if after.table(schema, new) is None:
            found.append(f"rename {schema}.{old}={new}: there is no table {schema}.{new} in the schema files")
        elif before.table(schema, old) is None and before.table(schema, new) is None:
            found.append(f"rename {schema}.{old}={new}: there is no table {schema}.{old} in {where}")
    for (schema, name, old), new in renames.columns.items():
        stated = f"rename {schema}.{name}.{old}={new}"
        table = after.table(schema, name)
        if table is None or table.column(new) is None:
            found.append(f"{stated}: there is no column {schema}.{name}.{new} in the schema files")
            continue
        source = table.renamed_from or next((o for (s, o), n in renames.tables.items() if (s, n) == (schema, name)),
                                            None)
        was = before.table(schema, name) or (before.table(schema, source) if source else None)
        if was is None or (was.column(old) is None and was.column(new) is None):
            found.append(f"{stated}: there is no column {old} of table {schema}.{name} in {where}")
    return found


def check_renames(before: Schema, after: Schema, renames: Renames, where: str) -> None:
    found = unknown_renames(before, after, renames, where)
    if found:
        raise WorkflowError("\n".join(found))


def make_plan(settings: Settings, db: Database, renames: Renames, overlays: dict[str, str] | None = None) -> Plan:
    desired = load_desired(settings, current_schema(db), overlays)
    actual = read_database(db, settings, desired.schema)
    check_renames(actual, desired.schema, renames, "the database")
    compared = compare(actual, desired.schema, renames, desired.source.unmanaged,
                       dialects.get(db.dialect).cast_judge(db.conn), desired.source.defines_definitions)
    statements = dialects.get(actual.dialect).render(compared.changes, actual, desired.schema,
                                                     online=settings.online_for(False))
    return Plan(desired.source, actual, desired.schema, compared.changes, statements, compared.findings)


def select(plan: Plan, change_ids: list[str] | None, online: bool = False) -> tuple[list[Change], list[Statement]]:
    """All changes, or the chosen ones. Ids that no longer exist mean the file or the
    database moved since the user looked: refuse rather than guess."""
    if not change_ids:
        return plan.changes, plan.statements
    wanted = set(change_ids)
    chosen = [c for c in plan.changes if c.id in wanted]
    missing = wanted - {c.id for c in chosen}
    if missing:
        raise WorkflowError(f"{len(missing)} of the chosen changes no longer apply (the file or the database "
                            "changed since): look at the diagnostics again")
    chosen = carried_along(plan.changes, chosen, plan.actual, plan.desired)
    try:
        return chosen, dialects.get(plan.desired.dialect).render(chosen, plan.actual, plan.desired, online=online)
    except RenderError as e:
        raise WorkflowError(f"cannot write SQL for these changes: {e}") from None


def carried_along(changes: list[Change], chosen: list[Change], actual: Schema, desired: Schema) -> list[Change]:
    """The chosen changes and those that must run with them (SQLite's table rebuilds, the
    views and triggers a dropped one takes along): they count as chosen, so that their
    data loss is asked about like the rest (never lost unasked) and the editor can say so
    up front."""
    return taken_along(changes, dialects.get(desired.dialect).carried_along(changes, chosen, actual, desired))


def annotated_sql(changes: list[Change], statements: list[Statement]) -> str:
    """The statements as a reviewable script, each change's risks above its SQL."""
    by_id = {c.id: c for c in changes}
    lines: list[str] = []
    for statement in statements:
        for change_id in statement.change_ids:
            change = by_id.get(change_id)
            if change:
                lines += hazard_comments(change)
        lines.append(statement.terminated)
    return "\n".join(lines) if lines else "-- nothing to do: the database matches the schema files"


def has_migrations_table(db: Database) -> bool:
    """Whether migrations keep this database's history (push would desync it)."""
    found = table_exists(db)
    dialects.get(db.dialect).end_read(db.conn)
    return found


def affected_rows(db: Database, change: Change) -> int | None:
    """How many rows or values a data-loss change would destroy (shown before confirming)."""
    if change.table is None and change.kind == "drop_table":
        return count_rows(db, change.schema, change.name)
    if change.table is None or change.kind not in ("drop_column", "alter_column"):
        return None
    return count_rows(db, change.schema, change.table, change.name, change.unfit)


def count_rows(db: Database, schema: str, table: str, holding: str | None = None,
               unfit: str | None = None) -> int | None:
    """The table's rows (those where column `holding` is not NULL; those `unfit` selects,
    a type change's rows that would not be kept); None when they cannot be counted: the
    count is a courtesy, and the question or warning goes on without it."""
    dialect = dialects.get(db.dialect)
    where = f" WHERE {dialect.quote_ident(holding)} IS NOT NULL" if holding is not None else ""
    where = f" WHERE {unfit}" if unfit is not None else where
    try:
        count = db.conn.execute(f"SELECT count(*) FROM {dialect.qualified(schema, table)}{where}").fetchone()[0]
    except Exception:
        count = None
    dialect.end_read(db.conn)
    return count


# --- possible renames: the question push and generate ask -------------------------------------


@dataclass(frozen=True)
class RenameCandidate:
    """A drop and an add of the same shape (diff's `rename_candidate` pair): created, or renamed?"""

    schema: str
    table: str | None  # a column's table (as the schema files name it); None: the table is the candidate
    old: str
    new: str
    rows: int | None = None   # rows holding what the drop would destroy (None: not counted)
    loss: str = ""            # what answering "created" destroys, with `rows`
    span: Span | None = None  # the new name in the schema files, where `-- @renamed` goes

    @property
    def kind(self) -> str:
        return "table" if self.table is None else "column"

    @property
    def label(self) -> str:
        """`column public.users.name -> full_name`, as questions, refusals and migrations say it."""
        owner = qualified(self.schema, self.table) if self.table is not None else self.schema
        return f"{self.kind} {owner}.{self.old} -> {self.new}"

    @property
    def key(self) -> tuple[str, str | None, str, str]:
        return (self.schema, self.table, self.old, self.new)

    @property
    def directive(self) -> str:
        """What the schema file says, on the new name's line, to state this rename."""
        return renamed_directive(self.old)


AskRenames = Callable[[list[RenameCandidate]], list[RenameCandidate] | None]
"""Given the open candidates, the ones that are renames ([] : all created); None: not answered."""


def rename_candidates(changes: list[Change], count: Callable[[Change], int | None] | None = None
                      ) -> list[RenameCandidate]:
    """The drop + add pairs diff marked as possible renames, with the rows the drop destroys."""
    added = {(c.schema, c.table, c.name): c for c in changes if c.kind in ("create_table", "add_column")}
    found = []
    for drop in changes:
        if drop.kind not in ("drop_table", "drop_column") or drop.rename_candidate is None:
            continue
        add = added.get((drop.schema, drop.table, drop.rename_candidate))
        if add is None or add.rename_candidate != drop.name:
            continue
        rows = count(drop) if count is not None else None
        found.append(RenameCandidate(drop.schema, drop.table, drop.name, add.name, rows,
                                     data_loss_line(drop, rows), add.span))
    return found


def with_renames(renames: Renames, candidates: list[RenameCandidate]) -> Renames:
    """The stated renames and the answered ones, as one `--rename` list."""
    tables = dict(renames.tables)
    columns = dict(renames.columns)
    for c in candidates:
        if c.table is None:
            tables[(c.schema, c.old)] = c.new
        else:
            columns[(c.schema, c.table, c.old)] = c.new
    return Renames(tables, columns)


P = TypeVar("P")


@dataclass
class Settled(Generic[P]):
    """Where asking about renames ended: the plan made with the answers, and the answers."""

    plan: P
    renamed: list[RenameCandidate] = field(default_factory=list)      # answered: renamed
    unanswered: list[RenameCandidate] = field(default_factory=list)   # the question was refused


def settle_renames(renames: Renames, plan_for: Callable[[Renames], P], changes_of: Callable[[P], list[Change]],
                   ask: AskRenames | None, count: Callable[[Change], int | None] | None = None) -> Settled[P]:
    """Plan, ask about the possible renames, plan again with the answers, until none is open
    (a renamed table may reveal renamed columns). `ask` None: nobody to ask, the plan keeps
    drop + add (the editor shows them as possible renames with a quick fix)."""
    plan = plan_for(renames)
    if ask is None:
        return Settled(plan)
    answered: set[tuple[str, str | None, str, str]] = set()
    renamed: list[RenameCandidate] = []
    while True:
        open_ = [c for c in rename_candidates(changes_of(plan), count) if c.key not in answered]
        if not open_:
            return Settled(plan, renamed)
        yes = ask(open_)
        if yes is None:
            return Settled(plan, renamed, open_)
        answered |= {c.key for c in open_}
        if not yes:
            return Settled(plan, renamed)
        renamed += yes
        renames = with_renames(renames, yes)
        plan = plan_for(renames)


@contextmanager
def rows_counted_in(settings: Settings) -> Iterator[Callable[[Change], int | None]]:
    """Counting the rows at risk in the configured database, for a command that needs none
    (generate): it is opened on the first count, only if it exists; else nothing is counted."""
    opened: list[Database | None] = []

    def count(change: Change) -> int | None:
        if not opened:
            try:
                opened.append(open_database(settings, create=False))
            except WorkflowError:
                opened.append(None)
        return affected_rows(opened[0], change) if opened[0] is not None else None

    try:
        yield count
    finally:
        if opened and opened[0] is not None:
            opened[0].close()


def not_null_blockers(db: Database, changes: list[Change], desired: Schema) -> list[Finding]:
    """The added NOT NULL columns without a default on tables that hold rows: they would fail."""
    found = []
    for change in changes:
        if fills_no_rows(change):
            rows = count_rows(db, change.schema, change.table or "")
            if rows:
                found.append(not_null_finding(change, desired, rows))
    return found


@dataclass
class PushResult:
    plan: Plan
    changes: list[Change]        # what this push covers: the plan's, or the chosen ones
    statements: list[Statement]
    executed: bool = False
    refused: str | None = None  # why nothing was executed although there were changes
    failure: ApplyError | None = None
    warnings: list[str] = field(default_factory=list)
    renamed: list[RenameCandidate] = field(default_factory=list)     # possible renames answered "renamed"
    unanswered: list[RenameCandidate] = field(default_factory=list)  # refused: nobody answered these
    blocked: list[Finding] = field(default_factory=list)             # refused: these would fail on the rows


# Why push refuses, by the code of the blocking finding: the change would fail on what the database holds.
_BLOCKED = {"not-null-without-default": "NOT NULL columns without a default cannot fill the rows their tables hold",
            "schema-not-empty": "a schema to drop holds objects schemalens does not manage"}


Confirm = Callable[[list[tuple[Change, int | None]]], bool]
Show = Callable[[PushResult], None]


def push(settings: Settings, renames: Renames, *, confirm: Confirm, force: bool = False,
         dry_run: bool = False, progress: Progress | None = None, overlays: dict[str, str] | None = None,
         change_ids: list[str] | None = None, ask_renames: AskRenames | None = None,
         show: Show | None = None, on_wait: Callable[[], None] | None = None) -> PushResult:
    """Bring the database to the schema files (all changes, or `change_ids`). Possible renames
    are asked first (`ask_renames`; a dry run asks nothing); `show` sees the final plan before
    any other question and before anything runs. Data loss runs only when `force` or `confirm`
    says yes; a database managed by migrations needs `force`; a NOT NULL column the table's
    rows cannot fill is refused, whatever the flags.

    A push plans and runs under the migration lock (`on_wait`: told when another push or
    migrate holds it): a second push waits for the first, then plans against what the first
    made, so it finds nothing left to do or the rest, never the first one's objects in its
    way. A dry run changes nothing and takes no lock."""
    with open_database(settings) as db, (nullcontext() if dry_run else migration_lock(db, on_wait)):
        settled = settle_renames(renames, lambda r: make_plan(settings, db, r, overlays), lambda p: p.changes,
                                 None if dry_run else ask_renames, lambda c: affected_rows(db, c))
        plan = settled.plan
        result = PushResult(plan, *select(plan, change_ids, settings.online_for(False)), renamed=settled.renamed,
                            unanswered=settled.unanswered)
        if result.unanswered:
            result.refused = "possible renames were not answered"
            return result
        if not result.changes:
            return result
        result.blocked = not_null_blockers(db, result.changes, plan.desired) + [
            schema_not_empty_finding(c) for c in result.changes if schema_not_empty(c)]
        if result.statements and not dry_run and has_migrations_table(db):
            warning = (f"this database's history is kept by migrations ({MIGRATIONS_TABLE}): "
                       "push would desync it; generate a migration and run it instead")
            result.warnings.append(warning)
            if not force:
                result.refused = warning
        if show is not None:
            show(result)
        if not result.statements or dry_run or result.refused:
            return result
        if result.blocked:
            result.refused = "; ".join(dict.fromkeys(_BLOCKED[f.code] for f in result.blocked))
            return result
        unrunnable = [c.needs_using for c in result.changes if c.needs_using]
        unrunnable += dialects.get(plan.actual.dialect).refusals(result.changes, plan.actual, plan.desired)
        if unrunnable:
            result.refused = "; ".join(unrunnable)
            return result
        losses = [c for c in result.changes if c.data_loss]
        if losses and not force:
            if not confirm([(c, affected_rows(db, c)) for c in losses]):
                result.refused = "data loss not confirmed"
                return result
        try:
            apply(db, result.statements, settings.lock_timeout, progress)
        except ApplyError as e:
            result.failure = _explain_failure(e, plan.source)
            return result
        result.executed = True
        return result


def _explain_failure(error: ApplyError, source: SourceResult) -> ApplyError:
    """Name the unmanaged object a failing statement depends on, when the file defines one."""
    text = error.message.lower()
    for obj in source.unmanaged:
        short = obj.name.rsplit(".", 1)[-1].lower()
        if short and short in text:
            where = f" ({obj.span.file}:{obj.span.start_line + 1})" if obj.span else ""
            hint = (f"; it depends on {obj.kind} {obj.name}{where}, which schemalens does not "
                    f"manage: create it in the database first")
            return ApplyError(error.statement, error.index, error.message + hint, error.committed, error.left)
    return error


def check(settings: Settings, renames: Renames) -> Plan:
    """Read-only (check, diff): a SQLite file that is not there is an error, not created."""
    with open_database(settings, create=False) as db:
        return make_plan(settings, db, renames)


def pull(settings: Settings) -> str:
    """A schema file that recreates the database's managed objects (round-trips with check)."""
    with open_database(settings, create=False) as db:
        found = dialects.get(db.dialect).runtime.user_schemas(db.conn)
        if found is not None and not settings.schemas:
            settings = dataclasses.replace(settings, schemas=found)
        actual = read_database(db, settings, None)
    # A sequence that a table or view left out of the file uses stays out of it too.
    actual = dataclasses.replace(actual, sequences=[s for s in actual.sequences if not s.used_elsewhere])
    return schema_file(actual, f"-- schema pulled by schemalens from {mask_url(settings.database_url)}\n\n")

