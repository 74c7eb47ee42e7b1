"""The store's schema: forward-only migrations, one per version, applied in one transaction.

A store is never rebuilt or replaced: `PRAGMA user_version` says which migrations it has had,
and a store from a newer newsreader is refused rather than touched.
"""

from __future__ import annotations

import contextlib
import sqlite3
import zlib
from pathlib import Path

from newsreader.model import NewsreaderError
from newsreader.prepared import PACK_MIN as PACK_MIN
from newsreader.prepared import pack as pack  # re-exported: database.py, bench
from newsreader.sanitize import html_to_search_text
from newsreader.store.queries import one

SCHEMA_VERSION = 4
ID_BLOCK_SHIFT = 10  # id_ts keeps the newest sort_ts of each block of 1024 ids
TOKENIZER = "unicode61 remove_diacritics 2"  # the search index's, also in migration 3


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
    # 3: a million articles in 2.5 KB each, searched and counted without a scan. The search
    # index keeps no copy of the text (external content: the view articles_text gives it
    # back from the article for deletes and rebuilds), no word positions and no column
    # sizes (the search asks for words, never phrases, and sorts by time, not by rank):
    # 155 bytes an article instead of 830, and a third less work per refresh.
    # Bodies of PACK_MIN bytes and more are stored deflated, as BLOBs. feed_counts holds
    # each feed's article and unread counts (all copies, and first copies only), kept by
    # triggers. id_ts holds the newest sort_ts of each block of ids, so a search can walk
    # its matches newest id first and stop once no older id can still sort higher.
    # search_terms holds every word the index was given (a superset: never pruned), so a
    # typed prefix becomes an OR of whole words (see writes.add_terms).
    """
    DROP INDEX articles_search;
    DROP TABLE articles_fts;
    UPDATE articles SET summary_html = nr_pack(summary_html), content_html = nr_pack(content_html),
        fulltext_html = nr_pack(fulltext_html);
    CREATE VIEW articles_text (id, title, body) AS
        SELECT id, title, nr_search_body(fulltext_html, content_html, summary_html) FROM articles;
    CREATE VIRTUAL TABLE articles_fts USING fts5 (
        title, body, content = 'articles_text', content_rowid = 'id', detail = none,
        columnsize = 0, tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
    CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE VIRTUAL TABLE temp.articles_vocab USING fts5vocab (main, articles_fts, row);
    INSERT INTO search_terms (term) SELECT term FROM temp.articles_vocab;
    DROP TABLE temp.articles_vocab;
    CREATE TABLE feed_counts (
        feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
        total INTEGER NOT NULL DEFAULT 0,
        unread INTEGER NOT NULL DEFAULT 0,
        first_total INTEGER NOT NULL DEFAULT 0,
        first_unread INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO feed_counts (feed_id, total, unread, first_total, first_unread)
        SELECT f.id, count(a.id), coalesce(sum(a.read = 0), 0),
            coalesce(sum(a.dupe_of IS NULL), 0), coalesce(sum(a.read = 0 AND a.dupe_of IS NULL), 0)
        FROM feeds AS f LEFT JOIN articles AS a ON a.feed_id = f.id GROUP BY f.id;
    CREATE TRIGGER feeds_counted AFTER INSERT ON feeds BEGIN
        INSERT INTO feed_counts (feed_id) VALUES (NEW.id);
    END;
    CREATE TABLE id_ts (block INTEGER PRIMARY KEY, max_ts REAL NOT NULL);
    INSERT INTO id_ts (block, max_ts) SELECT id >> 10, max(sort_ts) FROM articles GROUP BY 1;
    CREATE TRIGGER articles_added AFTER INSERT ON articles BEGIN
        UPDATE feed_counts SET total = total + 1, unread = unread + (NEW.read = 0),
            first_total = first_total + (NEW.dupe_of IS NULL),
            first_unread = first_unread + (NEW.read = 0 AND NEW.dupe_of IS NULL)
        WHERE feed_id = NEW.feed_id;
        INSERT INTO id_ts (block, max_ts) VALUES (NEW.id >> 10, NEW.sort_ts)
            ON CONFLICT (block) DO UPDATE SET max_ts = max(max_ts, excluded.max_ts);
    END;
    CREATE TRIGGER articles_removed AFTER DELETE ON articles BEGIN
        UPDATE feed_counts SET total = total - 1, unread = unread - (OLD.read = 0),
            first_total = first_total - (OLD.dupe_of IS NULL),
            first_unread = first_unread - (OLD.read = 0 AND OLD.dupe_of IS NULL)
        WHERE feed_id = OLD.feed_id;
    END;
    CREATE TRIGGER articles_recounted AFTER UPDATE OF read, dupe_of, feed_id ON articles
    WHEN OLD.read IS NOT NEW.read OR (OLD.dupe_of IS NULL) IS NOT (NEW.dupe_of IS NULL)
        OR OLD.feed_id IS NOT NEW.feed_id
    BEGIN
        UPDATE feed_counts SET total = total - 1, unread = unread - (OLD.read = 0),
            first_total = first_total - (OLD.dupe_of IS NULL),
            first_unread = first_unread - (OLD.read = 0 AND OLD.dupe_of IS NULL)
        WHERE feed_id = OLD.feed_id;
        UPDATE feed_counts SET total = total + 1, unread = unread + (NEW.read = 0),
            first_total = first_total + (NEW.dupe_of IS NULL),
            first_unread = first_unread + (NEW.read = 0 AND NEW.dupe_of IS NULL)
        WHERE feed_id = NEW.feed_id;
    END;
    CREATE TRIGGER articles_retimed AFTER UPDATE OF sort_ts ON articles BEGIN
        INSERT INTO id_ts (block, max_ts) VALUES (NEW.id >> 10, NEW.sort_ts)
            ON CONFLICT (block) DO UPDATE SET max_ts = max(max_ts, excluded.max_ts);
    END;
    """,
    # 4: what [[rules]] did to an article: hidden (out of every view and count, kept in the
    # store so it comes back when the rule goes), highlighted, and the tags rules gave it.
    # The per-feed counts now leave hidden articles out, so their triggers are rebuilt.
    """
    ALTER TABLE articles ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE articles ADD COLUMN highlight INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE articles ADD COLUMN rule_tags TEXT;
    CREATE INDEX articles_hidden ON articles (sort_ts DESC, id DESC) WHERE hidden = 1;
    DROP TRIGGER articles_added;
    DROP TRIGGER articles_removed;
    DROP TRIGGER articles_recounted;
    CREATE TRIGGER articles_added AFTER INSERT ON articles BEGIN
        UPDATE feed_counts SET total = total + (NEW.hidden = 0),
            unread = unread + (NEW.read = 0 AND NEW.hidden = 0),
            first_total = first_total + (NEW.dupe_of IS NULL AND NEW.hidden = 0),
            first_unread = first_unread + (NEW.read = 0 AND NEW.dupe_of IS NULL AND NEW.hidden = 0)
        WHERE feed_id = NEW.feed_id;
        INSERT INTO id_ts (block, max_ts) VALUES (NEW.id >> 10, NEW.sort_ts)
            ON CONFLICT (block) DO UPDATE SET max_ts = max(max_ts, excluded.max_ts);
    END;
    CREATE TRIGGER articles_removed AFTER DELETE ON articles BEGIN
        UPDATE feed_counts SET total = total - (OLD.hidden = 0),
            unread = unread - (OLD.read = 0 AND OLD.hidden = 0),
            first_total = first_total - (OLD.dupe_of IS NULL AND OLD.hidden = 0),
            first_unread = first_unread - (OLD.read = 0 AND OLD.dupe_of IS NULL AND OLD.hidden = 0)
        WHERE feed_id = OLD.feed_id;
    END;
    CREATE TRIGGER articles_recounted AFTER UPDATE OF read, dupe_of, feed_id, hidden ON articles
    WHEN OLD.read IS NOT NEW.read OR (OLD.dupe_of IS NULL) IS NOT (NEW.dupe_of IS NULL)
        OR OLD.feed_id IS NOT NEW.feed_id OR OLD.hidden IS NOT NEW.hidden
    BEGIN
        UPDATE feed_counts SET total = total - (OLD.hidden = 0),
            unread = unread - (OLD.read = 0 AND OLD.hidden = 0),
            first_total = first_total - (OLD.dupe_of IS NULL AND OLD.hidden = 0),
            first_unread = first_unread - (OLD.read = 0 AND OLD.dupe_of IS NULL AND OLD.hidden = 0)
        WHERE feed_id = OLD.feed_id;
        UPDATE feed_counts SET total = total + (NEW.hidden = 0),
            unread = unread + (NEW.read = 0 AND NEW.hidden = 0),
            first_total = first_total + (NEW.dupe_of IS NULL AND NEW.hidden = 0),
            first_unread = first_unread + (NEW.read = 0 AND NEW.dupe_of IS NULL AND NEW.hidden = 0)
        WHERE feed_id = NEW.feed_id;
    END;
    """,
]
assert len(MIGRATIONS) == SCHEMA_VERSION

