"""The download queue: one table in the store, so downloads survive a restart.

The table is this package's own (created on first use, beside the store's schema, which it
does not touch). Every write runs in a `store.write()` transaction. Any process may change a
row's state (the TUI pauses what a `newsreader download` is fetching, or the reverse): the
process downloading it reads the state back twice a second and obeys.

States: queued -> running -> done | failed; paused and cancelled by the user; a running row
whose process died goes back to the queue (its .part file is resumed).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader.media.enclosures import format_size
from newsreader.media.names import part_path
from newsreader.model import NewsreaderError
from newsreader.sanitize import clean_line, safe_url

if TYPE_CHECKING:
    from newsreader.store import Store

QUEUED, RUNNING, PAUSED, DONE, FAILED, CANCELLED = (
    "queued",
    "running",
    "paused",
    "done",
    "failed",
    "cancelled",
)
STATES = (QUEUED, RUNNING, PAUSED, DONE, FAILED, CANCELLED)
FINISHED = (DONE, FAILED, CANCELLED)
# A running row whose owner has not written for this long is taken to be abandoned (its
# process hung or the machine slept); a live downloader writes every half second.
STALE_AFTER = 90.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS downloads (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    mime TEXT,
    article_id INTEGER,
    enclosure INTEGER,
    path TEXT,
    state TEXT NOT NULL DEFAULT 'queued',
    received INTEGER NOT NULL DEFAULT 0,
    size INTEGER,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    retry_at REAL,
    owner TEXT,
    etag TEXT,
    last_modified TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL
)
"""
_COLUMNS = (
    "id, url, title, mime, article_id, enclosure, path, state, received, size, error, "
    "attempts, retry_at, owner, etag, last_modified, created, updated"
)


class DownloadError(NewsreaderError):
    """A download cannot be queued or run: one line for the user."""


@dataclass(slots=True)
class Download:
    """One row of the queue."""

    id: int
    url: str
    title: str | None
    mime: str | None
    article_id: int | None
    enclosure: int | None  # 1-based index among the article's enclosures
    path: str | None  # the final file (the .part beside it while running)
    state: str
    received: int
    size: int | None  # total bytes when the server said, else the feed's claim, else None
    error: str | None
    attempts: int
    retry_at: float | None
    owner: str | None
    etag: str | None
    last_modified: str | None
    created: float
    updated: float

    @property
    def name(self) -> str:
        """The file name (or the link until a name is chosen)."""
        return Path(self.path).name if self.path else self.url.rsplit("/", 1)[-1] or self.url

    @property
    def fraction(self) -> float | None:
        """0..1 when the size is known."""
        if self.state == DONE:
            return 1.0
        if not self.size:
            return None
        return min(self.received / self.size, 1.0)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def progress_text(self) -> str:
        """'45%  12.3 MB of 27.0 MB' or '12.3 MB' (no markup, no controls)."""
        if self.state == DONE:
            return format_size(self.received)
        got = format_size(self.received)
        frac = self.fraction
        if frac is not None and self.size:
            return f"{frac * 100:3.0f}%  {got} of {format_size(self.size)}"
        return got

    def status_line(self) -> str:
        """One line for the downloads screen or the CLI: state, progress, name, error."""
        line = f"{self.state:<9} {self.progress_text():<24} {clean_line(self.name, 120)}"
        if self.error and self.state in (FAILED, QUEUED, PAUSED):
            line += f"  ({clean_line(self.error, 200)})"
        return line

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "article_id": self.article_id,
            "enclosure": self.enclosure,
            "path": self.path,
            "state": self.state,
            "bytes": self.received,
            "size": self.size,
            "error": self.error,
        }


def _download(row: tuple[Any, ...]) -> Download:
    return Download(*row)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def owner_alive(owner: str | None) -> bool:
    """Whether the process named by an owner tag ('pid:token') still runs on this machine."""
    if not owner:
        return False
    pid = owner.split(":", 1)[0]
    return pid.isdigit() and _pid_alive(int(pid))


