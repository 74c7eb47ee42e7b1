"""Snapshots of every screen (pytest-textual-snapshot) on the frozen demo feeds, with a fixed
clock and UTC, so ages, trending and dates never drift, in two themes. Update with
`pytest tests/functional/test_snapshots.py --snapshot-update`, then look at each changed SVG
(`rsvg-convert x.svg -o x.png`) before committing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from newsreader.runtime import Runtime
from newsreader.tui.app import NewsApp
from tests.functional.pilot import settle
from tests.functional.test_app import DEMO_NOW, demo_feeds, filled


@pytest.fixture
def demo_rt(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield asyncio.run(filled(home, demo_feeds()))
    monkeypatch.delenv("TZ")
    time.tzset()


@pytest.fixture
def demo_app(demo_rt: Runtime) -> NewsApp:
    return NewsApp(demo_rt, clock=lambda: DEMO_NOW, refresh_on_start=False)


def keys(*pressed: str):
    """run_before: settle, press the keys (settling after each), steady input cursors."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


def test_main_screen_wide(demo_app: NewsApp, snap_compare) -> None:
    assert snap_compare(demo_app, terminal_size=(160, 48), run_before=keys("j", "enter"))


def test_main_screen_narrow(demo_app: NewsApp, snap_compare) -> None:
    assert snap_compare(demo_app, terminal_size=(90, 30), run_before=settle)


SCREENS = {
    "small_list": ((60, 20), ()),
    "small_story": ((60, 20), ("enter",)),
    "narrow_overlay": ((90, 30), ("t",)),
    "feeds": ((90, 30), ("f", "j", "j")),
    "help": ((90, 30), ("question_mark",)),
    "add_feed": ((90, 30), ("f", "a", "h", "t", "t", "p")),
    "search": ((90, 30), ("slash", "b", "u", "s")),
    "story_wide": ((160, 48), ("t", "enter", "j", "enter")),
    "story_narrow": ((90, 30), ("t", "enter", "j", "j")),
    "story_small": ((60, 20), ("t", "enter")),
    "digest": ((90, 30), ("ctrl+p", *"digest", "enter")),
}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(demo_app: NewsApp, snap_compare, screen: str) -> None:
    size, pressed = SCREENS[screen]
    assert snap_compare(demo_app, terminal_size=size, run_before=keys(*pressed))


LIGHT = {
    "wide": ((160, 48), ("j", "enter")),
    "narrow": ((90, 30), ()),
    "small_story": ((60, 20), ("enter",)),
    "feeds": ((90, 30), ("f", "j", "j")),
    "story_wide": ((160, 48), ("t", "enter", "j", "enter")),
}


@pytest.mark.parametrize("screen", list(LIGHT))
def test_screen_light_theme(demo_rt: Runtime, snap_compare, screen: str) -> None:
    demo_rt.settings.ui.theme = "textual-light"
    app = NewsApp(demo_rt, clock=lambda: DEMO_NOW, refresh_on_start=False)
    size, pressed = LIGHT[screen]
    assert snap_compare(app, terminal_size=size, run_before=keys(*pressed))
