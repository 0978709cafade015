from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {"ix": "ix_%(table_name)s_%(column_0_N_name)s", "uq": "uq_%(table_name)s_%(column_0_N_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s", "pk": "pk_%(table_name)s"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class InventorySchema:
    __table_args__ = {"schema": "inventory"}
