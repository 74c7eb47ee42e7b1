"""`newsreader --demo`: every pane shows bundled content, offline, in a throwaway folder."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsreader.demo_run import prepare_demo
from newsreader.tui.app import NewsApp
from tests.conftest import cli_env
from tests.functional.pilot import pane_text, run, settle

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)


def test_demo_fills_all_four_panes_and_leaves_user_data_alone(home: Path, tmp_path: Path) -> None:
    rt = prepare_demo(tmp_path / "demo", NOW)  # runs its own refresh loop: not inside one
    assert rt.config_path == tmp_path / "demo" / "config.toml"
    assert len(rt.feeds) == 12
    run(NewsApp(rt, clock=lambda: NOW.timestamp(), refresh_on_start=False), _check_panes)
    # The user's own config and data folders were never created or touched.
    assert not (home / "data").exists()
    assert list((home / "config").iterdir()) == []


async def _check_panes(pilot: Pilot[int]) -> None:
    app = pilot.app
    headlines = pane_text(app.query_one("#headlines"))
    trending = pane_text(app.query_one("#trending"))
    opinion = pane_text(app.query_one("#opinion"))
    assert "Coastguard rescues" in headlines and "●" in headlines
    assert "Harbour engineers" in trending and " sources" in trending
    assert "The Long T" in opinion
    await pilot.press("enter")
    await settle(pilot)
    article = pane_text(app.query_one("#article"))
    first_title = headlines.splitlines()[0][2:25].strip("… ")
    assert first_title and first_title in article


def test_reading_one_copy_of_a_story_reads_its_copies_in_other_feeds(
    home: Path, tmp_path: Path
) -> None:
    from newsreader.ranking.stories import trending_stories

    rt = prepare_demo(tmp_path / "demo", NOW)
    with rt.open_store() as store:
        story = trending_stories(store, rt.settings, NOW.timestamp())[0]
        assert story.sources >= 3
        member = story.members[-1]  # an older copy, opened from the headline list
    app = NewsApp(rt, clock=lambda: NOW.timestamp(), refresh_on_start=False)

    async def open_member(pilot: Pilot[int]) -> None:
        app.main.open_article(member.id)
        await pilot.pause()

    run(app, open_member)
    with rt.open_store() as store:
        rows = store.rows([m.id for m in story.members])
        assert all(row.read for row in rows.values())
        # Nothing else was read: every other article (copies included) is still unread.
        unread = store.db.execute("SELECT count(*) FROM articles WHERE read = 0").fetchone()[0]
        assert unread == 129 - len({m.id for m in story.members}) - _same_link_copies(store, rows)


def _same_link_copies(store, rows) -> int:
    links = {r.link for r in rows.values() if r.link}
    marks = ",".join("?" * len(links))
    total = store.db.execute(
        f"SELECT count(*) FROM articles WHERE link IN ({marks})", list(links)
    ).fetchone()[0]
    return total - len(rows)


def test_first_run_writes_the_commented_config_and_welcomes(home: Path) -> None:
    from newsreader.config import EXAMPLE_CONFIG
    from newsreader.runtime import Runtime

    rt = Runtime.load(create_config=True)
    config = home / "config" / "config.toml"
    assert rt.first_run and config.read_bytes() == EXAMPLE_CONFIG.read_bytes()
    app = NewsApp(rt, refresh_on_start=False)

    async def notifications(pilot: Pilot[int]) -> list[str]:
        return [n.message for n in app._notifications]

    messages = run(app, notifications, size=(120, 40))
    welcome = [m for m in messages if m.startswith("Welcome to newsreader")]
    assert len(welcome) == 1
    assert str(config) in welcome[0] and "--demo" in welcome[0] and "import" in welcome[0]
    assert not Runtime.load(create_config=True).first_run  # only the first time


def _drain(master: int, seconds: float, until: bytes | None = None) -> bytes:
    """Read the terminal for up to `seconds` (the app blocks if nobody reads its output)."""
    out = bytearray()
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (until and until in out):
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                out += os.read(master, 65536)
            except OSError:  # the app closed the terminal
                break
    return bytes(out)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_the_demo_removes_its_folder_when_killed_or_its_terminal_closes(
    home: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**cli_env(home), "TMPDIR": str(temp), "TERM": "xterm-256color"}
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsreader", "--demo"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    try:
        assert b"Harbour" in _drain(master, 60, until=b"Harbour")  # the demo is on screen
        assert [p.name[:16] for p in temp.iterdir()] == ["newsreader-demo-"]
        proc.send_signal(sig)
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            _drain(master, 0.2)
        assert proc.poll() == 128 + sig
        assert list(temp.iterdir()) == []
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        os.close(master)
