"""Install code-server once per version, outside the repository, so the end-to-end test can run it.

The install compiles native modules for ~8 minutes: it is cached in ~/.cache/schemalens-code-server/<version>/
(SCHEMALENS_CODE_SERVER_CACHE moves it) and built in a scratch folder that is renamed into place only once it
works, so an interrupted install is never mistaken for a finished one. Offline machines: see the environment
variables below (the editors note in the repository's CI script explains each).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "4.100.3"  # the last release whose engines.node accepts Node 20
# The ripgrep release @vscode/ripgrep (as pinned by this code-server) downloads from GitHub at install time;
# seeding its download cache with Debian's rg makes the install work without network.
RIPGREP_PACKAGE = "1.15.11"
RIPGREP_ASSET = "ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"


def cache_root() -> Path:
    return Path(os.environ.get("SCHEMALENS_CODE_SERVER_CACHE", Path.home() / ".cache" / "schemalens-code-server"))


def binary(version: str = VERSION) -> Path:
    return cache_root() / version / "node_modules" / ".bin" / "code-server"


def _seed_ripgrep() -> None:
    rg = shutil.which("rg")
    if rg is None:
        raise RuntimeError("code-server's install needs ripgrep (apt-get install ripgrep)")
    node_tmp = subprocess.run(["node", "-p", 'require("os").tmpdir()'], capture_output=True, text=True, check=True)
    folder = Path(node_tmp.stdout.strip()) / f"vscode-ripgrep-cache-{RIPGREP_PACKAGE}"
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / RIPGREP_ASSET, "w:gz") as archive:
        archive.add(rg, arcname="rg")


def install(version: str = VERSION) -> Path:
    """The code-server binary of `version`, installed first if the cache lacks it."""
    target = binary(version)
    if target.exists():
        return target
    _seed_ripgrep()
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=root))
    env = dict(
        os.environ,
        npm_config_unsafe_perm="true",  # its install script refuses root otherwise
        npm_config_yes="true",  # node-pty's install runs `npx node-gyp`
        npm_config_nodedir="/usr",  # Node's headers for the native builds
        npm_config_fund="false",
        npm_config_audit="false",
    )
    (scratch / "package.json").write_text('{"private": true}\n')
    result = subprocess.run(
        ["npm", "install", f"code-server@{version}", "--foreground-scripts", "--no-save"],
        cwd=scratch, env=env, stdout=sys.stderr, stderr=subprocess.STDOUT,
    )
    if result.returncode != 0:
        shutil.rmtree(scratch, ignore_errors=True)
        raise RuntimeError(f"npm install code-server@{version} failed (exit {result.returncode})")
    scratch.rename(root / version)
    return target


if __name__ == "__main__":
    print(install())
