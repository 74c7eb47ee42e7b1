"""The Textual app: app-wide concerns only (the main screen owns the main screen's behaviour).

The app holds the runtime (config, subscriptions), one Store on the UI thread for quick
reads and single-row writes, the theme and the keymap, and the workers: anything that can
take long (a view's full id list on a big store, trending, refresh, full text, subscribe)
runs in a thread with its own Store and reports to the main screen as a `host` message.
Screens and widgets reach all of this only through `tui.host.Host`, which this class is.
"""

from __future__ import annotations

import time
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, SuspendNotSupported
from textual.binding import Binding
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from newsreader.keys import KEYS
from newsreader.model import ArticleRow, FeedConfig, NewsreaderError, View, ViewConfig
from newsreader.sanitize import clean_line
from newsreader.store import Store
from newsreader.tui.bindings import bindings_for
from newsreader.tui.browser import browser_argv, is_terminal_browser, launch, run_in_terminal
from newsreader.tui.host import (
    FullTextFetched,
    Library,
    RefreshFinished,
    RefreshProgressed,
    RowsRead,
    SidebarLoaded,
    ViewLoaded,
    ViewsCounted,
)
from newsreader.tui.screens.feeds import FeedsScreen
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.workers import AppWorkers

if TYPE_CHECKING:
    from textual.command import Provider

    from newsreader.fetch import FetchResult
    from newsreader.refresh_proc import RefreshProcess
    from newsreader.runtime import Runtime


# How long a graphical browser's launch is watched for a failure exit.
BROWSER_WAIT = 10.0
# A refresh of up to this many feeds reports each one; a bigger one every PROGRESS_INTERVAL s.
PROGRESS_EVERY_FEED = 20
PROGRESS_INTERVAL = 0.1


def _palette() -> type[Provider]:
    from newsreader.tui.palette import NewsCommands

    return NewsCommands


