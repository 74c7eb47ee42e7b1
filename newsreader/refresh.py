"""From subscriptions to stored articles: fetch due feeds, parse them off the event loop, store
each feed in one transaction, and report progress as it goes (the CLI prints a summary, the
TUI shows a progress line).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader.model import FeedConfig, FeedError, FeedRow, ParsedFeed, plural
from newsreader.pool import ParsePool, PoolBroken
from newsreader.pool import default_size as default_pool_size
from newsreader.prepared import PreparedFeed
from newsreader.runtime import Runtime
from newsreader.sanitize import clean_line
from newsreader.store import FetchOutcome, Store
from newsreader.worker import extract_page, parse_for_store

if TYPE_CHECKING:
    from newsreader.fetch import Fetcher, FetchResult

MAX_BACKOFF = 24 * 3600.0
FULL_TEXT_PER_FEED = 20  # pages fetched for offline reading per feed and refresh
# Below this many bodies to parse a process pool costs more to start than it saves.
POOL_THRESHOLD = 6
# Parse workers: with the store's values prepared there too, parsing is the largest CPU
# share of a refresh; two keep both cores of a 2-core machine busy (bench/refresh.py).
PARSE_WORKERS = default_pool_size()
# Fetched feeds being parsed or stored at once: enough for each parse worker to have one
# feed queued behind the one it parses while the writer stores another (4 left a worker
# idle between jobs). Without a bound, parsed feeds pile up in front of a slow store (+40 MB
# on 500 feeds). Bodies held are bounded too (requests in flight + this), so a slow store
# slows the fetching.
STAGE_DEPTH = 8


@dataclass(slots=True)
class FeedReport:
    url: str
    title: str
    status: str  # "new" | "not_modified" | "error" | "gone"
    new: int = 0
    updated: int = 0
    error: str | None = None
    http_status: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "status": self.status,
            "new": self.new,
            "updated": self.updated,
            "error": self.error,
            "http_status": self.http_status,
        }


@dataclass(slots=True)
class Progress:
    done: int
    total: int
    errors: int
    feed: FeedReport | None = None  # the feed that just finished


@dataclass(slots=True)
class RefreshReport:
    feeds: list[FeedReport] = field(default_factory=list)
    skipped: int = 0  # not due yet
    waiting: int = 0  # a Retry-After that has not passed, or gone (410)
    unreachable: int = 0  # not reached because nothing remote answered (offline)
    forced: bool = False
    offline: str | None = None  # set when no remote feed could be reached at all
    elapsed: float = 0.0
    pruned: int = 0  # articles older than store.keep_days deleted after this refresh

    @property
    def errors(self) -> list[FeedReport]:
        return [f for f in self.feeds if f.status == "error"]

    @property
    def new(self) -> int:
        return sum(f.new for f in self.feeds)

    def lines(self) -> list[str]:
        out = []
        for f in self.feeds:
            title = clean_line(f.title, 60)
            if f.status == "error":
                out.append(f"error  {title}: {clean_line(f.error, 200)}")
            elif f.status == "gone":
                out.append(f"gone   {title}: the server says it is gone (410); no longer polled")
            elif f.new or f.updated:
                upd = f", {f.updated} updated" if f.updated else ""
                out.append(f"{f.new:>5}  {title}{upd}")
        n304 = sum(1 for f in self.feeds if f.status == "not_modified")
        summary = (
            f"{plural(len(self.feeds), 'feed')} fetched in {self.elapsed:.1f} s: "
            f"{plural(self.new, 'new article')}, {n304} unchanged, "
            f"{plural(len(self.errors), 'error')}"
        )
        if self.unreachable:
            summary += f", {self.unreachable} unreachable"
        if self.waiting:
            summary += f", {self.waiting} waiting (Retry-After or gone)"
        if self.skipped:
            summary += f", {self.skipped} not due" + ("" if self.forced else " (use --force)")
        if self.pruned:
            summary += f"; removed {plural(self.pruned, 'article')} older than store.keep_days"
        out.append(summary)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "feeds": [f.to_json() for f in self.feeds],
            "new": self.new,
            "errors": len(self.errors),
            "not_modified": sum(1 for f in self.feeds if f.status == "not_modified"),
            "skipped": self.skipped,
            "waiting": self.waiting,
            "unreachable": self.unreachable,
            "offline": self.offline,
            "pruned": self.pruned,
            "elapsed": round(self.elapsed, 3),
        }


ProgressCallback = Callable[[Progress], None]


class _Workers:
    """Runs CPU work (parsing, extraction) in the parse workers when there are any, else in
    this thread. The workers start at the first job (an all-304 refresh never starts them);
    when they cannot start or one breaks, the work runs here instead."""

    def __init__(self, loop: asyncio.AbstractEventLoop, pool: ParsePool | None = None) -> None:
        self.loop = loop
        self.pool = pool
        # One thread does every store write: SQLite works without the GIL, so the event
        # loop keeps reading responses while a feed is written (one writer: no contention).
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")

    async def write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await self.loop.run_in_executor(self.writer, partial(fn, *args, **kwargs))

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        pool = self.pool
        if pool is not None:
            try:
                return await pool.run(fn, *args)
            except PoolBroken:
                if self.pool is pool:  # the first job to see it closes it
                    self.pool = None
                    await pool.aclose()
        return fn(*args)

    async def aclose(self) -> None:
        self.writer.shutdown(wait=True)
        if self.pool is not None:
            pool, self.pool = self.pool, None
            await pool.aclose()


def make_fetcher(rt: Runtime) -> Fetcher:
    from newsreader.fetch import Fetcher

    r = rt.settings.refresh
    return Fetcher(
        concurrency=r.concurrency,
        per_host=r.per_host,
        connect_timeout=r.connect_timeout,
        read_timeout=r.read_timeout,
        deadline=r.timeout,
    )


def _is_network_failure(result: FetchResult) -> bool:
    return result.network_error


def _interval(rt: Runtime, conf: FeedConfig | None) -> float:
    if conf and conf.refresh_minutes:
        return conf.refresh_minutes * 60.0
    return max(rt.settings.refresh.interval, 5) * 60.0


async def refresh(
    rt: Runtime,
    store: Store,
    *,
    force: bool = False,
    urls: list[str] | None = None,
    progress: ProgressCallback | None = None,
    now: float | None = None,
) -> RefreshReport:
    """Fetch every due feed (or just `urls`) and store the results; with [sync] configured,
    the server's feeds come from one sync instead (newsreader.sync) and the rest as usual."""
    if rt.settings.sync is not None:
        from newsreader.sync.hook import refresh_with_sync

        return await refresh_with_sync(
            rt, store, _refresh_feeds, force=force, urls=urls, progress=progress, now=now
        )
    return await _refresh_feeds(rt, store, force=force, urls=urls, progress=progress, now=now)


