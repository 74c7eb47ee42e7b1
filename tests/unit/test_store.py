from __future__ import annotations

import sqlite3
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.model import FeedConfig, ParsedArticle, ParsedFeed, View
from newsreader.sanitize import html_to_search_text
from newsreader.store import _MIGRATIONS, SCHEMA_VERSION, FetchOutcome, Store

NOW = datetime(2025, 3, 18, 12, 0, tzinfo=UTC)


def _articles(n: int, prefix: str = "Story", link_host: str = "a.example") -> list[ParsedArticle]:
    return [
        ParsedArticle(
            title=f"{prefix} {i}",
            guid=f"{prefix}-{i}",
            link=f"https://{link_host}/{prefix}/{i}",
            published=NOW - timedelta(minutes=i),
            summary_html=f"<p>Body of {prefix.lower()} number {i} about volcanoes</p>",
            categories=["World"],
        )
        for i in range(n)
    ]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path)
    s.sync_feeds(
        [
            FeedConfig(url="https://a.example/feed", tags=["world"]),
            FeedConfig(url="https://b.example/feed", section="opinion", tags=["world", "views"]),
        ]
    )
    yield s
    s.close()


def _feed(store: Store, url: str) -> int:
    fid = store.feed_id(url)
    assert fid is not None
    return fid


def test_store_file_is_wal_and_versioned(store: Store) -> None:
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.schema_version == SCHEMA_VERSION
    assert store.path.exists()


def test_read_and_starred_survive_reinsertion_and_updates(store: Store) -> None:
    fid = _feed(store, "https://a.example/feed")
    store.record_fetch(fid, FetchOutcome(status=200), ParsedFeed("A", None, _articles(5)))
    first = store.page(View(feed_id=fid))
    store.set_read([first[0].id])
    store.set_starred([first[1].id])
    # The same articles again, one of them edited by the publisher.
    again = _articles(5)
    again[0].title = "Story 0 (updated)"
    new, updated = store.record_fetch(fid, FetchOutcome(status=200), ParsedFeed("A", None, again))
    assert (new, updated) == (0, 1)
    rows = store.page(View(feed_id=fid))
    assert len(rows) == 5
    assert rows[0].title == "Story 0 (updated)" and rows[0].read
    assert rows[1].starred and not rows[1].read
    assert store.count(View(feed_id=fid, unread=True)) == 4


def test_dedupe_by_link_then_hash(store: Store) -> None:
    fid = _feed(store, "https://a.example/feed")
    no_guid = [ParsedArticle(title="Linked", link="https://a.example/x", published=NOW)]
    nothing = [ParsedArticle(title="Bare", published=NOW)]
    for _ in range(3):
        store.record_fetch(fid, FetchOutcome(status=200), ParsedFeed("A", None, no_guid + nothing))
    assert store.count(View(feed_id=fid)) == 2


def test_views_filter_and_page_by_keyset(store: Store) -> None:
    a, b = _feed(store, "https://a.example/feed"), _feed(store, "https://b.example/feed")
    store.record_fetch(a, FetchOutcome(status=200), ParsedFeed("A", None, _articles(30)))
    store.record_fetch(
        b, FetchOutcome(status=200), ParsedFeed("B", None, _articles(7, "Op", "b.example"))
    )
    assert store.count(View()) == 37
    assert store.count(View(tag="views")) == 7
    assert store.count(View(tag="world")) == 37
    assert store.count(View(section="opinion")) == 7
    assert store.count(View(opinion=True)) == 7  # by the feed's section
    assert [r.title for r in store.page(View(search="Op 3"))] == ["Op 3"]
    assert store.count(View(search="volcanoes")) == 37
    seen: list[str] = []
    cursor = None
    while True:
        page = store.page(View(), after=cursor, limit=8)
        if not page:
            break
        seen += [r.title for r in page]
        cursor = page[-1].cursor
    assert len(seen) == 37 and len(set(seen)) == 37
    top = store.page(View(), limit=10)
    assert [r.id for r in store.page_before(View(), top[5].cursor, limit=3)] == [
        r.id for r in top[2:5]
    ]
    assert store.unread_counts() == {a: 30, b: 7}
    assert store.tag_counts() == {"world": 37, "views": 7}


