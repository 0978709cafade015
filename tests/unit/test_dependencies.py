"""The order of definitions, and what a drop takes along: pure, over plain Definitions."""

from __future__ import annotations

from schemalens.dependencies import create_order, drop_order, taken_along
from schemalens.diff import diff
from schemalens.model import Definition, Schema, Table


def view(name: str, text: str, *uses: tuple[str, str]) -> Definition:
    return Definition("view", "main", name, text, text, None, [(k, "main", n) for k, n in uses])


def trigger(name: str, on: str, text: str) -> Definition:
    return Definition("trigger", "main", name, text, text, on, [("view", "main", on)])


def test_creates_follow_dependencies_then_listed_order_and_drops_the_reverse() -> None:
    c = view("c", "C", ("view", "b"))
    a = view("a", "A")
    b = view("b", "B", ("view", "a"))
    lone = view("lone", "L")
    assert [d.name for d in create_order([c, lone, a, b])] == ["a", "b", "c", "lone"]
    assert [d.name for d in drop_order([c, lone, a, b])] == ["lone", "c", "b", "a"]


def test_a_cycle_is_broken_where_it_is_entered() -> None:
    a, b = view("a", "A", ("view", "b")), view("b", "B", ("view", "a"))
    assert [d.name for d in create_order([a, b])] == ["b", "a"]


def test_what_depends_on_a_view_made_again_is_made_again_after_it_and_taken_along() -> None:
    table = Table("main", "t")
    old_v, new_v = view("v", "old", ("table", "t")), view("v", "new", ("table", "t"))
    on_v = trigger("tr", "v", "same")
    w = view("w", "W", ("view", "v"))
    actual = Schema("sqlite", tables=[table], definitions=[old_v, on_v, w])
    desired = Schema("sqlite", tables=[table], definitions=[new_v, on_v, w])
    changes = diff(actual, desired)
    assert [(c.kind, c.name) for c in changes] == [
        ("replace_definition", "v"), ("replace_definition", "tr"), ("replace_definition", "w")]
    assert "depends on view main.v" in changes[1].description
    assert [c.name for c in taken_along(changes, [changes[0]])] == ["v", "tr", "w"]
    assert [c.name for c in taken_along(changes, [changes[2]])] == ["w"]


def test_a_view_only_the_database_has_is_dropped_naming_what_goes_with_it() -> None:
    gone = view("gone", "G")
    user = view("user", "U", ("view", "gone"))
    changes = diff(Schema("sqlite", definitions=[gone, user]), Schema("sqlite"))
    assert [(c.kind, c.name) for c in changes] == [("drop_definition", "user"), ("drop_definition", "gone")]
    assert changes[1].description == "drop view main.gone (and with it view main.user, which uses it)"
    assert diff(Schema("sqlite", definitions=[gone]), Schema("sqlite", definitions=[view("gone", "G")])) == []
