"""Pilot tests of the TUI against a temp config/data dir (the `home` fixture) and feeds served
by pytest-httpserver from fixture files. Workers are awaited, never slept on."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from textual.scroll_view import ScrollView

from newsreader.model import View
from newsreader.refresh import refresh
from newsreader.runtime import Runtime
from newsreader.tui.app import NewsApp
from newsreader.tui.host import RefreshProgressed
from newsreader.tui.screens.help import HelpScreen
from newsreader.tui.widgets.feeds import FeedList
from tests.functional.pilot import pane_text, press_until, settle, shown_ids, visible_text

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"
APP_FEEDS = Path(__file__).parents[1] / "fixtures" / "app"
# The frozen demo feeds' newest item is 2025-03-18 09:40 UTC; "now" is 20 minutes later.
DEMO_NOW = datetime(2025, 3, 18, 10, 0, tzinfo=UTC).timestamp()


def write_config(home: Path, feeds: list[tuple[str, dict]], extra: str = "") -> Path:
    """config.toml with the given feeds (url, options) and extra TOML appended."""
    lines = ["[refresh]", "on_start = false", "interval = 0", ""]
    for url, opts in feeds:
        lines.append("[[feeds]]")
        lines.append(f'url = "{url}"')
        for key, value in opts.items():
            if isinstance(value, list):
                lines.append(f"{key} = [" + ", ".join(f'"{v}"' for v in value) + "]")
            else:
                lines.append(f'{key} = "{value}"')
        lines.append("")
    path = home / "config" / "config.toml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def serve(httpserver: HTTPServer, name: str, path: Path | None = None) -> str:
    body = (path or FEEDS / name).read_bytes()
    httpserver.expect_request(f"/{name}").respond_with_data(body, content_type="application/xml")
    return httpserver.url_for(f"/{name}")


async def filled(home: Path, feeds: list[tuple[str, dict]], extra: str = "") -> Runtime:
    """A runtime whose store already holds the feeds' articles (refresh run before the app)."""
    write_config(home, feeds, extra)
    rt = Runtime.load()
    with rt.open_store() as store:
        # One feed at a time, in order: article ids (the tie-break between equal dates) are
        # then the same on every run, which snapshots need.
        for feed in rt.feeds:
            report = await refresh(rt, store, force=True, urls=[feed.url])
            assert not report.errors, report.lines()
    return rt


def demo_feeds() -> list[tuple[str, dict]]:
    from newsreader.demo import DEMO_FEEDS

    return [
        ((APP_FEEDS / f.file).as_uri(), {"title": f.title, "section": f.section, "tags": f.tags})
        for f in DEMO_FEEDS
    ]


@pytest.fixture
async def two_feeds(home: Path, httpserver: HTTPServer) -> Runtime:
    return await filled(
        home,
        [
            (serve(httpserver, "rss20.xml"), {"tags": ["local"]}),
            (serve(httpserver, "atom.xml"), {"tags": ["nature"]}),
        ],
    )


