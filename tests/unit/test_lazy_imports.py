"""A SQLite project never loads the PostgreSQL stack, and `--help` loads no engine: each
asserted in a fresh interpreter by what it imported (behaviour, not time; the times are in
bench/startup.py). `dialects.get` is the one place that decides which dialect's modules load."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, BinaryIO

ROOT = Path(__file__).resolve().parents[2]
POSTGRESQL_STACK = ("psycopg", "pglast", "schemalens.dialects.postgresql.catalog",
                    "schemalens.dialects.postgresql.files")

# Runs command lines in one interpreter, then prints the modules it loaded.
CLI = """
import json, sys
from schemalens.cli import run
codes = [run(args) for args in json.loads(sys.argv[1])]
print(json.dumps({"codes": codes, "modules": sorted(sys.modules)}))
"""

# The language server, writing the modules it loaded when it exits.
SERVER = """
import atexit, json, sys
atexit.register(lambda: open(sys.argv[1], "w").write(json.dumps(sorted(sys.modules))))
from schemalens.cli import run
run(["lsp"])
"""


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEMALENS_") and k != "DATABASE_URL"}
    return env | {"PYTHONPATH": str(ROOT / "server")}


def blog(tmp_path: Path) -> Path:
    project = tmp_path / "blog"
    shutil.copytree(ROOT / "examples" / "blog", project)
    return project


def cli_modules(project: Path, *command_lines: list[str]) -> tuple[list[int], set[str]]:
    done = subprocess.run([sys.executable, "-c", CLI, json.dumps(command_lines)], cwd=project, env=environment(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.splitlines()[-1])
    return answer["codes"], set(answer["modules"])


def loaded(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


def test_a_sqlite_push_and_check_never_import_the_postgresql_stack(tmp_path: Path) -> None:
    codes, modules = cli_modules(blog(tmp_path), ["push", "--force"], ["check"], ["diff"])
    assert codes == [0, 0, 0]
    assert "schemalens.dialects.sqlite.catalog" in modules  # the check did read the database
    assert loaded(modules, POSTGRESQL_STACK) == []


def test_help_and_version_load_no_engine(tmp_path: Path) -> None:
    codes, modules = cli_modules(blog(tmp_path), ["--help"], ["--version"], ["check", "--help"])
    assert codes == [0, 0, 0]
    assert loaded(modules, ("schemalens.workflows", "schemalens.history", "schemalens.dialects.sqlite",
                            "schemalens.dialects.postgresql", "psycopg", "pglast", "sqlalchemy", "lsprotocol",
                            "pydantic", "typer")) == []


def _send(stream: BinaryIO, message: dict[str, Any]) -> None:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream.flush()


def _receive(stream: BinaryIO) -> dict[str, Any]:
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    assert length, "the server closed its output"
    return json.loads(stream.read(length))


def test_the_language_server_for_a_sqlite_project_never_imports_the_postgresql_stack(tmp_path: Path) -> None:
    project = blog(tmp_path)
    subprocess.run([sys.executable, "-m", "schemalens", "push", "--force"], cwd=project, env=environment(),
                   check=True, capture_output=True, timeout=120)
    dump = tmp_path / "modules.json"
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(dump)], cwd=project, env=environment(),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert server.stdin is not None and server.stdout is not None
    schema = project / "schema.sql"
    try:
        _send(server.stdin, {"id": 1, "method": "initialize", "params": {
            "processId": os.getpid(), "rootUri": project.as_uri(), "capabilities": {}}})
        while _receive(server.stdout).get("id") != 1:
            pass
        _send(server.stdin, {"method": "initialized", "params": {}})
        _send(server.stdin, {"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": schema.as_uri(), "languageId": "sql", "version": 1, "text": schema.read_text()}}})
        while ((message := _receive(server.stdout)).get("method") != "schemalens/status"
               or message["params"]["state"] == "starting"):  # the check's status, not the server's first
            if "id" in message and "method" in message:  # a request of the server's: answer it
                _send(server.stdin, {"id": message["id"], "result": None})
        assert message["params"]["changes"] == 0, message  # checked against the database: in sync
        _send(server.stdin, {"id": 2, "method": "shutdown"})
        while _receive(server.stdout).get("id") != 2:
            pass
        _send(server.stdin, {"method": "exit"})
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    modules = set(json.loads(dump.read_text()))
    assert "schemalens.dialects.sqlite.catalog" in modules  # the check did read the database
    assert loaded(modules, POSTGRESQL_STACK) == []
