"""PostgreSQL schema files -> the desired Schema (reader), one module per job: text to
statements (statements, split, positions), parse trees to SQL text (nodes, deparse), the
statements applied by concern (state, tables, constraints, indexes, objects, alter,
renames, drops, comments, renamed, unmanaged, finish) and reuse between parses (reuse)."""

from schemalens.dialects.postgresql.files.reader import parse_postgresql

__all__ = ["parse_postgresql"]