def test_search_text_is_never_fts_syntax(store: Store) -> None:
    """What the user types is words to find, never FTS5 operators: no error, no surprise."""
    fid = _feed(store, "https://a.example/feed")
    arts = _articles(3) + [
        ParsedArticle(title="Council says NOT yet", guid="n", published=NOW),
        ParsedArticle(title="Council votes yes", guid="y", published=NOW - timedelta(hours=1)),
    ]
    store.record_fetch(fid, FetchOutcome(status=200), ParsedFeed("A", None, arts))

    def titles(query: str) -> list[str]:
        return [r.title for r in store.page(View(search=query))]

    assert titles("NOT yet") == ["Council says NOT yet"]  # words, not a negation
    assert titles("council -yes") == ["Council votes yes"]  # '-' is not NOT either
    assert titles("council AND") == []  # 'and' is a word no article has
    assert titles("story*)") == ["Story 0", "Story 1", "Story 2"]
    assert titles('"Story 2') == ["Story 2"]  # an unclosed quote is punctuation
    assert titles("NEAR(volcanoes") == []
    assert titles("council_says") == ["Council says NOT yet"]  # '_' parts words, as indexed
    assert [r.title for r in store.rows(store.ids(View(search="votes_yes"))).values()] == [
        "Council votes yes"
    ]
    assert len(store.mark_view_read(View(search="story_0 volcanoes"))) == 1
    for nothing in ['"', "-", "*", "()"]:
        assert titles(nothing) == []  # no words: nothing matches (not everything)
        assert store.count(View(search=nothing)) == 0


def test_reading_one_copy_reads_copies_in_other_feeds(store: Store) -> None:
    a, b = _feed(store, "https://a.example/feed"), _feed(store, "https://b.example/feed")
    shared = _articles(2)
    store.record_fetch(a, FetchOutcome(status=200), ParsedFeed("A", None, shared))
    store.record_fetch(b, FetchOutcome(status=200), ParsedFeed("B", None, _articles(2)))
    rows = store.page(View(feed_id=a))
    store.set_read([rows[0].id])
    assert store.unread_counts() == {a: 1, b: 1}


def test_mark_view_read_returns_ids_for_undo(store: Store) -> None:
    a = _feed(store, "https://a.example/feed")
    store.record_fetch(a, FetchOutcome(status=200), ParsedFeed("A", None, _articles(10)))
    store.set_read([store.page(View())[0].id])
    ids = store.mark_view_read(View(feed_id=a))
    assert len(ids) == 9 and store.count(View(unread=True)) == 0
    store.set_read(ids, False)
    assert store.count(View(unread=True)) == 9


def test_a_failed_feed_write_leaves_the_feed_as_it_was(store: Store) -> None:
    fid = _feed(store, "https://a.example/feed")
    store.record_fetch(
        fid, FetchOutcome(status=200, etag="v1"), ParsedFeed("A", None, _articles(3))
    )
    broken = _articles(6)
    broken[4].title = None  # type: ignore[assignment]  # fails half way through the feed
    with pytest.raises(AttributeError):
        store.record_fetch(fid, FetchOutcome(status=200, etag="v2"), ParsedFeed("A", None, broken))
    assert store.count(View(feed_id=fid)) == 3
    assert store.feeds(["https://a.example/feed"])[0].etag == "v1"


