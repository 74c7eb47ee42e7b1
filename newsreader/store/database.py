"""The Store: one connection to the SQLite file, its feeds, article lists, state and upkeep.

One file, WAL mode, explicit transactions: every write runs in `BEGIN IMMEDIATE` (a deferred
transaction that later upgrades to a write fails with "database is locked" at once, whatever
the busy timeout), so the TUI and a cron `newsreader refresh` can share one store. Each feed's
refresh is one transaction: a crash leaves the feed as it was before or after, never half.

Lists are keyset-paged on (sort_ts, id): a screen loads one page, never the whole store.
"""

from __future__ import annotations

import dataclasses
import heapq
import json
import math
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsreader import query
from newsreader.model import (
    Article,
    ArticleRow,
    FeedConfig,
    FeedRow,
    ParsedFeed,
    RuleConfig,
    View,
)
from newsreader.prepared import PreparedFeed
from newsreader.sanitize import clean_line, clean_text
from newsreader.store import queries, rules
from newsreader.store.queries import Cursor, chunks, one, row, row_fields
from newsreader.store.schema import (
    ID_BLOCK_SHIFT,
    StoreError,
    migrate,
    pack,
    register_functions,
    unpack,
)
from newsreader.store.writes import (
    Classifier,
    ensure_tokenizer,
    index_row,
    relink_copies,
    upsert,
)

DB_NAME = "newsreader.db"


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


