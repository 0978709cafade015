"""Constants as PostgreSQL stores them once coerced to a type: 't' for a boolean is true,
'-1' for an integer is -1, '1010' for a bit string is b'1010', '24 hours' for an interval
is '1 day', '1.999' for money is '$2.00', 0.0000 for a numeric(10,4) is 0, '0.0' for a
real is 0, '' for a bytea is '\\x', '0:0:0:0:0:0' for a macaddr is '00:00:00:00:00:00',
'10.0.0.1/32' for an inet is '10.0.0.1', '{"b":1, "a":2}' for a jsonb is '{"a": 2, "b": 1}'.
Only where the type makes the spellings equal."""

from __future__ import annotations

import datetime
import ipaddress
import json
import math
import re
import struct
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pglast import ast

_BOOLEAN_WORDS = {"t": True, "true": True, "y": True, "yes": True, "on": True, "1": True,
                  "f": False, "false": False, "n": False, "no": False, "off": False, "0": False}
# What numeric input accepts (PostgreSQL 15: no underscores); a longer exponent is left
# as written rather than spelled out.
_DECIMAL = re.compile(r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?\s*")
_NUMERIC_TYPE = re.compile(r"(?P<base>smallint|integer|bigint|real|double precision|numeric)"
                           r"(?:\((?P<precision>\d+)(?:,(?P<scale>-?\d+))?\))?")
_BIT_TYPE = re.compile(r"(bit|bit varying)(\(\d+\))?")
_BIT_DIGITS = re.compile(r"[01]*")
_STRING_TYPE = re.compile(r"text|character varying(\(\d+\))?|character(\(\d+\))?")


def const_string(node: Any) -> str | None:
    if isinstance(node, ast.A_Const) and isinstance(node.val, ast.String):
        return node.val.sval
    return None


def is_constant(node: Any) -> bool:
    if isinstance(node, ast.A_Const):
        return True
    if isinstance(node, ast.A_ArrayExpr):
        return all(is_constant(e) for e in node.elements or ())
    return False


def coerce_constant(node: ast.Node, type_text: str) -> ast.Node:
    """A constant as it is once coerced to `type_text`: 't' for a boolean is true, '-1'
    for an integer is -1, '1010' for a bit string is b'1010'. Only where the type makes
    the spellings equal: '5' is not 5 for jsonb or bit, and 5 would not even be accepted."""
    numeric = _NUMERIC_TYPE.fullmatch(type_text)
    if numeric:
        return _number(node, numeric) or node
    if _BIT_TYPE.fullmatch(type_text):
        text = const_string(node)
        return bit_string(text) if text is not None and _BIT_DIGITS.fullmatch(text) else node
    if type_text == "boolean":
        text = const_string(node)
        if text is not None and text.strip().lower() in _BOOLEAN_WORDS:
            return ast.A_Const(val=ast.Boolean(_BOOLEAN_WORDS[text.strip().lower()]))
    if _STRING_TYPE.fullmatch(type_text):
        return _as_text(node)
    if type_text == "money":
        return _money(node)
    if type_text in _DATETIME_FORMATS:
        text = const_string(node)
        printed = _datetime(text, type_text) if text is not None else None
        return ast.A_Const(val=ast.String(printed)) if printed is not None else node
    if type_text == "bytea":
        text = const_string(node)
        hex_text = _bytea_hex(text) if text is not None else None
        return ast.A_Const(val=ast.String(hex_text)) if hex_text is not None else node
    if type_text in _RESPELLED:
        text = const_string(node)
        printed = _RESPELLED[type_text](text) if text is not None else None
        return ast.A_Const(val=ast.String(printed)) if printed is not None else node
    if type_text.startswith("interval"):
        text = const_string(node) if not isinstance(node, ast.A_Const) or node.val is None or isinstance(
            node.val, ast.String) else str(getattr(node.val, "ival", None) or getattr(node.val, "fval", "0"))
        canonical = _interval(text, type_text[len("interval"):].strip()) if text is not None else None
        if canonical is not None:
            return ast.A_Const(val=ast.String(canonical))
    return node


def _as_text(node: ast.Node) -> ast.Node:
    """A number or boolean given to a string column is stored as its text: DEFAULT 0 on a
    text column is '0' (an exponent is left as written: 1e3 is stored as '1000')."""
    if not isinstance(node, ast.A_Const) or node.val is None:
        return node
    value = node.val
    if isinstance(value, ast.Integer):
        return ast.A_Const(val=ast.String(str(value.ival)))
    if isinstance(value, ast.Float) and re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)", value.fval):
        return ast.A_Const(val=ast.String(str(Decimal(value.fval))))
    if isinstance(value, ast.Boolean):
        return ast.A_Const(val=ast.String("true" if value.boolval else "false"))
    return node


