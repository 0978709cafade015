"""diff: matching, ordering and classification of changes (pure, no database)."""

from __future__ import annotations

import copy
import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from schemalens import dialects
from schemalens.changes import Renames
from schemalens.diff import diff
from schemalens.model import (
    Check,
    Column,
    Enum,
    Extension,
    ForeignKey,
    Identity,
    Index,
    Namespace,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    Unique,
)
from tests.schemas import pg, table


def ident(name: str = "id") -> Column:
    return Column(name, "integer", nullable=False)


def kinds(changes: list) -> list[str]:
    return [c.kind for c in changes]


def one(changes: list, kind: str):
    found = [c for c in changes if c.kind == kind]
    assert len(found) == 1, [c.description for c in changes]
    return found[0]


# --- every change kind ------------------------------------------------------------------


def test_identical_schemas_have_no_changes() -> None:
    s = pg(table("t", ident(), Column("e", "text", comment="c"), primary_key=PrimaryKey(None, ["id"]),
                 indexes=[Index(None, ["e"])]),
           enums=[Enum("public", "m", ["a"])], sequences=[Sequence("public", "s")],
           extensions=[Extension("citext")], namespaces=[Namespace("x")])
    assert diff(s, copy.deepcopy(s)) == []


def test_schema_level_objects() -> None:
    a = pg(enums=[Enum("public", "old", ["a"])], sequences=[Sequence("public", "gone")],
           extensions=[Extension("hstore")])
    b = pg(namespaces=[Namespace("app", comment="c")], extensions=[Extension("citext")],
           enums=[Enum("app", "mood", ["a", "b"])], sequences=[Sequence("app", "seq", start=5)])
    changes = diff(a, b)
    assert kinds(changes) == ["create_schema", "create_extension", "create_enum", "create_sequence",
                              "set_comment", "drop_enum", "drop_sequence", "drop_extension"]
    assert one(changes, "create_enum").description == "create enum app.mood ('a', 'b')"
    # hstore is only in the database, and the files manage extensions (they name citext)
    assert one(changes, "drop_extension").name == "hstore" and one(changes, "drop_extension").data_loss


def test_extensions_are_dropped_only_when_the_files_manage_them() -> None:
    installed = [Extension("hstore"), Extension("citext", in_use=True), Extension("pg_graphql", "graphql"),
                 Extension("plpgsql", "pg_catalog")]
    # a file that names no extension leaves the database's alone
    assert diff(pg(extensions=installed), pg()) == []
    # else: not one a column uses, nor one in a schema the files do not use (the platform's)
    changes = diff(pg(extensions=installed), pg(extensions=[Extension("pgcrypto")]))
    assert [(c.kind, c.name) for c in changes] == [("create_extension", "pgcrypto"), ("drop_extension", "hstore")]


def test_an_extension_is_updated_to_the_version_the_file_names() -> None:
    db = pg(extensions=[Extension("hstore", installed="1.4")])
    assert diff(db, pg(extensions=[Extension("hstore")])) == []
    [update] = diff(db, pg(extensions=[Extension("hstore", version="1.8")]))
    assert update.kind == "alter_extension"
    assert update.description == "alter extension hstore: update it from version 1.4 to 1.8"


def test_alter_sequence_and_owner_after_table() -> None:
    a = pg(sequences=[Sequence("public", "s", increment=1)])
    b = pg(table("t", ident()), sequences=[Sequence("public", "s", increment=2),
                                           Sequence("public", "o", owned_by=("public", "t", "id"))])
    changes = diff(a, b)
    assert kinds(changes) == ["alter_sequence", "create_sequence", "create_table", "alter_sequence"]
    assert changes[-1].before is None and changes[-1].name == "o"


def test_columns_added_dropped_altered() -> None:
    a = pg(table("t", ident(), Column("a", "integer"), Column("b", "text")))
    b = pg(table("t", ident(), Column("a", "bigint", nullable=False), Column("c", "character varying(255)")))
    changes = diff(a, b)
    assert kinds(changes) == ["add_column", "alter_column", "drop_column"]
    assert one(changes, "add_column").description == "add column public.t.c character varying(255)"
    assert one(changes, "drop_column").data_loss
    alter = one(changes, "alter_column")
    assert alter.data_loss is None and "set not null" in alter.description
    assert "ACCESS EXCLUSIVE" in alter.lock