async def test_start_shows_the_store_and_navigation_moves_the_cursor(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        headlines = app.main.headlines
        assert headlines.row_count == 5
        assert headlines.cursor == 0
        lines = visible_text(headlines)
        assert "Coppicing the hazel, year three" in lines[0]
        assert lines[0].startswith("●")
        await pilot.press("j", "j")
        assert headlines.cursor == 2
        await pilot.press("k")
        assert headlines.cursor == 1
        await pilot.press("G")
        assert headlines.cursor == 4
        await pilot.press("g")
        assert headlines.cursor == 0
        await pilot.press("down", "end", "up")
        assert headlines.cursor == 3
        assert "5 unread" in app.main.topbar.render().plain


async def test_open_marks_read_and_it_persists_across_a_restart(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        opened = shown_ids(app.main.headlines)[1]
        article = app.main.article_view.article
        assert article is not None and article.id == opened
        text = "\n".join(visible_text(app.main.article_view))
        assert "Counting dormice boxes" in text
        assert "4 unread" in app.main.topbar.render().plain
        assert not visible_text(app.main.headlines)[1].startswith("●")
    # a new process's view of the store
    with sqlite3.connect(two_feeds.data_dir / "newsreader.db") as db:
        assert db.execute("SELECT read FROM articles WHERE id = ?", (opened,)).fetchone() == (1,)
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        index = shown_ids(app.main.headlines).index(opened)
        assert app.main.headlines.row(index).read
        assert "4 unread" in app.main.topbar.render().plain


async def test_star_then_starred_view(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        first = shown_ids(app.main.headlines)[0]
        await pilot.press("s")
        assert visible_text(app.main.headlines)[0][1] == "★"
        await pilot.press("3")
        await settle(pilot)
        assert shown_ids(app.main.headlines) == [first]
        assert "Starred" in app.main.topbar.render().plain
        await pilot.press("s")  # unstar from the starred view
        with app.rt.open_store() as store:
            assert store.ids(View(starred=True)) == []


async def test_view_switching(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "2")
        await settle(pilot)
        assert app.main.headlines.row_count == 4
        await pilot.press("4")
        await settle(pilot)
        opinion = [app.main.headlines.row(i).title for i in range(app.main.headlines.row_count)]
        assert opinion == ["Opinion: keep the library open late"]
        await pilot.press("1")
        await settle(pilot)
        assert app.main.headlines.row_count == 5
        assert "All feeds" in app.main.topbar.render().plain


async def test_search_and_escape_returns_to_the_previous_view(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"dormice", "enter")
        await settle(pilot)
        assert [app.main.headlines.row(0).title] == ["Counting dormice boxes"]
        assert app.main.headlines.row_count == 1
        assert 'Search "dormice"' in app.main.topbar.render().plain
        await pilot.press("escape")
        await settle(pilot)
        assert app.main.view == View(unread=True)
        assert app.main.headlines.row_count == 5


async def test_mark_all_read_then_undo(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert "0 unread" in app.main.topbar.render().plain
        assert not any(line.startswith("●") for line in visible_text(app.main.headlines))
        await pilot.press("u")
        await settle(pilot)
        assert "5 unread" in app.main.topbar.render().plain
        assert sum(line.startswith("●") for line in visible_text(app.main.headlines)) == 5


async def test_refresh_progress_with_a_failing_feed(home: Path, httpserver: HTTPServer) -> None:
    good = serve(httpserver, "rss20.xml")
    other = serve(httpserver, "atom.xml")
    httpserver.expect_request("/broken.xml").respond_with_data("no", status=500)
    write_config(home, [(good, {}), (other, {}), (httpserver.url_for("/broken.xml"), {})])
    progress: list[str] = []

    def hook(message) -> None:
        if isinstance(message, RefreshProgressed):
            progress.append(f"{message.done}/{message.total}")

    app = NewsApp(Runtime.load())
    async with app.run_test(size=(160, 40), message_hook=hook) as pilot:
        await settle(pilot)
        assert shown_ids(app.main.headlines) == []
        await pilot.press("r")
        await settle(pilot)
        assert sorted(progress) == ["1/3", "2/3", "3/3"]
        assert app.main.headlines.row_count == 5
        status = app.main.status.render().plain
        assert "1 feed error" in status
        assert "updated" in app.main.topbar.render().plain
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 1
        assert "1 feed failed" in warnings[0].message and "500" in warnings[0].message
        # the feeds screen marks the failing feed
        await pilot.press("f")
        await pilot.pause()
        lines = visible_text(app.screen.query_one("#feed-list"))
        assert any(line.lstrip().startswith("!") and "broken" in line for line in lines)


async def test_refresh_on_start_shows_the_store_first(home: Path, httpserver: HTTPServer) -> None:
    rt = await filled(home, [(serve(httpserver, "rss20.xml"), {})])
    extra = serve(httpserver, "atom.xml")
    write_config(home, [(httpserver.url_for("/rss20.xml"), {}), (extra, {})])
    rt = Runtime.load()
    seen_at_refresh: list[int] = []
    app = NewsApp(rt, refresh_on_start=True)

    def hook(message) -> None:
        if isinstance(message, RefreshProgressed) and not seen_at_refresh:
            seen_at_refresh.append(app.main.headlines.row_count)

    async with app.run_test(size=(160, 40), message_hook=hook) as pilot:
        await settle(pilot)
        assert seen_at_refresh and seen_at_refresh[0] >= 3
        assert app.main.headlines.row_count == 5


async def test_cursor_stays_on_its_story_when_a_refresh_adds_stories_above(
    home: Path, httpserver: HTTPServer
) -> None:
    rt = await filled(home, [(serve(httpserver, "rss20.xml"), {})])
    app = NewsApp(rt)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        story = app.main.headlines.current_id
        # Another process (cron) adds a newer feed's stories; the app re-reads its view.
        write_config(
            home, [(httpserver.url_for("/rss20.xml"), {}), (serve(httpserver, "atom.xml"), {})]
        )
        app.rt = Runtime.load()
        with app.rt.open_store() as store:
            await refresh(app.rt, store, force=True)
        app.main.reload()
        await settle(pilot)
        assert app.main.headlines.row_count == 5
        assert app.main.headlines.current_id == story
        assert app.main.headlines.cursor == 3


async def test_hostile_titles_show_literally_and_never_act(
    home: Path, httpserver: HTTPServer
) -> None:
    rt = await filled(home, [(serve(httpserver, "rss20.xml"), {})])
    hostile = [
        "[@click=app.quit]x[/]",
        "[/]",
        "bell\x07 esc\x1b[2J osc\x1b]52;c;aGk=\x07 c1\x9b6n end",
        "[b]bold?[/b] \x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    ]
    # Straight into the store, as a buggy or older writer might have left them.
    with sqlite3.connect(rt.data_dir / "newsreader.db") as db:
        for n, title in enumerate(hostile):
            db.execute(
                "INSERT INTO articles (feed_id, key, title, link, sort_ts, first_seen, "
                "content_hash, summary_html) VALUES (1, ?, ?, ?, ?, ?, '', ?)",
                (f"g:h{n}", title, "javascript:alert(1)", time.time() + n, time.time(), title),
            )
    app = NewsApp(rt)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        lines = visible_text(app.main.headlines)
        joined = "\n".join(lines)
        assert "[@click=app.quit]x[/]" in joined
        assert any(line[3:].startswith("[/] ") for line in lines)
        assert "[b]bold?[/b]" in joined
        assert "bell  esc osc c1 end" in joined or "bell esc osc c1 end" in joined
        assert not any(ch in joined for ch in "\x1b\x07\x9b")
        # clicking and opening the markup title runs no action
        index = next(i for i, line in enumerate(lines) if "[@click=app.quit]" in line)
        await pilot.click("#headlines", offset=(5, index + 1))
        await pilot.click("#headlines", offset=(5, index + 1), times=2)
        await settle(pilot)
        assert app.is_running and app.return_code is None
        body = "\n".join(visible_text(app.main.article_view))
        assert "[@click=app.quit]x[/]" in body
        # a javascript: link is never offered
        await pilot.press("y")
        assert app.clipboard == ""
        await pilot.click("#article", offset=(5, 1))
        assert app.is_running
        screenshot = app.export_screenshot()
        assert "evil.example" not in screenshot


async def test_rebinding_a_key_from_config(home: Path, httpserver: HTTPServer) -> None:
    rt = await filled(
        home, [(serve(httpserver, "rss20.xml"), {})], extra='[keys]\nstar = "x"\ndown = "J"\n'
    )
    app = NewsApp(rt)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert visible_text(app.main.headlines)[0][1] == " "
        await pilot.press("x")
        assert visible_text(app.main.headlines)[0][1] == "★"
        await pilot.press("j")
        assert app.main.headlines.cursor == 0
        await pilot.press("J")
        assert app.main.headlines.cursor == 1
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {binding_id: keys for keys, _, binding_id in app.screen.rows}
        assert rows["star"] == "x"
        assert rows["down"] == "J"
        assert rows["quit"] == "q"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_narrow_terminal_folds_the_sidebar(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(90, 30)) as pilot:
        await settle(pilot)
        sidebar = app.main.query_one("#sidebar")
        assert not sidebar.display or sidebar.region.width == 0
        await pilot.press("t")
        await pilot.pause()
        assert sidebar.region.width > 0
        assert app.main.focused is app.main.trending
        await pilot.press("escape")
        await pilot.pause()
        assert sidebar.region.width == 0


async def test_open_link_uses_webbrowser_and_copy_link(
    two_feeds: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, new=0: opened.append(url) or True)
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o", "y")
        row = app.main.headlines.row(0)
        assert opened == [row.link]
        assert row.link.startswith("http")
        assert app.clipboard == row.link


def current_feed(app: NewsApp) -> str:
    """The label under the feeds screen's cursor."""
    item = app.screen.query_one(FeedList).current
    return item.label if item is not None else ""


async def test_feeds_screen_select_rename_and_remove(home: Path, httpserver: HTTPServer) -> None:
    from newsreader import config as cfg
    from newsreader.model import FeedConfig

    config_url = serve(httpserver, "rss20.xml")
    rt = await filled(home, [(config_url, {"tags": ["local"]})])
    added = serve(httpserver, "atom.xml")
    rt.add_subscription(FeedConfig(url=added, tags=["nature"]))
    with rt.open_store() as store:
        await refresh(rt, store, force=True)
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        lines = visible_text(app.screen.query_one("#feed-list"))
        assert "All feeds" in lines[0] and lines[0].rstrip().endswith("5")
        assert any("Field & Forest" in line and line.rstrip().endswith("2") for line in lines)
        # choose the "nature" feed
        await press_until(pilot, "j", lambda: "Field & Forest" in current_feed(app))
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.headlines.row_count == 2
        assert "Field & Forest" in app.main.topbar.render().plain
        # rename it
        await pilot.press("f")
        await pilot.pause()
        await press_until(pilot, "j", lambda: "Field & Forest" in current_feed(app))
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"Woods", "enter")
        await settle(pilot)
        assert cfg.load_subscriptions(cfg.feeds_path(app.rt.config_path))[0].title == "Woods"
        # the config.toml feed cannot be removed from here: one clear line
        # the cursor stayed on the renamed feed; the config.toml one is above it
        assert current_feed(app) == "Woods"
        await press_until(pilot, "k", lambda: "Valley Courier" in current_feed(app))
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "edit config.toml" in errors[-1].message
        # the feeds.toml one can
        await press_until(pilot, "j", lambda: "Woods" in current_feed(app))
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert cfg.load_subscriptions(cfg.feeds_path(app.rt.config_path)) == []
        await pilot.press("escape")
        await settle(pilot)
        assert app.main.headlines.row_count == 3


async def test_add_feed_dialog_finds_the_feed_from_a_page(
    home: Path, httpserver: HTTPServer
) -> None:
    write_config(home, [])
    feed_url = serve(httpserver, "rss20.xml")
    page = f'<html><head><link rel="alternate" type="application/rss+xml" href="{feed_url}"></head></html>'
    httpserver.expect_request("/site").respond_with_data(page, content_type="text/html")
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*httpserver.url_for("/nothing-here"), "enter")
        await settle(pilot)
        status = app.screen.query_one("#add-status").render().plain
        assert "nothing-here: HTTP 500" in status  # one line, no traceback
        url_input = app.screen.query_one("#url")
        url_input.value = httpserver.url_for("/site")
        await pilot.press("enter")
        await settle(pilot)
        assert [f.url for f in app.rt.feeds] == [feed_url]
        await pilot.press("escape")
        await settle(pilot)
        assert app.main.headlines.row_count == 3


async def run_palette_command(app: NewsApp, pilot, query: str) -> None:
    """Open Ctrl+P, type the query, wait for the first hit and run it."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    palette = app.screen
    for _ in range(200):  # the palette searches in the background
        await pilot.pause()
        if palette.query_one("CommandList").option_count:
            break
    await pilot.press("enter")
    await settle(pilot)


async def test_command_palette_jumps_to_a_feed(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await run_palette_command(app, pilot, "jump forest")
        assert app.main.headlines.row_count == 2


async def test_command_palette_jumps_to_a_tag(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert app.main.headlines.row_count == 5
        await run_palette_command(app, pilot, "jump to tag: local")
        assert app.main.headlines.row_count == 3  # the Valley Courier's three stories
        assert "Tag local" in app.main.topbar.render().plain


def test_an_unknown_theme_stops_the_reader_before_it_starts(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsreader.cli import main

    (home / "config" / "config.toml").write_text('[ui]\ntheme = "no-such-[b]theme"\n')
    assert main([]) == 1  # the reader: no app is started
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "config.toml:2: unknown theme 'no-such-[b]theme'" in err


def test_every_theme_the_config_accepts_is_one_textual_has() -> None:
    from textual.theme import BUILTIN_THEMES

    from newsreader.config import THEMES

    assert set(THEMES) <= set(BUILTIN_THEMES)


async def test_refresh_of_many_feeds_uses_the_parse_pool_from_the_app(
    home: Path, httpserver: HTTPServer
) -> None:
    # Six or more due feeds are parsed in a spawn process pool; inside Textual, stderr has
    # no file descriptor, which once made every such refresh fail.
    names = ["rss20.xml", "atom.xml", "feed.json", "rss10.xml", "rss091.xml", "latin1.xml"]
    write_config(home, [(serve(httpserver, name), {}) for name in names])
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert not [n for n in app._notifications if n.severity == "error"]
        assert "updated" in app.main.topbar.render().plain
        with app.rt.open_store() as store:
            assert all(f.last_error is None for f in store.feeds())
            assert len({r.feed_id for r in store.page(View(), limit=500)}) == 6


def _backgrounds(strip) -> set:
    return {segment.style.bgcolor for segment in strip if segment.style is not None}


def _distance(a, b) -> int:
    (r1, g1, b1), (r2, g2, b2) = a.get_truecolor(), b.get_truecolor()
    return abs(r1 - r2) + abs(g1 - g2) + abs(b1 - b2)


async def test_the_cursor_covers_the_whole_row_in_every_theme(home: Path) -> None:
    """Every cell of the cursor row (dot, star, title, feed, age; the feeds screen's
    headings too) takes the cursor colour, clearly apart from the other rows, and the
    focused and unfocused cursors differ, in every built-in theme."""
    rt = await filled(home, demo_feeds())
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        headlines = app.main.headlines
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            headlines.focus()
            await pilot.pause()
            (focused,) = _backgrounds(headlines.render_line(0))
            (other,) = _backgrounds(headlines.render_line(1))
            app.main.article_view.focus()
            await pilot.pause()
            (blurred,) = _backgrounds(headlines.render_line(0))
            assert _distance(focused, other) >= 40, theme
            assert _distance(blurred, other) >= 20, theme
            assert _distance(focused, blurred) >= 20, theme
        headlines.focus()
        await pilot.press("f")
        await pilot.pause()
        feed_list = app.screen.query_one(FeedList)
        assert "All feeds" in feed_list.render_line(0).text
        assert len(_backgrounds(feed_list.render_line(0))) == 1  # the heading row, whole
        assert _backgrounds(feed_list.render_line(0)) != _backgrounds(feed_list.render_line(1))


async def test_article_text_never_hides_under_the_scrollbar(home: Path) -> None:
    """At 60x20 a story's lines wrap short of the scrollbar: every word on screen is a whole
    word of the story (before, `this mornin` / `harbourgazette.exa` lost their last letter)."""
    rt = await filled(home, demo_feeds())
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        for size in [(60, 20), (75, 24), (110, 20)]:
            await pilot.resize_terminal(*size)
            await pilot.press("enter")
            await settle(pilot)
            view = app.main.article_view
            assert view.max_scroll_y > 0, size  # the scrollbar shows
            # the story as wrapped for this width (long links fold across lines)
            words = {w for line in view._lines for w in line.plain.split()}
            shown = [w for line in visible_text(view) for w in line.split()]
            assert len(shown) > 20
            assert [w for w in shown if w not in words] == [], size
            await pilot.press("j")


async def test_the_layout_follows_the_terminal_live(two_feeds: Runtime) -> None:
    """160 -> 90 folds the sidebar, 90 -> 160 brings it back, and t always does something."""
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        sidebar = app.main.query_one("#sidebar")
        assert sidebar.region.width > 0
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        assert sidebar.region.width == 0
        await pilot.press("t")  # the overlay
        await pilot.pause()
        assert sidebar.region.width > 0 and app.main.focused is app.main.trending
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert sidebar.region.width > 0 and sidebar.region.right == 160
        assert app.main.headlines.region.width > 0 and app.main.article_view.region.width > 0
        await pilot.press("escape")
        await pilot.pause()
        assert app.main.focused is app.main.headlines
        await pilot.press("t")
        await pilot.pause()
        assert app.main.focused is app.main.trending
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        assert sidebar.region.width == 0  # the overlay does not come back on its own
        assert app.main.focused is app.main.headlines  # focus never stays on a hidden pane
        await pilot.press("t")
        await pilot.pause()
        assert sidebar.region.width > 0 and app.main.focused is app.main.trending


async def test_a_small_terminal_shows_one_pane_at_a_time(two_feeds: Runtime) -> None:
    """Below ~70 columns: the list full width, enter shows the story full width, escape or q
    go back to the list (as newsboat and mutt do), and a second q quits."""
    app = NewsApp(two_feeds)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        main = app.main
        assert main.headlines.region.width >= 56 and main.article_view.region.width == 0
        await pilot.press("j", "enter")
        await settle(pilot)
        assert main.headlines.region.width == 0 and main.article_view.region.width >= 56
        assert main.focused is main.article_view
        assert "Counting dormice boxes" in "\n".join(visible_text(main.article_view))
        assert pane_text(main.status).lstrip().startswith("esc back")
        await pilot.press("escape")
        await pilot.pause()
        assert main.headlines.region.width >= 56 and main.article_view.region.width == 0
        assert "esc back" not in pane_text(main.status)
        assert main.focused is main.headlines and main.headlines.cursor == 1
        await pilot.press("enter", "q")
        await pilot.pause()
        assert app.is_running and main.focused is main.headlines
        await pilot.resize_terminal(90, 30)  # wider: both panes again
        await pilot.pause()
        assert main.headlines.region.width > 0 and main.article_view.region.width > 0
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_the_narrow_trending_overlay_closes_when_a_story_opens(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(90, 30)) as pilot:
        await settle(pilot)
        main = app.main
        sidebar = main.query_one("#sidebar")
        await pilot.press("t")
        await pilot.pause()
        assert sidebar.region.width > 0 and main.focused is main.trending
        await pilot.press("tab", "enter")  # opinion's first story
        await settle(pilot)
        assert sidebar.region.width == 0
        assert main.article_view.article is not None
        assert main.focused is main.article_view


async def test_no_pane_ever_shows_a_horizontal_scrollbar(home: Path) -> None:
    rt = await filled(home, demo_feeds())
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for step in ["start", (90, 30), (60, 20), (160, 48), "enter", "f"]:
            if isinstance(step, tuple):
                await pilot.resize_terminal(*step)
            elif step != "start":
                await pilot.press(step)
            await settle(pilot)
            shown = [w.id for w in app.screen.query(ScrollView) if w.show_horizontal_scrollbar]
            assert shown == [], step


async def test_headline_rows_put_a_space_after_the_star(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        line = visible_text(app.main.headlines)[0]
        assert line.startswith("●★ Coppicing the hazel")


async def test_n_opens_the_highlighted_story_first_when_it_is_unread(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        headlines = app.main.headlines
        first, second = shown_ids(headlines)[:2]
        await pilot.press("n")
        assert app.main.article_view.article.id == first
        await pilot.press("n")
        assert app.main.article_view.article.id == second


async def test_the_footer_ends_with_the_help_hint_even_when_narrow(two_feeds: Runtime) -> None:
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        for width in [160, 90, 60, 45]:
            await pilot.resize_terminal(width, 20)
            await settle(pilot)
            footer = app.main.status.render().plain.rstrip()
            assert footer.endswith("? help"), (width, footer)
            assert "…" not in footer  # whole hints only


async def test_welcome_only_without_feeds_and_gone_at_the_first_key(
    two_feeds: Runtime, home: Path
) -> None:
    two_feeds.first_run = True  # a first run that already has feeds (an imported config)
    app = NewsApp(two_feeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not [n for n in app._notifications if n.title == "Welcome"]
    write_config(home, [])
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert [n for n in app._notifications if n.title == "Welcome"]
        await pilot.press("j")
        await pilot.pause()
        assert not [n for n in app._notifications if n.title == "Welcome"]


def _story_feed(link: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Pages</title>'
        "<link>http://127.0.0.1/</link><item><title>A story</title>"
        f"<link>{link}</link><guid>s1</guid><description>Short.</description></item>"
        "</channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("page", "reason"),
    [("/gone", "HTTP 404"), ("refused", "connection refused"), ("/menu", "no article text")],
)
async def test_full_text_says_why_it_failed(
    home: Path, httpserver: HTTPServer, page: str, reason: str
) -> None:
    if page == "refused":
        link = "http://127.0.0.1:9/story"  # the discard port: nothing listens there
    else:
        link = httpserver.url_for(page)
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    httpserver.expect_request("/menu").respond_with_data(
        "<html><body><nav>Home</nav></body></html>", content_type="text/html"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        _story_feed(link), content_type="application/rss+xml"
    )
    rt = await filled(home, [(httpserver.url_for("/feed.xml"), {})])
    app = NewsApp(rt)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "F")
        await settle(pilot)
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert warnings and reason in warnings[-1], warnings


async def test_refresh_pressed_while_one_runs_is_queued(home: Path, httpserver: HTTPServer) -> None:
    from werkzeug import Request, Response

    body = (FEEDS / "rss20.xml").read_bytes()

    def slow(request: Request) -> Response:
        time.sleep(0.5)  # long enough for the second key to arrive while this one runs
        return Response(body, content_type="application/xml")

    httpserver.expect_request("/slow.xml").respond_with_handler(slow)
    write_config(home, [(httpserver.url_for("/slow.xml"), {})])
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r", "r")
        assert app.refreshing and app.queued_refresh == (True, None)
        for _ in range(50):
            await settle(pilot)
            if not app.refreshing and app.queued_refresh is None:
                break
        assert len(httpserver.log) == 2  # the second refresh ran, after the first


async def test_feeds_screen_keys_config_feeds_and_hints(home: Path, httpserver: HTTPServer) -> None:
    """? lists the feeds screen's own keys; a config.toml feed says at once why it cannot be
    renamed or removed here; the hint line wraps instead of cutting words."""
    from newsreader.model import FeedConfig
    from newsreader.tui.screens.feeds import FeedsScreen

    rt = await filled(home, [(serve(httpserver, "rss20.xml"), {"title": "Valley Courier"})])
    rt.add_subscription(FeedConfig(url=serve(httpserver, "atom.xml")))
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(90, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        hint = app.screen.query_one("#feeds-hint")
        assert hint.region.height >= 2  # wrapped, whole words
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {text: keys for keys, text, _ in app.screen.rows}
        assert rows["Next feed"].startswith("j") and "Next story" not in rows
        assert rows["Remove the feed (asks first)"].startswith("d")
        assert any(text.startswith("Add a feed") for text in rows)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FeedsScreen)
        await press_until(pilot, "j", lambda: "Valley Courier" in current_feed(app))
        assert "config.toml" in hint.render().plain  # said at once, on the row
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, FeedsScreen)  # no question asked
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors and "edit config.toml to remove it" in errors[-1]
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, FeedsScreen)
        await pilot.press("q")  # back a level, not quit
        await pilot.pause()
        assert app.screen is app.main and app.is_running


async def _top_story_session(home: Path, extra: str = "") -> tuple[list[int], list[str]]:
    """Open the top trending story's lead from the list; (its member ids, notes). (Enter on
    the trending pane shows the story's full coverage: tests/functional/test_story_screen.)"""
    rt = await filled(home, demo_feeds(), extra=extra)
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        story = app.main.trending.items[0]
        members = [m.id for m in story.members]
        assert len(members) >= 3
        headlines = app.main.headlines
        headlines.move_to(shown_ids(headlines).index(story.lead_id))
        await pilot.press("enter")
        await settle(pilot)
        article = "\n".join(visible_text(app.main.article_view))
        others = {m.feed_title for m in story.members if m.id != story.lead_id}
        # The "Also in:" note may wrap: read it up to the blank line that ends it.
        also = article[article.index("Also in:") :].split("\n\n")[0]
        also = " ".join(part.strip() for part in also.splitlines())
        assert all(feed[:12] in also for feed in others), also
        notes = [n.message for n in app._notifications]
        with app.rt.open_store() as store:
            read = [r.read for r in store.rows(members).values()]
        if "read_copies = false" in extra:
            return members, notes
        assert all(read)
        await pilot.press("u")  # undoes the story and its copies
        await settle(pilot)
        with app.rt.open_store() as store:
            assert not any(r.read for r in store.rows(members).values())
        await pilot.press("enter", "m")  # m on the story: unread again, copies too
        await settle(pilot)
        with app.rt.open_store() as store:
            assert not any(r.read for r in store.rows(members).values())
    return members, notes


async def test_opening_a_story_says_which_copies_it_read_and_u_undoes_them(home: Path) -> None:
    members, notes = await _top_story_session(home)
    copies = len(members) - 1
    assert any(f"{copies} copies of this story marked read" in n for n in notes), notes


async def test_read_copies_off_reads_only_the_opened_copy(home: Path) -> None:
    members, notes = await _top_story_session(home, extra="[trending]\nread_copies = false\n")
    assert not any("copies" in n for n in notes)
    rt = Runtime.load()
    with rt.open_store() as store:
        rows = store.rows(members)
        assert sum(r.read for r in rows.values()) == 1


BROWSER_SCRIPT = """\
import json, sys
print("browser chatter on stdout")
print("and on stderr", file=sys.stderr)
open(sys.argv[1], "w").write(json.dumps(sys.argv[2:]))
sys.exit(int(sys.argv[2]))
"""


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ("{python} {script} {out} 0 --new-tab %u", None),
        ("{python} {script} {out} 3 %u", "exited with status 3"),
        ("/nonexistent/browser %u", "browser /nonexistent/browser: not found"),
        ("w3m %u", "cannot hand this terminal to w3m"),  # headless: no terminal to hand over
        ("'unclosed %u", "ui.browser: No closing quotation"),
    ],
)
async def test_links_open_with_the_configured_browser(
    home: Path, httpserver: HTTPServer, command: str, error: str | None
) -> None:
    import json
    import sys

    script, out = home / "browser.py", home / "argv.json"
    script.write_text(BROWSER_SCRIPT)
    command = command.format(python=sys.executable, script=script, out=out)
    rt = await filled(
        home,
        [(serve(httpserver, "rss20.xml"), {})],
        extra=f"[ui]\nbrowser = {json.dumps(command)}\n",
    )
    app = NewsApp(rt)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        link = app.main.headlines.row(0).link
        await pilot.press("o")
        await settle(pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        if error is None:
            assert errors == []
            assert json.loads(out.read_text()) == ["0", "--new-tab", link]  # one argument
        else:
            assert len(errors) == 1 and error in errors[0], errors


@pytest.mark.parametrize(
    ("keys", "error"),
    [
        ('star = "m"', ":2: keys.star: m is already bound to toggle_read"),
        ('\nstar = "bogus"', ":3: keys.star: 'bogus' is not a key name"),
        ('search = "ctrl+p"', ":2: keys.search: ctrl+p is kept for the command palette"),
        ('star = "?"', ":2: keys.star: question_mark is already bound to help"),
        ('preset = "vim"', ":2: keys.preset must be one of: newsboat"),
        ('preset = "newsboat"\nstar = "N"', ":3: keys.star: N is already bound to toggle_read"),
    ],
)
def test_keys_errors_are_config_errors_with_file_and_line(
    home: Path, keys: str, error: str
) -> None:
    from newsreader.config import ConfigError

    path = write_config(home, [], extra=f"[keys]\n{keys}\n")
    text = path.read_text()
    keys_line = text[: text.index("[keys]")].count("\n") + 1
    with pytest.raises(ConfigError) as caught:
        Runtime.load()
    where, _, message = error.partition(": ")
    number = keys_line + int(where.strip(":")) - 1  # ":2": the line after [keys]
    assert str(caught.value) == f"{path}:{number}: {message}"


async def test_the_newsboat_preset(two_feeds: Runtime, home: Path) -> None:
    config = home / "config" / "config.toml"
    config.write_text(config.read_text() + '\n[keys]\npreset = "newsboat"\n')
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("N")  # toggle read
        assert app.main.headlines.row(0).read
        await pilot.press("C")  # mark all read
        await settle(pilot)
        assert "0 unread" in app.main.topbar.render().plain
        await pilot.press("u", "question_mark")
        await pilot.pause()
        rows = {binding_id: keys for keys, _, binding_id in app.screen.rows}
        assert rows["refresh_feed"] == "r" and rows["refresh_all"] == "R"


async def test_the_feeds_screen_counts_unread_like_the_header(home: Path) -> None:
    """A story carried by several feeds is one unread story in the header; All feeds agrees."""
    rt = await filled(home, demo_feeds())
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        header = app.main.topbar.render().plain
        await pilot.press("f")
        await pilot.pause()
        all_feeds = visible_text(app.screen.query_one(FeedList))[0].split()[-1]
        assert f"{all_feeds} unread" in header, (all_feeds, header)


async def test_quotes_and_list_items_keep_their_bar_and_indent_when_wrapped(
    two_feeds: Runtime,
) -> None:
    html = (
        "<blockquote><p>" + "quoted words " * 20 + "</p></blockquote>"
        "<ul><li>" + "listed words " * 20 + "</li></ul>"
    )
    with sqlite3.connect(two_feeds.data_dir / "newsreader.db") as db:
        db.execute("UPDATE articles SET content_html = ?", (html,))
    app = NewsApp(two_feeds)
    async with app.run_test(size=(90, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        lines = [line.strip("│ ") and line[1:] for line in visible_text(app.main.article_view)]
        quoted = [line for line in lines if "quoted" in line]
        listed = [line for line in lines if "listed" in line]
        assert len(quoted) >= 3 and len(listed) >= 3
        assert all(re.match(r"│ (quoted|words)", line) for line in quoted), quoted
        assert listed[0].startswith("• listed")
        assert all(re.match(r"  (listed|words)", line) for line in listed[1:]), listed


async def test_command_palette_runs_keys_where_they_belong(two_feeds: Runtime) -> None:
    """A list key moves the focused list's cursor, a main-screen key acts on the screen."""
    app = NewsApp(two_feeds)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await run_palette_command(app, pilot, "Next story")
        assert app.main.headlines.cursor == 1
        await run_palette_command(app, pilot, "Starred")
        assert "Starred" in app.main.topbar.render().plain
