"""Crash safety: `kill -9` in the middle of a refresh leaves a consistent store with all
read/starred state, and a cron refresh running beside another writer neither crashes nor
loses writes. The refresh is the real command in a subprocess, against a loopback server."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from newsreader.cli import main
from newsreader.store import Store
from newsreader.store.schema import register_functions
from tests.hostile.helpers import Home, LoopbackServer

N_FEEDS = 40
PER_FEED = 15


def feed_body(n: int, versions: tuple[str, ...], stamp: str = "") -> bytes:
    items = "".join(
        f'<item><title>Feed {n} story {v}{k} {stamp}</title><guid isPermaLink="false">'
        f"{v}-{n}-{k}</guid><description>&lt;p&gt;Body {v}{k} of feed {n} "
        + "words " * 40
        + "&lt;/p&gt;</description></item>"
        for v in versions
        for k in range(PER_FEED)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
        f"<link>https://f{n}.example/</link>{items}</channel></rss>"
    ).encode()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the refresh we started and, by its process group id, its parse workers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def _feeds_with_version(db: Path, version: str) -> dict[int, int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return dict(
            con.execute(
                "SELECT feed_id, count(*) FROM articles WHERE guid LIKE ? GROUP BY feed_id",
                (version + "-%",),
            )
        )
    finally:
        con.close()


@pytest.mark.slow
def test_kill_9_mid_refresh_leaves_a_consistent_store_with_all_state(
    tmp_path: Path, server: LoopbackServer
) -> None:
    home = Home(tmp_path)
    urls = [server.add(f"/f{n}", feed_body(n, ("a",))) for n in range(N_FEEDS)]
    home.write_config(urls, extra="[refresh]\nper_host = 2\n")
    assert main(home.argv("refresh")) == 0
    with Store.open(home.data) as store:
        ids = [r[0] for r in store.db.execute("SELECT id FROM articles ORDER BY id")]
        assert len(ids) == N_FEEDS * PER_FEED
        read, starred = ids[::3], ids[1::7]
        store.set_read(read)
        store.set_starred(starred)
        fetched_before = dict(store.db.execute("SELECT id, last_fetch FROM feeds"))

    # Every feed now has new items, and each answer takes a while.
    for n in range(N_FEEDS):
        server.add(f"/f{n}", feed_body(n, ("a", "b")), delay=0.25)
    proc = home.popen("refresh", "--force")
    deadline = time.monotonic() + 30
    stored: dict[int, int] = {}
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            stored = _feeds_with_version(home.db, "b")
            if len(stored) >= 4:
                break
            time.sleep(0.02)
    finally:
        _kill_group(proc)
    assert proc.returncode == -signal.SIGKILL, "the refresh finished before it could be killed"
    assert 4 <= len(stored) < N_FEEDS

    con = sqlite3.connect(home.db)
    register_functions(con)  # the search index derives its text through them
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # rank 1: the index must also match what every article row says, word for word.
        con.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert con.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == n_articles
        after = _feeds_with_version(home.db, "b")
        # Each feed is either fully stored or not at all, and its fetch record agrees.
        assert set(after.values()) <= {PER_FEED}, after
        assert len(after) >= len(stored)
        for feed_id, last_fetch in con.execute("SELECT id, last_fetch FROM feeds"):
            assert (last_fetch != fetched_before[feed_id]) == (feed_id in after), feed_id
        assert [
            r[0] for r in con.execute("SELECT id FROM articles WHERE read = 1 ORDER BY id")
        ] == read
        assert [
            r[0] for r in con.execute("SELECT id FROM articles WHERE starred = 1 ORDER BY id")
        ] == starred
    finally:
        con.close()

    # The next refresh finishes the job and still keeps the state.
    for n in range(N_FEEDS):
        server.routes[f"/f{n}"].delay = 0
    proc2 = home.cli("refresh", "--force")
    assert proc2.returncode == 0, proc2.stderr
    assert set(_feeds_with_version(home.db, "b").values()) == {PER_FEED}
    assert len(_feeds_with_version(home.db, "b")) == N_FEEDS
    with Store.open(home.data) as store:
        assert [
            r[0]
            for r in store.db.execute(
                "SELECT id FROM articles WHERE read = 1 AND guid LIKE 'a-%' ORDER BY id"
            )
        ] == read
        assert [
            r[0] for r in store.db.execute("SELECT id FROM articles WHERE starred = 1 ORDER BY id")
        ] == starred


@pytest.mark.slow
def test_cron_refresh_beside_another_writer_loses_nothing(
    tmp_path: Path, server: LoopbackServer
) -> None:
    """A cron-like `refresh --force` loop while the CLI marks articles and a Store (as the
    TUI holds one) writes read state: no crash, no 'database is locked', no lost write."""
    home = Home(tmp_path)
    count = [0]

    def changing(n: int):  # every fetch changes every title, so every refresh writes
        def body() -> bytes:
            count[0] += 1
            return feed_body(n, ("a",), stamp=f"v{count[0]}")

        return body

    urls = [server.add(f"/c{n}", changing(n)) for n in range(8)]
    home.write_config(urls)
    assert main(home.argv("refresh")) == 0
    with Store.open(home.data) as store:
        ids = [r[0] for r in store.db.execute("SELECT id FROM articles ORDER BY id")]

    results: list[subprocess.CompletedProcess[bytes]] = []
    stop = threading.Event()

    def cron() -> None:
        while not stop.is_set() and len(results) < 6:
            results.append(home.cli("refresh", "--force"))

    thread = threading.Thread(target=cron)
    thread.start()
    try:
        marks = []
        starred = ids[5:40:5]
        for article_id in starred:  # the CLI, another process
            marks.append(home.cli("mark", str(article_id), "--star"))
        read: list[int] = []
        with Store.open(home.data) as store:  # a long-lived connection, as the TUI has
            for article_id in ids[::4]:
                store.set_read([article_id])
                read.append(article_id)
        # Let the cron loop finish a second refresh even if the writers above were quick.
        deadline = time.monotonic() + 60
        while len(results) < 2 and thread.is_alive() and time.monotonic() < deadline:
            thread.join(timeout=0.1)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert len(results) >= 2  # the loops really overlapped
    for proc in [*results, *marks]:
        assert proc.returncode == 0, proc.stderr
        assert b"locked" not in proc.stderr and b"Traceback" not in proc.stderr
    with Store.open(home.data) as store:
        got_starred = [r[0] for r in store.db.execute("SELECT id FROM articles WHERE starred = 1")]
        got_read = [r[0] for r in store.db.execute("SELECT id FROM articles WHERE read = 1")]
        titles = [r[0] for r in store.db.execute("SELECT title FROM articles LIMIT 1")]
    assert sorted(got_starred) == sorted(starred)
    assert sorted(got_read) == sorted(read)
    assert titles and " v" in titles[0]  # the refreshes did write
