"""Find and verify the feed behind a URL: the feed itself, or a web page that links to one.

For a page: its ``<link rel="alternate" type="application/rss+xml" ...>`` elements in document
order, then the usual paths on the same origin (/feed, /rss, ...). A candidate counts only when
it fetches and parses as a feed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from newsreader.fetch import Fetcher, FetchResult, local_path
from newsreader.model import FeedError, ParsedFeed
from newsreader.sanitize import clean_line, safe_url

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)
COMMON_PATHS = ("/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml", "/feed.json")
MAX_LINKS = 10  # a hostile page cannot make us fetch hundreds of URLs
_HTML_SCAN = 2_000_000  # feed links live in <head>; no need to scan a whole huge page


@dataclass(slots=True)
class DiscoveredFeed:
    url: str  # the URL to subscribe to (a permanent redirect already applied)
    result: FetchResult  # the fetch of that feed
    parsed: ParsedFeed


class _Stop(Exception):
    pass


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            raise _Stop
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and self.base is None and a.get("href"):
            self.base = a["href"].strip()
        elif tag == "link":
            rel = a.get("rel", "").lower().split()
            kind = a.get("type", "").split(";")[0].strip().lower()
            if "alternate" in rel and kind in FEED_TYPES and a.get("href", "").strip():
                self.links.append(a["href"].strip())


def feed_links(html: bytes, page_url: str, content_type: str = "") -> list[str]:
    """Absolute http(s) URLs of the feeds an HTML page advertises, in document order."""
    charset = "utf-8"
    if "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    try:
        text = html[:_HTML_SCAN].decode(charset, "replace")
    except LookupError:
        text = html[:_HTML_SCAN].decode("utf-8", "replace")
    finder = _LinkFinder()
    try:
        finder.feed(text)
        finder.close()
    except _Stop:
        pass
    except Exception:  # HTMLParser is lenient; never let a strange page crash discovery
        pass
    base = urljoin(page_url, finder.base) if finder.base else page_url
    found: list[str] = []
    for href in finder.links:
        url = safe_url(urljoin(base, href))
        if url and url not in found:
            found.append(url)
    return found[:MAX_LINKS]


async def _parse(result: FetchResult) -> ParsedFeed:
    from newsreader.parse import parse_feed

    assert result.body is not None
    # feedparser is CPU work: keep it off the event loop (the TUI's add dialog runs here too).
    return await asyncio.to_thread(parse_feed, result.body, result.final_url, result.headers)


def _subscribe_url(requested: str, result: FetchResult) -> str:
    return result.permanent_redirect or requested


async def _try(fetcher: Fetcher, url: str) -> DiscoveredFeed | None:
    from newsreader.parse import looks_like_feed

    result = await fetcher.fetch(url)
    if (
        result.error
        or not result.body
        or not looks_like_feed(result.body, result.headers.get("content-type", ""))
    ):
        return None
    try:
        parsed = await _parse(result)
    except FeedError:
        return None
    return DiscoveredFeed(_subscribe_url(url, result), result, parsed)


async def discover(fetcher: Fetcher, url: str) -> DiscoveredFeed:
    """The feed at url, or the one a page at url links to. Raises FeedError with one line."""
    from newsreader.parse import looks_like_feed

    url = url.strip()
    shown = clean_line(url, 300)
    result = await fetcher.fetch(url)
    if result.error:
        if "://" not in url:  # a plain path: the error already names it ("no such file: /x")
            raise FeedError(result.error)
        raise FeedError(f"{shown}: {result.error}")
    body = result.body or b""
    if local_path(url) is not None or looks_like_feed(body, result.headers.get("content-type", "")):
        # A local file is never a web page to search; a sniffed feed must parse.
        try:
            parsed = await _parse(result)
        except FeedError as exc:
            reason = str(exc)  # parse errors mostly say "not a feed: ..." already
            if not reason.startswith("not a feed"):
                reason = f"not a feed ({reason})"
            raise FeedError(f"{shown}: {reason}") from None
        return DiscoveredFeed(_subscribe_url(url, result), result, parsed)

    page = result.final_url
    tried = {url, page}
    for link in feed_links(body, page, result.headers.get("content-type", "")):
        if link in tried:
            continue
        tried.add(link)
        found = await _try(fetcher, link)
        if found:
            return found

    parts = urlsplit(page)
    origin = f"{parts.scheme}://{parts.netloc}"
    guesses = [origin + p for p in COMMON_PATHS if origin + p not in tried]
    # Fetched together (the fetcher's per-host limit still applies), first in order wins.
    for found in await asyncio.gather(*(_try(fetcher, g) for g in guesses)):
        if found:
            return found
    raise FeedError(f"no feed found at {shown}")
