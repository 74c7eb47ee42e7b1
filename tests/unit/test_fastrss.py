"""The RSS fast path must give exactly what feedparser gives, or step aside."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.demo import DEMO_DIR
from newsreader.model import FeedError
from newsreader.parse import parse_feed
from newsreader.parse.fastrss import parse_rss
from tests.conftest import FIXTURES

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from feedserver import make_feed

NOW = datetime(2026, 1, 1, tzinfo=UTC)
FILES = sorted(
    p
    for folder in (FIXTURES / "feeds", FIXTURES / "hostile", DEMO_DIR)
    if folder.exists()
    for p in folder.iterdir()
    if p.suffix in (".xml", ".rss", ".rdf", ".atom")
)


def _both(data: bytes, url: str):
    try:
        fast = parse_feed(data, url, fetched_at=NOW)
    except FeedError as exc:
        fast = ("error", str(exc))
    try:
        slow = parse_feed(data, url, fetched_at=NOW, fast=False)
    except FeedError as exc:
        slow = ("error", str(exc))
    return fast, slow


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_fast_path_agrees_with_feedparser_on_every_fixture(path: Path) -> None:
    fast, slow = _both(path.read_bytes(), "https://feeds.example.org/news/" + path.name)
    assert fast == slow


def test_fast_path_is_taken_for_plain_rss_and_agrees() -> None:
    data = make_feed(7, 30, NOW)
    assert parse_rss(data, "http://127.0.0.9:8765/feed.xml") is not None
    fast, slow = _both(data, "http://127.0.0.9:8765/feed.xml")
    assert fast == slow and len(fast.articles) == 30


@pytest.mark.parametrize(
    "item",
    [
        "<title>A &amp; B</title><link>/a</link>",  # entity in a title
        "<title>T</title><guid>rel-guid</guid><link>https://x.example/a</link>",
        "<title>T</title><guid isPermaLink='false'>abc</guid>",
        "<title>T</title><link>/a</link><pubDate>not a date</pubDate>",
        "<title>T</title><link>/a</link><media:thumbnail url='x'/>",
        "<title>T</title><link>/a</link><description><p>raw</p></description>",
        "<title>T</title><link>a</link><category domain='x'>c</category>",
        "<title>T</title><link>a</link><enclosure url='/e.mp3' length='12' type='audio/mpeg'/>",
        "<title>T</title><link>a</link></item><title>Second channel title</title><item>",
        "<title>T</title><link>http://[oops/a</link>",  # urljoin raises on a bad IPv6 host
        "<title>T</title><link>a</link><guid>http://[x/g</guid>",
    ],
)
def test_unusual_items_agree_or_fall_back(item: str) -> None:
    """Each of these either takes the fast path with feedparser's result or falls back."""
    data = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
        f"<channel><title>F</title><link>https://x.example/</link><item>{item}</item>"
        "</channel></rss>"
    ).encode()
    fast, slow = _both(data, "https://x.example/feed.xml")
    assert fast == slow
