"""TUI figures on a 100,000-article / 500-feed store (DESIGN.md, Budgets). Prints figures;
not a test.

    .venv/bin/python bench/tui.py [--articles 100000] [--feeds 500] [--runs 100]
    .venv/bin/python bench/tui.py --articles 1000000 --feeds 2000 --store /tmp/nr1m --no-refresh

--store DIR builds the store there once and reuses it (a million articles take minutes to
build); each run works on a copy. --no-refresh leaves out the refresh part (and its copy);
--only-refresh runs just that part: key latency during the TUI's refresh, and the CLI's.

- launch: App construction to the headline list's first drawn story (run_test, headless),
  each in a fresh process, with the big store and with an empty one; peak RSS (big store).
- cursor move, article open, view switch: key event (sent as the driver does) until its
  effect is in the app and the frame is composed, median and p95 over --runs. (Pilot.press
  is not used: its idle detection sleeps ~60 ms per key.) A view switch shows the first page
  at once; the view's count and a window of rows follow from a worker thread (also timed:
  what every reload during a refresh reads, with the cursor at the top and mid-view).
- far jumps in the list, which holds a window of rows and never the view's id list: End
  and Home (key to painted frame), and the scrollbar dragged to a fraction of the view
  (the frame, then until its rows are drawn: far from both ends they come from a worker).
- an article with 20 pictures: key to its text on screen, then until the pictures (fetched
  from the loopback server, checked, decoded, shrunk) are drawn, cold and from the cache.
- input latency while refreshing: the same key round trip while a forced refresh of every
  feed runs against a loopback server (--latency ms per response, one host per feed), and
  that refresh's time against `newsreader refresh --force` (the CLI, a whole process) on a
  copy of the same store and feeds (issue 18: the TUI's within 1.15x of the CLI's).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BODY = "".join(
    f"<p>Paragraph {n}: the council agreed on a new budget for schools and roads after a long "
    f'debate, <a href="https://x.example/p{n}">more</a> while residents asked for buses.</p>'
    for n in range(25)
)  # ~4 KB, a typical article


def feed_url(port: int, i: int) -> str:
    return f"http://127.0.0.{1 + i % 250}:{port}/f{i}.xml"


def build(data: Path, conf: Path, n_articles: int, n_feeds: int, port: int) -> None:
    from newsreader.model import FeedConfig
    from newsreader.store import Store

    lines = ["[refresh]", "on_start = false", "interval = 0", ""]
    for i in range(n_feeds):
        lines += ["[[feeds]]", f'url = "{feed_url(port, i)}"', f'title = "Feed {i}"', ""]
    conf.write_text("\n".join(lines))
    now = time.time()
    with Store.open(data) as s:
        s.sync_feeds([FeedConfig(url=feed_url(port, i), title=f"Feed {i}") for i in range(n_feeds)])
        with s.write() as db:
            db.executemany(
                "INSERT INTO articles (feed_id, key, title, link, sort_ts, published, first_seen, "
                "content_hash, read, summary_html, opinion) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)",
                (
                    (
                        1 + i % n_feeds,
                        f"g:{i}",
                        f"Headline number {i} about the council budget and the new roads",
                        f"https://x.example/{i}",
                        now - (n_articles - i) * 30,
                        now - (n_articles - i) * 30,
                        now,
                        i % 4 == 0,
                        BODY if i >= n_articles - 3000 else "<p>Short summary.</p>",
                        i % 10 == 0,
                    )
                    for i in range(n_articles)
                ),
            )


def cached(store: Path, into: Path, n_articles: int, n_feeds: int, port: int) -> None:
    """The store (data + config) built once under `store`, copied to `into`, its feeds
    pointed at this run's server port."""
    done = store / f"built-{n_articles}-{n_feeds}"
    if not done.exists():
        shutil.rmtree(store, ignore_errors=True)
        (store / "config").mkdir(parents=True)
        build(store / "data", store / "config/config.toml", n_articles, n_feeds, port)
        add_picture_article(store / "data", port)
        (store / "port").write_text(str(port))
        done.write_text("")
    shutil.rmtree(into)
    shutil.copytree(store / "config", into / "config")
    shutil.copytree(store / "data", into / "data")
    old = (store / "port").read_text().strip()
    conf = into / "config/config.toml"
    conf.write_text(conf.read_text().replace(f":{old}/", f":{port}/"))
    from newsreader.store import Store

    with Store.open(into / "data") as s, s.write() as db:
        db.execute("UPDATE feeds SET url = replace(url, ?, ?)", (f":{old}/", f":{port}/"))
        db.execute("DELETE FROM articles WHERE key = 'pictures'")  # its pictures' port
    add_picture_article(into / "data", port)


PICTURES = 20


