"""Articles made ready to store: identity, change hash, deflated bodies, JSON columns and
search text, all pure functions of a parsed article. The refresh's parse workers run them, so
the store's writer (one thread in the refresh process, sharing its GIL with the fetching)
only compares keys and inserts finished values.

No database here: the workers import this module and little else (see worker.py).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from newsreader.model import ParsedArticle, ParsedFeed
from newsreader.sanitize import html_to_search_text

if TYPE_CHECKING:
    from hashlib import sha1
else:
    try:  # CPython's own SHA-1: hashlib would load OpenSSL, 3.8 MB more in each parse worker
        from _sha1 import sha1
    except ImportError:  # another Python
        from hashlib import sha1

PACK_MIN = 200  # bodies shorter than this are stored as text: deflate would not pay


def pack(text: str | bytes | None) -> str | bytes | None:
    """A body as stored: deflated (a BLOB) from PACK_MIN bytes on, else the text itself."""
    if not isinstance(text, str) or len(text) < PACK_MIN:
        return text
    raw = text.encode("utf-8", "surrogatepass")
    # Level 3: within 3% of level 6's size at under half its time (the refresh writes it).
    # A window just big enough for the body: setting up deflate's full 32 KB window was half
    # the time for a 1.5 KB body, for the same bytes out (unpack's -15 reads any window).
    deflate = zlib.compressobj(3, zlib.DEFLATED, -max(9, min(15, len(raw).bit_length())))
    packed = deflate.compress(raw) + deflate.flush()
    return packed if len(packed) < len(raw) else text


def _ts(dt: datetime | None) -> float | None:
    return dt.timestamp() if dt is not None else None


def article_key(a: ParsedArticle) -> str:
    """An article's identity within its feed: guid, else link, else a hash of title+date."""
    if a.guid:
        return "g:" + a.guid
    if a.link:
        return "l:" + a.link
    stamp = a.published.isoformat() if a.published else ""
    return "h:" + sha1(f"{a.title}\x00{stamp}".encode()).hexdigest()


def content_hash(a: ParsedArticle) -> str:
    h = sha1()
    for part in (
        a.title,
        a.link or "",
        a.author or "",
        a.summary_html or "",
        a.content_html or "",
        "\x1f".join(a.categories),
        str(_ts(a.updated)),
        str(_ts(a.published)),
    ):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


class PreparedArticle(NamedTuple):
    """One article's stored values (a tuple: cheap to send back from a worker)."""

    key: str
    guid: str | None
    link: str | None
    title: str
    author: str | None
    published: float | None
    updated: float | None
    categories: list[str]  # for the opinion classifier
    categories_json: str
    summary: str | bytes | None  # packed
    content: str | bytes | None  # packed
    enclosures_json: str
    content_hash: str
    search_text: str


@dataclass(slots=True)
class PreparedFeed:
    """A parsed feed as the store takes it (what ParsedFeed is, with prepared articles)."""

    title: str | None
    site_link: str | None
    articles: list[PreparedArticle] = field(default_factory=list)
    format: str = ""
    warning: str | None = None


def prepare_article(a: ParsedArticle) -> PreparedArticle:
    text = a.search_text
    if text is None:
        text = html_to_search_text(a.content_html or a.summary_html)
    return PreparedArticle(
        article_key(a),
        a.guid,
        a.link,
        a.title,
        a.author,
        _ts(a.published),
        _ts(a.updated),
        a.categories,
        json.dumps(a.categories, ensure_ascii=False),
        pack(a.summary_html),
        pack(a.content_html),
        json.dumps([e.as_json() for e in a.enclosures]),
        content_hash(a),
        text,
    )


def prepare_feed(parsed: ParsedFeed | PreparedFeed) -> PreparedFeed:
    if isinstance(parsed, PreparedFeed):
        return parsed
    return PreparedFeed(
        parsed.title,
        parsed.site_link,
        [prepare_article(a) for a in parsed.articles],
        parsed.format,
        parsed.warning,
    )
