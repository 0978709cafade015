"""A help desk's models, shaped like a real app's package: a base module with a naming
convention and mixins, models split over modules that import each other relatively, and
`models.py` gathering them (the module named in the settings). Portable: SQLite and
PostgreSQL. One index is invalid on purpose (Index() without columns, as real apps have)."""
