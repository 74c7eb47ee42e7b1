"""One sync: push the journal, read the server's state, store new items, apply the state.

Order matters. Local marks go first, so the state read afterwards already has them; a push
that fails leaves them in the journal and the journal wins over the server for those items.
Every request that can fail for a wrong password, URL or API (login, push, the id lists)
happens before anything is written, so such a sync leaves the store as it was.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from newsreader.config import SyncSettings
from newsreader.model import FeedConfig, ParsedFeed
from newsreader.sanitize import clean_line, safe_url
from newsreader.store import FetchOutcome, Store, article_key
from newsreader.sync import state
from newsreader.sync.fever import FeverClient
from newsreader.sync.greader import GReaderClient
from newsreader.sync.http import Http, SyncError
from newsreader.sync.items import item_guid, to_article
from newsreader.sync.remote import RemoteFeed, RemoteItem

FIRST_SYNC_RECENT = 2 * 86400.0  # a first sync also brings the last two days' read items
OVERLAP = 600.0  # seconds re-asked at each incremental sync (clock skew, late indexing)


class Client(Protocol):
    name: str

    async def login(self) -> None: ...
    async def feeds(self) -> list[RemoteFeed]: ...
    async def unread_ids(self) -> set[int]: ...
    async def starred_ids(self) -> set[int]: ...
    async def recent_ids(self, since: Any) -> set[int]: ...
    async def items(self, ids: Any) -> list[RemoteItem]: ...
    async def push(self, marks: list[state.Mark]) -> list[state.Mark]: ...
    async def subscribe(self, url: str) -> None: ...
    async def unsubscribe(self, remote_id: str) -> None: ...


class Subscriptions(Protocol):
    """What the sync needs of newsreader.runtime.Runtime (kept narrow for the bench)."""

    @property
    def feeds(self) -> list[FeedConfig]: ...
    def add_subscriptions(self, feeds: list[FeedConfig]) -> list[FeedConfig]: ...
    def update_subscription(self, url: str, **changes: object) -> None: ...
    def remove_subscription(self, url: str) -> FeedConfig: ...


@dataclass(slots=True)
class SyncReport:
    server: str
    new: int = 0
    updated: int = 0
    pushed: int = 0
    pulled: int = 0  # read/unread and star changes taken from the server
    feeds_added: int = 0
    feeds_removed: int = 0
    pending: int = 0  # local marks still waiting to be pushed
    requests: int = 0
    elapsed: float = 0.0
    error: str | None = None
    kind: str | None = None  # SyncError.kind when error is set
    errors: list[str] = field(default_factory=list)

    @property
    def offline(self) -> bool:
        return self.kind in ("offline", "timeout")

    def line(self) -> str:
        if self.error:
            queued = f" ({self.pending} local marks queued)" if self.pending else ""
            return f"sync: {self.error}{queued}"
        feeds = ""
        if self.feeds_added or self.feeds_removed:
            feeds = f", feeds +{self.feeds_added} -{self.feeds_removed}"
        return (
            f"synced with {self.server} in {self.elapsed:.1f} s: {self.new} new items, "
            f"{self.pushed} marks pushed, {self.pulled} marks pulled{feeds}, "
            f"{len(self.errors)} errors ({self.requests} requests)"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "new": self.new,
            "updated": self.updated,
            "pushed": self.pushed,
            "pulled": self.pulled,
            "feeds_added": self.feeds_added,
            "feeds_removed": self.feeds_removed,
            "pending": self.pending,
            "requests": self.requests,
            "elapsed": round(self.elapsed, 3),
            "error": self.error,
            "errors": self.errors,
        }


def make_client(settings: SyncSettings, password: str) -> Client:
    if settings.provider == "fever":
        http = Http(settings.url, timeout=settings.timeout, concurrency=settings.concurrency)
        return FeverClient(http, settings.username, password)
    http = Http(
        settings.url.rstrip("/"), timeout=settings.timeout, concurrency=settings.concurrency
    )
    return GReaderClient(http, settings.username, password)


def account(settings: SyncSettings) -> str:
    return f"{settings.provider} {settings.url.rstrip('/')} {settings.username}"


async def run_sync(
    subs: Subscriptions,
    store: Store,
    settings: SyncSettings,
    *,
    keep_days: int = 0,
    password: str | None = None,
) -> SyncReport:
    """Sync the store with the server; never raises for the server's or network's faults."""
    from urllib.parse import urlsplit

    started = time.monotonic()
    report = SyncReport(server=urlsplit(settings.url).netloc or settings.url)
    client: Client | None = None
    try:
        state.ensure(store)
        state.check_account(store, account(settings))
        wait = state.get_meta(store, "retry_until")
        if wait and float(wait) > time.time():
            raise SyncError(
                f"{report.server} asked to wait; next sync after "
                f"{time.strftime('%H:%M', time.localtime(float(wait)))}",
                "busy",
            )
        if password is None:
            from newsreader.sync.secret import password as resolve

            password = resolve(settings)
        client = make_client(settings, password)
        await _sync(client, subs, store, settings, report, keep_days)
    except SyncError as exc:
        report.error = clean_line(str(exc), 500)
        report.kind = exc.kind
        if exc.kind == "busy" and exc.retry_after:
            with store.write() as db:
                state.set_meta(db, {"retry_until": str(time.time() + exc.retry_after)})
    finally:
        if client is not None:
            report.requests = client.http.requests  # type: ignore[attr-defined]
            await client.http.close()  # type: ignore[attr-defined]
        try:
            report.pending = len(state.pending_marks(store))
        except Exception:  # the report must come back even if the store is unreadable
            report.pending = 0
        report.elapsed = time.monotonic() - started
    return report


async def _sync(
    client: Client,
    subs: Subscriptions,
    store: Store,
    settings: SyncSettings,
    report: SyncReport,
    keep_days: int,
) -> None:
    now = time.time()
    await client.login()

    marks = state.pending_marks(store)
    if marks:
        state.acknowledge(store, await client.push(marks))
        report.pushed = len(marks)

    fever = isinstance(client, FeverClient)
    if fever:
        top = state.get_meta(store, "fever_max_id")
        since: Any = int(top) if top else None
    else:
        last = state.get_meta(store, "last_sync")
        since = float(last) - OVERLAP if last else now - FIRST_SYNC_RECENT
    remote_feeds, unread, starred, recent = await asyncio.gather(
        client.feeds(), client.unread_ids(), client.starred_ids(), client.recent_ids(since)
    )

    feed_ids = _sync_subscriptions(subs, store, remote_feeds, report)
    known = state.known_remote_ids(store)
    wanted = (unread | starred | recent) - known
    items = await client.items(wanted) if wanted else []
    _store_items(store, items, feed_ids, "fever:" if fever else "greader:", report, now)
    missing = wanted - {i.remote_id for i in items}
    if missing:  # ids the server listed but could not return: not asked again
        with store.write() as db:
            db.executemany(
                "INSERT OR IGNORE INTO sync_items (remote_id, article_id) VALUES (?, NULL)",
                [(r,) for r in missing],
            )
    read_changes, star_changes = state.apply_server_state(store, unread, starred)
    report.pulled = read_changes + star_changes
    meta: dict[str, str | None] = {"last_sync": str(now), "retry_until": None}
    if fever:
        ids = state.known_remote_ids(store)
        meta["fever_max_id"] = str(max(ids)) if ids else None
    with store.write() as db:
        state.set_meta(db, meta)
    if report.new and keep_days > 0:
        store.prune(keep_days)


def _sync_subscriptions(
    subs: Subscriptions, store: Store, remote: list[RemoteFeed], report: SyncReport
) -> dict[str, int]:
    """Make the subscriptions match the server's: new feeds added (their folders as tags),
    tags kept in step, feeds the server dropped removed. Returns remote feed id -> feed id."""
    before = state.feed_map(store)
    by_id = {f.id: f for f in store.feeds(counts=False)}
    managed_urls = {by_id[fid].url for fid in before.values() if fid in by_id}
    confs = {f.url: f for f in subs.feeds}
    wanted: dict[str, RemoteFeed] = {}
    for rf in remote:
        url = safe_url(rf.url)
        if url and url not in wanted:
            wanted[url] = rf
    fresh = [
        FeedConfig(url=url, tags=_tags(rf), source="feeds")
        for url, rf in wanted.items()
        if url not in confs
    ]
    if fresh:
        report.feeds_added = len(subs.add_subscriptions(fresh))
    for url, rf in wanted.items():
        conf = confs.get(url)
        if conf is not None and conf.source == "feeds" and url in managed_urls:
            tags = _tags(rf)
            if tags != list(conf.tags):
                subs.update_subscription(url, tags=tags)
    for url in managed_urls - set(wanted):
        conf = confs.get(url)
        if conf is not None and conf.source == "feeds":
            subs.remove_subscription(url)
            report.feeds_removed += 1
    ids = store.sync_feeds(subs.feeds)
    mapping = {rf.remote_id: ids[url] for url, rf in wanted.items() if url in ids}
    if mapping != before:
        state.set_feed_map(store, mapping)
    titles = {f.id: f.title for f in store.feeds(list(wanted), counts=False)}
    for url, rf in wanted.items():
        title = clean_line(rf.title, 300)
        if url in ids and title and titles.get(ids[url]) != title:
            store.set_feed_title(ids[url], title)
    return mapping


def _tags(rf: RemoteFeed) -> list[str]:
    return [t for t in (clean_line(f, 100) for f in rf.folders) if t]


def _store_items(
    store: Store,
    items: list[RemoteItem],
    feed_ids: dict[str, int],
    prefix: str,
    report: SyncReport,
    now: float,
) -> None:
    """One transaction per feed through the store's own upsert, then the id mapping."""
    fetched_at = datetime.fromtimestamp(now, UTC)
    per_feed: dict[int, list[RemoteItem]] = {}
    orphans: list[int] = []
    for item in items:
        feed_id = feed_ids.get(item.feed_id)
        if feed_id is None:
            orphans.append(item.remote_id)  # its feed is not subscribed (any more)
        else:
            per_feed.setdefault(feed_id, []).append(item)
    for feed_id, group in per_feed.items():
        articles = []
        keys: dict[str, int] = {}
        for item in sorted(group, key=lambda i: i.published or 0, reverse=True):
            article = to_article(item, item_guid(prefix, item.remote_id), fetched_at)
            articles.append(article)
            keys[article_key(article)] = item.remote_id
        try:
            new, updated = store.record_fetch(
                feed_id,
                FetchOutcome(status=200),
                ParsedFeed(title=None, site_link=None, articles=articles, format="sync"),
                now=now,
                keep_title=True,
            )
        except Exception as exc:  # e.g. disk full: this feed's items wait for the next sync
            report.errors.append(clean_line(f"could not store items: {exc}", 300))
            continue
        report.new += new
        report.updated += updated
        state.map_items(store, feed_id, keys)
    if orphans:
        with store.write() as db:
            db.executemany(
                "INSERT OR IGNORE INTO sync_items (remote_id, article_id) VALUES (?, NULL)",
                [(r,) for r in orphans],
            )


