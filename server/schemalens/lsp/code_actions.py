from __future__ import annotations

from lsprotocol import types as lsp

from schemalens.lsp.server import SchemalensServer

OPTIONS = lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix])


async def code_action(ls: SchemalensServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    return []
