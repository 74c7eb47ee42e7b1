"""Add a feed: a URL (of a feed, or of a page that links to one) and optional tags.

The app runs the subscription (with autodiscovery) in a worker; this dialog shows
"checking…" and then either closes or shows the one-line reason it failed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from newsreader.model import FeedConfig, NewsreaderError

Subscribe = Callable[[FeedConfig], Awaitable[tuple[FeedConfig, int]]]


class AddFeedScreen(ModalScreen[tuple[FeedConfig, int] | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, subscribe: Subscribe, tag: str | None = None) -> None:
        super().__init__(classes="dialog")
        self.subscribe = subscribe
        self.tag = tag

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Content("Add a feed"), classes="dialog-title")
            yield Input(
                placeholder="https://example.com/feed.xml or a page that links to one", id="url"
            )
            yield Input(self.tag or "", placeholder="tags, comma separated (optional)", id="tags")
            yield Label(
                Content("enter to add · escape to cancel"), id="add-status", classes="dialog-hint"
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        url = self.query_one("#url", Input).value.strip()
        if not url:
            self.query_one("#url", Input).focus()
            return
        tags = [t.strip() for t in self.query_one("#tags", Input).value.split(",") if t.strip()]
        self._status("checking…", error=False)
        self.run_subscribe(FeedConfig(url=url, tags=tags))

    def _status(self, text: str, *, error: bool) -> None:
        label = self.query_one("#add-status", Label)
        label.update(Content(text))
        label.set_class(error, "-error")

    @work(exclusive=True, exit_on_error=False, group="subscribe")
    async def run_subscribe(self, feed: FeedConfig) -> None:
        try:
            result = await self.subscribe(feed)
        except NewsreaderError as exc:
            self._status(str(exc), error=True)
            return
        except Exception as exc:  # any other failure is still one line, never a traceback
            self._status(f"could not add the feed: {type(exc).__name__}: {exc}", error=True)
            return
        self.dismiss(result)
