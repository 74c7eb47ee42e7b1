"""The sync's own tables in the store, and the journal of local marks.

The tables live beside the store's (CREATE ... IF NOT EXISTS on the Store's connection), so
the store needs no sync code. Local marks are journalled by TRIGGERs on the articles table:
every path that marks an article (CLI `mark`, the TUI's keys, copies marked read with it)
lands in the journal without knowing about sync, and the journal is a table, so it survives
restarts and kill -9. While the sync applies the server's state it holds a row in
sync_applying inside its own write transaction, which the triggers check: that transaction is
the only writer while it runs, so no user mark can slip past unjournalled.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from newsreader.store import Store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sync_meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sync_feeds (
    feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
    remote_id TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS sync_items (
    remote_id INTEGER PRIMARY KEY,
    article_id INTEGER UNIQUE REFERENCES articles(id) ON DELETE SET NULL
);
CREATE TABLE IF NOT EXISTS sync_journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_applying (x INTEGER);
CREATE TRIGGER IF NOT EXISTS sync_journal_read AFTER UPDATE OF read ON articles
WHEN NEW.read != OLD.read AND NOT EXISTS (SELECT 1 FROM sync_applying)
    AND EXISTS (SELECT 1 FROM sync_items WHERE article_id = NEW.id)
BEGIN
    INSERT INTO sync_journal (article_id, field, value) VALUES (NEW.id, 'read', NEW.read);
END;
CREATE TRIGGER IF NOT EXISTS sync_journal_starred AFTER UPDATE OF starred ON articles
WHEN NEW.starred != OLD.starred AND NOT EXISTS (SELECT 1 FROM sync_applying)
    AND EXISTS (SELECT 1 FROM sync_items WHERE article_id = NEW.id)
BEGIN
    INSERT INTO sync_journal (article_id, field, value) VALUES (NEW.id, 'starred', NEW.starred);
END;
"""


@dataclass(slots=True)
class Mark:
    """A local change to push: the latest value of one field of one item."""

    article_id: int
    remote_id: int
    field: str  # "read" | "starred"
    value: bool
    seq: int  # the journal row it came from (later rows are newer changes)


def ensure(store: Store) -> None:
    """Create the sync tables and triggers if this store has none yet."""
    if _has_schema(store.db):
        return
    with store.write() as db:
        for statement in _split(_SCHEMA):
            db.execute(statement)


def _has_schema(db: sqlite3.Connection) -> bool:
    cur = db.execute(
        "SELECT count(*) FROM sqlite_master WHERE name IN "
        "('sync_journal_read', 'sync_journal_starred', 'sync_items', 'sync_applying')"
    )
    try:
        return cur.fetchone()[0] == 4
    finally:
        cur.close()


def _split(script: str) -> Iterator[str]:
    """Statements of the schema; a trigger's body keeps its inner semicolons."""
    current: list[str] = []
    for line in script.strip().splitlines():
        current.append(line)
        text = "\n".join(current).strip()
        if text.endswith(";") and (
            not text.upper().startswith("CREATE TRIGGER") or text.endswith("END;")
        ):
            yield text
            current = []


# -- meta ------------------------------------------------------------------------------------


def get_meta(store: Store, key: str) -> str | None:
    cur = store.db.execute("SELECT value FROM sync_meta WHERE key = ?", (key,))
    try:
        row = cur.fetchone()
    finally:
        cur.close()
    return row[0] if row else None


