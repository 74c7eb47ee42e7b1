"""The SQLite store: feeds, articles, read/starred state and full-text search.

One file, WAL mode, explicit transactions: every write runs in `BEGIN IMMEDIATE` (a deferred
transaction that later upgrades to a write fails with "database is locked" at once, whatever
the busy timeout), so the TUI and a cron `newsreader refresh` can share one store. Each feed's
refresh is one transaction: a crash leaves the feed as it was before or after, never half.

Lists are keyset-paged on (sort_ts, id): a screen loads one page, never the whole store.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsreader.model import (
    Article,
    ArticleRow,
    FeedConfig,
    FeedRow,
    NewsreaderError,
    ParsedArticle,
    ParsedFeed,
    View,
)
from newsreader.sanitize import clean_line, clean_text, html_to_search_text

SCHEMA_VERSION = 2
DB_NAME = "newsreader.db"

Classifier = Callable[[str, Sequence[str], str | None], bool]


class StoreError(NewsreaderError):
    """The store cannot be opened or used; one line for the user."""


@dataclass(slots=True)
class FetchOutcome:
    """What a fetch did to a feed, for `record_fetch` (from the refresh orchestrator)."""

    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    new_url: str | None = None
    gone: bool = False
    retry_until: float | None = None
    next_fetch: float | None = None
    not_modified: bool = False


_ROW_COLUMNS = (
    "a.id, a.feed_id, f.url, COALESCE(f.title, f.url), a.title, a.link, a.author, a.sort_ts, "
    "a.published, a.read, a.starred, f.section, a.opinion"
)

_MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        site_link TEXT,
        section TEXT NOT NULL DEFAULT 'news',
        etag TEXT,
        last_modified TEXT,
        last_fetch REAL,
        last_status INTEGER,
        last_error TEXT,
        error_count INTEGER NOT NULL DEFAULT 0,
        next_fetch REAL,
        retry_until REAL,
        gone INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE feed_tags (
        tag TEXT NOT NULL,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        PRIMARY KEY (tag, feed_id)
    ) WITHOUT ROWID;
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        guid TEXT,
        link TEXT,
        title TEXT NOT NULL,
        author TEXT,
        published REAL,
        updated REAL,
        sort_ts REAL NOT NULL,
        first_seen REAL NOT NULL,
        categories TEXT NOT NULL DEFAULT '[]',
        summary_html TEXT,
        content_html TEXT,
        enclosures TEXT NOT NULL DEFAULT '[]',
        content_hash TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        UNIQUE (feed_id, key)
    );
    CREATE INDEX articles_sort ON articles (sort_ts DESC, id DESC);
    CREATE INDEX articles_feed_sort ON articles (feed_id, sort_ts DESC, id DESC);
    CREATE INDEX articles_unread ON articles (sort_ts DESC, id DESC) WHERE read = 0;
    CREATE INDEX articles_starred ON articles (sort_ts DESC, id DESC) WHERE starred = 1;
    CREATE INDEX articles_link ON articles (link) WHERE link IS NOT NULL;
    CREATE VIRTUAL TABLE articles_fts USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2');
    """,
    # 2: where a feed moved (301/308; the subscription keeps its url), opinion classification,
    # full-page text, position within the feed, per-feed unread index, a narrow covering
    # index that lets a search sort its matches without reading whole article rows, and
    # dupe_of: the first copy of the same link in another feed (aggregate views show one),
    # and the keys of pruned articles, so a feed that still lists them does not bring them
    # back as new unread stories
    """
    ALTER TABLE feeds ADD COLUMN fetch_url TEXT;
    ALTER TABLE articles ADD COLUMN opinion INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE articles ADD COLUMN fulltext_html TEXT;
    ALTER TABLE articles ADD COLUMN fulltext_at REAL;
    ALTER TABLE articles ADD COLUMN feed_rank INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE articles ADD COLUMN dupe_of INTEGER;
    DROP INDEX articles_sort;
    CREATE INDEX articles_sort ON articles (sort_ts DESC, id DESC, dupe_of);
    DROP INDEX articles_unread;
    CREATE INDEX articles_unread ON articles (sort_ts DESC, id DESC, dupe_of) WHERE read = 0;
    CREATE INDEX articles_opinion ON articles (sort_ts DESC, id DESC, dupe_of) WHERE opinion = 1;
    CREATE INDEX articles_feed_unread ON articles (feed_id, dupe_of) WHERE read = 0;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
    CREATE INDEX articles_search ON articles (id, sort_ts, feed_id, read, starred, opinion, dupe_of);
    CREATE TABLE pruned (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        PRIMARY KEY (feed_id, key)
    ) WITHOUT ROWID;
    """,
]
assert len(_MIGRATIONS) == SCHEMA_VERSION