async def _refresh_feeds(
    rt: Runtime,
    store: Store,
    *,
    force: bool = False,
    urls: list[str] | None = None,
    progress: ProgressCallback | None = None,
    now: float | None = None,
) -> RefreshReport:
    """Fetch every due feed (or just `urls`) and store the results.

    One bad feed never stops the others. `force` ignores the schedule but still honours a
    Retry-After that has not passed and never polls a feed that answered 410.
    """
    started = time.monotonic()
    now = time.time() if now is None else now
    wanted = urls if urls is not None else [f.url for f in rt.feeds]
    rows = store.feeds(wanted, counts=False)
    report = RefreshReport(forced=force)
    due: list[FeedRow] = []
    for row in rows:
        if row.gone or (row.retry_until and row.retry_until > now):
            report.waiting += 1
        elif force or row.next_fetch is None or row.next_fetch <= now:
            due.append(row)
        else:
            report.skipped += 1
    if not due:
        report.elapsed = time.monotonic() - started
        return report

    loop = asyncio.get_running_loop()
    # Host lookups run in the loop's default executor, 6 threads on 2 cores: with real DNS
    # (tens of ms each) that, not the network, would pace a 500-feed refresh.
    loop.set_default_executor(
        ThreadPoolExecutor(max_workers=rt.settings.refresh.concurrency, thread_name_prefix="dns")
    )
    use_pool = len(due) >= POOL_THRESHOLD and (os.cpu_count() or 1) > 1
    workers = _Workers(loop, ParsePool(PARSE_WORKERS) if use_pool else None)
    stage = asyncio.Semaphore(STAGE_DEPTH)
    held = asyncio.Semaphore(rt.settings.refresh.concurrency + STAGE_DEPTH)
    network_failures: list[tuple[FeedRow, FetchResult]] = []
    # rt.feed_config is a scan of every subscription: per feed, that made 5,000 feeds cost
    # 25M comparisons (bench/scale.py).
    confs: dict[str, FeedConfig] = {}
    for f in rt.feeds:
        confs.setdefault(f.url, f)  # the first one wins, as in feed_config
    done = errors = 0

    async def one(fetcher: Fetcher, row: FeedRow) -> None:
        nonlocal done, errors
        conf = confs.get(row.url)
        folder = _folder(row.current_url)
        if folder is not None:
            feed = await _store_folder(store, rt, row, conf, folder, workers)
        else:
            async with held:
                result = await fetcher.fetch(row.current_url, row.etag, row.last_modified)
                if _is_network_failure(result):
                    network_failures.append((row, result))
                    return
                async with stage:
                    feed = await _store_result(store, rt, row, conf, result, workers)
        if conf and conf.full_text and feed.new:
            await _fetch_full_texts(
                store, fetcher, row.id, min(feed.new, FULL_TEXT_PER_FEED), workers
            )
        report.feeds.append(feed)
        done += 1
        errors += feed.status == "error"
        if progress:
            progress(Progress(done, len(due), errors, feed))

    try:
        async with make_fetcher(rt) as fetcher:
            await asyncio.gather(*(one(fetcher, row) for row in due))
        remote = [r for r in due if not r.current_url.lower().startswith("file:")]
        if network_failures and len(network_failures) == len(remote):
            # Nothing remote answered: we are offline. Keep every feed's state as it was, so
            # coming back online is not punished with backoff, and say it once.
            reason = network_failures[0][1].error or "no network"
            report.offline = f"offline: no feed could be reached ({reason})"
            report.unreachable += len(network_failures)
        else:
            for row, result in network_failures:
                conf = confs.get(row.url)
                feed = await _store_result(store, rt, row, conf, result, workers)
                report.feeds.append(feed)
                done += 1
                errors += 1
                if progress:
                    progress(Progress(done, len(due), errors, feed))
        if any(f.new for f in report.feeds):
            # Keep the store to store.keep_days (starred articles stay whatever their age).
            report.pruned = await workers.write(store.prune, rt.settings.store.keep_days)
    finally:
        await workers.aclose()
    order = {url: n for n, url in enumerate(wanted)}
    report.feeds.sort(key=lambda f: order.get(f.url, len(order)))
    report.elapsed = time.monotonic() - started
    return report


