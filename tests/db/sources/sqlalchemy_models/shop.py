"""E-commerce: enums, numerics, JSON, UUIDs, a naming convention, functional indexes."""
import datetime
import decimal
import enum
import uuid

from sqlalchemy import (JSON, BigInteger, CheckConstraint, Date, Enum, ForeignKey, ForeignKeyConstraint, Identity,
                        Index, LargeBinary, MetaData, Numeric, SmallInteger, String, Uuid, func, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=convention)


class OrderStatus(enum.Enum):
    pending = "pending"
    paid = "paid"
    shipped = "shipped"
    cancelled = "cancelled"


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    birthday: Mapped[datetime.date | None] = mapped_column(Date)
    preferences: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=func.now())

    __table_args__ = (Index("ix_customers_lower_email", func.lower(email), unique=True),)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (CheckConstraint("price >= 0", name="price_positive"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(start=1000), primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    price: Mapped[decimal.Decimal] = mapped_column(Numeric(10, 2))
    weight_kg: Mapped[float | None] = mapped_column(Numeric(8, 3), server_default=text("0"))
    stock: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    image: Mapped[bytes | None] = mapped_column(LargeBinary)


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    status: Mapped[OrderStatus] = mapped_column(
        Enum(OrderStatus, name="order_status", create_constraint=True), server_default="pending"
    )
    total: Mapped[decimal.Decimal] = mapped_column(Numeric(12, 2), server_default=text("0"))
    placed_at: Mapped[datetime.datetime] = mapped_column(server_default=func.now())
    note: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (Index("ix_orders_open", "customer_id", "placed_at",
                            postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),)


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (
        ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    order_id: Mapped[int] = mapped_column(primary_key=True)
    line_no: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    product_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(server_default="1")
    unit_price: Mapped[decimal.Decimal] = mapped_column(Numeric(10, 2))