def _ts(dt: datetime | None) -> float | None:
    return dt.timestamp() if dt is not None else None


def article_key(a: ParsedArticle) -> str:
    """An article's identity within its feed: guid, else link, else a hash of title+date."""
    if a.guid:
        return "g:" + a.guid
    if a.link:
        return "l:" + a.link
    stamp = a.published.isoformat() if a.published else ""
    return "h:" + hashlib.sha1(f"{a.title}\x00{stamp}".encode()).hexdigest()


def _content_hash(a: ParsedArticle) -> str:
    h = hashlib.sha1()
    for part in (
        a.title,
        a.link or "",
        a.author or "",
        a.summary_html or "",
        a.content_html or "",
        "\x1f".join(a.categories),
        str(_ts(a.updated)),
        str(_ts(a.published)),
    ):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def _fts_query(text: str) -> str:
    """User text to an FTS5 query: each word a quoted prefix term, so no FTS syntax errors."""
    words = re.findall(r"\w+", text, re.UNICODE)
    return " ".join(f'"{w}"*' for w in words[:20])


class Store:
    """One connection to the store. Not shared between threads: open one per thread."""

    def __init__(self, path: Path, *, classify: Classifier | None = None) -> None:
        self.path = path
        self._classify = classify
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # the data folder is a file, or cannot be created
            raise StoreError(
                f"{path.parent}: cannot create the data folder: {exc.strerror}"
            ) from None
        try:
            self.db = sqlite3.connect(
                path, isolation_level=None, timeout=10.0, check_same_thread=False
            )
            self.db.execute("PRAGMA busy_timeout = 10000")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open the store: {exc}") from None

    @classmethod
    def open(cls, data_dir: Path, *, classify: Classifier | None = None) -> Store:
        return cls(data_dir / DB_NAME, classify=classify)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions and schema ------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, taken IMMEDIATE so it waits for the lock instead of failing."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def _migrate(self) -> None:
        version = _one(self.db, "PRAGMA user_version")[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: the store is from a newer newsreader (schema {version}); upgrade"
            )
        if version == SCHEMA_VERSION:
            return
        with self.write() as db:
            version = _one(db, "PRAGMA user_version")[0]
            for number in range(version, SCHEMA_VERSION):
                for statement in _MIGRATIONS[number].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")

    @property
    def schema_version(self) -> int:
        return _one(self.db, "PRAGMA user_version")[0]

    # -- feeds -------------------------------------------------------------------------------

    def sync_feeds(self, feeds: Iterable[FeedConfig]) -> dict[str, int]:
        """Make the store's feed rows match the subscriptions; returns url -> feed id.

        Feeds no longer subscribed are kept (their articles stay readable) but no longer listed
        by `feeds()`; use `delete_feed` to drop one for good.
        """
        ids: dict[str, int] = {}
        with self.write() as db:
            # Read everything once and write only what changed: per-feed statements (and
            # feed_tags has no index on feed_id) made every command O(feeds^2), minutes
            # for an imported 10,000-feed OPML.
            known = {
                url: (feed_id, title, section)
                for feed_id, url, title, section in db.execute(
                    "SELECT id, url, title, section FROM feeds"
                ).fetchall()
            }
            tags: dict[int, set[str]] = {}
            for tag, feed_id in db.execute("SELECT tag, feed_id FROM feed_tags").fetchall():
                tags.setdefault(feed_id, set()).add(tag)
            for f in feeds:
                row = known.get(f.url)
                if row is None:
                    cur = db.execute(
                        "INSERT INTO feeds (url, title, section) VALUES (?, ?, ?)",
                        (f.url, f.title, f.section),
                    )
                    feed_id = int(cur.lastrowid or 0)
                else:
                    feed_id, title, section = row
                    if section != f.section:
                        db.execute(
                            "UPDATE feeds SET section = ? WHERE id = ?", (f.section, feed_id)
                        )
                    if f.title and f.title != title:
                        db.execute("UPDATE feeds SET title = ? WHERE id = ?", (f.title, feed_id))
                known[f.url] = (feed_id, f.title or (row[1] if row else None), f.section)
                if set(f.tags) != tags.get(feed_id, set()):
                    if feed_id in tags:
                        db.execute("DELETE FROM feed_tags WHERE feed_id = ?", (feed_id,))
                    db.executemany(
                        "INSERT OR IGNORE INTO feed_tags (tag, feed_id) VALUES (?, ?)",
                        [(t, feed_id) for t in f.tags],
                    )
                    tags[feed_id] = set(f.tags)
                ids[f.url] = feed_id
        return ids

    def feed_id(self, url: str) -> int | None:
        row = _one(self.db, "SELECT id FROM feeds WHERE url = ?", (url,))
        return row[0] if row else None

    def delete_feed(self, url: str) -> bool:
        with self.write() as db:
            row = _one(db, "SELECT id FROM feeds WHERE url = ?", (url,))
            if row is None:
                return False
            db.execute(
                "DELETE FROM articles_fts WHERE rowid IN (SELECT id FROM articles WHERE feed_id = ?)",
                (row[0],),
            )
            db.execute("DELETE FROM articles WHERE feed_id = ?", (row[0],))
            db.execute("DELETE FROM feeds WHERE id = ?", (row[0],))
            _relink_copies(db)
        return True

    def feeds(self, urls: Iterable[str] | None = None, *, counts: bool = True) -> list[FeedRow]:
        """Feed rows (all, or those with the given urls, in that order) with unread counts."""
        rows = self.db.execute(
            "SELECT id, url, title, site_link, section, etag, last_modified, last_fetch, "
            "last_status, last_error, error_count, next_fetch, retry_until, gone, fetch_url FROM feeds"
        ).fetchall()
        tags: dict[int, list[str]] = {}
        for tag, feed_id in self.db.execute("SELECT tag, feed_id FROM feed_tags ORDER BY tag"):
            tags.setdefault(feed_id, []).append(tag)
        unread = self.unread_counts() if counts else {}
        totals = (
            dict(self.db.execute("SELECT feed_id, count(*) FROM articles GROUP BY feed_id"))
            if counts
            else {}
        )
        out = {
            r[1]: FeedRow(
                id=r[0],
                url=r[1],
                title=r[2] or "",
                site_link=r[3],
                section=r[4],
                tags=tags.get(r[0], []),
                etag=r[5],
                last_modified=r[6],
                last_fetch=r[7],
                last_status=r[8],
                last_error=r[9],
                error_count=r[10],
                next_fetch=r[11],
                retry_until=r[12],
                gone=bool(r[13]),
                fetch_url=r[14],
                unread=unread.get(r[0], 0),
                total=totals.get(r[0], 0),
            )
            for r in rows
        }
        if urls is None:
            return sorted(out.values(), key=lambda f: f.display_title.lower())
        return [out[u] for u in urls if u in out]

    def set_feed_title(self, feed_id: int, title: str) -> None:
        with self.write() as db:
            db.execute("UPDATE feeds SET title = ? WHERE id = ?", (clean_line(title), feed_id))

    def record_fetch(
        self,
        feed_id: int,
        outcome: FetchOutcome,
        parsed: ParsedFeed | None = None,
        *,
        now: float | None = None,
        keep_title: bool = False,
    ) -> tuple[int, int]:
        """Store one fetch of one feed, articles and feed state in ONE transaction.

        Returns (new, updated) article counts. A refresh never resets read/starred state.
        """
        now = time.time() if now is None else now
        new = updated = 0
        with self.write() as db:
            if parsed is not None:
                new, updated = self._upsert(db, feed_id, parsed, now)
                if parsed.title and not keep_title:
                    db.execute("UPDATE feeds SET title = ? WHERE id = ?", (parsed.title, feed_id))
                if parsed.site_link:
                    db.execute(
                        "UPDATE feeds SET site_link = ? WHERE id = ?", (parsed.site_link, feed_id)
                    )
            failed = outcome.error is not None
            db.execute(
                "UPDATE feeds SET last_fetch = ?, last_status = ?, last_error = ?, "
                "error_count = CASE WHEN ? THEN error_count + 1 ELSE 0 END, "
                "etag = CASE WHEN ? THEN etag ELSE ? END, "
                "last_modified = CASE WHEN ? THEN last_modified ELSE ? END, "
                "next_fetch = ?, retry_until = ?, gone = gone OR ? WHERE id = ?",
                (
                    now,
                    outcome.status,
                    outcome.error,
                    failed,
                    failed or outcome.not_modified,
                    outcome.etag,
                    failed or outcome.not_modified,
                    outcome.last_modified,
                    outcome.next_fetch,
                    outcome.retry_until,
                    outcome.gone,
                    feed_id,
                ),
            )
            if outcome.new_url:
                db.execute(
                    "UPDATE feeds SET fetch_url = ? WHERE id = ?", (outcome.new_url, feed_id)
                )
        return new, updated

    def _upsert(
        self, db: sqlite3.Connection, feed_id: int, parsed: ParsedFeed, now: float
    ) -> tuple[int, int]:
        section = _one(db, "SELECT section FROM feeds WHERE id = ?", (feed_id,))
        section = section[0] if section else "news"
        if section == "trending":
            # A "most read" list ranks only what it lists now; dropped items sink.
            db.execute("UPDATE articles SET feed_rank = 1000 WHERE feed_id = ?", (feed_id,))
        # One read of what the feed already has, instead of a lookup per article.
        existing: dict[str, tuple[int, str, int]] = {}
        by_link: dict[str, tuple[int, str, int]] = {}
        for aid, key, chash, link, rank in db.execute(
            "SELECT id, key, content_hash, link, feed_rank FROM articles WHERE feed_id = ?",
            (feed_id,),
        ):
            existing[key] = (aid, chash, rank)
            if link and key.startswith("l:"):
                by_link[link] = (aid, chash, rank)
        pruned = {r[0] for r in db.execute("SELECT key FROM pruned WHERE feed_id = ?", (feed_id,))}
        new = updated = 0
        new_links: list[tuple[int, str]] = []
        seen: set[str] = set(pruned)  # pruned as too old: never stored again
        for rank, a in enumerate(parsed.articles):
            key = article_key(a)
            if key in seen:
                continue  # duplicate guid within one document: first one wins
            seen.add(key)
            chash = _content_hash(a)
            row = existing.get(key)
            if row is None and a.link and not key.startswith("l:"):
                row = by_link.get(a.link)
            if row is not None and row[1] == chash:
                if row[2] != rank:
                    db.execute("UPDATE articles SET feed_rank = ? WHERE id = ?", (rank, row[0]))
                continue
            published = _ts(a.published)
            updated_ts = _ts(a.updated)
            opinion = bool(self._classify and self._classify("news", a.categories, a.link))
            values = (
                a.guid,
                a.link,
                a.title,
                a.author,
                published,
                updated_ts,
                json.dumps(a.categories, ensure_ascii=False),
                a.summary_html,
                a.content_html,
                json.dumps(
                    [{"url": e.url, "type": e.type, "length": e.length} for e in a.enclosures]
                ),
                chash,
                int(opinion),
                rank,
            )
            if row is None:
                sort_ts = published or updated_ts or now
                cur = db.execute(
                    "INSERT INTO articles (guid, link, title, author, published, updated, "
                    "categories, summary_html, content_html, enclosures, content_hash, opinion, "
                    "feed_rank, feed_id, key, sort_ts, first_seen) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, feed_id, key, min(sort_ts, now), now),
                )
                article_id = int(cur.lastrowid or 0)
                existing[key] = (article_id, chash, rank)
                new += 1
                if a.link:
                    new_links.append((article_id, a.link))
            else:
                article_id = row[0]
                db.execute(
                    "UPDATE articles SET guid = ?, link = ?, title = ?, author = ?, "
                    "published = ?, updated = ?, categories = ?, summary_html = ?, "
                    "content_html = ?, enclosures = ?, content_hash = ?, opinion = ?, "
                    "feed_rank = ? WHERE id = ?",
                    (*values, article_id),
                )
                db.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
                updated += 1
            text = a.search_text
            if text is None:
                text = html_to_search_text(a.content_html or a.summary_html)
            db.execute(
                "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                (article_id, a.title, text),
            )
        # A new article whose link another copy already has is the same story: it points to
        # the first copy (views across feeds show that one) and is read if any copy is.
        for start in range(0, len(new_links), 500):
            chunk = new_links[start : start + 500]
            links = [link for _, link in chunk]
            marks = ",".join("?" * len(links))
            first: dict[str, tuple[int, int]] = {
                r[0]: (r[1], r[2])
                for r in db.execute(
                    f"SELECT link, min(id), max(read) FROM articles WHERE link IN ({marks}) "
                    "GROUP BY link",
                    links,
                )
            }
            db.executemany(
                "UPDATE articles SET dupe_of = ?, read = max(read, ?) WHERE id = ?",
                [
                    (first[link][0], first[link][1], aid)
                    for aid, link in chunk
                    if link in first and first[link][0] != aid
                ],
            )
        return new, updated

    # -- reading -----------------------------------------------------------------------------

    def _where(self, view: View) -> tuple[str, list[Any], str]:
        """SQL conditions, parameters and an index hint for a view."""
        conds: list[str] = []
        params: list[Any] = []
        index = "articles_sort"
        if view.feed_id is not None:
            conds.append("a.feed_id = ?")
            params.append(view.feed_id)
            index = "articles_feed_sort"
        if view.tag:
            conds.append("a.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ?)")
            params.append(view.tag)
        if view.section:
            conds.append("a.feed_id IN (SELECT id FROM feeds WHERE section = ?)")
            params.append(view.section)
        if view.unread:
            conds.append("a.read = 0")
            if view.feed_id is None:
                index = "articles_unread"
        if view.starred:
            conds.append("a.starred = 1")
            index = "articles_starred"
        if view.opinion:
            conds.append(
                "(a.opinion = 1 OR a.feed_id IN (SELECT id FROM feeds WHERE section = 'opinion'))"
            )
        if view.merges_copies:
            conds.append("a.dupe_of IS NULL")
        if view.search:
            query = _fts_query(view.search)
            if not query:
                conds.append("0")
            else:
                conds.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
                params.append(query)
                index = "articles_search"
        return " AND ".join(conds), params, index

    def page(
        self, view: View, after: tuple[float, int] | None = None, limit: int = 100
    ) -> list[ArticleRow]:
        """One page of a view, newest first, strictly after the `after` cursor (keyset)."""
        where, params, index = self._where(view)
        conds = [where] if where else []
        if after is not None:
            conds.append("(a.sort_ts, a.id) < (?, ?)")
            params.extend(after)
        hint = f" INDEXED BY {index}" if index else ""
        if view.search:
            # Sort the matches on the narrow index first, then read only one page of rows.
            inner = (
                f"SELECT a.id FROM articles AS a{hint} WHERE "
                + " AND ".join(conds)
                + " ORDER BY a.sort_ts DESC, a.id DESC LIMIT ?"
            )
            sql = (
                f"SELECT {_ROW_COLUMNS} FROM articles AS a JOIN feeds AS f ON f.id = a.feed_id "
                f"WHERE a.id IN ({inner}) ORDER BY a.sort_ts DESC, a.id DESC"
            )
        else:
            sql = (
                f"SELECT {_ROW_COLUMNS} FROM articles AS a{hint} JOIN feeds AS f "
                "ON f.id = a.feed_id"
                + (" WHERE " + " AND ".join(conds) if conds else "")
                + " ORDER BY a.sort_ts DESC, a.id DESC LIMIT ?"
            )
        params.append(limit)
        return [_row(r) for r in self.db.execute(sql, params)]

    def page_before(
        self, view: View, before: tuple[float, int], limit: int = 100
    ) -> list[ArticleRow]:
        """The page just above `before` (newer rows), newest first."""
        where, params, index = self._where(view)
        conds = [where] if where else []
        conds.append("(a.sort_ts, a.id) > (?, ?)")
        params.extend(before)
        hint = f" INDEXED BY {index}" if index else ""
        sql = (
            f"SELECT {_ROW_COLUMNS} FROM articles AS a{hint} JOIN feeds AS f ON f.id = a.feed_id"
            " WHERE " + " AND ".join(conds) + " ORDER BY a.sort_ts ASC, a.id ASC LIMIT ?"
        )
        params.append(limit)
        return [_row(r) for r in self.db.execute(sql, params)][::-1]

    def count(self, view: View) -> int:
        where, params, _ = self._where(view)
        sql = "SELECT count(*) FROM articles AS a" + (f" WHERE {where}" if where else "")
        return _one(self.db, sql, params)[0]

    def ids(self, view: View) -> list[int]:
        """Every id in a view, newest first (ints only: 100k ids is under 4 MB)."""
        where, params, index = self._where(view)
        hint = f" INDEXED BY {index}" if index else ""
        sql = (
            f"SELECT a.id FROM articles AS a{hint}"
            + (f" WHERE {where}" if where else "")
            + " ORDER BY a.sort_ts DESC, a.id DESC"
        )
        return [r[0] for r in self.db.execute(sql, params)]

    def rows(self, ids: Sequence[int]) -> dict[int, ArticleRow]:
        """Headline rows for the given ids (one query per 500)."""
        out: dict[int, ArticleRow] = {}
        for chunk, marks in _chunks(ids):
            sql = (
                f"SELECT {_ROW_COLUMNS} FROM articles AS a JOIN feeds AS f ON f.id = a.feed_id "
                f"WHERE a.id IN ({marks})"
            )
            for r in self.db.execute(sql, chunk):
                out[r[0]] = _row(r)
        return out

    def article(self, article_id: int) -> Article | None:
        r = _one(
            self.db,
            f"SELECT {_ROW_COLUMNS}, a.guid, a.updated, a.categories, a.summary_html, "
            "a.content_html, a.enclosures, a.fulltext_html, f.site_link FROM articles AS a "
            "JOIN feeds AS f ON f.id = a.feed_id WHERE a.id = ?",
            (article_id,),
        )
        if r is None:
            return None
        return Article(
            *_row_values(r),
            guid=r[13],
            updated=r[14],
            categories=json.loads(r[15] or "[]"),
            summary_html=r[16],
            content_html=r[17],
            enclosures=json.loads(r[18] or "[]"),
            fulltext_html=r[19],
            feed_link=r[20],
        )

    def unread_counts(self) -> dict[int, int]:
        return dict(
            self.db.execute(
                "SELECT feed_id, count(*) FROM articles INDEXED BY articles_feed_unread "
                "WHERE read = 0 GROUP BY feed_id"
            )
        )

    def tag_counts(self) -> dict[str, int]:
        per_feed = self.unread_counts()
        out: dict[str, int] = {}
        for tag, feed_id in self.db.execute("SELECT tag, feed_id FROM feed_tags"):
            out[tag] = out.get(tag, 0) + per_feed.get(feed_id, 0)
        return out

    def total_unread(self) -> int:
        """Unread stories across feeds: copies of one link in several feeds count once."""
        return _one(
            self.db,
            "SELECT count(*) FROM articles INDEXED BY articles_feed_unread "
            "WHERE read = 0 AND dupe_of IS NULL",
        )[0]

    # -- state -------------------------------------------------------------------------------

    def set_read(self, ids: Iterable[int], read: bool = True) -> int:
        """Mark articles (un)read; copies of the same link in other feeds follow."""
        changed = 0
        with self.write() as db:
            for chunk, marks in _chunks(ids):
                changed += db.execute(
                    f"UPDATE articles SET read = ? WHERE read != ? AND (id IN ({marks}) OR link IN "
                    f"(SELECT link FROM articles WHERE id IN ({marks}) AND link IS NOT NULL))",
                    (int(read), int(read), *chunk, *chunk),
                ).rowcount
        return changed

    def set_starred(self, ids: Iterable[int], starred: bool = True) -> int:
        changed = 0
        with self.write() as db:
            for chunk, marks in _chunks(ids):
                changed += db.execute(
                    f"UPDATE articles SET starred = ? WHERE id IN ({marks})",
                    (int(starred), *chunk),
                ).rowcount
        return changed

    def mark_view_read(self, view: View) -> list[int]:
        """Mark every unread article in a view read; returns their ids (for undo)."""
        unread_view = View(**{**_view_dict(view), "unread": True})
        with self.write() as db:
            where, params, _ = self._where(unread_view)
            ids = [
                r[0] for r in db.execute(f"SELECT a.id FROM articles AS a WHERE {where}", params)
            ]
            for chunk, marks in _chunks(ids):
                # Copies of these links in other feeds (hidden in merged views) go too.
                db.execute(
                    f"UPDATE articles SET read = 1 WHERE read = 0 AND (id IN ({marks}) OR link "
                    f"IN (SELECT link FROM articles WHERE id IN ({marks}) AND link IS NOT NULL))",
                    (*chunk, *chunk),
                )
        return ids

    def set_fulltext(self, article_id: int, html: str | None) -> None:
        with self.write() as db:
            db.execute(
                "UPDATE articles SET fulltext_html = ?, fulltext_at = ? WHERE id = ?",
                (clean_text(html) if html else None, time.time(), article_id),
            )
            if html:
                title = _one(db, "SELECT title FROM articles WHERE id = ?", (article_id,))
                if title:
                    db.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
                    db.execute(
                        "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                        (article_id, title[0], html_to_search_text(html)),
                    )

    def needs_fulltext(self, feed_id: int, limit: int = 20) -> list[tuple[int, str]]:
        """Newest articles of a feed with a link and no full text fetched yet."""
        return list(
            self.db.execute(
                "SELECT id, link FROM articles WHERE feed_id = ? AND link IS NOT NULL "
                "AND fulltext_at IS NULL ORDER BY sort_ts DESC LIMIT ?",
                (feed_id, limit),
            )
        )

    # -- ranking inputs and upkeep ----------------------------------------------------------

    def recent(self, since: float) -> list[tuple[Any, ...]]:
        """(id, feed_id, feed_title, title, link, sort_ts, section, feed_rank) since a time."""
        return self.db.execute(
            "SELECT a.id, a.feed_id, COALESCE(f.title, f.url), a.title, a.link, a.sort_ts, "
            "f.section, a.feed_rank FROM articles AS a INDEXED BY articles_sort "
            "JOIN feeds AS f ON f.id = a.feed_id WHERE a.sort_ts >= ? "
            "ORDER BY a.sort_ts DESC, a.id DESC",
            (since,),
        ).fetchall()

    def reclassify(self, signature: str, classify: Classifier) -> bool:
        """Re-run opinion classification when its keywords changed. True if it ran."""
        self._classify = classify
        row = _one(self.db, "SELECT value FROM meta WHERE key = 'opinion'")
        if row and row[0] == signature:
            return False
        with self.write() as db:
            updates = [
                (int(classify("news", json.loads(cats or "[]"), link)), aid)
                for aid, cats, link in db.execute("SELECT id, categories, link FROM articles")
            ]
            db.executemany("UPDATE articles SET opinion = ? WHERE id = ?", updates)
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('opinion', ?)", (signature,)
            )
        return True

    def prune(self, keep_days: int, now: float | None = None) -> int:
        """Delete unstarred articles that are older than keep_days and were stored more than
        keep_days ago (a newly added feed's old posts get keep_days to be read). Their keys
        are kept so a feed that still lists them cannot bring them back unread."""
        if keep_days <= 0:
            return 0
        cutoff = (time.time() if now is None else now) - keep_days * 86400
        old = "sort_ts < ? AND first_seen < ? AND starred = 0"
        with self.write() as db:
            db.execute(
                f"INSERT OR IGNORE INTO pruned (feed_id, key) SELECT feed_id, key FROM articles "
                f"WHERE {old}",
                (cutoff, cutoff),
            )
            db.execute(
                f"DELETE FROM articles_fts WHERE rowid IN (SELECT id FROM articles WHERE {old})",
                (cutoff, cutoff),
            )
            deleted = db.execute(f"DELETE FROM articles WHERE {old}", (cutoff, cutoff)).rowcount
            if deleted:  # the relink scans every copy; after most refreshes nothing was pruned
                _relink_copies(db)
            return deleted


