"""The store's schema: forward-only migrations, one per version, applied in one transaction.

A store is never rebuilt or replaced: `PRAGMA user_version` says which migrations it has had,
and a store from a newer newsreader is refused rather than touched.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsreader.model import NewsreaderError
from newsreader.store.queries import one

SCHEMA_VERSION = 2


class StoreError(NewsreaderError):
    """The store cannot be opened or used; one line for the user."""


MIGRATIONS: list[str] = [
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
assert len(MIGRATIONS) == SCHEMA_VERSION

_MIGRATIONS = MIGRATIONS  # the name tests and older imports use


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the store to SCHEMA_VERSION, all steps in one IMMEDIATE transaction."""
    version = one(db, "PRAGMA user_version")[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: the store is from a newer newsreader (schema {version}); upgrade"
        )
    if version == SCHEMA_VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        version = one(db, "PRAGMA user_version")[0]  # another process may have done it
        for number in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
