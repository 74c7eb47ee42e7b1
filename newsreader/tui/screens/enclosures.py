"""Which attachment: a small chooser for `e` and `E` on a story with several enclosures.
A digit picks that number at once (so `e 2` plays the second); enter takes the highlighted one."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label

from newsreader.media.enclosures import EnclosureInfo
from newsreader.tui.widgets.headlines import fit
from newsreader.tui.widgets.picklist import PickList


class EnclosureList(PickList[EnclosureInfo]):
    def render_item(
        self, index: int, item: EnclosureInfo, width: int, base: Style
    ) -> list[Segment]:
        return [Segment(" " + fit(item.line(), max(0, width - 1)), base)]


class EnclosurePicker(ModalScreen[int | None]):
    """Dismissed with the chosen 1-based number, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, title: str, items: list[EnclosureInfo]) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Content(self.title_text), classes="dialog-title")
            yield EnclosureList(id="enclosure-list")
            yield Label(Content("a number or enter chooses · escape closes"), classes="dialog-hint")

    def on_mount(self) -> None:
        pick = self.query_one(EnclosureList)
        pick.styles.height = min(len(self.items), 12)
        pick.set_items(self.items)
        pick.focus()

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit():
            event.stop()
            n = int(event.character)
            if 1 <= n <= len(self.items):
                self.dismiss(n)

    def on_pick_list_selected(self, event: PickList.Selected) -> None:
        event.stop()
        self.dismiss(event.item.index)
