"""The TUI half of media (issue 16), driven through Pilot against the real loopback media
server and a real store: an article lists its enclosures, `e` runs the configured player
with an argument list, `E` downloads and `D` shows the queue (progress, pause, resume,
cancel), a podcast shows episode lengths in the list, and pictures follow the text."""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from textual.pilot import Pilot

from newsreader.refresh import refresh
from newsreader.runtime import Runtime
from newsreader.tui.app import NewsApp
from newsreader.tui.screens.downloads import DownloadsScreen
from newsreader.tui.screens.enclosures import EnclosurePicker
from tests.functional.media_server import MediaServer, media_bytes, media_server
from tests.functional.pilot import pane_text, settle, visible_text

AUDIO = media_bytes(300_000)
pytestmark = pytest.mark.slow


@pytest.fixture
def server() -> Iterator[MediaServer]:
    with media_server() as s:
        yield s


async def reader(home: Path, server: MediaServer, fixture: str, extra: str = "") -> Runtime:
    """A runtime subscribed to one fixture feed of the server, already refreshed."""
    url = server.add_feed(f"/feeds/{fixture}", fixture)
    conf = home / "config" / "config.toml"
    conf.write_text(
        "[refresh]\non_start = false\ninterval = 0\n\n"
        f'[[feeds]]\nurl = "{url}"\n\n'
        f'[media]\nfolder = "{home / "downloads"}"\n' + extra,
        encoding="utf-8",
    )
    rt = Runtime.load()
    with rt.open_store() as store:
        report = await refresh(rt, store, force=True)
        assert not report.errors, report.lines()
    return rt


def fake_player(home: Path) -> tuple[Path, Path]:
    """A player program that records the argument list it was given, as JSON."""
    record = home / "played.json"
    script = home / "fakeplayer"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script, record