def test_constraints_and_indexes_added_and_dropped() -> None:
    base = [ident(), Column("e", "text"), Column("o", "integer")]
    a = pg(table("o", ident(), primary_key=PrimaryKey("o_pkey", ["id"])),
           table("t", *base, uniques=[Unique("t_e_key", ["e"])], indexes=[Index("t_o_idx", ["o"])]))
    b = pg(table("o", ident(), primary_key=PrimaryKey(None, ["id"])),
           table("t", *base, primary_key=PrimaryKey(None, ["id"]), checks=[Check(None, "o > 0")],
                 foreign_keys=[ForeignKey(None, ["o"], "public", "o", ["id"])],
                 indexes=[Index(None, ["e"], unique=True)]))
    changes = diff(a, b)
    assert [(c.kind, c.name) for c in changes] == [
        ("drop_constraint", "t_e_key"), ("drop_index", "t_o_idx"), ("add_constraint", "t_pkey"),
        ("add_constraint", "t_o_check"), ("create_index", "t_e_idx"), ("add_constraint", "t_o_fkey")]
    assert all(c.lock for c in changes if c.kind in ("add_constraint", "create_index"))


def test_comments() -> None:
    a = pg(table("t", Column("c", "text")), enums=[Enum("public", "e", ["a"])])
    b = pg(table("t", Column("c", "text", comment="col"), comment="tab"),
           enums=[Enum("public", "e", ["a"], comment="enum")])
    changes = diff(a, b)
    assert kinds(changes) == ["set_comment"] * 3
    assert {c.description for c in changes} == {
        "set comment on type public.e", "set comment on column public.t.c", "set comment on table public.t"}


# --- matching -----------------------------------------------------------------------------


def test_unnamed_constraints_match_by_shape_named_by_name() -> None:
    a = pg(table("t", ident(), Column("e", "text"), primary_key=PrimaryKey("t_pkey", ["id"]),
                 uniques=[Unique("t_e_key", ["e"])], checks=[Check("t_e_check", "e <> ''"), Check("named", "id > 0")],
                 indexes=[Index("t_e_idx", ["e"])]))
    b = pg(table("t", ident(), Column("e", "text"), primary_key=PrimaryKey(None, ["id"]),
                 uniques=[Unique(None, ["e"])], checks=[Check(None, "e <> ''"), Check("named", "id > 1")],
                 indexes=[Index(None, ["e"])]))
    changes = diff(a, b)
    assert [(c.kind, c.name) for c in changes] == [("drop_constraint", "named"), ("add_constraint", "named")]


def test_own_serial_sequences_match_whatever_their_name() -> None:
    a = pg(table("people", Column("id", "integer", False, default="nextval('public.users_id_seq'::regclass)")))
    b = pg(table("people", Column("id", "integer", False, default="nextval('public.people_id_seq'::regclass)")))
    assert diff(a, b) == []
    c = pg(table("people", Column("id", "integer", False, default="nextval('public.shared'::regclass)")),
           sequences=[Sequence("public", "shared")])
    assert "alter_column" in kinds(diff(a, c))


# --- renames ------------------------------------------------------------------------------


def test_stated_renames_keep_data_then_alter() -> None:
    a = pg(table("users", ident(), Column("name", "character varying(50)"), primary_key=PrimaryKey("users_pkey", ["id"]),
                 indexes=[Index("users_name_idx", ["name"])]))
    b = pg(table("people", ident(), Column("full_name", "character varying(100)"), primary_key=PrimaryKey(None, ["id"]),
                 indexes=[Index("users_name_idx", ["full_name"])]))
    renames = Renames({("public", "users"): "people"}, {("public", "people", "name"): "full_name"})
    changes = diff(a, b, renames)
    assert [(c.kind, c.name) for c in changes] == [
        ("rename_table", "people"), ("rename_column", "full_name"), ("rename_constraint", "people_pkey"),
        ("alter_column", "full_name")]  # the key the file leaves unnamed: named as CREATE TABLE people names it
    assert all(c.data_loss is None for c in changes)
    assert changes[0].description == "rename table public.users to people"


