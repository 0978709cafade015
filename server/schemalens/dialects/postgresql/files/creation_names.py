"""The names PostgreSQL gave the constraints and indexes a file leaves unnamed, as they were
when each was made.

PostgreSQL names such an object once, when the statement that makes it runs, after the table
and column names of that moment; a later `ALTER TABLE ... RENAME`, `RENAME COLUMN` or a drop of
something that held a name does not rename it. Naming them from the final schema alone
(`generated_names`) would then give names the file's database does not have (`t2_pkey` where
it holds `t_pkey`). So before every statement that can change what the final schema would
name an object, or that refers to an object by name, the objects made so far take the names
they got (`freeze`); at the end, an object keeps its frozen name only where the final schema
would name it otherwise (`settle`), so that a file without such statements reads as before.
"""

from __future__ import annotations

from typing import Any

from schemalens.dialects.postgresql.files.deparse import deparse
from schemalens.dialects.postgresql.files.indexes import index_element
from schemalens.dialects.postgresql.files.properties import INDEX_CMDS
from schemalens.dialects.postgresql.files.state import State
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.dialects.postgresql.names import named_objects, names_now
from schemalens.model import PrimaryKey, Unique

# ALTER TABLE subcommands that drop or name an existing object; adding never does, so a
# pg_dump file's thousands of ADD CONSTRAINT statements cost nothing here.
_NAMING_ALTERS = {"AT_DropConstraint", "AT_DropColumn", "AT_ValidateConstraint",
                  "AT_AlterConstraint"}
_NAMED_COMMENTS = {"OBJECT_TABCONSTRAINT", "OBJECT_INDEX"}


def refers_to_names(stmt: Stmt) -> bool:
    """Whether a statement can rename, drop or name an object made earlier in the files."""
    if stmt.kind in ("RenameStmt", "DropStmt", "AlterObjectSchemaStmt"):
        return True
    if stmt.kind == "AlterTableStmt":
        naming = INDEX_CMDS if stmt.body.get("objtype") == "OBJECT_INDEX" else _NAMING_ALTERS
        return any(c["AlterTableCmd"]["subtype"] in naming for c in stmt.body.get("cmds", ()))
    return stmt.kind == "CommentStmt" and stmt.body.get("objtype") in _NAMED_COMMENTS


class CreationNames(State):
    """Freezing and settling the names of unnamed constraints and indexes."""

    def dispatch(self, stmt: Stmt) -> None:
        """Every statement goes through here (State.apply_one): one that may rename, drop or
        name an earlier object first freezes what was made before it."""
        if refers_to_names(stmt):
            self.freeze_names()
        super().dispatch(stmt)

    def freeze_names(self) -> None:
        for table in self.schema.tables:
            for obj, attr, raw in self.extra[id(table)].deferred.values():
                if attr in ("expression", "columns"):  # what a name is made of, as it is now
                    setattr(obj, attr, _rendered(attr, raw))
        chosen = names_now(self.schema)
        for table in self.schema.tables:
            for obj in named_objects(table):
                if obj.name is None and id(obj) in chosen:
                    obj.name = chosen[id(obj)]
                    self.frozen[id(obj)] = (obj, obj.name)
                    if isinstance(obj, (PrimaryKey, Unique)):  # its index is a relation too
                        self.relations.setdefault((table.schema, obj.name), ("constraint-index", None, table))

    def settle_names(self) -> None:
        """Unname the frozen objects the file did not rename, then give back each frozen name
        the final schema does not choose by itself; a name given back can change what others
        would be named, so until nothing changes. (A file without renames or drops froze
        nothing: it costs no naming pass here.)"""
        if not self.frozen:
            return
        for obj, name in self.frozen.values():
            if obj.name == name:  # (not renamed since: a name the file gave stays)
                obj.name = None
        changed = True
        while changed:
            changed = False
            chosen = names_now(self.schema)
            for key, (obj, name) in self.frozen.items():
                if obj.name is None and key in chosen and chosen[key] != name:
                    obj.name = name
                    changed = True
        self.schema.__dict__.pop("_generated_names", None)


def _rendered(attr: str, raw: Any) -> Any:
    if attr == "columns":
        return [index_element(e["IndexElem"]) for e in raw]
    return deparse(raw)
