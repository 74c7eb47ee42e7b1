"""Query building: a View becomes SQL conditions, an index hint and keyset-paged statements.

Pure functions of their arguments (no connection state), so what a view asks of SQLite can be
read, and tested, in one place.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from newsreader.model import ArticleRow, View
from newsreader.query import compile_query

ROW_COLUMNS = (
    "a.id, a.feed_id, f.url, COALESCE(f.title, f.url), a.title, a.link, a.author, a.sort_ts, "
    "a.published, a.read, a.starred, f.section, a.opinion, a.highlight, "
    # A podcast episode's length for the headline list: SQLite reads it from the JSON, so a
    # story without enclosures ('[]') costs a length check and no JSON parse.
    "CASE WHEN length(a.enclosures) > 2 THEN json_extract(a.enclosures, '$[0].duration') END"
)

Cursor = tuple[float, int]  # (sort_ts, id): a row's place in every list, newest first


def search_words(text: str) -> list[str]:
    """The words of what the user typed (at most 20); everything else is punctuation
    (the underscore too, as the index's tokenizer has it)."""
    return re.findall(r"[^\W_]+", text)[:20]


def fts_query(text: str) -> str:
    """User text to an FTS5 query: each word a quoted prefix term, so no FTS syntax errors.
    (The Store builds a faster, equivalent query with its tokenizer: Store._match.)"""
    return " AND ".join(f'"{w}"*' for w in search_words(text))


def where(
    view: View, *, search: bool = True, match: str | None = None
) -> tuple[str, list[Any], str]:
    """SQL conditions on `articles AS a`, their parameters and an index hint for a view.
    `match` is the FTS5 query for the view's search (default: `fts_query`); with
    search=False the search is left out (the caller walks the index itself)."""
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
    if view.hidden:
        conds.append("a.hidden = 1")
        index = "articles_hidden"
    else:
        conds.append("a.hidden = 0")
    if view.new_since is not None:
        conds.append("a.first_seen > ?")
        params.append(view.new_since)
    if view.match:
        compiled = compile_query(view.match, time.time())
        conds.append(compiled.sql)
        params.extend(compiled.params)
    if view.search and search:
        query = fts_query(view.search) if match is None else match
        if not query:
            conds.append("0")
        else:
            conds.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            params.append(query)
    return " AND ".join(conds), params, index


def page_sql(view: View, after: Cursor | None, limit: int) -> tuple[str, list[Any]]:
    """One page of a view, newest first, strictly after the `after` cursor (for a search,
    `search_sql` reads far less)."""
    cond, params, index = where(view)
    conds = [cond] if cond else []
    if after is not None:
        conds.append("(a.sort_ts, a.id) < (?, ?)")
        params.extend(after)
    sql = (
        f"SELECT {ROW_COLUMNS} FROM articles AS a INDEXED BY {index} "
        "JOIN feeds AS f ON f.id = a.feed_id"
        + (" WHERE " + " AND ".join(conds) if conds else "")
        + " ORDER BY a.sort_ts DESC, a.id DESC LIMIT ?"
    )
    return sql, [*params, limit]


def page_before_sql(view: View, before: Cursor, limit: int) -> tuple[str, list[Any]]:
    """The rows just above `before` (newer), oldest first: the caller reverses them."""
    cond, params, index = where(view)
    conds = [cond] if cond else []
    conds.append("(a.sort_ts, a.id) > (?, ?)")
    params.extend(before)
    sql = (
        f"SELECT {ROW_COLUMNS} FROM articles AS a INDEXED BY {index} "
        "JOIN feeds AS f ON f.id = a.feed_id"
        " WHERE " + " AND ".join(conds) + " ORDER BY a.sort_ts ASC, a.id ASC LIMIT ?"
    )
    return sql, [*params, limit]


def key_at_sql(view: View, offset: int, *, from_end: bool = False) -> tuple[str, list[Any]]:
    """The (sort_ts, id) key of the offset-th row of a view (0 = newest; from_end: 0 =
    oldest), walking the view's index and reading keys only: no join, no row built for the
    rows skipped (a scrollbar dragged to the middle of a long view)."""
    cond, params, index = where(view)
    order = "ASC" if from_end else "DESC"
    sql = (
        f"SELECT a.sort_ts, a.id FROM articles AS a INDEXED BY {index}"
        + (f" WHERE {cond}" if cond else "")
        + f" ORDER BY a.sort_ts {order}, a.id {order} LIMIT 1 OFFSET ?"
    )
    return sql, [*params, max(0, offset)]


def search_sql(
    view: View,
    match: str,
    *,
    older: Cursor | None = None,
    newer: Cursor | None = None,
    min_id: int = 0,
    ordered: bool = True,
) -> tuple[str, list[Any]] | None:
    """A search's matches in the view (`match`: the FTS5 query for its words), walked newest
    id first straight off the FTS index, with no sort of the whole match set; None when
    there are no words to look for.

    Ids grow with insertion, not with sort_ts, so the caller keeps the best rows itself and
    stops with the id_ts bound (see Store.page)."""
    if not match:
        return None
    cond, params, _ = where(view, search=False)
    conds = ["articles_fts MATCH ?", *([cond] if cond else [])]
    params = [match, *params]
    if older is not None:
        conds.append("(a.sort_ts, a.id) < (?, ?)")
        params.extend(older)
    if newer is not None:
        conds.append("(a.sort_ts, a.id) > (?, ?)")
        params.extend(newer)
    if min_id:
        conds.append("articles_fts.rowid >= ?")
        params.append(min_id)
    sql = (
        "SELECT a.id, a.sort_ts FROM articles_fts CROSS JOIN articles AS a "
        "ON a.id = articles_fts.rowid WHERE " + " AND ".join(conds)
    )
    return (sql + " ORDER BY articles_fts.rowid DESC" if ordered else sql), params


def count_sql(view: View, newer: Cursor | None = None) -> tuple[str, list[Any]] | None:
    """Count a view (or its rows above `newer`) from the per-feed counts when the view is
    made of feeds and unread alone; None when it needs the articles themselves."""
    if newer is not None or view.search or view.starred or view.opinion:
        return None
    if view.match or view.hidden or view.new_since is not None:
        return None
    column = ("first_" if view.merges_copies else "") + ("unread" if view.unread else "total")
    conds: list[str] = []
    params: list[Any] = []
    if view.feed_id is not None:
        conds.append("c.feed_id = ?")
        params.append(view.feed_id)
    if view.tag:
        conds.append("c.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ?)")
        params.append(view.tag)
    if view.section:
        conds.append("c.feed_id IN (SELECT id FROM feeds WHERE section = ?)")
        params.append(view.section)
    sql = f"SELECT coalesce(sum(c.{column}), 0) FROM feed_counts AS c" + (
        " WHERE " + " AND ".join(conds) if conds else ""
    )
    return sql, params


def row(r: Sequence[Any]) -> ArticleRow:
    """A headline row from the ROW_COLUMNS of a result."""
    return ArticleRow(**row_fields(r))


ROW_FIELDS = (
    "id",
    "feed_id",
    "feed_url",
    "feed_title",
    "title",
    "link",
    "author",
    "sort_ts",
    "published",
    "read",
    "starred",
    "section",
    "opinion",
    "highlight",
    "duration",
)
_FLAGS = {"read", "starred", "opinion", "highlight"}
ROW_WIDTH = len(ROW_FIELDS)  # columns ROW_COLUMNS takes at the start of a result


def row_fields(r: Sequence[Any]) -> dict[str, Any]:
    """ArticleRow's fields, by name, from the ROW_COLUMNS of a result."""
    return {
        name: bool(value) if name in _FLAGS else value
        for name, value in zip(ROW_FIELDS, r, strict=False)
    }


def chunks(ids: Iterable[int], size: int = 500) -> Iterator[tuple[list[int], str]]:
    """Ids in slices small enough for one statement, with their '?,?,...' placeholders."""
    ids = list(ids)
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


def one(db: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    """One row, with the statement closed at once: a half-read SELECT would keep this
    connection's WAL snapshot open and hide other processes' later writes from it."""
    cur = db.execute(sql, params)
    try:
        return cur.fetchone()
    finally:
        cur.close()
