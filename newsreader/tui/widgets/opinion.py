"""The opinion pane: the newest opinion, blog, interview and analysis pieces."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

from newsreader.model import ArticleRow
from newsreader.sanitize import clean_line
from newsreader.tui.widgets.headlines import fit
from newsreader.tui.widgets.picklist import PickList


class OpinionList(PickList[ArticleRow]):
    """One line each: unread dot, headline, feed."""

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(empty="No opinion pieces yet.", name=name, id=id)

    def render_item(self, index: int, item: ArticleRow, width: int, base: Style) -> list[Segment]:
        style = self.get_component_rich_style
        feed = clean_line(item.feed_title)
        feed_w = min(len(feed), max(0, width // 3)) if width > 30 else 0
        title_w = max(0, width - 2 - (feed_w + 1 if feed_w else 0))
        title_style = base if item.read else base + style("picklist--unread")
        out = [
            Segment("●" if not item.read else " ", base + style("picklist--count")),
            Segment(" ", base),
            Segment(fit(clean_line(item.title), title_w), title_style),
        ]
        if feed_w:
            out.append(Segment(" " + fit(feed, feed_w), base + style("picklist--dim")))
        return out