async def _session(settings: SyncSettings, password: str | None) -> Client:
    if password is None:
        from newsreader.sync.secret import password as resolve

        password = resolve(settings)
    client = make_client(settings, password)
    try:
        await client.login()
    except BaseException:
        await client.http.close()  # type: ignore[attr-defined]
        raise
    return client


async def subscribe_remote(
    subs: Subscriptions,
    store: Store,
    settings: SyncSettings,
    url: str,
    *,
    keep_days: int = 0,
    password: str | None = None,
) -> SyncReport:
    """Subscribe on the server, then sync so the feed and its items arrive (raises SyncError)."""
    client = await _session(settings, password)
    try:
        await client.subscribe(url)
    finally:
        await client.http.close()  # type: ignore[attr-defined]
    report = await run_sync(subs, store, settings, keep_days=keep_days, password=password)
    if report.error:
        raise SyncError(report.error, report.kind or "api")
    return report


async def unsubscribe_remote(
    store: Store, settings: SyncSettings, url: str, *, password: str | None = None
) -> bool:
    """Unsubscribe on the server if the feed came from it; False if it is a local feed."""
    state.ensure(store)
    feed_id = store.feed_id(url)
    remote = {fid: rid for rid, fid in state.feed_map(store).items()}.get(feed_id or -1)
    if remote is None:
        return False
    client = await _session(settings, password)
    try:
        await client.unsubscribe(remote)
    finally:
        await client.http.close()  # type: ignore[attr-defined]
    return True