def test_declared_renames_and_references_follow() -> None:
    a = pg(table("org", ident()), table("t", ident(), Column("org", "integer"),
                                        foreign_keys=[ForeignKey("t_org_fkey", ["org"], "public", "org", ["id"])]))
    b = pg(table("company", Column("key", "integer", False, renamed_from="id"), renamed_from="org"),
           table("t", ident(), Column("company", "integer", renamed_from="org"),
                 foreign_keys=[ForeignKey(None, ["company"], "public", "company", ["key"])]))
    changes = diff(a, b)
    assert kinds(changes) == ["rename_table", "rename_column", "rename_column", "rename_constraint"]
    assert changes[-1].before.name == "t_org_fkey" and changes[-1].name == "t_company_fkey"


def test_unstated_drop_and_add_are_rename_candidates() -> None:
    a = pg(table("users", ident(), Column("name", "text")))
    b = pg(table("users", ident(), Column("full_name", "text")))
    changes = diff(a, b)
    assert kinds(changes) == ["add_column", "drop_column"]
    add, drop = changes
    assert add.rename_candidate == "name" and drop.rename_candidate == "full_name" and drop.data_loss
    c = pg(table("people", ident(), Column("name", "text")))
    changes = diff(a, c)
    assert [(c.kind, c.rename_candidate) for c in changes] == [("create_table", "users"), ("drop_table", "people")]
    d = pg(table("users", ident(), Column("n", "integer")))
    assert all(c.rename_candidate is None for c in diff(a, d))


# --- ordering -----------------------------------------------------------------------------


def fk(col: str, target: str, name: str | None = None) -> ForeignKey:
    return ForeignKey(name, [col], "public", target, ["id"])


def test_create_in_dependency_order_and_cycles_after_both() -> None:
    child = table("child", ident(), Column("p", "integer"), primary_key=PrimaryKey(None, ["id"]),
                  foreign_keys=[fk("p", "parent")])
    parent = table("parent", ident(), primary_key=PrimaryKey(None, ["id"]))
    a_t = table("a", ident(), Column("b", "integer"), primary_key=PrimaryKey(None, ["id"]), foreign_keys=[fk("b", "b")])
    b_t = table("b", ident(), Column("a", "integer"), primary_key=PrimaryKey(None, ["id"]), foreign_keys=[fk("a", "a")])
    changes = diff(pg(), pg(child, parent, a_t, b_t))
    assert [(c.kind, c.name) for c in changes] == [
        ("create_table", "parent"), ("create_table", "child"), ("create_table", "a"), ("create_table", "b"),
        ("add_constraint", "a_b_fkey")]
    assert changes[-1].lock is None  # the table is new: nothing to validate
    drops = diff(pg(child, parent, a_t, b_t), pg())
    assert [(c.kind, c.table or c.name) for c in drops] == [
        ("drop_constraint", "a"), ("drop_table", "b"), ("drop_table", "a"), ("drop_table", "child"),
        ("drop_table", "parent")]


def test_new_table_fk_waits_for_a_key_added_to_an_existing_table() -> None:
    a = pg(table("org", ident(), Column("code", "text")))
    b = pg(table("org", ident(), Column("code", "text"), uniques=[Unique(None, ["code"])]),
           table("t", Column("code", "text"), foreign_keys=[ForeignKey(None, ["code"], "public", "org", ["code"])]))
    assert kinds(diff(a, b)) == ["create_table", "add_constraint", "add_constraint"]
    assert [c.after.__class__.__name__ for c in diff(a, b)[1:]] == ["Unique", "ForeignKey"]


def test_checks_and_index_predicates_follow_a_column_rename() -> None:
    from schemalens.normalize import normalize_schema

    a = pg(table("t", Column("qty", "integer"), checks=[Check("t_qty_check", "qty > 0")],
                 indexes=[Index("t_idx", ["qty"], where="qty > 10")]))
    b = pg(table("t", Column("amount", "integer", renamed_from="qty"), checks=[Check("t_qty_check", "amount > 0")],
                 indexes=[Index("t_idx", ["amount"], where="amount > 10")]))
    assert kinds(diff(normalize_schema(a), normalize_schema(b))) == ["rename_column"]
    lite_a = Schema("sqlite", tables=[Table("main", "t", [Column("qty", "INTEGER")],
                                            checks=[Check(None, '"qty" > 0 AND qty <> \'qty\'')])])
    lite_b = Schema("sqlite", tables=[Table("main", "t", [Column("n", "INTEGER", renamed_from="qty")],
                                            checks=[Check(None, "n > 0 AND n <> 'qty'")])])
    assert kinds(diff(lite_a, lite_b)) == ["rename_column"]


