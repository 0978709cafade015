"""A throwaway PostgreSQL server for the test suite.

The suite starts its own server so that the README's test command works on a fresh
clone: initdb into a temporary directory owned by the `postgres` OS user (the server
refuses to run as root), trust auth, loopback only, fsync off. Set
SCHEMALENS_TEST_PG_URL to use a server that is already running instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bindir() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("PostgreSQL server binaries (initdb) not found: apt-get install postgresql")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


class PgServer:
    def __init__(self, password: str | None = None) -> None:
        """`password`: the postgres user's, and password (SCRAM) authentication instead of trust."""
        self.password = password
        self.root = Path(tempfile.mkdtemp(prefix="schemalens-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.bindir = _bindir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        auth = ["-A", "trust"]
        if self.password is not None:
            pwfile = self.root / "pwfile"
            pwfile.write_text(self.password + "\n")
            if os.geteuid() == 0:
                shutil.chown(pwfile, "postgres", "postgres")
            auth = ["-A", "scram-sha-256", f"--pwfile={pwfile}"]
        subprocess.run(
            _as_postgres([str(self.bindir / "initdb"), "-D", str(self.data), *auth,
                          "-U", "postgres", "-E", "UTF8", "--no-sync"]),
            check=True, capture_output=True,
        )
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off "
                   f"-c unix_socket_directories={self.data} -c max_connections=200")
        subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
                          "-l", str(self.root / "log"), "-w", "start"]),
            check=True, capture_output=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not start; see {self.root / 'log'}")

    def stop(self) -> None:
        subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def main() -> None:
    """`python -m tests.pgserver start|stop DIR`: a server for .ci/run to share with pytest."""
    import json
    import sys

    if sys.argv[1] == "start":
        server = PgServer()
        server.start()
        print(json.dumps({"url": server.url, "root": str(server.root), "data": str(server.data),
                          "bindir": str(server.bindir)}))
    else:
        info = json.loads(Path(sys.argv[2]).read_text())
        server = PgServer.__new__(PgServer)
        server.root, server.data, server.bindir = Path(info["root"]), Path(info["data"]), Path(info["bindir"])
        server.stop()


if __name__ == "__main__":
    main()
