"""The Textual app: Latest | Article | Trending over Opinion, a top line and a status bar.

Data flow: the app owns one Store on the UI thread for quick reads and single-row writes
(opening marks read at once). Anything that can take long (a view's full id list on a big
store, trending, refresh, full text, subscribe) runs in a thread worker with its own Store
and comes back as a message. Widgets never open the database: the headline list gets a
row loader, the others get plain data.
"""

from __future__ import annotations

import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from newsreader.keys import KEYS
from newsreader.model import ArticleRow, FeedConfig, NewsreaderError, View
from newsreader.sanitize import clean_line, safe_url
from newsreader.store import Store
from newsreader.tui.widgets.article import ArticleView
from newsreader.tui.widgets.headlines import HeadlineList
from newsreader.tui.widgets.opinion import OpinionList
from newsreader.tui.widgets.picklist import PickList
from newsreader.tui.widgets.status import StatusBar, TopBar
from newsreader.tui.widgets.trending import TrendingList

if TYPE_CHECKING:
    from newsreader.model import TrendingStory
    from newsreader.refresh import Progress, RefreshReport
    from newsreader.runtime import Runtime

# How often the list is re-read while a refresh is landing feeds (0.5 s gave a 30-58 ms p95
# key latency during a 500-feed refresh on a 100k store, 1 s gives 14-20 ms: bench/tui.py).
RELOAD_THROTTLE = 1.0
# Rows read synchronously when a view opens (the rest of the ids follow from a worker).
FIRST_PAGE = 120
NARROW_BELOW = 100

VIEWS: dict[str, tuple[View, str]] = {
    "all": (View(), "All feeds"),
    "unread": (View(unread=True), "Unread"),
    "starred": (View(starred=True), "Starred"),
    "opinion": (View(opinion=True), "Opinion"),
}


def _palette():
    from newsreader.tui.palette import NewsCommands

    return NewsCommands


class MainScreen(Screen, inherit_bindings=False):
    """The main screen. Screen's own tab/shift+tab bindings are dropped so the app's
    next_pane/prev_pane (rebindable) get those keys."""

    BINDINGS = [Binding("ctrl+c,super+c", "screen.copy_text", "Copy selected text", show=False)]

    def __init__(self) -> None:
        super().__init__(id="main")

    def compose(self) -> ComposeResult:
        app = self.app
        assert isinstance(app, NewsApp)
        yield TopBar(id="topbar")
        with Horizontal(id="panes"):
            headlines = HeadlineList(app.load_rows, clock=app.clock, id="headlines")
            headlines.border_title = "Latest"
            yield headlines
            article = ArticleView(id="article")
            article.border_title = "Article"
            yield article
            with Vertical(id="sidebar"):
                trending = TrendingList(id="trending")
                trending.border_title = "Trending"
                yield trending
                opinion = OpinionList(id="opinion")
                opinion.border_title = "Opinion"
                yield opinion
        yield StatusBar(id="status")

    def on_mount(self) -> None:
        app = self.app
        assert isinstance(app, NewsApp)
        app.start()


