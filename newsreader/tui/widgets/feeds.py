"""The feeds list: all feeds, then tags as groups with their feeds, unread counts, error marks."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style

from newsreader.model import FeedRow
from newsreader.sanitize import clean_line
from newsreader.tui.widgets.headlines import fit
from newsreader.tui.widgets.picklist import PickList

FeedKey = tuple[str, str | None, int | None]


@dataclass(slots=True)
class FeedItem:
    kind: str  # "all" | "tag" | "feed" | "views" (a heading) | "view" (a saved view)
    label: str
    unread: int
    feed: FeedRow | None = None
    tag: str | None = None
    indent: int = 0
    match: str | None = None  # a saved view's query

    @property
    def key(self) -> FeedKey:
        return (self.kind, self.tag, self.feed.id if self.feed else None)

    @property
    def mark(self) -> str:
        if self.feed is None:
            return ""
        if self.feed.gone:
            return "✗"
        if self.feed.last_error:
            return "!"
        return ""


def feed_items(
    feeds: list[FeedRow],
    tag_counts: dict[str, int],
    total_unread: int | None = None,
    views: list[tuple[str, str, int]] | None = None,
) -> list[FeedItem]:
    """All feeds first, then each tag with its feeds, then the untagged feeds, then the saved
    views as (name, query, unread). total_unread: the header's count (a story in several
    feeds counts once), for All feeds."""
    total = sum(f.unread for f in feeds) if total_unread is None else total_unread
    items = [FeedItem("all", "All feeds", total)]
    tags = sorted({t for f in feeds for t in f.tags}, key=str.lower)
    for tag in tags:
        items.append(FeedItem("tag", tag, tag_counts.get(tag, 0), tag=tag))
        for f in feeds:
            if tag in f.tags:
                items.append(FeedItem("feed", f.display_title, f.unread, f, tag, indent=2))
    untagged = [f for f in feeds if not f.tags]
    if untagged and tags:
        items.append(FeedItem("tag", "Untagged", sum(f.unread for f in untagged), tag=None))
    for f in untagged:
        items.append(FeedItem("feed", f.display_title, f.unread, f, None, indent=2 if tags else 0))
    if views:
        items.append(FeedItem("views", "Saved views", 0))
        for name, match, unread in views:
            items.append(FeedItem("view", name, unread, tag=name, indent=2, match=match))
    return items


class FeedList(PickList[FeedItem]):
    """`  ! Harbour Gazette   12`: error mark, title, unread count."""

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(empty="No feeds yet: press a to add one.", name=name, id=id)

    def selectable_item(self, item: FeedItem) -> bool:
        return not (item.kind == "tag" and item.tag is None) and item.kind != "views"

    def render_item(self, index: int, item: FeedItem, width: int, base: Style) -> list[Segment]:
        style = self.get_component_rich_style
        count = f"{item.unread:,}" if item.unread else ""
        mark = item.mark
        label_w = max(0, width - item.indent - 2 - len(count) - 1)
        if item.kind in ("feed", "view"):
            label_style = base + style("picklist--unread") if item.unread else base
        else:
            label_style = base + style("picklist--heading")
        return [
            Segment(" " * item.indent, base),
            Segment(f"{mark:<1} ", base + style("picklist--error")),
            Segment(fit(clean_line(item.label), label_w), label_style),
            Segment(" " + count, base + style("picklist--count")),
        ]
