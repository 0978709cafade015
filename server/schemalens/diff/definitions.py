"""Objects kept as a definition the database prints back (model.Definition: views,
triggers...), compared by that printed text.

A definition that differs is made again: dropped, then created from the file's
statement. What depends on an object that is dropped or made again goes with it and,
where the file still defines it, is made again after it: SQLite's DROP VIEW takes the
triggers on the view along, PostgreSQL refuses to drop a view another view uses. Drops
run dependants first, by the database's dependencies; creates run dependencies first,
by the files', in file order where nothing orders them. Render writes a replacement's
drop with the other drops, before any table changes (SQLite checks every view and
trigger when a column is dropped or renamed), and its create after them.
"""

from __future__ import annotations

from schemalens.changes import Change
from schemalens.dependencies import create_order, dependants, drop_order, label, ref
from schemalens.diff.run import Run


def definitions(run: Run) -> None:
    actual = {d.key: d for d in run.actual.definitions}
    desired = {d.key: d for d in run.desired.definitions}
    users = dependants(run.actual.definitions)
    # key -> why it is made again: its own definition differs, or one it depends on goes
    remade: dict[tuple[str, str, str, str], str] = {
        key: "its definition differs from the file's"
        for key in actual if key in desired and actual[key] != desired[key]}
    todo = [key for key in actual if key not in desired or key in remade]
    while todo:
        key = todo.pop()
        for user in users.get(ref(actual[key]), ()):
            if user in desired and user not in remade:
                remade[user] = f"it depends on {label(actual[key])}, which is dropped or made again"
                todo.append(user)
    for old in drop_order([d for d in run.actual.definitions if d.key not in desired]):
        used_by = [label(actual[u]) for u in users.get(ref(old), ()) if u not in desired]
        verb = "use" if len(used_by) > 1 else "uses"
        also = f" (and with it {', '.join(used_by)}, which {verb} it)" if used_by else ""
        run.emit("drop_definition", Change("drop_definition", old.schema, old.table, old.name, before=old,
                                           description=f"drop {label(old)}{also}"))
    for new in create_order(run.desired.definitions):
        old = actual.get(new.key)
        if old is None:
            run.emit("create_definition", Change("create_definition", new.schema, new.table, new.name, after=new,
                                                 description=f"create {label(new)}"))
        elif new.key in remade:
            run.emit("create_definition", Change(
                "replace_definition", new.schema, new.table, new.name, before=old, after=new,
                description=f"make {label(new)} again (drop and create): {remade[new.key]}"))
