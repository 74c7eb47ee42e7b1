"""Help: every binding with its live keys (after [keys] in config.toml) and its id."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close"),
        Binding("j,down", "scroll(1)", show=False),
        Binding("k,up", "scroll(-1)", show=False),
    ]

    def __init__(
        self,
        rows: list[tuple[str, str, str]],
        title: str = "Keys · rebind any id under [keys] in config.toml",
    ) -> None:
        """rows: (keys as the user types them, description, binding id)."""
        super().__init__(classes="dialog")
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        key_w = max((len(k) for k, _, _ in self.rows), default=4) + 2
        desc_w = max((len(d) for _, d, _ in self.rows), default=10) + 2
        lines = [
            Content.assemble(
                ("Key".ljust(key_w), "bold"), ("Action".ljust(desc_w), "bold"), ("Id", "bold")
            )
        ]
        for keys, description, binding_id in self.rows:
            lines.append(
                Content.assemble(
                    (keys.ljust(key_w), "bold $text-accent"),
                    description.ljust(desc_w),
                    (binding_id, "dim"),
                )
            )
        with Vertical(classes="dialog-box help-box"):
            yield Label(Content(self.title_text), classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(Content("\n").join(lines), id="help-table")
            yield Label(
                Content("escape to close · ctrl+p for the command palette"), classes="dialog-hint"
            )

    def action_scroll(self, delta: int) -> None:
        scroll = self.query_one("#help-scroll", VerticalScroll)
        scroll.scroll_to(y=scroll.scroll_y + delta, animate=False)
