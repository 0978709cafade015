import pytest

from schemalens.connect import ConnectError, connect, mask_text, mask_url, sqlite_path


@pytest.mark.parametrize("url, masked", [
    ("postgresql://bob:s3cr%40t@db.example:5432/app", "postgresql://bob:***@db.example:5432/app"),
    ("postgres://bob:pw@host/db?sslmode=require", "postgres://bob:***@host/db?sslmode=require"),
    ("postgresql://host/db?user=bob&password=pw", "postgresql://host/db?user=bob&password=***"),
    ("postgresql://bob@host/db", "postgresql://bob@host/db"),
    ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),
])
def test_mask_url(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_mask_text_removes_the_password_wherever_it_appears() -> None:
    url = "postgresql://bob:hunter2@h/db"
    assert "hunter2" not in mask_text(f"failed for {url}; password hunter2 rejected", url)


def test_sqlite_paths() -> None:
    assert sqlite_path("sqlite:///rel/x.db") == "rel/x.db"
    assert sqlite_path("sqlite:////abs/x.db") == "/abs/x.db"
    with pytest.raises(ConnectError, match="sqlite:///path"):
        sqlite_path("sqlite:/x.db")


def test_unreachable_postgres_is_one_masked_message() -> None:
    with pytest.raises(ConnectError) as info:
        connect("postgresql://bob:hunter2@127.0.0.1:1/db", origin="environment")
    text = str(info.value)
    assert "hunter2" not in text and "bob:***@127.0.0.1:1" in text and "from environment" in text


def test_missing_sqlite_file_is_not_created_in_read_only_mode(tmp_path) -> None:
    with pytest.raises(ConnectError, match="does not exist"):
        connect(f"sqlite:///{tmp_path}/none.db", read_only=True)
    assert not (tmp_path / "none.db").exists()
