"""Downloads against a real loopback server into a real store file: complete, resumed with
Range after a cut, restarted when the server ignores Range, capped, retried after 503,
paused and cancelled, and resumed by a new Store after a restart."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.cli import main
from newsreader.config import MediaSettings
from newsreader.media.download import DownloadManager, run_downloads
from newsreader.media.queue import DownloadError, DownloadQueue
from newsreader.model import View
from newsreader.store import Store
from tests.functional.media_server import MediaServer, media_bytes, media_server
from tests.hostile.helpers import store_text_violations

AUDIO = media_bytes(300_000)


@pytest.fixture
def server() -> Iterator[MediaServer]:
    with media_server() as s:
        yield s


def subscribe(home: Path, server: MediaServer, fixture: str) -> Store:
    url = server.add_feed(f"/feeds/{fixture}", fixture)
    assert main(["add", url]) == 0
    return Store.open(home / "data")


def article_id(store: Store, title: str) -> int:
    return next(r.id for r in store.page(View(), limit=100) if r.title == title)


def manager(store: Store, folder: Path, **kw: object) -> DownloadManager:
    settings = MediaSettings(folder=str(folder), max_mb=int(kw.pop("max_mb", 1)))  # type: ignore[call-overload]
    return DownloadManager(store, settings, retry_delay=0.0, poll=0.05, **kw)  # type: ignore[arg-type]


def test_podcast_episode_downloads_whole_with_a_clean_name(home: Path, server: MediaServer) -> None:
    server.add("/audio/hh-003.mp3", AUDIO, content_type="audio/mpeg")
    folder = home / "downloads"
    seen: list[str] = []
    with subscribe(home, server, "podcast.xml") as store:
        m = manager(store, folder, on_change=lambda d: seen.append(d.state))
        d = m.enqueue_article(article_id(store, "Episode 3: Tides"))
        asyncio.run(m.run())
        done = m.queue.get(d.id)
        # Played from the disk once downloaded (offline too); streamed again if deleted.
        assert m.queue.local_file(d.url) == folder / "hh-003.mp3"
        (folder / "elsewhere").mkdir()
        (folder / "hh-003.mp3").rename(folder / "elsewhere" / "x.mp3")
        assert m.queue.local_file(d.url) is None
        (folder / "elsewhere" / "x.mp3").rename(folder / "hh-003.mp3")
        (folder / "elsewhere").rmdir()
    assert done is not None and done.state == "done", done
    assert (folder / "hh-003.mp3").read_bytes() == AUDIO
    assert sorted(p.name for p in folder.iterdir()) == ["hh-003.mp3"]  # no .part left
    assert done.received == done.size == len(AUDIO)
    assert seen[0] == "running" and seen[-1] == "done"
    assert server.requests[-1].headers["accept-encoding"] == "identity"


def test_a_cut_connection_resumes_with_range_and_the_bytes_match(
    home: Path, server: MediaServer
) -> None:
    server.add("/audio/hh-003.mp3", AUDIO, cut_after=120_000)
    folder = home / "downloads"
    with subscribe(home, server, "podcast.xml") as store:
        m = manager(store, folder)
        m.enqueue_article(article_id(store, "Episode 3: Tides"))
        asyncio.run(m.run())
    assert (folder / "hh-003.mp3").read_bytes() == AUDIO
    assert server.ranges_asked("/audio/hh-003.mp3") == ["", "bytes=120000-"]
    resumed = [r for r in server.requests if r.headers.get("range")]
    assert resumed[0].headers["if-range"] == '"v1"'  # only the same file may be continued


def test_a_server_ignoring_range_restarts_cleanly(home: Path, server: MediaServer) -> None:
    server.add("/audio/hh-003.mp3", AUDIO, cut_after=100_000, ranges=False)
    folder = home / "downloads"
    with subscribe(home, server, "podcast.xml") as store:
        m = manager(store, folder)
        m.enqueue_article(article_id(store, "Episode 3: Tides"))
        asyncio.run(m.run())
    # The second answer was a 200 with the whole file: the .part restarted, no duplicated bytes.
    assert server.ranges_asked("/audio/hh-003.mp3") == ["", "bytes=100000-"]
    assert (folder / "hh-003.mp3").read_bytes() == AUDIO


def test_a_changed_file_is_fetched_again_not_spliced(home: Path, server: MediaServer) -> None:
    f = server.files
    server.add("/audio/hh-003.mp3", AUDIO, cut_after=100_000)
    folder = home / "downloads"
    with subscribe(home, server, "podcast.xml") as store:
        m = manager(store, folder)
        m.enqueue_article(article_id(store, "Episode 3: Tides"))
        new = media_bytes(250_000, seed=2)

        def swap(d: object) -> None:  # the episode is re-encoded while we are cut off
            if getattr(d, "state", "") == "queued":
                f["/audio/hh-003.mp3"].body = new
                f["/audio/hh-003.mp3"].etag = '"v2"'

        m.on_change = swap
        asyncio.run(m.run())
    assert (folder / "hh-003.mp3").read_bytes() == new


def test_a_file_over_the_cap_is_refused_before_and_while_streaming(
    home: Path, server: MediaServer
) -> None:
    big = media_bytes(1_500_000)
    server.add("/audio/big.mp3", big)  # honest Content-Length over 1 MB
    folder = home / "downloads"
    with subscribe(home, server, "podcast.xml") as store:
        m = manager(store, folder, max_mb=1)
        d = m.enqueue_article(article_id(store, "Episode 2: Ropes"))
        asyncio.run(m.run())
        row = m.queue.get(d.id)
    assert row is not None and row.state == "failed"
    assert row.error == "1.5 MB is larger than 1 MB (media.max_mb)"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_file_without_a_length_is_stopped_at_the_cap_while_streaming(
    home: Path, server: MediaServer
) -> None:
    server.add("/audio/big.mp3", media_bytes(3_000_000), claim_length=-1)  # no Content-Length
    folder = home / "downloads"
    with subscribe(home, server, "podcast.xml") as store:
        m = manager(store, folder, max_mb=1)
        d = m.enqueue_article(article_id(store, "Episode 2: Ropes"))
        asyncio.run(m.run())
        row = m.queue.get(d.id)
    assert row is not None and row.state == "failed"
    assert row.error == "larger than 1 MB (media.max_mb)"
    assert list(folder.iterdir()) == []  # the .part is gone too


def test_503_with_retry_after_waits_and_then_fails_after_the_attempts(
    home: Path, server: MediaServer
) -> None:
    server.add("/audio/hh-003.mp3", b"", status=503, headers={"Retry-After": "0"})
    with subscribe(home, server, "podcast.xml") as store:
        m = manager(store, home / "downloads", max_attempts=3)
        d = m.enqueue_article(article_id(store, "Episode 3: Tides"))
        asyncio.run(m.run())
        row = m.queue.get(d.id)
    assert row is not None and row.state == "failed"
    assert row.error == "HTTP 503 Service Unavailable"
    assert len(server.ranges_asked("/audio/hh-003.mp3")) == 3


def test_a_429_retry_after_is_kept_as_the_next_start(home: Path, server: MediaServer) -> None:
    server.add("/audio/hh-003.mp3", b"", status=429, headers={"Retry-After": "3600"})
    with subscribe(home, server, "podcast.xml") as store:
        m = manager(store, home / "downloads")
        d = m.enqueue_article(article_id(store, "Episode 3: Tides"))
        task_result = asyncio.run(_run_briefly(m))
        row = m.queue.get(d.id)
    assert task_result == "still waiting"
    assert row is not None and row.state == "queued" and row.retry_at is not None
    assert row.retry_at - row.updated == pytest.approx(3600, abs=5)
    assert len(server.ranges_asked("/audio/hh-003.mp3")) == 1  # asked once, then waited


async def _run_briefly(m: DownloadManager) -> str:
    try:
        await asyncio.wait_for(m.run(), 1.0)
    except TimeoutError:
        return "still waiting"
    return "returned"


def test_pause_then_resume_continues_the_part_file(home: Path, server: MediaServer) -> None:
    f = server.files
    server.add("/audio/hh-003.mp3", AUDIO, gate_after=100_000)
    folder = home / "downloads"
    with subscribe(home, server, "podcast.xml") as store:
        m = manager(store, folder)
        d = m.enqueue_article(article_id(store, "Episode 3: Tides"))

        async def pause_midway() -> None:
            run = asyncio.create_task(m.run())
            await asyncio.to_thread(f["/audio/hh-003.mp3"].reached.wait, 10)
            await asyncio.sleep(0.3)  # the bytes before the gate cross the loopback
            other = DownloadQueue(Store.open(home / "data"))  # another connection, as the TUI
            assert other.pause(d.id)
            await asyncio.wait_for(run, 10)
            other.store.close()

        asyncio.run(pause_midway())
        paused = m.queue.get(d.id)
        assert paused is not None and paused.state == "paused"
        assert (folder / "hh-003.mp3.part").stat().st_size >= 100_000
        f["/audio/hh-003.mp3"].gate_after = None
        assert m.resume(d.id)
        asyncio.run(m.run())
    assert (folder / "hh-003.mp3").read_bytes() == AUDIO
    assert server.ranges_asked("/audio/hh-003.mp3")[-1].startswith("bytes=")


def test_cancel_deletes_the_part_file_but_never_a_finished_one(
    home: Path, server: MediaServer
) -> None:
    server.add("/audio/hh-003.mp3", AUDIO, gate_after=50_000)
    server.add("/video/night-ferry.mp4", media_bytes(2000))
    folder = home / "downloads"
    with subscribe(home, server, "podcast.xml") as store:
        m = manager(store, folder)
        d = m.enqueue_article(article_id(store, "Episode 3: Tides"))

        async def cancel_midway() -> None:
            run = asyncio.create_task(m.run())
            await asyncio.to_thread(server.files["/audio/hh-003.mp3"].reached.wait, 10)
            assert m.cancel(d.id)
            await asyncio.wait_for(run, 10)

        asyncio.run(cancel_midway())
        row = m.queue.get(d.id)
        assert row is not None and row.state == "cancelled"
        assert list(folder.iterdir()) == []
        # A finished download stays on disk whatever the queue says.
        done = m.enqueue(server.url("/video/night-ferry.mp4"))
        asyncio.run(m.run())
        assert not m.cancel(done.id)
    assert (folder / "night-ferry.mp4").stat().st_size == 2000


def test_the_queue_survives_a_restart_and_a_new_store_resumes(
    home: Path, server: MediaServer
) -> None:
    server.add("/audio/hh-003.mp3", AUDIO, gate_after=150_000)
    folder = home / "downloads"
    with subscribe(home, server, "podcast.xml") as store:
        m = manager(store, folder)
        d = m.enqueue_article(article_id(store, "Episode 3: Tides"))

        async def quit_midway() -> None:  # the TUI closes: its worker is cancelled
            run = asyncio.create_task(m.run())
            await asyncio.to_thread(server.files["/audio/hh-003.mp3"].reached.wait, 10)
            await asyncio.sleep(0.2)  # a progress write lands
            run.cancel()
            with pytest.raises(asyncio.CancelledError):
                await run

        asyncio.run(quit_midway())
    server.files["/audio/hh-003.mp3"].gate.set()
    server.files["/audio/hh-003.mp3"].gate_after = None
    with Store.open(home / "data") as again:
        m2 = manager(again, folder)
        row = m2.queue.get(d.id)
        assert row is not None and row.state == "queued" and row.received >= 150_000
        asyncio.run(m2.run())
        assert m2.queue.get(d.id).state == "done"  # type: ignore[union-attr]
    assert (folder / "hh-003.mp3").read_bytes() == AUDIO
    assert server.ranges_asked("/audio/hh-003.mp3")[-1] == "bytes=150000-"


def test_two_episodes_with_the_same_name_never_clobber(home: Path, server: MediaServer) -> None:
    server.add("/a/episode.mp3", b"first")
    server.add("/b/episode.mp3", b"second")
    folder = home / "downloads"
    folder.mkdir()
    (folder / "episode.mp3").write_bytes(b"the user's own file")
    with Store.open(home / "data") as store:
        m = manager(store, folder)
        m.enqueue(server.url("/a/episode.mp3"))
        m.enqueue(server.url("/b/episode.mp3"))
        asyncio.run(m.run())
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert files == {
        "episode.mp3": b"the user's own file",
        "episode (2).mp3": b"first",
        "episode (3).mp3": b"second",
    }


def test_hostile_enclosures_never_leave_the_folder_or_run(home: Path, server: MediaServer) -> None:
    server.add("/dl/..%2F..%2Fetc%2Fpasswd", b"traversal")
    server.add("/dl/", b"controls")
    server.add("/dl/--output=x;rm%20-rf%20~.mp3", b"option")
    folder = home / "box" / "downloads"
    with subscribe(home, server, "hostile.xml") as store:
        m = manager(store, folder)
        for title in ("../../etc/passwd", "Option"):
            m.enqueue_article(article_id(store, title))
        controls = next(r for r in store.page(View(), limit=50) if r.title.startswith("Bell"))
        m.enqueue_article(controls.id)
        with pytest.raises(DownloadError, match="has no enclosures"):  # the parser dropped it
            m.enqueue_article(article_id(store, "Script"))
        with pytest.raises(DownloadError, match=r"only http\(s\) links"):
            m.enqueue("javascript:alert(1)")
        asyncio.run(m.run())
        rows = m.queue.entries()
    assert [r.state for r in rows] == ["done"] * 3, [(r.state, r.error) for r in rows]
    names = sorted(p.name for p in folder.iterdir())
    assert list((home / "box").iterdir()) == [folder]  # nothing written beside the folder
    for name in names:
        assert "/" not in name and not name.startswith((".", "-"))
        assert all(ord(c) >= 32 and c not in "\x7f\x9b" for c in name), name
    assert "Bell ]0;owned and [2J controls.mp3" not in names  # escape payloads go whole
    assert any(n.startswith("Bell") and n.endswith(".mp3") for n in names), names
    assert store_text_violations(home / "data" / "newsreader.db") == []


def test_a_thread_worker_runs_the_queue_and_stops_when_told(
    home: Path, server: MediaServer
) -> None:
    """The TUI's way: run_downloads in a thread with its own Store, the UI's Store queues
    and reads progress, and closing the app stops the thread with rows back in the queue."""
    server.add("/audio/hh-003.mp3", AUDIO, gate_after=100_000)
    folder = home / "downloads"
    changes: list[tuple[str, int]] = []
    stop = threading.Event()
    with subscribe(home, server, "podcast.xml") as ui_store:
        d = DownloadManager(ui_store, MediaSettings(folder=str(folder))).enqueue_article(
            article_id(ui_store, "Episode 3: Tides")
        )
        worker = threading.Thread(
            target=run_downloads,
            args=(home / "data", MediaSettings(folder=str(folder))),
            kwargs={
                "on_change": lambda x: changes.append((x.state, threading.get_ident())),
                "stop": stop.is_set,
            },
        )
        worker.start()
        try:
            assert server.files["/audio/hh-003.mp3"].reached.wait(10)
        finally:
            stop.set()
            worker.join(10)
        assert not worker.is_alive()
        row = DownloadQueue(ui_store).get(d.id)
    assert row is not None and row.state == "queued" and row.owner is None
    assert (folder / "hh-003.mp3.part").exists()
    assert changes[0][0] == "running" and changes[-1][0] == "queued"
    assert {ident for _, ident in changes} == {worker.ident}


def test_an_unusable_folder_fails_the_row_in_one_line(home: Path, server: MediaServer) -> None:
    server.add("/video/night-ferry.mp4", b"x" * 100)
    (home / "not-a-folder").write_text("a file")
    with Store.open(home / "data") as store:
        m = manager(store, home / "not-a-folder")
        d = m.enqueue(server.url("/video/night-ferry.mp4"))
        asyncio.run(m.run())
        row = m.queue.get(d.id)
    assert row is not None and row.state == "failed"
    assert row.error == f"{home / 'not-a-folder'}: cannot create the download folder: File exists"
    assert server.requests == []