def _backoff(rt: Runtime, conf: FeedConfig | None, row: FeedRow) -> float:
    """Seconds until a failing feed is tried again: doubling per failure, at most a day."""
    return min(_interval(rt, conf) * 2 ** min(row.error_count, 10), MAX_BACKOFF)


def _folder(url: str) -> Path | None:
    from newsreader.fetch import local_path  # fetch loads httpx: only when needed

    path = local_path(url)
    return path if path is not None and path.is_dir() else None


async def _store_folder(
    store: Store,
    rt: Runtime,
    row: FeedRow,
    conf: FeedConfig | None,
    folder: Path,
    workers: _Workers,
) -> FeedReport:
    """A folder of feed files: re-read the changed ones (in a thread), store them as one feed."""
    from newsreader.localfeeds import read_folder

    now = time.time()
    outcome = FetchOutcome(status=200, next_fetch=now + _interval(rt, conf))
    parsed = None
    notes: list[str] = []
    try:
        read = await workers.write(read_folder, folder, row.etag, datetime.fromtimestamp(now, UTC))
    except FeedError as exc:
        outcome.error = str(exc)
        outcome.etag = row.etag
        outcome.next_fetch = now + _backoff(rt, conf, row)
    else:
        parsed, outcome.etag, notes = read.parsed, read.etag, read.errors
        outcome.not_modified = parsed is None
    title = row.display_title if row.title else folder.name
    keep_title = bool(conf and conf.title) or bool(row.title)
    stored = await _record(workers, store, row, outcome, parsed, now, keep_title)
    if isinstance(stored, str):
        return FeedReport(row.url, title, "error", error=stored)
    new, updated = stored
    status = "error" if outcome.error else "not_modified" if parsed is None else "new"
    error = outcome.error or ("; ".join(notes[:3]) if notes else None)
    return FeedReport(row.url, title, status, new, updated, error)


