"""The headline list: a line-API widget over a window of a view's rows.

It never holds a view's whole id list: only the view's row count (for the scroll area) and
one contiguous window of rows (a few hundred) at known positions. Drawing past the window's
edge extends it by keyset pages from its first or last (sort_ts, id) key; a jump far away
(End, a dragged scrollbar) replaces it with the rows at that offset. The rows come from a
`RowSource` the screen hands in (bound to the view shown), so 1,000,000 stories cost the
same as 1,000 (as Toolong's LogLines does for log files).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

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

Key = tuple[float, int]  # (sort_ts, id): a row's place in the view, newest first


class RowSource(Protocol):
    """The rows of the view shown, in the view's order (newest first)."""

    def rows(self, ids: Sequence[int]) -> dict[int, ArticleRow]: ...
    def after(self, key: Key | None, n: int) -> list[ArticleRow]: ...
    def before(self, key: Key, n: int) -> list[ArticleRow]: ...
    def at(self, offset: int, n: int, total: int) -> list[ArticleRow]: ...
    def position(self, key: Key) -> int: ...
    def next_unread(self, key: Key, step: int) -> ArticleRow | None: ...
    def slow_offsets(self) -> bool:
        """Reading `at` an offset reads every row of the view (a search's matches)."""
        ...

    def request_at(self, offset: int, n: int, total: int, ticket: int) -> bool:
        """Read the rows `at` an offset off the UI thread, handed back through
        `HeadlineList.rows_read` with the ticket; False: it cannot (they are read here)."""
        ...


