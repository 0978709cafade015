"""Starting the studio: in the foreground for `schemalens studio`, or on a background
thread for the language server (`schemalens.studio` returns the URL).

We bind the socket ourselves before uvicorn starts: the port must be known up front,
because the Host allowlist and the cookie name depend on it.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
from dataclasses import dataclass, field

import uvicorn

from schemalens.config import Settings
from schemalens.studio.app import Studio, create_app

DEFAULT_PORT = 4983
LOOPBACK = "127.0.0.1"


class StudioStartError(Exception):
    """The studio could not start (port taken, database unreachable); safe to print."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio turns on TCP_NODELAY only for sockets that say so, and
    # without it every response waits ~40 ms for a delayed ACK (headers and body are two writes).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise StudioStartError(f"port {port} on {host} is in use: pass --port 0 for any free port") from None
        raise StudioStartError(f"cannot listen on {host}:{port}: {e.strerror}") from None
    sock.listen(128)
    return sock


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::"):
        return LOOPBACK
    return f"[{host}]" if ":" in host else host


@dataclass
class StudioServer:
    """One running studio. `url` carries the launch token: give it only to the user."""

    url_database: str
    host: str = LOOPBACK
    port: int = 0
    read_only: bool = False
    settings: Settings | None = None
    studio: Studio | None = field(default=None, init=False)
    _server: uvicorn.Server | None = field(default=None, init=False)
    _sock: socket.socket | None = field(default=None, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)

    def prepare(self) -> str:
        """Bind, connect and build the app; returns the URL with the launch token."""
        self._sock = bind(self.host, self.port)
        self.port = self._sock.getsockname()[1]
        try:
            self.studio = Studio(self.url_database, port=self.port, read_only=self.read_only,
                                 settings=self.settings)
        except Exception:
            self._sock.close()
            raise
        config = uvicorn.Config(create_app(self.studio), log_level="warning", access_log=False,
                                proxy_headers=False, server_header=False, lifespan="off",
                                ws="none", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        return self.url

    @property
    def url(self) -> str:
        assert self.studio is not None, "prepare() first"
        return f"http://{_url_host(self.host)}:{self.port}/?token={self.studio.secrets.token}"

    @property
    def base_url(self) -> str:
        return f"http://{_url_host(self.host)}:{self.port}"

    def serve_forever(self) -> None:
        """Run in this thread until Ctrl+C (uvicorn handles the signals)."""
        assert self._server is not None and self._sock is not None
        try:
            self._server.run(sockets=[self._sock])
        finally:
            self.close()

    def start(self) -> str:
        """Run on a daemon thread; returns once the server accepts connections."""
        url = self.prepare()
        assert self._server is not None and self._sock is not None
        server, sock = self._server, self._sock
        self._thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                                        name="schemalens-studio", daemon=True)
        self._thread.start()
        while not server.started and self._thread.is_alive():
            self._thread.join(0.01)
        if not server.started:
            self.close()
            raise StudioStartError("the studio server stopped while starting")
        return url

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)
        self.close()

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
        if self.studio is not None:
            self.studio.close()


def start_studio(settings: Settings, *, host: str = LOOPBACK, port: int = 0,
                 read_only: bool = False) -> StudioServer:
    """Start a studio on a background thread (for the language server); `.url` to open,
    `.stop()` to end it."""
    server = StudioServer(settings.database_url, host=host, port=port, read_only=read_only, settings=settings)
    server.start()
    return server
