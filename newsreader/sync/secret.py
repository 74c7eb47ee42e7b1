"""The sync password: from sync.password_command (an argument list, never a shell), from
sync.password_file (refused when anyone may read it), or from $NEWSREADER_SYNC_PASSWORD.

Never logged, never in an error line: messages name where the secret was looked for only.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from newsreader.config import SyncSettings
from newsreader.sync.http import SyncError

ENV = "NEWSREADER_SYNC_PASSWORD"
COMMAND_TIMEOUT = 60.0  # a password manager may ask to be unlocked


def password(settings: SyncSettings) -> str:
    if settings.password_command:
        return _from_command(settings.password_command)
    if settings.password_file:
        return _from_file(Path(settings.password_file).expanduser())
    value = os.environ.get(ENV)
    if value:
        return value
    raise SyncError(
        "sync: no password: set sync.password_command or sync.password_file in config.toml, "
        f"or ${ENV}",
        "config",
    )


def _from_command(argv: list[str]) -> str:
    name = os.path.basename(argv[0])
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise SyncError(f"sync.password_command: {argv[0]}: no such program", "config") from None
    except PermissionError:
        raise SyncError(f"sync.password_command: {argv[0]}: not executable", "config") from None
    except subprocess.TimeoutExpired:
        raise SyncError(
            f"sync.password_command: {name} gave no password within {COMMAND_TIMEOUT:g} s",
            "config",
        ) from None
    except OSError as exc:
        raise SyncError(f"sync.password_command: {name}: {exc.strerror}", "config") from None
    if done.returncode != 0:
        # Its output is not shown: it may hold the secret or part of it.
        raise SyncError(
            f"sync.password_command: {name} failed (exit status {done.returncode})", "config"
        )
    value = done.stdout.decode("utf-8", "replace").splitlines()
    if not value or not value[0].strip():
        raise SyncError(f"sync.password_command: {name} printed no password", "config")
    return value[0]


def _from_file(path: Path) -> str:
    try:
        st = path.stat()
    except OSError as exc:
        raise SyncError(f"sync.password_file: {path}: {exc.strerror}", "config") from None
    if st.st_mode & stat.S_IROTH:
        raise SyncError(
            f"sync.password_file: {path} is readable by everyone; run chmod 600 on it", "config"
        )
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise SyncError(f"sync.password_file: {path}: {exc.strerror}", "config") from None
    if not lines or not lines[0].strip():
        raise SyncError(f"sync.password_file: {path} is empty", "config")
    return lines[0]