def test_migrates_a_version_1_store_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "newsreader.db"
    db = sqlite3.connect(path)
    db.executescript(_MIGRATIONS[0])
    db.execute("INSERT INTO feeds (id, url, title) VALUES (1, 'https://old.example/rss', 'Old')")
    db.execute(
        "INSERT INTO articles (feed_id, key, title, sort_ts, first_seen, content_hash, read, "
        "starred) VALUES (1, 'g:1', 'Kept', 1700000000, 1700000000, 'x', 1, 1)"
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        rows = store.page(View(starred=True))
        assert [(r.title, r.read, r.starred, r.opinion) for r in rows] == [
            ("Kept", True, True, False)
        ]
        assert store.page(View(opinion=True)) == []


def test_newer_or_corrupt_store_is_refused_not_replaced(tmp_path: Path) -> None:
    from newsreader.store import StoreError

    newer = tmp_path / "new" / "newsreader.db"
    newer.parent.mkdir()
    db = sqlite3.connect(newer)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="newer newsreader"):
        Store(newer)
    corrupt = tmp_path / "bad" / "newsreader.db"
    corrupt.parent.mkdir()
    corrupt.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(corrupt)
    assert corrupt.read_bytes() == b"this is not a database" * 100


def test_two_connections_write_at_once_without_locking_errors(tmp_path: Path) -> None:
    setup = Store.open(tmp_path)
    ids = setup.sync_feeds([FeedConfig(url=f"https://{n}.example/feed") for n in range(4)])
    setup.record_fetch(
        ids["https://0.example/feed"], FetchOutcome(), ParsedFeed("0", None, _articles(50))
    )
    errors: list[BaseException] = []
    starred: list[int] = []

    def refresher(url: str, prefix: str) -> None:
        try:
            with Store.open(tmp_path) as s:
                for round_ in range(15):
                    arts = _articles(20, f"{prefix}{round_}")
                    s.record_fetch(
                        ids[url], FetchOutcome(status=200), ParsedFeed(prefix, None, arts)
                    )
        except BaseException as exc:
            errors.append(exc)

    def reader_marking() -> None:
        try:
            with Store.open(tmp_path) as s:
                for _ in range(60):
                    rows = s.page(View(unread=True), limit=5)
                    s.set_read([r.id for r in rows])
                    starred.extend(r.id for r in rows[:1] if s.set_starred([r.id]))
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=refresher, args=("https://1.example/feed", "x")),
        threading.Thread(target=refresher, args=("https://2.example/feed", "y")),
        threading.Thread(target=reader_marking),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # The long-lived first connection (like the TUI's) sees every other writer's rows.
    assert setup.count(View()) == 50 + 2 * 15 * 20
    assert len(starred) >= 10
    assert sorted(r.id for r in setup.page(View(starred=True), limit=1000)) == sorted(starred)
    setup.close()


def _fill(path: Path, n: int) -> None:
    """n articles over 500 feeds, inserted directly (fast) in the store's own schema."""
    with Store(path) as s:
        s.sync_feeds([FeedConfig(url=f"https://f{i}.example/rss") for i in range(500)])
        with s.write() as db:
            db.executemany(
                "INSERT INTO articles (feed_id, key, title, link, sort_ts, first_seen, "
                "content_hash, read) VALUES (?, ?, ?, ?, ?, ?, '', ?)",
                (
                    (
                        1 + i % 500,
                        f"g:{i}",
                        f"Headline {i}",
                        f"https://x.example/{i}",
                        1.7e9 + i // 3,
                        1.7e9,
                        i % 4 == 0,
                    )
                    for i in range(n)
                ),
            )


def test_paging_100k_articles_by_keyset_never_loads_them_all(tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    _fill(path, 100_000)
    with Store(path) as store:
        statements: list[str] = []
        store.db.set_trace_callback(statements.append)
        tracemalloc.start()
        seen = 0
        cursor = None
        last = None
        while True:
            page = store.page(View(unread=True), after=cursor, limit=500)
            if not page:
                break
            seen += len(page)
            assert last is None or page[0].cursor < last
            last = page[-1].cursor
            cursor = page[-1].cursor
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        store.db.set_trace_callback(None)
        assert seen == 75_000
        # Each query asks for one page, by keyset on the partial unread index, with no OFFSET.
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) == 151
        assert all("OFFSET" not in s.upper() and "LIMIT 500" in s for s in selects)
        plan = store.db.execute(
            "EXPLAIN QUERY PLAN " + selects[5].replace("INDEXED BY", "INDEXED BY")
        ).fetchall()
        assert any("articles_unread" in row[-1] for row in plan), plan
        # A page of 500 rows costs well under 1 MB; 75k rows held at once would cost ~40 MB.
        assert peak < 5_000_000, peak