def _relink_copies(db: sqlite3.Connection) -> None:
    """After deleting articles: copies whose first copy is gone point to the earliest
    remaining one, or become the first copy themselves."""
    db.execute(
        "UPDATE articles SET dupe_of = (SELECT min(b.id) FROM articles AS b "
        "WHERE b.link = articles.link AND b.id < articles.id) "
        "WHERE dupe_of IS NOT NULL AND dupe_of NOT IN (SELECT id FROM articles)"
    )


def _chunks(ids: Iterable[int], size: int = 500) -> Iterator[tuple[list[int], str]]:
    """Ids in slices small enough for one statement, with their '?,?,...' placeholders."""
    ids = list(ids)
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


def _one(db: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    """One row, with the statement closed at once: a half-read SELECT would keep this
    connection's WAL snapshot open and hide other processes' later writes from it."""
    cur = db.execute(sql, params)
    try:
        return cur.fetchone()
    finally:
        cur.close()


def _row_values(r: Sequence[Any]) -> tuple[Any, ...]:
    return (
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        r[7],
        r[8],
        bool(r[9]),
        bool(r[10]),
        r[11],
        bool(r[12]),
    )


def _row(r: Sequence[Any]) -> ArticleRow:
    return ArticleRow(*_row_values(r))


def _view_dict(view: View) -> dict[str, Any]:
    return {name: getattr(view, name) for name in View.__slots__}


def iso(ts: float | None) -> str | None:
    """Epoch seconds to ISO 8601 UTC ('2025-03-18T17:24:00Z')."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