async def _record(
    workers: _Workers,
    store: Store,
    row: FeedRow,
    outcome: FetchOutcome,
    parsed: ParsedFeed | PreparedFeed | None,
    now: float,
    keep_title: bool,
) -> tuple[int, int] | str:
    """Store one fetch: (new, updated), or the one-line reason it could not be stored."""
    try:
        return await workers.write(
            store.record_fetch, row.id, outcome, parsed, now=now, keep_title=keep_title
        )
    except Exception as exc:  # e.g. disk full: this feed fails, the others go on
        return f"could not store: {exc}"


async def _fetch_full_texts(
    store: Store,
    fetcher: Fetcher,
    feed_id: int,
    limit: int,
    workers: _Workers,
) -> None:
    """Fetch and extract the web pages of a feed's newest articles, for offline reading.
    A page that fails is recorded as tried (no full text) and not fetched again."""

    async def one(article_id: int, link: str) -> None:
        result = await fetcher.fetch(link)
        html = None
        if result.error is None and result.body:
            try:
                html = await workers.run(extract_page, result.body, result.final_url)
            except Exception:  # extraction trouble costs this page, never the refresh
                html = None
        await workers.write(store.set_fulltext, article_id, html)

    wanted = await workers.write(store.needs_fulltext, feed_id, limit)
    await asyncio.gather(*(one(aid, link) for aid, link in wanted))


async def _store_result(
    store: Store,
    rt: Runtime,
    row: FeedRow,
    conf: FeedConfig | None,
    result: FetchResult,
    workers: _Workers,
) -> FeedReport:
    now = time.time()
    title = row.display_title
    interval = _interval(rt, conf)
    outcome = FetchOutcome(
        status=result.status,
        etag=result.etag,
        last_modified=result.last_modified,
        error=result.error,
        new_url=result.permanent_redirect,
        gone=result.gone,
        not_modified=result.not_modified,
    )
    parsed: PreparedFeed | None = None
    if result.error is None and result.body is not None:
        fetched_at = datetime.fromtimestamp(now, UTC)
        try:
            parsed = await workers.run(
                parse_for_store, result.body, result.final_url, result.headers, fetched_at
            )
        except FeedError as exc:
            outcome.error = str(exc)
        except Exception as exc:  # a parser bug must not stop the other feeds
            outcome.error = f"could not parse: {type(exc).__name__}: {exc}"
    if outcome.error:
        outcome.next_fetch = now + _backoff(rt, conf, row)
        if result.retry_after:
            outcome.retry_until = now + result.retry_after
            outcome.next_fetch = max(outcome.next_fetch, outcome.retry_until)
        outcome.etag, outcome.last_modified = row.etag, row.last_modified
    else:
        outcome.next_fetch = now + interval
    stored = await _record(workers, store, row, outcome, parsed, now, bool(conf and conf.title))
    if isinstance(stored, str):
        return FeedReport(row.url, title, "error", error=stored)
    new, updated = stored
    if parsed and parsed.title and not (conf and conf.title):
        title = parsed.title
    if result.gone:
        status = "gone"
    elif outcome.error:
        status = "error"
    elif result.not_modified:
        status = "not_modified"
    else:
        status = "new"
    return FeedReport(
        row.url, title, status, new, updated, outcome.error, http_status=result.status
    )


def __getattr__(name: str) -> Any:
    # `subscribe` moved to newsreader.subscriptions; the TUI still imports it from here.
    if name == "subscribe":
        from newsreader.subscriptions import subscribe

        return subscribe
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
