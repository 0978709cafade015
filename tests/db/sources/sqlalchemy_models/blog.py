"""A blog: DeclarativeBase, a mixin, composite keys, a self-referencing foreign key."""
import datetime

from sqlalchemy import (Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text,
                        UniqueConstraint, func, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Timestamps:
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime.datetime | None] = mapped_column(onupdate=datetime.datetime.now)


class User(Timestamps, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(80))
    is_admin: Mapped[bool] = mapped_column(Boolean, server_default=text("false"), default=False)
    bio = mapped_column(Text, comment="shown on the profile page")


class Post(Timestamps, Base):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("author_id", "slug", name="posts_author_slug_key"),
        CheckConstraint("length(title) > 0", name="posts_title_not_empty"),
        Index("posts_published_idx", "published_at", "id"),
        Index("posts_draft_idx", "author_id", postgresql_where=text("published_at IS NULL"),
              sqlite_where=text("published_at IS NULL")),
        {"comment": "articles"},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, server_default="")
    published_at: Mapped[datetime.datetime | None]
    views: Mapped[int] = mapped_column(server_default=text("0"))


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=func.current_timestamp())


class Tag(Base):
    __tablename__ = "tags"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    description: Mapped[str | None]


post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_name", ForeignKey("tags.name", onupdate="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, server_default="1"),
)
