"""The main screen: Latest | Article | Trending over Opinion, a top line and a status bar.

It owns what happens on this screen: which view the list shows, which pane has focus, the
narrow/wide layout, opening stories, read/star marks and their undo, search, the feeds
screen, links, full text and how refreshes and errors show. Data comes from the app through
the `Host` surface (a UI-thread store for quick reads and one-row writes, workers for the
rest, whose results arrive as `host` messages); widgets get plain `model` rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget

from newsreader.media.enclosures import EnclosureInfo, enclosure_list
from newsreader.model import Article, ArticleRow, TrendingStory, View
from newsreader.query import QueryError, check_query, is_plain
from newsreader.sanitize import clean_line, safe_url
from newsreader.tui.bindings import bindings_for
from newsreader.tui.host import (
    FullTextFetched,
    Host,
    ImagesFetched,
    RefreshFinished,
    RefreshProgressed,
    RowsRead,
    SidebarLoaded,
    ViewLoaded,
)
from newsreader.tui.screens.feeds import FeedsScreen, item_view
from newsreader.tui.screens.links import copy_link, open_link
from newsreader.tui.screens.panes import PaneCycle
from newsreader.tui.widgets.article import ArticleView, picture_slots
from newsreader.tui.widgets.feeds import FeedItem
from newsreader.tui.widgets.headlines import HeadlineList, Key
from newsreader.tui.widgets.opinion import OpinionList
from newsreader.tui.widgets.picklist import PickList
from newsreader.tui.widgets.pictures import MAX_PICTURES
from newsreader.tui.widgets.status import StatusBar, TopBar
from newsreader.tui.widgets.trending import TrendingList

# How often the list is re-read while a refresh is landing feeds (0.5 s gave a 30-58 ms p95
# key latency during a 500-feed refresh on a 100k store, 1 s gives 14-20 ms: bench/tui.py).
RELOAD_THROTTLE = 1.0
# Rows read synchronously when a view opens (its count and a window follow from a worker),
# and the rows a reload reads above and below the cursor's story besides a screenful.
FIRST_PAGE = 120
RELOAD_ABOVE = 20
RELOAD_BELOW = 60
NARROW_BELOW = 100  # the sidebar folds away (t shows it over the list)
SINGLE_BELOW = 70  # one pane at a time: the list, or the story full width

VIEWS: dict[str, tuple[View, str]] = {
    "all": (View(), "All feeds"),
    "unread": (View(unread=True), "Unread"),
    "starred": (View(starred=True), "Starred"),
    "opinion": (View(opinion=True), "Opinion"),
}


class ViewRows:
    """The headline list's RowSource: the rows of the view the screen shows, read from
    the UI thread's store (small keyset windows)."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def rows(self, ids: Sequence[int]) -> dict[int, ArticleRow]:
        library = self.screen.host.library
        return library.rows(ids) if library is not None else {}

    def after(self, key: Key | None, n: int) -> list[ArticleRow]:
        library = self.screen.host.library
        return library.rows_after(self.screen.view, key, n) if library is not None else []

    def before(self, key: Key, n: int) -> list[ArticleRow]:
        library = self.screen.host.library
        return library.rows_before(self.screen.view, key, n) if library is not None else []

    def at(self, offset: int, n: int, total: int) -> list[ArticleRow]:
        library = self.screen.host.library
        if library is None:
            return []
        return library.rows_at(self.screen.view, offset, n, total=total)

    def position(self, key: Key) -> int:
        library = self.screen.host.library
        return library.position(self.screen.view, key) if library is not None else 0

    def slow_offsets(self) -> bool:
        return bool(self.screen.view.search)

    def request_at(self, offset: int, n: int, total: int, ticket: int) -> bool:
        self.screen.host.fetch_rows_at(self.screen.view, offset, n, total, ticket)
        return True

    def next_unread(self, key: Key, step: int) -> ArticleRow | None:
        library = self.screen.host.library
        if library is None:
            return None
        unread = replace(self.screen.view, unread=True)
        if step > 0:
            rows = library.rows_after(unread, key, 1)
            return rows[0] if rows else None
        rows = library.rows_before(unread, key, 1)
        return rows[-1] if rows else None


