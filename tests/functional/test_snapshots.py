"""Snapshots of the main screen (pytest-textual-snapshot) on the frozen demo feeds, with a
fixed clock and UTC, so ages, trending and dates never drift. Update with
`pytest tests/functional/test_snapshots.py --snapshot-update` and look at the SVGs before committing."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from newsreader.runtime import Runtime
from newsreader.tui.app import NewsApp
from tests.functional.test_app import DEMO_NOW, demo_feeds, filled


@pytest.fixture
def demo_app(home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    rt: Runtime = asyncio.run(filled(home, demo_feeds()))
    yield NewsApp(rt, clock=lambda: DEMO_NOW, refresh_on_start=False)
    monkeypatch.delenv("TZ")
    time.tzset()


async def _ready(pilot) -> None:
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen_wide(demo_app: NewsApp, snap_compare) -> None:
    async def open_second(pilot) -> None:
        await _ready(pilot)
        await pilot.press("j", "enter")
        await _ready(pilot)

    assert snap_compare(demo_app, terminal_size=(160, 48), run_before=open_second)


def test_main_screen_narrow(demo_app: NewsApp, snap_compare) -> None:
    assert snap_compare(demo_app, terminal_size=(90, 30), run_before=_ready)