def test_sqlite_table_options_rebuild_the_table() -> None:
    before = Table("main", "t", [Column("id", "INTEGER", False)], primary_key=PrimaryKey(None, ["id"]))
    after = copy.deepcopy(before)
    after.strict, after.without_rowid = True, True
    changes = diff(Schema("sqlite", tables=[before]), Schema("sqlite", tables=[after]))
    assert [(c.kind, c.description) for c in changes] == [
        ("alter_table", "alter table main.t: set STRICT, set WITHOUT ROWID (rebuilds the table)")]
    after = copy.deepcopy(before)
    after.autoincrement = True
    assert kinds(diff(Schema("sqlite", tables=[before]), Schema("sqlite", tables=[after]))) == ["alter_table"]


def test_extension_moved_to_another_schema() -> None:
    a = pg(extensions=[Extension("citext", "public"), Extension("hstore", "ext")])
    b = pg(extensions=[Extension("citext", "ext"), Extension("hstore")], namespaces=[Namespace("ext")])
    changes = diff(a, b)
    assert [(c.kind, c.name) for c in changes] == [("create_schema", "ext"), ("alter_extension", "citext")]


def test_namespaces_dropped_only_when_the_file_manages_them() -> None:
    a = pg(table("t", ident(), schema="old"), table("u", ident()),
           namespaces=[Namespace("old"), Namespace("empty"), Namespace("kept")])
    b = pg(table("u", ident()), namespaces=[Namespace("kept")])
    changes = diff(a, b)
    assert [(c.kind, c.name) for c in changes] == [
        ("drop_table", "t"), ("drop_schema", "old"), ("drop_schema", "empty")]
    assert changes[1].data_loss == "drops schema old with its tables t and all their rows"
    assert changes[2].data_loss is None
    # no CREATE SCHEMA in the file: the database's namespaces are not the file's business
    assert kinds(diff(a, pg(table("u", ident()), table("t", ident(), schema="old")))) == []


def test_foreign_keys_on_a_replaced_key_are_dropped_first_and_added_again() -> None:
    users = table("users", ident(), uniques=[Unique("users_key", ["id"])])
    tagging = table("taggings", Column("user_id", "integer"), foreign_keys=[fk("user_id", "users", "taggings_user_fkey")])
    orders = table("orders", Column("user_id", "integer"), foreign_keys=[fk("user_id", "users", "orders_user_fkey")])
    users_b = table("users", ident(), uniques=[Unique("users_key", ["id"], deferrable=True)])
    changes = diff(pg(users, tagging, orders), pg(users_b, orders))
    assert [(c.kind, c.table, c.name) for c in changes] == [
        ("drop_constraint", "orders", "orders_user_fkey"), ("drop_constraint", "taggings", "taggings_user_fkey"),
        ("drop_constraint", "users", "users_key"), ("add_constraint", "users", "users_key"),
        ("add_constraint", "orders", "orders_user_fkey"), ("drop_table", None, "taggings")]
    assert changes[4].after == orders.foreign_keys[0]
    # a new table's FK on the replaced key waits for the new key
    fresh = table("audit", Column("user_id", "integer"), foreign_keys=[fk("user_id", "users")])
    changes = diff(pg(users), pg(users_b, fresh))
    assert [(c.kind, c.name) for c in changes] == [
        ("drop_constraint", "users_key"), ("create_table", "audit"), ("add_constraint", "users_key"),
        ("add_constraint", "audit_user_id_fkey")]
    # a key that stays keeps its foreign keys alone
    assert kinds(diff(pg(users, tagging), pg(users, tagging))) == []


def test_a_key_whose_only_difference_is_its_name_is_renamed_and_its_foreign_keys_stay() -> None:
    users = table("users", ident(), primary_key=PrimaryKey("users_pkey", ["id"]))
    orders = table("orders", Column("user_id", "integer"), foreign_keys=[fk("user_id", "users", "orders_user_fkey")])
    users_b = table("users", ident(), primary_key=PrimaryKey("users_pk", ["id"]))
    changes = diff(pg(users, orders), pg(users_b, orders))
    assert [(c.kind, c.table, c.before.name, c.name) for c in changes] == [
        ("rename_constraint", "users", "users_pkey", "users_pk")]
    assert "only the name differs" in changes[0].description and changes[0].lock is None
    assert [s.sql for s in dialects.get("postgresql").render(changes, pg(users, orders), pg(users_b, orders))] == [
        "ALTER TABLE public.users RENAME CONSTRAINT users_pkey TO users_pk"]


