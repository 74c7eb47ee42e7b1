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
from newsreader.model import FeedConfig, NewsreaderError, View, ViewConfig
from newsreader.sanitize import clean_line
from newsreader.store import Store
from newsreader.tui.bindings import bindings_for
from newsreader.tui.browser import browser_argv, is_terminal_browser, launch, run_in_terminal
from newsreader.tui.host import (
    DigestLoaded,
    DownloadChanged,
    DownloadRow,
    FullTextFetched,
    ImagesFetched,
    Library,
    RefreshFinished,
    RefreshProgressed,
    SidebarLoaded,
    StoryLoaded,
    ViewLoaded,
)
from newsreader.tui.screens.feeds import FeedsScreen
from newsreader.tui.screens.main import MainScreen

if TYPE_CHECKING:
    from textual.command import Provider

    from newsreader.fetch import FetchResult
    from newsreader.media.queue import Download
    from newsreader.refresh_proc import RefreshProcess
    from newsreader.runtime import Runtime


# How long a graphical browser's launch is watched for a failure exit.
BROWSER_WAIT = 10.0
# What the palette's digest covers, as `newsreader digest` does by default.
DIGEST_PERIOD = 24 * 3600.0
# A refresh of up to this many feeds reports each one; a bigger one every PROGRESS_INTERVAL s.
PROGRESS_EVERY_FEED = 20
PROGRESS_INTERVAL = 0.1


def _palette() -> type[Provider]:
    from newsreader.tui.palette import NewsCommands

    return NewsCommands


