"""The refresh's parse workers (newsreader.pool, newsreader.worker) and the prepared values
they send the store (newsreader.prepared): real child processes, a real store file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.model import FeedConfig, View
from newsreader.parse import ParseError, parse_feed
from newsreader.pool import ParsePool, PoolBroken
from newsreader.prepared import PreparedFeed, prepare_feed
from newsreader.store import FetchOutcome, Store
from newsreader.worker import parse_for_store

FEEDS = Path(__file__).parent.parent / "fixtures" / "feeds"
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


async def test_workers_parse_feeds_as_this_process_does() -> None:
    pool = ParsePool(2)
    try:
        names = ["rss20.xml", "atom.xml", "feed.json", "rss10.xml", "latin1.xml", "media.xml"]
        jobs = [((FEEDS / n).read_bytes(), f"https://example.com/{n}", {}, NOW) for n in names]
        got = [await pool.run(parse_for_store, *job) for job in jobs]
        assert got == [parse_for_store(*job) for job in jobs]
        assert all(isinstance(g, PreparedFeed) and g.articles for g in got)
        with pytest.raises(ParseError, match="not a feed"):
            await pool.run(parse_for_store, b"<html><body>hi</body></html>", "https://x/", {}, NOW)
        # The worker that raised is still there for the next job.
        again = await pool.run(parse_for_store, *jobs[0])
        assert again == got[0]
    finally:
        await pool.aclose()


async def test_a_dead_worker_breaks_the_pool_instead_of_hanging() -> None:
    pool = ParsePool(1)
    job = ((FEEDS / "rss20.xml").read_bytes(), "https://example.com/f", {}, NOW)
    try:
        await pool.run(parse_for_store, *job)
        for child in pool._children:
            child.proc.kill()
            await child.proc.wait()
        with pytest.raises(PoolBroken):
            await pool.run(parse_for_store, *job)
    finally:
        await pool.aclose()


def _rows(path: Path) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return (
            db.execute(
                "SELECT id, feed_id, key, guid, link, title, author, published, updated, sort_ts, "
                "categories, summary_html, content_html, enclosures, content_hash, opinion, "
                "feed_rank, dupe_of FROM articles ORDER BY id"
            ).fetchall()
            + db.execute("SELECT term FROM search_terms ORDER BY term").fetchall()
        )
    finally:
        db.close()


def test_prepared_and_parsed_feeds_store_the_same_rows(tmp_path: Path) -> None:
    """What the workers send (PreparedFeed) and what sync and folders send (ParsedFeed)
    give the same rows, ids, search index and words."""
    outs = []
    for variant in ("parsed", "prepared"):
        store = Store.open(tmp_path / variant)
        store.sync_feeds([FeedConfig(url="https://a.example/1"), FeedConfig(url="https://b/2")])
        for n, (url, name) in enumerate(
            [("https://a.example/1", "rss20.xml"), ("https://b/2", "atom.xml")]
        ):
            parsed = parse_feed((FEEDS / name).read_bytes(), url, {}, NOW)
            feed = prepare_feed(parsed) if variant == "prepared" else parsed
            fid = store.feed_id(url)
            assert fid is not None
            new, _ = store.record_fetch(fid, FetchOutcome(status=200), feed, now=1e9 + n)
            assert new > 0
        store.close()
        outs.append(_rows(tmp_path / variant / "newsreader.db"))
    assert outs[0] == outs[1]
    store = Store.open(tmp_path / "prepared")  # and a search finds what was stored
    try:
        title = str(outs[1][0][5])
        assert title in [r.title for r in store.page(View(search=title.split()[-1]))]
    finally:
        store.close()


def test_search_text_and_lines_collapse_whitespace_as_the_regex_did() -> None:
    """The search index re-derives an article's text to delete its entry: the faster
    whitespace collapsing must give exactly what re.sub(r"\\s+", " ", t).strip() gave."""
    import re
    import sys

    from newsreader.sanitize import clean_line, html_to_search_text

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))]
    assert spaces == [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    for ws in spaces:
        markup = f"{ws}<p>a{ws}{ws}b</p>{ws}c&nbsp;d{ws}"
        old = re.sub(r"\s+", " ", "\n a  b \n c\xa0d ").strip()
        assert html_to_search_text(markup) == old
        assert clean_line(f"{ws}x{ws}{ws}y{ws}") == "x y"
