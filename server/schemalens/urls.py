"""Database URLs as text: the path of a SQLite URL, the libpq form of a PostgreSQL one, and
the one rule that keeps a URL's password out of every message, log and file.

Below everything else (it imports nothing of ours): the dialects' runtimes, the connection
code, the front ends and the editor client's twin rule all mask with it. Messages are
masked where they are made (`mask_url`, `mask_text`); every output sink (the CLI's
consoles and JSON, the language server's messages, diagnostics and log) also passes its
text through `redact`, which knows every password a setting carried (`remember`): a
message that quoted a URL some other way (a repr, lower-cased, inside a driver's words)
still shows none.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote, unquote

# The text rule, shared with the VS Code client (vscode-client/src/settings.ts, the same
# cases in tests/data/masking_cases.json). Conservative where libpq is strict: a URL's
# secret runs from the first `:` of its userinfo to the token's *last* `@` (libpq stops at
# the first `@` and ends userinfo at a `/`, but a password with `@` or `/` in it was still
# meant as one), `?password=` to the next `&`, a keyword/value `password=` to its end.
# The scheme starts after any digits and signs that open its run (the lookbehind): tried at
# every letter of a long word, the rule took time quadratic in the word.
_URL_SECRET = re.compile(r"(?P<head>(?<![a-z0-9+.-])[0-9+.-]*[a-z][a-z0-9+.-]*://[^\s:/@\"'<>]*:)[^\s\"'<>]*(?=@)",
                         re.I)
_TOKEN = re.compile(r"[^\s\"'<>]+")
_QUERY_SECRET = re.compile(r"(?P<head>[?&]password=)[^&\s\"'<>]*", re.I)
_KEYWORD_SECRET = re.compile(r"(?P<head>(?<![?&\w])password\s*=\s*)(?:'(?:[^'\\]|\\.)*'|[^\s'\"]+)", re.I)
MASK = "***"


def mask_secrets(text: str) -> str:
    """Every password-like field in `text` (URL userinfo, `?password=`, `password=...`) as `***`."""
    text = _TOKEN.sub(lambda m: _mask_url_secret(m.group()), text)
    for rule in (_QUERY_SECRET, _KEYWORD_SECRET):
        text = rule.sub(lambda m: m.group("head") + MASK, text)
    return text


def _mask_url_secret(token: str) -> str:
    """_URL_SECRET within one token (a URL's secret never spans a space or a quote), tried
    only up to the token's last `@`, where a secret must end: else every `://` of a long
    token without one scanned the rest of it again (quadratic; minutes for a diagnostic
    that quoted a huge identifier, the event loop blocked meanwhile)."""
    end = token.rfind("@")
    if end < 0 or "://" not in token:
        return token
    return _URL_SECRET.sub(lambda m: m.group("head") + MASK, token[:end + 1]) + token[end + 1:]


def libpq_password(conninfo: str) -> str | None:
    """The password libpq would send for a URL or keyword/value string (None: none, or
    libpq cannot parse it, in which case only the text rule protects it)."""
    if "://" in conninfo and not conninfo.lower().startswith(("postgres", "postgresql")):
        return None
    from psycopg import Error
    from psycopg.conninfo import conninfo_to_dict

    try:
        password = conninfo_to_dict(postgres_conninfo(conninfo)).get("password")
    except (Error, ValueError, UnicodeError):
        return None
    return str(password) if password else None


def _spellings(password: str) -> list[str]:
    """The password as it may appear in text: raw and percent-encoded, longest first."""
    return sorted({password, quote(password, safe=""), quote(password)}, key=len, reverse=True)


def mask_url(url: str) -> str:
    """The URL (or keyword/value string) safe to show: the text rule, then libpq's own
    reading of its password wherever that still stands as a field of its own."""
    masked = mask_secrets(url)
    password = libpq_password(url)
    if password:
        for spelling in _spellings(password):
            masked = re.sub(rf"(?<![^\W_]){re.escape(spelling)}(?![^\W_])", MASK, masked)
    return masked


def mask_text(text: str, url: str) -> str:
    """`text` (a driver message, a log line) with no trace of the URL's password: the URL
    itself masked, the text rule applied, and libpq's password replaced wherever it appears."""
    text = mask_secrets(text.replace(url, mask_url(url)))
    password = libpq_password(url)
    if password:
        for spelling in _spellings(password):
            text = text.replace(spelling, MASK)
    return text


# The passwords of every URL the settings carried, as they may be spelled in text.
_KNOWN: set[str] = set()


def remember(url: str) -> None:
    """Note the password `url` carries (libpq's reading, else the text rule's, which also
    covers what libpq cannot parse), and PGPASSWORD's, for `redact`."""
    secrets = {libpq_password(url) or "", os.environ.get("PGPASSWORD", "")}
    for rule in (_URL_SECRET, _QUERY_SECRET, _KEYWORD_SECRET):
        secrets.update(text[len(m.group("head")):] for m in rule.finditer(url) if (text := m.group()))
    for secret in secrets:
        quoted = secret[1:-1] if len(secret) >= 2 and secret[0] == secret[-1] == "'" else secret
        if quoted:
            _KNOWN.update(_spellings(quoted) + _spellings(unquote(quoted)))


def redact(text: str) -> str:
    """`text` as an output may show it: the text rule, then every remembered password,
    whatever its letter case, wherever it stands as a word of its own."""
    text = mask_secrets(text)
    for secret in sorted(_KNOWN, key=len, reverse=True):
        text = re.sub(rf"(?<![^\W_]){re.escape(secret)}(?![^\W_])", MASK, text, flags=re.I)
    return text


def split_password(conninfo: str) -> tuple[str, str | None]:
    """(a keyword/value string without the password, the password): for tools that would
    otherwise show it in the process list."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(conninfo)
    password = params.pop("password", None)
    return make_conninfo(**params), password


class ConnectError(Exception):
    """The database could not be reached or opened. The message is safe to show."""


def postgres_conninfo(url: str) -> str:
    """A libpq URI from what users paste: `postgres://`, `postgresql+psycopg://`, ..."""
    scheme, sep, rest = url.partition("://")
    return "postgresql://" + rest if sep else url


def sqlite_path(url: str) -> str:
    """The file path of a `sqlite:///relative.db` or `sqlite:////absolute.db` URL."""
    rest = url.split(":", 1)[1]
    if not rest.startswith("///"):
        raise ConnectError(f"{mask_url(url)!r} is not a SQLite URL of the form sqlite:///path/to/file.db")
    return unquote(rest[3:].split("?", 1)[0]) or ":memory:"
