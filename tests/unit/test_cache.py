import pickle
from pathlib import Path

from schemalens.cache import cache_key, cached


def test_hit_miss_and_key_sensitivity(tmp_path: Path) -> None:
    calls = []

    def compute() -> dict:
        calls.append(1)
        return {"n": len(calls)}

    key = cache_key("postgresql", "public", "a.sql", "CREATE TABLE a (id int);")
    assert cached(tmp_path, key, compute) == {"n": 1}
    assert cached(tmp_path, key, compute) == {"n": 1}  # from disk
    assert len(calls) == 1
    assert cache_key("postgresql", "public", "a.sql", "CREATE TABLE a (id bigint);") != key
    # the parts are length-prefixed: moving a boundary changes the key
    assert cache_key("ab", "c") != cache_key("a", "bc")


def test_corrupt_entry_is_a_miss_and_gets_rewritten(tmp_path: Path) -> None:
    key = cache_key("x")
    (tmp_path / f"{key}.pickle").write_bytes(b"not a pickle")
    assert cached(tmp_path, key, lambda: 42) == 42
    assert pickle.loads((tmp_path / f"{key}.pickle").read_bytes()) == 42


def test_unwritable_cache_still_computes(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert cached(blocker / "cache", cache_key("y"), lambda: "value") == "value"


def test_old_entries_are_pruned(tmp_path: Path) -> None:
    for i in range(20):
        cached(tmp_path, cache_key(str(i)), lambda: i)
    assert len(list(tmp_path.glob("*.pickle"))) <= 16
