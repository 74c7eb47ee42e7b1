"""Sync against a real Fever server: coldsweat, started once for the session on 127.0.0.1
with its own database and subscribed to feeds on a loopback server. Each test gets a user
of its own, and a "phone" (another Fever client on the same account) to change things on
the server side."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.cli import main
from newsreader.model import View
from newsreader.store import Store
from tests.coldsweat_server import Coldsweat, FeverPhone, prepare, require_coldsweat


@pytest.fixture(scope="session")
def coldsweat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Coldsweat, Path]]:
    exe = require_coldsweat()
    server, files, opml = prepare(tmp_path_factory.mktemp("coldsweat"), exe)
    server.new_user(opml)  # the first import fetches the feeds once, for every user
    server.start()
    yield server, opml
    server.stop()
    files.stop()


@pytest.fixture
def phone(
    coldsweat: tuple[Coldsweat, Path], home: Path, monkeypatch: pytest.MonkeyPatch
) -> FeverPhone:
    server, opml = coldsweat
    email, password = server.new_user(opml)
    monkeypatch.setenv("NEWSREADER_SYNC_PASSWORD", password)
    configure(home, server.url, email)
    return FeverPhone(server.url, email, password)


def configure(home: Path, url: str, email: str) -> None:
    (home / "config" / "config.toml").write_text(
        f'[sync]\nprovider = "fever"\nurl = "{url}"\nusername = "{email}"\n'
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sync(capsys: pytest.CaptureFixture[str]) -> dict:
    code, out, err = run(capsys, "sync", "--json")
    assert code == 0, err
    return json.loads(out)


def local(home: Path) -> dict[str, tuple[int, bool, bool]]:
    """link -> (article id, read, starred)."""
    with Store.open(home / "data") as s:
        return {r.link or r.title: (r.id, r.read, r.starred) for r in s.page(View(), limit=500)}


def remote_by_link(phone: FeverPhone) -> dict[str, int]:
    """link -> the server's item id, for items with an ordinary link."""
    return {i["url"]: i["id"] for i in phone.items().values() if i["url"].startswith("https://")}


def snapshot(home: Path) -> list:
    db = sqlite3.connect(home / "data" / "newsreader.db")
    try:
        return [
            db.execute("SELECT id, title, read, starred FROM articles").fetchall(),
            db.execute("SELECT id, url, title FROM feeds").fetchall(),
        ]
    finally:
        db.close()


def test_first_sync_stores_every_unread_item_with_its_groups(
    home: Path, phone: FeverPhone, capsys: pytest.CaptureFixture[str]
) -> None:
    unread = phone.ids("unread")
    first = min(unread)
    phone.mark(first, "saved")
    report = sync(capsys)
    assert report["error"] is None and report["new"] == len(unread) >= 6
    feeds = json.loads(run(capsys, "feeds", "--json")[1])
    tags = {f["title"]: f["tags"] for f in feeds}
    assert tags["Town Courier"] == ["Local"] and tags["Podcast"] == ["Podcasts"]
    starred = [link for link, (_, _, star) in local(home).items() if star]
    assert starred == [phone.items()[first]["url"]]
    # the hostile feed's items went through the same cleaning as a fetched feed
    with Store.open(home / "data") as s:
        for row in s.page(View(), limit=100):
            art = s.article(row.id)
            assert art is not None
            assert "\x1b" not in art.title + (art.content_html or "")
            assert "<script" not in (art.content_html or "").lower()
            assert art.link is None or art.link.startswith(("http://", "https://"))


