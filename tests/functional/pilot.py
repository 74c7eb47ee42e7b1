"""Shared helpers for tests that drive the real TUI through App.run_test() and Pilot."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.widget import Widget
from textual.worker import WorkerCancelled

from newsreader.tui.app import NewsApp

T = TypeVar("T")


async def settle(pilot: Pilot[Any]) -> None:
    """Let the app's workers finish and their messages land, twice (a worker's result may
    start another, as a view's first page starts the full id list)."""
    app = pilot.app
    for _ in range(2):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # superseded (a newer view load): wait for the rest
            await app.workers.wait_for_complete()
        await pilot.pause()


def visible_text(widget: Widget) -> list[str]:
    """The widget's lines as drawn now (a line-API widget's render_line)."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def pane_text(widget: Widget) -> str:
    return "\n".join(visible_text(widget))


def run(
    app: NewsApp,
    steps: Callable[[Pilot[Any]], Awaitable[T]],
    size: tuple[int, int] = (160, 48),
) -> T:
    """Run the app headless in a fresh event loop: settle, then the steps; their result."""

    async def session() -> T:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            return await steps(pilot)

    return asyncio.run(session())


async def press_until(
    pilot: Pilot[Any], key: str, done: Callable[[], bool], limit: int = 50
) -> None:
    """Press key until done() holds; fail (instead of looping forever) after limit presses."""
    for _ in range(limit):
        if done():
            return
        await pilot.press(key)
    assert done(), f"not reached after {limit} presses of {key!r}"


def shown_ids(headlines: Any) -> list[int]:
    """The ids of every row the headline list shows (read window by window: small views)."""
    rows = (headlines.row(i) for i in range(headlines.row_count))
    return [row.id for row in rows if row is not None]