class NewsApp(AppWorkers):
    """newsreader's TUI. `clock` fixes "now" (ages, trending) for tests and the demo."""

    CSS_PATH = "app.tcss"
    TITLE = "newsreader"
    BINDINGS = bindings_for("app")
    COMMANDS = App.COMMANDS | {_palette}

    def __init__(
        self,
        rt: Runtime,
        *,
        clock: Callable[[], float] | None = None,
        refresh_on_start: bool | None = None,
        on_signal: Callable[[], None] | None = None,
    ) -> None:
        self.created_at = time.perf_counter()
        self.on_signal = on_signal  # run on SIGHUP/SIGTERM before the app exits
        super().__init__()
        self.rt = rt
        self.clock: Callable[[], float] = clock or time.time
        settings = rt.settings
        self.refresh_on_start = (
            settings.refresh.on_start if refresh_on_start is None else refresh_on_start
        )
        self.store: Store | None = None
        self.refreshing = False
        # a refresh asked for while one runs: (force, urls; None = every feed), run after it
        self.queued_refresh: tuple[bool, list[str] | None] | None = None
        self.refresh_child: RefreshProcess | None = None  # the running refresh's process
        self.welcome_shown = False
        self.first_paint_at: float | None = None  # perf_counter when the list first drew a story
        self.main = MainScreen(self)

    # -- the Host surface (what the main screen may use) -------------------------------------

    @property
    def library(self) -> Library | None:
        return self.store

    @property
    def subscriptions(self) -> list[FeedConfig]:
        return self.rt.feeds

    @property
    def layout(self) -> str:
        return self.rt.settings.ui.layout

    @property
    def mark_read_on_open(self) -> bool:
        return self.rt.settings.ui.mark_read_on_open

    @property
    def read_copies(self) -> bool:
        return self.rt.settings.trending.read_copies

    @property
    def config_path(self) -> Path:
        return self.rt.config_path

    def feed_config(self, url: str) -> FeedConfig | None:
        return self.rt.feed_config(url)

    # -- start-up ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return self.main

    def main_ready(self) -> None:
        """The main screen's widgets exist: theme and keys, the store on screen, refresh."""
        settings = self.rt.settings
        if self.on_signal is not None:
            import asyncio
            import signal

            # Through the loop (its wakeup fd): a plain signal handler waits until the main
            # thread next runs Python, which an idle loop may never do.
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self._signalled, int(sig))
        self.set_keymap(settings.keys)
        theme = settings.ui.theme
        if theme in self.available_themes:
            self.theme = theme
        else:
            self.notify(
                f"unknown theme {clean_line(theme, 40)!r}; using textual-dark",
                severity="warning",
                markup=False,
            )
            self.theme = "textual-dark"
        try:
            self.store = self.rt.open_store(rules_pass=False)
        except NewsreaderError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=30)
            return
        self.main.start()
        if self.store.rules_changed():
            self.apply_rules()
        if not self.rt.feeds:
            self._welcome()
        if self.refresh_on_start and self.rt.feeds:
            self.call_after_refresh(self.start_refresh)
        interval = settings.refresh.interval
        if interval > 0:
            self.set_interval(interval * 60, self._timed_refresh, name="auto-refresh")
        self.call_after_refresh(self._resume_downloads)

    def _timed_refresh(self) -> None:
        if not self.refreshing:
            self.start_refresh()

    def _signalled(self, signum: int) -> None:
        if self.on_signal is not None:
            self.on_signal()
        self.exit(return_code=128 + signum)

    def on_unmount(self) -> None:
        if self.refresh_child is not None:
            self.refresh_child.stop()
        if self.store is not None:
            self.store.close()
            self.store = None

    def _welcome(self) -> None:
        """First run (or no feeds yet): where the config is and how to get stories in."""
        where = (
            f"Wrote your config to {self.rt.config_path}. "
            if self.rt.first_run
            else f"Config: {self.rt.config_path}. "
        )
        self.notify(
            "Welcome to newsreader. "
            + where
            + "No feeds yet: press f then a to add one, or from the shell run "
            "`newsreader add URL` or `newsreader import FILE.opml`. "
            "`newsreader --demo` shows the reader on sample feeds.",
            title="Welcome",
            markup=False,
            timeout=60,
        )
        self.welcome_shown = True

    async def on_event(self, event: events.Event) -> None:
        if self.welcome_shown and isinstance(event, events.Key):
            self.welcome_shown = False  # the welcome goes with the first key
            self.clear_notifications()
        await super().on_event(event)

    # -- keys --------------------------------------------------------------------------------

    def live_keys(self) -> list[tuple[str, str, str]]:
        """(keys as displayed, description, id) for every binding, after the user's keymap."""
        keymap = self._keymap
        out = []
        for spec in KEYS:
            keys = keymap.get(spec.id, spec.keys)
            shown = ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))
            out.append((shown, spec.description, spec.id))
        return out

    def hint_keys(self) -> list[tuple[str, str]]:
        keymap = self._keymap
        out = [("j/k", "move")] if "down" not in keymap and "up" not in keymap else []
        for spec in KEYS:
            if spec.show:
                first = keymap.get(spec.id, spec.keys).split(",")[0].strip()
                out.append((self.get_key_display(Binding(first, "")), spec.description.lower()))
        return out

    async def action_quit(self) -> None:
        """q goes back a level first (the story to the list on a small screen), then quits."""
        if self.screen is self.main and self.main.leave_article():
            return
        self.exit()

    def action_help(self) -> None:
        from newsreader.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.live_keys()))

    # -- links -------------------------------------------------------------------------------

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open a link with ui.browser (or the system's browser); failures are one line."""
        command = self.rt.settings.ui.browser.strip()
        if not command:
            # webbrowser runs the browser with an argument list, never through a shell.
            webbrowser.open(url, new=2 if new_tab else 0)
            return
        try:
            argv = browser_argv(command, url)
        except ValueError as exc:
            self._browser_failed(f"ui.browser: {exc}")
            return
        if not is_terminal_browser(argv):
            self.run_browser(argv)
            return
        try:
            with self.suspend():
                failed = run_in_terminal(argv)
        except SuspendNotSupported:
            failed = f"cannot hand this terminal to {argv[0]}"
        if failed:
            self._browser_failed(failed)

    def _browser_failed(self, why: str) -> None:
        self.notify(clean_line(why, 200), severity="error", markup=False, timeout=6)

    @work(thread=True, group="browser", exit_on_error=False)
    def run_browser(self, argv: list[str]) -> None:
        failed = launch(argv, BROWSER_WAIT)
        if failed:
            self.call_from_thread(self._browser_failed, failed)

    # -- the command palette's data ----------------------------------------------------------

    def feed_titles(self) -> list[tuple[str, str]]:
        """(url, title) of every subscription: the configured title, else the feed's own."""
        if self.store is None:
            return [(f.url, f.title or f.url) for f in self.rt.feeds]
        rows = {r.url: r for r in self.store.feeds([f.url for f in self.rt.feeds], counts=False)}
        return [
            (f.url, f.title or (rows[f.url].display_title if f.url in rows else f.url))
            for f in self.rt.feeds
        ]

    @property
    def views(self) -> list[ViewConfig]:
        """Saved views ([[views]] in config.toml, then those saved with S)."""
        return self.rt.views

    def save_view(self, name: str, match: str) -> bool:
        try:
            self.rt.save_view(name, match)
        except NewsreaderError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=8)
            return False
        self.notify(f"saved view {clean_line(name, 60)} (feeds screen, palette)", markup=False)
        return True

    def tag_names(self) -> list[str]:
        """Every tag used by a subscription, sorted."""
        return sorted({tag for f in self.rt.feeds for tag in f.tags}, key=str.lower)

    # -- subscriptions (the feeds screen's dialogs) ------------------------------------------

    async def subscribe(self, feed: FeedConfig) -> tuple[FeedConfig, int]:
        """Verify and save a feed; the blocking parts run in a thread."""
        import asyncio

        from newsreader.refresh import subscribe

        def run() -> tuple[FeedConfig, int]:
            return asyncio.run(subscribe(self.rt, feed))

        result = await asyncio.to_thread(run)
        if self.store is not None:
            self.store.sync_feeds(self.rt.feeds)
        return result

    def remove_feed(self, url: str) -> None:
        """Unsubscribe and delete the feed's stories (NewsreaderError: one line why not)."""
        self.rt.remove_subscription(url)
        if self.store is not None:
            self.store.delete_feed(url)

    def rename_feed(self, url: str, title: str) -> None:
        self.rt.update_subscription(url, title=title)
        if self.store is not None:
            feed_id = self.store.feed_id(url)
            if feed_id is not None:
                self.store.set_feed_title(feed_id, title)

    def on_feeds_screen_feed_added(self, message: FeedsScreen.FeedAdded) -> None:
        self.main.feed_added(message)

    def on_feeds_screen_feed_removed(self, message: FeedsScreen.FeedRemoved) -> None:
        self.main.feed_removed(message)

    def on_feeds_screen_feed_renamed(self, message: FeedsScreen.FeedRenamed) -> None:
        self.main.feed_renamed(message)

    def on_feeds_screen_marked_read(self, message: FeedsScreen.MarkedRead) -> None:
        self.main.marked_read(message)

    # -- workers -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="ids", exit_on_error=False)
    def fetch_window(
        self,
        view: View,
        generation: int,
        anchor: tuple[float, int] | None,
        above: int,
        below: int,
    ) -> None:
        """Count a view and read its rows around the anchor (keys, never the id list)."""
        with Store.open(self.rt.data_dir) as store:
            # one read transaction: the count, the position and the rows agree even while
            # a refresh commits feed after feed
            store.db.execute("BEGIN")
            try:
                total = store.count(view)
                place = 0
                if anchor is None:
                    up: list[ArticleRow] = []
                    rows = store.rows_after(view, None, below)
                else:
                    place = store.position(view, anchor)
                    up = store.rows_before(view, anchor, above)
                    rows = up + store.rows_after(view, up[-1].cursor if up else None, below)
                unread = store.total_unread()
            finally:
                store.db.execute("COMMIT")
        start = place - len(up) if up else 0  # nothing above: the rows are the view's top
        self.main.post_message(ViewLoaded(generation, total, start, rows, anchor, place, unread))

    @work(thread=True, exclusive=True, group="jump", exit_on_error=False)
    def fetch_rows_at(self, view: View, offset: int, n: int, total: int, ticket: int) -> None:
        """Rows far into a long view (a dragged scrollbar): the offset's key is found by
        walking the view's index, too slow for the UI thread at a million stories."""
        with Store.open(self.rt.data_dir) as store:
            rows = store.rows_at(view, offset, n, total=total)
        self.main.post_message(RowsRead(ticket, offset, rows, n))

    @work(thread=True, exclusive=True, group="view-counts", exit_on_error=False)
    def count_views(self, matches: list[str], cap: int, to: MessagePump) -> None:
        """Saved views' unread counts: each reads its matches (~160 ms at 100,000 articles),
        so off the UI thread; posted to `to` as they are all known."""
        counts: dict[str, int] = {}
        with Store.open(self.rt.data_dir) as store:
            for match in matches:  # (checked when the config was read)
                counts[match] = store.count(View(match=match, unread=True), cap=cap)
        to.post_message(ViewsCounted(counts))

    @work(thread=True, exclusive=True, group="sidebar", exit_on_error=False)
    def reload_sidebar(self) -> None:
        from newsreader.ranking.stories import trending_stories

        with Store.open(self.rt.data_dir) as store:
            stories = trending_stories(store, self.rt.settings, self.clock())
            opinion = store.page(View(opinion=True), limit=self.rt.settings.opinion.size)
        self.main.post_message(SidebarLoaded(stories, opinion))

    @work(thread=True, exclusive=True, group="fulltext", exit_on_error=False)
    def fetch_full_text(self, article_id: int, url: str) -> None:
        import asyncio

        from newsreader.fulltext import extract
        from newsreader.refresh import make_fetcher

        async def get() -> FetchResult:
            async with make_fetcher(self.rt) as fetcher:
                return await fetcher.fetch(url)

        result = asyncio.run(get())
        if result.error is not None:
            offline = " (offline?)" if result.network_error else ""
            why = f"could not fetch the page: {result.error}{offline}"
            self.main.post_message(FullTextFetched(article_id, why))
            return
        html = extract(result.body, url) if result.body else None
        if html:
            with Store.open(self.rt.data_dir) as store:
                store.set_fulltext(article_id, html)
        failed = None if html else "no article text found on the page"
        self.main.post_message(FullTextFetched(article_id, failed))

    def start_refresh(self, force: bool = False, urls: list[str] | None = None) -> None:
        if not self.rt.feeds and self.rt.settings.sync is None:
            self.notify("no feeds yet: press f, then a to add one", timeout=3)
            return
        if self.refreshing:
            # Never dropped: it runs when this one ends (merged with any already waiting).
            queued = self.queued_refresh
            if queued is not None:
                old_force, old_urls = queued
                force = force or old_force
                urls = None if urls is None or old_urls is None else [*old_urls, *urls]
            self.queued_refresh = (force, urls)
            self.notify("a refresh is running: this one follows it", timeout=2)
            return
        self.refreshing = True
        self.main.refresh_started()
        self.run_refresh(force, urls)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def run_refresh(self, force: bool, urls: list[str] | None) -> None:
        # The refresh runs in a child process (newsreader.refresh_proc): fetching, parsing
        # and storing never take the UI's GIL; this thread only relays its progress lines.
        from newsreader.refresh_proc import RefreshProcess

        last = 0.0
        pending_new = False

        def progress(done: int, total: int, errors: int, new: bool) -> None:
            # Every feed of a small refresh; at most ~10 updates a second of a big one, so
            # the UI thread redraws the status line for people, not for every feed.
            nonlocal last, pending_new
            pending_new = pending_new or new
            now = time.monotonic()
            if total > PROGRESS_EVERY_FEED and done < total and now - last < PROGRESS_INTERVAL:
                return
            last = now
            self.main.post_message(RefreshProgressed(done, total, errors, pending_new))
            pending_new = False

        started = time.time()
        child = self.refresh_child = RefreshProcess(self.rt, force=force, urls=urls)
        try:
            report = child.run(progress)  # NewsreaderError: one line, via worker_ended
        finally:
            self.refresh_child = None
        self.main.post_message(RefreshFinished(report.new, report.offline, report.errors))
        if report.new:
            self.tell_watched(started)

    def refresh_ended(self) -> None:
        """The main screen has shown a refresh's outcome: run the one queued meanwhile."""
        self.refreshing = False
        if self.queued_refresh is not None:
            force, urls = self.queued_refresh
            self.queued_refresh = None
            self.start_refresh(force, urls)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        downloads_done = worker.group == "downloads" and event.state == WorkerState.SUCCESS
        if downloads_done and self._downloads_pending():  # queued while it was finishing
            self.start_downloads()
        if event.state != WorkerState.ERROR:
            return
        error = worker.error
        reason = (
            str(error) if isinstance(error, NewsreaderError) else f"{type(error).__name__}: {error}"
        )
        if worker.group == "refresh":
            self.main.post_message(RefreshFinished(0, failed=reason))
        self.notify(
            f"{worker.group or worker.name} failed: {clean_line(reason, 200)}",
            severity="error",
            markup=False,
            timeout=8,
        )


def run_app(rt: Runtime) -> int:
    """Run the TUI; returns the process exit code."""
    app = NewsApp(rt)
    result = app.run()
    return int(result or 0) if app.return_code in (None, 0) else app.return_code or 1


def run_demo() -> int:
    """`newsreader --demo`: the TUI on the bundled feeds in a throwaway folder."""
    import shutil
    import signal
    import tempfile
    from pathlib import Path

    from newsreader.demo_run import prepare_demo

    with tempfile.TemporaryDirectory(prefix="newsreader-demo-") as tmp:

        def remove() -> None:
            shutil.rmtree(tmp, ignore_errors=True)

        def end(signum: int, _frame: object) -> None:
            # A closed terminal (SIGHUP) or a kill (SIGTERM) would skip the cleanup below.
            # Once the app runs, its loop handles these signals (see main_ready).
            remove()
            raise SystemExit(128 + signum)

        previous = {sig: signal.signal(sig, end) for sig in (signal.SIGHUP, signal.SIGTERM)}
        try:
            rt = prepare_demo(Path(tmp))
            app = NewsApp(rt, refresh_on_start=False, on_signal=remove)
            app.run()
            return app.return_code or 0
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