class DownloadQueue:
    """The queue's rows through one Store connection (one per thread, like the Store)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db: sqlite3.Connection = store.db
        exists = self._all(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'downloads'"
        )
        if not exists:
            with store.write() as db:
                db.execute(_SCHEMA)
                db.execute(
                    "CREATE INDEX IF NOT EXISTS downloads_state ON downloads (state, retry_at)"
                )

    def _all(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        # fetchall closes the statement: an open SELECT would pin this connection's snapshot.
        return self.db.execute(sql, tuple(params)).fetchall()

    # -- reading ----------------------------------------------------------------------------

    def get(self, download_id: int) -> Download | None:
        rows = self._all(f"SELECT {_COLUMNS} FROM downloads WHERE id = ?", (download_id,))
        return _download(rows[0]) if rows else None

    def by_url(self, url: str) -> Download | None:
        rows = self._all(f"SELECT {_COLUMNS} FROM downloads WHERE url = ?", (url,))
        return _download(rows[0]) if rows else None

    def entries(self, states: Iterable[str] | None = None, limit: int = 500) -> list[Download]:
        """Rows oldest first (the order they run in), at most `limit`."""
        if states is None:
            rows = self._all(f"SELECT {_COLUMNS} FROM downloads ORDER BY id LIMIT ?", (limit,))
        else:
            wanted = list(states)
            marks = ",".join("?" * len(wanted))
            rows = self._all(
                f"SELECT {_COLUMNS} FROM downloads WHERE state IN ({marks}) ORDER BY id LIMIT ?",
                (*wanted, limit),
            )
        return [_download(r) for r in rows]

    def state(self, download_id: int) -> str | None:
        rows = self._all("SELECT state FROM downloads WHERE id = ?", (download_id,))
        return rows[0][0] if rows else None

    def local_file(self, url: str) -> Path | None:
        """The downloaded file of a link when it is complete and still there (play that
        instead of streaming: it works offline)."""
        d = self.by_url(url)
        if d is None or d.state != DONE or not d.path:
            return None
        path = Path(d.path)
        return path if path.is_file() else None

    def states(self, ids: list[int]) -> dict[int, str]:
        marks = ",".join("?" * len(ids))
        return dict(self._all(f"SELECT id, state FROM downloads WHERE id IN ({marks})", ids))

    def pending(self, only: Iterable[int] | None = None) -> int:
        """Rows that will run without the user doing anything (queued, or running)."""
        sql = "SELECT count(*) FROM downloads WHERE state IN ('queued', 'running')"
        ids = list(only) if only is not None else None
        if ids is not None:
            sql += f" AND id IN ({','.join('?' * len(ids))})" if ids else " AND 0"
        return self._all(sql, ids or ())[0][0]

    def next_retry(self, only: Iterable[int] | None = None) -> float | None:
        """When the earliest queued row may start (now or later), or None if none is queued."""
        sql = "SELECT min(coalesce(retry_at, 0)) FROM downloads WHERE state = 'queued'"
        ids = list(only) if only is not None else None
        if ids is not None:
            sql += f" AND id IN ({','.join('?' * len(ids))})" if ids else " AND 0"
        value = self._all(sql, ids or ())[0][0]
        return None if value is None else float(value)

    def reserved_names(self, folder: Path) -> set[str]:
        """File names other unfinished rows will write into folder."""
        names = set()
        for (path,) in self._all(
            "SELECT path FROM downloads WHERE path IS NOT NULL AND state NOT IN ('done', 'cancelled')"
        ):
            p = Path(path)
            if p.parent == folder:
                names.add(p.name)
        return names

    # -- the user's actions ------------------------------------------------------------------

    def add(
        self,
        url: str,
        *,
        title: str | None = None,
        mime: str | None = None,
        size: int | None = None,
        article_id: int | None = None,
        enclosure: int | None = None,
    ) -> Download:
        """Queue a link (or bring back the row it already has: a paused, failed or cancelled
        one is queued again; a done one stays done while its file exists)."""
        link = safe_url(url)
        if link is None or link != url.strip():
            raise DownloadError("only http(s) links can be downloaded")
        now = time.time()
        title = clean_line(title, 300) or None
        mime = clean_line(mime, 100) or None
        size = size if isinstance(size, int) and size > 0 else None
        with self.store.write() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM downloads WHERE url = ?", (link,)).fetchall()
            if not rows:
                cur = db.execute(
                    "INSERT INTO downloads (url, title, mime, size, article_id, enclosure, "
                    "state, created, updated) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
                    (link, title, mime, size, article_id, enclosure, now, now),
                )
                download_id = int(cur.lastrowid or 0)
            else:
                old = _download(rows[0])
                download_id = old.id
                gone = old.state == DONE and not (old.path and os.path.exists(old.path))
                if old.state in (PAUSED, FAILED, CANCELLED) or gone:
                    fresh = old.state == CANCELLED or gone
                    db.execute(
                        "UPDATE downloads SET state = 'queued', error = NULL, attempts = 0, "
                        "retry_at = NULL, owner = NULL, updated = ?"
                        + (", path = NULL, received = 0" if fresh else "")
                        + " WHERE id = ?",
                        (now, download_id),
                    )
        got = self.get(download_id)
        assert got is not None
        return got

    def pause(self, download_id: int) -> bool:
        """Stop a queued or running download, keeping what it has (resume continues it)."""
        return self._set(download_id, PAUSED, (QUEUED, RUNNING))

    def resume(self, download_id: int) -> bool:
        """Queue a paused or failed download again; it continues from its .part file."""
        with self.store.write() as db:
            return (
                db.execute(
                    "UPDATE downloads SET state = 'queued', error = NULL, attempts = 0, "
                    "retry_at = NULL, owner = NULL, updated = ? "
                    "WHERE id = ? AND state IN ('paused', 'failed')",
                    (time.time(), download_id),
                ).rowcount
                > 0
            )

    def cancel(self, download_id: int) -> bool:
        """Stop a download and delete its partial file (a finished file is never deleted)."""
        row = self.get(download_id)
        changed = self._set(download_id, CANCELLED, (QUEUED, RUNNING, PAUSED, FAILED))
        if changed and row and row.path and row.state != RUNNING:
            # A running one is cleaned up by its own downloader when it sees the new state.
            part_path(Path(row.path)).unlink(missing_ok=True)
        return changed

    def forget(self, download_id: int) -> bool:
        """Drop a finished row from the list (its file stays)."""
        with self.store.write() as db:
            return (
                db.execute(
                    "DELETE FROM downloads WHERE id = ? AND state IN ('done', 'failed', 'cancelled')",
                    (download_id,),
                ).rowcount
                > 0
            )

    def _set(self, download_id: int, state: str, allowed: tuple[str, ...]) -> bool:
        marks = ",".join("?" * len(allowed))
        with self.store.write() as db:
            return (
                db.execute(
                    f"UPDATE downloads SET state = ?, updated = ? WHERE id = ? AND state IN ({marks})",
                    (state, time.time(), download_id, *allowed),
                ).rowcount
                > 0
            )

    # -- the downloader's bookkeeping --------------------------------------------------------

    def claim(
        self, limit: int, owner: str, only: Iterable[int] | None = None, now: float | None = None
    ) -> list[Download]:
        """Take up to `limit` rows to run: queued ones whose retry time has come, and running
        ones whose process is gone. Oldest first."""
        now = time.time() if now is None else now
        ids = list(only) if only is not None else None
        claimed: list[Download] = []
        with self.store.write() as db:
            sql = (
                f"SELECT {_COLUMNS} FROM downloads WHERE (state = 'queued' AND "
                "coalesce(retry_at, 0) <= ?) OR (state = 'running' AND owner IS NOT ?)"
            )
            params: list[Any] = [now, owner]
            if ids is not None:
                sql = f"SELECT * FROM ({sql}) WHERE id IN ({','.join('?' * len(ids)) or 'NULL'})"
                params.extend(ids)
            for row in db.execute(sql + " ORDER BY id", params).fetchall():
                d = _download(row)
                if d.state == RUNNING and owner_alive(d.owner) and now - d.updated < STALE_AFTER:
                    continue  # another live process is fetching it
                db.execute(
                    "UPDATE downloads SET state = 'running', owner = ?, updated = ? WHERE id = ?",
                    (owner, now, d.id),
                )
                d.state, d.owner, d.updated = RUNNING, owner, now
                claimed.append(d)
                if len(claimed) >= limit:
                    break
        return claimed

    def update(self, download_id: int, owner: str, **fields: Any) -> str | None:
        """Write fields of a row this owner runs; returns the row's state now (a user may
        have paused or cancelled it meanwhile: its progress is still written), None when
        the row is gone."""
        fields["updated"] = time.time()
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self.store.write() as db:
            db.execute(
                f"UPDATE downloads SET {sets} WHERE id = ? AND owner = ?",
                (*fields.values(), download_id, owner),
            )
            rows = db.execute("SELECT state FROM downloads WHERE id = ?", (download_id,)).fetchall()
        return rows[0][0] if rows else None

    def release(self, download_id: int, owner: str, state: str, **fields: Any) -> None:
        """Leave a running row in `state` (done, failed, or queued again for a retry)."""
        if fields.get("error"):
            fields["error"] = clean_line(str(fields["error"]), 500)  # may quote a server
        fields.update(state=state, owner=None, updated=time.time())
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self.store.write() as db:
            db.execute(
                f"UPDATE downloads SET {sets} WHERE id = ? AND owner = ? AND state = 'running'",
                (*fields.values(), download_id, owner),
            )
