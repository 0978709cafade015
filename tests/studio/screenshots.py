"""The README's studio screenshots, made from a real studio in Debian's Chromium:

    python3 -m tests.studio.screenshots [folder]    # default: docs/ (studio-grid.png, studio-edit.png)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.studio.conftest import ARGS, CHROMIUM, _running

DEMO = """CREATE TABLE tasks (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), title TEXT NOT NULL,
                    done BOOLEAN NOT NULL DEFAULT 0, due DATE, details JSON);
INSERT INTO tasks (user_id, title, done, due, details) VALUES
  (1, 'Write the migration', 1, '2025-03-01', '{"estimate": 2, "tags": ["db"]}'),
  (2, 'Review the schema diff', 0, '2025-03-04', '{"estimate": 1}'),
  (3, 'Back up production', 0, NULL, NULL),
  (1, 'Rename users.name', 0, '2025-03-10', '{"estimate": 3, "tags": ["breaking"]}')"""


def shoot(browser: Any, folder: Path) -> list[Path]:
    """Write the grid and an edit in progress into `folder`; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.db"
        Path(tmp, "demo.db").touch()
        for s in _running(url, "sqlite"):
            for statement in DEMO.split(";\n"):
                s.execute(statement)
            page = browser.new_page(viewport={"width": 1400, "height": 600})
            page.goto(s.server.url)
            page.click('.table-link[data-table="users"]')
            page.wait_for_selector("#grid tbody tr")
            grid = folder / "studio-grid.png"
            page.screenshot(path=str(grid))
            page.click('.table-link[data-table="tasks"]')
            page.wait_for_selector("#grid tbody tr")
            page.locator('#grid tr[data-key=\'{"id":"2"}\'] td[data-col="done"]').dblclick()  # a toggle
            page.locator('#grid tr[data-key=\'{"id":"4"}\'] td[data-col="details"]').dblclick()  # JSON, checked
            page.locator('#grid td[data-col="details"] textarea').fill('{"estimate": 3,\n "tags": ["breaking"]')
            page.wait_for_selector(".value-error:not(:empty)")
            edit = folder / "studio-edit.png"
            page.screenshot(path=str(edit))
            page.close()
    return [grid, edit]


def main() -> int:
    from playwright.sync_api import sync_playwright

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for path in shoot(browser, folder):
            print(path)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
