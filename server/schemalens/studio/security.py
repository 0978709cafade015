"""The studio's door: every request passes here before any route sees it.

A local database browser is reachable by every web page the user visits (they can all send
requests to 127.0.0.1), so nothing is trusted by default:
- `Host` must name this server by IP literal or `localhost` and our port: a DNS-rebinding
  page arrives with its own domain name in `Host` and is turned away. Forwarded headers are
  ignored. One exception, exact: the host of the editor's port proxy (code-server's
  `/proxy/<port>/`, a remote editor's forwarded port), which only the editor that started this
  studio can name (`Hosts.forwarded`); a rebinding page cannot send its Host, being served
  from its own domain.
- A per-launch token is required on every API request: the `X-Schemalens-Token` header,
  or the HttpOnly SameSite=Strict session cookie the first URL swapped it for.
- Anything but GET/HEAD must be a JSON POST whose `Origin` and `Sec-Fetch-Site` say it
  comes from this very origin. Another localhost port is the same *site* (so SameSite
  cookies would ride along), but never the same *origin*.
- No CORS headers, ever; a strict CSP (no inline script), no referrer, no sniffing.
Static files (the page's own JavaScript and CSS, identical for everyone, no data) need
only a valid Host: a VS Code webview cannot attach a header to a `<script src>`.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_HEADER = "x-schemalens-token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'none'; base-uri 'none'; "
       "frame-ancestors 'self' vscode-webview:")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


@dataclass
class Secrets:
    """Fresh for every launch: the token printed in the URL and the cookie it becomes."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    session: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def token_ok(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.token.encode())

    def session_ok(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.session.encode())


def cookie_name(port: int) -> str:
    # Cookies are shared between ports of one host: name ours after the port so that two
    # studios (or anything else on localhost) cannot overwrite each other's session.
    return f"schemalens_studio_{port}"


def host_allowed(host_header: str | None, port: int) -> bool:
    if not host_header:
        return False
    host, sep, port_text = host_header.rpartition(":")
    if not sep or port_text != str(port):
        return False
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host.lower() == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass
class Hosts:
    """The Host headers that name this studio: its own address, and the editor's forwarded host."""

    port: int
    forwarded: str | None = None

    def allowed(self, header: str | None) -> bool:
        return host_allowed(header, self.port) or self.is_forwarded(header)

    def is_forwarded(self, header: str | None) -> bool:
        return header is not None and self.forwarded is not None and header.lower() == self.forwarded.lower()

    def origins(self, header: str | None) -> set[str]:
        """The page's own origin; through a proxy the editor may serve it over https."""
        return {f"http://{header}", f"https://{header}"} if self.is_forwarded(header) else {f"http://{header}"}


class Guard:
    """ASGI middleware that refuses anything not plainly from the studio's own page."""

    def __init__(self, app: ASGIApp, *, secrets_: Secrets, hosts: Hosts) -> None:
        self.app = app
        self.secrets = secrets_
        self.hosts = hosts
        self.cookie = cookie_name(hosts.port)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets: closing without accepting refuses them
        refusal = self.refusal(scope, Headers(scope=scope))
        if refusal is not None:
            status, message = refusal
            await _send_json(send, status, {"error": message})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def refusal(self, scope: Scope, headers: Headers) -> tuple[int, str] | None:
        if not self.hosts.allowed(headers.get("host")):
            return 421, "unexpected Host header: open the studio through the URL it printed"
        path: str = scope["path"]
        method: str = scope["method"]
        if method not in ("GET", "HEAD", "POST"):
            return 405, "method not allowed"
        if path.startswith("/static/"):
            return None if method in ("GET", "HEAD") else (405, "method not allowed")
        if not self.authenticated(scope, headers):
            return 401, "missing or wrong studio token: open the URL that `schemalens studio` printed"
        fetch_site = headers.get("sec-fetch-site")
        if path.startswith("/api/") and fetch_site not in (None, "same-origin", "none"):
            return 403, "cross-site request refused"
        if method == "POST":
            return self.post_refusal(headers, fetch_site)
        return None

    def authenticated(self, scope: Scope, headers: Headers) -> bool:
        if self.secrets.token_ok(headers.get(TOKEN_HEADER)):
            return True
        if self.secrets.session_ok(_cookie(headers, self.cookie)):
            return True
        if scope["path"] == "/" and scope["method"] in ("GET", "HEAD"):
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            return self.secrets.token_ok((query.get("token") or [None])[0])
        return False

    def post_refusal(self, headers: Headers, fetch_site: str | None) -> tuple[int, str] | None:
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type != "application/json":
            return 415, "state-changing requests must be JSON (Content-Type: application/json)"
        origin = headers.get("origin")
        if origin is not None and origin not in self.hosts.origins(headers.get("host")):
            return 403, "cross-origin request refused"
        if fetch_site is not None and fetch_site != "same-origin":
            return 403, "cross-site request refused"
        return None


def _cookie(headers: Headers, name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                            *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": data})
