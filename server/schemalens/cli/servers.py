"""Commands that start a long-running server: the studio and the language server."""

from __future__ import annotations

from typing import Annotated


from schemalens.cli.options import Option
from schemalens.cli.output import DbOpt, DialectOpt, SchemaOpt, settings_from


def studio(db: DbOpt = None, schema: SchemaOpt = None, dialect: DialectOpt = None,
           port: Annotated[int, Option(
               "--port", metavar="PORT", help="Port to listen on (0: any free port).")] = 4983,
           host: Annotated[str, Option(
               "--host", metavar="HOST", help="Address to bind; anything but 127.0.0.1 warns.")] = "127.0.0.1",
           no_open: Annotated[bool, Option("--no-open", help="Do not open the browser.")] = False,
           read_only: Annotated[bool, Option("--read-only", help="Browse only: no edits, no writing SQL.")] = False,
           ) -> None:
    """A local web page to browse and edit the database (drift badges from the schema files)."""
    from schemalens.studio.command import studio_command

    raise SystemExit(studio_command(settings_from(db, schema, dialect), port=port, host=host,
                                    no_open=no_open, read_only=read_only))


def lsp() -> None:
    """Run the language server over stdio (editors start this)."""
    from schemalens.lsp.server import main as serve

    serve()


COMMANDS = {"studio": studio, "lsp": lsp}