def test_copies_of_one_link_are_one_story_across_feeds(store: Store) -> None:
    a, b = _feed(store, "https://a.example/feed"), _feed(store, "https://b.example/feed")
    store.record_fetch(a, FetchOutcome(status=200), ParsedFeed("A", None, _articles(3)))
    # Feed B carries the same three links (a "most read" list, a syndicated copy) plus one.
    copies = _articles(3, link_host="a.example") + _articles(1, "Own", "b.example")
    for c in copies[:3]:
        c.guid = "b-" + (c.guid or "")
    store.record_fetch(b, FetchOutcome(status=200), ParsedFeed("B", None, copies))
    assert store.count(View()) == 4  # merged: three shared stories and B's own
    assert store.count(View(feed_id=b)) == 4  # the feed itself shows every copy
    assert store.count(View(tag="views")) == 4
    assert store.total_unread() == 4
    assert store.unread_counts() == {a: 3, b: 4}
    # A tag counts a story once however many of its feeds carry it; "views" (B alone) counts
    # the copies whose first copy is in A.
    assert store.tag_counts() == {"world": 4, "views": 4}
    store.set_read([store.page(View(feed_id=a))[0].id])
    assert store.tag_counts() == {"world": 3, "views": 3} and store.total_unread() == 3
    store.set_read([store.page(View(feed_id=a))[0].id], False)
    # Mark-all in the merged view reads the hidden copies too; undo restores both.
    ids = store.mark_view_read(View())
    assert store.total_unread() == 0 and store.unread_counts() == {}
    store.set_read(ids, False)
    assert store.unread_counts() == {a: 3, b: 4}
    # Starring a copy shows it in the starred list even though it is hidden elsewhere.
    copy = store.page(View(feed_id=b))[-1]
    store.set_starred([copy.id])
    assert [r.id for r in store.page(View(starred=True))] == [copy.id]
    # Without the first feed the copies become the stories.
    store.delete_feed("https://a.example/feed")
    assert store.count(View()) == 4 and store.total_unread() == 4


def _index_matches_rows(store: Store) -> None:
    """FTS5's own check that the search index holds exactly what the articles say."""
    store.db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def _brute_order(store: Store, view: View) -> list[int]:
    return store.ids(view)  # the whole sorted id list: the reference the windows must match


def test_search_pages_are_the_newest_matches_even_when_ids_disagree_with_dates(
    store: Store,
) -> None:
    a, b = _feed(store, "https://a.example/feed"), _feed(store, "https://b.example/feed")
    # Feed A first with recent stories; then feed B is added with a back catalogue of older
    # ones (higher ids, older dates), then A again with newer ones: ids and dates disagree.
    store.record_fetch(a, FetchOutcome(status=200), ParsedFeed("A", None, _articles(40)))
    old = _articles(1500, "Archive", "b.example")
    for n, art in enumerate(old):
        art.published = NOW - timedelta(days=30, minutes=n)
    store.record_fetch(b, FetchOutcome(status=200), ParsedFeed("B", None, old))
    fresh = _articles(30, "Fresh")
    for n, art in enumerate(fresh):
        art.published = NOW + timedelta(minutes=n)  # in the past: NOW is 2025
    store.record_fetch(a, FetchOutcome(status=200), ParsedFeed("A", None, fresh))
    for view in (View(search="volcanoes"), View(search="number 1"), View(search="archive")):
        reference = _brute_order(store, view)
        walked: list[int] = []
        cursor = None
        while page := store.rows_after(view, cursor, 17):
            walked += [r.id for r in page]
            cursor = page[-1].cursor
        assert walked == reference
        assert store.count(view) == len(reference)
        assert store.count(view, cap=10) == min(10, len(reference))
        # Back up from deep in the list, window by window.
        at = len(reference) - 5
        cursor = store.rows([reference[at]])[reference[at]].cursor
        assert [r.id for r in store.rows_before(view, cursor, 12)] == reference[at - 12 : at]
        assert store.position(view, cursor) == at
        assert [r.id for r in store.rows_at(view, at, 3)] == reference[at : at + 3]
        total = len(reference)
        assert [r.id for r in store.rows_at(view, at, 3, total=total)] == reference[at : at + 3]
        assert [r.id for r in store.rows_at(view, 2, 3, total=total)] == reference[2:5]
    assert store.page(View(search="Fresh"), limit=3)[0].title == "Fresh 29"