def test_local_marks_are_pushed(
    home: Path, phone: FeverPhone, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(capsys)
    links = remote_by_link(phone)
    mine = local(home)
    read_link, star_link = sorted(links)[:2]
    run(capsys, "mark", str(mine[read_link][0]), "--read")
    run(capsys, "mark", str(mine[star_link][0]), "--star")
    report = sync(capsys)
    assert report["pushed"] == 2 and report["pending"] == 0
    assert links[read_link] not in phone.ids("unread")
    assert phone.ids("saved") == {links[star_link]}
    # nothing new: groups, feeds, unread ids, saved ids, items since the last one
    again = sync(capsys)
    assert again["requests"] == 5 and again["new"] == again["pushed"] == again["pulled"] == 0


def test_server_marks_are_pulled_and_stars_go_both_ways(
    home: Path, phone: FeverPhone, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(capsys)
    links = remote_by_link(phone)
    a, b, c = sorted(links)[:3]
    phone.mark(links[a], "read")
    phone.mark(links[b], "saved")
    run(capsys, "mark", str(local(home)[c][0]), "--star")
    report = sync(capsys)
    assert report["pulled"] == 2 and report["pushed"] == 1
    mine = local(home)
    assert mine[a][1:] == (True, False) and mine[b][1:] == (False, True)
    assert links[c] in phone.ids("saved")
    phone.mark(links[b], "unsaved")
    run(capsys, "mark", str(mine[c][0]), "--unstar")
    sync(capsys)
    mine = local(home)
    assert not mine[b][2] and not mine[c][2] and phone.ids("saved") == set()


def test_marks_made_offline_survive_a_restart_and_reach_the_server(
    home: Path,
    phone: FeverPhone,
    coldsweat: tuple[Coldsweat, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, _ = coldsweat
    sync(capsys)
    links = remote_by_link(phone)
    link = sorted(links)[0]
    server.stop()
    try:
        assert run(capsys, "mark", str(local(home)[link][0]), "--read")[0] == 0
        code, out, err = run(capsys, "sync")
        assert code == 1 and "cannot reach 127.0.0.1" in err and "1 local marks queued" in err
        assert len(err.splitlines()) == 1
    finally:
        server.start()
    # a fresh process: the journal lives in the store file
    done = subprocess.run(
        [sys.executable, "-m", "newsreader", "sync"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "1 marks pushed" in done.stdout
    assert links[link] not in phone.ids("unread")


def test_conflicts_unacknowledged_local_change_wins_otherwise_the_server(
    home: Path, phone: FeverPhone, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(capsys)
    links = remote_by_link(phone)
    a, b = sorted(links)[:2]
    mine = local(home)
    run(capsys, "mark", str(mine[a][0]), "--read")  # read here...
    phone.mark(links[a], "saved")  # ...starred on the phone meanwhile
    phone.mark(links[b], "read")  # only the phone touched b
    run(capsys, "mark", str(mine[b][0]), "--star")  # different field here
    sync(capsys)
    mine = local(home)
    assert mine[a][1:] == (True, True) and links[a] not in phone.ids("unread")
    assert mine[b][1:] == (True, True) and links[b] in phone.ids("saved")
    # the same field on both sides: what is still in the local journal wins
    run(capsys, "mark", str(mine[a][0]), "--unread")
    phone.mark(links[a], "read")
    sync(capsys)
    assert local(home)[a][1] is False and links[a] in phone.ids("unread")


@pytest.mark.parametrize("case", ["password", "url", "api"])
def test_wrong_settings_give_one_line_and_leave_the_store_alone(
    home: Path,
    phone: FeverPhone,
    coldsweat: tuple[Coldsweat, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    case: str,
) -> None:
    server, _ = coldsweat
    sync(capsys)
    run(capsys, "mark", str(next(iter(local(home).values()))[0]), "--read")
    before = snapshot(home)
    email = phone.email
    expected = {
        "password": f"refused the Fever login for user '{email}'",
        "url": "cannot reach 127.0.0.1:1: connection refused; check sync.url",
        "api": "no Fever API here (HTTP 405); check sync.url",
    }[case]
    if case == "password":
        monkeypatch.setenv("NEWSREADER_SYNC_PASSWORD", "wrong-password-1")
    elif case == "url":
        configure(home, "http://127.0.0.1:1/fever/", email)
    else:
        configure(home, server.url.replace("/fever/", "/"), email)  # the web UI, not the API
    code, out, err = run(capsys, "sync")
    assert code == 1 and out == "" and len(err.splitlines()) == 1 and expected in err, err
    assert "wrong-password-1" not in err and "Traceback" not in err
    assert snapshot(home) == before
