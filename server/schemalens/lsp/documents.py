"""Document lifecycle: check on open and on save, clear on close, re-check on a change
of settings."""

from __future__ import annotations

import asyncio

from lsprotocol import types as lsp
from pygls import uris

from schemalens.config import ConfigError
from schemalens.lsp.checks import STATUS, starting_status
from schemalens.lsp.diagnostics import diagnostic
from schemalens.lsp.positions import first_line_range, split_lines
from schemalens.lsp.server import SchemalensServer
from schemalens.urls import redact


def initialize(ls: SchemalensServer, params: lsp.InitializeParams) -> None:
    options = params.initialization_options
    ls.initialization_options = options if isinstance(options, dict) else {}


def initialized(ls: SchemalensServer, params: lsp.InitializedParams) -> None:
    ls.protocol.notify(STATUS, starting_status())


async def did_open(ls: SchemalensServer, params: lsp.DidOpenTextDocumentParams) -> None:
    await check_document(ls, params.text_document.uri)


async def did_save(ls: SchemalensServer, params: lsp.DidSaveTextDocumentParams) -> None:
    await check_document(ls, params.text_document.uri)


def did_close(ls: SchemalensServer, params: lsp.DidCloseTextDocumentParams) -> None:
    """Diagnostics of a closed file stay only when they come from a check of its project
    (files of a multi-file schema); a lone file is cleared. Its check still running stops."""
    path = uris.to_fs_path(params.text_document.uri)
    if path:
        ls.checks.cancel(path)
    project = ls.checks.project_of(path) if path else None
    if project is None or project.target is None or len(project.target.files) <= 1:
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=params.text_document.uri, diagnostics=[]))


async def did_change_configuration(ls: SchemalensServer, params: lsp.DidChangeConfigurationParams) -> None:
    ls.settings_changed(params.settings)
    await asyncio.gather(*(check_document(ls, uri) for uri in list(ls.workspace.text_documents)))


def shutdown(ls: SchemalensServer, params: None) -> None:
    ls.checks.cancel()
    ls.databases.close_all()


async def check_document(ls: SchemalensServer, uri: str) -> None:
    target = await ls.target(uri)
    if target is None:
        return
    if isinstance(target, ConfigError):
        publish_config_error(ls, uri, target)
        return
    if target.kind == "schema":
        await ls.checks.request(target)
    elif target.kind == "migration":
        await ls.checks.request_migrations(target)


def publish_config_error(ls: SchemalensServer, uri: str, error: ConfigError) -> None:
    doc = ls.workspace.get_text_document(uri)
    range_ = first_line_range(split_lines(doc.source))
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
        uri=uri, version=doc.version,
        diagnostics=[diagnostic("config-error", lsp.DiagnosticSeverity.Error, redact(str(error)), range_,
                                {"kind": "config"})]))
