"""Secret-leak scan: with a password in the database URL (URL and keyword forms, encoded,
in the query, in PGPASSWORD), every output path shows no trace of it — each CLI command's
text and JSON, exit paths that fail (unreachable host, wrong password, malformed URL) and
that succeed, and the files they leave (migrations, snapshots, pulled schema, caches).

Each command runs as its own process, as a user runs it: nothing a previous run learned
in-process can mask this one's output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.pgserver import PgServer
from tests.robustness.conftest import PASSWORD
from tests.robustness.leaks import ODD_SECRET, SECRET, failing_urls, leaked

SERVER = Path(__file__).resolve().parents[2] / "server"
# every command, each with the options it takes; --json where it has it
COMMANDS = {
    "check": ["--schema", "schema.sql"], "diff": ["--schema", "schema.sql"],
    "push": ["--schema", "schema.sql", "--force"], "pull": ["--output", "pulled.sql"], "status": [],
    "generate": ["--schema", "schema.sql", "--name", "first"], "migrate": [],
}
JSON = {"check", "diff", "push", "status", "migrate"}


def runs(url: str) -> list[list[str]]:
    """One run per command: with --json where it has it, as an error then goes to both
    outputs (the text on stderr, the JSON on stdout), so one run scans both."""
    return [[command, "--db", url, *options, *(["--json"] if command in JSON else [])]
            for command, options in COMMANDS.items()]


def run_all(project: Path | list[Path], argvs: list[list[str]],
            env: dict[str, str] | None = None) -> list[tuple[list[str], int, str]]:
    """Each argv run in its project folder (one for all, or one each), four at a time."""
    environ = {**os.environ, "PYTHONPATH": str(SERVER), **(env or {})}
    environ.pop("DATABASE_URL", None)
    folders = project if isinstance(project, list) else [project] * len(argvs)

    def one(folder: Path, argv: list[str]) -> tuple[list[str], int, str]:
        done = subprocess.run([sys.executable, "-m", "schemalens", *argv], cwd=folder, env=environ,
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        return argv, done.returncode, done.stdout + done.stderr

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, folders, argvs))


def files_text(project: Path) -> str:
    """Every file the runs left in the project (migrations, snapshots, caches, pulled schema)."""
    texts = []
    for path in sorted(project.rglob("*")):
        if path.is_file() and path.name != "schema.sql":
            texts.append(f"== {path.relative_to(project)}\n" + path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


def assert_no_leak(secrets: list[str], results: list[tuple[list[str], int, str]], project: Path) -> None:
    found = []
    for argv, code, output in results:
        found += [f"{' '.join(argv[:1] + argv[3:])} (exit {code}): {leak}" for leak in leaked(secrets, output)]
        if "Traceback" in output:
            found.append(f"{' '.join(argv)}: a traceback: {output[-300:]!r}")
    found += [f"a file: {leak}" for leak in leaked(secrets, files_text(project))]
    assert found == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (id int PRIMARY KEY, name text);\n", encoding="utf-8")
    return tmp_path


def test_no_command_shows_the_password_of_a_url_that_cannot_connect(project: Path) -> None:
    """The malformed IPv6 host raised a traceback printing the URL; a keyword string was
    echoed lower-cased in "cannot tell the dialect"; a SQLite URL with userinfo as written."""
    folders, argvs = [], []
    for i, url in enumerate(failing_urls().values()):  # a project each: migrate must not read generate's half-written folder
        own = project / str(i)
        own.mkdir()
        (own / "schema.sql").write_text((project / "schema.sql").read_text())
        for argv in runs(url):
            folders.append(own)
            argvs.append(argv)
    results = run_all(folders, argvs)
    assert_no_leak([SECRET, ODD_SECRET], results, project)
    # generate needs no database (it diffs against the last snapshot): it may succeed
    assert [(argv, code) for argv, code, _ in results if code != 2 and argv[0] != "generate"] == []


def wrong_and_right(server: PgServer) -> dict[str, str]:
    host = f"127.0.0.1:{server.port}"
    return {
        "wrong password, URL": f"postgresql://postgres:{SECRET}@{host}/postgres",
        "wrong password, keyword string": f"host=127.0.0.1 port={server.port} user=postgres password={SECRET}",
        "right password, URL": f"postgresql://postgres:{PASSWORD}@{host}/postgres",
    }


def test_no_command_shows_the_password_when_it_is_wrong_or_right(project: Path, password_server: PgServer) -> None:
    """Against a server that checks passwords: refused ones, and every command that works
    (push creates, generate writes a migration and its snapshot, migrate records it, pull
    writes a schema file, caches are written)."""
    urls = wrong_and_right(password_server)
    results = []
    for name, url in urls.items():  # in order: the runs of one URL build on each other
        results += run_all(project, runs(url)) if name.startswith("wrong") else \
            [r for argv in runs(url) for r in run_all(project, [argv])]
    assert_no_leak([SECRET, PASSWORD], results, project)
    assert list((project / "migrations").glob("*.sql")), "generate wrote no migration: the scan saw too little"
    assert (project / "pulled.sql").is_file()


def test_pgpassword_from_the_environment_is_never_shown(project: Path, password_server: PgServer) -> None:
    url = f"postgresql://postgres@127.0.0.1:{password_server.port}/postgres"
    results = run_all(project, [argv for argv in runs(url) if argv[0] in ("check", "status")],
                      env={"PGPASSWORD": SECRET})
    assert_no_leak([SECRET], results, project)
    assert all(code == 2 for _, code, _ in results)
