"""The downloads screen (D): the queue with a progress bar per file; pause or resume, cancel,
remove a finished row from the list, and open the download folder.

Rows come from the app (`Host.download_rows`, one small query); the downloads worker's
progress arrives as `DownloadChanged` messages, and the list is also read again every
second, so a `newsreader download` running in another process shows here too.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label

from newsreader.keys import KEYS
from newsreader.sanitize import clean_line
from newsreader.tui.bindings import bindings_for
from newsreader.tui.host import DownloadRow, Host
from newsreader.tui.widgets.downloads import DownloadList

HINT = (
    "enter play · p pause/resume · x cancel · d remove from list · O open folder · ? keys · "
    "escape close"
)
OWN_KEYS = {k.id for k in KEYS if k.target in ("list", "downloads")}
RELOAD_EVERY = 1.0


class DownloadsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    #download-list {
        height: 1fr;
    }
    DownloadList > .downloads--bar {
        color: $text-accent;
    }
    DownloadList > .downloads--bar-empty {
        color: $text-muted;
    }
    DownloadList > .downloads--done {
        color: $success;
    }
    DownloadList > .downloads--failed {
        color: $error;
    }
    """
    BINDINGS = [
        *bindings_for("downloads"),
        Binding("escape,D", "dismiss(None)", "Close"),
        Binding("question_mark", "help", "These keys", id="help"),
    ]

    def __init__(self, host: Host) -> None:
        super().__init__(classes="dialog")
        self.host = host

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box downloads-box"):
            yield Label(Content("Downloads"), classes="dialog-title")
            yield DownloadList(
                empty="Nothing downloaded yet: E on a story with an attachment queues it.",
                id="download-list",
            )
            yield Label(Content(HINT), id="downloads-hint", classes="dialog-hint")

    @property
    def download_list(self) -> DownloadList:
        return self.query_one(DownloadList)

    def on_mount(self) -> None:
        self.reload()
        self.download_list.focus()
        self.set_interval(RELOAD_EVERY, self.reload)

    def reload(self) -> None:
        self.download_list.set_items(self.host.download_rows(), keep_key=lambda d: d.id)

    def changed(self, row: DownloadRow) -> None:
        """The downloads worker reported progress (forwarded by the app)."""
        self.download_list.update_row(row)

    def _act(self, action: str, past: str) -> None:
        row = self.download_list.current
        if row is None:
            return
        if self.host.download_action(row.id, action):
            self.notify(f"{past} {clean_line(row.name, 80)}", timeout=2, markup=False)
        else:
            self.notify(f"cannot {action} a download that is {row.state}", timeout=2)
        self.reload()

    def on_pick_list_selected(self, event: DownloadList.Selected) -> None:
        """Enter plays the file (from the disk once it is complete, else streamed)."""
        event.stop()
        if event.item is not None:
            self.host.play_enclosure(event.item.url)

    def action_toggle_pause(self) -> None:
        row = self.download_list.current
        if row is not None and row.state in ("paused", "failed"):
            self._act("resume", "resumed")
        else:
            self._act("pause", "paused")

    def action_cancel(self) -> None:
        self._act("cancel", "cancelled")

    def action_forget(self) -> None:
        self._act("forget", "removed from the list:")

    def action_open_folder(self) -> None:
        self.host.open_download_folder()

    def action_help(self) -> None:
        from newsreader.tui.screens.help import HelpScreen

        rows = [row for row in self.host.live_keys() if row[2] in OWN_KEYS]
        rows.append(("escape, D", "Close", ""))
        self.app.push_screen(HelpScreen(rows, title="Downloads screen keys"))
