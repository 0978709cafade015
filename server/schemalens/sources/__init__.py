"""Schema sources: which reader reads which file (SQL through the dialect, SQLAlchemy models
through a child process)."""
