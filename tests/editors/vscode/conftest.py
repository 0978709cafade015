"""A real VS Code (code-server from npm) with the freshly packaged extension, driven through Chromium.

Session: install code-server (cached per version outside the repository), package the .vsix from
vscode-client/ (with the server's wheel inside, as users get it), install it into a scratch
extensions folder. Per test: a workspace folder, a code-server on a free port, a Chromium page.
The extension runs the server with this interpreter (`schemalens.python`), so the server under test
is this checkout's.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.editors.vscode import code_server
from tests.editors.vscode.workbench import Workbench

ROOT = Path(__file__).resolve().parents[3]
CLIENT = ROOT / "vscode-client"
CHROMIUM = "/usr/bin/chromium"
# Nothing may leave the machine: every host but the loopback address fails to resolve.
CHROMIUM_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--no-sandbox"]
USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": False,
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "extensions.ignoreRecommendations": True,
    "telemetry.telemetryLevel": "off",
    "workbench.enableExperiments": False,
    "workbench.tips.enabled": False,
    "update.mode": "none",
    "chat.disableAIFeatures": True,
    "window.commandCenter": False,
    "workbench.layoutControl.enabled": False,
}
SCREENSHOTS = Path(os.environ["SCHEMALENS_SCREENSHOTS"]) if os.environ.get("SCHEMALENS_SCREENSHOTS") else None


@dataclass
class Installed:
    binary: Path
    extensions: Path


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    binary = code_server.install()
    if not (CLIENT / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-fund", "--no-audit"], cwd=CLIENT, check=True, stdout=sys.stderr)
    subprocess.run(["npm", "run", "package"], cwd=CLIENT, check=True, stdout=sys.stderr)
    extensions = tmp_path_factory.mktemp("extensions")
    subprocess.run([str(binary), "--extensions-dir", str(extensions), "--user-data-dir",
                    str(tmp_path_factory.mktemp("install-data")), "--install-extension", str(CLIENT / "schemalens.vsix")],
                   check=True, stdout=sys.stderr, stderr=subprocess.STDOUT)
    return Installed(binary, extensions)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Editor:
    workbench: Workbench
    folder: Path
    url: str
    screenshots: Path | None = SCREENSHOTS


def _wait_listening(process: subprocess.Popen[bytes], log: Path, port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"code-server exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)  # polling a port that is not open yet: no assertion hangs on this
    raise RuntimeError(f"code-server did not listen on {port}:\n{log.read_text()}")


@pytest.fixture
def open_editor(installed: Installed, tmp_path: Path) -> Iterator[Callable[[Path, dict[str, object]], Editor]]:
    """open_editor(folder, workspace_settings) -> Editor on that folder; everything ends with the test."""
    from playwright.sync_api import sync_playwright

    processes: list[subprocess.Popen[bytes]] = []
    playwright = sync_playwright().start()
    browsers = []

    def start(folder: Path, settings: dict[str, object]) -> Editor:
        (folder / ".vscode").mkdir(exist_ok=True)
        (folder / ".vscode" / "settings.json").write_text(json.dumps({"schemalens.python": sys.executable, **settings}))
        data = tmp_path / "user-data"
        (data / "User").mkdir(parents=True, exist_ok=True)
        (data / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS))
        (tmp_path / "config.yaml").write_text("auth: none\n")
        port = _free_port()
        log = tmp_path / "code-server.log"
        env = dict(os.environ, EXTENSIONS_GALLERY=json.dumps({"serviceUrl": "http://127.0.0.1:9/gallery",
                                                              "itemUrl": "http://127.0.0.1:9/item"}))
        # The extension runs `python -m schemalens` with this interpreter: this checkout's server first.
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "server"), *filter(None, [env.get("PYTHONPATH")])])
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(installed.binary), "--config", str(tmp_path / "config.yaml"), "--auth", "none",
                 "--bind-addr", f"127.0.0.1:{port}", "--disable-telemetry", "--disable-update-check",
                 "--disable-workspace-trust", "--disable-getting-started-override", "--ignore-last-opened",
                 "--user-data-dir", str(data), "--extensions-dir", str(installed.extensions), str(folder)],
                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        processes.append(process)
        _wait_listening(process, log, port)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        browsers.append(browser)
        page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        url = f"http://127.0.0.1:{port}/?folder={folder}"
        page.goto(url)
        workbench = Workbench(page)
        workbench.wait_ready()
        return Editor(workbench, folder, url)

    yield start
    for browser in browsers:
        browser.close()
    playwright.stop()
    for process in processes:
        # SIGTERM ends code-server's extension hosts, and with them the language servers.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    return folder
