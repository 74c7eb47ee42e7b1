"""Server items to ParsedFeed articles through the same cleaning as fetched feeds: the
server's HTML and text are as untrusted as a feed's (scripts, event handlers, javascript:
links and control characters go; only http(s) links stay)."""

from __future__ import annotations

from datetime import UTC, datetime

from newsreader.model import Enclosure, ParsedArticle
from newsreader.parse.dates import norm_datetime
from newsreader.parse.fields import (
    MAX_HTML_CHARS,
    absolute_url,
    clean_categories,
    clean_html,
    derive_title,
    fix_links,
    html_to_line,
)
from newsreader.sanitize import clean_line, html_to_search_text
from newsreader.sync.remote import RemoteItem


def item_guid(prefix: str, remote_id: int) -> str:
    """The stored article's guid: the server's id, so its key maps back to the item."""
    return f"{prefix}{remote_id}"


def _when(ts: float | None, now: datetime) -> datetime | None:
    if ts is None:
        return None
    if ts > 1e14:  # microseconds or milliseconds from some servers
        ts = ts / 1_000_000 if ts > 1e17 else ts / 1000
    try:
        return norm_datetime(datetime.fromtimestamp(ts, UTC), now)
    except (OverflowError, OSError, ValueError):
        return None


def to_article(item: RemoteItem, guid: str, now: datetime) -> ParsedArticle:
    link = absolute_url(item.link, None)
    content = clean_html(fix_links(item.html[:MAX_HTML_CHARS], link)) if item.html else None
    title = html_to_line(item.title) if item.title else ""
    published = _when(item.published, now)
    updated = _when(item.updated, now)
    enclosures = []
    for url, ctype in item.enclosures:
        href = absolute_url(url, link)
        if href:
            enclosures.append(Enclosure(href, clean_line(ctype, 200) or None))
    return ParsedArticle(
        title=title or derive_title(content),
        guid=guid,
        link=link,
        author=clean_line(item.author, 300) or None,
        published=published or updated,
        updated=updated,
        categories=clean_categories(list(item.categories)),
        content_html=content,
        enclosures=enclosures,
        search_text=html_to_search_text(content),
    )