def _number(node: ast.Node, numeric: re.Match[str]) -> ast.A_Const | None:
    """A number, quoted or not, as the value the type holds: `'-1'::integer` is how
    PostgreSQL stores DEFAULT -1; 0, 0.0000 and '0' are one value in a numeric(10,4)
    column (its scale rounds them), 0.0 and '0' in a real one; a plain numeric keeps the
    scale it was written with (0.0 is not 0 there)."""
    text = const_string(node)
    if text is None and isinstance(node, ast.A_Const) and isinstance(node.val, (ast.Integer, ast.Float)):
        text = str(node.val.ival if isinstance(node.val, ast.Integer) else node.val.fval)
    if text is None or not _DECIMAL.fullmatch(text):
        return None
    value = Decimal(text.strip())
    base = numeric["base"]
    if base in ("real", "double precision"):
        return _float_constant(value, base == "real")
    if base == "numeric" and numeric["precision"] is not None:
        value = value.quantize(Decimal(1).scaleb(-int(numeric["scale"] or 0)), rounding=ROUND_HALF_UP)
    elif base != "numeric" and value == value.to_integral_value():
        value = value.to_integral_value()  # 1.0 in an integer column is 1 (and 1.5 stays: it is rounded on insert)
    return _decimal_constant(value)


def _decimal_constant(value: Decimal) -> ast.A_Const:
    text = format(value.copy_abs() if value.is_zero() else value, "f")
    if "." not in text and -(2**31) <= int(text) < 2**31:
        return ast.A_Const(val=ast.Integer(int(text)))
    return ast.A_Const(val=ast.Float(text))  # (as PostgreSQL's parser reads a wider integer)


def _float_constant(number: Decimal, single: bool) -> ast.A_Const | None:
    """The shortest text that reads back as the same real / double precision value; None
    for one out of the type's range (PostgreSQL refuses it)."""
    def stored(v: float) -> float:
        return struct.unpack("f", struct.pack("f", v))[0] if single else v

    try:
        value = stored(float(number))
    except OverflowError:
        return None
    if not math.isfinite(value):
        return None
    if value.is_integer() and abs(value) < 2**31:
        return ast.A_Const(val=ast.Integer(int(value)))
    text = next(t for t in (f"{value:.{n}g}" for n in range(1, 18)) if stored(float(t)) == value)
    return ast.A_Const(val=ast.Float(text))


_BYTEA_HEX = re.compile(r"\\x((?:\s*[0-9a-fA-F]{2})*)\s*")
_BYTEA_ESCAPE = re.compile(r"\\\\|\\[0-3][0-7]{2}|\\|[^\\]+")


def _bytea_hex(text: str) -> str | None:
    """bytea input in either format ('\\x00ff', 'abc', '\\000') as the hex text PostgreSQL
    prints ('\\x', '\\x616263'); None for what bytea input refuses. Characters are
    taken as UTF-8 (the server encoding this assumes)."""
    m = _BYTEA_HEX.fullmatch(text)
    if m:
        return "\\x" + "".join(m.group(1).split()).lower()
    if text.startswith("\\x"):
        return None
    out = bytearray()
    for piece in _BYTEA_ESCAPE.findall(text):
        if piece == "\\\\":
            out.append(0x5C)
        elif piece == "\\":
            return None
        elif piece.startswith("\\"):
            out.append(int(piece[1:], 8))
        else:
            out += piece.encode()
    return "\\x" + out.hex()


# Types whose constants print the same in every session (a timestamptz's depends on its
# TimeZone): the ISO forms people write, as PostgreSQL prints them (DateStyle ISO).
_DATE = r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
_TIME = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?P<f>\.\d+)?)?"
_DATETIME_FORMATS = {
    "date": re.compile(rf"\s*{_DATE}\s*"),
    "time without time zone": re.compile(rf"\s*{_TIME}\s*"),
    "timestamp without time zone": re.compile(rf"\s*{_DATE}(?:[ T]+{_TIME})?\s*"),
}


