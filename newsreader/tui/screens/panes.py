"""Tab and shift+tab between the panes a screen shows now: one behaviour for the main and
story screens, whose pane sets change with the terminal's width."""

from __future__ import annotations

from textual.screen import Screen
from textual.widget import Widget


class PaneCycle:
    """Mixed into a Screen that says which panes it shows, in tab order, in `_panes`."""

    def _panes(self) -> list[Widget]:
        raise NotImplementedError

    def _cycle(self, step: int) -> None:
        assert isinstance(self, Screen)
        panes = self._panes()
        focused = self.focused
        index = panes.index(focused) if focused in panes else 0
        panes[(index + step) % len(panes)].focus()

    def action_next_pane(self) -> None:
        self._cycle(1)

    def action_prev_pane(self) -> None:
        self._cycle(-1)
