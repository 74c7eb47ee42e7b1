"""Everything a command or the TUI needs to start: paths, settings, subscriptions, the store.

Shared by the CLI and the app so both resolve files and validate config the same way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newsreader import config as cfg
from newsreader.model import FeedConfig, NewsreaderError, ViewConfig
from newsreader.store import Classifier, Store


@dataclass
class Runtime:
    config_path: Path
    data_dir: Path
    settings: cfg.Settings
    subscriptions: list[FeedConfig]  # feeds.toml only
    first_run: bool = False
    _feeds: list[FeedConfig] = field(default_factory=list)
    saved_views: list[ViewConfig] = field(default_factory=list)  # feeds.toml's [[views]]
    # Where a one-line notice goes (the CLI: stderr); None keeps it quiet.
    notice: Callable[[str], None] | None = None

    @classmethod
    def load(
        cls,
        config: str | os.PathLike[str] | None = None,
        data: str | os.PathLike[str] | None = None,
        *,
        create_config: bool = False,
    ) -> Runtime:
        """Resolve paths and validate both config files (raises ConfigError, one line)."""
        config_path = cfg.config_path(config)
        first_run = False
        if create_config and not config_path.exists():
            try:
                first_run = cfg.write_first_config(config_path)
            except OSError as exc:
                raise cfg.ConfigError(f"{config_path}: cannot create: {exc.strerror}") from None
        settings = cfg.load_settings(config_path, required=config is not None)
        subs = cfg.load_subscriptions(cfg.feeds_path(config_path))
        rt = cls(config_path, cfg.data_dir(data), settings, subs, first_run)
        rt._feeds = cfg.all_feeds(settings, subs)
        rt.saved_views = cfg.load_saved_views(cfg.feeds_path(config_path))
        return rt

    @property
    def views(self) -> list[ViewConfig]:
        """Saved views: config.toml's, then those saved from the program (a name once)."""
        names = {v.name.casefold() for v in self.settings.views}
        return self.settings.views + [v for v in self.saved_views if v.name.casefold() not in names]

    def view_config(self, name: str) -> ViewConfig | None:
        return next((v for v in self.views if v.name.casefold() == name.strip().casefold()), None)

    def save_view(self, name: str, match: str) -> ViewConfig:
        """Save a query as a view in feeds.toml (`S` in the reader); replaces one of the
        same name saved before. config.toml's views are read-only."""
        from newsreader.query import check_query

        name = name.strip()
        if not name:
            raise NewsreaderError("a view needs a name")
        check_query(match)
        own = next((v for v in self.settings.views if v.name.casefold() == name.casefold()), None)
        if own is not None:
            raise NewsreaderError(
                f'view "{name}" is defined in {self.config_path}:{own.line}; edit it there'
            )
        view = ViewConfig(name=name, match=match, source="feeds")
        saved = [v for v in self.saved_views if v.name.casefold() != name.casefold()]
        self.saved_views = [*saved, view]
        cfg.save_subscriptions(
            cfg.feeds_path(self.config_path), self.subscriptions, self.saved_views
        )
        return view

    @property
    def feeds(self) -> list[FeedConfig]:
        """All subscriptions: config.toml's, then feeds.toml's."""
        return self._feeds

    def feed_config(self, url: str) -> FeedConfig | None:
        return next((f for f in self._feeds if f.url == url), None)

    def classifier(self) -> Classifier:
        from newsreader.ranking import is_opinion

        return partial(_classify, is_opinion, tuple(self.settings.opinion.keywords))

    def open_store(self, *, rules_pass: bool = True) -> Store:
        """Open the store, migrate it, and make its feed rows match the subscriptions.
        With rules_pass, stored articles are brought in line with changed [[rules]] first
        (the TUI passes False and does that in a worker)."""
        store = Store.open(self.data_dir)
        try:
            store.reclassify("\x1f".join(sorted(self.settings.opinion.keywords)), self.classifier())
            store.sync_feeds(self._feeds)
            store.set_rules(self.settings.rules)
            if rules_pass and store.rules_changed():
                changed = store.apply_rules()
                if self.notice is not None:
                    self.notice(f"rules changed: {changed} stored articles updated")
        except BaseException:
            store.close()
            raise
        return store

    # -- subscriptions written by the program -----------------------------------------------

    def add_subscription(self, feed: FeedConfig) -> None:
        if self.feed_config(feed.url):
            raise NewsreaderError(f"already subscribed to {feed.url}")
        self.subscriptions = [*self.subscriptions, feed]
        cfg.save_subscriptions(cfg.feeds_path(self.config_path), self.subscriptions)
        self._feeds = cfg.all_feeds(self.settings, self.subscriptions)

    def add_subscriptions(self, feeds: list[FeedConfig]) -> list[FeedConfig]:
        """Add many at once (one write); returns those that were not already there."""
        known = {f.url for f in self._feeds}
        fresh = []
        for f in feeds:
            if f.url not in known:
                known.add(f.url)
                fresh.append(f)
        if fresh:
            self.subscriptions = [*self.subscriptions, *fresh]
            cfg.save_subscriptions(cfg.feeds_path(self.config_path), self.subscriptions)
            self._feeds = cfg.all_feeds(self.settings, self.subscriptions)
        return fresh

    def update_subscription(self, url: str, **changes: object) -> None:
        """Change a feeds.toml entry (rename, retag); config.toml entries are read-only."""
        feed = self.feed_config(url)
        if feed is None:
            raise NewsreaderError(f"not subscribed to {url}")
        if feed.source == "config":
            raise NewsreaderError(_config_owned(self.config_path, feed, "change"))
        for key, value in changes.items():
            setattr(feed, key, value)
        cfg.save_subscriptions(cfg.feeds_path(self.config_path), self.subscriptions)

    def remove_subscription(self, url: str) -> FeedConfig:
        feed = self.feed_config(url)
        if feed is None:
            raise NewsreaderError(f"not subscribed to {url}")
        if feed.source == "config":
            raise NewsreaderError(_config_owned(self.config_path, feed, "remove"))
        self.subscriptions = [f for f in self.subscriptions if f.url != url]
        cfg.save_subscriptions(cfg.feeds_path(self.config_path), self.subscriptions)
        self._feeds = cfg.all_feeds(self.settings, self.subscriptions)
        return feed

    def find_feed_url(self, text: str) -> str | None:
        """A subscription by exact url, normalised local path, or case-insensitive title."""
        for candidate in (text, normalise_url(text)):
            if self.feed_config(candidate):
                return candidate
        lowered = text.lower()
        for f in self._feeds:
            if f.title and f.title.lower() == lowered:
                return f.url
        return None


