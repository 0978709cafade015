import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from .catalog import Item
from .db import Base, InventorySchema


class Location(InventorySchema, Base):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    hall: Mapped[str] = mapped_column(String(12))


class StockLevel(InventorySchema, Base):
    __tablename__ = "stock_levels"

    item_id: Mapped[int] = mapped_column(ForeignKey(Item.id), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("inventory.locations.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(server_default="0")
    counted_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Transfer(InventorySchema, Base):
    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.id))
    to_hall: Mapped[str] = mapped_column(ForeignKey("inventory.locations.hall"))  # invalid: hall is not unique
    moved: Mapped[int]
