"""Plain data passed between the core modules, the CLI and the TUI (no Textual here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SECTIONS = ("news", "opinion", "trending")
DEFAULT_OPINION_KEYWORDS: tuple[str, ...] = (
    "opinion",
    "blog",
    "interview",
    "column",
    "editorial",
    "analysis",
    "commentary",
    "op-ed",
    "viewpoint",
    "perspective",
)


class NewsreaderError(Exception):
    """An error with a one-line reason meant for the user."""


class FeedError(NewsreaderError):
    """A feed could not be fetched or parsed."""


@dataclass(slots=True)
class Enclosure:
    """A media file an item carries (podcast audio, video, a picture): http(s) URLs only."""

    url: str
    type: str | None = None  # MIME type
    length: int | None = None  # bytes
    duration: int | None = None  # seconds
    thumbnail: str | None = None  # URL of a picture for it
    medium: str | None = None  # "audio", "video", "image"...
    title: str | None = None

    def as_json(self) -> dict[str, Any]:
        """For the store's JSON column: url, type and length always, the rest when known."""
        out: dict[str, Any] = {"url": self.url, "type": self.type, "length": self.length}
        for key in ("duration", "thumbnail", "medium", "title"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass(slots=True)
class ParsedArticle:
    """One item as newsreader.parse normalises it: text already cleaned, link absolute http(s) or None,
    datetimes timezone-aware UTC (never after the fetch time)."""

    title: str
    guid: str | None = None
    link: str | None = None
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    categories: list[str] = field(default_factory=list)
    summary_html: str | None = None
    content_html: str | None = None
    enclosures: list[Enclosure] = field(default_factory=list)
    search_text: str | None = None  # plain text for the search index, made off the main thread


@dataclass(slots=True)
class ParsedFeed:
    title: str | None
    site_link: str | None
    articles: list[ParsedArticle]
    format: str = ""  # "rss20", "atom10", "json11", ...
    warning: str | None = None  # a recoverable problem feedparser reported


@dataclass(slots=True)
class FeedConfig:
    """A subscription, from config.toml or feeds.toml."""

    url: str
    title: str | None = None
    tags: list[str] = field(default_factory=list)
    section: str = "news"
    full_text: bool = False
    refresh_minutes: int | None = None
    source: str = "feeds"  # "config" (user's file, read-only to us) or "feeds"
    line: int | None = None  # where it is defined in its file, for error messages


RULE_ACTIONS = ("hide", "read", "star", "tag", "highlight")


@dataclass(slots=True)
class RuleConfig:
    """A `[[rules]]` entry: what `match` selects gets `action` when it is stored."""

    match: str
    action: str  # one of RULE_ACTIONS
    feeds: list[str] = field(default_factory=list)  # only these feed urls (empty: all)
    tag: str | None = None  # the tag `action = "tag"` adds
    line: int | None = None


@dataclass(slots=True)
class ViewConfig:
    """A saved view (`[[views]]`): a named query, listed under the feeds."""

    name: str
    match: str
    notify: bool = False  # a watched topic: say when a refresh stores new matches
    source: str = "config"  # "config" or "feeds" (saved from the program)
    line: int | None = None


# --- rows read from the store, shared by the CLI and the TUI's widgets ---------------------


@dataclass(frozen=True, slots=True)
class View:
    """Which articles a list shows. Filters combine (the CLI uses several at once)."""

    unread: bool = False
    starred: bool = False
    opinion: bool = False
    feed_id: int | None = None
    tag: str | None = None
    section: str | None = None
    search: str | None = None
    match: str | None = None  # a query (newsreader.query), as saved views and rules use
    hidden: bool = False  # only what rules hid (`list --hidden`); otherwise hidden never shows
    new_since: float | None = None  # only articles first stored after this (epoch seconds)

    @property
    def merges_copies(self) -> bool:
        """Views across feeds show one row per story link; a feed, tag, section or the
        starred list shows every copy it has (the user may have starred either)."""
        return self.feed_id is None and not self.tag and not self.section and not self.starred

    def describe(self) -> str:
        parts = []
        if self.search:
            parts.append(f'search "{self.search}"')
        if self.match:
            parts.append(f"matching {self.match}")
        if self.hidden:
            parts.append("hidden by rules")
        if self.unread:
            parts.append("unread")
        if self.starred:
            parts.append("starred")
        if self.opinion:
            parts.append("opinion")
        if self.tag:
            parts.append(f"tag {self.tag}")
        if self.section:
            parts.append(f"section {self.section}")
        return ", ".join(parts) or "all"


@dataclass(slots=True)
class ArticleRow:
    """One line of a headline list."""

    id: int
    feed_id: int
    feed_url: str
    feed_title: str
    title: str
    link: str | None
    author: str | None
    sort_ts: float
    published: float | None
    read: bool
    starred: bool
    section: str
    opinion: bool
    highlight: bool = False  # a [[rules]] highlight matched it
    duration: float | None = None  # seconds: the first enclosure's (a podcast episode's)

    @property
    def cursor(self) -> tuple[float, int]:
        return (self.sort_ts, self.id)


@dataclass(slots=True)
class Article(ArticleRow):
    """One article, whole."""

    guid: str | None = None
    updated: float | None = None
    categories: list[str] | None = None
    summary_html: str | None = None
    content_html: str | None = None
    enclosures: list[dict[str, Any]] | None = None
    fulltext_html: str | None = None
    feed_link: str | None = None


@dataclass(slots=True)
class FeedRow:
    id: int
    url: str
    title: str
    site_link: str | None
    section: str
    tags: list[str]
    etag: str | None
    last_modified: str | None
    last_fetch: float | None
    last_status: int | None
    last_error: str | None
    error_count: int
    next_fetch: float | None
    retry_until: float | None
    gone: bool
    fetch_url: str | None = None
    unread: int = 0
    total: int = 0

    @property
    def display_title(self) -> str:
        return self.title or self.url

    @property
    def current_url(self) -> str:
        """Where to fetch it now: the subscribed url, or where it permanently moved."""
        return self.fetch_url or self.url


@dataclass(slots=True)
class TrendingStory:
    title: str  # the freshest headline
    sources: int  # distinct feeds
    score: float
    members: list[ArticleRow]  # freshest first
    lead_id: int  # the article selecting the story opens

    @property
    def unread(self) -> bool:
        return any(not m.read for m in self.members)

    @property
    def sources_text(self) -> str:
        """What a list shows for the count: "1 source", "4 sources"."""
        return f"{self.sources} source" + ("" if self.sources == 1 else "s")


@dataclass(slots=True, frozen=True)
class RankItem:
    """One recent article, as the store hands it over."""

    id: int
    feed_id: int
    feed_title: str
    title: str
    link: str | None
    published: float  # epoch seconds UTC (the store's sort time)
    section: str  # the feed's section: "news" | "opinion" | "trending"
    rank: int = 0  # position within a section="trending" feed's latest fetch (0 = top)
    # the feed's summary (description / first paragraph), capped; tags are dropped when read
    summary: str = ""


def plural(n: int, word: str) -> str:
    """ "1 article", "2 articles": English plurals of the nouns our messages count."""
    if n == 1:
        return f"1 {word}"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return f"{n} {word[:-1]}ies"
    return f"{n} {word}s"
