"""Plain data passed between the core modules, the CLI and the TUI (no Textual here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
    url: str
    type: str | None = None
    length: int | None = None


@dataclass(slots=True)
class ParsedArticle:
    """One item as parse.py normalises it: text already cleaned, link absolute http(s) or None,
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