def set_meta(db: sqlite3.Connection, values: dict[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            db.execute("DELETE FROM sync_meta WHERE key = ?", (key,))
        else:
            db.execute("INSERT OR REPLACE INTO sync_meta (key, value) VALUES (?, ?)", (key, value))


def check_account(store: Store, account: str) -> bool:
    """Forget remote ids that belong to another server or user (ids are per server).

    Articles stay; only the mapping, the feeds' links and the journal go. True if reset."""
    known = get_meta(store, "account")
    if known == account:
        return False
    with store.write() as db:
        if known is not None:
            for table in ("sync_items", "sync_feeds", "sync_journal", "sync_meta"):
                db.execute(f"DELETE FROM {table}")
        set_meta(db, {"account": account})
    return known is not None


# -- mapping ----------------------------------------------------------------------------------


def known_remote_ids(store: Store) -> set[int]:
    return {r[0] for r in store.db.execute("SELECT remote_id FROM sync_items")}


def feed_map(store: Store) -> dict[str, int]:
    """remote feed id -> local feed id."""
    return dict(store.db.execute("SELECT remote_id, feed_id FROM sync_feeds"))


def set_feed_map(store: Store, mapping: dict[str, int]) -> None:
    """Replace the remote feed mapping (the server's subscription list is the whole truth)."""
    with store.write() as db:
        db.execute("DELETE FROM sync_feeds")
        db.executemany(
            "INSERT OR REPLACE INTO sync_feeds (feed_id, remote_id) VALUES (?, ?)",
            [(feed_id, remote) for remote, feed_id in mapping.items()],
        )


def managed_feed_ids(store: Store) -> set[int]:
    return {r[0] for r in store.db.execute("SELECT feed_id FROM sync_feeds")}


def map_items(store: Store, feed_id: int, keys: dict[str, int]) -> None:
    """Record which article each remote item became (key -> remote id). Items the store did
    not keep (pruned, empty) are recorded with no article, so they are not fetched again."""
    with store.write() as db:
        found: dict[str, int] = {}
        items = list(keys.items())
        for start in range(0, len(items), 500):
            chunk = [k for k, _ in items[start : start + 500]]
            marks = ",".join("?" * len(chunk))
            found.update(
                db.execute(
                    f"SELECT key, id FROM articles WHERE feed_id = ? AND key IN ({marks})",
                    (feed_id, *chunk),
                ).fetchall()
            )
        db.executemany(
            "INSERT OR REPLACE INTO sync_items (remote_id, article_id) VALUES (?, ?)",
            [(remote, found.get(key)) for key, remote in items],
        )


def forget_items(store: Store, remote_ids: Iterable[int]) -> None:
    with store.write() as db:
        db.executemany("DELETE FROM sync_items WHERE remote_id = ?", [(r,) for r in remote_ids])


# -- journal ----------------------------------------------------------------------------------


def pending_marks(store: Store) -> list[Mark]:
    """The journal collapsed to the latest value per item and field, oldest first."""
    latest: dict[tuple[int, str], Mark] = {}
    for seq, article_id, field, value, remote in store.db.execute(
        "SELECT j.seq, j.article_id, j.field, j.value, s.remote_id FROM sync_journal AS j "
        "LEFT JOIN sync_items AS s ON s.article_id = j.article_id ORDER BY j.seq"
    ):
        if remote is None:
            continue  # the article is gone (pruned): nothing to push for it
        latest[(article_id, field)] = Mark(article_id, remote, field, bool(value), seq)
    return sorted(latest.values(), key=lambda m: m.seq)


def acknowledge(store: Store, marks: Iterable[Mark]) -> None:
    """Drop journal rows the server has now; a change made since (a later seq) stays."""
    with store.write() as db:
        db.executemany(
            "DELETE FROM sync_journal WHERE article_id = ? AND field = ? AND seq <= ?",
            [(m.article_id, m.field, m.seq) for m in marks],
        )
        db.execute(
            "DELETE FROM sync_journal WHERE article_id NOT IN "
            "(SELECT article_id FROM sync_items WHERE article_id IS NOT NULL)"
        )


def journal_size(store: Store) -> int:
    cur = store.db.execute("SELECT count(*) FROM sync_journal")
    try:
        return cur.fetchone()[0]
    finally:
        cur.close()


# -- applying the server's state ---------------------------------------------------------------


@contextmanager
def applying(store: Store) -> Iterator[sqlite3.Connection]:
    """A write transaction whose mark changes the triggers do not journal."""
    with store.write() as db:
        db.execute("INSERT INTO sync_applying (x) VALUES (1)")
        try:
            yield db
        finally:
            db.execute("DELETE FROM sync_applying")


def apply_server_state(store: Store, unread: set[int], starred: set[int]) -> tuple[int, int]:
    """Make synced articles match the server's unread and starred sets, except those with a
    local change still in the journal (unacknowledged local changes win).

    Returns (read changes, star changes)."""
    with applying(store) as db:
        pending = {(r[0], r[1]) for r in db.execute("SELECT article_id, field FROM sync_journal")}
        to_read: dict[int, list[int]] = {0: [], 1: []}
        to_star: dict[int, list[int]] = {0: [], 1: []}
        for remote, aid, read, star in db.execute(
            "SELECT s.remote_id, a.id, a.read, a.starred FROM sync_items AS s "
            "JOIN articles AS a ON a.id = s.article_id"
        ):
            want_read = int(remote not in unread)
            if want_read != read and (aid, "read") not in pending:
                to_read[want_read].append(aid)
            want_star = int(remote in starred)
            if want_star != star and (aid, "starred") not in pending:
                to_star[want_star].append(aid)
        for value, ids in to_read.items():
            db.executemany("UPDATE articles SET read = ? WHERE id = ?", [(value, i) for i in ids])
        for value, ids in to_star.items():
            db.executemany(
                "UPDATE articles SET starred = ? WHERE id = ?", [(value, i) for i in ids]
            )
    return len(to_read[0]) + len(to_read[1]), len(to_star[0]) + len(to_star[1])
