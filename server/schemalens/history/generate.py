"""Writing history: generate (the next migration, its down file and snapshot), drop (the
last one, when nothing has it applied) and rehash."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemalens import dialects
from schemalens.changes import Change, Renames, RenderError, Statement, hazard_comments
from schemalens.config import Settings
from schemalens.diff import diff
from schemalens.history import alembic
from schemalens.left_alone import left_alone
from schemalens.lint import Finding, fills_no_rows, not_null_finding
from schemalens.history.state import (
    database_missing,
    default_schema,
    dialect_problem,
    guarded,
    read_folder,
    relative,
)
from schemalens.migrations.folder import (
    FOREIGN_KEYS_OFF,
    IRREVERSIBLE,
    NO_TRANSACTION,
    OWN_TRANSACTION,
    SEPARATOR,
    SLUG_LENGTH,
    Entry,
    Folder,
    Journal,
    MigrationsError,
    chain_hash,
    checksum_text,
    now_iso,
    slugify,
)
from schemalens.migrations.ledger import MIGRATIONS_TABLE, read_applied
from schemalens.model import Schema, Table
from schemalens.urls import mask_url
from schemalens.workflows import (
    AskRenames,
    RenameCandidate,
    WorkflowError,
    affected_rows,
    check_renames,
    load_desired,
    make_plan,
    open_database,
    rows_counted_in,
    settle_renames,
)

# --- generate --format alembic ------------------------------------------------------------------


def generate_alembic(settings: Settings, renames: Renames, *, name: str | None = None,
                     ask_renames: AskRenames | None = None, overlays: dict[str, str] | None = None) -> GenerateResult:
    """Write the next Alembic revision of the project's alembic.ini: the plan from the
    database, which must be at the head (as Alembic's autogenerate needs it: the head's
    schema is known only there), to the models (or an editor's unsaved text of them,
    `overlays`); chained to that head."""
    result = GenerateResult()
    try:
        project = alembic.find_project(settings.project)
        head = project.head() if project is not None else None
    except alembic.AlembicError as e:
        raise WorkflowError(str(e)) from None
    if project is None:
        result.refused = (f"no {alembic.INI} in {relative(settings.project)}: `alembic init` the project first "
                          "(generate --format alembic writes into its versions folder)")
        return result
    with open_database(settings) as db:
        current = alembic.current_revisions(db) or []
        if current != ([head] if head else []):
            at = ", ".join(current) or "no revision"
            result.refused = (f"{mask_url(settings.database_url)} is at {at}, the head of {relative(project.versions)} "
                              f"is {head or 'no revision'}: run `alembic upgrade head` first (the new revision is "
                              "what the models add to the database at the head)")
            return result
        settled = settle_renames(renames, lambda r: make_plan(settings, db, r, overlays), lambda p: p.changes, ask_renames,
                                 lambda c: affected_rows(db, c))
    plan = settled.plan
    result.changes, result.statements = plan.changes, plan.statements
    result.renamed, result.unanswered = settled.renamed, settled.unanswered
    if not result.changes or result.unanswered:
        return result
    actual, _ = left_alone(plan.actual, plan.desired, plan.source.unmanaged, plan.source.defines_definitions)
    reverse, down, result.irreversible = _reverse(result.changes, actual, plan.desired)
    result.warnings = [not_null_finding(c, plan.desired) for c in result.changes if fills_no_rows(c)]
    revision = alembic.revision_id()
    message = name or _default_name(result.changes)
    path = alembic.revision_path(project.versions, revision, message)
    project.versions.mkdir(parents=True, exist_ok=True)
    path.write_text(alembic.revision_text(revision, head, message, result.statements, down, result.changes,
                                          reverse, result.irreversible), encoding="utf-8")
    result.tag, result.files = revision, [path]
    return result


# --- rehash -----------------------------------------------------------------------------------


def rehash(settings: Settings) -> list[str]:
    """Record the current checksums of edited files and repair the chain. Returns what changed.

    For pending migrations edited on purpose; an applied migration stays protected by the
    checksum recorded in the database."""
    folder, journal = read_folder(settings)
    changed = []
    for entry in journal.entries:
        checksum = folder.file_checksum(entry.tag)
        if checksum is None:
            raise WorkflowError(f"{relative(folder.up_path(entry.tag))} is missing: restore it, or remove "
                                f"its entry from {relative(folder.journal_path)}")
        if checksum != entry.checksum:
            entry.checksum = checksum
            changed.append(entry.tag)
    broken = bool(journal.chain_breaks())
    journal.rechain()
    if changed or broken:
        folder.write_journal(journal)
    return changed if changed or not broken else ["(hash chain)"]


# --- drop ---------------------------------------------------------------------------------------


@dataclass
class DropResult:
    tag: str | None = None        # the migration dropped (or that would be, when not confirmed)
    checked: str = ""             # where we looked for it being applied, and what we found
    risk: str | None = None       # --force over a database that could not be read
    files: list[Path] = field(default_factory=list)  # removed (or to remove)
    journal: Path | None = None   # rewritten without the migration's entry
    refused: str | None = None
    dropped: bool = False

    @property
    def exit_code(self) -> int:
        return 2 if self.refused else 0 if self.dropped else 1


def drop(settings: Settings, *, force: bool = False, confirm: Callable[[DropResult], bool]) -> DropResult:
    """Discard the last migration when it is applied nowhere we can see: its files, its
    snapshot and its journal entry (the chain's head follows). Refused, with nothing changed,
    when the database records it, or cannot be read (unless `force`); `confirm` is asked
    last, with everything that will go."""
    folder, journal = read_folder(settings)
    result = DropResult()
    result.refused = dialect_problem(journal, settings)
    if result.refused:
        return result
    if not journal.entries:
        result.refused = f"{relative(folder.journal_path)} lists no migration: nothing to drop"
        return result
    last = journal.entries[-1]
    result.tag = last.tag
    if Journal(journal.dialect, journal.entries[:-1]).chain_breaks():
        result.refused = (f"{relative(folder.journal_path)}: the hash chain is broken before {last.tag}; sort "
                          "out the history first (`schemalens status`), then `schemalens rehash`")
        return result
    applied, result.checked = _where_applied(settings, last.tag)
    risk = (f"if {last.tag} is applied there, its changes stay in that database while the folder forgets "
            "them: `schemalens status` will report it missing, and the next migration generated may repeat them")
    if applied is None and not force:
        result.refused = (f"{result.checked}: cannot tell whether {last.tag} is applied there; nothing was "
                          f"dropped. --force drops it anyway, at a risk: {risk}")
        return result
    if applied:
        result.refused = (f"{last.tag} is applied to {mask_url(settings.database_url)} ({applied}): dropping it "
                          "would leave that database with changes no migration describes; undo it first "
                          "(`schemalens rollback`), then drop it. Nothing was dropped")
        return result
    if applied is None:
        result.risk = risk
    result.files = folder.files_of(last)
    result.journal = folder.journal_path
    if not confirm(result):
        return result
    folder.discard_last(journal)
    result.dropped = True
    return result


def _where_applied(settings: Settings, tag: str) -> tuple[str | None, str]:
    """Whether the database records `tag` ("" no, the record's text yes, None: it could
    not be read), and a sentence saying what was checked."""
    where = mask_url(settings.database_url)
    if database_missing(settings):
        return "", f"checked {where}: it does not exist yet, so nothing is applied there"
    try:
        with open_database(settings, create=False) as db:
            records = guarded(db, read_applied)
    except WorkflowError as e:
        return None, f"could not read {MIGRATIONS_TABLE} in {where} ({e})"
    record = next((r for r in records if r.name == tag), None)
    if record is not None:
        return f"recorded in {MIGRATIONS_TABLE} at {record.applied_at}", f"checked {MIGRATIONS_TABLE} in {where}"
    return "", (f"checked {MIGRATIONS_TABLE} in {where}: {len(records)} migration(s) recorded, "
                f"{tag} not among them")


# --- generate ---------------------------------------------------------------------------------


@dataclass
class GenerateResult:
    tag: str | None = None          # None: nothing to do
    files: list[Path] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    irreversible: list[str] = field(default_factory=list)
    refused: str | None = None
    renamed: list[RenameCandidate] = field(default_factory=list)     # possible renames answered "renamed"
    unanswered: list[RenameCandidate] = field(default_factory=list)  # nothing written: nobody answered these
    warnings: list[Finding] = field(default_factory=list)            # written into the migration too

    @property
    def exit_code(self) -> int:
        return 2 if self.unanswered else 1 if self.refused else 0


def generate(settings: Settings, renames: Renames, *, name: str | None = None, custom: bool = False,
             overlays: dict[str, str] | None = None, ask_renames: AskRenames | None = None) -> GenerateResult:
    """Diff the schema files (or the editor's text of them, `overlays`: what the "schema is
    ahead of the last migration" diagnostic was computed from) against the last snapshot
    and write the next migration. Possible renames are asked first (`ask_renames`, with the
    rows at risk in the configured database when it exists); unanswered, nothing is written."""
    folder, journal = read_folder(settings, must_exist=False)
    result = GenerateResult()
    result.refused = dialect_problem(journal, settings)
    if result.refused:
        return result
    if journal.chain_breaks():
        result.refused = (f"{relative(folder.journal_path)}: the hash chain is broken; sort out the history "
                          "first (`schemalens status`), then `schemalens rehash`")
        return result
    if custom and not name:
        raise WorkflowError("generate --custom needs --name (what the migration does)")
    try:
        previous = folder.last_snapshot(journal)
    except MigrationsError as e:
        raise WorkflowError(str(e)) from None
    if custom:
        desired = previous
        result.changes = []
    else:
        desired = load_desired(settings, default_schema(settings), overlays).schema
        built = as_built(previous)
        check_renames(built, desired, renames, "the last migration")
        with rows_counted_in(settings) as count:
            settled = settle_renames(renames, lambda r: diff(built, desired, r), lambda changes: changes,
                                     ask_renames, count)
        result.changes, result.renamed, result.unanswered = settled.plan, settled.renamed, settled.unanswered
        if not result.changes or result.unanswered:
            return result
        result.statements = _render(result.changes, built, desired, settings.online_for(True))
        result.warnings = [not_null_finding(c, desired) for c in result.changes if fills_no_rows(c)]
    idx = _next_idx(folder, journal)
    tag = f"{idx:04d}_{slugify(name or _default_name(result.changes))}"
    up_text = _up_file(tag, settings.dialect, result.changes, result.statements, custom, result.renamed)
    down_text, result.irreversible = _down_file(tag, settings.dialect, result.changes, previous, desired, custom)
    folder.path.mkdir(parents=True, exist_ok=True)
    up, down = folder.up_path(tag), folder.down_path(tag)
    up.write_text(up_text, encoding="utf-8")
    down.write_text(down_text, encoding="utf-8")
    folder.write_snapshot(idx, desired)
    entry = Entry(idx, tag, checksum_text(up_text), now_iso(), "")
    entry.hash = chain_hash(journal.head, entry)
    journal.entries.append(entry)
    folder.write_journal(journal)
    result.tag = tag
    result.files = [up, down, folder.snapshot_path(idx), folder.journal_path]
    return result


def _render(changes: list[Change], before: Schema, after: Schema, online: bool) -> list[Statement]:
    try:
        return dialects.get(after.dialect).render(changes, before, after, online=online)
    except RenderError as e:
        raise WorkflowError(f"cannot write the migration: {e}") from None


def _next_idx(folder: Folder, journal: Journal) -> int:
    """After every entry and every file on disk, so a stray file is never overwritten."""
    used = [e.idx for e in journal.entries] + [int(t.split("_", 1)[0]) for t in folder.files_on_disk()]
    return max(used, default=-1) + 1


def _default_name(changes: list[Change]) -> str:
    if not changes:
        return "custom"
    first = changes[0].description or changes[0].kind
    if len(changes) == 1:
        return first
    more = slugify(f"and {len(changes) - 1} more")
    return f"{slugify(first, SLUG_LENGTH - len(more) - 1)}_{more}"  # the count survives the cut


def _statement_block(statement: Statement, by_id: dict[str, Change], dialect: str) -> str:
    lines = [SEPARATOR]
    for change_id in statement.change_ids:
        change = by_id.get(change_id)
        if change is not None:
            lines += hazard_comments(change)
            if fills_no_rows(change):
                lines.append(f"-- WARNING not null: {not_null_finding(change, None).message}")
    if statement.after_commit and statement.transactional:
        lines.append(OWN_TRANSACTION)
    if not statement.transactional:
        lines.append(NO_TRANSACTION)
    if statement.needs_foreign_keys_off:
        lines.append(FOREIGN_KEYS_OFF)
    lines.append(statement.terminated)
    return "\n".join(lines)


def _header(tag: str, dialect: str, title: str, changes: list[Change], runner: str) -> list[str]:
    lines = [f"-- {title} {tag} ({dialect}), generated by schemalens {now_iso()}"]
    if changes:
        lines.append("-- changes:")
        for i, change in enumerate(changes, 1):
            flags = " [DATA LOSS]" if change.data_loss else ""
            flags += " [LOCKS]" if change.lock else ""
            flags += " [EDIT THE USING EXPRESSION]" if change.needs_using else ""
            lines.append(f"--   {i}. {change.description}{flags}")
    lines += [
        f"-- Statements are separated by `{SEPARATOR}` lines; `schemalens {runner}` runs them in order",
        f"-- in one transaction (blocks marked `{NO_TRANSACTION}` run outside it, `{OWN_TRANSACTION}`",
        "-- in a transaction of their own after the rest has committed).",
        "-- Review before committing. Edited a pending migration? `schemalens rehash` records it.",
    ]
    return lines


def _up_file(tag: str, dialect: str, changes: list[Change], statements: list[Statement], custom: bool,
             renamed: list[RenameCandidate]) -> str:
    lines = _header(tag, dialect, "migration", changes, "migrate")
    # A rename answered at the prompt is in no file: the migration keeps the answer.
    lines += [f"-- renamed (answered at generate): {c.label}" for c in renamed]
    if custom:
        lines += ["-- A custom migration: write its SQL below (statements end with `;`), then run",
                  "-- `schemalens rehash`. Schema changes belong in the schema files + `generate`.",
                  "", SEPARATOR, ""]
        return "\n".join(lines) + "\n"
    by_id = {c.id: c for c in changes}
    blocks = [_statement_block(s, by_id, dialect) for s in statements]
    return "\n".join(lines) + "\n\n" + "\n\n".join(blocks) + "\n"


def _reverse_renames(changes: list[Change]) -> Renames:
    tables = {(c.schema, c.after.name): c.before.name for c in changes if c.kind == "rename_table"}
    old_name = {(schema, new): old for (schema, new), old in tables.items()}
    columns = {(c.schema, old_name.get((c.schema, c.table or ""), c.table or ""), c.after.name): c.before.name
               for c in changes if c.kind == "rename_column"}
    return Renames(tables, columns)


def as_built(schema: Schema, chosen: dict[int, str] | None = None) -> Schema:
    """`schema` as the database holds it: every constraint and index a file leaves unnamed
    has the name the database gave it, the one a migration wrote (`chosen`, by object),
    else the one the database gives it when it runs the file, else the dialect's choice.
    Snapshots keep them unnamed (the files do), but a migration that drops one must name
    it: without this, dropping an unnamed unique could not be written and the down file
    of "add foreign key + index" came out empty."""
    chosen = chosen or {}
    default_name = dialects.get(schema.dialect).default_constraint_name
    generated = dialects.get(schema.dialect).generated_names(schema)

    def table(t: Table) -> Table:
        pk = [t.primary_key] if t.primary_key is not None else []
        if all(o.name for o in [*pk, *t.uniques, *t.foreign_keys, *t.checks, *t.indexes]):
            return t
        taken = {o.name for o in [*pk, *t.uniques, *t.foreign_keys, *t.checks, *t.indexes] if o.name}
        taken |= set(chosen.values())

        def named(objects: list[Any]) -> list[Any]:
            out = []
            for o in objects:
                if o.name is None:
                    name = chosen.get(id(o)) or generated.get(id(o)) or default_name(t, o, taken)
                    taken.add(name)
                    o = dataclasses.replace(o, name=name)
                out.append(o)
            return out

        return dataclasses.replace(t, primary_key=named(pk)[0] if pk else None, uniques=named(t.uniques),
                                   foreign_keys=named(t.foreign_keys), checks=named(t.checks),
                                   indexes=named(t.indexes))

    return dataclasses.replace(schema, tables=[table(t) for t in schema.tables])


def _chosen_names(changes: list[Change]) -> dict[int, str]:
    """The names the up migration gave the constraints and indexes it adds unnamed."""
    return {id(c.after): c.name for c in changes
            if c.kind in ("add_constraint", "create_index") and c.after is not None and c.after.name is None}


def _reverse(changes: list[Change], previous: Schema, desired: Schema) -> tuple[list[Change], list[Statement], list[str]]:
    """The changes and statements that take `desired` (as the up migration built it) back
    to `previous`, and what they cannot bring back."""
    losses = [c.data_loss for c in changes if c.data_loss]
    migrated = as_built(desired, _chosen_names(changes))
    reverse = diff(migrated, previous, _reverse_renames(changes))
    try:
        statements = dialects.get(previous.dialect).render(reverse, migrated, previous)
    except RenderError as e:
        losses.append(f"the reverse cannot be written: {e}")
        statements = []
    return reverse, statements, losses


def _down_file(tag: str, dialect: str, changes: list[Change], previous: Schema, desired: Schema,
               custom: bool) -> tuple[str, list[str]]:
    """The reverse migration, and what it cannot bring back."""
    lines = _header(tag, dialect, "down migration of", [], "rollback")
    if custom:
        lines += [f"{IRREVERSIBLE} custom migration: write its reverse SQL below and delete this line", "",
                  SEPARATOR, ""]
        return "\n".join(lines) + "\n", ["custom migration"]
    reverse, statements, losses = _reverse(changes, previous, desired)
    if losses:
        lines.append(f"{IRREVERSIBLE} this file cannot undo everything the up migration does")
        lines += [f"--   cannot undo: {loss}" for loss in losses]
        lines.append("-- Rollback refuses this file. To undo by hand, restore from a backup.")
    by_id = {c.id: c for c in reverse}
    blocks = [_statement_block(s, by_id, dialect) for s in statements]
    return "\n".join(lines) + "\n\n" + "\n\n".join(blocks) + "\n", losses