def add_picture_article(data: Path, port: int) -> None:
    """One story at the top of the list with PICTURES pictures from the loopback server."""
    from newsreader.store import Store

    body = "<p>Photos from the harbour.</p>" + "".join(
        f'<p>Boat {n}</p><img src="http://127.0.0.1:{port}/img/{n}.png" alt="boat {n}">'
        for n in range(PICTURES)
    )
    with Store.open(data) as s, s.write() as db:
        db.execute(
            "INSERT INTO articles (feed_id, key, title, link, sort_ts, published, first_seen, "
            "content_hash, read, summary_html) VALUES (1, 'pictures', 'Twenty pictures', "
            "'https://x.example/pictures', ?, ?, ?, '', 0, ?)",
            (time.time() + 60, time.time() + 60, time.time(), body),
        )


def picture_png(n: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (n * 12 % 256, 80, 160)).save(out, "PNG")
    return out.getvalue()


def feed_xml(i: int) -> bytes:
    items = "".join(
        f"<item><title>Fresh story {k} from feed {i} on rates</title>"
        f"<link>https://f{i}.example/{k}</link><guid>f{i}-{k}</guid>"
        f"<pubDate>Mon, 0{1 + k % 9} Sep 2025 10:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Story {k} body.&lt;/p&gt;</description></item>"
        for k in range(30)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {i}</title>'
        f"<link>https://f{i}.example/</link>{items}</channel></rss>"
    ).encode()


