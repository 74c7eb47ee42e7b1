"""The top line (view, unread count, refresh progress) and the status bar (key hints,
progress, errors, offline). Everything is built as Content from plain strings: a feed title
or a configured key never becomes markup."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from newsreader.sanitize import clean_line


def _spread(left: Content, right: Content, width: int) -> Content:
    gap = max(1, width - left.cell_length - right.cell_length)
    return Content.assemble(left, " " * gap, right)


class TopBar(Static):
    """` newsreader ─ All feeds · 1,204 unread                 ⟳ 31/40 feeds · 2 errors`"""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view_name = "All feeds"
        self.unread = 0
        self.progress = ""

    def set(
        self, *, view: str | None = None, unread: int | None = None, progress: str | None = None
    ) -> None:
        if view is not None:
            self.view_name = clean_line(view, 80)
        if unread is not None:
            self.unread = unread
        if progress is not None:
            self.progress = progress
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        left = Content.assemble(
            (" newsreader", "bold"), " ─ ", Content(self.view_name), f" · {self.unread:,} unread"
        )
        right = Content(self.progress + " ")
        self.update(_spread(left, right, self.size.width or 80))


class StatusBar(Static):
    """Key hints on the left; refresh progress, errors and offline state on the right."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hints: list[tuple[str, str]] = []
        self.state = ""
        self.alert = False

    def set_hints(self, hints: list[tuple[str, str]]) -> None:
        self.hints = hints
        self._draw()

    def set_state(self, text: str, *, alert: bool = False) -> None:
        self.state = clean_line(text, 120)
        self.alert = alert
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        right = Content.assemble((self.state + " ", "bold $error" if self.alert else ""))
        width = self.size.width or 80
        room = width - right.cell_length - 1
        # Whole hints only, as many as fit, and always the help hint last (it lists the rest).
        hints = [h for h in self.hints if h[1] != "help"]
        last = [h for h in self.hints if h[1] == "help"]
        while hints and _hints(hints + last).cell_length > room:
            hints.pop()
        left = _hints(hints + last)
        if left.cell_length > room:
            left = left.truncate(max(0, room), ellipsis=True)
        self.update(_spread(left, right, width))


def _hints(hints: list[tuple[str, str]]) -> Content:
    parts: list[Content | tuple[str, str] | str] = [" "]
    for key, description in hints:
        parts.append((key, "bold $text-accent"))
        parts.append(f" {description}  ")
    return Content.assemble(*parts).rstrip()
