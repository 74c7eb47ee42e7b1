"""A small line-API list with a cursor: the base of the trending, opinion and feeds lists.

Items are plain data; subclasses draw one as segments. Feed text is only ever put into
Segments after clean_line, never parsed as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

T = TypeVar("T")


class PickList(ScrollView, Generic[T], can_focus=True, inherit_bindings=False):
    COMPONENT_CLASSES = {
        "picklist--cursor",
        "picklist--cursor-blur",
        "picklist--dim",
        "picklist--unread",
        "picklist--error",
        "picklist--heading",
        "picklist--count",
    }

    @dataclass
    class Selected(Message):
        pick: Any
        item: Any

    def __init__(self, *, empty: str = "", name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.items: list[T] = []
        self.cursor = 0
        self.empty = empty

    def set_items(self, items: list[T], keep_key: Any = None) -> None:
        old = self.current
        self.items = items
        if keep_key is not None and old is not None:
            old_key = keep_key(old)
            for n, item in enumerate(items):
                if keep_key(item) == old_key:
                    self.cursor = n
                    break
        self.cursor = max(0, min(self.cursor, len(items) - 1))
        self.virtual_size = Size(self.scrollable_content_region.width, len(items))
        self.refresh()

    @property
    def current(self) -> T | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    def selectable(self, item: T) -> bool:
        return True

    def move_to(self, index: int, step: int = 1) -> None:
        if not self.items:
            return
        index = max(0, min(index, len(self.items) - 1))
        while 0 <= index < len(self.items) and not self.selectable(self.items[index]):
            index += step
        if not 0 <= index < len(self.items):
            return
        self.cursor = index
        top = int(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)
        self.refresh()

    def cursor_down(self) -> None:
        self.move_to(self.cursor + 1, 1)

    def cursor_up(self) -> None:
        self.move_to(self.cursor - 1, -1)

    def cursor_top(self) -> None:
        self.move_to(0, 1)

    def cursor_bottom(self) -> None:
        self.move_to(len(self.items) - 1, -1)

    def page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.size.height - 1), 1)

    def page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.size.height - 1), -1)

    def select(self) -> None:
        item = self.current
        if item is not None and self.selectable(item):
            self.post_message(self.Selected(self, item))

    def on_click(self, event) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = int(self.scroll_y) + offset.y
        if 0 <= index < len(self.items):
            self.move_to(index)
            self.select()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.items))

    def render_item(self, index: int, item: T, width: int, base: Style) -> list[Segment]:
        raise NotImplementedError

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = int(self.scroll_y) + y
        if not self.items:
            if y == 0 and self.empty:
                style = base + self.get_component_rich_style("picklist--dim")
                return Strip([Segment(" " + self.empty, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if not 0 <= index < len(self.items):
            return Strip.blank(width, base)
        if index == self.cursor:
            name = "picklist--cursor" if self.has_focus else "picklist--cursor-blur"
            base = base + self.get_component_rich_style(name)
        segments = self.render_item(index, self.items[index], width, base)
        return Strip(segments).crop_extend(0, width, base)

    def _on_focus(self, event) -> None:
        super()._on_focus(event)
        self.refresh()

    def _on_blur(self, event) -> None:
        super()._on_blur(event)
        self.refresh()
