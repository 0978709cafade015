"""`schemalens studio`: serve the studio in the foreground and open the browser."""

from __future__ import annotations

import sys
import threading
import webbrowser
from typing import TextIO

from schemalens.config import Settings
from schemalens.urls import ConnectError, mask_url
from schemalens.studio.server import DEFAULT_PORT, LOOPBACK, StudioServer, StudioStartError, is_loopback


def studio_command(settings: Settings, *, port: int = DEFAULT_PORT, host: str = LOOPBACK,
                   no_open: bool = False, read_only: bool = False, out: TextIO | None = None) -> int:
    """Serve until Ctrl+C. Returns the exit code: 0 after a clean stop, 2 when it cannot start."""
    out = out or sys.stderr
    if not is_loopback(host):
        print(f"warning: listening on {host}: anyone who can reach this address and has the URL's token "
              "can read and edit the database", file=out)
    server = StudioServer(settings.database_url, host=host, port=port, read_only=read_only, settings=settings)
    try:
        url = server.prepare()
    except (StudioStartError, ConnectError) as e:
        print(f"error: {e}", file=out)
        return 2
    mode = " (read-only)" if read_only else ""
    print(f"schemalens studio{mode} for {mask_url(settings.database_url)}", file=out)
    print(f"  {url}", file=out)
    print("  (the token in this URL is the key to your database: do not share it; Ctrl+C to stop)", file=out)
    out.flush()
    if not no_open:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    server.serve_forever()
    return 0
