"""Refresh benchmark: 500 feeds x 30 items (~1.5 KB HTML each) served with 100 ms latency, each
feed from its own loopback address, fetched by `newsreader refresh` as a whole process: wall,
CPU and peak RSS (the whole process tree) for the first refresh and an all-304 one. With
newsboat installed (Debian package), times `newsboat -x reload` on the same feeds too.
Budgets (DESIGN.md): first < 3 s, all-304 < 2 s, peak RSS < 120 MB, faster than newsboat;
issue 18 asks for first < 2.2 s, all-304 < 1.8 s, peak RSS < 90 MB at per_host = 2.

    python bench/refresh.py [--feeds 500] [--items 30] [--latency 0.1] [--no-newsboat]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from feedserver import address


def _tree_rss(root: int) -> int:
    """Resident set size in bytes of a process and all its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(p for p, parent in parents.items() if parent == pid)
    return total


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(wall s, CPU s of the process tree, peak tree RSS bytes, stdout tail)."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = 0
    stop = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            stop.wait(0.05)

    poller = threading.Thread(target=poll)
    poller.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    stop.set()
    poller.join()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{out.decode(errors='replace')[-2000:]}")
    tail = out.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return wall, cpu, peak, tail[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--items", type=int, default=30)
    ap.add_argument("--latency", type=float, default=0.1)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--no-newsboat", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nr-refresh-bench-"))
    server = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("feedserver.py")),
            "--feeds",
            str(args.feeds),
            "--items",
            str(args.items),
            "--latency",
            str(args.latency),
            "--port",
            str(args.port),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        urls = [f"http://{address(n)}:{args.port}/feed.xml" for n in range(args.feeds)]
        config = work / "config.toml"
        config.write_text("".join(f'[[feeds]]\nurl = "{u}"\n' for u in urls))
        env = dict(
            os.environ, NEWSREADER_CONFIG=str(config), NEWSREADER_DATA_DIR=str(work / "data")
        )
        cmd = [sys.executable, "-m", "newsreader", "refresh", "--force"]
        print(
            f"{args.feeds} feeds x {args.items} items, {args.latency * 1000:.0f} ms latency, "
            f"one loopback address per feed"
        )
        print(f"{'run':<34}{'wall s':>8}{'cpu s':>8}{'peak MB':>9}")
        ours = {}
        for label in ("newsreader first refresh", "newsreader all-304 refresh"):
            wall, cpu, peak, tail = measure(cmd, env)
            ours[label] = wall
            print(f"{label:<34}{wall:>8.2f}{cpu:>8.2f}{peak / 1e6:>9.0f}   {tail}")
        if args.no_newsboat or not shutil.which("newsboat"):
            print("newsboat: not installed (apt-get install newsboat), skipped")
            return
        nb = work / "newsboat"
        nb.mkdir()
        (nb / "urls").write_text("\n".join(urls) + "\n")
        (nb / "config").write_text("reload-threads 32\n")
        nb_cmd = [
            "newsboat",
            "-x",
            "reload",
            "-u",
            str(nb / "urls"),
            "-c",
            str(nb / "cache.db"),
            "-C",
            str(nb / "config"),
        ]
        nb_env = dict(os.environ, HOME=str(nb))
        theirs = {}
        for label in (
            "newsboat first reload",
            "newsboat second reload",
            "newsboat third reload (304s)",
        ):
            wall, cpu, peak, _ = measure(nb_cmd, nb_env)
            theirs[label] = wall
            print(f"{label:<34}{wall:>8.2f}{cpu:>8.2f}{peak / 1e6:>9.0f}")
        first = theirs["newsboat first reload"] / ours["newsreader first refresh"]
        again = theirs["newsboat third reload (304s)"] / ours["newsreader all-304 refresh"]
        print(
            f"newsreader is {first:.1f}x newsboat's speed on the first refresh and "
            f"{again:.1f}x on the all-304 one (newsboat's third reload)"
        )
    finally:
        server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
