"""A list of plain items with a cursor: the base of the trending, opinion and feeds lists.

Subclasses draw one item as segments. Feed text is only ever put into Segments after
clean_line, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual.message import Message
from textual.strip import Strip

from newsreader.tui.widgets.cursorlist import CursorList

T = TypeVar("T")


class PickList(CursorList, Generic[T]):
    COMPONENT_CLASSES = {
        "picklist--dim",
        "picklist--unread",
        "picklist--error",
        "picklist--heading",
        "picklist--count",
    }

    @dataclass
    class Highlighted(Message):
        pick: PickList[Any]
        item: Any

    @dataclass
    class Selected(Message):
        pick: PickList[Any]
        item: Any

    def __init__(self, *, empty: str = "", name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.items: list[T] = []
        self.empty_text = empty

    @property
    def row_count(self) -> int:
        return len(self.items)

    def set_items(self, items: list[T], keep_key: Callable[[T], Hashable] | None = None) -> None:
        """Show new items; with keep_key the cursor stays on the item with the same key."""
        old = self.current
        self.items = items
        cursor = self.cursor
        if keep_key is not None and old is not None:
            old_key = keep_key(old)
            cursor = next((n for n, it in enumerate(items) if keep_key(it) == old_key), cursor)
        self.set_reactive(PickList.cursor, self.validate_cursor(cursor))
        self.rows_changed()

    @property
    def current(self) -> T | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    def selectable(self, index: int) -> bool:
        return self.selectable_item(self.items[index])

    def selectable_item(self, item: T) -> bool:
        return True

    def highlighted(self) -> None:
        self.post_message(self.Highlighted(self, self.current))

    def selected(self) -> None:
        self.post_message(self.Selected(self, self.current))

    def render_item(self, index: int, item: T, width: int, base: Style) -> list[Segment]:
        raise NotImplementedError

    def render_row(self, index: int, width: int, selected: bool, base: Style) -> Strip:
        segments = self.render_item(index, self.items[index], width, base)
        return Strip(segments).crop_extend(0, width, base)
