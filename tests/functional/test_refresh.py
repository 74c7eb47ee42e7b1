"""Refresh against a real HTTP server on 127.0.0.1: what is requested, what is stored."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsreader.cli import main
from newsreader.model import View
from newsreader.store import Store
from tests.conftest import FIXTURES

RSS = (FIXTURES / "feeds" / "rss20.xml").read_bytes()
ATOM = (FIXTURES / "feeds" / "atom.xml").read_bytes()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _subscribe(home: Path, urls: list[str]) -> None:
    (home / "config" / "config.toml").write_text(
        "".join(f'[[feeds]]\nurl = "{u}"\n\n' for u in urls)
    )


def _conditional(etag: str, body: bytes, ctype: str = "application/rss+xml"):
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, content_type=ctype, headers={"ETag": etag})

    return handler


def test_first_refresh_stores_second_sends_conditional_get(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/rss").respond_with_handler(_conditional('"r1"', RSS))
    httpserver.expect_request("/atom").respond_with_handler(
        _conditional('"a1"', ATOM, "application/atom+xml")
    )
    _subscribe(home, [httpserver.url_for("/rss"), httpserver.url_for("/atom")])
    code, out, _ = run(capsys, "refresh", "--json")
    report = json.loads(out)
    assert code == 0 and report["new"] == 5 and report["errors"] == 0
    code, out, _ = run(capsys, "refresh", "--force", "--json")
    report = json.loads(out)
    assert report["not_modified"] == 2 and report["new"] == 0
    second = [r for r, _ in httpserver.log][-2:]
    assert {r.headers.get("If-None-Match") for r in second} == {'"r1"', '"a1"'}
    assert all(r.headers["User-Agent"].startswith("newsreader/") for r, _ in httpserver.log)
    code, out, _ = run(capsys, "refresh")  # nothing due yet
    assert "2 not due (use --force)" in out and len(httpserver.log) == 4
    assert out.startswith("0 feeds fetched") and "0 new articles, 0 unchanged, 0 errors" in out
    httpserver.expect_request("/one").respond_with_handler(_conditional('"o1"', RSS))
    _subscribe(home, [httpserver.url_for("/one")])
    code, out, _ = run(capsys, "refresh")
    summary = out.splitlines()[-1]
    assert (
        summary.startswith("1 feed fetched") and "3 new articles, 0 unchanged, 0 errors" in summary
    )


def test_one_bad_feed_never_stops_the_others(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/good").respond_with_data(RSS, content_type="application/rss+xml")
    httpserver.expect_request("/broken").respond_with_data(b"<html><body>nope</body></html>")
    httpserver.expect_request("/down").respond_with_data("oops", status=500)
    _subscribe(home, [httpserver.url_for(p) for p in ("/broken", "/good", "/down")])
    code, out, _ = run(capsys, "refresh")
    lines = out.splitlines()
    assert code == 0
    assert any(line.startswith("error") and "HTTP 500" in line for line in lines)
    assert any(line.startswith("error") and "not a feed" in line for line in lines)
    assert lines[-1].startswith("3 feeds fetched") and "3 new articles" in lines[-1]
    feeds = json.loads(run(capsys, "feeds", "--json")[1])
    errors = {f["url"].rsplit("/", 1)[1]: f["error"] for f in feeds}
    assert errors["good"] is None and errors["down"] and errors["broken"]


def test_gone_feeds_are_never_polled_again_even_forced(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    _subscribe(home, [httpserver.url_for("/gone")])
    run(capsys, "refresh")
    assert len(httpserver.log) == 1
    run(capsys, "refresh", "--force")
    assert len(httpserver.log) == 1
    code, out, _ = run(capsys, "feeds")
    assert "gone: 410" in out


def test_retry_after_is_honoured_even_by_force(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    _subscribe(home, [httpserver.url_for("/busy")])
    code, out, _ = run(capsys, "refresh")
    assert "429" in out
    run(capsys, "refresh", "--force")
    assert len(httpserver.log) == 1
    feed = json.loads(run(capsys, "feeds", "--json")[1])[0]
    assert feed["error_count"] == 1 and feed["next_fetch"] is not None


def test_permanent_redirect_moves_the_feed(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/new")}
    )
    httpserver.expect_request("/new").respond_with_data(RSS, content_type="application/rss+xml")
    _subscribe(home, [httpserver.url_for("/old")])
    run(capsys, "refresh")
    run(capsys, "refresh", "--force")
    paths = [r.path for r, _ in httpserver.log]
    assert paths == ["/old", "/new", "/new"]
    assert len(json.loads(run(capsys, "list", "--json")[1])) == 3


def test_no_network_exits_1_with_one_line_and_loses_nothing(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/rss").respond_with_data(RSS, content_type="application/rss+xml")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/rss"
    _subscribe(home, [httpserver.url_for("/rss"), dead])
    run(capsys, "refresh")
    with Store.open(home / "data") as store:
        first = store.page(View())[0]
        store.set_starred([first.id])
    httpserver.stop()  # the network is gone
    code, out, err = run(capsys, "refresh", "--force")
    assert code == 1 and err.count("\n") == 1 and "offline" in err
    with Store.open(home / "data") as store:
        assert store.count(View()) == 3 and store.count(View(starred=True)) == 1
        counts = {f.url: f.error_count for f in store.feeds()}
    # Coming back online is not punished: being offline is not recorded as the feed's error.
    assert counts[httpserver.url_for("/rss")] == 0
    httpserver.start()


def test_add_finds_the_feed_behind_a_web_page(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (FIXTURES / "feeds" / "page.html").read_bytes()
    httpserver.expect_request("/").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/feed.xml").respond_with_data(
        RSS, content_type="application/rss+xml"
    )
    code, out, _ = run(capsys, "add", httpserver.url_for("/"), "--tag", "local")
    assert code == 0 and "The Valley Courier" in out
    feeds = json.loads(run(capsys, "feeds", "--json")[1])
    assert [f["url"] for f in feeds] == [httpserver.url_for("/feed.xml")]
    code, _, err = run(capsys, "add", httpserver.url_for("/feed.xml"))
    assert code == 1 and "already subscribed" in err


def test_old_articles_are_pruned_after_keep_days_and_never_come_back(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    # rss20.xml's three stories are from March 2025; a second feed brings news today.
    httpserver.expect_request("/old").respond_with_data(RSS, content_type="application/rss+xml")
    fresh = RSS.replace(b"courier-2025-0412", b"fresh-guid").replace(b"2025", b"2026")
    _subscribe(home, [httpserver.url_for("/old")])
    (home / "config" / "config.toml").write_text(
        (home / "config" / "config.toml").read_text() + "[store]\nkeep_days = 30\n"
    )
    assert run(capsys, "refresh")[0] == 0
    with Store.open(home / "data") as store:
        ids = [r.id for r in store.page(View())]
        store.set_starred([ids[0]])
        assert len(ids) == 3
        # Stored more than keep_days ago: pretend the first fetch was 40 days back.
        store.db.execute("UPDATE articles SET first_seen = ?", (time.time() - 40 * 86400,))
    httpserver.expect_request("/new").respond_with_data(fresh, content_type="application/rss+xml")
    _subscribe(home, [httpserver.url_for("/old"), httpserver.url_for("/new")])
    (home / "config" / "config.toml").write_text(
        (home / "config" / "config.toml").read_text() + "[store]\nkeep_days = 30\n"
    )
    code, out, _ = run(capsys, "refresh", "--force")
    assert code == 0 and "removed 2 articles older than store.keep_days" in out
    rows = json.loads(run(capsys, "list", "--feed", httpserver.url_for("/old"), "--json")[1])
    assert [r["id"] for r in rows] == [ids[0]]  # the starred one stays
    # The feed still lists the pruned stories: they are not stored again as unread news.
    code, out, _ = run(capsys, "refresh", "--force", "--json")
    rows = json.loads(run(capsys, "list", "--feed", httpserver.url_for("/old"), "--json")[1])
    assert [r["id"] for r in rows] == [ids[0]]
