"""Subscriptions, as the user changes them: add (with discovery), remove, rename, update.

One place for both the CLI and the TUI: each function changes feeds.toml (config.toml's feeds
are the user's and are refused with file:line) and the store together, in that order, so the
store never holds a feed the files do not list for longer than one call.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsreader import refresh
from newsreader.model import FeedConfig, NewsreaderError
from newsreader.runtime import Runtime, normalise_url
from newsreader.sanitize import clean_line
from newsreader.store import FetchOutcome, Store


async def subscribe(rt: Runtime, feed: FeedConfig) -> tuple[FeedConfig, int]:
    """Verify a feed (finding it from a web page if needed), save it, store its articles.

    Returns the saved subscription and the number of articles stored.
    """
    from newsreader.discover import discover

    url = normalise_url(feed.url)
    if rt.feed_config(url):
        raise NewsreaderError(f"already subscribed to {url}")
    folder = refresh._folder(url)
    if folder is not None:
        return await _subscribe_folder(rt, feed, url, folder)
    async with refresh.make_fetcher(rt) as fetcher:
        found = await discover(fetcher, url)
    if found.url != url and rt.feed_config(found.url):
        raise NewsreaderError(f"already subscribed to {found.url} (found at {url})")
    saved = FeedConfig(
        url=found.url,
        title=feed.title,
        tags=list(feed.tags),
        section=feed.section,
        full_text=feed.full_text,
        refresh_minutes=feed.refresh_minutes,
        source="feeds",
    )
    rt.add_subscription(saved)
    with rt.open_store() as store:
        feed_id = store.feed_id(saved.url)
        assert feed_id is not None
        res = found.result
        outcome = FetchOutcome(
            status=res.status,
            etag=res.etag,
            last_modified=res.last_modified,
            new_url=res.permanent_redirect,
            next_fetch=time.time() + refresh._interval(rt, saved),
        )
        new, _ = store.record_fetch(feed_id, outcome, found.parsed, keep_title=bool(feed.title))
    if not saved.title:
        saved = replace(saved, title=found.parsed.title)
    return saved, new


async def _subscribe_folder(
    rt: Runtime, feed: FeedConfig, url: str, folder: Path
) -> tuple[FeedConfig, int]:
    from newsreader.localfeeds import read_folder

    read = read_folder(folder, None, datetime.now(UTC))  # raises FeedError if no feed in it
    if read.parsed is None or not read.parsed.articles:
        raise NewsreaderError(f"no readable feed in {folder}")
    saved = replace(feed, url=url, source="feeds")
    rt.add_subscription(saved)
    with rt.open_store() as store:
        feed_id = store.feed_id(url)
        assert feed_id is not None
        outcome = FetchOutcome(
            status=200, etag=read.etag, next_fetch=time.time() + refresh._interval(rt, saved)
        )
        new, _ = store.record_fetch(feed_id, outcome, read.parsed, keep_title=bool(feed.title))
    if not saved.title:
        saved = replace(saved, title=folder.name)
    return saved, new


def unsubscribe(rt: Runtime, store: Store | None, url: str) -> FeedConfig:
    """Remove a feeds.toml subscription and drop its stored articles (store may be None when
    the caller has none open). Returns the removed subscription, titled with the configured
    title, else the feed's own. Raises NewsreaderError (one line) for a config.toml feed or
    an unknown url, and then changes nothing."""
    feed = rt.remove_subscription(url)
    if store is None:
        return feed
    rows = store.feeds([url], counts=False)
    store.delete_feed(url)
    if not feed.title and rows and rows[0].title:
        feed = replace(feed, title=rows[0].title)
    return feed


def rename(rt: Runtime, store: Store | None, url: str, title: str) -> str:
    """Give a feeds.toml subscription a title of the user's; returns the title as saved
    (one clean line). Raises NewsreaderError for a config.toml feed or an unknown url."""
    title = clean_line(title, 200)
    if not title:
        raise NewsreaderError("a feed title cannot be empty")
    rt.update_subscription(url, title=title)
    if store is not None:
        feed_id = store.feed_id(url)
        if feed_id is not None:
            store.set_feed_title(feed_id, title)
    return title


def update(rt: Runtime, store: Store | None, url: str, /, **changes: Any) -> FeedConfig:
    """Change a feeds.toml subscription's fields (tags, section, full_text, refresh_minutes,
    title) and bring the store's feed row in line. Returns the updated subscription."""
    unknown = set(changes) - set(FeedConfig.__slots__) | ({"url", "source", "line"} & set(changes))
    if unknown:
        raise NewsreaderError(f"cannot change {', '.join(sorted(unknown))} of a subscription")
    rt.update_subscription(url, **changes)
    feed = rt.feed_config(url)
    assert feed is not None  # update_subscription raised otherwise
    if store is not None:
        store.sync_feeds([feed])
    return feed
