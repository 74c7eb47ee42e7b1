"""Opening links with the configured `ui.browser` command (an argument list, never a shell)."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

# Browsers that draw in the terminal: the reader suspends and hands them the terminal.
TERMINAL_BROWSERS = frozenset({"w3m", "lynx", "links", "links2", "elinks", "browsh", "carbonyl"})


def browser_argv(command: str, url: str) -> list[str]:
    """The command's words with %u replaced by the URL (appended when there is no %u).
    Raises ValueError for a command shlex cannot split (an unclosed quote)."""
    words = shlex.split(command)
    if not words:
        raise ValueError("empty command")
    if not any("%u" in word for word in words):
        return [*words, url]
    return [word.replace("%u", url) for word in words]


def is_terminal_browser(argv: list[str]) -> bool:
    return Path(argv[0]).name in TERMINAL_BROWSERS


def launch(argv: list[str], wait: float) -> str | None:
    """Start a graphical browser detached, its output discarded (never on the reader's
    screen), and watch it for `wait` seconds: the one-line reason it failed, or None."""
    name = Path(argv[0]).name
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        why = "not found" if isinstance(exc, FileNotFoundError) else exc.strerror or exc
        return f"browser {argv[0]}: {why}"
    try:
        code = proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        return None  # still running: it opened
    return f"{name} exited with status {code}" if code else None


def run_in_terminal(argv: list[str]) -> str | None:
    """Run a terminal browser in the foreground (the caller has suspended the TUI)."""
    try:
        code = subprocess.run(argv, check=False).returncode
    except OSError as exc:
        return f"browser {argv[0]}: {exc.strerror or exc}"
    return f"{Path(argv[0]).name} exited with status {code}" if code else None
