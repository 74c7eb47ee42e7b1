"""Time OPML import and export: read_opml on a generated 10,000-feed file (100 folders of 100),
write_opml of the same feeds, and the refusal of the billion-laughs and XXE fixtures (median
of N runs). Not a test; prints figures. The tests keep only hang detectors.

    .venv/bin/python bench/opml.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsreader.model import FeedConfig, NewsreaderError
from newsreader.opml import read_opml, write_opml

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "opml"


def big_opml(folders: int = 100, per_folder: int = 100) -> str:
    body = "".join(
        f'<outline text="Folder {i}">'
        + "".join(
            f'<outline type="rss" text="Feed {i}-{j}" xmlUrl="https://h{i}.example.com/f{j}.xml"/>'
            for j in range(per_folder)
        )
        + "</outline>"
        for i in range(folders)
    )
    return f'<?xml version="1.0"?><opml version="2.0"><head/><body>{body}</body></opml>'


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def refuse(path: Path) -> None:
    try:
        read_opml(path)
    except NewsreaderError:
        return
    raise SystemExit(f"{path.name} was not refused")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.opml"
        path.write_text(big_opml())
        feeds = read_opml(path)
        configs = [FeedConfig(f.url, title=f.title, tags=f.tags) for f in feeds]
        print(
            f"OPML, median of {args.runs} runs ({len(feeds):,} feeds, {path.stat().st_size:,} bytes)"
        )
        print(f"  read_opml   {median_ms(lambda: read_opml(path), args.runs):8.1f} ms")
        print(f"  write_opml  {median_ms(lambda: write_opml(configs), args.runs):8.1f} ms")
    for name in ("billion_laughs.opml", "xxe.opml"):
        fixture = FIXTURES / name
        print(f"  refuse {name:<20} {median_ms(lambda f=fixture: refuse(f), args.runs):6.2f} ms")


if __name__ == "__main__":
    main()
