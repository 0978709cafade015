from __future__ import annotations

from schemalens.lsp.server import SchemalensServer


def definition(ls: SchemalensServer, params: object) -> None:
    return None
