from __future__ import annotations

from lsprotocol import types as lsp

from schemalens.lsp.server import SchemalensServer

OPTIONS = lsp.CompletionOptions(trigger_characters=["(", ","])


def completion(ls: SchemalensServer, params: lsp.CompletionParams) -> list[lsp.CompletionItem]:
    return []