def test_sqlite_has_no_deferred_foreign_keys() -> None:
    a_t = Table("main", "a", [Column("b", "INTEGER")], foreign_keys=[ForeignKey(None, ["b"], "main", "b", ["id"])])
    b_t = Table("main", "b", [Column("id", "INTEGER"), Column("a", "INTEGER")],
                foreign_keys=[ForeignKey(None, ["a"], "main", "a", ["b"])])
    assert kinds(diff(Schema("sqlite"), Schema("sqlite", tables=[a_t, b_t]))) == ["create_table", "create_table"]


# --- enums --------------------------------------------------------------------------------


def test_enum_values_added_in_place_or_recreated() -> None:
    a = pg(enums=[Enum("public", "m", ["a", "b"])])
    added = diff(a, pg(enums=[Enum("public", "m", ["z", "a", "c", "b"])]))
    assert [(c.kind, c.name) for c in added] == [("add_enum_value", "z"), ("add_enum_value", "c")]
    reordered = diff(a, pg(enums=[Enum("public", "m", ["b", "a"])]))
    assert kinds(reordered) == ["recreate_enum"] and reordered[0].data_loss is None
    removed = diff(a, pg(enums=[Enum("public", "m", ["a"])]))
    assert kinds(removed) == ["recreate_enum"] and "'b'" in removed[0].data_loss


# --- classification -----------------------------------------------------------------------


def alter(old: Column, new: Column, dialect: str = "postgresql"):
    changes = diff(Schema(dialect, tables=[table("t", old)]), Schema(dialect, tables=[table("t", new)]))
    return one(changes, "alter_column")


def test_narrowing_type_changes_lose_data() -> None:
    for old, new in [("character varying(100)", "character varying(50)"), ("numeric(10,2)", "numeric(8,2)"),
                     ("bigint", "integer"), ("text", "character varying(20)"), ("text", "integer"),
                     ("numeric(10,2)", "numeric(10,1)")]:
        change = alter(Column("c", old), Column("c", new))
        assert change.data_loss and "from" in change.data_loss, (old, new)
        assert change.lock, (old, new)


def test_widening_type_changes_are_safe() -> None:
    for old, new in [("character varying(50)", "character varying(100)"), ("integer", "bigint"),
                     ("numeric(8,2)", "numeric(10,2)"), ("character varying(20)", "text"), ("integer", "numeric"),
                     ("real", "double precision"), ("integer[]", "bigint[]")]:
        assert alter(Column("c", old), Column("c", new)).data_loss is None
    assert alter(Column("c", "character varying(5)"), Column("c", "character varying(9)")).lock is None
    assert alter(Column("c", "integer"), Column("c", "bigint")).lock  # rewrites


def test_dropping_identity_default_or_not_null_is_not_data_loss() -> None:
    change = alter(Column("c", "integer", False, default="1", identity=None),
                   Column("c", "integer", True))
    assert change.data_loss is None and change.lock is None
    change = alter(Column("c", "integer", False, identity=Identity()), Column("c", "integer", False))
    assert change.data_loss is None and "drop identity" in change.description


def test_generated_expression_replacing_values_is_data_loss() -> None:
    change = alter(Column("c", "integer"), Column("c", "integer", generated="1"))
    assert change.data_loss and change.lock


def test_sqlite_type_changes_by_affinity() -> None:
    assert alter(Column("c", "TEXT"), Column("c", "INTEGER"), "sqlite").data_loss
    assert alter(Column("c", "VARCHAR(10)"), Column("c", "TEXT"), "sqlite").data_loss is None
    assert alter(Column("c", "INTEGER"), Column("c", "TEXT", False), "sqlite").lock is None


def test_add_column_with_volatile_default_rewrites() -> None:
    a = pg(table("t", ident()))
    b = pg(table("t", ident(), Column("u", "uuid", default="gen_random_uuid()"), Column("n", "integer", default="0")))
    locks = {c.name: c.lock for c in diff(a, b)}
    assert locks["u"] and locks["n"] is None


# --- property -----------------------------------------------------------------------------

