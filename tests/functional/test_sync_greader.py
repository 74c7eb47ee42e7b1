"""Sync against a loopback Google Reader API server (tests/greader_fake.py): what the user
sees in the store and on the server after each sync, and the requests it took."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.cli import main
from newsreader.model import View
from newsreader.store import Store
from tests.greader_fake import READ, FakeGReader

PASSWORD = "secret-pass"


@pytest.fixture
def server() -> Iterator[FakeGReader]:
    fake = FakeGReader(password=PASSWORD).start()
    world = fake.add_feed(1, title="World News", folder="World")
    local = fake.add_feed(2, title="Town Courier")
    for n in range(4):
        fake.add_item(world, n)
    for n in range(10, 13):
        fake.add_item(local, n)
    yield fake
    fake.stop()


def configure(home: Path, url: str, extra: str = "", feeds: str = "") -> None:
    (home / "config" / "config.toml").write_text(
        f'{feeds}[sync]\nprovider = "greader"\nurl = "{url}"\nusername = "reader"\n{extra}'
    )


@pytest.fixture
def synced(home: Path, server: FakeGReader, monkeypatch: pytest.MonkeyPatch) -> FakeGReader:
    monkeypatch.setenv("NEWSREADER_SYNC_PASSWORD", PASSWORD)
    configure(home, server.url)
    return server


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert PASSWORD not in out + err
    live = os.environ.get("NEWSREADER_TEST_GREADER_PASSWORD")
    assert not live or live not in out + err
    return code, out, err


def sync(capsys: pytest.CaptureFixture[str]) -> dict:
    code, out, err = run(capsys, "sync", "--json")
    assert code == 0, err
    return json.loads(out)


def store(home: Path) -> Store:
    return Store.open(home / "data")


def by_title(home: Path) -> dict[str, tuple[bool, bool]]:
    """title -> (read, starred) of every stored article."""
    with store(home) as s:
        return {r.title: (r.read, r.starred) for r in s.page(View(), limit=1000)}


def article_id(home: Path, title: str) -> int:
    with store(home) as s:
        return next(r.id for r in s.page(View(), limit=1000) if r.title == title)


def snapshot(home: Path) -> list:
    db = sqlite3.connect(home / "data" / "newsreader.db")
    try:
        return [
            db.execute("SELECT id, feed_id, title, read, starred FROM articles").fetchall(),
            db.execute("SELECT id, url, title FROM feeds").fetchall(),
        ]
    finally:
        db.close()


def test_first_sync_brings_feeds_folders_items_and_state(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    first = next(iter(synced.items.values()))
    first.read = True
    starred = list(synced.items.values())[5]
    starred.starred = True
    report = sync(capsys)
    assert report["new"] == 7 and report["error"] is None and report["feeds_added"] == 2
    # login, subscriptions, unread ids, starred ids, recent ids, token, one contents batch
    assert report["requests"] == 7
    feeds = json.loads(run(capsys, "feeds", "--json")[1])
    assert {(f["title"], tuple(f["tags"]), f["unread"]) for f in feeds} == {
        ("World News", ("World",), 3),
        ("Town Courier", (), 3),
    }
    state = by_title(home)
    assert state[first.title] == (True, False)
    assert state[starred.title] == (False, True)
    # subscriptions from the server are saved like added ones: the TUI lists them
    assert "https://feed1.example/rss" in (home / "config" / "feeds.toml").read_text()


def test_incremental_sync_with_nothing_new_costs_five_requests(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(capsys)
    before = len(synced.log)
    report = sync(capsys)
    assert report["new"] == 0 and report["pushed"] == 0 and report["pulled"] == 0
    paths = [p.rsplit("/", 1)[1] for _, p, _ in synced.requests(before)]
    assert sorted(paths) == ["ClientLogin", "ids", "ids", "ids", "list"]
    assert report["requests"] == 5
    # never asks for the read stream itself (FreshRSS ignores it and answers every id)
    assert all(p.get("s") != [READ] for _, _, p in synced.log)


def test_new_server_items_arrive_at_the_next_sync(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(capsys)
    synced.add_item(synced.feeds["feed/2"], 99, title="Bridge reopens")
    report = sync(capsys)
    assert report["new"] == 1 and by_title(home)["Bridge reopens"] == (False, False)


def test_local_marks_are_pushed_in_batches(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(capsys)
    items = list(synced.items.values())
    read_id = article_id(home, items[0].title)
    star_id = article_id(home, items[1].title)
    assert run(capsys, "mark", str(read_id), "--read")[0] == 0
    assert run(capsys, "mark", str(star_id), "--star")[0] == 0
    before = len(synced.log)
    report = sync(capsys)
    assert report["pushed"] == 2 and report["pending"] == 0
    assert items[0].read and not items[1].read and items[1].starred
    edits = [p for _, path, p in synced.requests(before) if path.endswith("/edit-tag")]
    assert len(edits) == 2 and all(p["T"] == [synced.token] for p in edits)
    # the server's state read back after the push agrees: nothing flips back
    assert by_title(home)[items[0].title] == (True, False)
    assert report["pulled"] == 0


def test_many_marks_take_a_handful_of_requests(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = synced.feeds["feed/1"]
    for n in range(100, 1300):
        synced.add_item(feed, n)
    sync(capsys)
    with store(home) as s:
        s.mark_view_read(View())  # "mark all read": 1,207 articles
    before = len(synced.log)
    report = sync(capsys)
    assert report["pushed"] == 1207
    edits = [path for _, path, _ in synced.requests(before) if path.endswith("/edit-tag")]
    assert len(edits) == 3  # 500 ids per edit-tag
    assert all(i.read for i in synced.items.values())


def test_server_marks_are_pulled_and_starred_goes_both_ways(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(capsys)
    items = list(synced.items.values())
    items[2].read = True
    items[3].starred = True
    star_here = article_id(home, items[4].title)
    run(capsys, "mark", str(star_here), "--star")
    report = sync(capsys)
    assert report["pulled"] == 2 and report["pushed"] == 1
    state = by_title(home)
    assert state[items[2].title] == (True, False)
    assert state[items[3].title] == (False, True)
    assert items[4].starred
    items[3].starred = False  # unstarred on the phone
    run(capsys, "mark", str(star_here), "--unstar")  # unstarred here
    sync(capsys)
    assert by_title(home)[items[3].title] == (False, False)
    assert not items[4].starred


def test_offline_marks_wait_in_the_journal_across_restarts(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(capsys)
    item = list(synced.items.values())[0]
    aid = article_id(home, item.title)
    port = synced.port
    synced.stop()  # the server (or the network) is gone
    run(capsys, "mark", str(aid), "--read")
    code, out, err = run(capsys, "sync")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "cannot reach" in err and "1 local marks queued" in err
    # `refresh` says offline once, and the local store keeps working
    code, out, err = run(capsys, "refresh")
    assert code == 1 and "offline" in err
    assert by_title(home)[item.title] == (True, False)
    # a new process (the journal is a table in the store file) once the server is back
    synced.start(port)
    done = subprocess.run(
        [sys.executable, "-m", "newsreader", "sync"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert item.read
    with store(home) as s:
        assert s.db.execute("SELECT count(*) FROM sync_journal").fetchone()[0] == 0


def test_conflicts_local_unacknowledged_change_wins_else_server_wins(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(capsys)
    a, b, c = list(synced.items.values())[:3]
    a.read = True
    run(capsys, "mark", str(article_id(home, a.title)), "--read")
    run(capsys, "mark", str(article_id(home, a.title)), "--unread")  # changed my mind here
    b.starred = True  # the phone stars b; nothing local about b
    c.read = True  # the phone reads c while c is starred here
    run(capsys, "mark", str(article_id(home, c.title)), "--star")
    sync(capsys)
    state = by_title(home)
    assert state[a.title] == (False, False) and not a.read  # the local change won
    assert state[b.title] == (False, True)  # the server's change won
    assert state[c.title] == (True, True) and c.starred and c.read  # both, different fields


def test_a_mark_made_during_a_sync_is_not_overwritten(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsreader.sync import state

    sync(capsys)
    item = list(synced.items.values())[0]
    aid = article_id(home, item.title)
    with store(home) as s:
        s.set_read([aid])  # the user reads it while the server still says unread
        read, stars = state.apply_server_state(s, {i.id for i in synced.items.values()}, set())
        assert (read, stars) == (0, 0)
        assert s.article(aid).read  # type: ignore[union-attr]
        assert len(state.pending_marks(s)) == 1


def test_push_failure_keeps_the_journal_and_changes_nothing(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(capsys)
    item = list(synced.items.values())[0]
    run(capsys, "mark", str(article_id(home, item.title)), "--read")
    synced.fail["/reader/api/0/edit-tag"] = 500
    before = snapshot(home)
    code, _, err = run(capsys, "sync")
    assert code == 1 and "HTTP 500" in err and len(err.splitlines()) == 1
    assert snapshot(home) == before and not item.read
    del synced.fail["/reader/api/0/edit-tag"]
    assert sync(capsys)["pushed"] == 1 and item.read


@pytest.mark.parametrize("case", ["password", "url", "api", "html"])
def test_wrong_settings_give_one_line_and_leave_the_store_alone(
    home: Path,
    synced: FakeGReader,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    case: str,
) -> None:
    sync(capsys)
    run(capsys, "mark", str(article_id(home, next(iter(synced.items.values())).title)), "--star")
    synced.add_item(synced.feeds["feed/1"], 50)
    feeds_toml = (home / "config" / "feeds.toml").read_text()
    before = snapshot(home)
    expected = {
        "password": "refused the login for user 'reader'; check sync.username and the password",
        "url": "cannot reach 127.0.0.1:1: connection refused; check sync.url",
        "api": "no Google Reader login here (HTTP 404); check sync.url",
        "html": "does not answer as a Google Reader API",
    }[case]
    if case == "password":
        monkeypatch.setenv("NEWSREADER_SYNC_PASSWORD", "not-it")
    elif case == "url":
        configure(home, "http://127.0.0.1:1/api/greader.php")
    elif case == "api":
        configure(home, synced.url.replace("greader.php", "fever.php"))
    else:
        synced.fail["/accounts/ClientLogin"] = 200  # a plain-text page, not a login answer
    code, out, err = run(capsys, "sync")
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and expected in err, err
    assert "not-it" not in err and "Traceback" not in err
    assert snapshot(home) == before
    assert (home / "config" / "feeds.toml").read_text() == feeds_toml


def test_busy_server_retry_after_is_honoured(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    synced.broken = 503  # with Retry-After: 3600
    code, _, err = run(capsys, "sync")
    assert code == 1 and "busy (HTTP 503); it asks to retry after 3600 s" in err
    asked = len(synced.log)
    code, _, err = run(capsys, "sync")
    assert code == 1 and "asked to wait" in err and len(synced.log) == asked


def test_refresh_syncs_and_still_fetches_local_feeds(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import FIXTURES

    local = (FIXTURES / "feeds" / "rss20.xml").as_uri()
    configure(home, synced.url, feeds=f'[[feeds]]\nurl = "{local}"\n\n')
    code, out, err = run(capsys, "refresh", "--json")
    report = json.loads(out)
    assert code == 0, err
    assert report["new"] == 7 + 3 and report["errors"] == 0
    assert [f["title"] for f in report["feeds"]][0].startswith("sync 127.0.0.1")
    requested = [path for _, path, _ in synced.log]
    assert not any("feed1.example" in p for p in requested)


def test_server_html_is_sanitised_like_a_feed(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    synced.add_item(
        synced.feeds["feed/1"],
        77,
        title="Evil \x1b]52;c;SGVsbG8=\x07title &amp; <b>bold</b>",
        html='<p onclick="steal()">Hi<script>alert(1)</script> '
        '<a href="javascript:steal()">x</a> <a href="/rel">rel</a>\x1b[31m</p>',
        link="javascript:alert(1)",
    )
    sync(capsys)
    with store(home) as s:
        row = next(r for r in s.page(View(), limit=100) if r.title.startswith("Evil"))
        art = s.article(row.id)
    assert art is not None
    assert art.title == "Evil title & bold" and art.link is None
    body = art.content_html or ""
    assert "script" not in body and "onclick" not in body and "javascript" not in body
    assert "\x1b" not in body
    # searchable like any article
    code, out, _ = run(capsys, "list", "--search", "Evil", "--json")
    assert [a["title"] for a in json.loads(out)] == ["Evil title & bold"]


def test_world_readable_password_file_is_refused(
    home: Path, server: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = home / "pw"
    secret.write_text(PASSWORD + "\n")
    secret.chmod(0o644)
    configure(home, server.url, f'password_file = "{secret}"\n')
    code, _, err = run(capsys, "sync")
    assert code == 1 and "readable by everyone; run chmod 600" in err
    secret.chmod(0o600)
    assert sync(capsys)["new"] == 7


def test_password_command_is_an_argument_list(
    home: Path, server: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = json.dumps([sys.executable, "-c", f"print({PASSWORD!r})"])
    configure(home, server.url, f"password_command = {argv}\n")
    assert sync(capsys)["new"] == 7
    configure(home, server.url, f'password_command = "echo {PASSWORD}"\n')
    code, _, err = run(capsys, "sync")
    assert code == 1 and "sync.password_command must be a list of strings" in err
    argv = json.dumps([sys.executable, "-c", f"print({PASSWORD!r}); raise SystemExit(3)"])
    configure(home, server.url, f"password_command = {argv}\n")
    code, _, err = run(capsys, "sync")
    assert code == 1 and "failed (exit status 3)" in err


def test_password_in_config_is_refused(home: Path, server: FakeGReader, capsys) -> None:
    configure(home, server.url, f'password = "{PASSWORD}"\n')
    code = main(["sync"])
    out, err = capsys.readouterr()
    assert code == 1 and "config.toml:5: sync.password is not read from config.toml" in err
    assert PASSWORD not in err


def test_server_unsubscribe_and_folder_changes_follow(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(capsys)
    del synced.feeds["feed/2"]
    synced.feeds["feed/1"].folder = "Europe"
    report = sync(capsys)
    assert report["feeds_removed"] == 1
    feeds = json.loads(run(capsys, "feeds", "--json")[1])
    assert [(f["title"], f["tags"]) for f in feeds] == [("World News", ["Europe"])]


def test_add_and_remove_subscribe_on_the_server_unless_local(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import FIXTURES

    sync(capsys)
    code, out, err = run(capsys, "add", "https://new.example/feed.xml")
    assert code == 0 and out.startswith("Subscribed on 127.0.0.1"), err
    assert "https://new.example/feed.xml" in {f.url for f in synced.feeds.values()}
    urls = {f["url"] for f in json.loads(run(capsys, "feeds", "--json")[1])}
    assert "https://new.example/feed.xml" in urls
    code, out, err = run(capsys, "remove", "https://feed2.example/rss")
    assert code == 0 and "feed/2" not in synced.feeds
    # a local file feed is fetched directly and never sent to the server
    local = (FIXTURES / "feeds" / "rss20.xml").as_uri()
    code, out, err = run(capsys, "add", local)
    assert code == 0 and local not in {f.url for f in synced.feeds.values()}
    code, out, err = run(capsys, "remove", local)
    assert code == 0 and len(synced.feeds) == 2


@pytest.mark.skipif(
    not all(os.environ.get(f"NEWSREADER_TEST_GREADER_{k}") for k in ("URL", "USER", "PASSWORD")),
    reason="set NEWSREADER_TEST_GREADER_URL, _USER and _PASSWORD to sync with a real server",
)
def test_live_server(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read-only against a real server: two syncs, the second one cheap; no mark is sent."""
    env = os.environ
    monkeypatch.setenv("NEWSREADER_SYNC_PASSWORD", env["NEWSREADER_TEST_GREADER_PASSWORD"])
    (home / "config" / "config.toml").write_text(
        f'[sync]\nprovider = "greader"\nurl = "{env["NEWSREADER_TEST_GREADER_URL"]}"\n'
        f'username = "{env["NEWSREADER_TEST_GREADER_USER"]}"\n'
    )
    code, out, err = run(capsys, "sync", "--json")
    assert code == 0, err
    first = json.loads(out)
    code, out, err = run(capsys, "sync", "--json")
    again = json.loads(out)
    assert code == 0 and again["pushed"] == 0 and again["requests"] <= 5 + (again["new"] > 0) * 2
    assert first["error"] is None and again["error"] is None