def _datetime(text: str, type_text: str) -> str | None:
    """'2020-01-01'::timestamp is '2020-01-01 00:00:00', '1:02'::time '01:02:00'."""
    m = _DATETIME_FORMATS[type_text].fullmatch(text)
    if m is None:
        return None
    parts = m.groupdict()
    micro = round(Decimal(parts.get("f") or 0) * 1_000_000)
    try:
        date = datetime.date(int(parts["y"]), int(parts["mo"]), int(parts["d"])) if "y" in parts else None
        clock = datetime.time(int(parts.get("h") or 0), int(parts.get("mi") or 0), int(parts.get("s") or 0))
    except ValueError:
        return None
    if micro >= 1_000_000:
        return None  # rounds into the next second: left as written
    fraction = f".{micro:06d}".rstrip("0") if micro else ""
    printed = f"{clock:%H:%M:%S}{fraction}"
    if date is None:
        return printed
    return date.isoformat() if type_text == "date" else f"{date.isoformat()} {printed}"


def bit_string(bits: str) -> ast.A_Const:
    return ast.A_Const(val=ast.BitString("b" + bits))


def bits(value: str) -> str:
    kind, digits = value[0].lower(), value[1:]
    if kind == "x":
        return "".join(f"{int(d, 16):04b}" for d in digits)
    return digits


def _money(node: ast.Node) -> ast.Node:
    """PostgreSQL stores a money default as '$2.00' (rounded to cents, in the en_US/C
    format this assumes) however it was written: '1.999', 1.999, '$1.999'."""
    if not isinstance(node, ast.A_Const) or node.val is None:
        return node
    value = node.val
    raw = getattr(value, "sval", None) or getattr(value, "fval", None) or getattr(value, "ival", None)
    try:
        amount = Decimal(str(raw).replace("$", "").replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return node
    return ast.A_Const(val=ast.Float(str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))))


_INTERVAL_UNITS = {  # unit -> (months, days, seconds) per 1
    "year": (12, 0, 0), "years": (12, 0, 0), "yr": (12, 0, 0), "yrs": (12, 0, 0), "y": (12, 0, 0),
    "month": (1, 0, 0), "months": (1, 0, 0), "mon": (1, 0, 0), "mons": (1, 0, 0),
    "week": (0, 7, 0), "weeks": (0, 7, 0), "w": (0, 7, 0),
    "day": (0, 1, 0), "days": (0, 1, 0), "d": (0, 1, 0),
    "hour": (0, 0, 3600), "hours": (0, 0, 3600), "hr": (0, 0, 3600), "hrs": (0, 0, 3600), "h": (0, 0, 3600),
    "minute": (0, 0, 60), "minutes": (0, 0, 60), "min": (0, 0, 60), "mins": (0, 0, 60), "m": (0, 0, 60),
    "second": (0, 0, 1), "seconds": (0, 0, 1), "sec": (0, 0, 1), "secs": (0, 0, 1), "s": (0, 0, 1),
}
_INTERVAL_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)")
_INTERVAL_CLOCK = re.compile(r"\s*(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?\s*$")


def _interval(text: str, fields: str) -> str | None:
    """An interval constant as PostgreSQL prints it ('1 day', '01:30:00', '1 year 6
    mons'), for the spellings users write: '24 hours', '1 week', interval '90' minute.
    None for anything else (negative, ISO 8601, ago): compared as written."""
    lowest = fields.split(" ")[-1].split("(")[0] if fields else ""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text) and lowest:
        text = f"{text} {lowest}"
    months, days, seconds = Decimal(0), Decimal(0), Decimal(0)
    position = 0
    for match in _INTERVAL_PART.finditer(text):
        if match.start() != position or match.group(2) not in _INTERVAL_UNITS:
            break
        amount = Decimal(match.group(1))
        m, d, sec = _INTERVAL_UNITS[match.group(2)]
        months += amount * m
        days += amount * d
        seconds += amount * sec
        position = match.end()
    rest = text[position:]
    if rest.strip():
        clock = _INTERVAL_CLOCK.fullmatch(rest)
        if clock is None:
            return None
        seconds += int(clock.group(1)) * 3600 + int(clock.group(2)) * 60 + Decimal(clock.group(3) or 0)
    # fractions cascade down as PostgreSQL does: a month is 30 days, a day 24 hours
    days += (months - int(months)) * 30
    months = Decimal(int(months))
    seconds += (days - int(days)) * 86400
    days = Decimal(int(days))
    months, days, seconds = _truncate_interval(lowest, months, days, seconds)
    return _format_interval_value(int(months), int(days), seconds)


