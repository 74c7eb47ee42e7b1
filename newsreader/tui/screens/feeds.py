"""The feeds screen: feeds grouped by tag with unread counts and error marks.

Enter shows the feed's (or tag's) stories (the screen closes with that item); a adds, d
removes (after a question), e renames, A marks the feed read. Those run here, through the
app's `Host` surface, and the list is re-read in place (the cursor stays on its feed); each
change is then posted up, named for what happened, for the main screen to follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label

from newsreader.keys import KEYS
from newsreader.model import FeedConfig, NewsreaderError, View
from newsreader.sanitize import clean_line
from newsreader.tui.host import Host, ViewsCounted
from newsreader.tui.widgets.feeds import FeedItem, FeedKey, FeedList, feed_items

HINT = (
    "enter show · a add · d remove · e rename · A mark read · ? keys · "
    "! error · ✗ gone (410) · escape or q close"
)


LIST_KEYS = {k.id for k in KEYS if k.target == "list"}
VIEW_COUNT_CAP = 9999


def item_view(item: FeedItem) -> View:
    if item.kind == "tag":
        return View(tag=item.tag)
    if item.kind == "feed" and item.feed is not None:
        return View(feed_id=item.feed.id)
    if item.kind == "view" and item.match:
        return View(match=item.match)
    return View()


class FeedsScreen(ModalScreen[FeedItem | None]):
    BINDINGS = [
        Binding("escape,f,q", "dismiss(None)", "Close"),
        Binding("a", "add", "Add a feed (its URL, or a page that links to one)"),
        Binding("d,delete", "remove", "Remove the feed (asks first)"),
        Binding("e", "rename", "Rename the feed"),
        Binding("A", "mark_read", "Mark the feed or tag read", id="mark_all_read"),
        Binding("question_mark", "help", "These keys", id="help"),
    ]

    @dataclass
    class FeedAdded(Message):
        feed: FeedConfig
        new: int  # stories it brought

    @dataclass
    class FeedRemoved(Message):
        url: str
        title: str

    @dataclass
    class FeedRenamed(Message):
        url: str
        title: str

    @dataclass
    class MarkedRead(Message):
        ids: list[int]

    def __init__(self, host: Host, feed_id: int | None = None) -> None:
        """feed_id: the feed the main screen shows (the cursor starts on it)."""
        super().__init__(classes="dialog")
        self.host = host
        self.feed_id = feed_id
        self.view_counts: dict[str, int] = {}  # saved views' unread, by query (from a worker)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box feeds-box"):
            yield Label(Content("Feeds"), classes="dialog-title")
            yield FeedList(id="feed-list")
            yield Label(Content(HINT), id="feeds-hint", classes="dialog-hint")

    @property
    def feed_list(self) -> FeedList:
        return self.query_one(FeedList)

    def on_mount(self) -> None:
        self.reload()
        feed_list = self.feed_list
        items = feed_list.items
        start = next((n for n, it in enumerate(items) if it.feed and it.feed.id == self.feed_id), 0)
        feed_list.move_to(start)
        feed_list.focus()

    def reload(self, key: FeedKey | None = None) -> None:
        """Re-read the feeds and counts; the cursor goes back to `key` if it is still there."""
        library = self.host.library
        if library is None:
            return
        urls = [f.url for f in self.host.subscriptions]
        # A view's count reads its matches (no per-feed counter can know them): capped, and
        # from a worker; the last known counts show meanwhile.
        views = [(v.name, v.match, self.view_counts.get(v.match, 0)) for v in self.host.views]
        if views:
            self.host.count_views([v.match for v in self.host.views], VIEW_COUNT_CAP, self)
        items = feed_items(library.feeds(urls), library.tag_counts(), library.total_unread(), views)
        feed_list = self.feed_list
        feed_list.set_items(items)
        if key is not None:
            index = next((n for n, it in enumerate(items) if it.key == key), None)
            if index is not None:
                feed_list.move_to(index)
        self._hint()

    def on_views_counted(self, message: ViewsCounted) -> None:
        self.view_counts.update(message.counts)
        feed_list = self.feed_list
        for item in feed_list.items:
            if item.kind == "view" and item.match in message.counts:
                item.unread = message.counts[item.match]
        feed_list.refresh()

    def _hint(self) -> None:
        item = self.feed_list.current
        text = HINT
        if item and item.feed and item.feed.last_error:
            text = f"{'gone' if item.feed.gone else 'error'}: {item.feed.last_error}"
        elif item and item.feed and (why := self._config_owned(item, "rename or remove", True)):
            text = f"{why}\n{HINT}"
        lines = [clean_line(line, 300) for line in text.split("\n")]
        self.query_one("#feeds-hint", Label).update(Content("\n".join(lines)))

    def _config_owned(self, item: FeedItem, verb: str, short: bool = False) -> str | None:
        """Why a config.toml feed cannot be changed here (None: it can); short: the file's
        name only (the hint line), else its whole path."""
        conf = self.host.feed_config(item.feed.url) if item.feed else None
        if conf is None or conf.source != "config":
            return None
        path = self.host.config_path
        where = path.name if short else str(path)
        where = f"{where}:{conf.line}" if conf.line else where
        return f"{clean_line(item.label, 60)} is defined in {where}; edit config.toml to {verb} it"

    def action_help(self) -> None:
        from newsreader.tui.screens.help import HelpScreen

        # The list keys are described for stories; here they move between feeds.
        rows = [
            (keys, text.replace("story", "feed"), key_id)
            for keys, text, key_id in self.host.live_keys()
            if key_id in LIST_KEYS
        ]
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            keys = ", ".join(
                self.app.get_key_display(Binding(k, "")) for k in binding.key.split(",")
            )
            rows.append((keys, binding.description, binding.id or ""))
        self.app.push_screen(HelpScreen(rows, title="Feeds screen keys"))

    def on_pick_list_highlighted(self, event: FeedList.Highlighted) -> None:
        event.stop()
        self._hint()

    def on_pick_list_selected(self, event: FeedList.Selected) -> None:
        event.stop()
        self.dismiss(event.item)

    def _chosen_feed(self, verb: str) -> FeedItem | None:
        item = self.feed_list.current
        if item is None or item.feed is None:
            self.notify("choose a feed first", severity="warning")
            return None
        why = self._config_owned(item, verb)
        if why is not None:  # at once, not after a dialog
            self.notify(why, severity="error", markup=False, timeout=8)
            return None
        return item

    def action_add(self) -> None:
        from newsreader.tui.screens.add_feed import AddFeedScreen

        item = self.feed_list.current
        key = item.key if item else None

        def done(result: tuple[FeedConfig, int] | None) -> None:
            if result:
                self.post_message(self.FeedAdded(*result))
            self.reload(key)

        self.app.push_screen(AddFeedScreen(self.host.subscribe, item.tag if item else None), done)

    def action_remove(self) -> None:
        from newsreader.tui.screens.confirm import ConfirmScreen

        item = self._chosen_feed("remove")
        if item is None or item.feed is None:
            return
        url, title, key = item.feed.url, item.feed.display_title, item.key

        def done(yes: bool | None) -> None:
            if yes:
                try:
                    self.host.remove_feed(url)
                except NewsreaderError as exc:
                    self.notify(str(exc), severity="error", markup=False, timeout=8)
                else:
                    self.post_message(self.FeedRemoved(url, title))
            self.reload(key)

        question = f"Remove {clean_line(title, 80)} and its stories?\n{clean_line(url)}"
        self.app.push_screen(ConfirmScreen(question), done)

    def action_rename(self) -> None:
        from newsreader.tui.screens.input_dialog import InputScreen

        item = self._chosen_feed("rename")
        if item is None or item.feed is None:
            return
        url, title, key = item.feed.url, item.feed.display_title, item.key

        def done(text: str | None) -> None:
            if text is not None and text.strip():
                new = clean_line(text, 200)
                try:
                    self.host.rename_feed(url, new)
                except NewsreaderError as exc:
                    self.notify(str(exc), severity="error", markup=False, timeout=8)
                else:
                    self.post_message(self.FeedRenamed(url, new))
            self.reload(key)

        self.app.push_screen(InputScreen("Rename feed", value=title), done)

    def action_mark_read(self) -> None:
        library = self.host.library
        item = self.feed_list.current
        if library is None or item is None:
            return
        ids = library.mark_view_read(item_view(item))
        self.post_message(self.MarkedRead(ids))
        self.reload(item.key)
