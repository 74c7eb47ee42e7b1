"""The article view: header (title, author · feed · dates, tags, link) then the body.

A line-API widget: the article becomes one Rich Text (built with append(), so feed text is
never markup), wrapped once per width; lines become Strips only when they are on screen.
A 50 KB article costs ~25 ms to render and ~30 ms to wrap, a typical 5 KB one under 10 ms
(bench/tui.py), where a Markdown widget took ~1 s.
"""

from __future__ import annotations

import re
import time

from rich.console import Console
from rich.segment import Segment
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.model import Article
from newsreader.sanitize import clean_line, safe_url
from newsreader.tui.bindings import bindings_for


def when(ts: float | None) -> str:
    """A local date and time, '18 Mar 2025 17:24'."""
    if ts is None:
        return ""
    return time.strftime("%d %b %Y %H:%M", time.localtime(ts))


def article_text(article: Article, also_in: list[str] | None = None) -> Text:
    """The whole article as Text: header lines, a blank line, the rendered body, footnotes.
    also_in: the feeds that carry copies of the same story."""
    from newsreader.htmltext import render_html, to_rich_text

    text = Text(end="")
    text.append(clean_line(article.title) or "(untitled)", "bold")
    meta = [clean_line(article.author), clean_line(article.feed_title)]
    published = when(article.published)
    if published:
        if article.updated and article.published and article.updated - article.published > 60:
            same_day = when(article.updated)[:11] == published[:11]
            published += (
                f" (updated {when(article.updated)[12:] if same_day else when(article.updated)})"
            )
        meta.append(published)
    meta = [m for m in meta if m]
    if meta:
        text.append("\n")
        text.append(" · ".join(meta), "dim")
    if also_in:
        text.append("\n")
        text.append("Also in: " + ", ".join(clean_line(f, 60) for f in also_in), "dim")
    tags = [clean_line(c, 60) for c in (article.categories or [])]
    tags = [t for t in tags if t]
    if tags:
        text.append("\n")
        text.append("Tags: " + ", ".join(tags[:12]), "dim")
    link = safe_url(article.link)
    if link:
        text.append("\n")
        text.append(link, "underline")
    html = article.fulltext_html or article.content_html or article.summary_html or ""
    base = link or safe_url(article.feed_link)
    body = to_rich_text(render_html(html, base))
    text.append("\n\n")
    if body.plain.strip():
        text.append_text(body)
    else:
        text.append("(no text in the feed; press o to open the page", "dim italic")
        text.append(" or F to fetch the full text)" if link else ")", "dim italic")
    return text


# A logical line's leading quote bars, indents and list marker (as htmltext draws them):
# wrapped continuation lines repeat the bars and indent under the marker.
_PREFIX = re.compile(r"(?:│ |  )*(?:[•◦▪] |\d+[.)] )?")
_MARKER = re.compile(r"[•◦▪]|\d+[.)]")
_ANY_PREFIX = re.compile(r"^(?:│ |  |[•◦▪] |\d+[.)] )", re.MULTILINE)


def wrap_article(text: Text, console: Console, width: int) -> list[Text]:
    """Text wrapped to width, each quoted line keeping its bar and each list item's
    continuation lines indented under its text."""
    if not _ANY_PREFIX.search(text.plain):  # most stories: no quote or list, one wrap
        return list(text.wrap(console, width, overflow="fold"))
    out: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        match = _PREFIX.match(line.plain)
        n = match.end() if match else 0
        if n == 0 or n > width // 2:  # no prefix, or too deep to leave room for text
            out.extend(line.wrap(console, width, overflow="fold"))
            continue
        head = line[:n]
        rest = head.copy()
        rest.plain = _MARKER.sub(lambda m: " " * len(m.group()), head.plain)
        body = line[n:]
        if not body.plain:
            out.append(head)
            continue
        for i, piece in enumerate(body.wrap(console, width - n, overflow="fold")):
            out.append(Text.assemble(head if i == 0 else rest, piece, end=""))
    return out


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    """Scrollable article text; `show(article)` replaces it."""

    DEFAULT_CSS = """
    ArticleView {
        overflow-x: hidden;
    }
    """
    BINDINGS = bindings_for("list", without=("open",))

    COMPONENT_CLASSES = {"article--placeholder"}

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.article: Article | None = None
        self.also_in: list[str] = []
        self._text: Text | None = None
        self._lines: list[Text] = []
        self._wrapped_width = -1
        self._strips: LRUCache[tuple[int, int], Strip] = LRUCache(400)
        self.placeholder = "Choose a story and press enter to read it here."

    def show(self, article: Article | None, also_in: list[str] | None = None) -> None:
        self.article = article
        self.also_in = also_in or []
        self._text = article_text(article, also_in) if article is not None else None
        self._wrapped_width = -1
        self._rewrap()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def show_text(self, text: Text) -> None:
        """Show a prepared text (help, errors) instead of an article."""
        self.article = None
        self._text = text
        self._wrapped_width = -1
        self._rewrap()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def wrap_width(self) -> int:
        """Text width: the pane less a space each side and the scrollbar's column, kept free
        whether or not the scrollbar shows (it appears only once the text is wrapped)."""
        scrollbar = self.styles.scrollbar_size_vertical
        return max(1, self.content_region.width - scrollbar - 2)

    def _rewrap(self) -> None:
        width = self.wrap_width()
        if width == self._wrapped_width:
            return
        self._wrapped_width = width
        self._strips.clear()
        if self._text is None:
            self._lines = []
        else:
            self._lines = wrap_article(self._text, self.app.console, width)
        self.virtual_size = Size(width, len(self._lines))

    def on_resize(self) -> None:
        self._rewrap()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    # scrolling: the same keys (ids) as the lists' cursor moves, bound here from KEYS
    def action_cursor_down(self) -> None:
        self.scroll_to(y=self.scroll_y + 1, animate=False)

    def action_cursor_up(self) -> None:
        self.scroll_to(y=self.scroll_y - 1, animate=False)

    def action_cursor_top(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_cursor_bottom(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + max(1, self.size.height - 2), animate=False)

    def action_page_up(self) -> None:
        self.scroll_to(y=self.scroll_y - max(1, self.size.height - 2), animate=False)

    @property
    def at_end(self) -> bool:
        return self.scroll_y >= self.max_scroll_y

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self._text is None:
            if y == 1:
                style = base + self.get_component_rich_style("article--placeholder")
                return Strip([Segment(" " + self.placeholder, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        index = int(self.scroll_y) + y
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, base)
        key = (index, width)
        strip = self._strips.get(key)
        if strip is None:
            console = self.app.console
            line = self._lines[index]
            segments = Segment.apply_style(line.render(console), base)
            strip = Strip([Segment(" ", base), *segments]).crop_extend(0, width, base)
            self._strips[key] = strip
        return strip