class NewsApp(App[int]):
    """newsreader's TUI. `clock` fixes "now" (ages, trending) for tests and the demo."""

    CSS_PATH = "app.tcss"
    TITLE = "newsreader"
    BINDINGS = [Binding(k.keys, k.action, k.description, show=k.show, id=k.id) for k in KEYS] + [
        Binding("escape", "back", "Back", show=False)
    ]
    COMMANDS = App.COMMANDS | {_palette}

    @dataclass
    class ViewIds(Message):
        generation: int
        ids: list[int]
        unread: int

    @dataclass
    class Sidebar(Message):
        trending: list[TrendingStory]
        opinion: list[ArticleRow]

    @dataclass
    class RefreshProgress(Message):
        progress: Progress

    @dataclass
    class RefreshDone(Message):
        report: RefreshReport

    @dataclass
    class FullText(Message):
        article_id: int
        found: bool

    def __init__(
        self,
        rt: Runtime,
        *,
        clock: Callable[[], float] | None = None,
        refresh_on_start: bool | None = None,
    ) -> None:
        self.created_at = time.perf_counter()
        super().__init__()
        self.rt = rt
        self.clock: Callable[[], float] = clock or time.time
        settings = rt.settings
        self.refresh_on_start = (
            settings.refresh.on_start if refresh_on_start is None else refresh_on_start
        )
        self.store: Store | None = None
        self.view = View()
        self.view_name = "All feeds"
        self.before_search: tuple[View, str] | None = None
        self.undo_stack: list[list[int]] = []
        self.generation = 0
        self.refreshing = False
        self.progress_text = ""
        self.last_reload = 0.0
        self.reload_pending = False
        self.offline: str | None = None
        self.first_paint_at: float | None = None  # perf_counter when the list first drew a story
        self.current_article_id: int | None = None
        self.sidebar_overlay = False
        self.main = MainScreen()

    # -- start-up ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return self.main

    def start(self) -> None:
        """Called when the main screen's widgets exist: store on screen, then refresh."""
        settings = self.rt.settings
        self.set_keymap(settings.keys)
        theme = settings.ui.theme
        if theme in self.available_themes:
            self.theme = theme
        else:
            self.notify(
                f"unknown theme {clean_line(theme, 40)!r}; using textual-dark",
                severity="warning",
                markup=False,
            )
            self.theme = "textual-dark"
        try:
            self.store = self.rt.open_store()
        except NewsreaderError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=30)
            return
        headlines = self.headlines
        headlines.on_first_paint = self._first_paint
        self._apply_layout()
        self.load_view(View(), "All feeds")
        headlines.focus()
        self._update_hints()
        self.call_after_refresh(self.reload_sidebar)
        if self.rt.first_run or not self.rt.feeds:
            self._welcome()
        if self.refresh_on_start and self.rt.feeds:
            self.call_after_refresh(self.start_refresh)
        interval = settings.refresh.interval
        if interval > 0:
            self.set_interval(interval * 60, self.start_refresh, name="auto-refresh")

    def _first_paint(self) -> None:
        if self.first_paint_at is None:
            self.first_paint_at = time.perf_counter()

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    # -- widgets -----------------------------------------------------------------------------

    @property
    def headlines(self) -> HeadlineList:
        return self.main.query_one(HeadlineList)

    @property
    def article_view(self) -> ArticleView:
        return self.main.query_one(ArticleView)

    @property
    def trending(self) -> TrendingList:
        return self.main.query_one(TrendingList)

    @property
    def opinion(self) -> OpinionList:
        return self.main.query_one(OpinionList)

    @property
    def status(self) -> StatusBar:
        return self.main.query_one(StatusBar)

    @property
    def topbar(self) -> TopBar:
        return self.main.query_one(TopBar)

    def load_rows(self, ids: list[int]) -> dict[int, ArticleRow]:
        """The headline list's loader: rows by id from the UI thread's store."""
        if self.store is None:
            return {}
        return self.store.rows(ids)

    # -- layout ------------------------------------------------------------------------------

    @property
    def narrow(self) -> bool:
        layout = self.rt.settings.ui.layout
        return layout == "narrow" or (layout == "auto" and self.size.width < NARROW_BELOW)

    def on_resize(self) -> None:
        self._apply_layout()

    def _apply_layout(self) -> None:
        narrow = self.narrow
        self.main.set_class(narrow, "-narrow")
        self.main.set_class(narrow and self.sidebar_overlay, "-overlay")
        self._update_hints()

    def _update_hints(self) -> None:
        try:
            status = self.status
        except Exception:
            return
        status.set_hints(self.hint_keys())

    def live_keys(self) -> list[tuple[str, str, str]]:
        """(keys as displayed, description, id) for every binding, after the user's keymap."""
        keymap = self._keymap
        out = []
        for spec in KEYS:
            keys = keymap.get(spec.id, spec.keys)
            shown = ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))
            out.append((shown, spec.description, spec.id))
        return out

    def hint_keys(self) -> list[tuple[str, str]]:
        keymap = self._keymap
        out = [("j/k", "move")] if "down" not in keymap and "up" not in keymap else []
        for spec in KEYS:
            if spec.show:
                first = keymap.get(spec.id, spec.keys).split(",")[0].strip()
                out.append((self.get_key_display(Binding(first, "")), spec.description.lower()))
        return out

    # -- views -------------------------------------------------------------------------------

    def load_view(self, view: View, name: str, *, keep: bool = False) -> None:
        """Show a view: the first page at once, the full id list from a worker."""
        if self.store is None:
            return
        changed = view != self.view
        self.view = view
        self.view_name = name
        self.generation += 1
        headlines = self.headlines
        if not keep or changed:
            first = self.store.page(view, limit=FIRST_PAGE)
            for row in first:
                headlines._rows[row.id] = row
            headlines.set_ids([r.id for r in first], keep=False)
            headlines.empty_text = (
                "No stories match." if view.search else "No stories here yet. Press r to refresh."
            )
            if not self.rt.feeds and view == View():
                headlines.empty_text = "No feeds yet. Press f then a to add one."
        self.topbar.set(view=name)
        self.fetch_ids(view, self.generation)

    @work(thread=True, exclusive=True, group="ids", exit_on_error=False)
    def fetch_ids(self, view: View, generation: int) -> None:
        with Store.open(self.rt.data_dir) as store:
            ids = store.ids(view)
            unread = store.total_unread()
        self.post_message(self.ViewIds(generation, ids, unread))

    def on_news_app_view_ids(self, message: ViewIds) -> None:
        self.topbar.set(unread=message.unread)
        if message.generation != self.generation:
            return
        headlines = self.headlines
        headlines.forget()
        headlines.set_ids(message.ids, keep=True)

    def reload(self) -> None:
        """Re-read the current view and counts (after a refresh or a change elsewhere)."""
        self.load_view(self.view, self.view_name, keep=True)

    @work(thread=True, exclusive=True, group="sidebar", exit_on_error=False)
    def reload_sidebar(self) -> None:
        from newsreader.ranking.stories import trending_stories

        with Store.open(self.rt.data_dir) as store:
            stories = trending_stories(store, self.rt.settings, self.clock())
            opinion = store.page(View(opinion=True), limit=self.rt.settings.opinion.size)
        self.post_message(self.Sidebar(stories, opinion))

    def on_news_app_sidebar(self, message: Sidebar) -> None:
        self.trending.set_items(message.trending, keep_key=lambda s: s.lead_id)
        self.opinion.set_items(message.opinion, keep_key=lambda r: r.id)

    # -- opening -----------------------------------------------------------------------------

    def on_headline_list_selected(self, message: HeadlineList.Selected) -> None:
        self.open_article(message.article_id)

    def on_pick_list_selected(self, message: PickList.Selected) -> None:
        item = message.item
        if message.pick is self.trending:
            self.open_article(item.lead_id, also=[m.id for m in item.members])
        elif message.pick is self.opinion:
            self.open_article(item.id)

    def open_article(self, article_id: int, also: list[int] | None = None) -> None:
        """Show an article and mark it read in the store at once (copies follow)."""
        if self.store is None:
            return
        article = self.store.article(article_id)
        if article is None:
            return
        self.current_article_id = article_id
        if also is None:
            # One story, read once: its copies in other feeds (a trending cluster) go too.
            story = next(
                (t for t in self.trending.items if any(m.id == article_id for m in t.members)),
                None,
            )
            also = [m.id for m in story.members if m.id != article_id] if story else []
        if self.rt.settings.ui.mark_read_on_open:
            ids = [article_id, *also]
            if not article.read or also:
                self.store.set_read(ids, True)
                article.read = True
                self._reflect(ids, read=True)
        self.article_view.show(article)

    def _welcome(self) -> None:
        """First run (or no feeds yet): where the config is and how to get stories in."""
        where = (
            f"Wrote your config to {self.rt.config_path}. "
            if self.rt.first_run
            else f"Config: {self.rt.config_path}. "
        )
        self.notify(
            "Welcome to newsreader. "
            + where
            + "No feeds yet: press f then a to add one, or from the shell run "
            "`newsreader add URL` or `newsreader import FILE.opml`. "
            "`newsreader --demo` shows the reader on sample feeds.",
            title="Welcome",
            markup=False,
            timeout=60,
        )

    def _reflect(self, ids: list[int], **changes: bool) -> None:
        """Show a state change in every pane that has these stories."""
        headlines = self.headlines
        for article_id in ids:
            headlines.update_row(article_id, **changes)
        # Copies of the same link in other feeds changed too: re-read the visible rows.
        headlines.forget()
        for row in self.opinion.items:
            if row.id in ids:
                for k, v in changes.items():
                    setattr(row, k, v)
        self.opinion.refresh()
        if "read" in changes:
            for story in self.trending.items:
                for m in story.members:
                    if m.id in ids:
                        m.read = changes["read"]
            self.trending.refresh()
            if self.store is not None:
                self.topbar.set(unread=self.store.total_unread())

    # -- actions: movement -------------------------------------------------------------------

    def _focused_pane(self):
        focused = self.main.focused
        return focused if focused is not None else self.headlines

    def _move(self, method: str) -> None:
        pane = self._focused_pane()
        if hasattr(pane, method):
            getattr(pane, method)()

    def action_cursor_down(self) -> None:
        self._move("cursor_down")

    def action_cursor_up(self) -> None:
        self._move("cursor_up")

    def action_cursor_top(self) -> None:
        self._move("cursor_top")

    def action_cursor_bottom(self) -> None:
        self._move("cursor_bottom")

    def action_page_down(self) -> None:
        self._move("page_down")

    def action_page_up(self) -> None:
        self._move("page_up")

    def action_open(self) -> None:
        self._move("select")

    def _panes(self) -> list:
        panes = [self.headlines, self.article_view]
        if not self.narrow or self.sidebar_overlay:
            panes += [self.trending, self.opinion]
        return panes

    def _cycle(self, step: int) -> None:
        panes = self._panes()
        focused = self.main.focused
        index = panes.index(focused) if focused in panes else 0
        panes[(index + step) % len(panes)].focus()

    def action_next_pane(self) -> None:
        self._cycle(1)

    def action_prev_pane(self) -> None:
        self._cycle(-1)

    def action_page_article(self) -> None:
        view = self.article_view
        if view.article is not None and not view.at_end:
            view.page_down()
        else:
            self.action_next_unread()

    def _jump_unread(self, step: int) -> None:
        headlines = self.headlines
        index = headlines.find_unread(headlines.cursor, step)
        if index is None:
            self.notify("no more unread stories in this view", timeout=2)
            return
        headlines.move_to(index)
        headlines.select()

    def action_next_unread(self) -> None:
        self._jump_unread(1)

    def action_prev_unread(self) -> None:
        self._jump_unread(-1)

    def action_focus_trending(self) -> None:
        if self.narrow:
            self.sidebar_overlay = not self.sidebar_overlay
            self._apply_layout()
            if not self.sidebar_overlay:
                self.headlines.focus()
                return
        self.trending.focus()

    def action_back(self) -> None:
        """Escape: close the trending overlay, else leave a search for the previous view."""
        if self.sidebar_overlay:
            self.sidebar_overlay = False
            self._apply_layout()
            self.headlines.focus()
        elif self.before_search is not None:
            view, name = self.before_search
            self.before_search = None
            self.load_view(view, name)
        elif self.main.focused is not self.headlines:
            self.headlines.focus()

    # -- actions: state ----------------------------------------------------------------------

    def _target(self) -> ArticleRow | None:
        """The story an action applies to: the one under the focused pane's cursor."""
        focused = self.main.focused
        if focused is self.article_view and self.current_article_id is not None:
            return self.store.rows([self.current_article_id]).get(self.current_article_id)
        if focused is self.trending and self.trending.current is not None:
            lead = self.trending.current.lead_id
            return self.store.rows([lead]).get(lead)
        if focused is self.opinion and self.opinion.current is not None:
            return self.opinion.current
        headlines = self.headlines
        return headlines.row(headlines.cursor) if headlines.ids else None

    def action_toggle_read(self) -> None:
        row = self._target()
        if row is None or self.store is None:
            return
        read = not row.read
        self.store.set_read([row.id], read)
        self._reflect([row.id], read=read)

    def action_toggle_star(self) -> None:
        row = self._target()
        if row is None or self.store is None:
            return
        starred = not row.starred
        self.store.set_starred([row.id], starred)
        self._reflect([row.id], starred=starred)
        self.notify("starred" if starred else "unstarred", timeout=1.5)

    def action_mark_all_read(self) -> None:
        if self.store is None:
            return
        ids = self.store.mark_view_read(self.view)
        if not ids:
            self.notify("nothing unread here", timeout=2)
            return
        self.undo_stack.append(ids)
        self.notify(f"marked {len(ids):,} read · u to undo", timeout=4, markup=False)
        self._after_bulk_change()

    def action_undo(self) -> None:
        if self.store is None or not self.undo_stack:
            self.notify("nothing to undo", timeout=2)
            return
        ids = self.undo_stack.pop()
        self.store.set_read(ids, False)
        self.notify(f"marked {len(ids):,} unread again", timeout=3, markup=False)
        self._after_bulk_change()

    def _after_bulk_change(self) -> None:
        self.headlines.forget()
        if self.store is not None:
            self.topbar.set(unread=self.store.total_unread())
        self.reload()
        self.reload_sidebar()

    def action_view(self, name: str) -> None:
        view, label = VIEWS[name]
        self.before_search = None
        self.load_view(view, label)

    # -- actions: search, feeds, help --------------------------------------------------------

    def action_search(self) -> None:
        from newsreader.tui.screens import InputScreen

        def done(text: str | None) -> None:
            if not text or not text.strip():
                return
            query = clean_line(text, 200)
            if self.before_search is None:
                self.before_search = (self.view, self.view_name)
            self.load_view(View(search=query), f'Search "{query}"')
            self.headlines.focus()

        self.push_screen(InputScreen("Search titles and text", placeholder="words…"), done)

    def action_help(self) -> None:
        from newsreader.tui.screens import HelpScreen

        self.push_screen(HelpScreen(self.live_keys()))

    def feed_items(self):
        from newsreader.tui.widgets.feeds import feed_items

        assert self.store is not None
        urls = [f.url for f in self.rt.feeds]
        return feed_items(self.store.feeds(urls), self.store.tag_counts())

    def action_feeds(self) -> None:
        from newsreader.tui.screens import FeedsScreen

        if self.store is None:
            return
        current = None
        if self.view.feed_id is not None:
            current = ("feed", None, self.view.feed_id)
        self.push_screen(FeedsScreen(self.feed_items(), current), self._feed_choice)

    def feed_titles(self) -> list[tuple[str, str]]:
        """(url, title) of every subscription: the configured title, else the feed's own."""
        if self.store is None:
            return [(f.url, f.title or f.url) for f in self.rt.feeds]
        rows = {r.url: r for r in self.store.feeds([f.url for f in self.rt.feeds], counts=False)}
        return [
            (f.url, f.title or (rows[f.url].display_title if f.url in rows else f.url))
            for f in self.rt.feeds
        ]

    def tag_names(self) -> list[str]:
        """Every tag used by a subscription, sorted."""
        return sorted({tag for f in self.rt.feeds for tag in f.tags}, key=str.lower)

    def show_tag(self, tag: str) -> None:
        """Show the stories of every feed with a tag (the palette's "jump to tag")."""
        self.before_search = None
        self.load_view(View(tag=tag), f"Tag {clean_line(tag, 60)}")
        self.headlines.focus()

    def show_feed(self, url: str) -> None:
        """Show one feed's stories (used by the palette's "jump to feed")."""
        if self.store is None:
            return
        feed_id = self.store.feed_id(url)
        conf = self.rt.feed_config(url)
        if feed_id is None:
            return
        rows = self.store.feeds([url])
        title = (conf.title if conf and conf.title else None) or (
            rows[0].display_title if rows else url
        )
        self.before_search = None
        self.load_view(View(feed_id=feed_id), clean_line(title, 80))
        self.headlines.focus()

    def _feed_choice(self, choice) -> None:
        if choice is None or self.store is None:
            return
        item = choice.item
        if choice.action == "show" and item is not None:
            self.before_search = None
            if item.kind == "all":
                self.load_view(View(), "All feeds")
            elif item.kind == "tag":
                self.load_view(View(tag=item.tag), f"Tag {item.tag}")
            elif item.feed is not None:
                self.load_view(View(feed_id=item.feed.id), item.feed.display_title)
            self.headlines.focus()
        elif choice.action == "add":
            self._add_feed(item.tag if item is not None else None)
        elif choice.action == "remove" and item and item.feed:
            self._remove_feed(item.feed.url, item.feed.display_title)
        elif choice.action == "rename" and item and item.feed:
            self._rename_feed(item.feed.url, item.feed.display_title)
        elif choice.action == "mark_read" and item is not None:
            if item.kind == "all":
                view = View()
            elif item.kind == "tag":
                view = View(tag=item.tag)
            else:
                view = View(feed_id=item.feed.id)
            ids = self.store.mark_view_read(view)
            if ids:
                self.undo_stack.append(ids)
            self.notify(f"marked {len(ids):,} read · u to undo", timeout=3, markup=False)
            self._after_bulk_change()
            self.action_feeds()

    def _add_feed(self, tag: str | None) -> None:
        from newsreader.tui.screens import AddFeedScreen

        def done(result) -> None:
            if not result:
                self.action_feeds()
                return
            saved, new = result
            self.notify(
                f"added {clean_line(saved.title or saved.url, 80)} ({new} stories)",
                markup=False,
            )
            self.reload()
            self.reload_sidebar()
            self.action_feeds()

        self.push_screen(AddFeedScreen(self.subscribe, tag), done)

    async def subscribe(self, feed: FeedConfig) -> tuple[FeedConfig, int]:
        """Verify and save a feed; the blocking parts run in a thread."""
        import asyncio

        from newsreader.refresh import subscribe

        def run() -> tuple[FeedConfig, int]:
            return asyncio.run(subscribe(self.rt, feed))

        result = await asyncio.to_thread(run)
        if self.store is not None:
            self.store.sync_feeds(self.rt.feeds)
        return result

    def _remove_feed(self, url: str, title: str) -> None:
        from newsreader.tui.screens import ConfirmScreen

        def done(yes: bool | None) -> None:
            if yes:
                try:
                    self.rt.remove_subscription(url)
                except NewsreaderError as exc:
                    self.notify(str(exc), severity="error", markup=False, timeout=8)
                    self.action_feeds()
                    return
                if self.store is not None:
                    self.store.delete_feed(url)
                self.notify(f"removed {clean_line(title, 80)}", markup=False)
                if self.view.feed_id is not None:
                    self.load_view(View(), "All feeds")
                else:
                    self.reload()
                self.reload_sidebar()
            self.action_feeds()

        self.push_screen(
            ConfirmScreen(f"Remove {clean_line(title, 80)} and its stories?\n{clean_line(url)}"),
            done,
        )

    def _rename_feed(self, url: str, title: str) -> None:
        from newsreader.tui.screens import InputScreen

        def done(text: str | None) -> None:
            if text is not None and text.strip():
                new = clean_line(text, 200)
                try:
                    self.rt.update_subscription(url, title=new)
                except NewsreaderError as exc:
                    self.notify(str(exc), severity="error", markup=False, timeout=8)
                else:
                    if self.store is not None:
                        feed_id = self.store.feed_id(url)
                        if feed_id is not None:
                            self.store.set_feed_title(feed_id, new)
                    self.headlines.forget()
                    self.reload_sidebar()
            self.action_feeds()

        self.push_screen(InputScreen("Rename feed", value=title), done)

    # -- actions: links ----------------------------------------------------------------------

    def _link(self) -> str | None:
        focused = self.main.focused
        if focused is self.article_view and self.article_view.article is not None:
            return safe_url(self.article_view.article.link)
        row = self._target()
        return safe_url(row.link) if row is not None else None

    def action_open_link(self) -> None:
        url = self._link()
        if url is None:
            self.notify("this story has no web link", timeout=2)
            return
        # webbrowser runs the browser with an argument list, never through a shell.
        webbrowser.open(url, new=2)
        self.notify(f"opening {url}", timeout=2, markup=False)

    def action_copy_link(self) -> None:
        url = self._link()
        if url is None:
            self.notify("this story has no web link", timeout=2)
            return
        self.copy_to_clipboard(url)
        self.notify(f"copied {url}", timeout=2, markup=False)

    def action_full_text(self) -> None:
        article = self.article_view.article
        if article is None:
            self.notify("open a story first", timeout=2)
            return
        url = safe_url(article.link)
        if url is None:
            self.notify("this story has no web page to fetch", timeout=2)
            return
        self.notify("fetching the full text…", timeout=2)
        self.fetch_full_text(article.id, url)

    @work(thread=True, exclusive=True, group="fulltext", exit_on_error=False)
    def fetch_full_text(self, article_id: int, url: str) -> None:
        import asyncio

        from newsreader.fulltext import extract
        from newsreader.refresh import make_fetcher

        async def get() -> bytes | None:
            async with make_fetcher(self.rt) as fetcher:
                result = await fetcher.fetch(url)
            return result.body if result.error is None else None

        body = asyncio.run(get())
        html = extract(body, url) if body else None
        if html:
            with Store.open(self.rt.data_dir) as store:
                store.set_fulltext(article_id, html)
        self.post_message(self.FullText(article_id, bool(html)))

    def on_news_app_full_text(self, message: FullText) -> None:
        if not message.found:
            self.notify("no article text found on the page", severity="warning", timeout=3)
            return
        if self.current_article_id == message.article_id and self.store is not None:
            self.article_view.show(self.store.article(message.article_id))

    # -- refresh -----------------------------------------------------------------------------

    def action_refresh_all(self) -> None:
        self.start_refresh(force=True)

    def action_refresh_feed(self) -> None:
        url = None
        if self.view.feed_id is not None and self.store is not None:
            url = next((f.url for f in self.store.feeds() if f.id == self.view.feed_id), None)
        if url is None:
            row = self._target()
            url = row.feed_url if row is not None else None
        if url is None:
            self.notify("no feed to refresh", timeout=2)
            return
        self.start_refresh(force=True, urls=[url])

    def start_refresh(self, force: bool = False, urls: list[str] | None = None) -> None:
        if self.refreshing or not self.rt.feeds:
            if not self.rt.feeds:
                self.notify("no feeds yet: press f, then a to add one", timeout=3)
            return
        self.refreshing = True
        self.progress_text = "⟳ starting refresh"
        self.topbar.set(progress=self.progress_text)
        self.status.set_state("refreshing…")
        self.run_refresh(force, urls)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def run_refresh(self, force: bool, urls: list[str] | None) -> None:
        import asyncio

        from newsreader.refresh import refresh

        _ensure_resource_tracker()
        store = self.rt.open_store()
        try:
            report = asyncio.run(
                refresh(
                    self.rt,
                    store,
                    force=force,
                    urls=urls,
                    progress=lambda p: self.post_message(self.RefreshProgress(p)),
                )
            )
        finally:
            store.close()
        self.post_message(self.RefreshDone(report))

    def on_news_app_refresh_progress(self, message: RefreshProgress) -> None:
        p = message.progress
        errors = f" · {p.errors} error{'s' if p.errors != 1 else ''}" if p.errors else ""
        self.progress_text = f"⟳ {p.done}/{p.total} feeds{errors}"
        self.topbar.set(progress=self.progress_text)
        self.status.set_state(f"⟳ {p.done}/{p.total}{errors}", alert=bool(p.errors))
        if p.feed is not None and p.feed.new:
            now = time.monotonic()
            if now - self.last_reload >= RELOAD_THROTTLE:
                self.last_reload = now
                self.reload()
            elif not self.reload_pending:
                self.reload_pending = True
                self.set_timer(RELOAD_THROTTLE, self._pending_reload)

    def _pending_reload(self) -> None:
        self.reload_pending = False
        self.last_reload = time.monotonic()
        self.reload()

    def on_news_app_refresh_done(self, message: RefreshDone) -> None:
        report = message.report
        self.refreshing = False
        self.offline = report.offline
        errors = report.errors
        stamp = time.strftime("%H:%M", time.localtime(self.clock()))
        if report.offline:
            self.progress_text = "offline"
            self.status.set_state("offline: no feed could be reached", alert=True)
            self.notify(clean_line(report.offline, 200), severity="warning", markup=False)
        else:
            self.progress_text = f"updated {stamp} · {report.new} new"
            if errors:
                self.status.set_state(
                    f"{len(errors)} feed error{'s' if len(errors) != 1 else ''} (f to see)",
                    alert=True,
                )
            else:
                self.status.set_state("")
        self.topbar.set(progress=self.progress_text)
        if errors:
            names = "; ".join(
                f"{clean_line(f.title, 40)}: {clean_line(f.error, 80)}" for f in errors[:3]
            )
            more = f" (and {len(errors) - 3} more; see f)" if len(errors) > 3 else ""
            self.notify(
                f"{len(errors)} feed{'s' if len(errors) != 1 else ''} failed: {names}{more}",
                severity="warning",
                markup=False,
                timeout=8,
            )
        self.reload()
        self.reload_sidebar()

    # -- failures ----------------------------------------------------------------------------

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        worker = event.worker
        error = worker.error
        if worker.group == "refresh":
            self.refreshing = False
            self.status.set_state("refresh failed", alert=True)
            self.topbar.set(progress="refresh failed")
        reason = (
            str(error) if isinstance(error, NewsreaderError) else f"{type(error).__name__}: {error}"
        )
        self.notify(
            f"{worker.group or worker.name} failed: {clean_line(reason, 200)}",
            severity="error",
            markup=False,
            timeout=8,
        )


