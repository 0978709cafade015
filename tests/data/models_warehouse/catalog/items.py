import decimal

from sqlalchemy import BigInteger, Computed, ForeignKey, Identity, Index, Numeric, Sequence, String, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

ITEM_NUMBERS = Sequence("item_numbers", start=1000, metadata=Base.metadata, schema="catalog")


class Supplier(Base):
    __tablename__ = "suppliers"
    __table_args__ = {"schema": "catalog", "comment": "who we buy from"}

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2), server_default="DE")


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    number: Mapped[int] = mapped_column(ITEM_NUMBERS, server_default=ITEM_NUMBERS.next_value(), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    supplier_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("catalog.suppliers.id"))
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(30)), server_default="{}")
    attributes: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    price: Mapped[decimal.Decimal] = mapped_column(Numeric(10, 2), server_default="0")
    vat: Mapped[decimal.Decimal] = mapped_column(Numeric(10, 2), Computed("price * 0.19"))

    __table_args__ = (Index("ix_items_lower_title", func.lower(title)), {"schema": "catalog"})
