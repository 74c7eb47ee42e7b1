"""The functions refresh runs in its worker processes, in a module that imports only what
they need: each spawned worker then costs ~16 MB instead of ~28 MB with the whole refresh
module (config, store, runtime) behind it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from newsreader.model import ParsedFeed
from newsreader.sanitize import html_to_search_text


def parse_for_store(
    data: bytes, url: str, headers: Mapping[str, str], fetched_at: datetime
) -> ParsedFeed:
    """Parse a feed and make its search text: the CPU-heavy part of storing it."""
    from newsreader.parse import parse_feed

    parsed = parse_feed(data, url, headers, fetched_at)
    for a in parsed.articles:
        a.search_text = html_to_search_text(a.content_html or a.summary_html)
    return parsed


def extract_page(body: bytes, url: str) -> str | None:
    """The readable part of an article's web page, as HTML (None if there is none)."""
    from newsreader.fulltext import extract

    return extract(body, url)
