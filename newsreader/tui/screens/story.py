"""Full coverage: one story's headline, then every source's article, newest first.

Opened from the trending sidebar (enter) or with `c` on any article. The sources are a list
on the left and the chosen one reads in this screen's own article pane, so the other
sources stay in sight while reading; below 100 columns one pane shows at a time (the list,
or the article full width), as the main screen does below 70. `M` marks the whole story read and `u` undoes it (the main screen's undo
stack is shared, so u still works after going back). Data comes through `Host`: the story
from a worker (`fetch_story`), articles and marks through the UI thread's library.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from newsreader.keys import KEYS
from newsreader.model import ArticleRow, TrendingStory
from newsreader.sanitize import clean_line, safe_url
from newsreader.tui.bindings import bindings_for
from newsreader.tui.host import Host, StoryLoaded
from newsreader.tui.screens.links import copy_link, open_link
from newsreader.tui.screens.panes import PaneCycle
from newsreader.tui.widgets.article import ArticleView
from newsreader.tui.widgets.coverage import CoverageList
from newsreader.tui.widgets.headlines import age
from newsreader.tui.widgets.status import StatusBar, TopBar

# One pane at a time below this width: side by side, the headlines of a 90-column list
# were cut to half their length (the main screen keeps two panes down to 70 columns).
SINGLE_BELOW = 100

# The main screen's keys that mean the same here (same ids, so [keys] rebinds them too).
SHARED = ("toggle_read", "star", "undo", "open_link", "copy_link", "next_pane", "prev_pane")


def _shared_bindings() -> list[BindingType]:
    return [
        Binding(k.keys, k.action, k.description, show=False, id=k.id)
        for k in KEYS
        if k.id in SHARED
    ]


def _quit_keys() -> str:
    return next(k.keys for k in KEYS if k.id == "quit")


class StoryScreen(PaneCycle, Screen[bool], inherit_bindings=False):
    """Dismissed with True when it changed read or star marks (the main screen re-reads)."""

    DEFAULT_CSS = """
    StoryScreen #story-top {
        height: 1;
        background: $panel;
        color: $text;
    }
    StoryScreen #story-status {
        height: 1;
        dock: bottom;
        background: $panel;
        color: $text-muted;
    }
    StoryScreen #story-head {
        height: auto;
        max-height: 5;
        padding: 0 1;
        background: $surface;
    }
    StoryScreen #story-panes {
        height: 1fr;
    }
    StoryScreen #story-sources, StoryScreen #story-article {
        border: round $primary 40%;
        border-title-color: $text-muted;
        border-title-style: bold;
        scrollbar-size-vertical: 1;
        background: $surface;
    }
    StoryScreen #story-sources:focus, StoryScreen #story-article:focus {
        border: round $accent;
        border-title-color: $text;
    }
    StoryScreen #story-sources {
        width: 5fr;
        min-width: 30;
    }
    StoryScreen #story-article {
        width: 6fr;
    }
    StoryScreen.-single #story-sources {
        width: 1fr;
        min-width: 0;
    }
    StoryScreen.-single #story-article {
        display: none;
    }
    StoryScreen.-single.-reading #story-sources {
        display: none;
    }
    StoryScreen.-single.-reading #story-article {
        display: block;
        width: 1fr;
    }
    """

    BINDINGS = [
        *bindings_for("story"),
        *_shared_bindings(),
        # q goes back a level here, as on the main screen (same id: a rebound quit follows)
        Binding(_quit_keys(), "back", "Back", show=False, id="quit"),
        Binding("escape", "back", "Back", show=False),
    ]

    def __init__(
        self,
        host: Host,
        *,
        story: TrendingStory | None = None,
        article_id: int | None = None,
        undo: list[list[int]] | None = None,
    ) -> None:
        """Show `story`, or find the story `article_id` belongs to (its source highlighted).
        undo: the stack `u` pops (the main screen's, so marks made here undo there too)."""
        super().__init__()
        self.host = host
        self.story = story
        self.article_id = article_id
        self.undo_stack = undo if undo is not None else []
        self.changed = False
        self.reading = False  # single-pane layout: the article is shown instead of the list

    def compose(self) -> ComposeResult:
        yield TopBar(id="story-top")
        yield Static(id="story-head", markup=False)
        with Horizontal(id="story-panes"):
            sources = CoverageList(clock=self.host.clock, id="story-sources")
            sources.border_title = "Full coverage"
            yield sources
            article = ArticleView(id="story-article")
            article.border_title = "Article"
            article.placeholder = "Choose a source and press enter to read it here."
            yield article
        yield StatusBar(id="story-status")

    def on_mount(self) -> None:
        self.topbar.set(view="Full coverage")
        self._count_unread()
        self.apply_layout()
        self.sources.focus()
        if self.story is not None:
            self.show_story(self.story)
        elif self.article_id is not None:
            self.head.update(Content("Finding every source of this story…"))
            self.host.fetch_story(self.article_id, self)

    # -- widgets -----------------------------------------------------------------------------

    @property
    def sources(self) -> CoverageList:
        return self.query_one(CoverageList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def head(self) -> Static:
        return self.query_one("#story-head", Static)

    @property
    def topbar(self) -> TopBar:
        return self.query_one(TopBar)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    # -- layout ------------------------------------------------------------------------------

    @property
    def single(self) -> bool:
        return self.host.layout == "auto" and self.app.size.width < SINGLE_BELOW

    def on_resize(self) -> None:
        self.apply_layout()

    def apply_layout(self) -> None:
        single = self.single
        if not single:
            self.reading = False
        self.set_class(single, "-single")
        self.set_class(single and self.reading, "-reading")
        focused = self.focused
        if focused is not None and focused not in self._panes():
            (self.article_view if single and self.reading else self.sources).focus()
        self._hints()

    def _panes(self) -> list[Widget]:
        if self.single:
            return [self.article_view if self.reading else self.sources]
        return [self.sources, self.article_view]

    def _hints(self) -> None:
        keys = {i: shown.split(",")[0].strip() for shown, _, i in self.host.live_keys()}
        hints = [
            ("j/k", "move"),
            (keys["open"], "open"),
            (keys["story_read"], "mark story read"),
            ("esc", "back"),
            (keys["undo"], "undo"),
            (keys["toggle_read"], "read/unread"),
            (keys["open_link"], "open link"),
            (keys["help"], "help"),
        ]
        self.status.set_hints(hints)

    # -- the story ---------------------------------------------------------------------------

    def on_story_loaded(self, message: StoryLoaded) -> None:
        if message.story is None:
            self.notify("that article is no longer in the store", timeout=3)
            self.dismiss(self.changed)
            return
        self.show_story(message.story)

    def show_story(self, story: TrendingStory) -> None:
        self.story = story
        self.sources.set_items(story.members, focus_id=self.article_id)
        self._head()

    def _head(self) -> None:
        story = self.story
        if story is None:
            return
        members = story.members
        unread = sum(not m.read for m in members)
        meta = [story.sources_text if story.sources > 1 else "no other feed carries it"]
        meta.append(f"{unread} unread" if unread else "all read")
        if members:
            newest = max(m.sort_ts for m in members)
            meta.append(f"newest {age(newest, self.host.clock())} ago")
        self.head.update(
            Content.assemble(
                (clean_line(story.title, 300) or "(untitled)", "bold"),
                "\n",
                (" · ".join(meta), "dim"),
            )
        )

    def _count_unread(self) -> None:
        library = self.host.library
        if library is not None:
            self.topbar.set(unread=library.total_unread())

    def _reflect(self) -> None:
        """Marks were written: show them here (the main screen re-reads on return). The
        sources' rows are read again, as a mark on one copy of a link marks all of them."""
        self.changed = True
        library = self.host.library
        rows = self.sources.items
        fresh = library.rows([r.id for r in rows]) if library is not None else {}
        for row in rows:
            now = fresh.get(row.id)
            if now is not None:
                row.read, row.starred = now.read, now.starred
        self.sources.refresh()
        self._head()
        self._count_unread()

    # -- opening -----------------------------------------------------------------------------

    def on_coverage_list_selected(self, message: CoverageList.Selected) -> None:
        self.open_source(message.row)

    def open_source(self, row: ArticleRow) -> None:
        """Read one source's article in the article pane (marked read, as opening does)."""
        library = self.host.library
        if library is None:
            return
        article = library.article(row.id)
        if article is None:
            self.notify("that article is no longer in the store", timeout=3)
            return
        if self.host.mark_read_on_open and not article.read:
            library.set_read([row.id], True)
            article.read = True
            self._reflect()
        self.article_view.show(article)
        if self.single and not self.reading:
            self.reading = True
            self.apply_layout()
            self.article_view.focus()

    # -- actions -----------------------------------------------------------------------------

    def action_back(self) -> None:
        """Escape or q: from the article back to the list (one pane), else to the main screen."""
        if self.reading:
            self.reading = False
            self.apply_layout()
            self.sources.focus()
            return
        self.dismiss(self.changed)

    def _target(self) -> ArticleRow | None:
        """The source a key acts on: the one being read when the article has focus, else the
        one under the cursor."""
        shown = self.article_view.article
        if self.focused is self.article_view and shown is not None:
            return next((r for r in self.sources.items if r.id == shown.id), None)
        return self.sources.current

    def action_mark_story_read(self) -> None:
        library = self.host.library
        if library is None or self.story is None:
            return
        ids = [m.id for m in self.sources.items if not m.read]
        if not ids:
            self.notify("every source of this story is read already", timeout=2)
            return
        library.set_read(ids, True)
        self.undo_stack.append(ids)
        self._reflect()
        n = len(ids)
        self.notify(
            f"story marked read: {n} article{'' if n == 1 else 's'} · u to undo",
            timeout=3,
            markup=False,
        )

    def action_undo(self) -> None:
        library = self.host.library
        if library is None or not self.undo_stack:
            self.notify("nothing to undo", timeout=2)
            return
        ids = self.undo_stack.pop()
        library.set_read(ids, False)
        self._reflect()
        self.notify(f"marked {len(ids):,} unread again", timeout=3, markup=False)

    def action_toggle_read(self) -> None:
        row = self._target()
        library = self.host.library
        if row is None or library is None:
            return
        read = not row.read
        library.set_read([row.id], read)
        self._reflect()

    def action_toggle_star(self) -> None:
        row = self._target()
        library = self.host.library
        if row is None or library is None:
            return
        starred = not row.starred
        library.set_starred([row.id], starred)
        self._reflect()
        self.notify("starred" if starred else "unstarred", timeout=1.5)

    def _link(self) -> str | None:
        row = self._target()
        return safe_url(row.link) if row is not None else None

    def action_open_link(self) -> None:
        open_link(self, self.host, self._link(), "article")

    def action_copy_link(self) -> None:
        copy_link(self, self._link(), "article")
