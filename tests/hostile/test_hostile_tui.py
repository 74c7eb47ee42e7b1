"""The running TUI on a store filled from hostile feeds, captured from a pseudo-terminal.

Neither Textual nor Rich strips ESC or C1 from text, so this checks what really reaches the
terminal: the bytes the app writes, with Textual's own drawing sequences (CSI, its OSC 22
pointer shape, CR LF) taken out, must hold no other escape, control, C1 or bidi character,
none of the feeds' escape payloads, and the feeds' markup shown as literal text.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.cli import main
from tests.hostile.helpers import FEEDS, HOSTILE, TERMINAL_UNSAFE, Home, LoopbackServer

pytest.importorskip("newsreader.tui.app")

CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
TEXTUAL_OSC = re.compile(r"\x1b\]22;[a-z-]*(?:\x07|\x1b\\)")  # mouse pointer shape
PAYLOADS = [
    "PWNED",
    "FEEDTITLE",
    "ATOMTITLE",
    "bodytitle",
    "ZWNobyBoYWNrZWQ",  # the OSC 52 clipboard payload
    "cGF5bG9hZA",
    "evil.example",  # the OSC 8 link target
]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    yield srv
    srv.close()


class Pty:
    def __init__(self, home: Home, cols: int = 160, rows: int = 48) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = home.env()
        env["TERM"] = "xterm-256color"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsreader"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=home.root,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.out = bytearray()

    def pump(self, seconds: float, until: bytes | None = None) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if until is not None and until in self.out:
                return
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:  # the app closed the terminal
                    return
                if not data:
                    return
                self.out.extend(data)

    def keys(self, *keys: bytes, pause: float = 0.25) -> None:
        for key in keys:
            os.write(self.master, key)
            self.pump(pause)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        os.close(self.master)


@pytest.mark.parametrize("tampered", [False, True], ids=["refreshed", "tampered_store"])
def test_the_running_app_writes_no_feed_escapes_to_the_terminal(
    tmp_path: Path, server: LoopbackServer, tampered: bool
) -> None:
    """`tampered` writes raw escapes straight into the store (as an older version or another
    program might have): the widgets must clean again what they display."""
    home = Home(tmp_path)
    urls = [
        server.add("/e.xml", (HOSTILE / "escapes.xml").read_bytes()),
        server.add(
            "/e.atom",
            (HOSTILE / "escapes.atom").read_bytes(),
            headers={"Content-Type": "application/atom+xml"},
        ),
        server.add("/h.xml", (FEEDS / "hostile.xml").read_bytes()),
        server.add(
            "/h.json",
            (FEEDS / "hostile.json").read_bytes(),
            headers={"Content-Type": "application/feed+json"},
        ),
    ]
    home.write_config(urls, extra="[refresh]\non_start = false\ninterval = 0\n")
    assert main(home.argv("refresh")) == 0
    if tampered:
        bad = "\x1b]0;PWNED\x07\x1b]52;c;cGF5bG9hZA==\x07\x9b2J\x07\x08\r\u202e"
        con = sqlite3.connect(home.db)
        with con:
            con.execute(
                "UPDATE articles SET title = title || ?, author = ?, categories = ?, "
                "content_html = ?, summary_html = ?",
                (bad, "A" + bad, json.dumps(["c" + bad]), f"<p>b{bad}</p>", f"s{bad}"),
            )
            con.execute("UPDATE feeds SET title = title || ?, last_error = ?", (bad, bad))
        con.close()
    term = Pty(home)
    try:
        term.pump(15, until=b"Agency eyes")
        assert b"Agency eyes" in term.out, "the app never drew the headlines"
        # Open several stories (the article pane renders titles, authors, tags, bodies),
        # visit the trending pane, then check the app is still running: markup such as
        # [@click=app.quit] must not have quit it.
        term.keys(b"\r", b"j", b"\r", b"j", b"\r", b"j", b"\r", b"j", b"\r", b"t", b"\r")
        term.pump(0.5)
        assert term.proc.poll() is None, "the app exited on its own"
        # enter on a trending story opened its full coverage: escape goes back from it
        # (on the main screen it only moves the focus to the list)
        assert b"Full coverage" in term.out  # the hostile titles drawn there too
        term.keys(b"\x1b")
        term.pump(0.5)
        term.keys(b"q")
        term.pump(5)
        assert term.proc.wait(timeout=5) == 0
    finally:
        term.close()
    text = bytes(term.out).decode("utf-8")  # strict: no stray 8-bit bytes
    assert "Traceback" not in text
    # Textual's own drawing, then whatever is left must be plain text.
    plain = TEXTUAL_OSC.sub("", CSI.sub("", text)).replace("\r\n", "\n").replace("\r", "")
    bad = re.search(r"\x1b|\x07|\x08|\x7f", plain) or TERMINAL_UNSAFE.search(plain)
    assert bad is None, repr(plain[max(0, bad.start() - 80) : bad.start() + 40])
    for payload in PAYLOADS:
        assert payload not in text, payload
    # Markup from the feeds is shown as text, not interpreted.
    assert "[bold red]x[/]" in plain
    assert "[@click=app.quit]" in plain


BROWSER = """#!{python}
import sys
print("BROWSER-CHATTER on stdout", flush=True)
print("BROWSER-CHATTER on stderr", file=sys.stderr, flush=True)
open({marker!r}, "w").write(repr(sys.argv[1:]))
"""


@pytest.mark.parametrize("name", ["chromium-ish", "w3m"], ids=["graphical", "terminal"])
def test_a_browser_never_writes_over_the_running_app(
    tmp_path: Path, server: LoopbackServer, name: str
) -> None:
    """o with ui.browser: a graphical browser's output is discarded; a terminal browser
    (w3m) gets the terminal while the app is suspended, and the app comes back after it."""
    home = Home(tmp_path)
    marker = tmp_path / "opened.txt"
    browser = tmp_path / "bin" / name
    browser.parent.mkdir()
    browser.write_text(BROWSER.format(python=sys.executable, marker=str(marker)))
    browser.chmod(0o755)
    url = server.add("/f.xml", (FEEDS / "rss20.xml").read_bytes())
    home.write_config(
        [url],
        extra=f'[refresh]\non_start = false\ninterval = 0\n[ui]\nbrowser = "{browser} %u"\n',
    )
    assert main(home.argv("refresh")) == 0
    term = Pty(home)
    try:
        term.pump(15, until=b"River levels")
        assert b"River levels" in term.out
        term.keys(b"o", pause=2.0)
        assert marker.exists(), "the browser never ran"
        assert "https://" in marker.read_text()
        shown = bytes(term.out)
        term.keys(b"j", b"q")
        term.pump(5)
        assert term.proc.wait(timeout=5) == 0  # the app came back and quit normally
    finally:
        term.close()
    if name == "w3m":
        assert b"BROWSER-CHATTER" in shown  # it had the terminal, as a terminal browser should
    else:
        assert b"BROWSER-CHATTER" not in shown
