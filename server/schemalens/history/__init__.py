"""Versioned migrations, the production workflow: generate, migrate, status, rollback,
resolve/baseline, reset, rehash, drop, and the migrations gate of `check`.

Plain functions over Settings that return results and never print, shared by the CLI
and the language server. Failures the user must fix before anything can start (bad
folder, parse errors, unreachable database) raise WorkflowError (exit 2); everything
else comes back in the result, with the exit code the CLI should use.

`state` reads (status, assess, check), `run` changes a database (migrate, resolve,
rollback, reset), `generate` writes the folder (generate, drop, rehash) or an Alembic
revision (`alembic`: the Alembic project, read without running it). The workflows are
named here, the one entry point the front ends call.
"""

from schemalens.history.generate import DropResult, GenerateResult, drop, generate, generate_alembic, rehash
from schemalens.history.run import (
    MigrateResult,
    ResetResult,
    ResolveResult,
    RollbackResult,
    migrate,
    reset,
    resolve,
    rollback,
)
from schemalens.history.state import MigrationsCheck, StatusResult, check_migrations, keeps_history, status

__all__ = ["DropResult", "GenerateResult", "MigrateResult", "MigrationsCheck", "ResetResult", "ResolveResult",
           "RollbackResult", "StatusResult", "check_migrations", "drop", "generate", "generate_alembic",
           "keeps_history", "migrate", "rehash", "reset", "resolve", "rollback", "status"]
