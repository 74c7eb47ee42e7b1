"""refresh() with [sync] on: one sync for the server's feeds, a direct fetch for the rest
(files, folders, feeds the server does not have), reported as one refresh."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from newsreader.sync import state
from newsreader.sync.engine import SyncReport, run_sync

if TYPE_CHECKING:
    from newsreader.refresh import RefreshReport
    from newsreader.runtime import Runtime
    from newsreader.store import Store


def managed_urls(store: Store) -> set[str]:
    """Feeds that come from the server (fetched by the sync, never directly)."""
    state.ensure(store)
    ids = state.managed_feed_ids(store)
    return {f.url for f in store.feeds(counts=False) if f.id in ids}


async def refresh_with_sync(
    rt: Runtime,
    store: Store,
    direct: Callable[..., Awaitable[RefreshReport]],
    *,
    urls: list[str] | None = None,
    progress: Any = None,
    **kwargs: Any,
) -> RefreshReport:
    from newsreader.refresh import FeedReport, Progress, RefreshReport

    assert rt.settings.sync is not None
    managed = managed_urls(store)
    wanted = urls if urls is not None else [f.url for f in rt.feeds]
    sync: SyncReport | None = None
    if urls is None or any(u in managed for u in urls):
        sync = await run_sync(rt, store, rt.settings.sync, keep_days=rt.settings.store.keep_days)
        managed = managed_urls(store)  # the sync may have added or dropped feeds
        if urls is None:
            wanted = [f.url for f in rt.feeds]
    rest = [u for u in wanted if u not in managed]
    report = (
        await direct(rt, store, urls=rest, progress=progress, **kwargs) if rest else RefreshReport()
    )
    if sync is not None:
        feed = FeedReport(
            url=rt.settings.sync.url,
            title=f"sync {sync.server}",
            status="error" if sync.error else "new",
            new=sync.new,
            updated=sync.updated,
            error=sync.line() if sync.error else None,
        )
        report.feeds.insert(0, feed)
        if sync.offline and (not rest or report.offline):
            report.offline = f"offline: {sync.error}" + (
                f"; {sync.pending} local marks queued" if sync.pending else ""
            )
        if progress:
            progress(Progress(len(report.feeds), len(report.feeds), len(report.errors), feed))
    return report