def test_windows_and_counts_without_search_match_the_full_list(store: Store) -> None:
    a, b = _feed(store, "https://a.example/feed"), _feed(store, "https://b.example/feed")
    store.record_fetch(a, FetchOutcome(status=200), ParsedFeed("A", None, _articles(25)))
    store.record_fetch(
        b, FetchOutcome(status=200), ParsedFeed("B", None, _articles(25) + _articles(5, "Own"))
    )  # 25 copies of A's links: merged in views across feeds
    store.set_read([r.id for r in store.page(View(feed_id=a), limit=7)])
    store.set_starred([r.id for r in store.page(View(feed_id=b), limit=3)])
    views = [
        View(),
        View(unread=True),
        View(feed_id=a),
        View(feed_id=b, unread=True),
        View(tag="views"),
        View(tag="world", unread=True),
        View(section="opinion"),
        View(starred=True),
        View(opinion=True),
    ]
    for view in views:
        reference = _brute_order(store, view)
        assert store.count(view) == len(reference), view
        top = store.rows_after(view, None, 10)
        assert [r.id for r in top] == reference[:10]
        if len(reference) > 12:
            cursor = store.rows([reference[12]])[reference[12]].cursor
            assert [r.id for r in store.rows_after(view, cursor, 4)] == reference[13:17]
            assert [r.id for r in store.rows_before(view, cursor, 4)] == reference[8:12]
            assert store.position(view, cursor) == 12
        # A jump to an offset, from the top or (given the total) from the bottom.
        total = len(reference)
        for at in {0, total // 3, max(0, total - 4), total - 1}:
            assert [r.id for r in store.rows_at(view, at, 5)] == reference[at : at + 5]
            assert [r.id for r in store.rows_at(view, at, 5, total=total)] == reference[at : at + 5]
        assert store.rows_at(view, total, 5, total=total) == []
    assert store.count(View()) == 30 and store.total_unread() == 30 - 7


def test_counts_kept_by_triggers_agree_with_the_articles(store: Store) -> None:
    a, b = _feed(store, "https://a.example/feed"), _feed(store, "https://b.example/feed")

    def check() -> None:
        real = dict(
            store.db.execute("SELECT feed_id, count(*) FROM articles WHERE read = 0 GROUP BY 1")
        )
        assert store.unread_counts() == real
        first_unread = store.db.execute(
            "SELECT count(*) FROM articles WHERE read = 0 AND dupe_of IS NULL"
        ).fetchone()[0]
        assert store.total_unread() == first_unread
        totals = dict(store.db.execute("SELECT feed_id, count(*) FROM articles GROUP BY 1"))
        assert {f.id: f.total for f in store.feeds() if f.total} == totals

    store.record_fetch(a, FetchOutcome(status=200), ParsedFeed("A", None, _articles(12)))
    store.record_fetch(b, FetchOutcome(status=200), ParsedFeed("B", None, _articles(6)))
    check()
    store.set_read([r.id for r in store.page(View(feed_id=b), limit=2)])
    check()
    ids = store.mark_view_read(View(tag="views"))
    check()
    store.set_read(ids, False)
    check()
    store.prune(keep_days=1, now=time.time() + 86400 * 3)  # everything is old by then
    check()
    store.record_fetch(a, FetchOutcome(status=200), ParsedFeed("A", None, _articles(3, "New")))
    store.delete_feed("https://b.example/feed")
    check()
    assert store.unread_counts() == {a: 3}


def test_bodies_are_stored_deflated_and_read_back_whole(store: Store) -> None:
    fid = _feed(store, "https://a.example/feed")
    body = "<p>" + "The harbour wall held through the night. " * 40 + "</p>"
    short = "<p>Short.</p>"
    arts = [
        ParsedArticle(title="Long", guid="l", published=NOW, content_html=body),
        ParsedArticle(title="Short", guid="s", published=NOW, summary_html=short),
    ]
    store.record_fetch(fid, FetchOutcome(status=200), ParsedFeed("A", None, arts))
    short_row, long_row = store.page(View(feed_id=fid))  # same date: newest id first
    stored = store.db.execute(
        "SELECT typeof(content_html), length(content_html) FROM articles WHERE id = ?",
        (long_row.id,),
    ).fetchone()
    assert stored[0] == "blob" and stored[1] < len(body) // 5
    assert store.article(long_row.id).content_html == body  # type: ignore[union-attr]
    assert store.article(short_row.id).summary_html == short  # type: ignore[union-attr]
    assert [r.title for r in store.page(View(search="harbour wall"))] == ["Long"]


def test_full_text_and_updates_keep_the_search_index_true_to_the_rows(store: Store) -> None:
    fid = _feed(store, "https://a.example/feed")
    arts = _articles(4)
    store.record_fetch(fid, FetchOutcome(status=200), ParsedFeed("A", None, arts))
    target = store.page(View(search="Story 2"))[0]
    store.set_fulltext(target.id, "<article><p>Lava reached the lighthouse.</p></article>")
    _index_matches_rows(store)
    assert [r.id for r in store.page(View(search="lighthouse"))] == [target.id]
    # The publisher edits every story: the page stays what the story is found by.
    for art in arts:
        art.summary_html = "<p>Edited: no more about mountains</p>"
    store.record_fetch(fid, FetchOutcome(status=200), ParsedFeed("A", None, arts))
    _index_matches_rows(store)
    assert [r.id for r in store.page(View(search="lighthouse"))] == [target.id]
    assert store.count(View(search="mountains")) == 3
    assert store.count(View(search="volcanoes")) == 0
    store.prune(keep_days=1, now=time.time() + 86400 * 3)
    _index_matches_rows(store)
    assert store.count(View(search="lighthouse")) == 0


def test_migrates_a_version_2_store_keeping_articles_state_and_search(tmp_path: Path) -> None:
    """A store written by the previous release: FTS with its own copy of the text."""
    path = tmp_path / "newsreader.db"
    db = sqlite3.connect(path)
    db.executescript(_MIGRATIONS[0] + _MIGRATIONS[1] + "PRAGMA user_version = 2;")
    db.execute("INSERT INTO feeds (id, url, title) VALUES (1, 'https://old.example/rss', 'Old')")
    db.execute("INSERT INTO feeds (id, url, title) VALUES (2, 'https://two.example/rss', 'Two')")
    body = "<p>" + "Tidal barrage plans return to the council. " * 20 + "</p>"
    rows = [
        (1, 1, "g:1", "Barrage plans", body, 1, 1, None),
        (2, 1, "g:2", "Ferry timetable", "<p>Winter sailings.</p>", 0, 0, None),
        (3, 2, "g:3", "Barrage plans (copy)", body, 1, 0, 1),
    ]
    for aid, feed, key, title, html, read, starred, dupe in rows:
        db.execute(
            "INSERT INTO articles (id, feed_id, key, link, title, summary_html, sort_ts, "
            "first_seen, content_hash, read, starred, dupe_of) "
            "VALUES (?, ?, ?, 'https://x.example/' || ?, ?, ?, ?, ?, 'h', ?, ?, ?)",
            (aid, feed, key, aid, title, html, 1.7e9 + aid, 1.7e9 + aid, read, starred, dupe),
        )
        db.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            (aid, title, html_to_search_text(html)),
        )
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [(r.id, r.read, r.starred) for r in store.page(View(feed_id=1))] == [
            (2, False, False),
            (1, True, True),
        ]
        assert store.article(1).summary_html == body  # type: ignore[union-attr]
        assert [r.id for r in store.page(View(search="tidal barrage"))] == [1]  # merged copy
        assert [r.id for r in store.page(View(search="winter"))] == [2]
        assert store.unread_counts() == {1: 1} and store.total_unread() == 1
        assert store.count(View()) == 2 and store.count(View(feed_id=2)) == 1
        assert (
            store.db.execute("SELECT typeof(summary_html) FROM articles WHERE id = 1").fetchone()[0]
            == "blob"
        )
        _index_matches_rows(store)
        # New articles after the upgrade are counted and searchable like the old ones.
        store.record_fetch(1, FetchOutcome(status=200), ParsedFeed("Old", None, _articles(2)))
        assert store.unread_counts() == {1: 3}
        assert store.count(View(search="volcanoes")) == 2
        _index_matches_rows(store)


