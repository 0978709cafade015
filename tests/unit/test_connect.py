"""Opening connections: every failure one clear, password-free message."""

import pytest

from schemalens.connect import connect
from schemalens.urls import ConnectError


def test_unreachable_postgres_is_one_masked_message() -> None:
    with pytest.raises(ConnectError) as info:
        connect("postgresql://bob:hunter2@127.0.0.1:1/db", origin="environment")
    text = str(info.value)
    assert "hunter2" not in text and "bob:***@127.0.0.1:1" in text and "from environment" in text


def test_missing_sqlite_file_is_not_created_in_read_only_mode(tmp_path) -> None:
    with pytest.raises(ConnectError, match="does not exist"):
        connect(f"sqlite:///{tmp_path}/none.db", read_only=True)
    assert not (tmp_path / "none.db").exists()
