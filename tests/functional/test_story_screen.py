"""Full coverage (issue 17) through a Pilot on the demo feeds with a fixed clock: open a
trending story, choose a source, mark the story read, undo; `c` on an article; the small
layout; the sidebar's "N sources"; the palette's digest."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from newsreader.model import TrendingStory
from newsreader.ranking.stories import story as find_story
from newsreader.runtime import Runtime
from newsreader.tui.app import NewsApp
from newsreader.tui.screens.digest import DigestScreen
from newsreader.tui.screens.story import StoryScreen
from newsreader.tui.widgets.coverage import is_opinion
from newsreader.tui.widgets.trending import TrendingList
from tests.functional.pilot import pane_text, settle, shown_ids, visible_text
from tests.functional.test_app import DEMO_NOW, demo_feeds, filled


async def palette_hits(pilot: Pilot[int], query: str) -> list[str]:
    """Open the palette, type query, and return its hits once they are in."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    hits = palette.query_one(CommandList)
    for _ in range(200):  # the palette searches in the background
        await pilot.pause()
        if hits.option_count:
            break
    await pilot.pause()
    found = [str(o.prompt).splitlines()[0] for o in hits.options]
    assert found  # fuzzy matching always finds something for these queries
    return found


def read_marks(rt: Runtime, ids: list[int]) -> dict[int, bool]:
    with rt.open_store() as store:
        return {i: r.read for i, r in store.rows(ids).items()}


def coverage_text(screen: StoryScreen) -> str:
    return pane_text(screen.query_one("#story-head")) + "\n" + pane_text(screen.sources)


async def test_a_trending_story_shows_every_source_then_marks_and_undoes(home: Path) -> None:
    rt = await filled(home, demo_feeds())
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        top: TrendingStory = app.main.trending.items[0]
        members = [m.id for m in top.members]
        assert top.sources >= 3
        await pilot.press("t", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StoryScreen)
        shown = coverage_text(screen)
        assert top.title[:40] in shown and f"{top.sources} sources" in shown
        # every source: headline, feed and author, newest first
        for m in top.members:
            assert m.title[:30] in shown and m.feed_title[:20] in shown, m.title
            if m.author:
                assert m.author in shown
        stamps = [r.sort_ts for r in screen.sources.items]
        assert stamps == sorted(stamps, reverse=True)
        text = pane_text(screen.sources)
        assert text.count("· opinion") == sum(is_opinion(r) for r in top.members)
        assert text.count("· most read") == sum(r.section == "trending" for r in top.members)

        # choose the second source: it reads in the article pane and is read in the store
        await pilot.press("j", "enter")
        await settle(pilot)
        chosen = screen.sources.items[1]
        assert chosen.title[:30] in pane_text(screen.article_view)
        assert read_marks(rt, [chosen.id])[chosen.id]
        # tab and shift+tab move between the sources and the article
        screen.sources.focus()
        await pilot.press("tab")
        assert screen.focused is screen.article_view
        await pilot.press("shift+tab")
        assert screen.focused is screen.sources

        # mark story read: every source; u: back as they were (the one read stays read)
        await pilot.press("M")
        await settle(pilot)
        assert all(read_marks(rt, members).values())
        assert any("story marked read" in n.message for n in app._notifications)
        assert "all read" in pane_text(screen.query_one("#story-head"))
        await pilot.press("u")
        await settle(pilot)
        marks = read_marks(rt, members)
        assert marks[chosen.id] and not any(v for i, v in marks.items() if i != chosen.id)
        assert "●" in pane_text(screen.sources)

        # M again, then back: the main screen shows the story read; u there undoes it too
        await pilot.press("M", "escape")
        await settle(pilot)
        assert app.screen is app.main
        assert not app.main.trending.items[0].unread
        await pilot.press("u")
        await settle(pilot)
        assert sum(read_marks(rt, members).values()) == 1


async def test_c_on_an_article_shows_the_story_it_belongs_to(home: Path) -> None:
    rt = await filled(home, demo_feeds())
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        top = app.main.trending.items[0]
        headlines = app.main.headlines
        # not the lead: the screen finds the story from the article
        member = next(
            m for m in top.members[::-1] if m.id != top.lead_id and m.id in shown_ids(headlines)
        )
        headlines.move_to(shown_ids(headlines).index(member.id))
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StoryScreen)
        with rt.open_store() as store:
            expected = find_story(store, rt.settings, member.id, DEMO_NOW)
        assert expected is not None
        assert [r.id for r in screen.sources.items] == [m.id for m in expected.members]
        assert screen.sources.current is not None and screen.sources.current.id == member.id
        assert not read_marks(rt, [member.id])[member.id]  # looking is not reading
        await pilot.press("q")  # back a level, not quit
        await settle(pilot)
        assert app.is_running and app.screen is app.main