class MainScreen(PaneCycle, Screen[None], inherit_bindings=False):
    """Screen's own tab/shift+tab bindings are dropped so next_pane/prev_pane (rebindable)
    get those keys."""

    BINDINGS = [
        *bindings_for("main"),
        Binding("escape", "back", "Back", show=False),
        Binding("ctrl+c,super+c", "screen.copy_text", "Copy selected text", show=False),
    ]

    def __init__(self, host: Host) -> None:
        super().__init__(id="main")
        self.host = host
        self.view = View()
        self.view_name = "All feeds"
        self.before_search: tuple[View, str] | None = None
        self.undo_stack: list[list[int]] = []
        self.generation = 0
        self.last_reload = 0.0
        self.reload_pending = False
        self.current_article_id: int | None = None
        self.sidebar_overlay = False
        self.reading = False  # single-pane layout: the story is shown instead of the list

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        with Horizontal(id="panes"):
            headlines = HeadlineList(ViewRows(self), clock=self.host.clock, id="headlines")
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
        self.host.main_ready()  # the app opens the store, then calls start()

    def start(self) -> None:
        """Called by the app once the store is open: the store on screen at once."""
        headlines = self.headlines
        headlines.on_first_paint = self._first_paint
        self.apply_layout()
        self.load_view(View(), "All feeds")
        headlines.focus()
        self.call_after_refresh(self.host.reload_sidebar)

    def _first_paint(self) -> None:
        if self.host.first_paint_at is None:
            self.host.first_paint_at = time.perf_counter()

    # -- widgets -----------------------------------------------------------------------------

    @property
    def headlines(self) -> HeadlineList:
        return self.query_one(HeadlineList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def trending(self) -> TrendingList:
        return self.query_one(TrendingList)

    @property
    def opinion(self) -> OpinionList:
        return self.query_one(OpinionList)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    @property
    def topbar(self) -> TopBar:
        return self.query_one(TopBar)

    # -- layout ------------------------------------------------------------------------------

    @property
    def narrow(self) -> bool:
        layout = self.host.layout
        return layout == "narrow" or (layout == "auto" and self.app.size.width < NARROW_BELOW)

    @property
    def single(self) -> bool:
        layout = self.host.layout
        return layout == "auto" and self.app.size.width < SINGLE_BELOW

    def on_resize(self) -> None:
        self.apply_layout()

    def apply_layout(self) -> None:
        """Set the layout for the terminal's width now (called again on every resize)."""
        narrow, single = self.narrow, self.single
        if not narrow:
            self.sidebar_overlay = False  # wide: the sidebar is simply there
        if not single:
            self.reading = False
        self.set_class(narrow, "-narrow")
        self.set_class(narrow and self.sidebar_overlay, "-overlay")
        self.set_class(single, "-single")
        self.set_class(single and self.reading, "-reading")
        # Focus never stays on a pane that is no longer shown.
        focused = self.focused
        if focused is not None and focused not in self._panes():
            (self.article_view if single and self.reading else self.headlines).focus()
        self.update_hints()

    def update_hints(self) -> None:
        if self.is_mounted:
            hints = self.host.hint_keys()
            if self.single and self.reading:  # the story fills the screen: say how to leave it
                hints = [("esc", "back"), *hints]
            self.status.set_hints(hints)

    # -- views -------------------------------------------------------------------------------

    def load_view(self, view: View, name: str, *, keep: bool = False) -> None:
        """Show a view: the first page at once, its count and a window around the cursor's
        story from a worker (with keep, the view is read again and the cursor stays)."""
        library = self.host.library
        if library is None:
            return
        changed = view != self.view
        self.view = view
        self.view_name = name
        self.generation += 1
        headlines = self.headlines
        anchor = headlines.cursor_key
        if not keep or changed:
            anchor = None
            # the count follows from the worker: until then the list is this page long
            headlines.show(0, 0, library.rows_after(view, None, FIRST_PAGE), keep=False)
            headlines.empty_text = (
                "No stories match." if view.search else "No stories here yet. Press r to refresh."
            )
            if not self.host.subscriptions and view == View():
                headlines.empty_text = "No feeds yet. Press f then a to add one."
        self.topbar.set(view=name)
        height = headlines.size.height or 50
        self.host.fetch_window(
            view, self.generation, anchor, height + RELOAD_ABOVE, height + RELOAD_BELOW
        )

    def on_view_loaded(self, message: ViewLoaded) -> None:
        self.topbar.set(unread=message.unread)
        if message.generation != self.generation:
            return
        headlines = self.headlines
        # the cursor's story left the view: the cursor stays where it was (unless it moved)
        place = message.place if headlines.cursor_key == message.anchor else None
        headlines.show(message.total, message.start, message.rows, keep=True, place=place)

    def on_rows_read(self, message: RowsRead) -> None:
        self.headlines.rows_read(message.ticket, message.start, message.rows, message.wanted)

    def reload(self) -> None:
        """Re-read the current view and counts (after a refresh or a change elsewhere)."""
        self.load_view(self.view, self.view_name, keep=True)

    def on_sidebar_loaded(self, message: SidebarLoaded) -> None:
        self.trending.set_items(message.trending, keep_key=lambda s: s.lead_id)
        self.opinion.set_items(message.opinion, keep_key=lambda r: r.id)

    def show_saved_view(self, name: str, match: str) -> None:
        self.show_view(View(match=match), f"View {clean_line(name, 60)}")

    def show_view(self, view: View, name: str) -> None:
        """Leave any search and show a view with the list focused (feeds screen, palette)."""
        self.before_search = None
        self.load_view(view, name)
        self.headlines.focus()

    def show_tag(self, tag: str) -> None:
        """Show the stories of every feed with a tag (the palette's "jump to tag")."""
        self.show_view(View(tag=tag), f"Tag {clean_line(tag, 60)}")

    def show_feed(self, url: str) -> None:
        """Show one feed's stories (used by the palette's "jump to feed")."""
        library = self.host.library
        if library is None:
            return
        feed_id = library.feed_id(url)
        if feed_id is None:
            return
        conf = self.host.feed_config(url)
        rows = library.feeds([url])
        title = (conf.title if conf and conf.title else None) or (
            rows[0].display_title if rows else url
        )
        self.show_view(View(feed_id=feed_id), clean_line(title, 80))

    # -- opening -----------------------------------------------------------------------------

    def on_headline_list_selected(self, message: HeadlineList.Selected) -> None:
        self.open_article(message.article_id)

    def on_pick_list_selected(self, message: PickList.Selected) -> None:
        item = message.item
        if message.pick is self.trending:
            self.show_coverage(story=item)  # the overlay stays: back comes back to it
            return
        if message.pick is self.opinion:
            self.open_article(item.id)
        else:
            return
        if self.sidebar_overlay:  # the story is what the reader wants to see now
            self.sidebar_overlay = False
            self.apply_layout()
            self.article_view.focus()

    def story_of(self, article_id: int) -> TrendingStory | None:
        """The trending story this article is a copy of, if any."""
        return next(
            (t for t in self.trending.items if any(m.id == article_id for m in t.members)), None
        )

    def copies_of(self, article_id: int, story: TrendingStory | None = None) -> list[ArticleRow]:
        """The story's copies in other feeds (none when trending.read_copies is off)."""
        if not self.host.read_copies:
            return []
        story = story or self.story_of(article_id)
        return [m for m in story.members if m.id != article_id] if story else []

    def open_article(self, article_id: int, story: TrendingStory | None = None) -> None:
        """Show an article and mark it read in the store at once; with trending.read_copies
        its copies in other feeds go too, said in a note that u undoes."""
        library = self.host.library
        if library is None:
            return
        article = library.article(article_id)
        if article is None:
            return
        self.current_article_id = article_id
        story = story or self.story_of(article_id)
        others = [m for m in story.members if m.id != article_id] if story else []
        also_in = sorted({clean_line(m.feed_title) for m in others} - {""}, key=str.lower)
        if self.host.mark_read_on_open:
            copies = [m.id for m in self.copies_of(article_id, story) if not m.read]
            ids = ([] if article.read else [article_id]) + copies
            if ids:
                library.set_read(ids, True)
                article.read = True
                self._reflect(ids, read=True)
            if copies:
                self.undo_stack.append(ids)
                n = len(copies)
                self.notify(
                    f"{n} cop{'y' if n == 1 else 'ies'} of this story marked read · u to undo",
                    timeout=3,
                    markup=False,
                )
        self.article_view.show(article, also_in=also_in)
        self.call_after_refresh(self._fetch_pictures, article)  # the text paints first
        if self.single and not self.reading:
            self.reading = True
            self.apply_layout()
            self.article_view.focus()

    # -- full coverage, digest (screens of their own) --------------------------------------------

    def show_coverage(
        self, *, story: TrendingStory | None = None, article_id: int | None = None
    ) -> None:
        """The full coverage screen of a trending story, or of the story an article is in."""
        from newsreader.tui.screens.story import StoryScreen

        screen = StoryScreen(self.host, story=story, article_id=article_id, undo=self.undo_stack)
        self.app.push_screen(screen, self._coverage_closed)

    def _coverage_closed(self, changed: bool | None) -> None:
        if changed:
            self._after_bulk_change()

    def action_coverage(self) -> None:
        if self.focused is self.trending and self.trending.current is not None:
            self.show_coverage(story=self.trending.current)
            return
        row = self._target()
        if row is None:
            self.notify("no story here", timeout=2)
            return
        self.show_coverage(article_id=row.id)

    def show_digest(self) -> None:
        """The digest of the last 24 hours (the palette's "digest")."""
        from newsreader.tui.screens.digest import DigestScreen

        self.app.push_screen(DigestScreen(self.host))

    def leave_article(self) -> bool:
        """Single-pane layout: back from the story to the list (False: nothing to leave)."""
        if not self.reading:
            return False
        self.reading = False
        self.apply_layout()
        self.headlines.focus()
        return True

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
            library = self.host.library
            if library is not None:
                self.topbar.set(unread=library.total_unread())

    # -- actions: panes ----------------------------------------------------------------------

    def _panes(self) -> list[Widget]:
        """The panes shown now, in tab order."""
        if self.single:
            panes: list[Widget] = [self.article_view if self.reading else self.headlines]
        else:
            panes = [self.headlines, self.article_view]
        if not self.narrow or self.sidebar_overlay:
            panes += [self.trending, self.opinion]
        return panes

    def action_page_article(self) -> None:
        view = self.article_view
        if view.article is not None and not view.at_end:
            view.action_page_down()
        else:
            self.action_next_unread()

    def _jump_unread(self, step: int) -> None:
        headlines = self.headlines
        row = headlines.row(headlines.cursor)
        if step > 0 and row is not None and not row.read and row.id != self.current_article_id:
            headlines.action_select()  # the highlighted story is the next unread one
            return
        index = headlines.find_unread(headlines.cursor, step)
        if index is None:
            self.notify("no more unread stories in this view", timeout=2)
            return
        headlines.move_to(index)
        headlines.action_select()

    def action_next_unread(self) -> None:
        self._jump_unread(1)

    def action_prev_unread(self) -> None:
        self._jump_unread(-1)

    def action_focus_trending(self) -> None:
        if self.narrow:
            self.sidebar_overlay = not self.sidebar_overlay
            self.apply_layout()
            if not self.sidebar_overlay:
                self.headlines.focus()
                return
        self.trending.focus()

    def action_back(self) -> None:
        """Escape: close the trending overlay, else leave the story (single pane), else leave
        a search for the previous view."""
        if self.sidebar_overlay:
            self.sidebar_overlay = False
            self.apply_layout()
            self.headlines.focus()
        elif self.leave_article():
            pass
        elif self.before_search is not None:
            view, name = self.before_search
            self.before_search = None
            self.load_view(view, name)
        elif self.focused is not self.headlines:
            self.headlines.focus()

    # -- actions: state ----------------------------------------------------------------------

    def _target(self) -> ArticleRow | None:
        """The story an action applies to: the one under the focused pane's cursor."""
        library = self.host.library
        if library is None:
            return None
        focused = self.focused
        if focused is self.article_view and self.current_article_id is not None:
            return library.rows([self.current_article_id]).get(self.current_article_id)
        if focused is self.trending and self.trending.current is not None:
            lead = self.trending.current.lead_id
            return library.rows([lead]).get(lead)
        if focused is self.opinion and self.opinion.current is not None:
            return self.opinion.current
        headlines = self.headlines
        return headlines.row(headlines.cursor)

    def action_toggle_read(self) -> None:
        row = self._target()
        library = self.host.library
        if row is None or library is None:
            return
        read = not row.read
        # the story's copies in other feeds follow (as opening it read them)
        ids = [row.id, *(m.id for m in self.copies_of(row.id))]
        library.set_read(ids, read)
        self._reflect(ids, read=read)

    def action_toggle_star(self) -> None:
        row = self._target()
        library = self.host.library
        if row is None or library is None:
            return
        starred = not row.starred
        library.set_starred([row.id], starred)
        self._reflect([row.id], starred=starred)
        self.notify("starred" if starred else "unstarred", timeout=1.5)

    def action_mark_all_read(self) -> None:
        library = self.host.library
        if library is None:
            return
        ids = library.mark_view_read(self.view)
        if not ids:
            self.notify("nothing unread here", timeout=2)
            return
        self._marked_read(ids, timeout=4)

    def _marked_read(self, ids: list[int], *, timeout: float) -> None:
        self.undo_stack.append(ids)
        self.notify(f"marked {len(ids):,} read · u to undo", timeout=timeout, markup=False)
        self._after_bulk_change()

    def action_undo(self) -> None:
        library = self.host.library
        if library is None or not self.undo_stack:
            self.notify("nothing to undo", timeout=2)
            return
        ids = self.undo_stack.pop()
        library.set_read(ids, False)
        self.notify(f"marked {len(ids):,} unread again", timeout=3, markup=False)
        self._after_bulk_change()

    def _after_bulk_change(self) -> None:
        self.headlines.forget()
        library = self.host.library
        if library is not None:
            self.topbar.set(unread=library.total_unread())
        self.reload()
        self.host.reload_sidebar()

    def action_view(self, name: str) -> None:
        view, label = VIEWS[name]
        self.before_search = None
        self.load_view(view, label)

    # -- actions: search, feeds --------------------------------------------------------------

    def action_search(self) -> None:
        from newsreader.tui.screens.input_dialog import InputScreen

        def done(text: str | None) -> None:
            if not text or not text.strip():
                return
            query = clean_line(text, 200)
            view = View(search=query)
            if not is_plain(query):  # the query language: author = "Ann Lee" and age < 2d
                try:
                    check_query(query)
                except QueryError as exc:
                    self.notify(f"search: {exc}", severity="error", markup=False, timeout=8)
                    return
                view = View(match=query)
            if self.before_search is None:
                self.before_search = (self.view, self.view_name)
            self.load_view(view, f'Search "{query}"')
            self.headlines.focus()

        self.app.push_screen(
            InputScreen(
                "Search: words, or a query such as  title ~ mars and age < 2d",
                placeholder="words…",
            ),
            done,
        )

    def action_save_search(self) -> None:
        """S: keep the current search as a saved view (feeds.toml), asking for its name."""
        from newsreader.tui.screens.input_dialog import InputScreen

        query = self.view.match or self.view.search
        if not query:
            self.notify("search first (/), then S saves it as a view", severity="warning")
            return

        def done(name: str | None) -> None:
            if name and name.strip():
                self.host.save_view(clean_line(name, 60), query)

        self.app.push_screen(InputScreen("Save this search as a view named", value=query), done)

    def action_feeds(self) -> None:
        if self.host.library is None:
            return
        self.app.push_screen(FeedsScreen(self.host, self.view.feed_id), self._show_feed_item)

    def _show_feed_item(self, item: FeedItem | None) -> None:
        if item is None:
            return
        if item.kind == "all":
            name = "All feeds"
        elif item.kind == "tag":
            name = f"Tag {item.tag}"
        elif item.kind == "view":
            name = f"View {item.label}"
        else:
            name = item.feed.display_title if item.feed else item.label
        self.show_view(item_view(item), name)

    # The feeds screen did something: follow it here.

    def feed_added(self, message: FeedsScreen.FeedAdded) -> None:
        saved = message.feed
        self.notify(
            f"added {clean_line(saved.title or saved.url, 80)} ({message.new} stories)",
            markup=False,
        )
        self.reload()
        self.host.reload_sidebar()

    def feed_removed(self, message: FeedsScreen.FeedRemoved) -> None:
        self.notify(f"removed {clean_line(message.title, 80)}", markup=False)
        if self.view.feed_id is not None:
            self.load_view(View(), "All feeds")
        else:
            self.reload()
        self.host.reload_sidebar()

    def feed_renamed(self, message: FeedsScreen.FeedRenamed) -> None:
        self.headlines.forget()
        self.host.reload_sidebar()

    def marked_read(self, message: FeedsScreen.MarkedRead) -> None:
        self._marked_read(message.ids, timeout=3)

    # -- actions: links, full text -----------------------------------------------------------

    def _link(self) -> str | None:
        article = self.article_view.article
        if self.focused is self.article_view and article is not None:
            return safe_url(article.link)
        row = self._target()
        return safe_url(row.link) if row is not None else None

    def action_open_link(self) -> None:
        open_link(self, self.host, self._link(), "story")

    def action_copy_link(self) -> None:
        copy_link(self, self._link(), "story")

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
        self.host.fetch_full_text(article.id, url)

    def on_full_text_fetched(self, message: FullTextFetched) -> None:
        if message.failed is not None:
            self.notify(f"F: {message.failed}", severity="warning", timeout=5, markup=False)
            return
        library = self.host.library
        if self.current_article_id == message.article_id and library is not None:
            article = library.article(message.article_id)
            self.article_view.show(article, also_in=self.article_view.also_in)
            if article is not None:
                self._fetch_pictures(article)

    # -- media: enclosures played and downloaded, pictures (issue 16) ------------------------

    def _media_article(self) -> Article | None:
        """The story e/E act on: the one being read when the article pane has focus, else
        the one under the focused list's cursor."""
        library = self.host.library
        shown = self.article_view.article
        if self.focused is self.article_view and shown is not None:
            return shown
        row = self._target()
        if library is None or row is None:
            return shown
        return shown if shown is not None and shown.id == row.id else library.article(row.id)

    def _choose_enclosure(self, verb: str, then: Callable[[Article, EnclosureInfo], None]) -> None:
        from newsreader.tui.screens.enclosures import EnclosurePicker

        article = self._media_article()
        items = enclosure_list(article.enclosures) if article is not None else []
        if article is None or not items:
            self.notify("this story has no attachments", timeout=2)
            return
        if len(items) == 1:
            then(article, items[0])
            return

        def chosen(n: int | None) -> None:
            if n is not None:
                then(article, items[n - 1])

        title = f"{verb}: {clean_line(article.title, 60)}"
        self.app.push_screen(EnclosurePicker(title, items), chosen)

    def action_play(self) -> None:
        def play(article: Article, item: EnclosureInfo) -> None:
            if item.url is None:
                self.notify(f"attachment {item.index} is not an http(s) link", timeout=3)
                return
            self.host.play_enclosure(item.url)

        self._choose_enclosure("Play", play)

    def action_download(self) -> None:
        def download(article: Article, item: EnclosureInfo) -> None:
            self.host.download_enclosure(article.id, item.index)

        self._choose_enclosure("Download", download)

    def action_downloads(self) -> None:
        from newsreader.tui.screens.downloads import DownloadsScreen

        self.app.push_screen(DownloadsScreen(self.host))

    def _fetch_pictures(self, article: Article) -> None:
        """After the text is on screen: the pictures come from a worker (ImagesFetched)."""
        shown = self.article_view.article
        if not self.host.images_enabled or shown is None or shown.id != article.id:
            return
        urls = list(dict.fromkeys(u for u in picture_slots(article) if u))[:MAX_PICTURES]
        if urls:
            self.host.fetch_images(article.id, urls)

    def on_images_fetched(self, message: ImagesFetched) -> None:
        view = self.article_view
        if view.article is not None and view.article.id == message.article_id:
            view.set_pictures(message.pictures)

    # -- refresh -----------------------------------------------------------------------------

    def action_refresh_all(self) -> None:
        self.host.start_refresh(force=True)

    def action_refresh_feed(self) -> None:
        library = self.host.library
        url = None
        if self.view.feed_id is not None and library is not None:
            url = next((f.url for f in library.feeds() if f.id == self.view.feed_id), None)
        if url is None:
            row = self._target()
            url = row.feed_url if row is not None else None
        if url is None:
            self.notify("no feed to refresh", timeout=2)
            return
        self.host.start_refresh(force=True, urls=[url])

    def refresh_started(self) -> None:
        self.topbar.set(progress="⟳ starting refresh")
        self.status.set_state("refreshing…")

    def on_refresh_progressed(self, message: RefreshProgressed) -> None:
        p = message
        errors = f" · {p.errors} error{'s' if p.errors != 1 else ''}" if p.errors else ""
        self.topbar.set(progress=f"⟳ {p.done}/{p.total} feeds{errors}")
        self.status.set_state(f"⟳ {p.done}/{p.total}{errors}", alert=bool(p.errors))
        if p.new_stories:
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

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        if message.failed is not None:
            self.status.set_state("refresh failed", alert=True)
            self.topbar.set(progress="refresh failed")
            self.host.refresh_ended()
            return
        errors = message.errors
        stamp = time.strftime("%H:%M", time.localtime(self.host.clock()))
        if message.offline:
            self.topbar.set(progress="offline")
            self.status.set_state("offline: no feed could be reached", alert=True)
            self.notify(clean_line(message.offline, 200), severity="warning", markup=False)
        else:
            self.topbar.set(progress=f"updated {stamp} · {message.new} new")
            if errors:
                self.status.set_state(
                    f"{len(errors)} feed error{'s' if len(errors) != 1 else ''} (f to see)",
                    alert=True,
                )
            else:
                self.status.set_state("")
        if errors:
            names = "; ".join(
                f"{clean_line(title, 40)}: {clean_line(error, 80)}" for title, error in errors[:3]
            )
            more = f" (and {len(errors) - 3} more; see f)" if len(errors) > 3 else ""
            self.notify(
                f"{len(errors)} feed{'s' if len(errors) != 1 else ''} failed: {names}{more}",
                severity="warning",
                markup=False,
                timeout=8,
            )
        self.reload()
        self.host.reload_sidebar()
        self.host.refresh_ended()