async def test_the_reader_syncs_on_r_and_its_marks_reach_the_server(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsreader.runtime import Runtime
    from newsreader.tui.app import NewsApp
    from tests.functional.pilot import settle, visible_text

    await asyncio.to_thread(sync, capsys)  # the CLI runs its own event loop
    (home / "config" / "config.toml").write_text(
        "[refresh]\non_start = false\ninterval = 0\n\n"
        f'[sync]\nprovider = "greader"\nurl = "{synced.url}"\nusername = "reader"\n'
    )
    synced.add_item(synced.feeds["feed/1"], 500, title="Harbour wall repaired")
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert app.main.headlines.row_count == 7
        starred = app.main.headlines.row(0).title
        await pilot.press("s")  # journalled by the store's trigger, no TUI code involved
        await pilot.press("r")
        await settle(pilot)
        assert app.main.headlines.row_count == 8
        assert any("Harbour wall repaired" in line for line in visible_text(app.main.headlines))
        assert next(i for i in synced.items.values() if i.title == starred).starred
        # the server goes away: the reader says offline and keeps working
        synced.stop()
        await pilot.press("r")
        await settle(pilot)
        assert "offline" in app.main.status.render().plain
        await pilot.press("j", "enter")
        assert app.main.article_view.article is not None


def test_reading_a_local_copy_of_a_server_story_reads_it_on_the_server(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import FIXTURES

    link = "https://courier.example.com/news/river-levels"  # also in the local rss20.xml
    item = synced.add_item(synced.feeds["feed/2"], 600, title="River levels (server)", link=link)
    local = (FIXTURES / "feeds" / "rss20.xml").as_uri()
    configure(home, synced.url, feeds=f'[[feeds]]\nurl = "{local}"\n\n')
    assert run(capsys, "refresh")[0] == 0
    with store(home) as s:
        copy = next(r.id for r in s.page(View(feed_id=s.feed_id(local))) if r.link == link)
    run(capsys, "mark", str(copy), "--read")  # the store marks every copy of the link read
    assert sync(capsys)["pushed"] == 1 and item.read


def test_a_hostile_server_answer_is_one_line_or_ignored(
    home: Path, synced: FakeGReader, capsys: pytest.CaptureFixture[str]
) -> None:
    subs = "/reader/api/0/subscription/list"
    ids = "/reader/api/0/stream/items/ids"
    sync(capsys)
    for body in (b"[" * 100_000, b'{"itemRefs": 5}', b"\x1b[31m<html>"):
        synced.override[subs] = body
        code, out, err = run(capsys, "sync")
        assert code == 1 and "Traceback" not in err and "\x1b" not in err
        assert len(err.splitlines()) == 1 and "check sync.url" in err
    # an answer without a subscription list never unsubscribes anything
    assert len(json.loads(run(capsys, "feeds", "--json")[1])) == 2
    # junk entries are skipped; a javascript: feed URL is never subscribed
    synced.override[subs] = json.dumps(
        {"subscriptions": [1, None, {"id": 5}, {"id": "feed/9", "url": "javascript:alert(1)"}]}
    ).encode()
    synced.override[ids] = json.dumps(
        {"itemRefs": [{"id": "zz"}, 7, {"id": None}], "continuation": ["x"]}
    ).encode()
    report = sync(capsys)
    assert report["error"] is None and report["new"] == 0 and report["feeds_added"] == 0
    assert "javascript" not in (home / "config" / "feeds.toml").read_text()


def test_a_short_retry_after_is_waited_out_and_a_huge_answer_refused(
    home: Path,
    synced: FakeGReader,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newsreader.sync import http

    synced.throttle = 2  # 429 Retry-After: 0, twice
    report = sync(capsys)
    assert report["new"] == 7 and report["requests"] == 7 + 2
    monkeypatch.setattr(http, "MAX_BODY", 1000)
    synced.override["/reader/api/0/subscription/list"] = b'{"subscriptions": []' + b" " * 2000
    code, _, err = run(capsys, "sync")
    assert code == 1 and "an answer larger than 0 MB" in err
