"""Saved views and the query language in the reader: `/` takes a query, `S` saves it as a
view, and views show in the feeds screen (with unread counts) and the palette."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from textual.widgets import Input

from newsreader import config as cfg
from newsreader.runtime import Runtime
from newsreader.tui.app import NewsApp
from newsreader.tui.widgets.feeds import FeedList
from tests.functional.pilot import press_until, settle, visible_text

TITLES = ["Mars rover lands", "Budget vote passes", "Venus probe delayed", "Mars dust storm"]


def rss() -> str:
    items = "".join(
        f"<item><title>{t}</title><link>https://wire.example/{i}</link><guid>g{i}</guid>"
        f"<author>{'Ann Lee' if 'Mars' in t else 'Bo'}</author>"
        f"<pubDate>Tue, 01 Dec 2026 {10 + i}:00:00 GMT</pubDate></item>"
        for i, t in enumerate(TITLES)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{items}</channel></rss>'
    )


def listed(app: NewsApp) -> list[str]:
    return [line for line in visible_text(app.main.headlines) if line.strip()]


async def type_in(pilot, text: str) -> None:
    app = pilot.app
    app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await settle(pilot)


async def test_query_search_save_it_then_find_it_in_the_feeds_screen(
    home: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed").respond_with_data(rss())
    (home / "config" / "config.toml").write_text(
        "[refresh]\non_start = false\ninterval = 0\n\n"
        f'[[feeds]]\nurl = "{httpserver.url_for("/feed")}"\n\n'
        '[[views]]\nname = "Space"\nmatch = "mars or venus"\n'
    )
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert len(listed(app)) == 4
        await pilot.press("slash")
        await type_in(pilot, 'author = "ann lee" and not dust')
        rows = listed(app)
        assert len(rows) == 1 and "Mars rover lands" in rows[0]
        # A query that does not parse: one line, the list unchanged.
        await pilot.press("slash")
        await type_in(pilot, "title ~")
        assert "search: 1:8: expected a value after '~'" in [n.message for n in app._notifications]
        assert len(listed(app)) == 1
        await pilot.press("S")
        await pilot.pause()
        await type_in(pilot, "Ann's Mars")
        saved = cfg.load_saved_views(cfg.feeds_path(app.rt.config_path))
        assert [(v.name, v.match) for v in saved] == [
            ("Ann's Mars", 'author = "ann lee" and not dust')
        ]
        await pilot.press("f")
        await settle(pilot)
        feeds = app.screen.query_one(FeedList)
        text = "\n".join(visible_text(feeds))
        assert "Saved views" in text
        space = next(line for line in visible_text(feeds) if "Space" in line)
        assert space.rstrip().endswith("3")  # unread matches
        await press_until(
            pilot, "j", lambda: feeds.current is not None and feeds.current.label == "Ann's Mars"
        )
        await pilot.press("enter")
        await settle(pilot)
        rows = listed(app)
        assert len(rows) == 1 and "Mars rover lands" in rows[0]
