"""A real coldsweat (a Fever API server) for the sync tests, run from its own virtual
environment: it pins an old Flask, so it cannot live in ours.

Where it is: $NEWSREADER_TEST_COLDSWEAT (the `coldsweat` executable; .ci/run installs it
into .venv-coldsweat and sets this), else .venv-coldsweat/bin/coldsweat in the project.
Without it the Fever tests skip with a reason, unless $CI is set: then they fail.

How coldsweat 0.10.2 starts: FLASK_DATABASE_URL/FLASK_SECRET_KEY in the environment,
`coldsweat setup EMAIL -p PASS`, `coldsweat import FILE.opml EMAIL -f` (subscribes and
fetches), `coldsweat run -h 127.0.0.1 -p PORT`. Its Fever endpoint is /fever/?api with
api_key = md5("EMAIL:PASS").
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 20.0


def coldsweat_bin() -> Path | None:
    env = os.environ.get("NEWSREADER_TEST_COLDSWEAT")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT / ".venv-coldsweat" / "bin" / "coldsweat")
    return next((p for p in candidates if p.is_file() and os.access(p, os.X_OK)), None)


def require_coldsweat() -> Path:
    found = coldsweat_bin()
    if found is None:
        reason = (
            "coldsweat is not installed: set NEWSREADER_TEST_COLDSWEAT to its executable "
            "(python3 -m venv .venv-coldsweat && .venv-coldsweat/bin/pip install coldsweat)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must run the Fever tests", pytrace=False)
        pytest.skip(reason)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FeedFiles:
    """The feeds coldsweat subscribes to, on a loopback HTTP server."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class Coldsweat:
    def __init__(self, exe: Path, folder: Path) -> None:
        self.exe = exe
        self.folder = folder
        self.port = free_port()
        self.env = {
            **os.environ,
            "FLASK_DATABASE_URL": f"sqlite:///{folder / 'cs.db'}",
            "FLASK_SECRET_KEY": "test-only",
            "HOME": str(folder),
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.users = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/fever/"

    def command(self, *args: str) -> None:
        done = subprocess.run(
            [str(self.exe), *args],
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"coldsweat {args[0]} failed: {done.stderr.decode()[-500:]}")

    def new_user(self, opml: Path) -> tuple[str, str]:
        """A user of its own for each test (read state is per user), subscribed to the feeds."""
        self.users += 1
        email, password = f"user{self.users}@example.com", f"password-{self.users:04d}-x"
        self.command("setup", email, "-p", password)
        self.command("import", str(opml), email, *(["-f"] if self.users == 1 else []))
        return email, password

    def start(self) -> None:
        log = open(self.folder / "run.log", "ab")  # noqa: SIM115 - the process owns it
        self.proc = subprocess.Popen(
            [str(self.exe), "run", "-h", "127.0.0.1", "-p", str(self.port)],
            env=self.env,
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                httpx.post(self.url + "?api", timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"coldsweat did not start within {START_TIMEOUT:g} s")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
            self.proc = None


class FeverPhone:
    """Another client of the same account (the user's phone), talking Fever directly."""

    def __init__(self, url: str, email: str, password: str) -> None:
        self.url = url
        self.email = email
        self.key = hashlib.md5(f"{email}:{password}".encode()).hexdigest()

    def call(self, query: str, **body: str) -> dict:
        r = httpx.post(self.url + "?api" + query, data={"api_key": self.key, **body}, timeout=10)
        r.raise_for_status()
        return r.json()

    def ids(self, which: str) -> set[int]:
        raw = self.call(f"&{which}_item_ids")[f"{which}_item_ids"]
        return {int(i) for i in raw.split(",") if i}

    def items(self) -> dict[int, dict]:
        out: dict[int, dict] = {}
        since = 0
        while True:
            page = self.call(f"&items&since_id={since}").get("items") or []
            out.update({i["id"]: i for i in page})
            if len(page) < 50:
                return out
            since = max(i["id"] for i in page)

    def mark(self, item: int, state: str) -> None:
        self.call("", mark="item", id=str(item), **{"as": state})


def prepare(folder: Path, exe: Path) -> tuple[Coldsweat, FeedFiles, Path]:
    feeds_dir = folder / "feeds"
    feeds_dir.mkdir()
    for name in ("rss20.xml", "hostile.xml", "podcast.xml"):
        shutil.copy(FIXTURES / "feeds" / name, feeds_dir / name)
    files = FeedFiles(feeds_dir)
    opml = folder / "subs.opml"
    template = (FIXTURES / "sync" / "coldsweat.opml").read_text()
    opml.write_text(template.replace("FEEDS", files.url))
    server = Coldsweat(exe, folder)
    return server, files, opml
