"""The server object, its state, and the table that wires each feature's handler module.

Handlers live in one small module per feature (`documents`, `code_actions`, `commands`,
`symbols`, `hover`, `definition`, `completion`); their first parameter is named `ls` so
that pygls 2 passes this server. Every handler runs under `guarded`: a crash is logged
and answered with nothing, never fatal to the server.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls import uris
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from schemalens.config import ConfigError
from schemalens.lsp import settings as editor_settings
from schemalens.lsp.checks import Checks, settle_heap
from schemalens.lsp.database import Databases
from schemalens.lsp.previews import is_preview
from schemalens.lsp.targets import Target, classify
from schemalens.urls import redact

log = logging.getLogger("schemalens.lsp")

try:
    from importlib.metadata import version as _version

    VERSION = _version("schemalens")
except Exception:  # running from a source tree that is not installed
    VERSION = "0"


class SchemalensServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("schemalens", VERSION, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.databases = Databases()
        self.checks = Checks(self)
        self.studios: dict[str, Any] = {}  # database URL -> running studio (schemalens.studio)
        self.initialization_options: dict[str, Any] = {}
        self.pushed_settings: dict[str, Any] | None = None  # the last workspace/didChangeConfiguration
        self._configuration: dict[str, dict[str, Any]] = {}

    # --- documents and settings -----------------------------------------------------

    def open_document(self, path: str) -> TextDocument | None:
        uri = uris.from_fs_path(path)
        if uri is None or uri not in self.workspace.text_documents:
            return None
        return self.workspace.get_text_document(uri)

    def workspace_folders(self) -> list[Path]:
        folders = [Path(uris.to_fs_path(f.uri) or f.uri) for f in self.workspace.folders.values()]
        if not folders and self.workspace.root_path:
            folders = [Path(self.workspace.root_path)]
        return [f.resolve() for f in folders]

    async def editor_overrides(self, uri: str) -> dict[str, Any]:
        """The settings the client pushed last (workspace/didChangeConfiguration: they
        replace the initializationOptions), then workspace/configuration for the file's scope."""
        if uri not in self._configuration:
            self._configuration[uri] = await self._ask_configuration(uri)
        pushed = self.pushed_settings if self.pushed_settings is not None else self.initialization_options
        return editor_settings.overrides_from(editor_settings.section_of(pushed), self._configuration[uri])

    async def _ask_configuration(self, uri: str) -> dict[str, Any]:
        capabilities = self.client_capabilities.workspace
        if capabilities is None or not capabilities.configuration:
            return {}
        try:
            answer = await self.workspace_configuration_async(lsp.ConfigurationParams(
                items=[lsp.ConfigurationItem(section="schemalens", scope_uri=uri)]))
        except Exception as e:  # a client that fails the request: run on the other layers
            log.warning("workspace/configuration failed: %s", e)
            return {}
        return editor_settings.section_of(answer[0]) if answer else {}

    def settings_changed(self, pushed: Any) -> None:
        """A client that pushes its settings sends them whole (they replace the earlier
        ones); one that only says "changed" is asked again through workspace/configuration."""
        section = editor_settings.pushed_section(pushed)
        if section is not None:
            self.pushed_settings = section
        self._configuration.clear()

    async def target(self, uri: str) -> Target | ConfigError | None:
        """What the document is to schemalens; a ConfigError to show on it; None for
        documents that are not files, and for the SQL previews the server wrote itself."""
        path = uris.to_fs_path(uri)
        if path is None or is_preview(Path(path)):
            return None
        overrides = await self.editor_overrides(uri)
        try:
            return classify(Path(path), overrides, self.workspace_folders())
        except ConfigError as e:
            return e

    # --- talking to the user --------------------------------------------------------

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Log) -> None:
        self.window_log_message(lsp.LogMessageParams(type=kind, message=redact(message)))

    def tell(self, message: str, kind: lsp.MessageType = lsp.MessageType.Info) -> None:
        self.window_show_message(lsp.ShowMessageParams(type=kind, message=redact(message)))


def guarded(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Log a crash in a handler and answer with nothing: one broken feature must not take
    the server down, nor leave the client waiting."""
    if inspect.iscoroutinefunction(handler):
        @functools.wraps(handler)
        async def run_async(ls: SchemalensServer, *args: Any) -> Any:
            try:
                return await handler(ls, *args)
            except Exception as e:
                _report(ls, handler, e)
                return None
        return run_async

    @functools.wraps(handler)
    def run(ls: SchemalensServer, *args: Any) -> Any:
        try:
            return handler(ls, *args)
        except Exception as e:
            _report(ls, handler, e)
            return None
    return run


def _report(ls: SchemalensServer, handler: Callable[..., Any], error: Exception) -> None:
    log.exception("%s failed", handler.__name__)
    try:
        ls.log(f"schemalens: {handler.__name__} failed: {type(error).__name__}: {error}", lsp.MessageType.Error)
    except Exception:  # the connection itself may be what failed
        pass


class _RedactingFormatter(logging.Formatter):
    """The server log (stderr, which editors keep in an output panel) passes `redact`:
    tracebacks and driver messages there may quote a URL."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self._inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return redact(self._inner.format(record))


def create_server() -> SchemalensServer:
    from schemalens.lsp import code_actions, commands, completion, definition, documents, hover, symbols

    server = SchemalensServer()
    features: list[tuple[str, Callable[..., Any], Any]] = [
        (lsp.INITIALIZE, documents.initialize, None),
        (lsp.INITIALIZED, documents.initialized, None),
        (lsp.TEXT_DOCUMENT_DID_OPEN, documents.did_open, None),
        (lsp.TEXT_DOCUMENT_DID_SAVE, documents.did_save, lsp.SaveOptions(include_text=False)),
        (lsp.TEXT_DOCUMENT_DID_CLOSE, documents.did_close, None),
        (lsp.WORKSPACE_DID_CHANGE_CONFIGURATION, documents.did_change_configuration, None),
        (lsp.SHUTDOWN, documents.shutdown, None),
        (lsp.TEXT_DOCUMENT_CODE_ACTION, code_actions.code_action, code_actions.OPTIONS),
        (lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL, symbols.document_symbol, None),
        (lsp.TEXT_DOCUMENT_HOVER, hover.hover, None),
        (lsp.TEXT_DOCUMENT_DEFINITION, definition.definition, None),
        (lsp.TEXT_DOCUMENT_COMPLETION, completion.completion, completion.OPTIONS),
    ]
    for method, handler, options in features:
        server.feature(method, options)(guarded(handler))
    for name, handler in commands.COMMANDS.items():
        server.command(name)(guarded(handler))
    return server


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_RedactingFormatter(handler.formatter))
    log.setLevel(logging.INFO)
    server = create_server()
    settle_heap()  # the modules just imported live as long as the server
    server.start_io()