def _truncate_interval(lowest: str, months: Decimal, days: Decimal, seconds: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """`interval year` keeps whole years only, `interval hour` whole hours, ..."""
    if lowest == "year":
        return Decimal(int(months / 12) * 12), Decimal(0), Decimal(0)
    if lowest == "month":
        return months, Decimal(0), Decimal(0)
    if lowest == "day":
        return months, days, Decimal(0)
    step = {"hour": 3600, "minute": 60}.get(lowest)
    if step:
        return months, days, Decimal(int(seconds / step) * step)
    return months, days, seconds


def _format_interval_value(months: int, days: int, seconds: Decimal) -> str:
    parts = []
    years, months = divmod(months, 12)
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if months:
        parts.append(f"{months} mon{'s' if months != 1 else ''}")
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if seconds or not parts:
        whole = int(seconds)
        hours, rest = divmod(whole, 3600)
        minutes, secs = divmod(rest, 60)
        fraction = seconds - whole
        clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
        if fraction:
            clock += str(fraction.normalize())[1:]
        parts.append(clock)
    return " ".join(parts)


# macaddr input (PostgreSQL's macaddr_in): six fields of one or two hex digits split by ':'
# or '-', or twelve digits grouped 6+6, 4+4+4 or not at all.
_MACADDR = [re.compile(p) for p in (
    r"\s*" + ":".join([r"([0-9a-f]{1,2})"] * 6) + r"\s*", r"\s*" + "-".join([r"([0-9a-f]{1,2})"] * 6) + r"\s*",
    r"\s*([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})[:-]([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})\s*",
    r"\s*([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\s*",
    r"\s*([0-9a-f]{2})([0-9a-f]{2})-([0-9a-f]{2})([0-9a-f]{2})-([0-9a-f]{2})([0-9a-f]{2})\s*",
    r"\s*" + r"([0-9a-f]{2})" * 6 + r"\s*")]
# macaddr8 input: pairs of hex digits, any of them followed by a spacer (the same one
# throughout); six bytes get ff:fe in the middle.
_MACADDR8 = re.compile(r"\s*[0-9a-f]{2}(?:[:.-]?[0-9a-f]{2})+\s*")


def _macaddr(text: str) -> str | None:
    for pattern in _MACADDR:
        m = pattern.fullmatch(text.lower())
        if m:
            return ":".join(f"{int(g, 16):02x}" for g in m.groups())
    return None


def _macaddr8(text: str) -> str | None:
    text = text.strip().lower()
    if _MACADDR8.fullmatch(text) is None or len(set(re.findall(r"[:.-]", text))) > 1:
        return None
    digits = re.sub(r"[:.-]", "", text)
    if len(digits) == 12:
        digits = digits[:6] + "fffe" + digits[6:]
    return ":".join(digits[i:i + 2] for i in range(0, 16, 2)) if len(digits) == 16 else None


def _address(text: str, network: bool) -> str | None:
    """inet and cidr in the full forms Python reads as PostgreSQL does; IPv6 with an IPv4
    tail (printed dotted by PostgreSQL) and cidr's abbreviations ('10/8') are left as written."""
    try:
        value = ipaddress.ip_network(text.strip()) if network else ipaddress.ip_interface(text.strip())
    except ValueError:
        return None
    address = value.network_address if network else value.ip
    if address.version == 6 and (address.packed[:10] == bytes(10) or "." in text):
        return None
    if network:
        return str(value)
    return str(address) if value.network.prefixlen == address.max_prefixlen else str(value)


_UUID = re.compile(r"[0-9a-f]{4}(?:-?[0-9a-f]{4}){7}")


def _uuid(text: str) -> str | None:
    text = text.lower()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    if not _UUID.fullmatch(text):
        return None
    h = text.replace("-", "")
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _jsonb(text: str) -> str | None:
    """jsonb keeps no spelling: keys sorted (shorter first), the last of duplicate keys,
    numbers as numeric prints them, ', ' and ': ' between items. None for what Python's
    reader does not take as PostgreSQL does (NaN, \\u0000)."""
    def constant(word: str) -> None:
        raise ValueError(word)

    try:
        value = json.loads(text, parse_float=Decimal, parse_int=Decimal, parse_constant=constant)
    except ValueError:
        return None
    if "\\u0000" in text:
        return None
    return _jsonb_text(value)


def _jsonb_text(value: Any) -> str:
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return "{" + ", ".join(f"{_jsonb_text(k)}: {_jsonb_text(value[k])}" for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_jsonb_text(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return format(value.copy_abs() if value.is_zero() else value, "f")
    return json.dumps(value, ensure_ascii=False)


_RESPELLED = {"macaddr": _macaddr, "macaddr8": _macaddr8, "uuid": _uuid, "jsonb": _jsonb,
              "inet": lambda t: _address(t, False), "cidr": lambda t: _address(t, True)}
