"""A crash in one handler is logged and answered with nothing; the server lives on."""

import asyncio

from lsprotocol import types as lsp

from schemalens.lsp.server import guarded


class RecordingServer:
    def __init__(self) -> None:
        self.logged: list[tuple[str, lsp.MessageType]] = []

    def log(self, message: str, kind: lsp.MessageType) -> None:
        self.logged.append((message, kind))


def test_sync_and_async_handler_crashes_are_logged_not_raised() -> None:
    def hover(ls, params):
        raise KeyError("boom")

    async def completion(ls, params):
        raise ValueError("bad")

    server = RecordingServer()
    assert guarded(hover)(server, None) is None
    assert asyncio.run(guarded(completion)(server, None)) is None
    assert [m for m, _ in server.logged] == ["schemalens: hover failed: KeyError: 'boom'",
                                             "schemalens: completion failed: ValueError: bad"]
    assert all(kind == lsp.MessageType.Error for _, kind in server.logged)


def test_a_handler_that_works_is_untouched() -> None:
    def symbols(ls, params):
        return [params]

    assert guarded(symbols)(RecordingServer(), 3) == [3]
