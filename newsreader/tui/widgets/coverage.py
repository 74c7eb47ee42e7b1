"""The full coverage list: every source's article of one story, two lines each.

    ● Train drivers' strike called off after overnight talks         20m
      Copperfield Post · Grace Whitlow · opinion

(the marker is "opinion", or "most read" for an entry of a most-read list). The cursor covers both lines of a source; only the first line of each is a cursor row (the
second is skipped by every move, as the feeds list skips its headings).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.strip import Strip

from newsreader.model import ArticleRow
from newsreader.sanitize import clean_line
from newsreader.tui.widgets.cursorlist import CursorList
from newsreader.tui.widgets.headlines import age, fit

LINES = 2  # per source


def is_opinion(row: ArticleRow) -> bool:
    return row.opinion or row.section == "opinion"


class CoverageList(CursorList):
    DEFAULT_CSS = """
    CoverageList > .coverage--unread {
        text-style: bold;
        color: $text;
    }
    CoverageList > .coverage--read {
        color: $text-muted;
    }
    CoverageList > .coverage--meta {
        color: $text-muted;
    }
    CoverageList > .coverage--dot {
        color: $text-accent;
    }
    CoverageList > .coverage--star {
        color: $text-warning;
    }
    CoverageList > .coverage--opinion {
        color: $text-accent;
        text-style: italic;
    }
    """
    COMPONENT_CLASSES = {
        "coverage--unread",
        "coverage--read",
        "coverage--meta",
        "coverage--dot",
        "coverage--star",
        "coverage--opinion",
    }

    empty_line = 1
    click_selects = False  # a click moves, a double click opens

    @dataclass
    class Selected(Message):
        """The user chose a source (enter)."""

        row: ArticleRow

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self.clock = clock
        self.items: list[ArticleRow] = []
        self.empty_text = "Finding every source of this story…"

    def set_items(self, items: list[ArticleRow], focus_id: int | None = None) -> None:
        """Show the sources; the cursor goes to focus_id's source (else stays where it was)."""
        old = self.current
        self.items = items
        keep = focus_id if focus_id is not None else (old.id if old is not None else None)
        index = next((n for n, r in enumerate(items) if r.id == keep), self.cursor // LINES)
        self.set_reactive(CoverageList.cursor, self.validate_cursor(index * LINES))
        self.rows_changed()
        self.scroll_to_cursor()

    @property
    def current(self) -> ArticleRow | None:
        index = self.cursor // LINES
        return self.items[index] if 0 <= index < len(self.items) else None

    # -- cursor list hooks -------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.items) * LINES

    def selectable(self, index: int) -> bool:
        return index % LINES == 0

    def selected(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self.current))

    def refresh_row(self, index: int) -> None:
        start = index - index % LINES
        for line in range(start, start + LINES):
            super().refresh_row(line)

    def scroll_to_cursor(self) -> None:
        top = int(self.scroll_y)
        height = max(LINES, self.scrollable_content_region.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor + LINES > top + height:
            self.scroll_to(y=self.cursor + LINES - height, animate=False, immediate=True)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = int(self.scroll_y) + offset.y
        if 0 <= index < self.row_count:
            self.move_to(index - index % LINES)
            if event.chain >= 2:
                self.action_select()
        event.prevent_default()  # CursorList's handler would move to the line clicked

    # -- drawing -----------------------------------------------------------------------------

    def render_row(self, index: int, width: int, selected: bool, base: Style) -> Strip:
        row = self.items[index // LINES]
        first = index % LINES == 0
        if first:
            segments = self._first_line(row, width, base)
        else:
            segments = self._second_line(row, width, base)
        strip = Strip(segments).crop_extend(0, width, base)
        if not first and index - 1 == self.cursor:
            # the cursor covers the whole source (the base class colours its first line)
            strip = Strip(Segment.apply_style(iter(strip), post_style=self.cursor_style()), width)
        return strip

    def _first_line(self, row: ArticleRow, width: int, base: Style) -> list[Segment]:
        style = self.get_component_rich_style
        when = age(row.published if row.published is not None else row.sort_ts, self.clock())
        age_w = 4
        title_w = max(0, width - 3 - age_w)
        text_style = base + style("coverage--read" if row.read else "coverage--unread")
        return [
            Segment("●" if not row.read else " ", base + style("coverage--dot")),
            Segment("★" if row.starred else " ", base + style("coverage--star")),
            Segment(" ", base),
            Segment(fit(clean_line(row.title) or "(untitled)", title_w), text_style),
            Segment(when.rjust(age_w)[:age_w], base + style("coverage--meta")),
        ]

    def _second_line(self, row: ArticleRow, width: int, base: Style) -> list[Segment]:
        """Feed · author, then a marker (kept whole: the feed line is cut first)."""
        style = self.get_component_rich_style
        meta = base + style("coverage--meta")
        parts = [clean_line(row.feed_title, 80) or "(untitled feed)"]
        author = clean_line(row.author, 60)
        if author:
            parts.append(author)
        text = " · ".join(parts)
        # a "most read" list votes for the story but is not another outlet reporting it
        marker = "opinion" if is_opinion(row) else "most read" if row.section == "trending" else ""
        room = width - 3 - (len(marker) + 3 if marker else 0)
        out = [Segment("   " + (fit(text, room) if cell_len(text) > room else text), meta)]
        if marker:
            out += [Segment(" · ", meta), Segment(marker, base + style("coverage--opinion"))]
        return out
