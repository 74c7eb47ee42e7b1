"""Writes of fetched articles: identity, change detection, the upsert of one parsed feed, and
the links between copies of one story in several feeds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from newsreader.model import ParsedFeed
from newsreader.prepared import (
    PreparedFeed,
    article_key,
    content_hash,
    prepare_feed,
)
from newsreader.store.queries import one
from newsreader.store.schema import TOKENIZER

__all__ = ["Classifier", "article_key", "content_hash", "upsert"]

# (section, categories, link) -> is it opinion?
Classifier = Callable[[str, Sequence[str], str | None], bool]


def upsert(
    db: sqlite3.Connection,
    feed_id: int,
    parsed: ParsedFeed | PreparedFeed,
    now: float,
    classify: Classifier | None = None,
    updated_ids: list[int] | None = None,
) -> tuple[int, int]:
    """Insert new and changed articles of one parsed feed; returns (new, updated), and
    puts the ids of the updated articles in ``updated_ids`` when given.

    Runs inside the caller's write transaction. Read/starred state is never reset. A
    ParsedFeed is prepared here; the refresh's workers send PreparedFeeds (prepared.py).
    """
    prepared = prepare_feed(parsed)
    section = one(db, "SELECT section FROM feeds WHERE id = ?", (feed_id,))
    section = section[0] if section else "news"
    if section == "trending":
        # A "most read" list ranks only what it lists now; dropped items sink.
        db.execute("UPDATE articles SET feed_rank = 1000 WHERE feed_id = ?", (feed_id,))
    # One read of what the feed already has, instead of a lookup per article.
    existing: dict[str, tuple[int, str, int]] = {}
    by_link: dict[str, tuple[int, str, int]] = {}
    full_text: set[int] = set()  # articles whose fetched page is what the index holds
    for aid, key, chash, link, rank, has_page in db.execute(
        "SELECT id, key, content_hash, link, feed_rank, fulltext_html IS NOT NULL "
        "FROM articles WHERE feed_id = ?",
        (feed_id,),
    ):
        existing[key] = (aid, chash, rank)
        if link and key.startswith("l:"):
            by_link[link] = (aid, chash, rank)
        if has_page:
            full_text.add(aid)
    pruned = {r[0] for r in db.execute("SELECT key FROM pruned WHERE feed_id = ?", (feed_id,))}
    # Decide first, write after: the search index is written last, in one go. Any statement
    # that opens a savepoint (one that fires a trigger) makes FTS5 flush what it holds in
    # memory to a new segment, so index writes between article writes made one segment
    # per article (a refresh 2x slower, and a fragmented index).
    inserts: list[tuple[Any, ...]] = []
    updates: dict[int, tuple[Any, ...]] = {}  # id -> values and id (two items, one row:
    # the later wins, as when each was written in turn; deleting its index entry twice
    # would corrupt the index)
    texts: list[tuple[str, str]] = []  # per insert: (title, search text)
    reindex: dict[int, tuple[int, str, str] | None] = {}  # id -> (id, title, text) or None
    ranks: list[tuple[int, int]] = []
    seen: set[str] = set(pruned)  # pruned as too old: never stored again
    for rank, a in enumerate(prepared.articles):
        key = a.key
        if key in seen:
            continue  # duplicate guid within one document: first one wins
        seen.add(key)
        chash = a.content_hash
        row = existing.get(key)
        if row is None and a.link and not key.startswith("l:"):
            row = by_link.get(a.link)
        if row is not None and row[1] == chash:
            if row[2] != rank:
                ranks.append((rank, row[0]))
            continue
        opinion = bool(classify and classify("news", a.categories, a.link))
        values = (
            a.guid,
            a.link,
            a.title,
            a.author,
            a.published,
            a.updated,
            a.categories_json,
            a.summary,
            a.content,
            a.enclosures_json,
            chash,
            int(opinion),
            rank,
        )
        if row is None:
            sort_ts = a.published or a.updated or now
            inserts.append((*values, feed_id, key, min(sort_ts, now), now))
            texts.append((a.title, a.search_text))
        else:
            updates[row[0]] = (*values, row[0])
            # An article with a fetched page stays found by its page: re-read from the row.
            reindex[row[0]] = None if row[0] in full_text else (row[0], a.title, a.search_text)
    if ranks:
        db.executemany("UPDATE articles SET feed_rank = ? WHERE id = ?", ranks)
    if updates:
        # The index re-derives the old text from the row to delete it: before the update.
        db.executemany("DELETE FROM articles_fts WHERE rowid = ?", [(i,) for i in updates])
        db.executemany(
            "UPDATE articles SET guid = ?, link = ?, title = ?, author = ?, "
            "published = ?, updated = ?, categories = ?, summary_html = ?, "
            "content_html = ?, enclosures = ?, content_hash = ?, opinion = ?, "
            "feed_rank = ? WHERE id = ?",
            list(updates.values()),
        )
    # Ids given here, as SQLite would (max + 1 each, inside this write transaction), so the
    # rows go in one executemany instead of a statement and a lastrowid per article.
    first_id = one(db, "SELECT coalesce(max(id), 0) + 1 FROM articles")[0] if inserts else 0
    new_ids = list(range(first_id, first_id + len(inserts)))
    db.executemany(
        "INSERT INTO articles (guid, link, title, author, published, updated, "
        "categories, summary_html, content_html, enclosures, content_hash, opinion, "
        "feed_rank, feed_id, key, sort_ts, first_seen, id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*values, aid) for values, aid in zip(inserts, new_ids, strict=True)],
    )
    link_copies(db, [(aid, v[1]) for aid, v in zip(new_ids, inserts, strict=True) if v[1]])
    rows = [(aid, *text) for aid, text in zip(new_ids, texts, strict=True)]
    rows += [r for r in reindex.values() if r is not None]
    db.executemany("INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", rows)
    for article_id, r in reindex.items():
        if r is None:
            index_row(db, article_id)
    add_terms(db, [f"{title}\n{text}" for _, title, text in rows])
    if updated_ids is not None:
        updated_ids.extend(updates)
    return len(inserts), len(updates)


def link_copies(db: sqlite3.Connection, new_links: list[tuple[int, str]]) -> None:
    """A new article whose link another copy already has is the same story: it points to
    the first copy (views across feeds show that one) and is read if any copy is."""
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


def relink_copies(db: sqlite3.Connection) -> None:
    """After deleting articles: copies whose first copy is gone point to the earliest
    remaining one, or become the first copy themselves."""
    db.execute(
        "UPDATE articles SET dupe_of = (SELECT min(b.id) FROM articles AS b "
        "WHERE b.link = articles.link AND b.id < articles.id) "
        "WHERE dupe_of IS NOT NULL AND dupe_of NOT IN (SELECT id FROM articles)"
    )


def index_row(db: sqlite3.Connection, article_id: int) -> None:
    """(Re)index one article from its stored row (its entry must have been deleted first)."""
    found = one(db, "SELECT title, body FROM articles_text WHERE id = ?", (article_id,))
    if found is not None:
        db.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", (article_id, *found)
        )
        add_terms(db, [f"{found[0]}\n{found[1]}"])


def add_terms(db: sqlite3.Connection, texts: Iterable[str]) -> None:
    """Add the words of newly indexed text to search_terms, tokenized exactly as the index
    does it (by a private in-memory FTS5 table with the same tokenizer). A search turns a
    typed word into the OR of the stored words it begins, which FTS5 walks newest first,
    instead of a prefix query, which merges the word's whole match list before the first
    row (60 ms for a word in each of a million articles)."""
    texts = list(texts)
    if not texts:
        return
    ensure_tokenizer(db)
    db.executemany("INSERT INTO temp.words (text) VALUES (?)", [(t,) for t in texts])
    db.execute("INSERT OR IGNORE INTO search_terms (term) SELECT term FROM temp.words_vocab")
    db.execute("INSERT INTO temp.words (words) VALUES ('delete-all')")


def ensure_tokenizer(db: sqlite3.Connection) -> None:
    """This connection's private tokenizer: an FTS5 table in temp with the index's
    tokenizer, holding no text between calls."""
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.words USING fts5 (text, content = '', "
        f"detail = none, tokenize = '{TOKENIZER}')"
    )
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.words_vocab USING fts5vocab (words, row)")
