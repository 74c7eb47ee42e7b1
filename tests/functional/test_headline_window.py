"""The headline list over a long view: it holds a window of rows, never the view's id list,
and still scrolls to the end, keeps the cursor on its story and finds unread stories past
the window. A 3,000-story feed (a file the real refresh reads) in a temp store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from newsreader.model import View
from newsreader.refresh import refresh
from newsreader.runtime import Runtime
from newsreader.tui.app import NewsApp
from tests.functional.pilot import settle, visible_text
from tests.functional.test_app import filled, write_config

STORIES = 3000
NEWEST = datetime(2025, 3, 18, 9, 0, tzinfo=UTC)


def rss(path: Path, name: str, count: int, newest: datetime) -> str:
    """An RSS file of `count` stories an hour apart, "<name> 0" the oldest; its file URI."""
    items = "".join(
        f"<item><title>{name} {n:04d}</title><link>https://{name.lower()}.example/{n}</link>"
        f"<guid>{name}-{n}</guid>"
        f"<pubDate>{format_datetime(newest - timedelta(hours=count - 1 - n))}</pubDate></item>"
        for n in range(count)
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
        f"<link>https://{name.lower()}.example/</link>{items}</channel></rss>",
        encoding="utf-8",
    )
    return path.as_uri()


async def long_store(home: Path) -> Runtime:
    return await filled(home, [(rss(home / "long.xml", "Story", STORIES, NEWEST), {})])


def screen(app: NewsApp) -> str:
    return "\n".join(visible_text(app.main.headlines))


def held(app: NewsApp) -> int:
    """Rows the list holds: a window, far fewer than the view has."""
    return len(app.main.headlines.window)


async def test_end_shows_the_oldest_story_and_a_dragged_scrollbar_the_middle(home: Path) -> None:
    app = NewsApp(await long_store(home))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        headlines = app.main.headlines
        assert headlines.row_count == STORIES
        assert "Story 2999" in screen(app) and held(app) < 500
        await pilot.press("end")
        await pilot.pause()
        assert headlines.cursor == STORIES - 1
        assert "Story 0000" in screen(app) and "Story 2999" not in screen(app)
        assert held(app) < 500
        # The scrollbar dragged to the middle: the rows there, read at their offset.
        headlines.scroll_to(y=1500, animate=False, immediate=True)
        await pilot.pause()
        assert visible_text(headlines)[0].split()[1:3] == ["Story", f"{STORIES - 1 - 1500:04d}"]
        # Page by page up from the end: each row where its place says (none skipped or
        # repeated as windows are read above the one held).
        await pilot.press("end")
        for _ in range(40):
            await pilot.press("pageup")
            row = headlines.row(headlines.cursor)
            assert row is not None and row.title == f"Story {STORIES - 1 - headlines.cursor:04d}"
        assert headlines.cursor < STORIES - 1000
        await pilot.press("home")
        await pilot.pause()
        assert "Story 2999" in screen(app) and headlines.cursor == 0


async def test_a_far_jump_is_read_off_the_ui_thread_and_drawn_when_it_lands(
    home: Path,
) -> None:
    app = NewsApp(await long_store(home))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        headlines = app.main.headlines
        headlines.sync_jump = 100  # as a million-story view's middle is: a worker reads it
        headlines.scroll_to(y=1500, animate=False, immediate=True)
        assert visible_text(headlines)[0].strip() == ""  # asked for, not read here
        await settle(pilot)
        assert visible_text(headlines)[0].split()[1:3] == ["Story", f"{STORIES - 1 - 1500:04d}"]
        # dragged on while one read is under way: the frame after it lands asks again
        headlines.scroll_to(y=700, animate=False, immediate=True)
        visible_text(headlines)
        headlines.scroll_to(y=2200, animate=False, immediate=True)
        visible_text(headlines)
        await settle(pilot)
        visible_text(headlines)
        await settle(pilot)
        assert visible_text(headlines)[0].split()[1:3] == ["Story", f"{STORIES - 1 - 2200:04d}"]
        # the cursor, still on the first story, is where keys act
        await pilot.press("j")
        await pilot.pause()
        assert headlines.cursor == 1 and "Story 2998" in screen(app)


async def test_the_cursor_stays_on_its_story_deep_in_the_list_when_stories_arrive_above(
    home: Path,
) -> None:
    rt = await long_store(home)
    app = NewsApp(rt)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        headlines = app.main.headlines
        await pilot.press("end")
        for _ in range(5):
            await pilot.press("k")
        await pilot.pause()
        story = headlines.current_id
        line = headlines.cursor - int(headlines.scroll_y)
        title = visible_text(headlines)[line]
        assert "Story 0005" in title
        # Another process (cron) adds a newer feed's stories; the app re-reads its view.
        fresh = rss(home / "fresh.xml", "Fresh", 7, NEWEST + timedelta(days=1))
        write_config(home, [(rt.feeds[0].url, {}), (fresh, {})])
        app.rt = Runtime.load()
        with app.rt.open_store() as store:
            report = await refresh(app.rt, store, force=True, urls=[fresh])
            assert report.new == 7
        app.main.reload()
        await settle(pilot)
        assert headlines.row_count == STORIES + 7
        assert headlines.current_id == story
        assert headlines.cursor == STORIES - 6 + 7
        # the story is still on the same screen line, and the top of the list has the news
        assert visible_text(headlines)[headlines.cursor - int(headlines.scroll_y)] == title
        await pilot.press("home")
        await pilot.pause()
        assert "Fresh 0006" in screen(app)


async def test_a_reload_keeps_the_cursor_while_the_wheel_has_scrolled_far_from_it(
    home: Path,
) -> None:
    app = NewsApp(await long_store(home))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        headlines = app.main.headlines
        await pilot.press("end")
        await pilot.pause()
        story = headlines.current_id
        # the wheel (not the cursor) goes back to the top: the window follows the viewport
        headlines.scroll_to(y=0, animate=False, immediate=True)
        await pilot.pause()
        assert "Story 2999" in screen(app) and headlines.peek(STORIES - 1) is None
        app.main.reload()
        await settle(pilot)
        assert headlines.cursor == STORIES - 1 and headlines.current_id == story
        assert "Story 2999" in screen(app)  # and the viewport stayed where the wheel left it


async def test_next_unread_jumps_past_the_loaded_window(home: Path) -> None:
    rt = await long_store(home)
    with rt.open_store() as store:
        ids = store.ids(View())
        store.set_read(ids)
        # two unread stories, far below the first window
        store.set_read([ids[2500], ids[2900]], False)
    app = NewsApp(rt)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        headlines = app.main.headlines
        assert headlines.end < 2500
        await pilot.press("n")
        await pilot.pause()
        assert headlines.cursor == 2500
        assert app.main.article_view.article is not None
        assert app.main.article_view.article.title == f"Story {STORIES - 1 - 2500:04d}"
        assert f"Story {STORIES - 1 - 2500:04d}" in screen(app)
        await pilot.press("n")
        await pilot.pause()
        assert headlines.cursor == 2900
        await pilot.press("n")
        await pilot.pause()
        assert headlines.cursor == 2900  # no more: it stays
        # back up: p finds nothing unread above the first (both were opened: read)
        await pilot.press("home")
        await pilot.press("p")
        await pilot.pause()
        assert headlines.cursor == 0
        assert held(app) < 1500


async def test_end_of_a_long_search_is_read_by_a_worker_and_shown(home: Path) -> None:
    app = NewsApp(await long_store(home))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.main.load_view(View(search="story"), 'Search "story"')
        await settle(pilot)
        headlines = app.main.headlines
        assert headlines.row_count == STORIES and "Story 2999" in screen(app)
        await pilot.press("end")
        await settle(pilot)
        assert headlines.cursor == STORIES - 1 and "Story 0000" in screen(app)
        assert headlines.current_id is not None
        await pilot.press("enter")
        await pilot.pause()
        article = app.main.article_view.article
        assert article is not None and article.title == "Story 0000"
