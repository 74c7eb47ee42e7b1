"""Dates as feeds write them: RFC 3339, RFC 822, feedparser's struct_times and localised
month names ('Mi, 12 Mär 2025', '3 janvier 2025'), all normalised to UTC and never after the
fetch time."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone


def as_utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def norm_datetime(dt: datetime | None, now: datetime) -> datetime | None:
    """UTC, never after now (the fetch time), None before 1970."""
    if dt is None:
        return None
    try:
        dt = as_utc(dt)
    except (OverflowError, ValueError, OSError):
        return None
    if dt < _EPOCH:
        return None
    return min(dt, now)


def struct_to_datetime(st: object) -> datetime | None:
    """feedparser's *_parsed values are UTC struct_times."""
    try:
        year, month, day, hour, minute, second = (int(x) for x in st[:6])  # type: ignore[index]
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse_date(raw: object) -> datetime | None:
    """A date string in any of the forms feeds use: RFC 3339, RFC 822, localised month names."""
    if not isinstance(raw, str):
        return None
    raw = raw.strip()[:200]
    if not raw:
        return None
    try:
        dt = datetime.fromisoformat(raw)
        return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        from feedparser.datetimes import _parse_date

        st = _parse_date(raw)
    except Exception:  # feedparser's date handlers are not hardened against garbage
        st = None
    if st is not None:
        return struct_to_datetime(st)
    return parse_localised_date(raw)


# Month names in languages feeds are commonly published in. Every prefix of at least three
# letters of a full name is accepted when it is unambiguous ("janv", "sept", "dez", "mär").
_MONTH_NAMES = {
    1: "january janvier januar enero gennaio janeiro januari jan janv ene gen",
    2: "february fevrier februar febrero febbraio fevereiro februari feb fevr fev",
    3: "march mars marz maerz marzo marco maart mar mrz mrt",
    4: "april avril abril aprile apr avr abr",
    5: "may mai mayo maggio maio mei mag",
    6: "june juin juni junio giugno junho jun giu",
    7: "july juillet juli julio luglio julho jul juil lug",
    8: "august aout agosto augustus aug ago",
    9: "september septembre setembro settembre septiembre setiembre sep sept set",
    10: "october octobre oktober octubre ottobre outubro oct okt ott out",
    11: "november novembre noviembre novembro nov",
    12: "december decembre dezember diciembre dicembre dezembro dec dez dic",
}


def _build_months() -> dict[str, int]:
    table: dict[str, int] = {}
    ambiguous: set[str] = set()
    for month, names in _MONTH_NAMES.items():
        for name in names.split():
            for end in range(3, len(name) + 1):
                prefix = name[:end]
                if table.get(prefix, month) != month:
                    ambiguous.add(prefix)
                table[prefix] = month
    for prefix in ambiguous:
        del table[prefix]
    return table


_MONTHS = _build_months()
_TZ_NAMES = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "wet": 0, "bst": 60, "cet": 60, "mez": 60,
    "west": 60, "cest": 120, "mesz": 120, "eet": 120, "eest": 180, "msk": 180,
    "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
    "pst": -480, "pdt": -420,
}  # fmt: skip
_DMY = re.compile(r"(\d{1,2})\.?\s*(?:de\s+)?([a-z]{3,12})\.?,?\s*(?:de\s+)?(\d{4})")
_MDY = re.compile(r"([a-z]{3,12})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\.?,?\s+(\d{4})")
_NUMERIC_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_TIME = re.compile(r"(\d{1,2})[:h](\d{2})(?::(\d{2}))?")
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})\b|\b([a-z]{1,4})\s*$")


def parse_localised_date(raw: str) -> datetime | None:
    """'Mi, 12 Mär 2025 10:00:00 +0100', '3 janvier 2025', '12 de marzo de 2025', '12.03.2025'."""
    text = unicodedata.normalize("NFKD", raw.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    day = month = year = None
    end = 0
    for pattern, order in ((_DMY, "dmy"), (_MDY, "mdy")):
        for m in pattern.finditer(text):
            if order == "dmy":
                d, name, y = m.groups()
            else:
                name, d, y = m.groups()
            if name in _MONTHS:
                day, month, year, end = int(d), _MONTHS[name], int(y), m.end()
                break
        if month:
            break
    if not month:
        nm = _NUMERIC_DMY.search(text)
        if not nm:
            return None
        day, month, year, end = int(nm[1]), int(nm[2]), int(nm[3]), nm.end()
    rest = text[end:]
    hour = minute = second = 0
    tm = _TIME.search(rest)
    if tm:
        hour, minute, second = int(tm[1]), int(tm[2]), int(tm[3] or 0)
        rest = rest[tm.end() :]
    offset = 0
    om = _OFFSET.search(rest)
    if om:
        if om[1]:
            offset = (int(om[2]) * 60 + int(om[3])) * (1 if om[1] == "+" else -1)
        else:
            offset = _TZ_NAMES.get(om[4], 0)
    if day is None or year is None:
        return None
    try:
        tz = timezone(timedelta(minutes=offset))
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=tz)
    except ValueError:
        return None
