"""How long parse_feed takes on a typical feed, and what our preparation adds to feedparser.

Builds a 30-item RSS 2.0 feed with ~1.5 KB of HTML per item (plus a JSON Feed of the same
items and a 3,000-item feed to show the cost is linear) and prints per-feed timings.

    .venv/bin/python bench/parse.py [loops]
"""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import feedparser

from newsreader.parse import parse_feed

PARAGRAPH = (
    '<p>The council met on <b>Tuesday</b> to discuss the new <a href="/transport/lanes">cycle '
    "lanes</a>, the library's opening hours &amp; the harbour dredging budget. Residents "
    "asked for <em>more</em> evening sessions.</p>\n"
)


def item_html() -> str:
    html = ""
    while len(html) < 1500:
        html += PARAGRAPH
    return html + '<img src="/img/photo.jpg" alt="photo">'


def rss(items: int, title: str = "council news &amp; more") -> bytes:
    """An RSS 2.0 feed; the default title's entity sends it down the feedparser path, a
    plain title lets it take the fast path (fastrss.py)."""
    start = datetime(2025, 6, 1, tzinfo=UTC)
    body = item_html()
    parts = []
    for i in range(items):
        date = (start - timedelta(hours=i)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        parts.append(
            f"""<item><title>Story number {i}: {title}</title>
<link>https://news.example.com/story/{i}</link><guid>https://news.example.com/story/{i}</guid>
<pubDate>{date}</pubDate><dc:creator>Reporter {i % 7}</dc:creator>
<category>Local</category><category>Politics</category>
<description><![CDATA[{PARAGRAPH}]]></description>
<content:encoded><![CDATA[{body}]]></content:encoded></item>"""
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench News</title>'
        "<link>https://news.example.com/</link>" + "\n".join(parts) + "</channel></rss>"
    ).encode()


def jsonfeed(items: int) -> bytes:
    body = item_html()
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Bench News",
        "items": [
            {
                "id": f"https://news.example.com/story/{i}",
                "url": f"https://news.example.com/story/{i}",
                "title": f"Story number {i}",
                "content_html": body,
                "summary": "A short summary.",
                "date_published": "2025-06-01T10:00:00Z",
                "tags": ["Local", "Politics"],
            }
            for i in range(items)
        ],
    }
    return json.dumps(doc).encode()


def best_of(
    fns: dict[str, Callable[[], object]], loops: int, repeats: int = 10
) -> dict[str, float]:
    """Seconds per call, best of `repeats` interleaved rounds (least disturbed by other load)."""
    for fn in fns.values():
        fn()  # warm up (imports, regex compilation)
    n = max(1, loops // repeats)
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(n):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / n)
    return best


def main() -> None:
    loops = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    url = "https://news.example.com/feed.xml"
    small = rss(30)
    plain = rss(30, title="council news and more")
    js = jsonfeed(30)
    headers = {"content-location": url, "content-type": "application/rss+xml"}
    t = best_of(
        {
            "ours": lambda: parse_feed(small, url),
            "fast": lambda: parse_feed(plain, url),
            "slow": lambda: parse_feed(plain, url, fast=False),
            "raw": lambda: feedparser.parse(io.BytesIO(small), response_headers=headers),
            "json": lambda: parse_feed(js, url),
        },
        loops,
    )
    print(f"RSS 2.0, 30 items, {len(small) / 1024:.0f} KB, best of {loops} calls:")
    print(
        f"  parse_feed             {t['ours'] * 1000:7.2f} ms/feed  ({t['ours'] / 30 * 1e6:.0f} us/item)"
    )
    print(f"  feedparser.parse alone {t['raw'] * 1000:7.2f} ms/feed")
    print(f"  plain titles, fast path {t['fast'] * 1000:6.2f} ms/feed")
    print(f"  plain titles, fast=False {t['slow'] * 1000:5.2f} ms/feed")
    print(f"JSON Feed, 30 items, {len(js) / 1024:.0f} KB: {t['json'] * 1000:.2f} ms/feed")
    big = rss(3000)
    bt = best_of({"big": lambda: parse_feed(big, url)}, 2, repeats=2)["big"]
    print(
        f"RSS 2.0, 3000 items, {len(big) / 1024 / 1024:.1f} MB: {bt:.2f} s ({bt / 3000 * 1e6:.0f} us/item)"
    )


if __name__ == "__main__":
    main()
