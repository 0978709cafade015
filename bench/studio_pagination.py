"""Studio pagination on a 1,000,000-row PostgreSQL table: time to the first page and to
page 100 (and page 10,000) through the HTTP API, keyset on the primary key.

Starts its own throwaway PostgreSQL (tests/pgserver.py) and a studio on 127.0.0.1, then
times whole HTTP round trips (`GET /api/rows`) from a keep-alive client: what the page
pays per click. Each page is loaded `--runs` times (default 20); p50 and p95 reported.

    python bench/studio_pagination.py [--rows 1000000] [--runs 20] [--limit 100]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import psycopg  # noqa: E402

from schemalens.studio.rows import encode_cursor  # noqa: E402
from schemalens.studio.server import StudioServer  # noqa: E402
from tests.pgserver import PgServer  # noqa: E402

TARGET_MS = 100.0


def load(url: str, rows: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("""CREATE TABLE orders (
            id bigint PRIMARY KEY, customer text NOT NULL, email text, amount numeric(10, 2),
            status text NOT NULL DEFAULT 'open', created_at timestamptz NOT NULL, meta jsonb)""")
        conn.execute("""INSERT INTO orders
            SELECT i, 'customer ' || (i %% 5000), CASE WHEN i %% 7 = 0 THEN NULL ELSE 'c' || i || '@example.com' END,
                   (i %% 100000) / 100.0, (ARRAY['open', 'paid', 'shipped'])[1 + i %% 3],
                   timestamptz '2024-01-01' + i * interval '1 minute', jsonb_build_object('n', i, 'tags', ARRAY['a', 'b'])
            FROM generate_series(1, %s) AS i""", (rows,))
        conn.execute("CREATE INDEX orders_created_at ON orders (created_at)")
        conn.execute("VACUUM ANALYZE orders")


def timed(client: httpx.Client, params: dict[str, str], runs: int) -> tuple[list[float], dict]:
    times = []
    body: dict = {}
    for _ in range(runs):
        start = time.perf_counter()
        r = client.get("/api/rows", params=params)
        times.append((time.perf_counter() - start) * 1000)
        r.raise_for_status()
        body = r.json()
    return times, body


def cursor_of_page(client: httpx.Client, base: dict[str, str], page: int) -> str | None:
    """Walk the pages like a user clicking Next (honest cursors, not computed ones)."""
    after = None
    for _ in range(page - 1):
        r = client.get("/api/rows", params={**base, **({"after": after} if after else {})})
        r.raise_for_status()
        after = r.json()["next"]
    return after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--limit", type=int, default=100)
    args = parser.parse_args()

    pg = PgServer()
    pg.start()
    studio = None
    try:
        t0 = time.perf_counter()
        load(pg.url, args.rows)
        print(f"loaded {args.rows:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)
        studio = StudioServer(pg.url)
        studio.start()
        assert studio.studio is not None
        headers = {"x-schemalens-token": studio.studio.secrets.token}
        base = {"schema": "public", "table": "orders", "limit": str(args.limit)}
        with httpx.Client(base_url=studio.base_url, headers=headers, timeout=60) as client:
            start = time.perf_counter()
            tables = client.get("/api/tables").json()["tables"]
            listing_ms = (time.perf_counter() - start) * 1000
            listed = next(t for t in tables if t["name"] == "orders")
            client.get("/api/rows", params=base)  # warm the catalog cache and the connection
            cases: list[tuple[str, dict[str, str], int]] = []
            cases.append(("first page", base, 1))
            cases.append(("page 100", {**base, "after": cursor_of_page(client, base, 100) or ""}, 100))
            far = args.rows // args.limit
            # page `far` via the cursor the page before it would hand out (ids are 1..rows)
            cases.append((f"page {far:,}", {**base, "after": encode_cursor([str((far - 1) * args.limit)])}, far))
            indexed = {**base, "sort": "created_at", "desc": "1"}
            cases.append(("sorted by created_at desc (indexed)", indexed, 1))
            cases.append(("  its page 100", {**indexed, "after": cursor_of_page(client, indexed, 100) or ""}, 100))
            cases.append(("sorted by customer (no index: full sort)", {**base, "sort": "customer"}, 1))
            results = []
            for label, params, number in cases:
                times, body = timed(client, params, args.runs)
                first_id = body["rows"][0]["key"]["id"]
                results.append((label, statistics.median(times), _p95(times), first_id))
        print(f"\nstudio pagination: {args.rows:,}-row PostgreSQL table, {args.limit} rows/page, "
              f"{args.runs} loads per page, HTTP round trip")
        print(f"table list: {listing_ms:.0f} ms (orders shown as {listed['rows']:,} rows, "
              f"{'exact' if listed['exact'] else 'estimate'}: no COUNT(*))\n")
        print(f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8}  first id")
        for label, p50, p95, first_id in results:
            print(f"{label:<40} {p50:>8.1f} {p95:>8.1f}  {first_id}")
        worst = max(p50 for _, p50, _, _ in results[:3])
        verdict = "met" if worst < TARGET_MS else "NOT met"
        print(f"\ntarget: under {TARGET_MS:.0f} ms each, flat in the page number: {verdict} (worst p50 {worst:.1f} ms)")
    finally:
        if studio is not None:
            studio.stop()
        pg.stop()


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