def _classify(is_opinion, keywords, section, categories, link) -> bool:
    return is_opinion(section, categories, link, keywords)


def _config_owned(config_path: Path, feed: FeedConfig, verb: str) -> str:
    where = f"{config_path}:{feed.line}" if feed.line else str(config_path)
    return f"{feed.url} is defined in {where}; edit config.toml to {verb} it"


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_FILE_SUFFIXES = {"xml", "rss", "rdf", "atom", "json", "opml", "txt", "htm", "html", "feed"}
_HOSTLIKE = re.compile(r"^(?:localhost|[^\s/:]+\.[^\s/:]+)(?::\d+)?(?:[/?#]|$)", re.IGNORECASE)


def normalise_url(text: str) -> str:
    """http(s) and file URLs as given; feed: URLs as https; a name that looks like a host
    (example.com/feed) as https unless it is a local path; any other local path as an
    absolute file:// URL. Another scheme (ftp:, gopher:...) is an error."""
    text = text.strip()
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")):
        return text
    if lowered.startswith("file://"):
        return "file://" + str(Path(unquote(urlsplit(text).path)).resolve())
    if lowered.startswith("feed:"):  # feed://host/path, feed:https://host/path
        rest = text[5:]
        return (
            rest
            if rest.lower().startswith(("http://", "https://"))
            else "https:" + (rest if rest.startswith("//") else "//" + rest)
        )
    path = Path(text).expanduser()
    scheme = _SCHEME.match(text)
    if scheme and text[scheme.end() : scheme.end() + 2] == "//" and not path.exists():
        raise NewsreaderError(
            f"unsupported URL scheme {scheme.group(1)!r}: newsreader reads http(s) and file URLs"
        )
    host = _HOSTLIKE.match(text)
    if host and not path.exists():
        # "news.xml" alone is a missing file, "example.com" or "example.com/feed" a host.
        bare = host.group().rstrip("/?#") == text
        if not bare or text.rsplit(".", 1)[-1].lower() not in _FILE_SUFFIXES:
            return "https://" + text
    return "file://" + str(path.resolve())
