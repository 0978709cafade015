from __future__ import annotations

from typing import Any

COMMANDS: dict[str, Any] = {}
