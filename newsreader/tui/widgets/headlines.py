"""The headline list: a line-API widget over a view's article ids.

It holds only the id list of the current view (ints) plus an LRU cache of rows and rendered
lines. Rows are fetched by id, in small batches around the visible window, through a loader
the app hands in, so 100,000 stories cost one list of ints and never a widget each (as
Toolong's LogLines does for log files).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from newsreader.media.enclosures import format_duration, parse_duration
from newsreader.model import ArticleRow
from newsreader.sanitize import clean_line
from newsreader.tui.widgets.cursorlist import CursorList

RowLoader = Callable[[Sequence[int]], dict[int, ArticleRow]]

# Rows fetched around the viewport on a cache miss (a page above, two below, like Toolong).
PREFETCH_ABOVE = 20
PREFETCH_BELOW = 60


def age(ts: float | None, now: float) -> str:
    """A compact age: 12m, 3h, 5d, 7w, 2y (at most 3 cells)."""
    if ts is None:
        return ""
    seconds = max(0.0, now - ts)
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 86400 * 14:
        return f"{int(seconds // 86400)}d"
    if seconds < 86400 * 365:
        return f"{int(seconds // (86400 * 7))}w"
    return f"{int(seconds // (86400 * 365))}y"


def fit(text: str, width: int) -> str:
    """Text cropped (with an ellipsis) or padded to exactly width cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class HeadlineList(CursorList):
    """One line per story: unread dot, star, title, feed, age."""

    COMPONENT_CLASSES = {
        "headlines--unread",
        "headlines--read",
        "headlines--feed",
        "headlines--age",
        "headlines--star",
        "headlines--dot",
    }

    empty_line = 1
    click_selects = False  # a click moves, a double click opens

    @dataclass
    class Highlighted(Message):
        """The cursor moved to a story."""

        article_id: int | None

    @dataclass
    class Selected(Message):
        """The user chose a story (enter)."""

        article_id: int

    def __init__(
        self,
        loader: RowLoader | None = None,
        *,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.loader = loader
        self.clock = clock
        self.ids: list[int] = []
        self.empty_text = "No stories here yet. Press r to refresh, f to add feeds."
        self._rows: LRUCache[int, ArticleRow] = LRUCache(2000)
        self._strips: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(1000)
        self.loaded = False  # set_ids has run once
        self.painted = False  # set once the loaded list (stories or "none") has been drawn
        self.on_first_paint: Callable[[], None] | None = None

    # -- data --------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.ids)

    @property
    def current_id(self) -> int | None:
        if 0 <= self.cursor < len(self.ids):
            return self.ids[self.cursor]
        return None

    def set_ids(self, ids: list[int], *, keep: bool = True) -> None:
        """Show a new id list. With keep, the cursor stays on the same story (if still there)
        and so does its place on screen, even when stories were added above it."""
        self.loaded = True
        old_id = self.current_id
        old_offset = self.cursor - int(self.scroll_y)
        self.ids = ids
        self._strips.clear()
        cursor = 0
        if keep and old_id is not None:
            try:
                cursor = ids.index(old_id)
            except ValueError:
                cursor = self.cursor
        self.set_reactive(HeadlineList.cursor, self.validate_cursor(cursor))
        self.virtual_size = Size(self.scrollable_content_region.width, len(ids))
        if keep and old_id is not None:
            self.scroll_to(y=max(0, self.cursor - old_offset), animate=False, immediate=True)
        else:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        self.highlighted()

    def forget(self, ids: Sequence[int] | None = None) -> None:
        """Drop cached rows (all, or some) so they are read again from the store."""
        if ids is None:
            self._rows.clear()
        else:
            for i in ids:
                self._rows.discard(i)
        self._strips.clear()
        self.refresh()

    def update_row(self, article_id: int, **changes: bool) -> None:
        """Change a cached row's read/starred state (after the store was written)."""
        row = self._rows.get(article_id)
        if row is not None:
            for key, value in changes.items():
                setattr(row, key, value)
        self._strips.clear()
        self.refresh()

    def row(self, index: int) -> ArticleRow | None:
        if not 0 <= index < len(self.ids):
            return None
        article_id = self.ids[index]
        row = self._rows.get(article_id)
        if row is None:
            self._load_around(index)
            row = self._rows.get(article_id)
        return row

    def _load_around(self, index: int) -> None:
        if self.loader is None:
            return
        top = int(self.scroll_y)
        start = max(0, min(index, top) - PREFETCH_ABOVE)
        end = max(index, top + self.size.height) + PREFETCH_BELOW
        wanted = [i for i in self.ids[start:end] if i not in self._rows]
        if self.ids[index] not in wanted:
            wanted.append(self.ids[index])
        for article_id, row in self.loader(wanted).items():
            self._rows[article_id] = row

    def find_unread(self, start: int, step: int) -> int | None:
        """Index of the nearest unread story from start (exclusive) in direction step."""
        index = start + step
        batch = 200
        while 0 <= index < len(self.ids):
            chunk = (
                self.ids[index : index + batch]
                if step > 0
                else self.ids[max(0, index - batch + 1) : index + 1]
            )
            missing = [i for i in chunk if i not in self._rows]
            if missing and self.loader is not None:
                for article_id, loaded in self.loader(missing).items():
                    self._rows[article_id] = loaded
            for _ in range(len(chunk)):
                row = self._rows.get(self.ids[index])
                if row is not None and not row.read:
                    return index
                index += step
        return None

    # -- cursor list hooks -------------------------------------------------------------------

    def highlighted(self) -> None:
        self.post_message(self.Highlighted(self.current_id))

    def selected(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Selected(self.current_id))

    def on_resize(self) -> None:
        super().on_resize()
        self._strips.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def _on_focus(self, event: events.Focus) -> None:
        self._strips.clear()
        super()._on_focus(event)

    def _on_blur(self, event: events.Blur) -> None:
        self._strips.clear()
        super()._on_blur(event)

    # -- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        if self.loaded and not self.painted:
            self.painted = True
            if self.on_first_paint is not None:
                self.on_first_paint()
        return super().render_line(y)

    def render_row(self, index: int, width: int, selected: bool, base: Style) -> Strip:
        row = self.row(index)
        if row is None:
            return Strip.blank(width, self.rich_style)
        key = (row.id, width, row.read, row.starred)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(row, width, base)
            self._strips[key] = strip
        return strip

    def _render_row(self, row: ArticleRow, width: int, base: Style) -> Strip:
        style = self.get_component_rich_style
        text_style = base + style("headlines--read" if row.read else "headlines--unread")
        feed_w = 0 if width < 40 else max(8, min(18, width // 5))
        age_w = 4
        # a podcast episode's length, before its age ("29:54")
        seconds = parse_duration(row.duration) if width >= 40 else None
        length = f" {format_duration(seconds)}" if seconds else ""
        title_w = width - 3 - age_w - len(length) - (feed_w + 1 if feed_w else 0)
        dot = "●" if not row.read else " "
        star = "★" if row.starred else " "
        segments = [
            Segment(dot, base + style("headlines--dot")),
            Segment(star, base + style("headlines--star")),
            Segment(" ", base),
            Segment(fit(clean_line(row.title) or "(untitled)", max(0, title_w)), text_style),
        ]
        if feed_w:
            segments.append(Segment(" ", base))
            feed = clean_line(row.feed_title)
            segments.append(Segment(fit(feed, feed_w), base + style("headlines--feed")))
        if length:
            segments.append(Segment(length, base + style("headlines--age")))
        when = age(row.published if row.published is not None else row.sort_ts, self.clock())
        segments.append(Segment(when.rjust(age_w)[:age_w], base + style("headlines--age")))
        return Strip(segments).crop_extend(0, width, base)
