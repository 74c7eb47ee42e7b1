"""Pictures in the article view: which `[image: alt]` marker is which link, and a decoded
picture drawn as half-block cells (each cell two pixels, top in the foreground colour of
"▀", bottom in the background), which every terminal shows.

textual-image was tried for kitty/sixel output: it asks the terminal what it supports when
it is imported (escape sequences answered on stdin, up to 0.1 s each), which must happen
before Textual starts and would delay the first paint, and its widgets are one widget per
picture, where the article view is a single line-API widget. Half blocks need neither.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from newsreader.htmltext import SKIP
from newsreader.sanitize import safe_url

# The largest picture drawn, in cells (columns, rows): the worker shrinks to twice as many
# pixel rows, so the UI thread only ever scales a small picture down to the pane's width.
MAX_PICTURES = 50  # fetched for one article (media.images.MAX_PER_ARTICLE)
MAX_COLUMNS = 72
MAX_ROWS = 20
BOX = (MAX_COLUMNS, MAX_ROWS * 2)

# Elements htmltext never shows: an <img> inside them has no marker.
_HIDDEN = SKIP
MARKER = re.compile(r"\[image(?::|\])")


class _Slots(HTMLParser):
    def __init__(self, base: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.hidden = 0
        self.slots: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
            return
        if tag != "img" or self.hidden:
            return
        a = dict(attrs)
        if (a.get("width") or "").strip() in ("0", "1") or (a.get("height") or "").strip() in (
            "0",
            "1",
        ):
            return  # a tracking pixel: no marker either
        src = (a.get("src") or "").strip()
        try:
            url = safe_url(urljoin(self.base, src) if self.base else src) if src else None
        except ValueError:
            url = None
        self.slots.append(url)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self.hidden:
            self.hidden -= 1


def image_slots(html: str | None, base: str | None) -> list[str | None]:
    """The link behind each `[image: alt]` marker of the rendered body, in order (None for a
    picture that cannot be fetched: data:, javascript:, no src)."""
    if not html:
        return []
    parser = _Slots(base)
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # broken markup: what was found so far
        pass
    return parser.slots


def marker_lines(lines: list[Text]) -> list[int]:
    """The index of the wrapped line where each dim `[image…]` marker ends (a long alt
    text wraps), in order."""
    out: list[int] = []
    for n, line in enumerate(lines):
        plain = line.plain
        if "[image" not in plain:
            continue
        for m in MARKER.finditer(plain):
            if any(span.start <= m.start() < span.end and _dim(span.style) for span in line.spans):
                out.append(_marker_end(lines, n, m.end() - 1))
    return out


def _marker_end(lines: list[Text], n: int, start: int) -> int:
    """The line holding the "]" that closes a marker begun on line n (at most 20 lines on)."""
    if "]" in lines[n].plain[start:]:
        return n
    for k in range(n + 1, min(n + 20, len(lines))):
        if "]" in lines[k].plain:
            return k
    return n


def _dim(style: str | Style) -> bool:
    return bool(style.dim) if isinstance(style, Style) else "dim" in str(style).split()


def shrink(image: Any) -> Any:
    """For a worker: the picture in RGB, at most BOX pixels (decoded pictures are freed)."""
    im = image.convert("RGB")
    im.thumbnail(BOX)
    return im


def picture_lines(image: Any, width: int) -> list[PictureRow]:
    """A shrunk picture as half-block rows at most `width` cells wide. Only the scaling is
    done here (well under a millisecond); each row makes its segments when it is drawn, so
    20 pictures cost the UI thread nothing until they scroll into view."""
    from PIL import Image

    im = image
    if im.width > width:
        height = max(2, round(im.height * width / im.width))
        im = im.resize((width, height), Image.Resampling.BILINEAR)
    if im.height % 2:  # the last row's bottom half repeats its top
        padded = Image.new("RGB", (im.width, im.height + 1))
        padded.paste(im, (0, 0))
        padded.paste(im.crop((0, im.height - 1, im.width, im.height)), (0, im.height))
        im = padded
    data = im.tobytes()
    return [PictureRow(data, im.width, y) for y in range(0, im.height, 2)]


class PictureRow:
    """One row of cells of a picture (two pixel rows): `plain` and `render` as a wrapped
    Text line has, for the article view's line list."""

    __slots__ = ("data", "width", "y")

    def __init__(self, data: bytes, width: int, y: int) -> None:
        self.data = data  # RGB bytes of the whole picture, shared by its rows
        self.width = width
        self.y = y

    @property
    def plain(self) -> str:
        return "▀" * self.width

    def render(self, console: object = None) -> list[Segment]:
        data, w = self.data, self.width
        top = self.y * w * 3
        bottom = top + w * 3
        out: list[Segment] = []
        run_key: bytes | None = None
        run = 0
        for x in range(0, w * 3, 3):
            key = data[top + x : top + x + 3] + data[bottom + x : bottom + x + 3]
            if key == run_key:
                run += 1
                continue
            if run_key is not None:
                out.append(Segment("▀" * run, _style(run_key)))
            run_key, run = key, 1
        if run_key is not None:
            out.append(Segment("▀" * run, _style(run_key)))
        return out


@lru_cache(maxsize=8192)
def _style(key: bytes) -> Style:
    """The style of a cell: top pixel as the foreground of "▀", bottom as the background."""
    return Style(color=Color.from_rgb(*key[:3]), bgcolor=Color.from_rgb(*key[3:]))
