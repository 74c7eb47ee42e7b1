"""Watched topics: a view with notify = true tells the reader about new matches after a
refresh, and ui.notify_command gets each new article as whole, cleaned arguments."""

from __future__ import annotations

import json
import stat
import sys
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from newsreader.model import ArticleRow, ViewConfig
from newsreader.runtime import Runtime
from newsreader.tui.app import NewsApp
from newsreader.watch import news_since, notify_argv, run_notify_command
from tests.functional.pilot import settle

HOSTILE = "Mars \x1b]0;pwned\x07 $(touch /tmp/x); `id` | rm -rf ~ \u202eevil"


def rss(titles: list[str]) -> str:
    from xml.sax.saxutils import escape

    items = "".join(
        f"<item><title>{escape(t)}</title><link>https://wire.example/{i}</link><guid>g{i}</guid>"
        f"<pubDate>Tue, 01 Dec 2026 {10 + i}:00:00 GMT</pubDate></item>"
        for i, t in enumerate(titles)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{items}</channel></rss>'
    )


def recorder(tmp_path: Path) -> tuple[Path, Path]:
    """A fake notifier: appends its argument list, as JSON, to a file."""
    log = tmp_path / "notified.jsonl"
    script = tmp_path / "notifier"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, log


def row(title: str, link: str | None) -> ArticleRow:
    return ArticleRow(1, 1, "u", "Feed", title, link, None, 0.0, None, False, False, "news", False)


def test_notify_argv_keeps_feed_text_whole_and_clean() -> None:
    argv = notify_argv(
        "notify-send -a newsreader 'News: %v' %t", "Space", row(HOSTILE, "https://x.example/a b")
    )
    assert argv[:4] == ["notify-send", "-a", "newsreader", "News: Space"]
    assert len(argv) == 5  # the title is one argument, never split
    assert "\x1b" not in argv[4] and "\x07" not in argv[4] and "\u202e" not in argv[4]
    assert "$(touch /tmp/x)" in argv[4]  # literal text: nothing runs it
    # Without placeholders: title and link last; a javascript: link never goes out.
    assert notify_argv("notifier", "V", row("T", "javascript:alert(1)")) == ["notifier", "T", ""]
    with pytest.raises(Exception, match="cannot be split"):
        notify_argv("notifier 'unclosed", "V", row("T", None))


def test_watched_view_news_runs_the_notify_command(
    home: Path, tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsreader.cli import main

    httpserver.expect_request("/feed").respond_with_data(rss(["Rail news"]))
    script, log = recorder(tmp_path)
    (home / "config" / "config.toml").write_text(
        f'[ui]\nnotify_command = "{script} %v %t %u"\n\n'
        f'[[feeds]]\nurl = "{httpserver.url_for("/feed")}"\n\n'
        '[[views]]\nname = "Space"\nmatch = "mars or venus"\nnotify = true\n\n'
        '[[views]]\nname = "Quiet"\nmatch = "rail"\n'
    )
    assert main(["refresh"]) == 0
    since = time.time()
    httpserver.clear()
    httpserver.expect_request("/feed").respond_with_data(
        rss(["Rail news", HOSTILE, "Venus probe delayed", "Budget vote"])
    )
    assert main(["refresh", "--force"]) == 0
    capsys.readouterr()
    rt = Runtime.load()
    with rt.open_store() as store:
        news = news_since(store, rt.views, since)
    assert [(n.view.name, n.count, n.line) for n in news] == [("Space", 2, "2 new in Space")]
    assert run_notify_command(rt.settings.ui.notify_command, news) == []
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert [c[0] for c in calls] == ["Space", "Space"]
    assert calls[1][1] == "Venus probe delayed" and calls[1][2] == "https://wire.example/2"
    assert calls[0][1].startswith("Mars ") and "\x1b" not in calls[0][1]
    # The quiet view never notifies, and an old match is not news.
    assert news_since(Runtime.load().open_store(), rt.views, time.time()) == []


def test_missing_notifier_is_one_line(home: Path) -> None:
    news = [type("N", (), {"view": ViewConfig("Space", "mars"), "newest": [row("Mars", None)]})()]
    errors = run_notify_command("/nonexistent/notifier %t", news)
    assert errors == ["ui.notify_command: /nonexistent/notifier not found"]


async def test_the_reader_says_how_many_are_new_in_a_watched_view(
    home: Path, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed").respond_with_data(rss(["Budget vote"]))
    script, log = recorder(tmp_path)
    (home / "config" / "config.toml").write_text(
        f'[refresh]\non_start = false\ninterval = 0\n\n[ui]\nnotify_command = "{script}"\n\n'
        f'[[feeds]]\nurl = "{httpserver.url_for("/feed")}"\n\n'
        '[[views]]\nname = "Space"\nmatch = "mars or venus"\nnotify = true\n'
    )
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert not [n for n in app._notifications if "new in" in n.message]
        httpserver.clear()
        httpserver.expect_request("/feed").respond_with_data(
            rss(["Budget vote", "Mars rover lands", "Venus probe delayed", "Mars dust storm"])
        )
        await pilot.press("r")
        await settle(pilot)
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert "3 new in Space" in messages
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted(c[0] for c in calls) == [
        "Mars dust storm",
        "Mars rover lands",
        "Venus probe delayed",
    ]
