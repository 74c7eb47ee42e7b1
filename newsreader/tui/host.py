"""What the main screen may ask of the app, and what the app's workers send it back.

Screens and widgets never import the store, the fetcher, refresh or the runtime: the App
owns those and hands the screen this narrow surface (checked by mypy where the App builds
its MainScreen). Only `model` types cross it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from textual.message import Message
from textual.message_pump import MessagePump

from newsreader.model import (
    Article,
    ArticleRow,
    FeedConfig,
    FeedRow,
    TrendingStory,
    View,
    ViewConfig,
)


class Library(Protocol):
    """The store calls the main screen makes on the UI thread (quick reads, one-row writes)."""

    def page(
        self, view: View, after: tuple[float, int] | None = None, limit: int = 100
    ) -> list[ArticleRow]: ...
    def rows(self, ids: Sequence[int]) -> dict[int, ArticleRow]: ...
    # keyset windows of a view (the headline list never holds a view's whole id list)
    def rows_after(
        self, view: View, cursor: tuple[float, int] | None, n: int
    ) -> list[ArticleRow]: ...
    def rows_before(self, view: View, cursor: tuple[float, int], n: int) -> list[ArticleRow]: ...
    def rows_at(
        self, view: View, offset: int, n: int, *, total: int | None = None
    ) -> list[ArticleRow]: ...
    def position(self, view: View, cursor: tuple[float, int], *, cap: int | None = None) -> int: ...
    def article(self, article_id: int) -> Article | None: ...
    def total_unread(self) -> int: ...
    def set_read(self, ids: Iterable[int], read: bool = True) -> int: ...
    def set_starred(self, ids: Iterable[int], starred: bool = True) -> int: ...
    def mark_view_read(self, view: View) -> list[int]: ...
    def feeds(self, urls: Iterable[str] | None = None, *, counts: bool = True) -> list[FeedRow]: ...
    def feed_id(self, url: str) -> int | None: ...
    def tag_counts(self) -> dict[str, int]: ...
    def count(self, view: View, *, cap: int | None = None) -> int: ...


class DownloadRow(Protocol):
    """One row of the download queue (media.queue.Download), as the downloads screen reads it."""

    id: int
    url: str
    state: str
    error: str | None

    @property
    def name(self) -> str: ...
    @property
    def fraction(self) -> float | None: ...
    def progress_text(self) -> str: ...


class Host(Protocol):
    """The App, as the main screen sees it."""

    clock: Callable[[], float]
    first_paint_at: float | None

    @property
    def library(self) -> Library | None: ...
    @property
    def subscriptions(self) -> list[FeedConfig]: ...
    @property
    def layout(self) -> str: ...
    @property
    def mark_read_on_open(self) -> bool: ...
    @property
    def read_copies(self) -> bool: ...
    @property
    def config_path(self) -> Path: ...
    @property
    def views(self) -> list[ViewConfig]: ...

    def save_view(self, name: str, match: str) -> bool: ...

    def main_ready(self) -> None: ...
    def fetch_rows_at(self, view: View, offset: int, n: int, total: int, ticket: int) -> object: ...
    def fetch_window(
        self,
        view: View,
        generation: int,
        anchor: tuple[float, int] | None,
        above: int,
        below: int,
    ) -> object: ...
    def reload_sidebar(self) -> object: ...
    def count_views(self, matches: list[str], cap: int, to: MessagePump) -> object: ...
    def start_refresh(self, force: bool = False, urls: list[str] | None = None) -> None: ...
    def refresh_ended(self) -> None: ...
    def fetch_full_text(self, article_id: int, url: str) -> object: ...
    def fetch_story(self, article_id: int, to: MessagePump) -> object: ...
    def fetch_digest(self, to: MessagePump) -> object: ...
    def subscribe(self, feed: FeedConfig) -> Awaitable[tuple[FeedConfig, int]]: ...
    def remove_feed(self, url: str) -> None: ...
    def rename_feed(self, url: str, title: str) -> None: ...
    def feed_config(self, url: str) -> FeedConfig | None: ...
    def open_url(self, url: str, *, new_tab: bool = True) -> None: ...
    def live_keys(self) -> list[tuple[str, str, str]]: ...
    def hint_keys(self) -> list[tuple[str, str]]: ...

    # media (issue 16): enclosures played and downloaded, pictures fetched
    @property
    def images_enabled(self) -> bool: ...
    def play_enclosure(self, url: str) -> None: ...
    def download_enclosure(self, article_id: int, index: int) -> None: ...
    def fetch_images(self, article_id: int, urls: list[str]) -> object: ...
    def download_rows(self) -> list[DownloadRow]: ...
    def download_action(self, download_id: int, action: str) -> bool: ...
    def open_download_folder(self) -> None: ...


# -- what the app's workers report (posted to the main screen) ----------------------------------


class WorkerReport(Message, bubble=False):
    """A worker's result, for the main screen alone."""


@dataclass
class ViewLoaded(WorkerReport, bubble=False):
    """A view was counted and a window of its rows read around `anchor` (the key of the
    story under the cursor when asked; None: from the top). `generation` says which load
    it answers."""

    generation: int
    total: int  # rows in the view
    start: int  # the view index of rows[0]
    rows: list[ArticleRow]
    anchor: tuple[float, int] | None
    place: int  # the anchor's view index (where it is, or would be if it left the view)
    unread: int  # unread stories across feeds


@dataclass
class RowsRead(WorkerReport, bubble=False):
    """The rows at an offset of the view shown, for a far jump of the headline list."""

    ticket: int
    start: int
    rows: list[ArticleRow]
    wanted: int


@dataclass
class ViewsCounted(WorkerReport, bubble=False):
    """Unread stories in saved views, by their query (counting stopped at the cap)."""

    counts: dict[str, int]


@dataclass
class SidebarLoaded(WorkerReport, bubble=False):
    trending: list[TrendingStory]
    opinion: list[ArticleRow]


@dataclass
class RefreshProgressed(WorkerReport, bubble=False):
    done: int
    total: int
    errors: int
    new_stories: bool  # the feed just finished brought new stories


@dataclass
class RefreshFinished(WorkerReport, bubble=False):
    new: int
    offline: str | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (feed title, error)
    failed: str | None = None  # the refresh itself crashed: why


@dataclass
class FullTextFetched(WorkerReport, bubble=False):
    article_id: int
    failed: str | None = None  # why there is no full text (one line)


@dataclass
class ImagesFetched(WorkerReport, bubble=False):
    """An article's pictures, decoded and shrunk for the terminal (PIL images by link; a
    link that failed is absent, so its [image: alt] stays)."""

    article_id: int
    pictures: dict[str, object]


@dataclass
class DownloadChanged(Message):
    """A download's state or progress changed (posted from the downloads worker)."""

    row: DownloadRow


# -- reports to other screens (the `to` a worker was given) -------------------------------------


@dataclass
class StoryLoaded(WorkerReport, bubble=False):
    """Every source's article of the story `article_id` belongs to (None: no such article)."""

    article_id: int
    story: TrendingStory | None


@dataclass
class DigestLoaded(WorkerReport, bubble=False):
    text: str  # the digest's text form
