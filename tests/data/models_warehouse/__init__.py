"""A warehouse's models for PostgreSQL: tables in several schemas, ARRAY and JSONB columns,
a sequence, computed columns, and a foreign key to a non-unique column (invalid on
purpose: PostgreSQL refuses it, so the app's own create_all fails)."""
