"""Opening and copying a story's link: one behaviour for every screen that shows stories."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from newsreader.tui.host import Host


def open_link(screen: Screen[Any], host: Host, url: str | None, what: str) -> None:
    """Open `url` (already checked http(s)) in the browser, or say `what` has no link."""
    if url is None:
        screen.notify(f"this {what} has no web link", timeout=2)
        return
    screen.notify(f"opening {url}", timeout=2, markup=False)
    host.open_url(url)


def copy_link(screen: Screen[Any], url: str | None, what: str) -> None:
    """Copy `url` to the clipboard, or say `what` has no link."""
    if url is None:
        screen.notify(f"this {what} has no web link", timeout=2)
        return
    screen.app.copy_to_clipboard(url)
    screen.notify(f"copied {url}", timeout=2, markup=False)
