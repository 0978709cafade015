"""The secret-leak scan's inputs and its one assertion, shared by the CLI and editor tests.

A password is hunted in every spelling it may take in text: as written, percent-encoded,
percent-decoded, and in any letter case (an error lower-cased a URL it did not recognise).
"""

from __future__ import annotations

from urllib.parse import quote, unquote

SECRET = "Xq9-pass-Vw"       # in the URLs that cannot connect
ODD_SECRET = "p@ss/w:rd Xq9"  # with the characters a URL must encode


def spellings(secret: str) -> set[str]:
    return {s.lower() for s in (secret, quote(secret, safe=""), quote(secret), unquote(secret))}


def leaked(secrets: list[str], text: str) -> list[str]:
    """The secrets found in `text` (case-blind), with the context they stand in."""
    low = text.lower()
    found = []
    for secret in secrets:
        for spelling in spellings(secret):
            at = low.find(spelling)
            if at >= 0:
                found.append(f"{secret!r} as {spelling!r}: ...{text[max(0, at - 60):at + 40]!r}...")
    return found


def failing_urls(secret: str = SECRET) -> dict[str, str]:
    """URLs that carry `secret` and cannot connect, by what is wrong with them."""
    encoded = quote(ODD_SECRET, safe="")
    return {
        "unreachable host": f"postgresql://u:{secret}@127.0.0.1:1/db",
        "unreachable keyword string": f"host=127.0.0.1 port=1 user=u password={secret} dbname=db",
        "unreachable, quoted keyword value": f"host=127.0.0.1 port=1 user=u password='{secret} x' dbname=db",
        "malformed IPv6 host": f"postgresql://u:{secret}@[::1/sec",
        "malformed port": f"postgresql://u:{secret}@127.0.0.1:notaport/db",
        "malformed percent escape": f"postgresql://u:{secret}@127.0.0.1:1/d%ZZb",
        "bad query parameter": f"postgresql://u:{secret}@127.0.0.1:1/db?sslmode=bogus",
        "password as query parameter": f"postgresql://127.0.0.1:1/db?user=u&password={secret}",
        "percent-encoded password": f"postgresql://u:{encoded}@127.0.0.1:1/db",
        "driver in the scheme": f"postgresql+psycopg://u:{secret}@127.0.0.1:1/db",
        "unknown host name": f"postgres://u:{secret}@host.invalid/db",
        "sqlite URL with userinfo": f"sqlite://u:{secret}@/x.db",
    }
