from __future__ import annotations

from schemalens.lsp.server import SchemalensServer


def document_symbol(ls: SchemalensServer, params: object) -> None:
    return None
