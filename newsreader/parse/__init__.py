"""Turn fetched feed bytes into model.ParsedFeed: RSS, Atom and JSON Feed.

Everything a feed says is untrusted; every field that comes out goes through sanitize.
The rooms: prepare (bytes to clean XML text: BOM, charset, DOCTYPE, entity and control
repair), feed (RSS/Atom through feedparser), fastrss (plain RSS 2.0 without feedparser, same
result), jsonfeed (JSON Feed), fields (field cleaning shared by all of them), dates.

parse_feed is a plain module-level function with picklable arguments and result, so the
fetcher can run it in a ProcessPoolExecutor; this package never imports the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from newsreader.model import ParsedFeed
from newsreader.parse.dates import as_utc
from newsreader.parse.feed import parse_xml
from newsreader.parse.fields import MAX_ITEMS, ParseError
from newsreader.parse.prepare import looks_like_feed, strip_bom_ws


def parse_feed(
    data: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
    *,
    fast: bool = True,
) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0, Atom or JSON Feed bytes fetched from url.

    `fast` lets plain RSS 2.0 skip feedparser (see fastrss.py); the result is the same.

    Raises ParseError (a FeedError) with a one-line reason when the bytes are not a feed; a
    feed that could be read despite mistakes comes back with .warning set.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse_feed takes bytes")  # a str would be opened as a path by feedparser
    data = bytes(data)
    now = as_utc(fetched_at) if fetched_at is not None else datetime.now(UTC)
    hdrs = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    body = strip_bom_ws(data)
    if not body:
        raise ParseError("empty document")

    content_type = hdrs.get("content-type", "").split(";")[0].strip().lower()
    first = body[:1]
    is_json = first in (b"{", b"[") or (
        first != b"<"
        and (
            content_type in ("application/feed+json", "application/json")
            or content_type.endswith("+json")
        )
    )
    if is_json:
        from newsreader.parse import jsonfeed  # only JSON feeds need it

        return jsonfeed.parse_json_feed(data, url, now)
    return parse_xml(data, url, hdrs, now, fast)


__all__ = ["MAX_ITEMS", "ParseError", "looks_like_feed", "parse_feed"]
