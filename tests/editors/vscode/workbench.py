"""The VS Code workbench (code-server in Chromium) as a user drives it: keys, clicks, what is on screen.

Every step waits on the UI itself (Playwright's auto-waiting `expect`), never on a sleep: a loaded
machine takes 15-25 s for the first squiggle, and a fixed pause would be either flaky or slow.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

# The first check includes the extension host's start, the interpreter probe and the server's start.
FIRST_CHECK_MS = 120_000
STEP_MS = 60_000
SQUIGGLE = ".monaco-editor .view-overlays [class*='squiggly-']"


class Workbench:
    def __init__(self, page: Page) -> None:
        self.page = page

    def wait_ready(self) -> None:
        expect(self.page.locator(".monaco-workbench")).to_be_visible(timeout=FIRST_CHECK_MS)
        expect(self.page.locator(".statusbar")).to_be_visible(timeout=STEP_MS)

    def _palette_input(self) -> Locator:
        return self.page.locator(".quick-input-widget input")

    def open_file(self, name: str) -> None:
        """Quick Open (Ctrl+P), as a user would."""
        self.page.locator(".part.editor").click()  # focus the workbench on an empty editor area
        self.page.keyboard.press("Control+P")
        expect(self._palette_input()).to_be_visible(timeout=STEP_MS)
        self._palette_input().fill(name)
        expect(self.page.locator(".quick-input-list .monaco-list-row").first).to_contain_text(name, timeout=STEP_MS)
        self.page.keyboard.press("Enter")
        expect(self.page.locator(f".tab[aria-label^='{name}']")).to_be_visible(timeout=STEP_MS)
        expect(self.page.locator(".monaco-editor .view-lines").first).to_be_visible(timeout=STEP_MS)

    def run_command(self, title: str) -> None:
        """The command palette (F1), picking the command by its exact title."""
        self.page.keyboard.press("F1")
        expect(self._palette_input()).to_be_visible(timeout=STEP_MS)
        self._palette_input().fill(f">{title}")
        row = self.page.locator(".quick-input-list .monaco-list-row", has_text=title).first
        expect(row).to_be_visible(timeout=STEP_MS)
        row.click()

    def squiggles(self) -> Locator:
        return self.page.locator(SQUIGGLE)

    def show_problems(self) -> Locator:
        self.page.keyboard.press("Control+Shift+M")
        panel = self.page.locator(".markers-panel")
        expect(panel).to_be_visible(timeout=STEP_MS)
        return panel

    def problem(self, code: str) -> Locator:
        return self.page.locator(".markers-panel .monaco-list-row", has_text=code)

    def quick_fix(self, title_start: str) -> None:
        """Put the cursor on the first squiggle, open the quick fixes (Ctrl+.) and pick one."""
        self.squiggles().first.click(force=True)  # force: the overlay sits under the text layer
        self.page.keyboard.press("Control+.")
        self.pick_action(title_start)

    def pick_action(self, title_start: str) -> None:
        """Pick from the open action list by keyboard: a pointer block covers it against stray clicks."""
        rows = self.page.locator(".action-widget .monaco-list-row.action")
        wanted = rows.filter(has_text=title_start).first
        expect(wanted).to_be_visible(timeout=STEP_MS)
        for _ in range(rows.count()):
            if "focused" in (wanted.get_attribute("class") or ""):
                break
            self.page.keyboard.press("ArrowDown")
        expect(wanted).to_have_class(re.compile(r"\bfocused\b"), timeout=STEP_MS)
        self.page.keyboard.press("Enter")

    def status_item(self, pattern: str) -> Locator:
        return self.page.locator(".statusbar-item", has_text=re.compile(pattern))

    def toast(self, text: str | re.Pattern[str]) -> Locator:
        return self.page.locator(".notifications-toasts .notification-toast", has_text=text)

    def toast_button(self, text: str | re.Pattern[str], label: str) -> Locator:
        return self.toast(text).locator(".monaco-button", has_text=label)

    def dialog(self) -> Locator:
        return self.page.locator(".monaco-dialog-box")

    def dialog_button(self, label: str) -> Locator:
        return self.dialog().locator(".monaco-button", has_text=label)

    def screenshot(self, folder: Path | None, name: str) -> None:
        """Screenshots for the extension's README, when SCHEMALENS_SCREENSHOTS names a folder."""
        if folder is not None:
            self.page.screenshot(path=str(folder / f"{name}.png"))
