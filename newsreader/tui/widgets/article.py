"""The article view: header (title, author · feed · dates, tags, link) then the body.

A line-API widget: the article becomes one Rich Text (built with append(), so feed text is
never markup), wrapped once per width; lines become Strips only when they are on screen.
A 50 KB article costs ~25 ms to render and ~30 ms to wrap, a typical 5 KB one under 10 ms
(bench/tui.py), where a Markdown widget took ~1 s.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.segment import Segment
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.media.enclosures import enclosure_list
from newsreader.model import Article
from newsreader.sanitize import clean_line, safe_url
from newsreader.tui.bindings import bindings_for

if TYPE_CHECKING:
    from newsreader.tui.widgets.pictures import PictureRow


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
    attachments = enclosure_list(article.enclosures)
    if attachments:
        text.append("\n")
        text.append("Attachments (e plays, E downloads):", "dim")
        for item in attachments:
            text.append("\n  ")
            text.append(item.line())
        if thumbnail(article):  # a video's or episode's picture, drawn here once fetched
            text.append("\n  ")
            text.append("[image: thumbnail]", "dim")
    html, base = article_html(article)
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


def article_html(article: Article) -> tuple[str, str | None]:
    """The HTML the view renders (full text, else content, else summary) and its base link."""
    html = article.fulltext_html or article.content_html or article.summary_html or ""
    return html, safe_url(article.link) or safe_url(article.feed_link)


def thumbnail(article: Article) -> str | None:
    """The first attachment's thumbnail link (http(s) only), if it has one."""
    return next((i.thumbnail for i in enclosure_list(article.enclosures) if i.thumbnail), None)


def picture_slots(article: Article) -> list[str | None]:
    """The link behind each [image] marker of the article as shown: the thumbnail's under
    the attachments, then the body's in order."""
    from newsreader.tui.widgets.pictures import image_slots

    thumb = thumbnail(article)
    return ([thumb] if thumb else []) + image_slots(*article_html(article))


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
        self._lines: list[Text | PictureRow] = []
        self._wrapped_width = -1
        self._strips: LRUCache[tuple[int, int], Strip] = LRUCache(400)
        self.placeholder = "Choose a story and press enter to read it here."
        self.pictures: dict[str, Any] = {}  # link -> shrunk PIL image, for this article
        self._slots: list[str | None] = []

    def show(self, article: Article | None, also_in: list[str] | None = None) -> None:
        self.article = article
        self.pictures, self._slots = {}, []
        self.also_in = also_in or []
        self._text = article_text(article, also_in) if article is not None else None
        self._wrapped_width = -1
        self._rewrap()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def set_pictures(self, pictures: dict[str, Any]) -> None:
        """Draw the article's fetched pictures under their [image: alt] markers (the text
        was on screen first; the reader's place in it is kept)."""
        if self.article is None or not pictures:
            return
        self.pictures = pictures
        self._slots = picture_slots(self.article)
        y = self.scroll_y
        self._wrapped_width = -1
        self._rewrap()
        self.scroll_to(y=y, animate=False, immediate=True)
        self.refresh()

    def show_text(self, text: Text) -> None:
        """Show a prepared text (help, errors) instead of an article."""
        self.article = None
        self.pictures, self._slots = {}, []
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
            lines = wrap_article(self._text, self.app.console, width)
            self._lines = self._with_pictures(lines, width) if self.pictures else [*lines]
        self.virtual_size = Size(width, len(self._lines))

    def _with_pictures(self, lines: list[Text], width: int) -> list[Text | PictureRow]:
        """The wrapped lines with each fetched picture after its marker's line. Markers and
        links pair up in order; more markers than links means they cannot be paired safely,
        and the markers stay text."""
        from newsreader.tui.widgets.pictures import marker_lines, picture_lines

        at = marker_lines(lines)
        if len(at) > len(self._slots):
            return [*lines]
        after: dict[int, list[PictureRow]] = {}
        for line_no, url in zip(at, self._slots, strict=False):
            image = self.pictures.get(url) if url else None
            if image is not None:
                after.setdefault(line_no, []).extend(picture_lines(image, width))
        if not after:
            return [*lines]
        out: list[Text | PictureRow] = []
        for n, line in enumerate(lines):
            out.append(line)
            out.extend(after.get(n, ()))
        return out

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
