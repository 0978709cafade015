from .catalog import Item, Supplier
from .db import Base
from .stock import Location, StockLevel, Transfer

__all__ = ["Base", "Item", "Location", "StockLevel", "Supplier", "Transfer"]
