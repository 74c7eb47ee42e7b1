"""Store benchmark: a 100,000-article store in 500 feeds; prints the store's bytes per article,
the time of the first page of each view, keyset windows deep in a view, counts, searches, the
trending inputs, and `newsreader list --json --limit 50` as a whole process.
Budgets (DESIGN.md, issue 18): search first page < 50 ms (most common word included), unread
counts < 20 ms, trending < 100 ms, <= 2.5 KB per article, list --json --limit 50 < 0.3 s wall.

    python bench/store.py [--articles 100000] [--feeds 500] [--keep DIR]
    python bench/store.py --articles 1000000 --feeds 2000    # the million-article run
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsreader.model import FeedConfig, View
from newsreader.store import Store, html_to_search_text
from newsreader.store.schema import pack
from newsreader.store.writes import add_terms

WORDS = [
    "council",
    "river",
    "bank",
    "rates",
    "inflation",
    "probe",
    "moon",
    "saturn",
    "election",
    "budget",
    "storm",
    "heat",
    "water",
    "rail",
    "strike",
    "cup",
    "final",
    "team",
    "coach",
    "school",
    "hospital",
    "court",
    "ruling",
    "market",
    "shares",
    "energy",
    "wind",
    "solar",
    "farm",
    "museum",
    "library",
    "festival",
    "film",
    "album",
    "review",
    "science",
    "study",
    "climate",
    "forest",
    "city",
    "bridge",
    "road",
    "port",
    "harbour",
    "ship",
    "airline",
    "airport",
    "vote",
    "minister",
    "report",
    "police",
    "fire",
    "flood",
]


def vocabulary(rnd: random.Random, size: int = 20_000) -> tuple[list[str], list[float]]:
    """Real words first, then made-up ones; Zipf weights like natural text."""
    syllables = ["ka", "lo", "mi", "ran", "tes", "vo", "dur", "pel", "sa", "gri", "no", "ther"]
    words = list(WORDS)
    while len(words) < size:
        words.append("".join(rnd.choice(syllables) for _ in range(rnd.randint(2, 4))))
    return words, [1.0 / (rank + 1) for rank in range(len(words))]


def build(path: Path, n_articles: int, n_feeds: int) -> float:
    rnd = random.Random(42)
    vocab, weights = vocabulary(rnd)
    cum = list(itertools.accumulate(weights))
    started = time.perf_counter()
    with Store(path) as store:
        feeds = [
            FeedConfig(
                url=f"https://feed{i}.example/rss",
                title=f"Feed {i}",
                tags=[f"tag{i % 20}"],
                section="opinion" if i % 25 == 0 else "news",
            )
            for i in range(n_feeds)
        ]
        ids = list(store.sync_feeds(feeds).values())
        now = time.time()
        with store.write() as db:
            for start in range(0, n_articles, 5000):
                rows, fts = [], []
                for i in range(start, min(start + 5000, n_articles)):
                    title = " ".join(rnd.choices(vocab, cum_weights=cum, k=8)).capitalize()
                    body = "<p>" + " ".join(rnd.choices(vocab, cum_weights=cum, k=200)) + "</p>"
                    ts = now - (n_articles - i) * 30  # one article every 30 s
                    rows.append(
                        (
                            i + 1,
                            ids[i % n_feeds],
                            f"g:{i}",
                            f"https://feed{i % n_feeds}.example/a/{i}",
                            title,
                            ts,
                            ts,
                            ts,
                            pack(body),
                            int(i % 3 == 0),
                            int(i % 97 == 0),
                            int(i % 11 == 0),
                        )
                    )
                    fts.append((i + 1, title, html_to_search_text(body)))
                db.executemany(
                    "INSERT INTO articles (id, feed_id, key, link, title, published, sort_ts, "
                    "first_seen, summary_html, read, starred, opinion, content_hash) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
                    rows,
                )
                db.executemany(
                    "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", fts
                )
                add_terms(db, (f"{title}\n{body}" for _, title, body in fts))
        store.db.execute("ANALYZE")
    return time.perf_counter() - started


def timed(fn, repeat: int = 15) -> tuple[float, float]:
    """(first call, median of the rest) in milliseconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times[0], statistics.median(times[1:])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--keep", type=Path, help="build the store in this folder and keep it")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="nr-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "newsreader.db"
    if db.exists():
        db.unlink()
    built = build(db, args.articles, args.feeds)
    size = db.stat().st_size
    print(
        f"store: {args.articles:,} articles in {args.feeds} feeds, built in {built:.1f} s, "
        f"{size / 1e6:.0f} MB, {size / args.articles:,.0f} bytes per article (budget 2,500)"
    )
    print(f"{'query':<46}{'first ms':>10}{'median ms':>11}")
    vocab, _ = vocabulary(random.Random(42))
    with Store(db) as store:
        feed_id = store.feed_id("https://feed7.example/rss")
        deep_search = store.page(View(search=vocab[0]), limit=5000)[-1].cursor
        deep_all = store.page(View(), limit=5000)[-1].cursor
        half = args.articles // 2
        middle = store.rows([half])[half].cursor
        cases = {
            "page: all": lambda: store.page(View(), limit=100),
            "page: unread": lambda: store.page(View(unread=True), limit=100),
            "page: starred": lambda: store.page(View(starred=True), limit=100),
            "page: opinion": lambda: store.page(View(opinion=True), limit=100),
            "page: one feed": lambda: store.page(View(feed_id=feed_id), limit=100),
            "page: tag": lambda: store.page(View(tag="tag3"), limit=100),
            "page: section opinion": lambda: store.page(View(section="opinion"), limit=100),
            "page: all, deep keyset (row 90k)": lambda: store.page(
                View(), after=(time.time() - 10_000 * 30, 10_000), limit=100
            ),
            # Words drawn Zipf-like: rank 1 is in ~every article (worst case), the others are
            # what a reader types.
            f"search '{vocab[0]}' (rank 1)": lambda: store.page(View(search=vocab[0]), limit=100),
            f"search '{vocab[1]} {vocab[2]}'": lambda: store.page(
                View(search=f"{vocab[1]} {vocab[2]}"), limit=100
            ),
            f"search '{vocab[40]}' (rank 41)": lambda: store.page(
                View(search=vocab[40]), limit=100
            ),
            f"search '{vocab[2000]}' (rank 2001)": lambda: store.page(
                View(search=vocab[2000]), limit=100
            ),
            f"search '{vocab[0]}', deep (row 5k)": lambda: store.rows_after(
                View(search=vocab[0]), deep_search, 100
            ),
            f"search '{vocab[0]}', back up (row 5k)": lambda: store.rows_before(
                View(search=vocab[0]), deep_search, 100
            ),
            f"count search '{vocab[0]}' (cap 1000)": lambda: store.count(
                View(search=vocab[0]), cap=1000
            ),
            "window after, mid view (rows_after)": lambda: store.rows_after(View(), middle, 100),
            "window before, mid view (rows_before)": lambda: store.rows_before(View(), middle, 100),
            "count: all": lambda: store.count(View()),
            "count: unread": lambda: store.count(View(unread=True)),
            "position, row 5k (scrollbar)": lambda: store.position(View(), deep_all),
            f"ids of view all ({args.articles:,} ints)": lambda: store.ids(View()),
            "unread counts per feed": store.unread_counts,
            "unread counts per tag": store.tag_counts,
            "total unread": store.total_unread,
            "feeds() with counts": store.feeds,
            "one article": lambda: store.article(54_321),
        }
        from newsreader.config import Settings
        from newsreader.ranking import TrendingCache
        from newsreader.ranking.stories import trending_stories

        settings, cache, now = Settings(), TrendingCache(), time.time()
        since = now - settings.trending.window_hours * 3600
        in_window = len(store.recent(since))
        cases[f"trending input query (store.recent, {in_window:,} rows)"] = lambda: store.recent(
            since
        )
        cases[f"trending, cold ({in_window:,} in window)"] = lambda: trending_stories(
            store, settings, now
        )
        cases["trending, warm (TrendingCache)"] = lambda: trending_stories(
            store, settings, now, cache
        )
        for name, fn in cases.items():
            first, median = timed(fn)
            print(f"{name:<46}{first:>10.1f}{median:>11.1f}")
    env = dict(
        os.environ, NEWSREADER_DATA_DIR=str(folder), NEWSREADER_CONFIG=str(folder / "config.toml")
    )
    cmd = [sys.executable, "-m", "newsreader", "list", "--json", "--limit", "50"]
    walls = []
    for _ in range(7):
        t = time.perf_counter()
        out = subprocess.run(cmd, env=env, capture_output=True, check=True)
        walls.append(time.perf_counter() - t)
    assert out.stdout.startswith(b"[")
    print(
        f"`newsreader list --json --limit 50` wall: median {statistics.median(walls):.3f} s, "
        f"best {min(walls):.3f} s (budget < 0.3 s)"
    )
    if not args.keep:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