# Rows read around the viewport on a miss (a page above, two below, like Toolong), the
# farthest from the window a miss still extends it (else it jumps), and its largest size.
PREFETCH_ABOVE = 20
PREFETCH_BELOW = 60
EXTEND_WITHIN = 400
MAX_WINDOW = 1200
# A jump farther than this from both ends of the view is read off the UI thread: finding
# the offset walks the index (~0.4 us a row: 0.2 s to the middle of a million stories);
# the rows show blank until they come. Nearer, reading here (<= ~20 ms) beats a worker's
# round trip (~30 ms median at 100k, bench/tui.py).
SYNC_JUMP = 50_000
PENDING_TIMEOUT = 3.0  # seconds: a far read that never came back (its worker failed)


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
        source: RowSource | None = None,
        *,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.source = source
        self.clock = clock
        self.total = 0  # rows in the view (the scroll area's height)
        self.start = 0  # the view index of window[0]
        self.window: list[ArticleRow] = []  # consecutive rows of the view
        self._stale: set[int] = set()  # ids whose rows are re-read before use (forget)
        self._cursor_row: tuple[int, ArticleRow] | None = None  # last known (index, row)
        self._pending: tuple[int, float] | None = None  # a far read under way: (ticket, when)
        self._tickets = 0
        self.sync_jump = SYNC_JUMP
        self.empty_text = "No stories here yet. Press r to refresh, f to add feeds."
        self._strips: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(1000)
        self.loaded = False  # show has run once
        self.painted = False  # set once the loaded list (stories or "none") has been drawn
        self.on_first_paint: Callable[[], None] | None = None

    # -- data --------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self.total

    @property
    def current_id(self) -> int | None:
        row = self.row(self.cursor)
        return row.id if row is not None else None

    @property
    def cursor_key(self) -> Key | None:
        """The key of the story under the cursor (what a reload keeps the cursor on)."""
        row = self._cursor_story()
        return row.cursor if row is not None else None

    def _cursor_story(self) -> ArticleRow | None:
        """The cursor's row: in the window, or as last seen there (the window may have
        followed the wheel far away), or read now."""
        row = self.peek(self.cursor)
        if row is None and self._cursor_row is not None and self._cursor_row[0] == self.cursor:
            row = self._cursor_row[1]
        return row if row is not None else self.row(self.cursor)

    @property
    def end(self) -> int:
        """The view index just past the window."""
        return self.start + len(self.window)

    def peek(self, index: int) -> ArticleRow | None:
        """The row at a view index if the window holds it (never reads the store)."""
        i = index - self.start
        return self.window[i] if 0 <= i < len(self.window) else None

    def index_of(self, article_id: int) -> int | None:
        """The view index of a story in the window."""
        for i, row in enumerate(self.window):
            if row.id == article_id:
                return self.start + i
        return None

    def show(
        self,
        total: int,
        start: int,
        rows: list[ArticleRow],
        *,
        keep: bool = True,
        place: int | None = None,
    ) -> None:
        """A view of `total` rows, with `rows` from index `start`. With keep, the cursor stays
        on its story (or, gone from the view, at `place`, where it was) and so does its
        place on screen, even when stories were added above it."""
        self.loaded = True
        old = self._cursor_story() if keep else None
        self._pending = None  # a far read under way is for the old window
        old_offset = self.cursor - int(self.scroll_y)
        self.total = max(total, start + len(rows))
        self.start, self.window = start, rows
        self._stale.clear()
        self._strips.clear()
        cursor = 0
        if keep:
            found = self.index_of(old.id) if old is not None else None
            cursor = found if found is not None else place if place is not None else self.cursor
        self.set_reactive(HeadlineList.cursor, self.validate_cursor(cursor))
        self.virtual_size = Size(self.scrollable_content_region.width, self.total)
        y = 0
        if keep:
            y = max(0, self.cursor - old_offset) if old is not None else int(self.scroll_y)
        self.scroll_to(y=y, animate=False, immediate=True)
        self.refresh()
        self.highlighted()

    def forget(self, ids: Sequence[int] | None = None) -> None:
        """Mark rows (all, or some) to be read again from the store before they are used."""
        if ids is None:
            self._stale = {row.id for row in self.window}
        else:
            self._stale.update(ids)
        self._strips.clear()
        self.refresh()

    def update_row(self, article_id: int, **changes: bool) -> None:
        """Change a row's read/starred state (after the store was written)."""
        remembered = [self._cursor_row[1]] if self._cursor_row is not None else []
        for row in [*self.window, *remembered]:
            if row.id == article_id:
                for key, value in changes.items():
                    setattr(row, key, value)
        self._strips.clear()
        self.refresh()

    def row(self, index: int) -> ArticleRow | None:
        """The row at a view index, read from the store if the window lacks it."""
        if not 0 <= index < self.total:
            return None
        row = self.peek(index)
        if row is None:
            self._load(index)
            row = self.peek(index)
        elif self._stale and row.id in self._stale:
            lo, hi = self._around(index)
            self._reread(lo, hi)
            row = self.peek(index)
        return row

    def _around(self, index: int) -> tuple[int, int]:
        """The rows worth having when index is wanted: it and a margin, and the viewport
        too when index is near it (the cursor can be far away after a mouse scroll)."""
        top, height = int(self.scroll_y), self.size.height
        if top - PREFETCH_BELOW <= index < top + height + PREFETCH_BELOW:
            lo = max(0, min(index, top) - PREFETCH_ABOVE)
            hi = min(self.total, max(index + 1, top + height) + PREFETCH_BELOW)
        else:
            lo = max(0, index - PREFETCH_ABOVE)
            hi = min(self.total, index + PREFETCH_BELOW)
        return lo, hi

    def _load(self, index: int) -> None:
        source = self.source
        if source is None:
            return
        lo, hi = self._around(index)
        if self.window and self.end <= index < self.end + EXTEND_WITHIN:
            wanted = hi - self.end
            rows = source.after(self.window[-1].cursor, wanted)
            self.window.extend(rows)
            if len(rows) < wanted:  # the view ends sooner than it did
                self._set_total(self.end)
            cut = min(len(self.window) - MAX_WINDOW, lo - self.start)
            if cut > 0:
                del self.window[:cut]
                self.start += cut
        elif self.window and self.start - EXTEND_WITHIN <= index < self.start:
            wanted = self.start - lo
            rows = source.before(self.window[0].cursor, wanted)
            self.window[:0] = rows
            self.start -= len(rows)
            if len(rows) < wanted:  # fewer rows above than there were: the top is here
                self._shift(self.start)
            self.window = self.window[: max(MAX_WINDOW, hi - self.start)]
        else:
            far = min(lo, self.total - hi) > self.sync_jump
            if far or (lo > 0 and source.slow_offsets()):
                # One read at a time (a dragged scrollbar asks every frame): the frame drawn
                # when it lands asks again if the viewport has moved on meanwhile.
                pending = self._pending
                if pending is not None and time.monotonic() - pending[1] < PENDING_TIMEOUT:
                    return
                self._tickets += 1
                if source.request_at(lo, hi - lo, self.total, self._tickets):
                    self._pending = (self._tickets, time.monotonic())
                    return
            rows = source.at(lo, hi - lo, self.total)
            self._jumped(lo, rows, hi - lo)
        self._stale.difference_update(r.id for r in rows)

    def _jumped(self, lo: int, rows: list[ArticleRow], wanted: int) -> None:
        self.start, self.window = lo, rows
        self._stale.clear()
        if len(rows) < wanted:
            self._set_total(self.end)

    def rows_read(self, ticket: int, start: int, rows: list[ArticleRow], wanted: int) -> None:
        """The rows of a far jump, read off the UI thread (dropped if superseded)."""
        pending = self._pending
        if pending is None or pending[0] != ticket:
            return
        self._pending = None
        self._jumped(start, rows, wanted)
        self._strips.clear()
        self.refresh()
        if self.peek(self.cursor) is not None:
            self.highlighted()

    def _set_total(self, total: int) -> None:
        """The view turned out to have `total` rows (rows left it since it was counted)."""
        self.total = total
        self.set_reactive(HeadlineList.cursor, self.validate_cursor(self.cursor))
        self.virtual_size = Size(self.scrollable_content_region.width, total)

    def _shift(self, delta: int) -> None:
        """Every index moves up by delta (rows above the window left the view)."""
        self.start -= delta
        self.total = max(self.end, self.total - delta)
        self.set_reactive(HeadlineList.cursor, self.validate_cursor(self.cursor - delta))
        self.virtual_size = Size(self.scrollable_content_region.width, self.total)
        self.scroll_to(y=max(0, int(self.scroll_y) - delta), animate=False, immediate=True)
        self.refresh()

    def _reread(self, lo: int, hi: int) -> None:
        """Read the stale rows between view indices lo and hi again."""
        lo, hi = max(lo, self.start), min(hi, self.end)
        stale = [
            r.id for r in self.window[lo - self.start : hi - self.start] if r.id in self._stale
        ]
        if not stale:
            return
        fresh = self.source.rows(stale) if self.source is not None else {}
        for i in range(lo - self.start, hi - self.start):
            row = fresh.get(self.window[i].id)
            if row is not None:
                self.window[i] = row
        self._stale.difference_update(stale)

    def find_unread(self, start: int, step: int) -> int | None:
        """View index of the nearest unread story from start (exclusive) in direction step:
        in the window first, then past it, where the window moves to the story found."""
        if self.row(start) is None:  # (it also brings start into the window)
            return None
        self._reread(self.start, self.end)
        index = start + step
        while self.start <= index < self.end:
            if not self.window[index - self.start].read:
                return index
            index += step
        if self.source is None or not self.window or not 0 <= index < self.total:
            return None
        edge = self.window[-1] if step > 0 else self.window[0]
        found = self.source.next_unread(edge.cursor, step)
        if found is None:
            return None
        return self.place(found)

    def place(self, row: ArticleRow) -> int:
        """Move the window around a row of the view; its view index."""
        assert self.source is not None
        position = self.source.position(row.cursor)
        above = self.source.before(row.cursor, PREFETCH_ABOVE + self.size.height)
        below = self.source.after(row.cursor, PREFETCH_BELOW + self.size.height)
        self.start, self.window = position - len(above), [*above, row, *below]
        self._stale.clear()
        if self.total < self.end:
            self._set_total(self.end)
        return position

    # -- cursor list hooks -------------------------------------------------------------------

    def highlighted(self) -> None:
        row = self.row(self.cursor)
        if row is not None:
            self._cursor_row = (self.cursor, row)
        self.post_message(self.Highlighted(row.id if row is not None else None))

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