_names = st.sampled_from(["a", "b", "c", "d"])
_types = st.sampled_from(["integer", "text", "bigint", "character varying(10)"])


@st.composite
def tables(draw: st.DrawFn, name: str) -> Table:
    cols = draw(st.lists(st.tuples(_names, _types, st.booleans()), min_size=1, max_size=4, unique_by=lambda c: c[0]))
    columns = [Column(n, t, nullable) for n, t, nullable in cols]
    names = [c.name for c in columns]
    pk = PrimaryKey(None, [names[0]]) if draw(st.booleans()) else None
    uniques = [Unique(draw(st.sampled_from([None, f"{name}_u"])), [names[-1]])] if draw(st.booleans()) else []
    indexes = [Index(None, [draw(st.sampled_from(names))])] if draw(st.booleans()) else []
    checks = [Check(None, f"{names[0]} IS NOT NULL")] if draw(st.booleans()) else []
    return Table("public", name, columns, primary_key=pk, uniques=uniques, indexes=indexes, checks=checks)


@st.composite
def schemas(draw: st.DrawFn) -> Schema:
    chosen = draw(st.lists(st.sampled_from(["t1", "t2", "t3"]), unique=True, max_size=3))
    return Schema("postgresql", tables=[draw(tables(n)) for n in chosen],
                  enums=[Enum("public", "e", draw(st.lists(_names, unique=True, min_size=1, max_size=3)))])


@given(schemas(), schemas())
def test_property_no_changes_for_equal_tables(a: Schema, b: Schema) -> None:
    assert diff(a, copy.deepcopy(a)) == []
    changes = diff(a, b)
    equal = {t.name for t in a.tables if b.table(t.schema, t.name) == t}
    touched = {c.table or c.name for c in changes if c.schema == "public" and c.kind not in (
        "create_enum", "drop_enum", "add_enum_value", "recreate_enum")}
    assert not equal & touched


def test_unnamed_constraints_get_the_names_postgresql_would_choose() -> None:
    long = "表" * 20
    cols = [Column("a", "integer"), Column("b", "integer"), Column("Up", "integer")]
    a = pg(table(long, *cols), table("t", *cols, checks=[Check("t_a_check", "a > 5")]))
    b = pg(table(long, *cols, checks=[Check(None, "a > 0")]),
           table("t", *cols, checks=[Check(None, "a > 0 AND b > 0"), Check(None, "a > 1"), Check(None, "\"Up\" > 'a'"),
                                     Check("t_a_check", "a > 5"), Check(None, "length('b') > 0")],
                 foreign_keys=[ForeignKey(None, ["a", "b"], "public", "t", ["a", "b"])]))
    names = [c.name for c in diff(a, b)]
    assert names == [f"{'表' * 18}_a_check", "t_check", "t_a_check1", "t_Up_check", "t_check1", "t_a_b_fkey"]


def test_unnamed_constraints_only_in_the_database_have_ids_of_their_own() -> None:
    """SQLite keeps unnamed checks without a name: picking one by id must not pick both."""
    checks = [Check(None, "price > 0"), Check(None, "price < 100"), Check(None, "length(note) < 9")]
    actual = Schema("sqlite", tables=[table("t", ident("price"), Column("note", "TEXT"), schema="main", checks=checks)])
    desired = Schema("sqlite", tables=[table("t", ident("price"), Column("note", "TEXT"), schema="main")])
    changes = diff(actual, desired)
    assert [c.kind for c in changes] == ["drop_constraint"] * 3
    assert len({c.id for c in changes}) == 3
    assert changes[0].id == "drop_constraint:main.t.check (price > 0)"


def test_a_comment_or_storage_change_on_an_index_or_constraint_is_made_in_place() -> None:
    def schema(comment: str | None, storage: dict[str, str]) -> Schema:
        return pg(table("t", ident(), checks=[Check("c", "(id > 0)", comment=comment)],
                        uniques=[Unique("u", ["id"], storage=storage)],
                        indexes=[Index("i", ["id"], comment=comment, storage=storage)]))

    changes = diff(schema(None, {}), schema("x", {"fillfactor": "70"}))
    assert sorted(kinds(changes)) == ["set_comment", "set_comment", "set_storage", "set_storage"]
    assert {c.name for c in changes} == {"c", "i", "u"}
    assert diff(schema("x", {"fillfactor": "70"}), schema("x", {"fillfactor": "70"})) == []


