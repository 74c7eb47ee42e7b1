"""The digest (palette: "digest"): `newsreader digest`'s text form in a scrollable pane.

The app's worker builds it off the UI thread; the text is feed text, so it only ever
becomes a plain Text (headings and links styled by position, never parsed as markup).
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen

from newsreader.keys import KEYS
from newsreader.tui.host import DigestLoaded, Host
from newsreader.tui.widgets.article import ArticleView
from newsreader.tui.widgets.status import StatusBar, TopBar


def digest_text(plain: str) -> Text:
    """The text digest with its headings bold and its link lines dim."""
    text = Text(end="")
    lines = plain.rstrip("\n").split("\n")
    for n, line in enumerate(lines):
        bare = line.strip()
        if n == 0 or (bare and bare == line and (bare.isupper() or bare.startswith("#"))):
            style = "bold"  # the title line, "TOP STORIES", "OPINION", "#tag"
        elif bare.startswith(("http://", "https://")):
            style = "dim"
        else:
            style = ""
        text.append(line, style)
        if n < len(lines) - 1:
            text.append("\n")
    return text


_MARKER = re.compile(r"(?:\d+\. |- )")


class DigestView(ArticleView):
    """The article view, but each line wraps under its own text: a story's sources and
    links hang under the story, not back at the margin."""

    def _rewrap(self) -> None:
        width = self.wrap_width()
        if width == self._wrapped_width:
            return
        self._wrapped_width = width
        self._strips.clear()
        lines: list[Text] = []
        if self._text is not None:
            console = self.app.console
            for line in self._text.split("\n", allow_blank=True):
                plain = line.plain
                indent = len(plain) - len(plain.lstrip(" "))
                marker = _MARKER.match(plain, indent)
                hang = marker.end() if marker else indent
                if hang > width // 2:
                    hang = 0
                body = line[hang:].wrap(console, width - hang, overflow="fold")
                for n, part in enumerate(body or [Text("")]):
                    head = line[:hang] if n == 0 else Text(" " * hang)
                    head.append_text(part)
                    lines.append(head)
        self._lines = [*lines]  # the article view's lines may also hold pictures
        self.virtual_size = Size(width, len(lines))


class DigestScreen(Screen[None], inherit_bindings=False):
    DEFAULT_CSS = """
    DigestScreen #digest-top {
        height: 1;
        background: $panel;
        color: $text;
    }
    DigestScreen #digest-status {
        height: 1;
        dock: bottom;
        background: $panel;
        color: $text-muted;
    }
    DigestScreen #digest {
        height: 1fr;
        border: round $accent;
        border-title-style: bold;
        scrollbar-size-vertical: 1;
        background: $surface;
    }
    """

    BINDINGS = [
        Binding(next(k.keys for k in KEYS if k.id == "quit"), "close", "Back", id="quit"),
        Binding("escape", "close", "Back", show=False),
    ]

    def __init__(self, host: Host) -> None:
        super().__init__()
        self.host = host

    def compose(self) -> ComposeResult:
        yield TopBar(id="digest-top")
        view = DigestView(id="digest")
        view.border_title = "Digest · last 24 hours"
        view.placeholder = "Building the digest…"
        yield view
        yield StatusBar(id="digest-status")

    def on_mount(self) -> None:
        self.query_one(TopBar).set(view="Digest")
        library = self.host.library
        if library is not None:
            self.query_one(TopBar).set(unread=library.total_unread())
        keys = {i: shown.split(",")[0].strip() for shown, _, i in self.host.live_keys()}
        self.query_one(StatusBar).set_hints(
            [
                ("j/k", "scroll"),
                (keys["page_down"], "page"),
                ("esc", "back"),
                (keys["help"], "help"),
            ]
        )
        self.query_one(ArticleView).focus()
        self.host.fetch_digest(self)

    def on_digest_loaded(self, message: DigestLoaded) -> None:
        self.query_one(ArticleView).show_text(digest_text(message.text))

    def action_close(self) -> None:
        self.dismiss(None)
