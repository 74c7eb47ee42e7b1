"""Play an enclosure with `ui.player`: an argument list, never a shell.

The command comes from the user's config only; the feed contributes exactly one argument,
the link, and only an http(s) link or a local file. Nothing from a feed is ever split.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newsreader.model import NewsreaderError
from newsreader.sanitize import clean_line, has_control

DEFAULT_PLAYERS = ("mpv", "vlc", "xdg-open")
# Players that draw in (or read keys from) the terminal: the TUI suspends while they run.
# Others (vlc, xdg-open, a GUI app) are started in the background.
TERMINAL_PLAYERS = frozenset(
    {"mpv", "mplayer", "mpg123", "mpg321", "ffplay", "cvlc", "nvlc", "play", "ogg123", "mpv.com"}
)


class PlayerError(NewsreaderError):
    """The link cannot be played: one line for the user."""


@dataclass(frozen=True, slots=True)
class PlayCommand:
    argv: list[str]
    terminal: bool  # True: run in the foreground with the TUI suspended

    @property
    def name(self) -> str:
        return Path(self.argv[0]).name


def playable(target: str | os.PathLike[str]) -> str:
    """The argument handed to the player: an http(s) URL, or a local file's path.
    Raises PlayerError for anything else (javascript:, data:, relative paths, controls)."""
    if isinstance(target, os.PathLike):
        path = Path(target)
    else:
        text = target.strip()
        if not text or has_control(text) or any(c.isspace() for c in text):
            raise PlayerError("not a playable link: it holds spaces or control characters")
        lowered = text.lower()
        if lowered.startswith(("http://", "https://")):
            parts = urlsplit(text)
            if not parts.hostname:
                raise PlayerError(f"not a playable link: no host in {clean_line(text, 120)}")
            return text
        if not lowered.startswith("file://"):
            scheme = f", not {text.split(':', 1)[0][:20]}:" if ":" in text else ""
            raise PlayerError(f"only http(s) links and local files can be played{scheme}")
        parts = urlsplit(text)
        if parts.netloc not in ("", "localhost"):
            raise PlayerError("not a playable link: a file:// link on another host")
        path = Path(unquote(parts.path))
    if not path.is_absolute():
        raise PlayerError(f"not a playable file: {clean_line(str(path), 200)} is not absolute")
    if not path.is_file():
        raise PlayerError(f"no such file: {clean_line(str(path), 200)}")
    return str(path)  # absolute, so it starts with "/" and never reads as an option


def player_command(
    target: str | os.PathLike[str],
    template: str = "",
    *,
    which: Callable[[str], str | None] = shutil.which,
) -> PlayCommand:
    """The argv that plays target with the `ui.player` template (or the first default player
    found). `%u` in the template becomes the link as one argument; without `%u` the link is
    the last argument. Raises PlayerError with one line."""
    arg = playable(target)
    if template.strip():
        try:
            words = shlex.split(template)
        except ValueError as exc:
            raise PlayerError(f"ui.player cannot be split into arguments: {exc}") from None
        if not words or "%u" in words[0]:
            raise PlayerError("ui.player must start with a program name")
        if not any("%u" in w for w in words):
            words.append("%u")
        argv = [words[0], *(w.replace("%u", arg) for w in words[1:])]
        if which(argv[0]) is None:
            raise PlayerError(f"ui.player: {clean_line(argv[0], 200)} not found")
    else:
        found = next((p for p in DEFAULT_PLAYERS if which(p)), None)
        if found is None:
            raise PlayerError(
                "no media player found (mpv, vlc or xdg-open): set ui.player in config.toml"
            )
        argv = [found, arg]
    return PlayCommand(argv, Path(argv[0]).name in TERMINAL_PLAYERS)


def run_in_terminal(cmd: PlayCommand) -> int:
    """Run a terminal player in the foreground (the TUI suspends around this). Its exit
    status; PlayerError when it cannot start."""
    try:
        return subprocess.run(cmd.argv, check=False).returncode
    except OSError as exc:
        raise PlayerError(f"cannot start {cmd.name}: {exc.strerror or exc}") from None


def spawn(cmd: PlayCommand) -> subprocess.Popen[bytes]:
    """Start a GUI player detached from the terminal: no inherited stdin/stdout, its own
    session (closing the reader does not kill it)."""
    try:
        return subprocess.Popen(
            cmd.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        raise PlayerError(f"cannot start {cmd.name}: {exc.strerror or exc}") from None


def play(cmd: PlayCommand) -> subprocess.Popen[bytes] | int:
    """Run cmd the way its kind needs: foreground for a terminal player, else detached."""
    return run_in_terminal(cmd) if cmd.terminal else spawn(cmd)


def folder_command(
    folder: str | os.PathLike[str], *, which: Callable[[str], str | None] = shutil.which
) -> PlayCommand:
    """The command that shows a folder in the desktop's file manager (downloads' "open
    folder"): xdg-open, or open on macOS. Run it with spawn()."""
    path = Path(folder)
    if not path.is_absolute() or not path.is_dir():
        raise PlayerError(f"no such folder: {clean_line(str(path), 200)}")
    opener = next((name for name in ("xdg-open", "open") if which(name)), None)
    if opener is None:
        raise PlayerError(f"no program to open folders (xdg-open); the files are in {path}")
    return PlayCommand([opener, str(path)], terminal=False)
