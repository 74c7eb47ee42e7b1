"""`newsreader download ID` as users run it: the real command in a subprocess, a real
loopback server, a real store file; killed halfway and run again, it resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.cli import main
from newsreader.model import View
from newsreader.store import Store
from tests.conftest import cli_env
from tests.functional.media_server import MediaServer, media_bytes, media_server
from tests.hostile.helpers import assert_one_line_error, assert_terminal_safe

AUDIO = media_bytes(300_000)
VIDEO = media_bytes(200_000, seed=3)


@pytest.fixture
def server() -> Iterator[MediaServer]:
    with media_server() as s:
        yield s


@pytest.fixture
def podcast(home: Path, server: MediaServer) -> dict[str, int]:
    """The podcast and the video feed subscribed; title -> article id."""
    (home / "config" / "config.toml").write_text(
        f'[media]\nfolder = "{home / "downloads"}"\nmax_mb = 1\n'
    )
    for fixture in ("podcast.xml", "video.atom"):
        assert main(["add", server.add_feed(f"/feeds/{fixture}", fixture)]) == 0
    with Store.open(home / "data") as store:
        return {r.title: r.id for r in store.page(View(), limit=50)}


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *args],
        env=cli_env(home),
        capture_output=True,
        timeout=60,
    )


def test_download_prints_the_path_with_progress_on_stderr(
    home: Path, server: MediaServer, podcast: dict[str, int]
) -> None:
    server.add("/audio/hh-003.mp3", AUDIO)
    server.add("/video/night-ferry.mp4", VIDEO)
    proc = cli(home, "download", str(podcast["Episode 3: Tides"]))
    assert proc.returncode == 0, proc.stderr
    path = Path(proc.stdout.decode().strip())
    assert path == home / "downloads" / "hh-003.mp3" and path.read_bytes() == AUDIO
    err = assert_terminal_safe(proc.stderr, "stderr")
    # Not a terminal: a line per change of state (loopback is too fast for a "running" one).
    assert err.splitlines()[-1].split() == ["done", "300.0", "kB", "hh-003.mp3"]

    proc = cli(home, "download", str(podcast["Night ferry, in real time"]), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["state"] == "done" and out["bytes"] == len(VIDEO) and out["error"] is None
    assert Path(out["path"]).read_bytes() == VIDEO
    # Asked again: the finished file is there, nothing is fetched twice.
    before = len(server.requests)
    again = cli(home, "download", str(podcast["Night ferry, in real time"]))
    assert again.returncode == 0 and Path(again.stdout.decode().strip()) == Path(out["path"])
    assert len(server.requests) == before


def test_download_errors_are_one_line(
    home: Path, server: MediaServer, podcast: dict[str, int]
) -> None:
    server.add("/audio/big.mp3", media_bytes(1_500_000))
    assert_one_line_error(cli(home, "download", "99999"), "no article with id 99999")
    assert_one_line_error(
        cli(home, "download", str(podcast["Episode 3: Tides"]), "--index", "2"),
        "has 1 enclosure, not 2",
    )
    err = assert_one_line_error(cli(home, "download", str(podcast["Episode 2: Ropes"])))
    assert err.endswith("big.mp3: failed: 1.5 MB is larger than 1 MB (media.max_mb)\n"), err
    assert list((home / "downloads").iterdir()) == []


def test_a_killed_download_resumes_in_the_next_process(
    home: Path, server: MediaServer, podcast: dict[str, int]
) -> None:
    server.add("/audio/hh-003.mp3", AUDIO, gate_after=120_000)
    f = server.files["/audio/hh-003.mp3"]
    part = home / "downloads" / "hh-003.mp3.part"
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsreader", "download", str(podcast["Episode 3: Tides"])],
        env=cli_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert f.reached.wait(30), "the download never started"
        for _ in range(50):  # bounded: the first bytes reach the .part file
            if part.exists() and part.stat().st_size > 0:
                break
            time.sleep(0.1)
        # Dies without any chance to tidy up: no finally, no atexit, its row left "running".
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    kept = part.stat().st_size
    assert 0 < kept <= 120_000
    with Store.open(home / "data") as store:
        assert store.db.execute("SELECT state FROM downloads").fetchall() == [("running",)]
    f.gate_after = None
    f.gate.set()
    done = cli(home, "download", str(podcast["Episode 3: Tides"]))
    assert done.returncode == 0, done.stderr
    assert (home / "downloads" / "hh-003.mp3").read_bytes() == AUDIO
    assert server.ranges_asked("/audio/hh-003.mp3") == ["", f"bytes={kept}-"]
