"""Shared pieces of the hostile-input suite (tests/hostile/): a threaded loopback
HTTP server with per-path bodies and delays, a private config/data folder usable from a
module-scoped fixture, the real CLI run as a subprocess, and checks for terminal-unsafe
characters in raw output bytes and in every text column of the SQLite store."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from newsreader.sanitize import has_control
from newsreader.store.schema import register_functions, unpack

HOSTILE = Path(__file__).parents[1] / "fixtures" / "hostile"
FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"
REPO = Path(__file__).parents[2]

# What must never reach a terminal: C0 controls except tab/newline (ESC, BEL, BS, CR...), DEL,
# C1 controls (8-bit CSI/OSC/ST...), bidi overrides and isolates, and a BOM.
TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def assert_terminal_safe(raw: bytes, what: str = "output") -> str:
    """Raw bytes a command wrote: strict UTF-8 (a lone 0x9b byte would be an 8-bit CSI to
    some terminals) and no unsafe character. Returns the decoded text."""
    text = raw.decode("utf-8")  # raises on invalid UTF-8
    bad = TERMINAL_UNSAFE.search(text)
    assert bad is None, (
        f"{what}: {bad.group()!r} at {bad.start()}: {text[max(0, bad.start() - 60) : bad.start() + 20]!r}"
    )
    return text


# -- the store ---------------------------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
        if value[:1] in "[{":  # JSON columns (categories, enclosures) escape controls as \u001b
            try:
                decoded = json.loads(value)
            except ValueError:
                return
            if not isinstance(decoded, str):
                yield from _strings(decoded)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)


def store_text_violations(db_path: Path) -> list[tuple[str, str, str]]:
    """(table, column, value) for every stored string holding a terminal-unsafe character,
    across every table (FTS shadow tables included), JSON columns decoded."""
    out: list[tuple[str, str, str]] = []
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    register_functions(con)  # the search index reads its text through them
    try:
        # meta holds our own settings signature (\x1f-separated), never feed text.
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] != "meta"
        ]
        for table in tables:
            cur = con.execute(f'SELECT * FROM "{table}"')
            cols = [d[0] for d in cur.description]
            for row in cur:
                for col, value in zip(cols, row, strict=True):
                    if table == "articles" and isinstance(value, bytes):
                        value = unpack(value)  # a body stored deflated
                    for s in _strings(value):
                        if has_control(s) or TERMINAL_UNSAFE.search(s):
                            out.append((table, col, s[:200]))
    finally:
        con.close()
    return out


def column_values(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


# -- a private home ----------------------------------------------------------------------------


@dataclass
class Home:
    """A config file and data folder, passed explicitly (works in module-scoped fixtures)."""

    root: Path

    def __post_init__(self) -> None:
        (self.root / "config").mkdir(parents=True, exist_ok=True)

    @property
    def config(self) -> Path:
        return self.root / "config" / "config.toml"

    @property
    def feeds_toml(self) -> Path:
        return self.root / "config" / "feeds.toml"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def db(self) -> Path:
        return self.data / "newsreader.db"

    def write_config(self, feeds: list[str | dict[str, Any]], extra: str = "") -> None:
        parts = []
        for f in feeds:
            entry = {"url": f} if isinstance(f, str) else f
            lines = ["[[feeds]]"]
            for key, value in entry.items():
                lines.append(f"{key} = {json.dumps(value)}")
            parts.append("\n".join(lines) + "\n")
        self.config.write_text(extra + "\n" + "\n".join(parts))

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["NEWSREADER_CONFIG"] = str(self.config)
        env["NEWSREADER_DATA_DIR"] = str(self.data)
        env["XDG_CONFIG_HOME"] = str(self.root / "xdg-config")
        env["XDG_DATA_HOME"] = str(self.root / "xdg-data")
        env["PYTHONPATH"] = str(REPO)
        env.pop("COLUMNS", None)
        return env

    def argv(self, *args: str) -> list[str]:
        """Arguments for in-process `main()` (global options, not the environment)."""
        return ["--config", str(self.config), "--data-dir", str(self.data), *args]

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
        """The real `newsreader` command, raw bytes captured."""
        return subprocess.run(
            [sys.executable, "-m", "newsreader", *args],
            env=self.env(),
            capture_output=True,
            timeout=timeout,
            cwd=self.root,
        )

    def popen(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "newsreader", *args],
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=self.root,
            start_new_session=True,  # its own process group, so its pool workers go with it
        )


def assert_one_line_error(proc: subprocess.CompletedProcess[bytes], *needles: str) -> str:
    """Exit 1, nothing on stdout, exactly one line on stderr, no traceback."""
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 1, (proc.returncode, err, proc.stdout[:300])
    assert "Traceback" not in err, err
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert err.startswith("newsreader: "), err
    for needle in needles:
        assert needle in err, (needle, err)
    assert_terminal_safe(proc.stderr, "stderr")
    return err


# -- a loopback server -------------------------------------------------------------------------

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Route:
    body: bytes | Callable[[], bytes] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    handler: Handler | None = None  # full control (trickling bodies)


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 (pytest-httpserver answers one request at a time,
    which would serialise a slow-feed test). Routes can change while it runs."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.delay = 0.0  # added to every request
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.hits.append(self.path)
                route = server.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.delay or server.delay:
                    time.sleep(route.delay + server.delay)
                if route.handler is not None:
                    route.handler(self)
                    return
                body = route.body() if callable(route.body) else route.body
                self.send_response(route.status)
                headers = {"Content-Type": "application/rss+xml", **route.headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def add(self, path: str, body: bytes | Callable[[], bytes] = b"", **kw: Any) -> str:
        self.routes[path] = Route(body, **kw)
        return self.url(path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
