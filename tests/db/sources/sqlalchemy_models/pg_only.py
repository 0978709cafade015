"""PostgreSQL-only types and options: JSONB, ARRAY, native UUID, INET, INCLUDE, GIN,
a second schema, generated columns, deferrable keys, collations."""

from sqlalchemy import (BigInteger, Column, Computed, DateTime, ForeignKey, ForeignKeyConstraint, Identity, Index,
                        Integer, MetaData, String, Table, Text, UniqueConstraint, func, text)
from sqlalchemy.dialects.postgresql import ARRAY, INET, INTERVAL, JSONB, TSVECTOR, UUID

metadata = MetaData()

accounts = Table(
    "accounts", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("handle", String(40, collation="C"), nullable=False),
    Column("settings", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("roles", ARRAY(Text), nullable=False, server_default=text("ARRAY[]::text[]")),
    Column("last_ip", INET),
    Column("session_ttl", INTERVAL, server_default=text("'1 day'")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("handle", name="accounts_handle_key"),
    comment="login accounts",
)

documents = Table(
    "documents", metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("account_id", UUID(as_uuid=True), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False, server_default=""),
    Column("search", TSVECTOR, Computed("to_tsvector('english', title || ' ' || body)", persisted=True)),
    Column("word_count", Integer, Computed("array_length(regexp_split_to_array(body, '\\s+'), 1)")),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE", deferrable=True,
                         initially="DEFERRED", name="documents_account_fk"),
    schema="content",
)

Index("documents_search_idx", documents.c.search, postgresql_using="gin")
Index("documents_account_idx", documents.c.account_id, postgresql_include=["title"])
Index("documents_title_trgm", func.lower(documents.c.title), documents.c.id.desc())

audit = Table(
    "audit_log", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=text("CURRENT_TIMESTAMP")),
    Column("actor", UUID(as_uuid=True), ForeignKey("accounts.id")),
    Column("payload", JSONB),
    Column("tags", ARRAY(String(20), dimensions=1)),
)
