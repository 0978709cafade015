"""CREATE TABLE builds one index for keys of the same shape (transformIndexConstraints): a
unique constraint on the columns of the primary key or of an earlier unique constraint,
in the same order and with the same options, is merged into it. The file reader merges
them as PostgreSQL does; render adds a second such key by ALTER TABLE, where PostgreSQL
keeps it."""

from __future__ import annotations

from schemalens.model import PrimaryKey, Unique


def merged_into(key: Unique, earlier: list[PrimaryKey | Unique]) -> PrimaryKey | Unique | None:
    """The earlier key of CREATE TABLE that `key` is merged into, if any."""
    return next((k for k in earlier if k.columns == key.columns and _options(k) == _options(key)), None)


def _options(key: PrimaryKey | Unique) -> tuple[bool, bool, bool]:
    if isinstance(key, PrimaryKey):
        return False, False, False
    return key.nulls_not_distinct, key.deferrable, key.initially_deferred
