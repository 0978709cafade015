"""How long reading a SQLAlchemy models module takes (sources/sqlalchemy.py), per size.

Writes an N-class declarative models module (realistic column types, server defaults, a
foreign key to an earlier table and an index per class), then times `parse_sqlalchemy`
for PostgreSQL and SQLite in this process, as the language server calls it: the first
parse (a fresh child interpreter imports SQLAlchemy and runs the module) and the
following ones (a spare child, started ahead with SQLAlchemy imported, runs it). Every
parse runs the user's module in a new process; no database is involved.

    python bench/sqlalchemy_source.py [--sizes 20,200] [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemalens.sources.sqlalchemy import parse_sqlalchemy  # noqa: E402

HEADER = '''from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass
'''

CLASS = '''

class Thing{i}(Base):
    __tablename__ = "thing_{i}"
    __table_args__ = (Index("thing_{i}_name", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="0")
    data: Mapped[dict | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(server_default="1")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
'''

PARENT = '''    parent_id: Mapped[int | None] = mapped_column(ForeignKey("thing_{parent}.id", ondelete="CASCADE"))
'''


def models(n: int) -> str:
    parts = [HEADER]
    for i in range(n):
        parts.append(CLASS.format(i=i) + (PARENT.format(parent=i // 2) if i else ""))
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20,200")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print("| classes | dialect | first parse ms | next parses p50 ms | p95 ms | tables |")
    print("|---:|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for n in (int(s) for s in args.sizes.split(",")):
            path = Path(folder) / f"models_{n}.py"
            path.write_text(models(n), encoding="utf-8")
            texts = [(str(path), path.read_text(encoding="utf-8"))]
            for dialect in ("postgresql", "sqlite"):
                times = []
                for _ in range(args.runs + 1):
                    start = time.perf_counter()
                    result = parse_sqlalchemy(texts, dialect)
                    times.append((time.perf_counter() - start) * 1000)
                    if result.has_errors:
                        sys.exit(f"N={n} {dialect}: {[p.message for p in result.problems]}")
                rest = sorted(times[1:])
                p95 = rest[min(len(rest) - 1, round(0.95 * (len(rest) - 1)))]
                print(f"| {n} | {dialect} | {times[0]:.0f} | {statistics.median(rest):.0f} | {p95:.0f} | "
                      f"{len(result.schema.tables)} |")
    print(f"\nload average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
