from __future__ import annotations

from schemalens.lsp.server import SchemalensServer


def hover(ls: SchemalensServer, params: object) -> None:
    return None