_MIGRATIONS = MIGRATIONS  # the name tests and older imports use


def register_functions(db: sqlite3.Connection) -> None:
    """SQL functions the schema calls: every connection that writes articles needs them."""
    db.create_function("nr_pack", 1, pack, deterministic=True)
    db.create_function("nr_search_body", 3, search_body, deterministic=True)


def unpack(value: str | bytes | None) -> str | None:
    """A body as read: the inverse of `pack`."""
    if isinstance(value, bytes):
        return zlib.decompress(value, -15).decode("utf-8", "surrogatepass")
    return value


def search_body(
    fulltext: str | bytes | None, content: str | bytes | None, summary: str | bytes | None
) -> str:
    """The text the search index holds for an article's body: its full page when fetched,
    else its content, else its summary. The index is external content: deleting an
    article's entry re-derives this text, so it must only depend on the stored row."""
    return html_to_search_text(unpack(fulltext) or unpack(content) or unpack(summary))


def _statements(script: str) -> list[str]:
    """A migration's statements (a trigger body holds ';' of its own)."""
    out: list[str] = []
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip().strip(";").strip():
                out.append(buf.strip())
            buf = ""
    return out


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
        version = start = one(db, "PRAGMA user_version")[0]  # another process may have done it
        for number in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[number]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    if 0 < start < 3:
        # Version 3 dropped the search index's copy of every text: give the space back
        # once (the 100,000-article bench store: 517 -> 112 MB, in 30 s).
        # If another process is reading, VACUUM fails: new rows reuse the space instead.
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("VACUUM")