async def until(pilot: Pilot[Any], done: Any, seconds: float = 10.0) -> None:
    """Let the app run until done() holds; fail after `seconds` (never an endless loop)."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "not reached in time"
        await pilot.pause(0.05)


def article_text(app: NewsApp) -> str:
    view = app.main.article_view
    return "\n".join(line.plain for line in view._lines)


async def test_the_article_lists_enclosures_and_e_plays_with_an_argument_list(
    home: Path, server: MediaServer
) -> None:
    script, record = fake_player(home)
    rt = await reader(home, server, "podcast.xml", f'[ui]\nplayer = "{script} --quiet %u"\n')
    app = NewsApp(rt)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        # the podcast's episode length, beside its age in the list
        first = visible_text(app.main.headlines)[0]
        assert "Episode 3: Tides" in first and "29:54" in first
        await pilot.press("enter")
        text = pane_text(app.main.article_view)
        assert "Attachments (e plays, E downloads):" in text
        assert "1 audio · audio/mpeg · 300.0 kB · 29:54" in text
        await pilot.press("e")
        await until(pilot, record.exists)
        await until(pilot, lambda: record.read_text() != "")
    # the link is one argument, after the user's own words; nothing went through a shell
    assert json.loads(record.read_text()) == ["--quiet", server.url("/audio/hh-003.mp3")]


async def test_a_player_that_is_missing_is_one_line(home: Path, server: MediaServer) -> None:
    rt = await reader(home, server, "podcast.xml", '[ui]\nplayer = "no-such-player-here %u"\n')
    app = NewsApp(rt)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "e")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    assert "ui.player: no-such-player-here not found" in messages


async def test_several_enclosures_ask_which_and_a_digit_chooses(
    home: Path, server: MediaServer
) -> None:
    script, record = fake_player(home)
    fixture = home / "two.xml"
    fixture.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Two</title>'
        "<item><title>Both halves</title><guid>b</guid>"
        '<enclosure url="{base}/audio/a.mp3" length="10" type="audio/mpeg"/>'
        '<enclosure url="{base}/video/b.mp4" length="20" type="video/mp4"/>'
        "</item></channel></rss>"
    )
    body = fixture.read_text().replace("{base}", server.base).encode()
    url = server.add("/feeds/two.xml", body, content_type="application/xml", etag=None)
    (home / "config" / "config.toml").write_text(
        f'[refresh]\non_start = false\ninterval = 0\n\n[[feeds]]\nurl = "{url}"\n\n'
        f'[ui]\nplayer = "{script}"\n'
    )
    rt = Runtime.load()
    with rt.open_store() as store:
        await refresh(rt, store, force=True)
    app = NewsApp(rt)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "e")
        assert isinstance(app.screen, EnclosurePicker)
        assert "2 video · video/mp4 · 20 B" in pane_text(app.screen.query_one("#enclosure-list"))
        await pilot.press("2")
        assert app.screen is app.main
        await until(pilot, lambda: record.exists() and record.read_text() != "")
    assert json.loads(record.read_text()) == [server.url("/video/b.mp4")]


async def test_E_downloads_and_D_shows_it_running_then_complete(
    home: Path, server: MediaServer
) -> None:
    audio = server.files
    server.add("/audio/hh-003.mp3", AUDIO, content_type="audio/mpeg", gate_after=100_000)
    rt = await reader(home, server, "podcast.xml")
    app = NewsApp(rt)
    target = home / "downloads" / "hh-003.mp3"
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "E")
        await pilot.press("D")
        screen = app.screen
        assert isinstance(screen, DownloadsScreen)
        # held by the server a third of the way: the bar shows part of the file
        await until(pilot, audio["/audio/hh-003.mp3"].reached.is_set)
        rows = screen.download_list
        await until(pilot, lambda: "of 300.0 kB" in pane_text(rows))
        line = visible_text(rows)[0]
        assert "running" in line and "hh-003.mp3" in line and "░" in line
        audio["/audio/hh-003.mp3"].gate.set()
        await until(pilot, lambda: "done" in visible_text(rows)[0])
        assert "░" not in visible_text(rows)[0]
        assert "downloaded hh-003.mp3" in [n.message for n in app._notifications]
    assert target.read_bytes() == AUDIO


async def test_pause_resume_and_cancel_from_the_downloads_screen(
    home: Path, server: MediaServer
) -> None:
    server.add("/audio/hh-003.mp3", AUDIO, gate_after=100_000)
    held_file = server.files["/audio/hh-003.mp3"]
    server.add("/audio/big.mp3", media_bytes(200_000, seed=2), gate_after=50_000)
    big = server.files["/audio/big.mp3"]
    rt = await reader(home, server, "podcast.xml")
    folder = home / "downloads"
    app = NewsApp(rt)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "E", "j", "enter", "E", "D")
        rows = app.screen.query_one("#download-list")
        await until(pilot, lambda: held_file.reached.is_set() and big.reached.is_set())
        # pause the first: it keeps its .part; the second is cancelled: its .part goes
        await pilot.press("p")
        await until(pilot, lambda: visible_text(rows)[0].strip().startswith("paused"))
        held_file.gate.set()
        await pilot.press("j", "x")
        await until(pilot, lambda: visible_text(rows)[1].strip().startswith("cancelled"))
        big.gate.set()
        await until(pilot, lambda: not (folder / "big.mp3.part").exists())
        assert (folder / "hh-003.mp3.part").exists()
        assert not (folder / "hh-003.mp3").exists()
        # resume: it continues from the .part with a Range request, and completes
        await pilot.press("k", "p")
        await until(pilot, lambda: visible_text(rows)[0].strip().startswith("done"))
        # a finished row leaves the list with d (its file stays)
        await pilot.press("d")
        await until(pilot, lambda: "hh-003" not in pane_text(rows))
    assert (folder / "hh-003.mp3").read_bytes() == AUDIO
    assert not (folder / "big.mp3").exists()
    assert server.ranges_asked("/audio/hh-003.mp3")[-1].startswith("bytes=")


def picture(size: tuple[int, int], color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("images", ["off", "auto"])
async def test_pictures_follow_the_text_and_off_keeps_the_markers(
    home: Path, server: MediaServer, images: str
) -> None:
    server.add("/img/boat.png", picture((64, 48), "navy"), gate_after=100)
    server.add("/img/gull.jpg", picture((40, 40), "white"))
    rt = await reader(home, server, "pictures.xml", f'[ui]\nimages = "{images}"\n')
    app = NewsApp(rt)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        # the text is there at once, pictures or not
        text = article_text(app)
        assert "The morning fleet." in text
        assert "[image: A boat]" in text and "▀" not in text
        server.files["/img/boat.png"].gate.set()
        await settle(pilot)
        text = article_text(app)
        view = app.main.article_view
        wrap = view.wrap_width()
        colours = [
            (str(seg.style.color.get_truecolor().hex), str(seg.style.bgcolor.get_truecolor().hex))
            for line in view._lines
            if line.plain.startswith("▀")
            for seg in line.render(app.console)
            if seg.style is not None and seg.style.color is not None
        ]
    fetched = [r.path for r in server.requests if r.path.startswith("/img/")]
    assert "[image: A boat]" in text and "[image: Gone]" in text  # a failed one stays text
    if images == "off":
        assert fetched == [] and "▀" not in text
        return
    lines = text.split("\n")
    boat = next(n for n, line in enumerate(lines) if "[image: A boat]" in line)
    # under its marker, at most 20 rows (64x48 pixels -> 53x40): navy, then the white gull
    assert set(lines[boat + 1]) == {"▀"} and len(lines[boat + 1]) == 53 <= wrap
    assert colours[0] == ("#000080", "#000080")
    assert ("#ffffff", "#ffffff") in colours
    assert sum(1 for line in lines if line and set(line) == {"▀"}) >= 30
    assert sorted(set(fetched)) == [
        "/img/boat.png",
        "/img/bomb.png",
        "/img/gull.jpg",
        "/img/missing.png",
    ]


async def test_a_videos_thumbnail_is_drawn_under_its_attachments(
    home: Path, server: MediaServer
) -> None:
    server.add("/img/thumb.png", picture((48, 27), "red"))
    feed = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
        "<channel><title>Films</title><item><title>Night ferry</title><guid>f1</guid>"
        f'<enclosure url="{server.base}/video/f.mp4" length="2000" type="video/mp4"/>'
        f'<media:thumbnail url="{server.base}/img/thumb.png"/>'
        "<description>Forty minutes across the bay.</description></item></channel></rss>"
    )
    url = server.add("/feeds/films.xml", feed.encode(), content_type="application/xml", etag=None)
    (home / "config" / "config.toml").write_text(
        f'[refresh]\non_start = false\ninterval = 0\n\n[[feeds]]\nurl = "{url}"\n'
    )
    rt = Runtime.load()
    with rt.open_store() as store:
        await refresh(rt, store, force=True)
    app = NewsApp(rt)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        lines = article_text(app).split("\n")
    marker = lines.index("  [image: thumbnail]")
    assert "1 video · video/mp4 · 2.0 kB" in lines[marker - 1]
    assert lines[marker + 1] == "▀" * 48  # 48 x 27 pixels: 14 rows of half blocks
    assert lines[marker + 14] == "▀" * 48 and "Forty minutes" in "\n".join(lines[marker + 15 :])


async def test_hostile_enclosures_are_never_a_script_or_a_split_argument(
    home: Path, server: MediaServer
) -> None:
    script, record = fake_player(home)
    rt = await reader(home, server, "hostile.xml", f'[ui]\nplayer = "{script}"\n')
    app = NewsApp(rt)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        titles = [r.title for r in (app.main.headlines.row(i) for i in range(4)) if r]
        # javascript: never became an attachment: nothing to list, play or download
        await pilot.press(*["j"] * titles.index("Script"), "enter")
        assert "Attachments" not in pane_text(app.main.article_view)
        await pilot.press("e", "E")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        # a link that reads like an option and a shell command: one argument, never split
        await pilot.press("g", *["j"] * titles.index("Option"), "enter", "e")
        await until(pilot, lambda: record.exists() and record.read_text() != "")
    assert messages.count("this story has no attachments") == 2
    assert json.loads(record.read_text()) == [server.url("/dl/--output=x;rm%20-rf%20~.mp3")]