class Store:
    """One connection to the store. Not shared between threads: open one per thread."""

    def __init__(self, path: Path, *, classify: Classifier | None = None) -> None:
        self.path = path
        self._classify = classify
        self._rules: list[RuleConfig] = []
        self._bounds: (
            tuple[tuple[int, int], tuple[dict[int, float], list[tuple[int, float]]]] | None
        ) = None
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
            register_functions(self.db)
            for fname, (nargs, func) in query.SQL_FUNCTIONS.items():
                self.db.create_function(fname, nargs, func, deterministic=True)
            migrate(self.db, path)
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

    @property
    def schema_version(self) -> int:
        return one(self.db, "PRAGMA user_version")[0]

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
        row = one(self.db, "SELECT id FROM feeds WHERE url = ?", (url,))
        return row[0] if row else None

    def delete_feed(self, url: str) -> bool:
        with self.write() as db:
            row = one(db, "SELECT id FROM feeds WHERE url = ?", (url,))
            if row is None:
                return False
            db.execute(
                "DELETE FROM articles_fts WHERE rowid IN (SELECT id FROM articles WHERE feed_id = ?)",
                (row[0],),
            )
            db.execute("DELETE FROM articles WHERE feed_id = ?", (row[0],))
            db.execute("DELETE FROM feeds WHERE id = ?", (row[0],))
            relink_copies(db)
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
        unread: dict[int, int] = {}
        totals: dict[int, int] = {}
        if counts:
            for feed_id, total, unread_n in self.db.execute(
                "SELECT feed_id, total, unread FROM feed_counts"
            ):
                totals[feed_id], unread[feed_id] = total, unread_n
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
        parsed: ParsedFeed | PreparedFeed | None = None,
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
                last_id = one(db, "SELECT coalesce(max(id), 0) FROM articles")[0]
                changed: list[int] = []
                new, updated = upsert(db, feed_id, parsed, now, self._classify, changed)
                if new and self._rules:
                    rules.apply_to_new(db, self._rules, feed_id, last_id, now)
                if changed and self._rules:  # a new title or text may match other rules
                    rules.apply_to_updated(db, self._rules, changed, now)
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

    # -- rules -------------------------------------------------------------------------------

    def set_rules(self, config: list[RuleConfig]) -> None:
        """The [[rules]] to apply to articles as they are stored (see store/rules.py)."""
        self._rules = list(config)

    def rules_changed(self) -> bool:
        """Whether the stored articles were ruled by other rules than the current ones."""
        return rules.needs_pass(self.db, self._rules)

    def apply_rules(self, now: float | None = None) -> int:
        """Bring every stored article in line with the current rules (one transaction;
        a few hundred ms at 100,000 articles: not for the UI thread). Rows changed."""
        with self.write() as db:
            return rules.apply_all(db, self._rules, time.time() if now is None else now)

    # -- reading -----------------------------------------------------------------------------

    def page(self, view: View, after: Cursor | None = None, limit: int = 100) -> list[ArticleRow]:
        """One page of a view, newest first, strictly after the `after` cursor (keyset)."""
        if view.search:
            return self._search_older(view, after, limit)
        sql, params = queries.page_sql(view, after, limit)
        return [row(r) for r in self.db.execute(sql, params)]

    def page_before(self, view: View, before: Cursor, limit: int = 100) -> list[ArticleRow]:
        """The page just above `before` (newer rows), newest first."""
        if view.search:
            return self._search_newer(view, before, limit)
        sql, params = queries.page_before_sql(view, before, limit)
        return [row(r) for r in self.db.execute(sql, params)][::-1]

    # Keyset windows around a cursor, for a list that shows a viewport of a long view: it
    # holds a few windows, never the view's whole id list.

    def rows_after(self, view: View, cursor: Cursor | None, n: int) -> list[ArticleRow]:
        """Up to n rows that come after `cursor` in the view (older), newest first; from the
        top of the view when cursor is None."""
        return self.page(view, cursor, n)

    def rows_before(self, view: View, cursor: Cursor, n: int) -> list[ArticleRow]:
        """Up to n rows that come just before `cursor` in the view (newer), newest first."""
        return self.page_before(view, cursor, n)

    def rows_at(
        self, view: View, offset: int, n: int, *, total: int | None = None
    ) -> list[ArticleRow]:
        """Up to n rows from the offset-th row of the view (0 = newest), for a jump far from
        any loaded window. The key there is found on the view's index (keys only), from
        whichever end is nearer when the view's `total` is given."""
        key: Cursor | None
        offset = max(0, offset)
        if n <= 0 or (total is not None and offset >= total):
            return []
        if offset == 0:
            return self.rows_after(view, None, n)
        from_end = total is not None and offset > total // 2
        at = total - 1 - offset if from_end and total is not None else offset
        if view.search:
            # a search's matches come in id order: the at-th by date reads them all (keeping
            # at most `at` of them)
            found = queries.search_sql(view, self._match(view.search), ordered=False)
            rows = self.db.execute(*found) if found else []
            pick = heapq.nsmallest if from_end else heapq.nlargest
            keys = pick(at + 1, ((ts, aid) for aid, ts in rows))
            key = keys[at] if len(keys) > at else None
        else:
            r = one(self.db, *queries.key_at_sql(view, at, from_end=from_end))
            key = (r[0], r[1]) if r else None
        if key is None:
            return []
        # ids are integers: just below (ts, id + 1) is the key's own row and those after it
        return self.rows_after(view, (key[0], key[1] + 1), n)

    def count(self, view: View, *, cap: int | None = None) -> int:
        """Rows in a view; with cap, counting stops there (a search of a common word can
        match most of the store)."""
        fast = queries.count_sql(view)
        if fast is not None:
            total = one(self.db, *fast)[0]
            return total if cap is None else min(total, cap)
        return self._count(view, None, cap)

    def position(self, view: View, cursor: Cursor, *, cap: int | None = None) -> int:
        """How many rows of the view come before `cursor` (the row's index, for a
        scrollbar): a count of the rows above it, cheap near the top."""
        return self._count(view, cursor, cap)

    def _count(self, view: View, newer: Cursor | None, cap: int | None) -> int:
        if view.search:
            found = queries.search_sql(
                view,
                self._match(view.search),
                newer=newer,
                min_id=self._first_id_at(newer),
                ordered=False,
            )
            if found is None:
                return 0
            sql, params = found
        else:
            cond, params, index = queries.where(view)
            conds = [cond] if cond else []
            if newer is not None:
                conds.append("(a.sort_ts, a.id) > (?, ?)")
                params.extend(newer)
            sql = f"SELECT 1 FROM articles AS a INDEXED BY {index}" + (
                " WHERE " + " AND ".join(conds) if conds else ""
            )
        if cap is not None:
            sql += " LIMIT ?"
            params = [*params, cap]
        return one(self.db, f"SELECT count(*) FROM ({sql})", params)[0]

    # -- search: matches walked newest id first, bounded by id_ts ------------------------------

    def _search_older(self, view: View, older: Cursor | None, limit: int) -> list[ArticleRow]:
        """The `limit` newest matches below `older`. FTS5 hands matches over in rowid order,
        and ids grow with insertion while sort_ts is the story's date, so the walk keeps the
        best rows in a heap and stops once id_ts says no smaller id can sort higher than
        the worst row kept: for a word in every article, about one id block is read."""
        found = queries.search_sql(view, self._match(view.search or ""), older=older)
        if found is None or limit <= 0:
            return []
        bound = self._id_bounds()[0]
        best: list[tuple[float, int]] = []
        shift = ID_BLOCK_SHIFT

        cur = self.db.execute(*found)
        try:
            for aid, ts in cur:
                if len(best) < limit:
                    heapq.heappush(best, (ts, aid))
                elif (ts, aid) > best[0]:
                    heapq.heapreplace(best, (ts, aid))
                if len(best) == limit and best[0][0] > bound.get(aid >> shift, math.inf):
                    break
        finally:
            cur.close()  # a half-read statement would pin this connection's snapshot
        return self._rows_in_order(sorted(best, reverse=True))

    def _search_newer(self, view: View, newer: Cursor, limit: int) -> list[ArticleRow]:
        """The `limit` matches just above `newer`: only ids from the first block holding a
        story that recent can be one, so the walk reads about as many rows as lie above."""
        found = queries.search_sql(
            view, self._match(view.search or ""), newer=newer, min_id=self._first_id_at(newer)
        )
        if found is None or limit <= 0:
            return []
        rows = heapq.nsmallest(limit, ((ts, aid) for aid, ts in self.db.execute(*found)))
        return self._rows_in_order(sorted(rows, reverse=True))

    def _match(self, text: str) -> str:
        """The FTS5 query for what the user typed: every word must match, as the start of a
        word. A word that begins up to 50 stored words becomes their OR, which FTS5 walks
        newest first; one that begins more (or none known) stays a prefix query. Words are
        cut and folded by the index's own tokenizer, so no term is ever a phrase."""
        parts = []
        for word in queries.search_words(text):
            for token in self._tokens(word):
                terms = [
                    r[0]
                    for r in self.db.execute(
                        "SELECT term FROM search_terms WHERE term >= ? AND term < ? LIMIT 51",
                        (token, token + "\U0010ffff"),
                    )
                ]
                if 0 < len(terms) <= 50:
                    parts.append("(" + " OR ".join(f'"{t}"' for t in terms) + ")")
                else:
                    parts.append(f'"{token}"*')
        return " AND ".join(parts)

    def _search_match(self, view: View) -> str | None:
        return self._match(view.search) if view.search else None

    def _tokens(self, word: str) -> list[str]:
        """A word as the search index's tokenizer cuts and folds it."""
        ensure_tokenizer(self.db)
        self.db.execute("INSERT INTO temp.words (text) VALUES (?)", (word,))
        try:
            return [r[0] for r in self.db.execute("SELECT term FROM temp.words_vocab")]
        finally:
            self.db.execute("INSERT INTO temp.words (words) VALUES ('delete-all')")

    def _first_id_at(self, cursor: Cursor | None) -> int:
        """The smallest id that can hold a row sorting above `cursor`."""
        if cursor is None:
            return 0
        own = self._id_bounds()[1]
        return next((block << ID_BLOCK_SHIFT for block, ts in own if ts >= cursor[0]), 1 << 62)

    def _id_bounds(self) -> tuple[dict[int, float], list[tuple[int, float]]]:
        """From id_ts: block -> the newest sort_ts of any id up to the block's end, and each
        block's own newest sort_ts in block order. Cached until any connection writes."""
        version = (one(self.db, "PRAGMA data_version")[0], self.db.total_changes)
        if self._bounds is None or self._bounds[0] != version:
            own = [
                (b, ts)
                for b, ts in self.db.execute("SELECT block, max_ts FROM id_ts ORDER BY block")
            ]
            upto: dict[int, float] = {}
            high = -math.inf
            for block, ts in own:
                high = max(high, ts)
                upto[block] = high
            self._bounds = (version, (upto, own))
        return self._bounds[1]

    def _rows_in_order(self, keys: list[tuple[float, int]]) -> list[ArticleRow]:
        found = self.rows([aid for _, aid in keys])
        return [found[aid] for _, aid in keys if aid in found]

    def ids(self, view: View) -> list[int]:
        """Every id in a view, newest first. Prefer keyset windows (`rows_after`,
        `rows_before`): at a million articles this list takes a quarter of a second."""
        where, params, index = queries.where(view, match=self._search_match(view))
        sql = (
            f"SELECT a.id FROM articles AS a INDEXED BY {index}"
            + (f" WHERE {where}" if where else "")
            + " ORDER BY a.sort_ts DESC, a.id DESC"
        )
        return [r[0] for r in self.db.execute(sql, params)]

    def rows(self, ids: Sequence[int]) -> dict[int, ArticleRow]:
        """Headline rows for the given ids (one query per 500)."""
        out: dict[int, ArticleRow] = {}
        for chunk, marks in chunks(ids):
            sql = (
                f"SELECT {queries.ROW_COLUMNS} FROM articles AS a JOIN feeds AS f ON f.id = a.feed_id "
                f"WHERE a.id IN ({marks})"
            )
            for r in self.db.execute(sql, chunk):
                out[r[0]] = row(r)
        return out

    def article(self, article_id: int) -> Article | None:
        r = one(
            self.db,
            f"SELECT {queries.ROW_COLUMNS}, a.guid, a.updated, a.categories, a.summary_html, "
            "a.content_html, a.enclosures, a.fulltext_html, f.site_link, a.rule_tags "
            "FROM articles AS a JOIN feeds AS f ON f.id = a.feed_id WHERE a.id = ?",
            (article_id,),
        )
        if r is None:
            return None
        (guid, updated, categories, summary, content, enclosures, page, site, given) = r[
            queries.ROW_WIDTH :
        ]
        tags = json.loads(categories or "[]")
        tags += [t for t in json.loads(given or "[]") if t not in tags]  # from [[rules]]
        return Article(
            **row_fields(r),
            guid=guid,
            updated=updated,
            categories=tags,
            summary_html=unpack(summary),
            content_html=unpack(content),
            enclosures=json.loads(enclosures or "[]"),
            fulltext_html=unpack(page),
            feed_link=site,
        )

    def unread_counts(self) -> dict[int, int]:
        """feed id -> unread articles, for feeds with any (kept by triggers: no scan)."""
        return dict(self.db.execute("SELECT feed_id, unread FROM feed_counts WHERE unread > 0"))

    def tag_counts(self) -> dict[str, int]:
        """tag -> unread stories in its feeds, a story carried by two of them counted once (as
        total_unread does): each feed's first copies, plus the copies whose first copy is in
        a feed outside the tag, once per first copy. Copies are few, and the partial index
        on (feed_id, dupe_of) reaches them without a scan."""
        out: dict[str, int] = {}
        for tag, n in self.db.execute(
            "SELECT t.tag, sum(c.first_unread) FROM feed_tags t"
            " JOIN feed_counts c ON c.feed_id = t.feed_id GROUP BY t.tag"
        ):
            out[tag] = n
        for tag, n in self.db.execute(
            "SELECT t.tag, count(DISTINCT a.dupe_of) FROM feed_tags t"
            " JOIN articles a ON a.feed_id = t.feed_id AND a.read = 0 AND a.dupe_of IS NOT NULL"
            " JOIN articles f ON f.id = a.dupe_of"
            " WHERE a.hidden = 0 AND NOT EXISTS (SELECT 1 FROM feed_tags o"
            "  WHERE o.feed_id = f.feed_id AND o.tag = t.tag)"
            " GROUP BY t.tag"
        ):
            out[tag] = out.get(tag, 0) + n
        return out

    def total_unread(self) -> int:
        """Unread stories across feeds: copies of one link in several feeds count once."""
        return one(self.db, "SELECT coalesce(sum(first_unread), 0) FROM feed_counts")[0]

    # -- state -------------------------------------------------------------------------------

    def set_read(self, ids: Iterable[int], read: bool = True) -> int:
        """Mark articles (un)read; copies of the same link in other feeds follow."""
        changed = 0
        with self.write() as db:
            for chunk, marks in chunks(ids):
                changed += db.execute(
                    f"UPDATE articles SET read = ? WHERE read != ? AND (id IN ({marks}) OR link IN "
                    f"(SELECT link FROM articles WHERE id IN ({marks}) AND link IS NOT NULL))",
                    (int(read), int(read), *chunk, *chunk),
                ).rowcount
        return changed

    def set_starred(self, ids: Iterable[int], starred: bool = True) -> int:
        changed = 0
        with self.write() as db:
            for chunk, marks in chunks(ids):
                changed += db.execute(
                    f"UPDATE articles SET starred = ? WHERE id IN ({marks})",
                    (int(starred), *chunk),
                ).rowcount
        return changed

    def mark_view_read(self, view: View) -> list[int]:
        """Mark every unread article in a view read; returns their ids (for undo)."""
        unread_view = dataclasses.replace(view, unread=True)
        with self.write() as db:
            where, params, _ = queries.where(unread_view, match=self._search_match(view))
            ids = [
                r[0] for r in db.execute(f"SELECT a.id FROM articles AS a WHERE {where}", params)
            ]
            for chunk, marks in chunks(ids):
                # Copies of these links in other feeds (hidden in merged views) go too.
                db.execute(
                    f"UPDATE articles SET read = 1 WHERE read = 0 AND (id IN ({marks}) OR link "
                    f"IN (SELECT link FROM articles WHERE id IN ({marks}) AND link IS NOT NULL))",
                    (*chunk, *chunk),
                )
        return ids

    def set_fulltext(self, article_id: int, html: str | None) -> None:
        """Keep an article's fetched page (None: tried, nothing usable); it is what search
        finds for the article from now on."""
        with self.write() as db:
            if one(db, "SELECT 1 FROM articles WHERE id = ?", (article_id,)) is None:
                return
            # The index re-derives the old text from the row to delete it: before the update.
            db.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
            db.execute(
                "UPDATE articles SET fulltext_html = ?, fulltext_at = ? WHERE id = ?",
                (pack(clean_text(html)) if html else None, time.time(), article_id),
            )
            index_row(db, article_id)

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
        row = one(self.db, "SELECT value FROM meta WHERE key = 'opinion'")
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
                relink_copies(db)
            return deleted


def iso(ts: float | None) -> str | None:
    """Epoch seconds to ISO 8601 UTC ('2025-03-18T17:24:00Z')."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