def test_a_typed_word_finds_every_word_it_begins_wherever_it_was_indexed(store: Store) -> None:
    fid = _feed(store, "https://a.example/feed")
    arts = [
        ParsedArticle(title="Coast", guid="c", published=NOW, summary_html="<p>Lighthouses</p>"),
        ParsedArticle(title="Page", guid="p", published=NOW - timedelta(hours=1)),
        ParsedArticle(title="Café Wörld", guid="w", published=NOW - timedelta(hours=2)),
        *[
            ParsedArticle(title=f"Code ab{n}x", guid=f"ab{n}", published=NOW - timedelta(days=1))
            for n in range(60)  # 'ab' begins 60 words: too many to list, a prefix query
        ],
    ]
    store.record_fetch(fid, FetchOutcome(status=200), ParsedFeed("A", None, arts))
    page = store.page(View(search="Page"))[0]
    store.set_fulltext(page.id, "<p>The old lighthouse keeper</p>")  # only in the page
    assert [r.title for r in store.page(View(search="lighthouse"))] == ["Coast", "Page"]
    assert [r.title for r in store.page(View(search="LIGHT keep"))] == ["Page"]
    assert [r.title for r in store.page(View(search="world cafe"))] == ["Café Wörld"]
    assert [r.title for r in store.page(View(search="wörld"))] == ["Café Wörld"]
    assert store.count(View(search="ab")) == 60
    assert store.count(View(search="ab1")) == 11  # ab1, ab10..ab19
    assert store.count(View(search="abc")) == 0


def test_two_items_naming_one_stored_article_update_it_once(store: Store) -> None:
    fid = _feed(store, "https://a.example/feed")
    first = [ParsedArticle(title="Tide tables", link="https://a.example/t", published=NOW)]
    store.record_fetch(fid, FetchOutcome(status=200), ParsedFeed("A", None, first))
    # The feed now gives the story a guid and also still lists it without one, both edited.
    again = [
        ParsedArticle(title="Tide tables, corrected", guid="t", link="https://a.example/t"),
        ParsedArticle(title="Tide tables, final", link="https://a.example/t", published=NOW),
    ]
    new, updated = store.record_fetch(fid, FetchOutcome(status=200), ParsedFeed("A", None, again))
    assert (new, updated) == (0, 1)
    assert [r.title for r in store.page(View(feed_id=fid))] == ["Tide tables, final"]
    _index_matches_rows(store)
    assert [r.title for r in store.page(View(search="final"))] == ["Tide tables, final"]
    assert store.page(View(search="corrected")) == []
