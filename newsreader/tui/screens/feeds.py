"""The feeds screen: feeds grouped by tag with unread counts and error marks.

Enter shows the feed's (or tag's) stories; a adds, d removes (with a question), e renames,
A marks the feed read. The app does the work; this screen only says what the user chose.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label

from newsreader.tui.widgets.feeds import FeedItem, FeedList


@dataclass(slots=True)
class FeedChoice:
    action: str  # "show" | "add" | "remove" | "rename" | "mark_read"
    item: FeedItem | None


class FeedsScreen(ModalScreen[FeedChoice | None]):
    BINDINGS = [
        Binding("escape,f", "dismiss(None)", "Close"),
        Binding("j,down", "move('cursor_down')", show=False, id="down"),
        Binding("k,up", "move('cursor_up')", show=False, id="up"),
        Binding("g,home", "move('cursor_top')", show=False, id="top"),
        Binding("G,end", "move('cursor_bottom')", show=False, id="bottom"),
        Binding("pagedown", "move('page_down')", show=False, id="page_down"),
        Binding("pageup", "move('page_up')", show=False, id="page_up"),
        Binding("enter", "choose('show')", "Show", id="open"),
        Binding("a", "choose('add')", "Add"),
        Binding("d,delete", "choose('remove')", "Remove"),
        Binding("e", "choose('rename')", "Rename"),
        Binding("A", "choose('mark_read')", "Mark read", id="mark_all_read"),
    ]

    def __init__(self, items: list[FeedItem], current: tuple | None = None) -> None:
        super().__init__(classes="dialog")
        self.items = items
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box feeds-box"):
            yield Label(Content("Feeds"), classes="dialog-title")
            yield FeedList(id="feed-list")
            yield Label(
                Content(
                    "enter show · a add · d remove · e rename · A mark read · "
                    "! error · ✗ gone (410) · escape close"
                ),
                id="feeds-hint",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        feed_list = self.query_one(FeedList)
        feed_list.set_items(self.items)
        if self.current is not None:
            for n, item in enumerate(self.items):
                if item.key == self.current:
                    feed_list.move_to(n)
                    break
        feed_list.focus()
        self._hint()

    def _hint(self) -> None:
        item = self.query_one(FeedList).current
        if item and item.feed and item.feed.last_error:
            text = f"{'gone' if item.feed.gone else 'error'}: {item.feed.last_error}"
            self.query_one("#feeds-hint", Label).update(Content(text))

    def action_move(self, method: str) -> None:
        getattr(self.query_one(FeedList), method)()
        self._hint()

    def on_pick_list_selected(self, event: FeedList.Selected) -> None:
        event.stop()
        self.dismiss(FeedChoice("show", event.item))

    def action_choose(self, action: str) -> None:
        item = self.query_one(FeedList).current
        if action in ("remove", "rename") and (item is None or item.feed is None):
            self.notify("choose a feed first", severity="warning")
            return
        self.dismiss(FeedChoice(action, item))
