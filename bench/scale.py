"""Growth benchmark: refresh and store at 100, 500, 2,000 and 5,000 feeds, printed as time per
feed, so a cost that grows faster than the feed count shows as a rising per-feed figure.

- refresh: `newsreader refresh --force` as a whole process against bench/feedserver.py (one
  loopback address per feed, --latency per response, --items per feed), first and all-304;
  wall, CPU and peak RSS of the process tree (bench/refresh.py's `measure`).
- store: bench/store.py's corpus with --per-feed articles per feed (`build`), then the
  per-feed queries a screen makes: feeds() with counts, unread counts per feed and per tag,
  the first page of All and of one feed, a search (bench/store.py's `timed`, median).

    python bench/scale.py [--sizes 100,500,2000,5000] [--items 10] [--latency 0.1]
                          [--per-feed 50] [--no-store] [--no-refresh]

The refresh's time per feed is bounded below by latency / refresh.concurrency (1.6 ms at
100 ms and 64 in flight); at small sizes process start-up dominates it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from feedserver import address
from refresh import measure
from store import build, timed


def refresh_at(
    n: int, items: int, latency: float, port: int
) -> list[tuple[str, float, float, int]]:
    work = Path(tempfile.mkdtemp(prefix=f"nr-scale-{n}-"))
    server = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("feedserver.py")),
            *("--feeds", str(n), "--items", str(items)),
            *("--latency", str(latency), "--port", str(port)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        config = work / "config.toml"
        config.write_text(
            "".join(f'[[feeds]]\nurl = "http://{address(i)}:{port}/feed.xml"\n' for i in range(n))
        )
        env = dict(
            os.environ,
            NEWSREADER_CONFIG=str(config),
            NEWSREADER_DATA_DIR=str(work / "data"),
            NO_PROXY="*",
        )
        cmd = [sys.executable, "-m", "newsreader", "refresh", "--force"]
        out = []
        for label in ("first", "all-304"):
            wall, cpu, peak, _ = measure(cmd, env)
            out.append((label, wall, cpu, peak))
        return out
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


def store_at(n: int, per_feed: int) -> dict[str, float]:
    from newsreader.model import View
    from newsreader.store import Store

    work = Path(tempfile.mkdtemp(prefix=f"nr-scale-store-{n}-"))
    try:
        db = work / "newsreader.db"
        built = build(db, n * per_feed, n)
        res = {"build": built * 1000, "bytes/article": db.stat().st_size / (n * per_feed)}
        with Store(db) as store:
            feed_id = store.feed_id("https://feed7.example/rss")
            cases = {
                "feeds() with counts": store.feeds,
                "unread counts per feed": store.unread_counts,
                "unread counts per tag": store.tag_counts,
                "page: all": lambda: store.page(View(), limit=100),
                "page: one feed": lambda: store.page(View(feed_id=feed_id), limit=100),
                "search 'council'": lambda: store.page(View(search="council"), limit=100),
            }
            for name, fn in cases.items():
                res[name] = timed(fn, repeat=7)[1]
        return res
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,500,2000,5000")
    ap.add_argument("--items", type=int, default=10, help="items per feed (refresh)")
    ap.add_argument("--latency", type=float, default=0.1)
    ap.add_argument("--per-feed", type=int, default=50, help="stored articles per feed (store)")
    ap.add_argument("--port", type=int, default=8775)
    ap.add_argument("--no-refresh", action="store_true")
    ap.add_argument("--no-store", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with open("/proc/loadavg") as fh:
        print(f"load average {' '.join(fh.read().split()[:3])} (figures are noisy above ~2)")
    if not args.no_refresh:
        print(
            f"\nrefresh: feeds x {args.items} items, {args.latency * 1000:.0f} ms latency, "
            "one loopback address per feed"
        )
        print(
            f"{'feeds':>6} {'run':<8}{'wall s':>8}{'ms/feed':>9}{'cpu ms/feed':>13}{'peak MB':>9}"
        )
        for n in sizes:
            for label, wall, cpu, peak in refresh_at(n, args.items, args.latency, args.port):
                print(
                    f"{n:>6} {label:<8}{wall:>8.2f}{wall / n * 1000:>9.2f}"
                    f"{cpu / n * 1000:>13.2f}{peak / 1e6:>9.0f}"
                )
    if not args.no_store:
        print(f"\nstore: {args.per_feed} articles per feed (bench/store.py's corpus)")
        rows = {n: store_at(n, args.per_feed) for n in sizes}
        names = [k for k in next(iter(rows.values())) if k not in ("build", "bytes/article")]
        print(f"{'feeds':>6}{'build ms/feed':>15}{'B/article':>11}")
        for n, r in rows.items():
            print(f"{n:>6}{r['build'] / n:>15.2f}{r['bytes/article']:>11,.0f}")
        print(
            f"\n{'query (median ms; ms per 1,000 feeds)':<40}" + "".join(f"{n:>16}" for n in sizes)
        )
        for name in names:
            cells = "".join(
                f"{rows[n][name]:>8.2f} ({rows[n][name] / n * 1000:>5.2f})" for n in sizes
            )
            print(f"{name:<40}{cells}")


if __name__ == "__main__":
    main()
