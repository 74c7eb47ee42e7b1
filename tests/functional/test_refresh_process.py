"""The TUI's refresh runs in a child process (newsreader.refresh_proc): its failures reach the
status bar as one line and the reader keeps working."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsreader.runtime import Runtime
from newsreader.tui.app import NewsApp
from tests.functional.pilot import settle
from tests.functional.test_app import FEEDS, serve, write_config


async def until_refreshed(pilot) -> None:
    """Wait (bounded) for the refresh to end; settle() would re-raise the failed worker."""
    for _ in range(1000):
        if not pilot.app.refreshing:
            break
        await pilot.pause(0.01)
    await pilot.pause()


def _errors(app: NewsApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def test_a_refresh_process_that_dies_is_one_line_and_the_reader_goes_on(
    home: Path, httpserver: HTTPServer
) -> None:
    body = (FEEDS / "rss20.xml").read_bytes()
    release = threading.Event()

    def held(request: Request) -> Response:
        release.wait(10)  # until the test has killed the refresh process
        return Response(body, content_type="application/xml")

    httpserver.expect_request("/held.xml").respond_with_handler(held)
    write_config(home, [(httpserver.url_for("/held.xml"), {})])
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        for _ in range(500):  # the child is started from the worker thread
            child = app.refresh_child
            if child is not None and child._proc is not None and httpserver.log:
                break
            await pilot.pause(0.01)
        assert child is not None and child._proc is not None
        os.kill(child._proc.pid, signal.SIGKILL)
        release.set()
        await until_refreshed(pilot)
        assert not app.refreshing
        assert "refresh failed" in app.main.status.render().plain
        errors = _errors(app)
        assert len(errors) == 1 and "\n" not in errors[0]
        assert "the refresh process died (killed by signal 9)" in errors[0]
        # the reader still works, and the next refresh runs as usual
        await pilot.press("r")
        await until_refreshed(pilot)
        await pilot.pause()
        assert app.main.headlines.row_count == 3
        assert "updated" in app.main.topbar.render().plain
        await pilot.press("j", "enter")
        assert app.main.article_view.article is not None


async def test_a_config_broken_while_the_reader_runs_fails_the_refresh_in_one_line(
    home: Path, httpserver: HTTPServer
) -> None:
    config = write_config(home, [(serve(httpserver, "rss20.xml"), {})])
    app = NewsApp(Runtime.load())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        config.write_text(config.read_text() + "\n[refresh\n")  # a typo saved in an editor
        await pilot.press("r")
        await until_refreshed(pilot)
        errors = _errors(app)
        assert len(errors) == 1 and "\n" not in errors[0] and "Traceback" not in errors[0]
        assert "config.toml" in errors[0]
        assert "refresh failed" in app.main.status.render().plain
        assert not httpserver.log  # nothing was fetched with a config it could not read
