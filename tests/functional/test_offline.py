"""Offline reading: full texts fetched during refresh, folders of local feed files, and a
reader that starts normally (and says "offline") when the network is gone."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from textual.widget import Widget

from newsreader.cli import main
from newsreader.model import View
from newsreader.store import Store
from tests.conftest import FIXTURES

PAGE = (FIXTURES / "pages" / "news_article.html").read_bytes()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _summary_feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>Tidal pool story {i}</title><link>{base}/news/pool-{i}</link>"
        f"<guid>pool-{i}</guid><pubDate>Tue, 18 Mar 2025 0{i}:00:00 GMT</pubDate>"
        "<description>Only a one-line summary.</description></item>"
        for i in range(3)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Bay News</title>'
        f"<link>{base}/</link>{items}</channel></rss>"
    ).encode()


def pane_text(widget: Widget) -> str:
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def test_full_text_is_fetched_during_refresh_and_read_offline(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed").respond_with_data(
        _summary_feed(base), content_type="application/rss+xml"
    )
    for i in range(3):
        httpserver.expect_request(f"/news/pool-{i}").respond_with_data(
            PAGE, content_type="text/html"
        )
    (home / "config" / "config.toml").write_text(
        f'[[feeds]]\nurl = "{base}/feed"\nfull_text = true\n'
    )
    code, out, _ = run(capsys, "refresh")
    assert code == 0 and "3 new articles" in out
    assert sorted(r.path for r, _ in httpserver.log) == [
        "/feed",
        "/news/pool-0",
        "/news/pool-1",
        "/news/pool-2",
    ]
    with Store.open(home / "data") as store:
        rows = store.page(View())
        article = store.article(rows[0].id)
        assert article and article.fulltext_html
        assert "Marrow Bay" in article.fulltext_html
        assert "SeaDog77" not in article.fulltext_html  # comments dropped
        assert "Subscribe for one pound" not in article.fulltext_html  # navigation dropped
        store.set_starred([rows[1].id])
    httpserver.stop()  # the train enters the tunnel
    try:
        code, out, err = run(capsys, "refresh", "--force")
        assert code == 1 and "offline" in err and err.count("\n") == 1
        assert "1 unreachable" in out and "not due" not in out and "--force" not in out
        code, out, _ = run(capsys, "show", str(rows[0].id))
        assert code == 0 and "Residents of Marrow Bay have voted" in out
        # The reader starts on the store, says offline, and opens the cached full text.
        from newsreader.runtime import Runtime
        from newsreader.tui.app import NewsApp

        app = NewsApp(Runtime.load(), refresh_on_start=False)
        asyncio.run(_offline_session(app))
        with Store.open(home / "data") as store:
            assert store.count(View()) == 3
            assert store.count(View(starred=True)) == 1  # state kept
            assert store.article(rows[0].id).read  # opened offline, marked read
    finally:
        httpserver.start()


async def _offline_session(app) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert "Tidal pool story" in pane_text(app.query_one("#headlines"))  # store first
        await pilot.press("r")
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if "offline" in pane_text(app.query_one("#status")).lower():
                break
            await asyncio.sleep(0.1)
        assert "offline" in pane_text(app.query_one("#status")).lower()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Residents of Marrow Bay" in pane_text(app.query_one("#article"))


def test_a_folder_of_feed_files_refreshes_like_a_remote_feed(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(FIXTURES / "feeds" / "rss20.xml", folder / "courier.xml")
    shutil.copy(FIXTURES / "feeds" / "atom.xml", folder / "forest.atom")
    (folder / "notes.txt").write_text("not a feed")
    code, out, _ = run(capsys, "add", str(folder), "--tag", "offline")
    assert code == 0 and "downloads" in out and "5 articles" in out
    code, out, _ = run(capsys, "refresh", "--force", "--json")
    report = json.loads(out)
    assert report["not_modified"] == 1 and report["new"] == 0  # nothing changed: nothing read
    time.sleep(0.01)
    shutil.copy(FIXTURES / "feeds" / "feed.json", folder / "extra.json")
    code, out, _ = run(capsys, "refresh", "--force", "--json")
    report = json.loads(out)
    assert report["feeds"][0]["status"] == "new" and report["new"] > 0
    rows = json.loads(run(capsys, "list", "--json", "--limit", "100")[1])
    assert {r["feed"] for r in rows} == {folder.resolve().as_uri()}
    assert len(rows) == 5 + report["new"]
    code, out, _ = run(capsys, "feeds", "--json")
    assert json.loads(out)[0]["tags"] == ["offline"]


def test_adding_a_folder_without_feeds_is_a_clear_error(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "add", str(tmp_path / "empty"))
    assert code == 1 and "no feed files" in err and err.count("\n") == 1


def test_full_text_key_fetches_the_open_story_and_space_pages_then_moves_on(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed").respond_with_data(
        _summary_feed(base), content_type="application/rss+xml"
    )
    httpserver.expect_request("/news/pool-2").respond_with_data(PAGE, content_type="text/html")
    (home / "config" / "config.toml").write_text(f'[[feeds]]\nurl = "{base}/feed"\n')
    assert run(capsys, "refresh")[0] == 0  # summaries only: full_text is off for this feed
    assert [r.path for r, _ in httpserver.log] == ["/feed"]

    from newsreader.runtime import Runtime
    from newsreader.tui.app import NewsApp

    app = NewsApp(Runtime.load(), refresh_on_start=False)

    async def session() -> None:
        async with app.run_test(size=(160, 24)) as pilot:
            await pilot.pause()
            await pilot.press("enter")  # newest first: pool-2
            await pilot.pause()
            assert "Only a one-line summary." in pane_text(app.query_one("#article"))
            await pilot.press("F")
            await app.workers.wait_for_complete()
            await pilot.pause()
            article = pane_text(app.query_one("#article"))
            assert "Residents of Marrow Bay" in article
            assert "Only a one-line summary." not in article
            # space pages a long article first, then goes on to the next unread story
            top = pane_text(app.query_one("#article")).splitlines()[1]
            await pilot.press("space")
            await pilot.pause()
            assert pane_text(app.query_one("#article")).splitlines()[1] != top
            for _ in range(10):
                await pilot.press("space")
                await pilot.pause()
                if "Tidal pool story 1" in pane_text(app.query_one("#article")):
                    break
            assert "Tidal pool story 1" in pane_text(app.query_one("#article"))

    asyncio.run(session())
    assert httpserver.log[-1][0].path == "/news/pool-2"
    with Store.open(home / "data") as store:
        fetched = [r for r in store.page(View()) if r.title == "Tidal pool story 2"][0]
        assert "Marrow Bay" in (store.article(fetched.id).fulltext_html or "")
        assert store.count(View(unread=True)) == 1  # 2 and 1 read, 0 still unread
