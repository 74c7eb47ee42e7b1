"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org), which feedparser does not read.

Real JSON feeds bend the spec: RFC 822 dates, numeric ids, "author" in 1.1 feeds and
"authors" in 1.0 ones, items that are not objects, truncated downloads. All of that is
tolerated; anything that is not JSON at all becomes a one-line ParseError.
"""

from __future__ import annotations

import codecs
import json
from datetime import datetime

from newsreader.model import ParsedArticle, ParsedFeed
from newsreader.parse.dates import norm_datetime, parse_date
from newsreader.parse.fields import (
    MAX_HTML_CHARS,
    MAX_ITEMS,
    ParseError,
    absolute_url,
    clean_categories,
    clean_html,
    derive_title,
    fix_links,
    is_empty,
    make_enclosure,
    merge_enclosures,
    repair_text,
    text_to_html,
)
from newsreader.sanitize import clean_line


def parse_json_feed(data: bytes, url: str, now: datetime) -> ParsedFeed:
    """Parse JSON Feed bytes fetched from url; now is the (UTC) fetch time."""
    warnings: list[str] = []
    text = _decode(data, warnings)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            raise ParseError(
                f"not a feed: JSON ends early at line {exc.lineno} (truncated?)"
            ) from None
        msg = clean_line(exc.msg, limit=100)
        raise ParseError(
            f"not a feed: JSON parse error at line {exc.lineno} column {exc.colno}: {msg}"
        ) from None
    except RecursionError:
        raise ParseError("not a feed: JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python will convert
        raise ParseError(f"not a feed: bad JSON ({clean_line(str(exc), limit=100)})") from None

    if not isinstance(doc, dict):
        raise ParseError("not a feed: JSON but not a JSON Feed (not an object)")
    version = doc.get("version")
    version = version if isinstance(version, str) else ""
    items = doc.get("items")
    if "jsonfeed.org/version/" in version:
        fmt = "json11" if version.rstrip("/").endswith("/1.1") else "json10"
    elif isinstance(items, list):
        fmt = "json"
        warnings.append("no JSON Feed version")
    else:
        raise ParseError("not a feed: JSON but not a JSON Feed (no jsonfeed.org version)")
    if not isinstance(items, list):
        items = []
        warnings.append("no items list")

    feed_author = _authors(doc)
    skipped = sum(1 for item in items if not isinstance(item, dict))
    if skipped:
        warnings.append(f"skipped {skipped} items that are not objects")
    items = [item for item in items if isinstance(item, dict)]
    if len(items) > MAX_ITEMS:
        warnings.append(f"kept the first {MAX_ITEMS} of {len(items)} items")
        items = items[:MAX_ITEMS]

    title = _str(doc.get("title"))
    return ParsedFeed(
        title=clean_line(title) or None if title else None,
        site_link=absolute_url(doc.get("home_page_url"), url),
        articles=[
            a for a in (_article(i, url, now, feed_author) for i in items) if not is_empty(a)
        ],
        format=fmt,
        warning=clean_line("; ".join(warnings), limit=300) or None,
    )


def _decode(data: bytes, warnings: list[str]) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or data[:1] == b"\x00":
        try:
            return data.decode(json.detect_encoding(data))
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        warnings.append("not valid UTF-8")
        return data.decode("utf-8", "replace")


def _str(value: object) -> str | None:
    """A string field, tolerating numbers where a string belongs."""
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _authors(obj: dict) -> str | None:
    people: list[object] = []
    authors = obj.get("authors")
    if isinstance(authors, list):
        people.extend(authors)
    people.append(obj.get("author"))
    names: list[str] = []
    for person in people:
        if isinstance(person, dict):
            person = _str(person.get("name"))
        name = clean_line(_str(person), limit=200)
        if name and name not in names:
            names.append(name)
    return clean_line(", ".join(names), limit=300) or None


def _feedparser_html(markup: str | None, base: str) -> str | None:
    """Treat JSON Feed HTML as RSS/Atom HTML: relative links made absolute (nobody
    downstream knows the base) and scripts, styles and event handlers removed."""
    if not markup or not markup.strip():
        return None
    return fix_links(markup[:MAX_HTML_CHARS], base)


def _article(item: dict, url: str, now: datetime, feed_author: str | None) -> ParsedArticle:
    link = absolute_url(item.get("url"), url) or absolute_url(item.get("external_url"), url)
    content_html = clean_html(_feedparser_html(_str(item.get("content_html")), link or url))
    if content_html is None:
        content_text = _str(item.get("content_text"))
        if content_text:
            content_html = clean_html(text_to_html(content_text[:MAX_HTML_CHARS]))
    summary = _str(item.get("summary"))
    summary_html = clean_html(text_to_html(summary[:MAX_HTML_CHARS])) if summary else None

    published = norm_datetime(parse_date(item.get("date_published")), now)
    updated = norm_datetime(parse_date(item.get("date_modified")), now)
    if published is None:
        published = updated

    tags = item.get("tags")
    attachments = item.get("attachments")
    enclosures = merge_enclosures(
        [
            make_enclosure(
                att.get("url"),
                url,
                att.get("mime_type"),
                att.get("size_in_bytes"),
                duration=att.get("duration_in_seconds"),
                title=_str(att.get("title")),
            )
            for att in (attachments if isinstance(attachments, list) else [])
            if isinstance(att, dict)
        ],
        absolute_url(item.get("image"), url),
    )

    guid = clean_line(_str(item.get("id")), limit=2000)
    title = clean_line(_str(item.get("title"))) or derive_title(summary_html, content_html)
    return ParsedArticle(
        title=title,
        guid=guid or None,
        link=link,
        author=_authors(item) or feed_author,
        published=published,
        updated=updated,
        categories=clean_categories(tags if isinstance(tags, list) else []),
        summary_html=summary_html,
        content_html=content_html,
        enclosures=enclosures,
    )
