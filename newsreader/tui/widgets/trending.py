"""The trending sidebar: stories covered by several feeds, with their source counts."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

from newsreader.model import TrendingStory
from newsreader.sanitize import clean_line
from newsreader.tui.widgets.headlines import fit
from newsreader.tui.widgets.picklist import PickList


class TrendingList(PickList[TrendingStory]):
    """`1 Currency tensions   5`: rank, freshest headline, number of feeds carrying it."""

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(empty="Nothing trending yet.", name=name, id=id)

    def render_item(
        self, index: int, item: TrendingStory, width: int, base: Style
    ) -> list[Segment]:
        style = self.get_component_rich_style
        rank = index + 1
        count = str(item.sources)
        title_w = max(0, width - 4 - len(count) - 1)
        title_style = base + style("picklist--unread") if item.unread else base
        return [
            Segment(f"{rank:>2} ", base + style("picklist--dim")),
            Segment(fit(clean_line(item.title), title_w), title_style),
            Segment(" " + count.rjust(len(count)), base + style("picklist--count")),
        ]
