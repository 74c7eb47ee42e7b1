"""RSS 0.9x/1.0/2.0 and Atom: prepared bytes through the fast RSS 2.0 path or feedparser,
and feedparser-shaped entries normalised into ParsedFeed/ParsedArticle."""

from __future__ import annotations

import io
from datetime import datetime

from newsreader.model import Enclosure, ParsedArticle, ParsedFeed
from newsreader.parse.dates import norm_datetime, parse_localised_date, struct_to_datetime
from newsreader.parse.fields import (
    MAX_HTML_CHARS,
    MAX_ITEMS,
    VOID_TAG,
    ParseError,
    absolute_url,
    clean_categories,
    clean_html,
    derive_title,
    fix_links,
    html_to_line,
    is_empty,
    make_enclosure,
    merge_enclosures,
    parse_duration,
    text_to_html,
)
from newsreader.parse.prepare import FEED_START, decode_xml, prepare_xml
from newsreader.sanitize import clean_line

_XML_ACCEPT = "application/xml; charset=utf-8"


def parse_xml(
    data: bytes, url: str, hdrs: dict[str, str], now: datetime, fast: bool = True
) -> ParsedFeed:
    """RSS or Atom bytes (hdrs: lower-cased response headers) as a ParsedFeed."""
    charset = None
    ctype = hdrs.get("content-type", "")
    for part in ctype.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip()
    text = decode_xml(data, charset)
    warnings: list[str] = []
    clean, doctype, root = prepare_xml(text)
    if root is None:
        # Junk before the feed (a PHP notice, a stray line) is common enough to skip.
        m = FEED_START.search(text, 0, 65536)
        if m and m.start() > 0:
            clean, doctype, root = prepare_xml(text[m.start() :])
            warnings.append(f"ignored {m.start()} characters before the feed")
    # The root element decides, not the DOCTYPE: feeds written by HTML tools often carry an
    # (X)HTML DOCTYPE; a page without an <html> root has no feed root either and fails below.
    if (root or "").lower() == "html" or (
        doctype.lower().startswith("html") and root not in ("rss", "feed", "rdf:RDF", "RDF")
    ):
        raise ParseError("not a feed: looks like an HTML page")
    if root is None:
        raise ParseError("not a feed: no XML root element")

    if fast and root == "rss":
        from newsreader.parse.fastrss import parse_rss

        plain = parse_rss(clean, url)
        if plain is not None:
            feed, entries = plain
            return _build(feed, entries, "rss20", url, now, warnings)

    import feedparser  # heavy; only the parsing process needs it

    headers = {"content-location": url, "content-type": _XML_ACCEPT}
    if "content-language" in hdrs:
        headers["content-language"] = hdrs["content-language"]
    try:
        # A stream, never bytes or str: feedparser treats a str (and even bytes) as a
        # path or URL to open.
        # feedparser's own HTML sanitiser and link resolver re-parse every HTML chunk with
        # sgmllib and took half the parse time; fix_links does the part we need with regexes.
        result = feedparser.parse(
            io.BytesIO(clean),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except RecursionError as exc:
        raise ParseError("not a feed: elements nested too deeply") from exc
    except Exception as exc:  # feedparser bugs on garbage must not escape as tracebacks
        raise ParseError(f"not a feed: the parser failed ({type(exc).__name__})") from exc

    version = result.get("version") or ""
    entries = result.get("entries") or []
    error = result.get("bozo_exception") if result.get("bozo") else None
    if error is not None:
        warnings.append(_describe_xml_error(error) + "; read leniently")
    if not version:
        if not entries:
            if error is not None:
                raise ParseError("not a feed: " + _describe_xml_error(error))
            found = f" (found <{clean_line(root, limit=40)}>)" if root else ""
            raise ParseError(f"not a feed: no RSS or Atom root element{found}")
        warnings.append("unknown feed format")
    if version == "rss091u" and "netscape" in doctype.lower():
        version = "rss091n"  # feedparser tells the 0.91 dialects apart by the DOCTYPE we removed

    return _build(result.get("feed") or {}, entries, version, url, now, warnings)


def _build(
    feed: dict, entries: list, version: str, url: str, now: datetime, warnings: list[str]
) -> ParsedFeed:
    """Normalise feedparser-shaped feed and entry dictionaries into a ParsedFeed."""
    feed_base = _detail_base(feed, "title_detail") or url
    site_link = absolute_url(_alternate_link(feed), feed_base)
    atom = version.startswith("atom")
    feed_title = _title_text(feed, atom) or None
    # Atom: an entry without an author has the feed's authors.
    feed_author = _author(feed) if atom else None

    if len(entries) > MAX_ITEMS:
        warnings.append(f"kept the first {MAX_ITEMS} of {len(entries)} items")
        entries = entries[:MAX_ITEMS]
    articles = [_article(e, url, now, feed_author, atom) for e in entries if isinstance(e, dict)]
    articles = [a for a in articles if not is_empty(a)]
    return ParsedFeed(
        title=feed_title,
        site_link=site_link,
        articles=articles,
        format=version,
        warning=clean_line("; ".join(warnings), limit=300) or None,
    )


def _describe_xml_error(error: BaseException) -> str:
    line = getattr(error, "getLineNumber", None)
    msg = getattr(error, "getMessage", None)
    if callable(line) and callable(msg):
        try:
            return clean_line(f"XML parse error at line {line()}: {msg()}", limit=200)
        except Exception:  # SAX locators can be gone; fall back to the text
            pass
    return clean_line(f"XML parse error: {error}", limit=200)


def _detail_base(obj: dict, key: str) -> str | None:
    detail = dict.get(obj, key) if isinstance(obj, dict) else None
    base = detail.get("base") if isinstance(detail, dict) else None
    return base if isinstance(base, str) and base else None


def _title_text(obj: dict, atom: bool) -> str:
    title = dict.get(obj, "title")
    if not isinstance(title, str):
        return ""
    detail = dict.get(obj, "title_detail") or {}
    ctype = detail.get("type", "") if isinstance(detail, dict) else ""
    # Atom says what its titles are; in RSS, feedparser looks for closing tags and so calls
    # "line<br>line" or an <img>-only title plain text.
    if "html" in ctype or (not atom and VOID_TAG.search(title)):
        return html_to_line(title)
    return clean_line(title)


def _author(obj: dict) -> str | None:
    names: list[str] = []
    for person in dict.get(obj, "authors") or []:
        if isinstance(person, dict):
            name = clean_line(person.get("name") or person.get("email") or "", limit=200)
            if name and name not in names:
                names.append(name)
    if not names:
        author = dict.get(obj, "author")
        if isinstance(author, str):
            names = [clean_line(author, limit=200)]
    return clean_line(", ".join(n for n in names if n), limit=300) or None


def _article(
    e: dict, url: str, now: datetime, feed_author: str | None, atom: bool
) -> ParsedArticle:
    base = (
        _detail_base(e, "title_detail")
        or _detail_base(e, "summary_detail")
        or _content_base(e)
        or url
    )
    content_html = None
    content = dict.get(e, "content")
    if isinstance(content, list) and content and isinstance(content[0], dict):
        content_html = _detail_html(content[0])
    summary_html = None
    # feedparser copies content into "summary" when there is no summary; only a real one
    # (it comes with summary_detail) counts.
    summary_detail = dict.get(e, "summary_detail")
    if isinstance(summary_detail, dict):
        summary_html = _detail_html(summary_detail)

    published = _entry_date(e, "published", now)
    updated = _entry_date(e, "updated", now)
    if published is None:
        published = updated  # Atom requires only <updated>; RSS dc:date lands there too

    guid = (
        clean_line(dict.get(e, "id") or "", limit=2000)
        if isinstance(dict.get(e, "id"), str)
        else ""
    )
    categories = clean_categories(
        [t.get("term") or t.get("label") for t in dict.get(e, "tags") or [] if isinstance(t, dict)]
    )
    enclosures = _enclosures(e, base)
    title = _title_text(e, atom) or derive_title(summary_html, content_html)
    return ParsedArticle(
        title=title,
        guid=guid or None,
        link=absolute_url(_alternate_link(e), base),
        author=_author(e) or feed_author,
        published=published,
        updated=updated,
        categories=categories,
        summary_html=summary_html,
        content_html=content_html,
        enclosures=enclosures,
    )


_PAGE_TYPES = frozenset(("text/html", "application/xhtml+xml"))


def _alternate_link(obj: dict) -> str | None:
    """The page a feed or entry links to. feedparser keeps the last <link> it saw, so an
    empty <link/> after the real one, or an enclosure, could win; here rel="alternate" (or
    no rel) with an href wins, an HTML one first, wherever it appears."""
    other = None
    for link in dict.get(obj, "links") or []:
        if not isinstance(link, dict):
            continue
        href = link.get("href")
        if not isinstance(href, str) or not href.strip():
            continue
        if (link.get("rel") or "alternate") != "alternate":
            continue
        if (link.get("type") or "text/html") in _PAGE_TYPES:
            return href
        other = other or href
    if other:
        return other
    link = dict.get(obj, "link")  # RSS <link>, or a permalink guid
    return link if isinstance(link, str) and link.strip() else None


def _enclosures(e: dict, base: str) -> list[Enclosure]:
    """RSS <enclosure>, Atom rel="enclosure", media:content (in a media:group too),
    media:thumbnail, itunes:duration and itunes:image, as feedparser records them."""
    found: list[Enclosure | None] = []
    for link in dict.get(e, "links") or []:
        if isinstance(link, dict) and link.get("rel") == "enclosure":
            ctype = link.get("type")
            if ctype == "text/html":
                ctype = None  # feedparser's default for an Atom link without a type
            found.append(make_enclosure(link.get("href"), base, ctype, link.get("length")))
    for media in dict.get(e, "media_content") or []:
        if isinstance(media, dict):
            found.append(
                make_enclosure(
                    media.get("url"),
                    base,
                    media.get("type"),
                    media.get("filesize"),
                    duration=media.get("duration"),
                    medium=media.get("medium"),
                )
            )
    thumbnail = None
    for thumb in dict.get(e, "media_thumbnail") or []:
        if isinstance(thumb, dict):
            thumbnail = thumbnail or absolute_url(thumb.get("url"), base)
    image = dict.get(e, "image")  # itunes:image
    if thumbnail is None and isinstance(image, dict):
        thumbnail = absolute_url(image.get("href"), base)
    return merge_enclosures(found, thumbnail, parse_duration(dict.get(e, "itunes_duration")))


def _content_base(e: dict) -> str | None:
    content = dict.get(e, "content")
    if isinstance(content, list) and content and isinstance(content[0], dict):
        base = content[0].get("base")
        return base if isinstance(base, str) and base else None
    return None


def _detail_html(detail: dict) -> str | None:
    value = detail.get("value")
    if not isinstance(value, str) or not value.strip():
        return None
    if "html" not in (detail.get("type") or "text/html"):
        value = text_to_html(value[:MAX_HTML_CHARS])
    else:
        base = detail.get("base")
        value = fix_links(value[:MAX_HTML_CHARS], base if isinstance(base, str) else None)
    return clean_html(value)


def _entry_date(e: dict, key: str, now: datetime) -> datetime | None:
    dt = struct_to_datetime(dict.get(e, key + "_parsed"))
    if dt is None:
        raw = dict.get(e, key)
        if isinstance(raw, str) and raw.strip():
            dt = parse_localised_date(raw[:200])
    return norm_datetime(dt, now)
