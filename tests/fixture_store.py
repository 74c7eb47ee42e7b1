"""A small real store for the story and digest tests: six feeds, two cross-feed stories,
opinion pieces, tags, and hostile feed text (markup, Markdown, control characters)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from newsreader.model import ParsedArticle, ParsedFeed
from newsreader.runtime import Runtime
from newsreader.store import FetchOutcome

HOSTILE_TITLE = (
    'Rail strike called off after pay deal <script>alert("x")</script> & '
    "[click](javascript:alert(1)) "
    "**now** \x1b[31mred"
)
HOSTILE_FEED = 'Evil <b>Feed</b> & "Co" | [x](javascript:alert(2))'
HOSTILE_AUTHOR = "<img src=x onerror=alert(3)>"

CONFIG = """
[[feeds]]
url = "https://wire.example/feed.xml"
title = "Example Wire"
tags = ["world"]

[[feeds]]
url = "https://ledger.example/rss"
title = "The Morning Ledger"
tags = ["world", "business"]

[[feeds]]
url = "https://courier.example/rss"
title = "Harbour City Courier"
tags = ["local"]

[[feeds]]
url = "https://tech.example/atom"
title = "Tech Dispatch"
tags = ["tech"]

[[feeds]]
url = "https://longtable.example/feed"
title = "The Long Table"
section = "opinion"

[[feeds]]
url = "https://evil.example/feed"
title = '''{hostile}'''
tags = ["world"]
"""

# feed url -> [(hours ago, title, link path, author)]
ARTICLES: dict[str, list[tuple[float, str, str, str | None]]] = {
    "https://wire.example/feed.xml": [
        (1.0, "Rail strike called off after late-night pay deal", "/news/rail-deal", "Ann Lee"),
        (5.0, "Novalith to build $20bn chip factory in Ohio", "/news/chip-plant", None),
        (30.0, "Harbour festival draws record crowds", "/news/festival", None),
    ],
    "https://ledger.example/rss": [
        (2.0, "Train drivers' strike called off as rail pay deal agreed", "/a/1", "Bo Chan"),
        (6.0, "Ohio wins $20bn Novalith chip factory", "/a/2", None),
        (3.0, "Why the rail deal is a bad bargain", "/opinion/rail-bargain", "C. Writer"),
    ],
    "https://courier.example/rss": [
        (0.5, "Commuters relieved as rail strike called off after pay deal", "/s/9", None),
        (8.0, "Council approves new cycle lanes on the high street", "/s/10", None),
    ],
    "https://tech.example/atom": [
        (4.0, "Quantum startup unveils error-corrected chip", "/t/1", "Dee Kay"),
        (7.0, "Phone makers face new repair rules in Europe", "/t/2", None),
    ],
    "https://longtable.example/feed": [
        (2.5, "The case for slower trains", "/essays/slow-trains", "Eve Author"),
        (9.0, "In praise of the local library", "/essays/library", "Eve Author"),
    ],
    "https://evil.example/feed": [
        (1.5, HOSTILE_TITLE, "javascript:alert(1)", HOSTILE_AUTHOR),
    ],
}


def _link(feed_url: str, path: str) -> str:
    if not path.startswith("/"):
        return path  # a hostile, non-http link: stored as given, never shown as a link
    return feed_url.split("/", 3)[0] + "//" + feed_url.split("/")[2] + path


def build_store(home: Path, now: float | None = None) -> float:
    """Write config.toml and fill the store as a refresh would; returns `now` used."""
    now = time.time() if now is None else now
    config = home / "config" / "config.toml"
    config.write_text(CONFIG.replace("{hostile}", HOSTILE_FEED), encoding="utf-8")
    rt = Runtime.load(None, None)
    with rt.open_store() as store:
        ids = store.sync_feeds(rt.feeds)
        for url, rows in ARTICLES.items():
            articles = [
                ParsedArticle(
                    title=title,
                    guid=f"{url}#{n}",
                    link=_link(url, path),
                    author=author,
                    published=datetime.fromtimestamp(now - hours * 3600, UTC),
                    summary_html=f"<p>Summary of {title}</p>",
                )
                for n, (hours, title, path, author) in enumerate(rows)
            ]
            store.record_fetch(
                ids[url],
                FetchOutcome(status=200),
                ParsedFeed(title=None, site_link=None, articles=articles),
                now=now,
                keep_title=True,
            )
    return now
