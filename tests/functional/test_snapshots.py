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
from tests.functional.pilot import settle
from tests.functional.test_app import DEMO_NOW, demo_feeds, filled


@pytest.fixture
def demo_app(home: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    rt: Runtime = asyncio.run(filled(home, demo_feeds()))
    yield NewsApp(rt, clock=lambda: DEMO_NOW, refresh_on_start=False)
    monkeypatch.delenv("TZ")
    time.tzset()


def test_main_screen_wide(demo_app: NewsApp, snap_compare) -> None:  # noqa: ANN001
    async def open_second(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(160, 48), run_before=open_second)


def test_main_screen_narrow(demo_app: NewsApp, snap_compare) -> None:  # noqa: ANN001
    assert snap_compare(demo_app, terminal_size=(90, 30), run_before=settle)
