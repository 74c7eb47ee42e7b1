"""Bundled demo content for `newsreader --demo`: a dozen invented outlets, written for this
project, with news, opinion, a "most read" list and stories carried by several feeds.

The feed files hold dates in a fixed week; `materialise` copies them with every date moved
so the newest item is about 20 minutes old, which keeps the demo fresh whenever it runs.
The stories live in `_stories.py`; `python -m newsreader.demo._build` rewrites the files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

DEMO_DIR: Path = Path(__file__).parent

# How old the newest demo item looks after `materialise`.
NEWEST_AGE = timedelta(minutes=20)


@dataclass(frozen=True)
class DemoFeed:
    file: str
    title: str
    section: str = "news"
    tags: list[str] = field(default_factory=list)


DEMO_FEEDS: list[DemoFeed] = [
    DemoFeed("meridian-wire.atom", "The Meridian Wire", "news", ["world"]),
    DemoFeed("meridian-most-read.xml", "The Meridian Wire: Most Read", "trending", ["world"]),
    DemoFeed("copperfield-post.json", "Copperfield Post", "news", ["national"]),
    DemoFeed("harbour-gazette.xml", "Harbour Gazette", "news", ["local"]),
    DemoFeed("valley-courier.rdf", "Valley Courier", "news", ["local"]),
    DemoFeed("northfield-ledger.rss", "Northfield Ledger", "news", ["business"]),
    DemoFeed("orbit-and-field.json", "Orbit & Field", "news", ["science"]),
    DemoFeed("quill-and-circuit.atom", "Quill & Circuit", "news", ["tech"]),
    DemoFeed("touchline-daily.xml", "Touchline Daily", "news", ["sport"]),
    DemoFeed("lantern-review.atom", "The Lantern Review", "news", ["culture"]),
    DemoFeed("weekly-compass.xml", "The Weekly Compass", "news", ["analysis"]),
    DemoFeed("the-long-table.json", "The Long Table", "opinion", ["opinion"]),
]

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# RSS 2.0 pubDate / lastBuildDate, e.g. "Tue, 18 Mar 2025 09:40:00 GMT" or "... +0100".
_RFC822 = re.compile(
    r"\b(?:" + "|".join(_DAYS) + r"), (\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4}) "
    r"(\d{2}):(\d{2})(?::(\d{2}))? (GMT|UTC|UT|Z|[+-]\d{4})\b"
)
# Atom, RSS 1.0 dc:date and JSON Feed, e.g. "2025-03-18T09:40:00Z" or "...T10:40:00+01:00".
_ISO = re.compile(
    r"\b(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?(?![\d:])"
)


def _offset(token: str) -> timezone:
    if token in ("GMT", "UTC", "UT", "Z", ""):
        return UTC
    sign = -1 if token[0] == "-" else 1
    digits = token[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _parse_rfc822(m: re.Match[str]) -> datetime:
    day, mon, year, hh, mm, ss, tz = m.groups()
    return datetime(
        int(year), _MONTHS.index(mon) + 1, int(day), int(hh), int(mm), int(ss or 0),
        tzinfo=_offset(tz),
    )  # fmt: skip


def _parse_iso(m: re.Match[str]) -> datetime:
    y, mo, d, hh, mm, ss, _frac, tz = m.groups()
    return datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss), tzinfo=_offset(tz or ""))


def _format_rfc822(dt: datetime, token: str) -> str:
    dt = dt.astimezone(_offset(token))
    zone = token if token in ("GMT", "UTC", "UT", "Z") else token  # keep the file's own style
    return (
        f"{_DAYS[dt.weekday()]}, {dt.day:02d} {_MONTHS[dt.month - 1]} {dt.year:04d} "
        f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} {zone}"
    )


def _format_iso(dt: datetime, token: str | None) -> str:
    dt = dt.astimezone(_offset(token or ""))
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (token or "")


def _dates_in(text: str) -> list[datetime]:
    found = [_parse_rfc822(m) for m in _RFC822.finditer(text)]
    found += [_parse_iso(m) for m in _ISO.finditer(text)]
    return found


def shift_dates(text: str, delta: timedelta) -> str:
    """Move every RFC 822 and ISO 8601 date in `text` by `delta`, keeping each one's format
    and time zone (so RSS stays RSS-valid and Atom/JSON stay ISO 8601)."""
    text = _RFC822.sub(lambda m: _format_rfc822(_parse_rfc822(m) + delta, m.group(7)), text)
    return _ISO.sub(lambda m: _format_iso(_parse_iso(m) + delta, m.group(8)), text)


def newest_date(texts: list[str]) -> datetime:
    return max(dt for text in texts for dt in _dates_in(text))


def materialise(dest: Path, now: datetime) -> list[tuple[Path, DemoFeed]]:
    """Copy the demo feeds into `dest` with all dates shifted so that the newest date in the
    whole set is NEWEST_AGE before `now` (a naive `now` is taken as UTC). Returns the written
    files with their feed descriptions, in DEMO_FEEDS order."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    texts = {feed.file: (DEMO_DIR / feed.file).read_text(encoding="utf-8") for feed in DEMO_FEEDS}
    target = (now - NEWEST_AGE).replace(microsecond=0)
    delta = target - newest_date(list(texts.values()))
    dest.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, DemoFeed]] = []
    for feed in DEMO_FEEDS:
        path = dest / feed.file
        path.write_text(shift_dates(texts[feed.file], delta), encoding="utf-8")
        written.append((path, feed))
    return written