def test_a_table_renamed_from_another_schema_is_moved_not_dropped() -> None:
    old = table("orders", ident())
    new = dataclasses.replace(table("purchases", ident()), schema="app", renamed_from="orders",
                              renamed_from_schema="public")
    changes = diff(pg(old), pg(new, namespaces=[Namespace("app")]))
    assert [(c.kind, c.description) for c in changes] == [
        ("create_schema", "create schema app"),
        ("rename_table", "move table public.orders to schema app, rename table app.orders to purchases")]


def test_an_index_name_a_dropped_table_had_is_freed_before_it_is_taken() -> None:
    """Index names are the schema's, not the table's: the old index goes before the new one
    (else "index ix already exists" when the table it was on is dropped after)."""
    changes = diff(pg(table("gone", ident(), indexes=[Index("ix", ["id"])]), table("kept", ident())),
                   pg(table("kept", ident(), indexes=[Index("ix", ["id"])])))
    assert [(c.kind, c.table or c.name) for c in changes] == [
        ("drop_index", "gone"), ("create_index", "kept"), ("drop_table", "gone")]


def test_names_only_in_sqlite_drop_and_add_and_an_unnamed_key_in_the_database_is_the_files() -> None:
    def lite(**kw: object) -> Schema:
        return Schema("sqlite", tables=[Table("main", "t", [Column("a", "INTEGER")], **kw)])  # type: ignore[arg-type]

    changes = diff(lite(indexes=[Index("i1", ["a"])]), lite(indexes=[Index("i2", ["a"])]))
    assert [(c.kind, c.name) for c in changes] == [("drop_index", "i1"), ("create_index", "i2")]
    assert changes[1].description.endswith("(only the name differs)")  # SQLite cannot rename an index
    changes = diff(lite(checks=[Check("c1", "a > 0")]), lite(checks=[Check("c2", "a > 0")]))
    assert [(c.kind, c.name) for c in changes] == [("drop_constraint", "c1"), ("add_constraint", "c2")]
    # SQLite names nothing the file leaves unnamed, and tells no name of a key it was not given
    assert diff(lite(checks=[Check("c1", "a > 0")]), lite(checks=[Check(None, "a > 0")])) == []
    assert diff(lite(primary_key=PrimaryKey(None, ["a"])), lite(primary_key=PrimaryKey("pk", ["a"]))) == []


def test_unnamed_objects_take_the_names_postgresql_gives_them() -> None:
    a = pg(table("users", ident(), Column("user_name", "text"), uniques=[Unique("users_username_key", ["user_name"])],
                 checks=[Check("one_positive", "id > 0")], indexes=[Index("old_idx", ["user_name"])]))
    b = pg(table("users", ident(), Column("user_name", "text"), uniques=[Unique(None, ["user_name"])],
                 checks=[Check(None, "id > 0"), Check(None, "id > 0")], indexes=[Index(None, ["user_name"])]))
    changes = diff(a, b)
    assert [(c.kind, c.before.name if c.before else None, c.name) for c in changes] == [
        ("rename_constraint", "users_username_key", "users_user_name_key"),
        ("rename_constraint", "one_positive", "users_id_check"),
        ("rename_index", "old_idx", "users_user_name_idx"),
        ("add_constraint", None, "users_id_check1")]
    assert "the database names it users_user_name_key" in changes[0].description
    # the name it has is the one PostgreSQL gives: nothing to do
    assert diff(pg(table("users", ident(), Column("user_name", "text"),
                         uniques=[Unique("users_user_name_key", ["user_name"])])),
                pg(table("users", ident(), Column("user_name", "text"), uniques=[Unique(None, ["user_name"])]))) == []


def test_a_validated_constraint_that_is_renamed_is_validated_under_its_new_name() -> None:
    a = pg(table("t", ident(), checks=[Check("old", "id > 0", valid=False)]))
    b = pg(table("t", ident(), checks=[Check("new", "id > 0")]))
    changes = diff(a, b)
    assert [(c.kind, c.name) for c in changes] == [("rename_constraint", "new"), ("validate_constraint", "new")]
    sql = [s.sql for s in dialects.get("postgresql").render(changes, a, b)]
    assert sql == ["ALTER TABLE public.t RENAME CONSTRAINT old TO new", "ALTER TABLE public.t VALIDATE CONSTRAINT new"]
