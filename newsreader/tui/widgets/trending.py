"""The trending sidebar: stories covered by several feeds, with their source counts."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

from newsreader.model import TrendingStory
from newsreader.sanitize import clean_line
from newsreader.tui.widgets.headlines import fit
from newsreader.tui.widgets.picklist import PickList

# The headline keeps at least this many cells; the count shortens first ("4 src", then "4").
MIN_TITLE = 16


def count_forms(sources: int) -> tuple[str, str, str]:
    """The source count, longest first: "4 sources", "4 src", "4"."""
    return (f"{sources} source" + ("" if sources == 1 else "s"), f"{sources} src", str(sources))


class TrendingList(PickList[TrendingStory]):
    """` 1 Currency tensions   5 sources`: rank, freshest headline, feeds carrying it."""

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(empty="Nothing trending yet.", name=name, id=id)

    def count_form(self, width: int) -> tuple[int, int]:
        """(which of count_forms, column width) for this width: the longest form that
        leaves the headline MIN_TITLE cells, the same for every row so headlines align."""
        most = max((s.sources for s in self.items), default=0)
        forms = count_forms(most)
        for n, form in enumerate(forms):
            if width - 4 - len(form) >= MIN_TITLE:
                return n, len(form)
        return len(forms) - 1, len(forms[-1])

    def render_item(
        self, index: int, item: TrendingStory, width: int, base: Style
    ) -> list[Segment]:
        style = self.get_component_rich_style
        form, count_w = self.count_form(width)
        count = count_forms(item.sources)[form]
        title_w = max(0, width - 4 - count_w)
        title_style = base + style("picklist--unread") if item.unread else base
        return [
            Segment(f"{index + 1:>2} ", base + style("picklist--dim")),
            Segment(fit(clean_line(item.title), title_w), title_style),
            Segment(" " + count.rjust(count_w), base + style("picklist--count")),
        ]