def serve(latency: float) -> ThreadingHTTPServer:
    cache: dict[int, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(latency)
            kind = "application/rss+xml"
            if self.path.startswith("/img/"):
                body, kind = picture_png(int(self.path[5:].split(".")[0])), "image/png"
            else:
                i = int(self.path.strip("/").split(".")[0][1:])
                body = cache.get(i) or cache.setdefault(i, feed_xml(i))
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        # The default backlog of 5 drops connections when 64 arrive at once, and a dropped
        # SYN is retried a second later: that, not the client, then paced the refresh.
        request_queue_size = 256
        daemon_threads = True

    server = Server(("0.0.0.0", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stats(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"median {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms  (n={len(ms)})"


# -- children (fresh processes) ------------------------------------------------------------


async def child_launch() -> dict:
    from newsreader.runtime import Runtime
    from newsreader.tui.app import NewsApp

    rt = Runtime.load()
    app = NewsApp(rt, refresh_on_start=False)
    async with app.run_test(size=(160, 48)) as pilot:
        for _ in range(500):
            if app.first_paint_at is not None:
                break
            await pilot.pause()
        painted = app.first_paint_at
        await settled(app)
    launch = (painted - app.created_at) if painted else None
    # from the parent starting this process (imports included) to the first painted list
    wall = time.time() - (time.perf_counter() - painted) - float(os.environ["BENCH_T0"])
    return {
        "launch": launch,
        "process": wall,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


async def settled(app) -> None:
    """Wait for the app's workers; one replaced by a newer one (exclusive groups) is fine."""
    from textual.worker import WorkerCancelled

    for _ in range(20):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await asyncio.sleep(0.01)


async def roundtrip(app, key: str, changed) -> float:
    """Send a key as the terminal driver would, wait until its effect is in the app, then
    paint the screen: key to painted frame, including any queueing behind other work."""
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    t = time.perf_counter()
    app._driver.send_message(event)
    while not changed():
        await asyncio.sleep(0)
    app.screen._on_timer_update()
    return time.perf_counter() - t


async def child_interact(runs: int, only_refresh: bool = False) -> dict:
    from newsreader.model import View
    from newsreader.runtime import Runtime
    from newsreader.store import Store
    from newsreader.tui.app import NewsApp

    app = NewsApp(Runtime.load(), refresh_on_start=False)
    out: dict[str, list[float]] = {
        "move": [],
        "open": [],
        "switch": [],
        "reload_top": [],
        "reload_mid": [],
        "jump": [],
        "drag": [],
        "drag_rows": [],
        "busy": [],
    }
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(app)
        await pilot.pause()
        h = app.main.headlines
        for n in range(0 if only_refresh else runs):
            before = h.cursor
            key = "j" if n % 2 == 0 else "k"
            out["move"].append(await roundtrip(app, key, lambda b=before: h.cursor != b))
        for _ in range(0 if only_refresh else runs):
            await roundtrip(app, "j", lambda: True)
            await pilot.pause()
            target = h.current_id
            out["open"].append(
                await roundtrip(
                    app,
                    "enter",
                    lambda t=target: (
                        app.main.article_view.article is not None
                        and app.main.article_view.article.id == t
                    ),
                )
            )
        for n in range(0 if only_refresh else runs):
            gen = app.main.generation
            out["switch"].append(
                await roundtrip(
                    app, "2" if n % 2 == 0 else "1", lambda g=gen: app.main.generation != g
                )
            )
            await settled(app)
            await pilot.pause()
        # far jumps: End / Home, then the scrollbar dragged to a fraction of the view
        for n in range(0 if only_refresh else min(runs, 40)):
            last = h.row_count - 1
            if n % 2 == 0:
                out["jump"].append(await roundtrip(app, "end", lambda last=last: h.cursor == last))
            else:
                out["jump"].append(await roundtrip(app, "home", lambda: h.cursor == 0))
            await pilot.pause()
        for n in range(0 if only_refresh else min(runs, 40)):
            t = time.perf_counter()
            h.scroll_to(y=h.row_count * ((n * 7919) % 97) / 97, animate=False, immediate=True)
            app.screen._on_timer_update()
            for y in range(h.size.height):  # the rows drawn there (read if not yet)
                h.render_line(y)
            out["drag"].append(time.perf_counter() - t)
            # far from both ends the rows come from a worker: until they are drawn
            while h.peek(int(h.scroll_y)) is None and time.perf_counter() - t < 10:
                await asyncio.sleep(0.002)
            app.screen._on_timer_update()
            out["drag_rows"].append(time.perf_counter() - t)
            await pilot.pause()
        await roundtrip(app, "home", lambda: h.cursor == 0)
        # what a reload (every second of a refresh) reads: count, position, a window
        with Store.open(app.rt.data_dir) as store:
            for label, depth in (("reload_top", 10), ("reload_mid", h.row_count // 2)):
                for n in range(0 if only_refresh else 20):
                    view = View(unread=n % 2 == 0)
                    key = store.rows_at(view, depth, 1)[0].cursor
                    t = time.perf_counter()
                    store.count(view)
                    store.position(view, key)
                    up = store.rows_before(view, key, 68)
                    store.rows_after(view, up[-1].cursor, 108)
                    store.total_unread()
                    out[label].append(time.perf_counter() - t)
        # the story with 20 pictures (top of the list): its text, then its pictures
        view = app.main.article_view
        for label in () if only_refresh else ("pictures", "pictures_cached"):
            await roundtrip(app, "g", lambda: True)
            await pilot.pause()
            top = h.current_id
            out.setdefault(label, []).append(
                await roundtrip(
                    app, "enter", lambda t=top: view.article is not None and view.article.id == t
                )
            )
            t = time.perf_counter()
            while not view.pictures and time.perf_counter() - t < 30:
                await asyncio.sleep(0.005)
            app.screen._on_timer_update()
            out.setdefault(label + "_drawn", []).append(time.perf_counter() - t)
            await roundtrip(app, "j", lambda: True)
            await roundtrip(app, "enter", lambda: view.article is not None and not view.pictures)
            await app.workers.wait_for_complete()
            await pilot.pause()
        if os.environ.get("BENCH_NO_REFRESH"):
            return {**out, "refresh_s": 0.0, "status": ""}
        # input while a refresh of every feed runs
        await roundtrip(app, "1", lambda: True)
        await settled(app)
        await pilot.pause()
        started = time.perf_counter()
        await roundtrip(app, "r", lambda: app.refreshing)
        presses = 0
        while app.refreshing and presses < 20000:
            before = h.cursor
            key = "j" if presses % 2 == 0 else "k"
            out["busy"].append(await roundtrip(app, key, lambda b=before: h.cursor != b))
            presses += 1
            await asyncio.sleep(0.01)  # a fast typist, not a flood
        refresh_s = time.perf_counter() - started
        await settled(app)
        await pilot.pause()
        status = app.main.topbar.render().plain.strip()
        errors = [n.message for n in app._notifications if n.severity != "information"]
        if errors:
            status += " | " + errors[-1][:300]
    return {**out, "refresh_s": refresh_s, "status": status[-400:]}


def run_child(mode: str, env: dict[str, str], runs: int) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--runs", str(runs)]
    env = dict(env, BENCH_T0=repr(time.time()))
    res = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"bench child {mode!r} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def refresh_part(tmpd: Path, big_env: dict[str, str], args: argparse.Namespace) -> dict:
    """The interaction child (only its refresh part with --only-refresh), then the same
    refresh by the CLI; prints the refresh figures, returns the child's results."""
    # The CLI refreshes a copy of the same store (taken before the TUI's refresh adds to
    # it), after the TUI's run, so the two never compete for the cores.
    shutil.copytree(tmpd / "big", tmpd / "cli")
    cli_env = dict(
        big_env,
        NEWSREADER_CONFIG=str(tmpd / "cli/config/config.toml"),
        NEWSREADER_DATA_DIR=str(tmpd / "cli/data"),
    )
    mode = "refresh" if args.only_refresh else "interact"
    res = run_child(mode, big_env, args.runs)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "newsreader", "refresh", "--force"],
        env=cli_env,
        capture_output=True,
        check=True,
    )
    cli_s = time.perf_counter() - t
    print(f"key round trip during refresh  {stats(res['busy'])}")
    print(
        f"refresh of {args.feeds} feeds x 30 items in the TUI: {res['refresh_s']:.2f} s; "
        f"status: {res['status']!r}"
    )
    print(
        f"same refresh by the CLI (`newsreader refresh --force`, whole process): {cli_s:.2f} s; "
        f"TUI/CLI {res['refresh_s'] / cli_s:.2f}x (target <= 1.15x)"
    )
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--latency", type=float, default=100.0, help="ms per feed response")
    ap.add_argument("--store", type=Path, help="build the store here once, reuse it after")
    ap.add_argument("--no-refresh", action="store_true", help="skip the refresh figures")
    ap.add_argument("--child")
    ap.add_argument(
        "--only-refresh",
        action="store_true",
        help="only the refresh part: key latency during the TUI's refresh, and the CLI's",
    )
    args = ap.parse_args()
    if args.child == "launch":
        print(json.dumps(asyncio.run(child_launch())))
        return
    if args.child in ("interact", "refresh"):
        print(json.dumps(asyncio.run(child_interact(args.runs, args.child == "refresh"))))
        return

    server = serve(args.latency / 1000)
    port = server.server_address[1]
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        for name in ("big", "empty"):
            (tmpd / name / "config").mkdir(parents=True)
        big_env = dict(
            os.environ,
            NEWSREADER_CONFIG=str(tmpd / "big/config/config.toml"),
            NEWSREADER_DATA_DIR=str(tmpd / "big/data"),
            NO_PROXY="*",
        )
        empty_env = dict(
            os.environ,
            NEWSREADER_CONFIG=str(tmpd / "empty/config/config.toml"),
            NEWSREADER_DATA_DIR=str(tmpd / "empty/data"),
        )
        (tmpd / "empty/config/config.toml").write_text("[refresh]\non_start = false\n")
        t = time.perf_counter()
        if args.store is not None:
            cached(args.store, tmpd / "big", args.articles, args.feeds, port)
            print(f"copied the store from {args.store} in {time.perf_counter() - t:.1f} s")
        else:
            build(
                tmpd / "big/data", tmpd / "big/config/config.toml", args.articles, args.feeds, port
            )
            add_picture_article(tmpd / "big/data", port)
            print(
                f"built {args.articles:,} articles / {args.feeds} feeds in "
                f"{time.perf_counter() - t:.1f} s"
            )
        run_child("launch", big_env, 1)  # warm the OS cache and the store's opinion meta
        if args.only_refresh:
            refresh_part(tmpd, big_env, args)
            server.shutdown()
            return
        big = [run_child("launch", big_env, 1) for _ in range(5)]
        empty = [run_child("launch", empty_env, 1) for _ in range(5)]
        big_launch = statistics.median(r["launch"] for r in big)
        print(
            f"launch to first painted headline, big store:   {big_launch * 1000:6.0f} ms "
            f"(median of 5; peak RSS {max(r['rss_mb'] for r in big):.0f} MB)"
        )
        e = statistics.median(r["launch"] for r in empty)
        print(
            f"launch to first painted list, empty store:      {e * 1000:6.0f} ms "
            f"(ratio {big_launch / e:.2f}x)"
        )
        bp = statistics.median(r["process"] for r in big)
        ep = statistics.median(r["process"] for r in empty)
        print(
            f"same from process start (python + imports): big {bp * 1000:.0f} ms, "
            f"empty {ep * 1000:.0f} ms (ratio {bp / ep:.2f}x)"
        )
        if args.no_refresh:
            res = run_child("interact", dict(big_env, BENCH_NO_REFRESH="1"), args.runs)
        else:
            res = refresh_part(tmpd, big_env, args)  # prints the refresh figures
        print(f"cursor move                    {stats(res['move'])}")
        print(f"article open (4 KB, marks read) {stats(res['open'])}")
        print(f"article open, {PICTURES} pictures (text) {stats(res['pictures'])}")
        print(f"  then pictures drawn (fetched)  {stats(res['pictures_drawn'])}")
        print(f"  same again, pictures cached    {stats(res['pictures_cached'])}")
        print(f"  then pictures drawn (cache)    {stats(res['pictures_cached_drawn'])}")
        print(f"view switch (first page)       {stats(res['switch'])}")
        print(f"  count + window, cursor at top {stats(res['reload_top'])}")
        print(f"  same, cursor mid-view        {stats(res['reload_mid'])}")
        print(f"End / Home (far jump)          {stats(res['jump'])}")
        print(f"scrollbar dragged to a fraction {stats(res['drag'])}")
        print(f"  until its rows are drawn     {stats(res['drag_rows'])}")
    server.shutdown()


if __name__ == "__main__":
    main()
