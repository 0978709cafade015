"""declarative_base() with Column(), a Table() without a key, a table comment, named PK."""
from sqlalchemy import (Boolean, Column, DateTime, Float, ForeignKey, Integer, PrimaryKeyConstraint,
                        String, Table, Text, func)
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Author(Base):
    __tablename__ = "authors"
    id = Column(Integer, primary_key=True)
    name = Column("full_name", String(100), nullable=False, index=True)
    rating = Column(Float)
    active = Column(Boolean, nullable=False, server_default="1")


class Book(Base):
    __tablename__ = "books"
    __table_args__ = (PrimaryKeyConstraint("isbn", name="books_pk"),)
    isbn = Column(String(13))
    author_id = Column(Integer, ForeignKey("authors.id", ondelete="SET NULL"), nullable=True)
    title = Column(Text, nullable=False)
    added = Column(DateTime, server_default=func.current_timestamp())


events = Table(
    "events", Base.metadata,
    Column("kind", String(20), nullable=False),
    Column("payload", Text),
    Column("author_id", Integer, ForeignKey("authors.id")),
)
