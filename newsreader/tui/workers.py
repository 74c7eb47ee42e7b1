"""The app's media and topic work, kept beside app.py so the App stays app-wide in one
look: playing and downloading enclosures and fetching pictures (issue 16), the story and
digest workers (issue 17), watched views and the rules pass (issue 15).

`AppWorkers` is a mixin of `NewsApp`: it uses the runtime, the UI thread's store, the clock
and the main screen the App holds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SuspendNotSupported
from textual.message_pump import MessagePump
from textual.worker import Worker

from newsreader.sanitize import clean_line
from newsreader.store import Store
from newsreader.tui.host import (
    DigestLoaded,
    DownloadChanged,
    DownloadRow,
    ImagesFetched,
    StoryLoaded,
)

if TYPE_CHECKING:
    from newsreader.media.queue import Download
    from newsreader.runtime import Runtime
    from newsreader.tui.screens.main import MainScreen

# What the palette's digest covers, as `newsreader digest` does by default.
DIGEST_PERIOD = 24 * 3600.0


class AppWorkers(App[int]):
    """Media, stories, digest, watched views and rules: workers and their replies."""

    rt: Runtime
    store: Store | None
    clock: Callable[[], float]
    main: MainScreen

    def reload_sidebar(self) -> object:  # NewsApp's worker
        raise NotImplementedError

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

    # -- stories and the digest (issue 17) --------------------------------------------------

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

    # -- watched views and rules (issue 15) ----------------------------------------------------

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
