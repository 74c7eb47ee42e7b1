"""The base of every list with a cursor (headlines, trending, opinion, the feeds list).

A line-API ScrollView: subclasses say how many rows there are and draw one row as a Strip;
this class owns the cursor (a validated reactive, as OptionList's `highlighted`), scrolling
to it, clicks, focus redraws and the movement keys (its BINDINGS come from `KEYS`).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.tui.bindings import bindings_for


class CursorList(ScrollView, can_focus=True, inherit_bindings=False):
    # Rows are drawn to the width: never a horizontal scrollbar (the vertical one appearing
    # used to leave the virtual width a cell wider than the view).
    DEFAULT_CSS = """
    CursorList {
        overflow-x: hidden;
    }
    """
    BINDINGS = bindings_for("list")

    COMPONENT_CLASSES = {"cursor-list--cursor", "cursor-list--cursor-blur", "cursor-list--empty"}

    cursor: reactive[int] = reactive(0, repaint=False, init=False)
    """Index of the highlighted row, always within the rows (0 when there are none)."""

    #: The line the empty text is drawn on (0-based), and the text.
    empty_line = 0
    empty_text = ""
    #: Whether a single click also selects (the sidebar lists), or only a double click.
    click_selects = True

    # -- what subclasses provide ---------------------------------------------------------------

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def selectable(self, index: int) -> bool:
        return True

    def render_row(self, index: int, width: int, selected: bool, base: Style) -> Strip:
        """One row, `width` cells; the cursor's background is laid over it afterwards."""
        raise NotImplementedError

    def highlighted(self) -> None:
        """The cursor moved (post a message for listeners)."""

    def selected(self) -> None:
        """The user chose the row under the cursor."""

    # -- cursor --------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.row_count - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_row(old)
        self.refresh_row(new)
        self.scroll_to_cursor()
        self.highlighted()

    def move_to(self, index: int, step: int = 1) -> None:
        """Put the cursor on index, or on the next selectable row in direction step."""
        count = self.row_count
        if not count:
            return
        index = max(0, min(index, count - 1))
        while 0 <= index < count and not self.selectable(index):
            index += step
        if 0 <= index < count:
            self.cursor = index

    def scroll_to_cursor(self) -> None:
        top = int(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_y)
        if 0 <= y < self.size.height:
            self.refresh_line(y)

    def rows_changed(self) -> None:
        """The rows were replaced: size the scroll area and redraw everything."""
        self.virtual_size = Size(self.scrollable_content_region.width, self.row_count)
        self.refresh()

    @property
    def page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    # -- actions (bound from KEYS) -------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1, 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1, -1)

    def action_cursor_top(self) -> None:
        self.move_to(0, 1)

    def action_cursor_bottom(self) -> None:
        self.move_to(self.row_count - 1, -1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + self.page, 1)

    def action_page_up(self) -> None:
        self.move_to(self.cursor - self.page, -1)

    def action_select(self) -> None:
        if self.row_count and self.selectable(self.cursor):
            self.selected()

    # -- events --------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = int(self.scroll_y) + offset.y
        if 0 <= index < self.row_count:
            self.move_to(index)
            if self.click_selects or event.chain >= 2:
                self.action_select()

    def on_resize(self) -> None:
        self.rows_changed()

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self.refresh()

    # -- drawing -------------------------------------------------------------------------------

    def cursor_style(self) -> Style:
        """The cursor's background only (blended over this widget's), so it covers the whole
        row whatever colours the row's parts have, and the text keeps its own colours."""
        name = "cursor-list--cursor" if self.has_focus else "cursor-list--cursor-blur"
        return Style(bgcolor=self.get_component_rich_style(name).bgcolor)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self.row_count:
            if y == self.empty_line and self.empty_text:
                style = base + self.get_component_rich_style("cursor-list--empty")
                return Strip([Segment(" " + self.empty_text, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        index = int(self.scroll_y) + y
        if not 0 <= index < self.row_count:
            return Strip.blank(width, base)
        selected = index == self.cursor
        strip = self.render_row(index, width, selected, base)
        if selected:
            # post_style: over every segment's own background (dot, heading, count...)
            segments = Segment.apply_style(iter(strip), post_style=self.cursor_style())
            strip = Strip(segments, strip.cell_length)
        return strip
