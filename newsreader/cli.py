"""The command line: `newsreader` opens the reader; subcommands are for scripts and cron.

Headless commands never import Textual, and import the rest lazily, so they start fast.
Exit status: 0 success, 1 the command failed (one line on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from newsreader import __version__
from newsreader.model import NewsreaderError, plural
from newsreader.sanitize import clean_line, json_text, safe_url

if TYPE_CHECKING:
    from newsreader.model import ArticleRow
    from newsreader.runtime import Runtime
    from newsreader.store import Store


class Failed(Exception):
    """Exit 1 with this one-line reason."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="newsreader",
        description="A terminal news reader. With no command, opens the reader.",
    )
    p.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: $NEWSREADER_CONFIG or the platform config folder)",
    )
    p.add_argument(
        "--data-dir",
        metavar="PATH",
        help="folder for the store (default: $NEWSREADER_DATA_DIR or the platform data folder)",
    )
    p.add_argument("--version", action="version", version=f"newsreader {__version__}")
    p.add_argument(
        "--demo",
        action="store_true",
        help="open the reader on bundled sample feeds, offline, in a temporary store",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    a = sub.add_parser("add", help="subscribe to a feed (URL, web page, file:// URL or path)")
    a.add_argument("url", metavar="URL")
    a.add_argument("--title", help="show this title instead of the feed's own")
    a.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    a.add_argument("--section", choices=["news", "opinion", "trending"], default="news")
    a.add_argument(
        "--full-text",
        action="store_true",
        help="fetch each new article's web page for offline reading",
    )
    a.add_argument(
        "--local",
        action="store_true",
        help="with [sync]: fetch this feed directly instead of subscribing on the server",
    )

    r = sub.add_parser("remove", help="unsubscribe from a feed and drop its stored articles")
    r.add_argument("url", metavar="URL")

    f = sub.add_parser("feeds", help="list subscriptions with unread counts and errors")
    f.add_argument("--json", action="store_true", help="print JSON")

    i = sub.add_parser("import", help="subscribe to the feeds in an OPML file (no fetching)")
    i.add_argument("file", metavar="FILE.opml")

    e = sub.add_parser("export", help="write subscriptions as OPML 2.0 (to stdout or FILE)")
    e.add_argument("file", metavar="FILE.opml", nargs="?")

    rf = sub.add_parser("refresh", help="fetch all due feeds and print a summary")
    rf.add_argument("--force", action="store_true", help="ignore the schedule (not Retry-After)")
    rf.add_argument("--json", action="store_true", help="print JSON")

    sy = sub.add_parser("sync", help="sync with the feed server in [sync] and print a summary")
    sy.add_argument("--json", action="store_true", help="print JSON")

    ls = sub.add_parser("list", help="list stored articles, newest first")
    ls.add_argument("--unread", action="store_true")
    ls.add_argument("--starred", action="store_true")
    ls.add_argument("--feed", metavar="URL", help="only this feed (url or title)")
    ls.add_argument("--tag", metavar="T")
    ls.add_argument("--section", choices=["news", "opinion", "trending"])
    ls.add_argument(
        "--search",
        metavar="Q",
        help="full-text search, or a query: 'title ~ \"mars|venus\" and age < 2d'",
    )
    ls.add_argument("--view", metavar="NAME", help="a saved view ([[views]] in the config)")
    ls.add_argument("--hidden", action="store_true", help="only what [[rules]] hid")
    ls.add_argument(
        "--new-since",
        metavar="TIME",
        type=_time_arg,
        help="only articles stored after TIME (ISO 8601 or epoch seconds), for scripts",
    )
    ls.add_argument("--limit", type=_positive, default=50, metavar="N", help="default 50")
    ls.add_argument("--json", action="store_true", help="print JSON")

    s = sub.add_parser("show", help="print an article as text")
    s.add_argument("id", type=int, metavar="ID")
    s.add_argument("--json", action="store_true", help="print JSON (with enclosures and text)")

    t = sub.add_parser("trending", help="stories most covered across feeds right now")
    t.add_argument("--json", action="store_true", help="print JSON")
    st = sub.add_parser("story", help="every source's article of the story an article is in")
    st.add_argument("id", type=int, metavar="ID", help="any article of the story")
    st.add_argument("--json", action="store_true", help="print JSON")
    dg = sub.add_parser("digest", help="top stories, opinion and per-tag highlights of a period")
    dg.add_argument("--since", type=_period, default="24h", metavar="PERIOD", help="default 24h")
    dg.add_argument(
        "--format", choices=["text", "markdown", "html", "json"], default="text", dest="fmt"
    )
    dg.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    o = sub.add_parser("opinion", help="the newest opinion, blog and analysis pieces")
    o.add_argument("--json", action="store_true", help="print JSON")
    o.add_argument(
        "--limit", type=_positive, metavar="N", help="default: opinion.size from the config"
    )

    dl = sub.add_parser(
        "download", help="download an article's enclosure (podcast, video) into media.folder"
    )
    dl.add_argument("id", type=int, metavar="ID")
    dl.add_argument(
        "--index", type=_positive, default=1, metavar="N", help="which enclosure (default 1)"
    )
    dl.add_argument("--json", action="store_true", help="print JSON")

    m = sub.add_parser("mark", help="mark articles read, unread, starred or unstarred")
    m.add_argument("ids", type=int, nargs="+", metavar="ID")
    g = m.add_mutually_exclusive_group(required=True)
    for flag in ("read", "unread", "star", "unstar"):
        g.add_argument(f"--{flag}", dest="state", action="store_const", const=flag)
    m.add_argument("--json", action="store_true", help="print the marked articles as JSON")
    return p


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _period(text: str) -> float:
    from newsreader.digest import parse_since

    try:
        return parse_since(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command is None:
            return _run_tui(args)
        return COMMANDS[args.command](args)
    except (Failed, NewsreaderError) as exc:
        # Cleaned: the reason may quote a config key, a URL or a feed's words.
        print(f"newsreader: {clean_line(str(exc), 2000)}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:
        # Damage past the header only shows when a page is read, after the store opened.
        print(f"newsreader: {_store_path(args)}: the store is damaged: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsreader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _store_path(args: argparse.Namespace) -> str:
    try:
        from newsreader.config import data_dir
        from newsreader.store import DB_NAME

        return str(data_dir(args.data_dir) / DB_NAME)
    except Exception:  # only for an error message
        return "store"


def _runtime(args: argparse.Namespace, *, create: bool = False) -> Runtime:
    from newsreader.runtime import Runtime

    rt = Runtime.load(args.config, args.data_dir, create_config=create)
    rt.notice = lambda line: print(line, file=sys.stderr)
    return rt


def _run_tui(args: argparse.Namespace) -> int:
    if args.demo:
        from newsreader.tui.app import run_demo

        return run_demo()
    rt = _runtime(args, create=True)
    from newsreader.tui.app import run_app

    return run_app(rt)


# -- commands -------------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace) -> int:
    import asyncio

    from newsreader.model import FeedConfig
    from newsreader.subscriptions import subscribe

    rt = _runtime(args)
    sync = rt.settings.sync
    if sync is not None and not args.local and args.url.lower().startswith(("http://", "https://")):
        from newsreader.sync.engine import subscribe_remote

        with rt.open_store() as store:
            report = asyncio.run(
                subscribe_remote(rt, store, sync, args.url, keep_days=rt.settings.store.keep_days)
            )
        print(
            f"Subscribed on {report.server} to <{clean_line(args.url)}>: "
            f"{plural(report.new, 'article')}"
        )
        return 0
    feed = FeedConfig(
        url=args.url,
        title=args.title,
        tags=args.tag,
        section=args.section,
        full_text=args.full_text,
    )
    added, new = asyncio.run(subscribe(rt, feed))
    title = clean_line(added.title or added.url)
    print(f"Subscribed to {title} <{added.url}>: {plural(new, 'article')}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from newsreader.store import Store
    from newsreader.subscriptions import unsubscribe

    rt = _runtime(args)
    with Store.open(rt.data_dir) as store:
        url = _feed_url(rt, store, args.url)
    if rt.settings.sync is not None:
        import asyncio

        from newsreader.sync.engine import unsubscribe_remote

        with rt.open_store() as store:
            asyncio.run(unsubscribe_remote(store, rt.settings.sync, url))
    with Store.open(rt.data_dir) as store:
        feed = unsubscribe(rt, store, url)
    print(f"Removed {clean_line(feed.title or url)} <{url}>")
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    from newsreader.store import iso

    rt = _runtime(args)
    with rt.open_store() as store:
        rows = store.feeds([f.url for f in rt.feeds])
    if args.json:
        out = []
        for row in rows:
            conf = rt.feed_config(row.url)
            out.append(
                {
                    "url": row.url,
                    "title": clean_line(row.display_title),
                    "site_link": safe_url(row.site_link),
                    "tags": [clean_line(t) for t in row.tags],
                    "section": row.section,
                    "source": conf.source if conf else None,
                    "unread": row.unread,
                    "total": row.total,
                    "last_fetch": iso(row.last_fetch),
                    "last_status": row.last_status,
                    "error": clean_line(row.last_error) or None,
                    "error_count": row.error_count,
                    "next_fetch": iso(row.next_fetch),
                    "gone": row.gone,
                }
            )
        _print_json(out)
        return 0
    if not rows:
        print("No subscriptions. Add one with `newsreader add URL` or `newsreader import FILE`.")
        return 0
    for row in rows:
        state = ""
        if row.gone:
            state = "  [gone: 410, no longer polled]"
        elif row.last_error:
            state = f"  [error: {clean_line(row.last_error, 120)}]"
        tags = f"  #{' #'.join(clean_line(t, 60) for t in row.tags)}" if row.tags else ""
        title = clean_line(row.display_title, 60)
        print(f"{row.unread:>5} {title}  <{clean_line(row.url, 4000)}>{tags}{state}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from newsreader.model import FeedConfig
    from newsreader.opml import read_opml

    rt = _runtime(args)
    passed: list[str] = []
    found = read_opml(Path(args.file), passed)
    feeds = [
        FeedConfig(
            url=f.url, title=f.title, tags=list(f.tags), section=f.section, full_text=f.full_text
        )
        for f in found
    ]
    fresh = rt.add_subscriptions(feeds)
    with rt.open_store():
        pass  # records the new feeds so `feeds` shows them before the first refresh
    known = len(found) - len(fresh)
    print(
        f"Imported {plural(len(fresh), 'feed')} from {args.file}"
        + (f" ({known} already subscribed)" if known else "")
        + ("; run `newsreader refresh` to fetch them" if fresh else "")
    )
    if passed:
        print(f"Skipped {plural(len(passed), 'outline')}:")
        for reason in passed:
            print(f"  {reason}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from newsreader.opml import write_opml

    rt = _runtime(args)
    with rt.open_store() as store:
        rows = {row.url: row for row in store.feeds(counts=False)}
    # Feeds without a title of their own in the config export with the title the feed gave.
    feeds = [
        f if f.title or f.url not in rows else replace(f, title=rows[f.url].title or None)
        for f in rt.feeds
    ]
    site_links = {url: row.site_link for url, row in rows.items() if row.site_link}
    data = write_opml(feeds, site_links=site_links)
    if args.file:
        from pathlib import Path

        try:
            Path(args.file).write_bytes(data)
        except OSError as exc:
            raise Failed(f"{args.file}: cannot write: {exc.strerror}") from None
        print(f"Exported {len(rt.feeds)} feeds to {args.file}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    import asyncio

    from newsreader.refresh import refresh

    rt = _runtime(args)
    with rt.open_store() as store:
        report = asyncio.run(refresh(rt, store, force=args.force))
    if args.json:
        _print_json(report.to_json())
    else:
        for line in report.lines():
            print(line)
    if report.offline:
        raise Failed(report.offline)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    import asyncio

    from newsreader.sync import run_sync

    rt = _runtime(args)
    if rt.settings.sync is None:
        raise Failed(f"{rt.config_path}: no [sync] section (see config.example.toml)")
    with rt.open_store() as store:
        report = asyncio.run(
            run_sync(rt, store, rt.settings.sync, keep_days=rt.settings.store.keep_days)
        )
    if args.json:
        _print_json(report.to_json())
    elif not report.error:
        print(report.line())
    if report.error:
        raise Failed(report.line())
    return 0


def _feed_url(rt: Runtime, store: Store, text: str) -> str:
    """A subscription by URL, local path, or the title `feeds` shows (case-insensitive); a
    title two feeds share is an error listing their URLs."""
    url = rt.find_feed_url(text)
    if url is not None and rt.feed_config(url) is not None:
        return url
    wanted = text.strip().casefold()
    rows = store.feeds([f.url for f in rt.feeds], counts=False)
    found = [r.url for r in rows if clean_line(r.display_title).casefold() == wanted]
    if len(found) == 1:
        return found[0]
    if found:
        urls = ", ".join(clean_line(u, 4000) for u in found)
        raise Failed(f"{len(found)} feeds are titled {clean_line(text)!r}: {urls}; give the URL")
    raise Failed(f"not subscribed to {clean_line(text, 4000)}")


def _view_from(args: argparse.Namespace, rt: Runtime, store: Store):  # -> View
    from newsreader.model import View
    from newsreader.query import QueryError, check_query, is_plain

    feed_id = None
    if args.feed:
        feed_id = store.feed_id(_feed_url(rt, store, args.feed))
    matches: list[str] = []
    search = args.search
    if search and not is_plain(search):
        try:
            check_query(search)
        except QueryError as exc:
            raise Failed(f"--search: {exc}") from None
        matches.append(search)
        search = None
    view_name = getattr(args, "view", None)
    if view_name:
        saved = rt.view_config(view_name)
        if saved is None:
            names = ", ".join(v.name for v in rt.views) or "none defined"
            raise Failed(f"no saved view named {view_name!r} (views: {names})")
        matches.append(saved.match)
    return View(
        unread=args.unread,
        starred=args.starred,
        feed_id=feed_id,
        tag=args.tag,
        section=args.section,
        search=search,
        match=" and ".join(f"({m})" for m in matches) or None,
        hidden=getattr(args, "hidden", False),
        new_since=getattr(args, "new_since", None),
    )


def _time_arg(text: str) -> float:
    from datetime import UTC, datetime

    try:
        return float(text)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a time: {text!r} (ISO 8601 such as 2026-12-02T08:00Z, or epoch seconds)"
        ) from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def article_json(row: ArticleRow) -> dict[str, Any]:
    from newsreader.store import iso

    return {
        "id": row.id,
        "feed": row.feed_url,
        "feed_title": clean_line(row.feed_title),
        "title": clean_line(row.title),
        "link": safe_url(row.link),
        "author": clean_line(row.author) or None,
        "published": iso(row.published),
        "read": row.read,
        "starred": row.starred,
        "section": row.section,
        "opinion": row.opinion,
    }


def _article_line(row: ArticleRow) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M", time.gmtime(row.sort_ts))
    mark = " " if row.read else "●"
    star = "★" if row.starred else " "
    feed = clean_line(row.feed_title, 24)
    return f"{row.id:>7} {mark}{star} {stamp}  {feed:<24}  {clean_line(row.title, 200)}"


def cmd_list(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    with rt.open_store() as store:
        rows = store.page(_view_from(args, rt, store), limit=args.limit)
    _print_rows(rows, args.json)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from newsreader.store import Store

    rt = _runtime(args)
    with Store.open(rt.data_dir) as store:
        article = store.article(args.id)
    if article is None:
        raise Failed(f"no article with id {args.id}")
    if args.json:
        _print_json(show_json(article))
        return 0
    print(format_article(article))
    return 0


def show_json(article: Any) -> dict[str, Any]:
    """`show --json`: list's fields plus tags, enclosures (http(s) links only) and the text."""
    from newsreader.htmltext import render_html
    from newsreader.store import iso

    body = article.fulltext_html or article.content_html or article.summary_html or ""
    enclosures = []
    for e in article.enclosures or []:
        url = safe_url(e.get("url"))
        if url:
            enclosures.append(
                {k: (clean_line(v) if isinstance(v, str) else v) for k, v in e.items()}
                | {"url": url}
            )
    return article_json(article) | {
        "updated": iso(article.updated),
        "tags": [clean_line(c) for c in article.categories or []],
        "enclosures": enclosures,
        "text": render_html(body, base_url=article.link).plain(),
    }


def format_article(article: Any) -> str:
    from newsreader.htmltext import render_html
    from newsreader.store import iso

    lines = [clean_line(article.title), ""]
    meta = [clean_line(article.feed_title)]
    if article.author:
        meta.insert(0, clean_line(article.author))
    if article.published:
        meta.append(iso(article.published) or "")
    if article.updated and article.updated != article.published:
        meta.append(f"updated {iso(article.updated)}")
    lines.append(" · ".join(meta))
    if article.categories:
        lines.append("Tags: " + ", ".join(clean_line(c) for c in article.categories))
    link = safe_url(article.link)
    if link:
        lines.append(f"Link: {link}")
    lines.append("")
    body = article.fulltext_html or article.content_html or article.summary_html or ""
    lines.append(render_html(body, base_url=article.link).plain())
    return "\n".join(lines).rstrip() + "\n"


def cmd_mark(args: argparse.Namespace) -> int:
    from newsreader.store import Store

    rt = _runtime(args)
    with Store.open(rt.data_dir) as store:
        missing = [i for i in args.ids if store.article(i) is None]
        if missing:
            raise Failed("no article with id " + ", ".join(map(str, missing)))
        if args.state in ("read", "unread"):
            store.set_read(args.ids, args.state == "read")
        else:
            store.set_starred(args.ids, args.state == "star")
        if args.json:
            rows = store.rows(args.ids)
            _print_json([article_json(rows[i]) for i in dict.fromkeys(args.ids) if i in rows])
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    import asyncio

    from newsreader.media.download import DownloadManager
    from newsreader.store import Store

    rt = _runtime(args)
    progress = _Progress()
    with Store.open(rt.data_dir) as store:
        manager = DownloadManager(store, rt.settings.media, on_change=progress.show)
        row = manager.enqueue_article(args.id, args.index)
        if row.state != "done":  # an earlier run's finished file is not fetched again
            asyncio.run(manager.run(only=[row.id]))
        row = manager.queue.get(row.id) or row
    progress.end()
    if args.json:
        _print_json({**row.to_json(), "error": clean_line(row.error) or None})
    if row.state == "running":
        raise Failed(f"another newsreader is downloading {row.url}")
    if row.state != "done":
        raise Failed(f"{row.url}: {row.state}" + (f": {row.error}" if row.error else ""))
    if not args.json:
        print(row.path)
    return 0


class _Progress:
    """The download's progress on stderr: one line rewritten in a terminal, else a line per
    change of state."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.state = ""
        self.width = 0

    def show(self, d: Any) -> None:
        if d.state == "failed":
            return  # the command's error line says why
        if d.state == "running" and not d.received and not self.tty:
            return  # in a log, a line once bytes arrive (a refusal is then one line)
        now = time.monotonic()
        changed = d.state != self.state
        if not changed and now - self.last < 0.2:
            return
        self.last, self.state = now, d.state
        line = clean_line(d.status_line(), 200)
        if d.state == "queued" and d.retry_at:
            line += f"  (next try in {max(d.retry_at - time.time(), 0):.0f} s)"
        if self.tty:
            sys.stderr.write("\r" + line.ljust(self.width))
            self.width = len(line)
        elif changed:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def end(self) -> None:
        if self.tty and self.width:
            sys.stderr.write("\n")
            sys.stderr.flush()


def cmd_trending(args: argparse.Namespace) -> int:
    from newsreader.ranking.stories import trending_stories
    from newsreader.store import iso

    rt = _runtime(args)
    with rt.open_store() as store:
        stories = trending_stories(store, rt.settings, time.time())
    if args.json:
        _print_json(
            [
                {
                    "title": clean_line(s.title),
                    "sources": s.sources,
                    "score": round(s.score, 4),
                    "articles": [
                        {
                            "id": a.id,
                            "feed": a.feed_url,
                            "feed_title": clean_line(a.feed_title),
                            "title": clean_line(a.title),
                            "link": safe_url(a.link),
                            "published": iso(a.published),
                        }
                        for a in s.members
                    ],
                }
                for s in stories
            ]
        )
        return 0
    if not stories:
        print("Nothing is trending: no story is covered by several feeds in the window.")
    for n, s in enumerate(stories, 1):
        print(f"{n:>2}. [{s.sources} sources] {clean_line(s.title, 200)}")
        for a in s.members:
            print(
                f"      {a.id:>7}  {clean_line(a.feed_title, 24):<24}  {clean_line(a.title, 120)}"
            )
    return 0


def cmd_story(args: argparse.Namespace) -> int:
    from newsreader.ranking.stories import age_text, story

    rt = _runtime(args)
    now = time.time()
    with rt.open_store() as store:
        found = story(store, rt.settings, args.id, now)
    if found is None:
        raise Failed(f"no article with id {args.id}")
    if args.json:
        _print_json(
            {
                "title": clean_line(found.title),
                "sources": found.sources,
                "lead_id": found.lead_id,
                "articles": [article_json(a) for a in found.members],
            }
        )
        return 0
    print(f"{clean_line(found.title, 200)}  [{found.sources_text}]")
    for a in found.members:
        author = clean_line(a.author, 40)
        line = (
            f"{a.id:>7}  {age_text(now - a.sort_ts):>4}  {clean_line(a.feed_title, 24):<24}  "
            f"{clean_line(a.title, 160)}"
        )
        print(
            line
            + (f" (by {author})" if author else "")
            + ("  [opinion]" if a.opinion or a.section == "opinion" else "")
        )
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    import os
    import tempfile
    from pathlib import Path

    from newsreader.digest import build_digest, render

    rt = _runtime(args)
    with rt.open_store() as store:
        text = render(build_digest(store, rt.settings, time.time(), args.since), args.fmt)
    if not args.output:
        sys.stdout.write(text)
        return 0
    # Written whole, then renamed: a mailer picking the file up never sees half a digest.
    out = Path(args.output)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".digest-", dir=out.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, out)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        raise Failed(f"{out}: cannot write: {exc.strerror}") from None
    return 0


def cmd_opinion(args: argparse.Namespace) -> int:
    from newsreader.model import View

    rt = _runtime(args)
    with rt.open_store() as store:
        rows = store.page(View(opinion=True), limit=args.limit or rt.settings.opinion.size)
    _print_rows(rows, args.json)
    return 0


def _print_rows(rows: list[ArticleRow], as_json: bool) -> None:
    if as_json:
        _print_json([article_json(r) for r in rows])
    else:
        for r in rows:
            print(_article_line(r))


def _print_json(data: Any) -> None:
    sys.stdout.write(json_text(data) + "\n")


COMMANDS = {
    "add": cmd_add,
    "remove": cmd_remove,
    "feeds": cmd_feeds,
    "import": cmd_import,
    "export": cmd_export,
    "refresh": cmd_refresh,
    "sync": cmd_sync,
    "list": cmd_list,
    "show": cmd_show,
    "mark": cmd_mark,
    "download": cmd_download,
    "trending": cmd_trending,
    "story": cmd_story,
    "digest": cmd_digest,
    "opinion": cmd_opinion,
}
