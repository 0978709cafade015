"""Other tools' bookkeeping tables: the one list of them.

A database that schemalens compares is often also kept by a migration tool, an ORM or
a framework that records what it applied in a table of its own. The schema files never
define that table, so without this list it reads as a table the files dropped: drift
on every check, and `push --force` would drop the tool's history. The names are the
tools' defaults and are matched in any schema (Drizzle keeps its table in a schema
`drizzle`), in both dialects.
"""

from __future__ import annotations

# table name -> whose table it is, as check says it ("not managed: Alembic's migration table")
TABLES: dict[str, str] = {
    "alembic_version": "Alembic",
    "__drizzle_migrations": "Drizzle",
    "_prisma_migrations": "Prisma",
    "flyway_schema_history": "Flyway",
    "schema_version": "Flyway",
    "atlas_schema_revisions": "Atlas",
    "schema_migrations": "Rails, golang-migrate, dbmate or Ecto",
    "ar_internal_metadata": "Rails",
    "knex_migrations": "Knex",
    "knex_migrations_lock": "Knex",
    "django_migrations": "Django",
    "databasechangelog": "Liquibase",
    "databasechangeloglock": "Liquibase",
    "goose_db_version": "goose",
    "__EFMigrationsHistory": "Entity Framework",
    "SequelizeMeta": "Sequelize",
    "migrations": "Laravel or TypeORM",
    "typeorm_metadata": "TypeORM",
    "mikro_orm_migrations": "MikroORM",
    "kysely_migration": "Kysely",
    "kysely_migration_lock": "Kysely",
    "pgmigrations": "node-pg-migrate",
    "_sqlx_migrations": "SQLx",
    "__diesel_schema_migrations": "Diesel",
    "refinery_schema_history": "Refinery",
    "doctrine_migration_versions": "Doctrine",
    "phinxlog": "Phinx",
    "_yoyo_migration": "yoyo",
    "_yoyo_log": "yoyo",
    "_yoyo_version": "yoyo",
    "yoyo_lock": "yoyo",
}


def tool_of(table: str) -> str | None:
    """The tool whose bookkeeping table this is, by name; None for any other table."""
    return TABLES.get(table)