async def test_an_article_no_other_feed_carries_is_a_story_of_one(home: Path) -> None:
    rt = await filled(home, demo_feeds())
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        in_stories = {m.id for s in app.main.trending.items for m in s.members}
        headlines = app.main.headlines
        alone = next(i for i in shown_ids(headlines) if i not in in_stories)
        headlines.move_to(shown_ids(headlines).index(alone))
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StoryScreen)
        assert "no other feed carries it" in pane_text(screen.query_one("#story-head"))
        assert len(screen.sources.items) == 1


async def test_a_small_terminal_shows_the_list_or_the_article(home: Path) -> None:
    rt = await filled(home, demo_feeds())
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("t", "enter")  # the trending overlay, then its top story
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StoryScreen)
        sources, article = screen.sources, screen.article_view
        assert sources.region.width >= 56 and article.region.width == 0
        first = screen.sources.items[0]
        await pilot.press("enter")
        await settle(pilot)
        assert sources.region.width == 0 and article.region.width >= 56
        assert first.title[:25] in pane_text(article)
        await pilot.press("escape")
        await pilot.pause()
        assert sources.region.width >= 56 and screen.focused is sources
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main and app.main.focused is app.main.trending


async def test_rebound_story_keys_work_and_help_lists_them(home: Path) -> None:
    rt = await filled(home, demo_feeds(), extra='[keys]\nstory_read = "X"\ncoverage = "C"\n')
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        keys = {i: shown for shown, _, i in app.live_keys()}
        assert keys["story_read"] == "X" and keys["coverage"] == "C"
        await pilot.press("C")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StoryScreen)
        ids = [r.id for r in screen.sources.items]
        await pilot.press("M")  # no longer bound
        await settle(pilot)
        assert not all(read_marks(rt, ids).values())
        await pilot.press("X")
        await settle(pilot)
        assert all(read_marks(rt, ids).values())
        assert "X mark story read" in pane_text(screen.status)


async def test_the_sidebar_says_how_many_sources(home: Path) -> None:
    rt = await filled(home, demo_feeds())
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        trending = app.main.trending
        lines = visible_text(trending)
        for n, story in enumerate(trending.items):
            assert lines[n].rstrip().endswith(f"{story.sources} sources"), lines[n]


def test_the_source_count_shortens_to_fit_and_never_clips_a_word() -> None:
    pick = TrendingList()
    pick.items = [
        TrendingStory(title="x", sources=n, score=1.0, members=[], lead_id=n) for n in (4, 12)
    ]
    assert pick.count_form(35) == (0, len("12 sources"))
    assert pick.count_form(26) == (1, len("12 src"))
    assert pick.count_form(10) == (2, len("12"))


async def test_the_palette_digest_shows_the_digest(home: Path) -> None:
    rt = await filled(home, demo_feeds())
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(90, 30)) as pilot:
        await settle(pilot)
        top = app.main.trending.items[0]
        assert (await palette_hits(pilot, "digest"))[0] == "digest"
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DigestScreen)
        view = screen.query_one("#digest")
        text = pane_text(view)
        assert "TOP STORIES" in text and top.title[:30] in text
        await pilot.press("G")  # scrolls: the per-tag highlights are further down
        await pilot.pause()
        assert view.scroll_y > 0 and "#" in pane_text(view)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


async def test_reading_one_copy_of_a_link_shows_its_copies_read_too(home: Path) -> None:
    """The Meridian Wire and its most-read list carry one link: reading either reads both,
    in the store and on the screen."""
    rt = await filled(home, demo_feeds())
    app = NewsApp(rt, clock=lambda: DEMO_NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StoryScreen)
        rows = screen.sources.items
        index, twin = next(
            (n, t)
            for n, r in enumerate(rows)
            for t in rows
            if t is not r and r.link and t.link == r.link
        )
        await pilot.press(*["j"] * index, "enter")
        await settle(pilot)
        assert rows[index].read and twin.read
        assert read_marks(rt, [twin.id])[twin.id]
        assert pane_text(screen.sources).count("●") == len(rows) - 2


async def test_the_palette_offers_mark_story_read_only_on_the_story_screen(home: Path) -> None:
    rt = await filled(home, demo_feeds())
    app = NewsApp(rt, clock=lambda: DEMO_NOW)

    async def hits(pilot: Pilot[int]) -> list[str]:
        return await palette_hits(pilot, "story")

    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert not any("Mark story read" in h for h in await hits(pilot))
        await pilot.press("escape", "t", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StoryScreen)
        ids = [r.id for r in screen.sources.items]
        assert any("Mark story read" in h for h in await hits(pilot))
        await pilot.press("escape")
        assert (await palette_hits(pilot, "mark story read"))[0] == "Mark story read"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and all(read_marks(rt, ids).values())