def _ensure_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with a real stderr.

    refresh() parses in a spawn process pool; spawning starts the tracker, which passes
    sys.stderr.fileno() to the child. Inside a running Textual app sys.stderr is Textual's
    print capture, whose fileno() is -1, and the spawn fails ("bad value(s) in
    fds_to_keep"). The tracker gets /dev/null instead, so it never writes on our screen.
    """
    import os
    import sys
    from multiprocessing import resource_tracker

    try:
        if sys.stderr is not None and sys.stderr.fileno() >= 0:
            return
    except (AttributeError, OSError, ValueError):
        pass
    saved = sys.stderr
    with open(os.devnull, "w") as null:
        sys.stderr = null
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved


def run_app(rt: Runtime) -> int:
    """Run the TUI; returns the process exit code."""
    app = NewsApp(rt)
    result = app.run()
    return int(result or 0) if app.return_code in (None, 0) else app.return_code or 1


def run_demo() -> int:
    """`newsreader --demo`: the TUI on the bundled feeds in a throwaway folder."""
    import tempfile
    from pathlib import Path

    from newsreader.demo_run import prepare_demo

    with tempfile.TemporaryDirectory(prefix="newsreader-demo-") as tmp:
        rt = prepare_demo(Path(tmp))
        app = NewsApp(rt, refresh_on_start=False)
        app.run()
        return app.return_code or 0
