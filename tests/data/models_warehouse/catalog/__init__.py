from .items import Item, Supplier

__all__ = ["Item", "Supplier"]
