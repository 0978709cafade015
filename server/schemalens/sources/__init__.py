"""Schema sources: which reader reads which file (SQL through the dialect, SQLAlchemy models
through a child process)."""

MODELS_TIMEOUT = 30.0  # seconds a SQLAlchemy models import may take (the `models_timeout` setting)
