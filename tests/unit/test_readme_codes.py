"""Every diagnostic code links to its README section (`codeDescription`): a code without
one is a dead link in the editor."""

from __future__ import annotations

import re
from pathlib import Path

from schemalens.lsp.diagnostics import DRIFT_CODES

ROOT = Path(__file__).resolve().parents[2]
# How the server names codes: problems of the sources (also from the SQLAlchemy worker's
# reply), lint's findings, and diagnostics of its own.
_EMITTED = re.compile(r'(?:Problem\(\s*"(?:error|warning|info)",\s*|\.error\(\s*|\.warn\(\s*|diagnostic\(\s*'
                      r'|Finding\(\s*|"code":\s*)"([a-z][a-z0-9-]+)"')


def test_every_code_the_server_emits_has_a_readme_section() -> None:
    emitted = {m.group(1) for path in (ROOT / "server" / "schemalens").rglob("*.py")
               for m in _EMITTED.finditer(path.read_text(encoding="utf-8"))}
    emitted |= set(DRIFT_CODES.values())
    sections = set(re.findall(r"^#### ([a-z0-9-]+)$", (ROOT / "README.md").read_text(encoding="utf-8"), re.M))
    assert len(emitted) > 40
    assert sorted(emitted - sections) == []
