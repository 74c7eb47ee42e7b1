"""The downloads list: one line per file with its state, a progress bar, bytes and name."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

from newsreader.sanitize import clean_line
from newsreader.tui.host import DownloadRow
from newsreader.tui.widgets.headlines import fit
from newsreader.tui.widgets.picklist import PickList

BAR = 20


def bar(fraction: float | None, width: int = BAR) -> tuple[str, str]:
    """(filled, empty) parts of a progress bar `width` cells wide; an unknown size shows an
    empty bar."""
    if fraction is None:
        return "", "░" * width
    filled = round(max(0.0, min(fraction, 1.0)) * width)
    return "█" * filled, "░" * (width - filled)


class DownloadList(PickList[DownloadRow]):
    COMPONENT_CLASSES = {
        "downloads--bar",
        "downloads--bar-empty",
        "downloads--done",
        "downloads--failed",
    }

    def update_row(self, changed: DownloadRow) -> None:
        """A download moved on: replace its row in place (a new one is added at the end)."""
        for n, item in enumerate(self.items):
            if item.id == changed.id:
                self.items[n] = changed
                self.refresh_row(n)
                return
        self.set_items([*self.items, changed], keep_key=lambda d: d.id)

    def render_item(self, index: int, item: DownloadRow, width: int, base: Style) -> list[Segment]:
        style = self.get_component_rich_style
        state_style = base
        if item.state == "done":
            state_style = base + style("downloads--done")
        elif item.state in ("failed", "cancelled"):
            state_style = base + style("downloads--failed")
        # narrow: the bar gives way to the file name (down to 5 cells)
        bar_w = max(5, min(BAR, width - 1 - 10 - 26 - 16))
        filled, empty = bar(item.fraction, bar_w)
        segments = [
            Segment(" "),
            Segment(f"{item.state:<9} ", state_style),
            Segment(filled, base + style("downloads--bar")),
            Segment(empty, base + style("downloads--bar-empty")),
            # our own figures, not feed text: its alignment spaces are kept
            Segment(" " + fit(item.progress_text(), 24) + " ", base),
        ]
        used = 1 + 10 + bar_w + 26
        name = clean_line(item.name, 200)
        if item.error and item.state in ("failed", "queued", "paused"):
            name += f"  ({clean_line(item.error, 200)})"
        segments.append(Segment(fit(name, max(0, width - used)), base))
        return segments
