"""Downloads: enclosures fetched into `media.folder`, resumable, capped, a few at a time.

A file is written to NAME.part and renamed when complete, so a file without .part is always
whole. An interrupted download continues with a Range request; a server that ignores Range
(200 instead of 206), or whose file changed (If-Range), starts it again from the first byte.
Every size check counts bytes as they arrive, so a server lying in Content-Length cannot
fill the disk. The queue lives in the store (queue.py), so downloads survive a restart.

`DownloadManager.run()` is a coroutine: the CLI runs it with asyncio.run, the TUI in a
thread worker with its own Store (a Store is not shared between threads).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING

import httpx

from newsreader import USER_AGENT
from newsreader.config import MediaSettings
from newsreader.fetch import describe_error, retry_after
from newsreader.media.enclosures import enclosure_list, format_size
from newsreader.media.names import download_name, inside, part_path, unique_path
from newsreader.media.queue import (
    CANCELLED,
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    Download,
    DownloadError,
    DownloadQueue,
)
from newsreader.sanitize import clean_line

if TYPE_CHECKING:
    from newsreader.store import Store

try:  # POSIX: a lock on the .part file keeps two processes from writing one download
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

OnChange = Callable[[Download], None]
MAX_BACKOFF = 600.0
DEFAULT_RETRY_AFTER = 60.0
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.I)
_UNSATISFIED = re.compile(r"^\s*bytes\s+\*/(\d+)\s*$", re.I)


class _Stop(Exception):
    """The user paused or cancelled the row while it ran."""

    def __init__(self, state: str) -> None:
        self.state = state


class _Retry(Exception):
    """Try again later: after `delay` seconds, or the backoff when None."""

    def __init__(self, reason: str, delay: float | None = None, progressed: bool = False) -> None:
        super().__init__(reason)
        self.delay = delay
        self.progressed = progressed


class _Fail(Exception):
    """Give up on this download with this one-line reason."""


class DownloadManager:
    """Runs the download queue: `media.concurrency` at once, each resumable and capped.

    The user's actions (enqueue, pause, resume, cancel) are plain store writes and may come
    from any process; `run()` picks them up within `poll` seconds.
    """

    def __init__(
        self,
        store: Store,
        settings: MediaSettings | None = None,
        *,
        on_change: OnChange | None = None,
        user_agent: str = USER_AGENT,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        retry_delay: float = 5.0,
        max_attempts: int = 5,
        poll: float = 0.5,
    ) -> None:
        self.store = store
        self.queue = DownloadQueue(store)
        self.settings = settings or MediaSettings()
        self.on_change = on_change
        self.user_agent = user_agent
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retry_delay = retry_delay
        self.max_attempts = max_attempts
        self.poll = poll
        self.owner = f"{os.getpid()}:{secrets.token_hex(4)}"
        self.max_bytes = self.settings.max_mb * 1_000_000
        self._stopping: dict[int, str] = {}  # rows whose task was cancelled for the user

    # -- the user's actions ------------------------------------------------------------------

    def enqueue_article(self, article_id: int, index: int = 1) -> Download:
        """Queue the article's enclosure number `index` (1-based, as the article view numbers
        them). DownloadError with one line when there is none or it is not an http(s) link."""
        article = self.store.article(article_id)
        if article is None:
            raise DownloadError(f"no article with id {article_id}")
        items = enclosure_list(article.enclosures)
        if not items:
            raise DownloadError(f"article {article_id} has no enclosures")
        if not 1 <= index <= len(items):
            raise DownloadError(
                f"article {article_id} has {len(items)} enclosure{'s' * (len(items) != 1)}, "
                f"not {index}"
            )
        item = items[index - 1]
        if item.url is None:
            raise DownloadError(f"enclosure {index} of article {article_id} is not an http(s) link")
        title = item.title or (article.title if len(items) == 1 else f"{article.title} {index}")
        return self.queue.add(
            item.url,
            title=title,
            mime=item.mime,
            size=item.length,
            article_id=article_id,
            enclosure=index,
        )

    def enqueue(self, url: str, **fields: object) -> Download:
        return self.queue.add(url, **fields)  # type: ignore[arg-type]

    def pause(self, download_id: int) -> bool:
        return self.queue.pause(download_id)

    def resume(self, download_id: int) -> bool:
        return self.queue.resume(download_id)

    def cancel(self, download_id: int) -> bool:
        return self.queue.cancel(download_id)

    @property
    def folder(self) -> Path:
        return self.settings.download_folder()

    # -- running -----------------------------------------------------------------------------

    async def run(
        self,
        only: Iterable[int] | None = None,
        *,
        linger: float = 0.0,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        """Download queued rows (all, or those in `only`) until none is left to run, then wait
        `linger` seconds for new ones before returning. Returns early once `stop()` is true
        (checked every `poll` seconds: a thread worker's is_cancelled). Stopped or cancelled,
        it puts the rows it was running back in the queue, their .part files kept."""
        ids = set(only) if only is not None else None
        tasks: dict[asyncio.Task[None], int] = {}
        idle_since: float | None = None
        loop = asyncio.get_running_loop()
        async with self._client() as client:
            try:
                while not (stop is not None and stop()):
                    free = max(1, self.settings.concurrency) - len(tasks)
                    if free > 0:
                        for d in self.queue.claim(free, self.owner, ids):
                            task = asyncio.create_task(self._run_one(client, d))
                            tasks[task] = d.id
                    if tasks:
                        idle_since = None
                        done, _ = await asyncio.wait(
                            tasks, timeout=self.poll, return_when=asyncio.FIRST_COMPLETED
                        )
                        for task in done:
                            tasks.pop(task)
                            task.result()  # a bug in _run_one surfaces here
                        self._stop_changed(tasks)
                        continue
                    wake = self.queue.next_retry(ids)
                    if wake is None:  # nothing queued
                        idle_since = idle_since or loop.time()
                        if loop.time() - idle_since >= linger:
                            return
                        await asyncio.sleep(self.poll)
                    else:
                        await asyncio.sleep(min(max(wake - time.time(), 0.01), self.poll * 4))
            finally:
                for task in tasks:
                    task.cancel()
                if tasks:
                    await asyncio.gather(*tasks, return_exceptions=True)

    def _stop_changed(self, tasks: dict[asyncio.Task[None], int]) -> None:
        """Cancel the tasks whose rows someone paused or cancelled: a stalled transfer reads
        no chunk that could notice by itself."""
        if not tasks:
            return
        states = self.queue.states(list(tasks.values()))
        for task, download_id in tasks.items():
            state = states.get(download_id, CANCELLED)
            if state != RUNNING and download_id not in self._stopping:
                self._stopping[download_id] = state
                task.cancel()

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            follow_redirects=True,  # podcast links go through tracking redirects; http(s) only
            max_redirects=10,
            timeout=httpx.Timeout(
                connect=self.connect_timeout,
                read=self.read_timeout,
                write=self.read_timeout,
                pool=None,
            ),
            # Ranges count stored bytes; a compressed response would make them meaningless.
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "identity"},
        )

    def _notify(self, d: Download) -> None:
        if self.on_change is not None:
            self.on_change(d)

    async def _run_one(self, client: httpx.AsyncClient, d: Download) -> None:
        self._notify(d)
        try:
            path = await self._fetch(client, d)
        except _Stop as stop:  # the row already says paused or cancelled
            d.state = stop.state
            if stop.state == CANCELLED and d.path:
                part_path(Path(d.path)).unlink(missing_ok=True)
            self._notify(d)
        except _Retry as retry:
            attempts = 0 if retry.progressed else d.attempts + 1
            if attempts >= self.max_attempts:
                self._finish(d, FAILED, error=str(retry), attempts=attempts)
            else:
                delay = retry.delay
                if delay is None:
                    delay = min(self.retry_delay * 2 ** max(attempts - 1, 0), MAX_BACKOFF)
                self._finish(
                    d, QUEUED, error=str(retry), attempts=attempts, retry_at=time.time() + delay
                )
        except _Fail as fail:
            if d.path:
                part_path(Path(d.path)).unlink(missing_ok=True)
            self._finish(d, FAILED, error=str(fail), path=d.path)
        except OSError as exc:  # the disk filled up, the folder went away (the .part stays)
            self._finish(d, FAILED, error=f"{d.path}: {exc.strerror or exc}")
        except sqlite3.Error as exc:  # the store stayed locked: try again on the next run
            self._finish(d, QUEUED, error=f"the store is busy ({exc})")
        except asyncio.CancelledError:
            stopped = self._stopping.pop(d.id, None)
            if stopped is None:
                # The TUI closing or Ctrl-C in the CLI: the next run resumes from the .part.
                self._finish(d, QUEUED, error=None)
                raise
            d.state = stopped
            if stopped == CANCELLED and d.path:
                part_path(Path(d.path)).unlink(missing_ok=True)
            self._notify(d)
        else:
            d.path = str(path)
            self._finish(d, DONE, error=None, path=d.path, received=d.received, size=d.received)

    def _finish(self, d: Download, state: str, **fields: object) -> None:
        with contextlib.suppress(Exception):  # an error report must not raise over the cause
            self.queue.release(d.id, self.owner, state, **fields)
        d.state = state
        for key in ("error", "attempts", "retry_at", "size"):
            if key in fields:
                setattr(d, key, fields[key])
        self._notify(d)

    def _choose_path(self, d: Download) -> Path:
        folder = self.folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _Fail(f"{folder}: cannot create the download folder: {exc.strerror}") from None
        if d.path and inside(folder, Path(d.path)):
            return Path(d.path)
        taken = self.queue.reserved_names(folder) - ({Path(d.path).name} if d.path else set())
        try:
            return unique_path(folder, download_name(d.url, d.title, d.mime), taken)
        except OSError as exc:
            raise _Fail(f"{folder}: {exc}") from None

    async def _fetch(self, client: httpx.AsyncClient, d: Download) -> Path:
        path = self._choose_path(d)
        if str(path) != d.path:
            d.path = str(path)
            d.received = 0
            self._check(self.queue.update(d.id, self.owner, path=d.path, received=0))
        part = part_path(path)
        try:
            fh = open(part, "ab")  # noqa: SIM115 - closed in the finally below
        except OSError as exc:
            raise _Fail(f"{part}: cannot write: {exc.strerror}") from None
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    raise _Retry("another process is writing this file", delay=30.0) from None
            await self._transfer(client, d, fh)
            fh.flush()
            os.fsync(fh.fileno())
            # The last chunks come between state checks: a row paused or cancelled
            # meanwhile must not turn into a published file.
            self._check(self.queue.state(d.id))
        finally:
            fh.close()
        return self._publish(part, path)

    def _publish(self, part: Path, path: Path) -> Path:
        """Rename NAME.part to NAME, never over an existing file (that became NAME (2))."""
        target = path
        for _ in range(100):
            try:
                os.link(part, target)  # fails if target exists: no clobbering, no race
            except FileExistsError:
                target = unique_path(path.parent, path.name)
                continue
            except OSError:  # a file system without hard links
                if os.path.lexists(target):
                    target = unique_path(path.parent, path.name)
                    continue
                os.replace(part, target)
                return target
            part.unlink(missing_ok=True)
            return target
        raise _Fail(f"{path}: cannot find a free file name")

    def _check(self, state: str | None) -> None:
        if state is None:
            raise _Stop(CANCELLED)
        if state != RUNNING:
            raise _Stop(state)

    async def _transfer(self, client: httpx.AsyncClient, d: Download, fh: IO[bytes]) -> None:
        offset = fh.tell()
        headers: dict[str, str] = {}
        if offset:
            headers["Range"] = f"bytes={offset}-"
            # If-Range: the server sends the whole new file if it changed since the .part began.
            validator = d.etag if d.etag and not d.etag.startswith("W/") else d.last_modified
            if validator:
                headers["If-Range"] = validator
        host = httpx.URL(d.url).host
        progressed = False
        try:
            async with client.stream("GET", d.url, headers=headers) as resp:
                total = self._start(resp, d, fh, offset)
                offset = fh.tell()
                d.received, d.size = offset, total
                self._check(
                    self.queue.update(
                        d.id,
                        self.owner,
                        received=offset,
                        size=total,
                        etag=_validator(resp.headers.get("etag")),
                        last_modified=_validator(resp.headers.get("last-modified")),
                        error=None,
                    )
                )
                self._notify(d)
                if resp.status_code == 416:  # the .part was already whole
                    return
                last = time.monotonic()
                async for chunk in resp.aiter_raw():
                    if d.received + len(chunk) > self.max_bytes:
                        raise _Fail(f"larger than {self.settings.max_mb} MB (media.max_mb)")
                    try:
                        fh.write(chunk)
                    except OSError as exc:
                        raise _Fail(f"{d.path}.part: cannot write: {exc.strerror}") from None
                    d.received += len(chunk)
                    progressed = True
                    now = time.monotonic()
                    if now - last >= self.poll:
                        last = now
                        fh.flush()
                        self._check(self.queue.update(d.id, self.owner, received=d.received))
                        self._notify(d)
                if total is not None and d.received < total:
                    raise _Retry(
                        f"connection closed at {format_size(d.received)} of {format_size(total)}",
                        progressed=progressed,
                    )
        except (_Stop, _Retry, _Fail):
            raise
        except httpx.TooManyRedirects:
            raise _Fail("too many redirects") from None
        except httpx.UnsupportedProtocol:
            raise _Fail("redirected to a link that is not http(s)") from None
        except (httpx.HTTPError, OSError) as exc:
            raise _Retry(describe_error(exc, host or ""), progressed=progressed) from None
        finally:
            with contextlib.suppress(Exception):
                fh.flush()
                self.queue.update(d.id, self.owner, received=d.received)

    def _start(self, resp: httpx.Response, d: Download, fh: IO[bytes], offset: int) -> int | None:
        """Check the response status and headers; returns the file's total size if known.
        Truncates the .part when the server sends the whole file."""
        status = resp.status_code
        if status in (429, 503):
            wait = retry_after(resp.headers.get("retry-after"))
            raise _Retry(
                f"HTTP {status} {clean_line(resp.reason_phrase, 80)}".rstrip(),
                delay=DEFAULT_RETRY_AFTER if wait is None else wait,
            )
        if status == 416 and offset:
            m = _UNSATISFIED.match(resp.headers.get("content-range", ""))
            if m and int(m.group(1)) == offset:  # the .part already holds the whole file
                return offset
            fh.truncate(0)
            fh.seek(0)
            raise _Retry("the server refused to resume; starting again", delay=0.0)
        if status >= 400 or status < 200 or status not in (200, 203, 206):
            raise _Fail(f"HTTP {status} {clean_line(resp.reason_phrase, 80)}".rstrip())
        encoding = resp.headers.get("content-encoding", "").strip().lower()
        if encoding not in ("", "identity"):
            raise _Fail(f"the server compressed the file (Content-Encoding: {encoding[:20]})")
        total: int | None = None
        if status == 206:
            m = _CONTENT_RANGE.match(resp.headers.get("content-range", ""))
            if not m or int(m.group(1)) != offset:
                fh.truncate(0)
                fh.seek(0)
                raise _Retry("the server resumed at the wrong place; starting again", delay=0.0)
            total = int(m.group(3)) if m.group(3) != "*" else None
        else:
            if offset:  # Range ignored or If-Range failed: the whole file comes again
                fh.truncate(0)
                fh.seek(0)
            length = resp.headers.get("content-length", "")
            total = int(length) if length.isdigit() else None
        if total is not None and total > self.max_bytes:
            raise _Fail(
                f"{format_size(total)} is larger than {self.settings.max_mb} MB (media.max_mb)"
            )
        return total


def _validator(value: str | None) -> str | None:
    """An ETag or Last-Modified worth sending back in If-Range: short, printable, else None
    (a server's odd header must neither break the request nor reach the store)."""
    if not value or len(value) > 200 or clean_line(value, 200) != value:
        return None
    return value


def run_downloads(
    data_dir: Path,
    settings: MediaSettings,
    *,
    on_change: OnChange | None = None,
    linger: float = 2.0,
    stop: Callable[[], bool] | None = None,
) -> None:
    """Run the queue in this thread with a Store of its own, until it is empty (plus
    `linger` seconds) or `stop()` is true. For a TUI thread worker; on_change is called
    from this thread (use App.call_from_thread)."""
    from newsreader.store import Store

    with Store.open(data_dir) as store:
        manager = DownloadManager(store, settings, on_change=on_change)
        asyncio.run(manager.run(linger=linger, stop=stop))