class NewsApp(App[int]):
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
    ) -> None:
        self.created_at = time.perf_counter()
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

    # -- media: enclosures played and downloaded, pictures (issue 16) ------------------------

    @property
    def images_enabled(self) -> bool:
        return self.rt.settings.ui.images != "off"

    def _media_failed(self, why: str) -> None:
        self.notify(clean_line(why, 200), severity="error", markup=False, timeout=6)

    def play_enclosure(self, url: str) -> None:
        """Play a link with ui.player (its downloaded file when there is one): a terminal
        player gets the terminal, others start detached; failures are one line."""
        from newsreader.media.player import PlayerError, player_command, run_in_terminal, spawn
        from newsreader.media.queue import DownloadQueue

        local = DownloadQueue(self.store).local_file(url) if self.store is not None else None
        try:
            cmd = player_command(local or url, self.rt.settings.ui.player)
            if not cmd.terminal:
                spawn(cmd)
                self.notify(f"playing with {cmd.name}", timeout=2, markup=False)
                return
            try:
                with self.suspend():
                    code = run_in_terminal(cmd)
            except SuspendNotSupported:
                raise PlayerError(f"cannot hand this terminal to {cmd.name}") from None
            if code:
                self._media_failed(f"{cmd.name} exited with status {code}")
        except PlayerError as exc:
            self._media_failed(str(exc))

    def download_enclosure(self, article_id: int, index: int) -> None:
        """Queue an article's enclosure (1-based) and make sure the downloads worker runs."""
        from newsreader.media.download import DownloadManager
        from newsreader.media.queue import DownloadError

        if self.store is None:
            return
        try:
            manager = DownloadManager(self.store, self.rt.settings.media)
            d = manager.enqueue_article(article_id, index)
        except DownloadError as exc:
            self._media_failed(str(exc))
            return
        name = clean_line(d.name, 80)
        if d.state == "done":
            self.notify(f"already downloaded: {name}", timeout=3, markup=False)
            return
        self.notify(f"downloading {name} · D shows downloads", timeout=3, markup=False)
        self.start_downloads()

    def start_downloads(self) -> None:
        """Run the download queue in a thread worker, unless one runs already (not
        exclusive: that would cancel the running downloads)."""
        from dataclasses import replace
        from functools import partial

        from newsreader.media.download import run_downloads

        if any(w.group == "downloads" and not w.is_finished for w in self.workers):
            return
        holder: list[Worker[None]] = []

        def changed(d: Download) -> None:  # on the worker's thread; post_message is thread-safe
            self.post_message(DownloadChanged(replace(d)))  # a copy: the worker goes on

        def stop() -> bool:
            return bool(holder) and holder[0].is_cancelled

        job = partial(
            run_downloads, self.rt.data_dir, self.rt.settings.media, on_change=changed, stop=stop
        )
        holder.append(
            self.run_worker(
                job, name="downloads", group="downloads", thread=True, exit_on_error=False
            )
        )

    def _downloads_pending(self) -> int:
        from newsreader.media.queue import DownloadQueue

        return DownloadQueue(self.store).pending() if self.store is not None else 0

    def _resume_downloads(self) -> None:
        """At start: the queue left by the last run (or a `newsreader download`) goes on."""
        if self._downloads_pending():
            self.start_downloads()

    def on_download_changed(self, message: DownloadChanged) -> None:
        from newsreader.tui.screens.downloads import DownloadsScreen

        row = message.row
        for screen in self.screen_stack:
            if isinstance(screen, DownloadsScreen):
                screen.changed(row)
        if row.state == "done":
            self.notify(f"downloaded {clean_line(row.name, 80)}", timeout=3, markup=False)
        elif row.state == "failed":
            why = clean_line(row.error or "", 120)
            self._media_failed(f"download failed: {clean_line(row.name, 60)}: {why}")

    def download_rows(self) -> list[DownloadRow]:
        from newsreader.media.queue import DownloadQueue

        return list(DownloadQueue(self.store).entries()) if self.store is not None else []

    def download_action(self, download_id: int, action: str) -> bool:
        """pause | resume | cancel | forget one download; False when its state forbids it."""
        from newsreader.media.queue import DownloadQueue

        if self.store is None:
            return False
        queue = DownloadQueue(self.store)
        actions = {
            "pause": queue.pause,
            "resume": queue.resume,
            "cancel": queue.cancel,
            "forget": queue.forget,
        }
        done = actions[action](download_id)
        if done and action == "resume":
            self.start_downloads()
        return done

    def open_download_folder(self) -> None:
        from newsreader.media.player import PlayerError, folder_command, spawn

        folder = self.rt.settings.media.download_folder()
        try:
            spawn(folder_command(folder))
        except PlayerError as exc:
            self._media_failed(str(exc))

    @work(thread=True, exclusive=True, group="images", exit_on_error=False)
    def fetch_images(self, article_id: int, urls: list[str]) -> None:
        """An article's pictures: fetched (or from the disk cache), checked, decoded and
        shrunk here, so the UI thread only scales small pictures to the pane."""
        from newsreader.media.images import ImageCache, open_image
        from newsreader.tui.widgets.pictures import shrink

        cache = ImageCache.for_settings(self.rt.data_dir, self.rt.settings.media)
        pictures: dict[str, object] = {}
        for url, got in cache.fetch_blocking(urls).items():
            if isinstance(got, Path):
                try:
                    pictures[url] = shrink(open_image(got))
                except Exception:  # a hostile file that passed the header check stays [image]
                    continue
        if pictures:
            self.main.post_message(ImagesFetched(article_id, pictures))

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
    def fetch_ids(self, view: View, generation: int) -> None:
        with Store.open(self.rt.data_dir) as store:
            ids = store.ids(view)
            unread = store.total_unread()
        self.main.post_message(ViewLoaded(generation, ids, unread))

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

    @work(thread=True, exclusive=True, group="story", exit_on_error=False)
    def fetch_story(self, article_id: int, to: MessagePump) -> None:
        from newsreader.ranking.stories import story

        with Store.open(self.rt.data_dir) as store:
            found = story(store, self.rt.settings, article_id, self.clock())
        to.post_message(StoryLoaded(article_id, found))

    @work(thread=True, exclusive=True, group="digest", exit_on_error=False)
    def fetch_digest(self, to: MessagePump) -> None:
        from newsreader.digest import build_digest, render_text

        with Store.open(self.rt.data_dir) as store:
            digest = build_digest(store, self.rt.settings, self.clock(), DIGEST_PERIOD)
        to.post_message(DigestLoaded(render_text(digest)))

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

    def tell_watched(self, since: float) -> None:
        """From a worker thread, after a refresh stored news: "3 new in Space" for each
        watched view ([[views]] notify = true), and ui.notify_command per new article."""
        from newsreader.watch import news_since, run_notify_command

        if not any(v.notify for v in self.rt.views):
            return
        with self.rt.open_store(rules_pass=False) as store:
            news = news_since(store, self.rt.views, since)
        for item in news:
            self.call_from_thread(self.notify, item.line, title="Watched", markup=False)
        command = self.rt.settings.ui.notify_command
        if news and command:
            for error in run_notify_command(command, news):
                self.call_from_thread(self.notify, error, severity="warning", markup=False)

    @work(thread=True, exclusive=True, group="rules", exit_on_error=False)
    def apply_rules(self) -> None:
        """Changed [[rules]] re-applied to every stored article, off the UI thread."""
        with self.rt.open_store(rules_pass=False) as store:
            if not store.rules_changed():
                return
            changed = store.apply_rules()
        self.call_from_thread(
            self.notify, f"rules changed: {changed} stored articles updated", markup=False
        )
        if changed:
            self.call_from_thread(self.main.reload)
            self.call_from_thread(self.reload_sidebar)

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
    import tempfile
    from pathlib import Path

    from newsreader.demo_run import prepare_demo

    with tempfile.TemporaryDirectory(prefix="newsreader-demo-") as tmp:
        rt = prepare_demo(Path(tmp))
        app = NewsApp(rt, refresh_on_start=False)
        app.run()
        return app.return_code or 0
