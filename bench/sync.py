"""Sync benchmark: `newsreader sync` (a whole process) against the loopback Google Reader fake
(tests/greader_fake.py) answering every request after a fixed latency.

Targets (issue 14, DESIGN.md): a first sync of 10,000 items in 500 feeds under 10 s; an
incremental sync with no change under 1 s in at most 5 requests; 1,000 local read marks
pushed in at most 5 requests.

    python bench/sync.py [--feeds 500] [--items 20] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.greader_fake import FakeGReader  # noqa: E402

WORDS = [
    "the",
    "council",
    "met",
    "on",
    "tuesday",
    "to",
    "discuss",
    "the",
    "harbour",
    "plan",
    "new",
    "cycle",
    "lanes",
    "and",
    "budget",
    "for",
    "coming",
    "year",
    "residents",
    "asked",
    "about",
    "flooding",
    "on",
    "river",
    "path",
    "while",
    "traders",
    "welcomed",
    "market",
]


def run(env: dict[str, str], *args: str) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "newsreader", *args], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"newsreader {' '.join(args)} failed: {done.stderr.strip()}")
    return wall, json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--items", type=int, default=20, help="items per feed")
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--marks", type=int, default=1000)
    opts = ap.parse_args()

    rnd = random.Random(1)
    fake = FakeGReader(latency=opts.latency)
    now = int(time.time())
    for f in range(opts.feeds):
        feed = fake.add_feed(f, folder=f"Folder {f % 12}")
        for i in range(opts.items):
            body = "".join(f"<p>{' '.join(rnd.choices(WORDS, k=50))}.</p>" for _ in range(4))
            item = fake.add_item(
                feed, f * opts.items + i, html=body, published=now - rnd.randrange(40 * 3600)
            )
            item.crawled = item.published  # the server got each item when it was published
            item.read = rnd.random() < 0.3
            item.starred = rnd.random() < 0.02
    fake.start()
    total = opts.feeds * opts.items
    try:
        with tempfile.TemporaryDirectory() as tmp:
            conf = Path(tmp) / "config.toml"
            conf.write_text(
                f'[sync]\nprovider = "greader"\nurl = "{fake.url}"\nusername = "reader"\n'
            )
            env = {
                **os.environ,
                "NEWSREADER_CONFIG": str(conf),
                "NEWSREADER_DATA_DIR": str(Path(tmp) / "data"),
                "NEWSREADER_SYNC_PASSWORD": fake.password,
            }
            print(f"{opts.feeds} feeds, {total} items, {opts.latency * 1000:.0f} ms latency")
            wall, first = run(env, "sync", "--json")
            print(
                f"first sync:        {wall:6.2f} s  {first['requests']:>4} requests  "
                f"{first['new']} new items  (target < 10 s)"
            )
            wall, again = run(env, "sync", "--json")
            print(
                f"incremental, none: {wall:6.2f} s  {again['requests']:>4} requests  "
                f"{again['new']} new  (target < 1 s, <= 5 requests)"
            )
            sys.path.insert(0, str(ROOT))
            from newsreader.model import View
            from newsreader.store import Store

            with Store.open(Path(tmp) / "data") as store:
                ids = store.ids(View(unread=True))[: opts.marks]
                store.set_read(ids)
            before = len(fake.log)
            wall, pushed = run(env, "sync", "--json")
            paths = [p.rsplit("/", 1)[1] for _, p, _ in fake.requests(before)]
            edits = paths.count("edit-tag")
            push = edits + paths.count("token")
            print(
                f"push {pushed['pushed']} marks:   {wall:6.2f} s  {push:>4} requests to push "
                f"({edits} edit-tag + token; {pushed['requests']} in the whole sync)  "
                "(target <= 5 requests)"
            )
            unread_on_server = sum(1 for i in fake.items.values() if not i.read)
            print(f"server unread after push: {unread_on_server}")
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
