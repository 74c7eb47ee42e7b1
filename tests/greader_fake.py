"""A loopback Google Reader API server written from the protocol, for the sync tests and
bench/sync.py. It behaves like the servers the client must cope with:

- ClientLogin answers "SID=/LSID=/Auth=" lines; a bad password is 401 "Error=BadAuthentication".
- GETs need `Authorization: GoogleLogin auth=...`; POSTs need it AND the T token (Miniflux
  checks T on POST, FreshRSS the header).
- s=user/-/state/com.google/read is ignored, as FreshRSS does: every id comes back.
- stream/items/ids gives decimal ids, contents gives the long tag: form; `n` is capped at
  10,000 and longer lists continue with `continuation`.
- An optional latency per request, and a log of (method, path, params) for request counts.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PREFIX = "tag:google.com,2005:reader/item/"
READING = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
MAX_N = 10_000


@dataclass
class Item:
    id: int
    feed: str
    title: str
    html: str = ""
    link: str | None = None
    author: str | None = None
    published: int = 0
    crawled: float = field(default_factory=time.time)
    read: bool = False
    starred: bool = False


@dataclass
class Feed:
    id: str
    url: str
    title: str
    folder: str | None = None


class FakeGReader:
    def __init__(
        self, username: str = "reader", password: str = "secret-pass", latency: float = 0.0
    ) -> None:
        self.username = username
        self.password = password
        self.latency = latency
        self.feeds: dict[str, Feed] = {}
        self.items: dict[int, Item] = {}
        self.log: list[tuple[str, str, dict[str, list[str]]]] = []
        self.lock = threading.Lock()
        self.auth = "fake-auth-" + username
        self.token = "fake-token-1"
        self.broken: int | None = None  # answer every request with this status
        self.fail: dict[str, int] = {}  # path (after the base) -> status to answer with
        self.throttle = 0  # answer this many requests 429 with Retry-After: 0
        self.override: dict[str, bytes] = {}  # path -> a JSON body to answer with instead
        self._server: ThreadingHTTPServer | None = None

    # -- content -------------------------------------------------------------------------

    def add_feed(self, n: int, title: str | None = None, folder: str | None = None) -> Feed:
        feed = Feed(f"feed/{n}", f"https://feed{n}.example/rss", title or f"Feed {n}", folder)
        self.feeds[feed.id] = feed
        return feed

    def add_item(self, feed: Feed, n: int, **kw: Any) -> Item:
        item = Item(
            id=kw.pop("id", 1_700_000_000_000_000 + n),
            feed=feed.id,
            title=kw.pop("title", f"Story {n} of {feed.title}"),
            html=kw.pop("html", f"<p>Body of story {n}.</p>"),
            link=kw.pop("link", f"https://{feed.url.split('/')[2]}/story/{n}"),
            published=kw.pop("published", int(time.time()) - 3600),
            **kw,
        )
        self.items[item.id] = item
        return item

    def requests(self, since: int = 0) -> list[tuple[str, str, dict[str, list[str]]]]:
        return self.log[since:]

    # -- server --------------------------------------------------------------------------

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/greader.php"

    def start(self, port: int = 0) -> FakeGReader:
        """Listen on 127.0.0.1 (on `port` again after stop(), to come back online)."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hung up; the tests' stderr is for newsreader's lines

        self._server = Server(("127.0.0.1", port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(h.path)
        params = parse_qs(parts.query, keep_blank_values=True)
        if method == "POST":
            length = int(h.headers.get("Content-Length") or 0)
            body = h.rfile.read(length).decode()
            for k, v in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(k, []).extend(v)
        path = parts.path
        with self.lock:
            self.log.append((method, path, params))
        if self.latency:
            time.sleep(self.latency)
        if self.throttle > 0:
            self.throttle -= 1
            return _send(h, 429, "text/plain", b"slow down", {"Retry-After": "0"})
        if self.broken:
            return _send(h, self.broken, "text/plain", b"down", {"Retry-After": "3600"})
        base = "/api/greader.php"
        if not path.startswith(base):
            return _send(h, 404, "text/html", b"<html>Not found</html>")
        path = path[len(base) :]
        if path in self.fail:
            return _send(h, self.fail[path], "text/plain", b"failed")
        if path in self.override:
            return _send(h, 200, "application/json", self.override[path])
        if path == "/accounts/ClientLogin":
            if params.get("Email") == [self.username] and params.get("Passwd") == [self.password]:
                body = f"SID={self.auth}\nLSID=null\nAuth={self.auth}\n".encode()
                return _send(h, 200, "text/plain", body)
            return _send(h, 401, "text/plain", b"Error=BadAuthentication\n")
        if h.headers.get("Authorization") != f"GoogleLogin auth={self.auth}":
            return _send(
                h, 401, "text/plain", b"Unauthorized", {"X-Reader-Google-Bad-Token": "true"}
            )
        if method == "POST" and params.get("T") != [self.token]:
            return _send(
                h, 401, "text/plain", b"Unauthorized", {"X-Reader-Google-Bad-Token": "true"}
            )
        with self.lock:
            return self._route(h, method, path, params)

    def _route(self, h: BaseHTTPRequestHandler, method: str, path: str, p: dict) -> None:
        one = lambda key: (p.get(key) or [None])[0]  # noqa: E731
        if path == "/reader/api/0/token":
            return _send(h, 200, "text/plain", self.token.encode())
        if path == "/reader/api/0/subscription/list":
            subs = [
                {
                    "id": f.id,
                    "title": f.title,
                    "url": f.url,
                    "htmlUrl": f.url.rsplit("/", 1)[0] + "/",
                    "categories": [{"id": f"user/-/label/{f.folder}", "label": f.folder}]
                    if f.folder
                    else [],
                }
                for f in self.feeds.values()
            ]
            return _json(h, {"subscriptions": subs})
        if path == "/reader/api/0/stream/items/ids":
            stream = one("s")
            items = sorted(self.items.values(), key=lambda i: i.id, reverse=True)
            if stream == STARRED:
                items = [i for i in items if i.starred]
            elif stream and stream.startswith("feed/"):
                items = [i for i in items if i.feed == stream]
            # READ is ignored, as FreshRSS does; READING gives everything
            if READ in (p.get("xt") or []):
                items = [i for i in items if not i.read]
            if one("ot"):
                items = [i for i in items if i.crawled >= int(one("ot"))]
            n = min(int(one("n") or 20), MAX_N)
            start = int(one("c") or 0)
            page = items[start : start + n]
            doc: dict[str, Any] = {"itemRefs": [{"id": str(i.id)} for i in page]}
            if start + n < len(items):
                doc["continuation"] = str(start + n)
            return _json(h, doc)
        if path == "/reader/api/0/stream/items/contents":
            out = []
            for raw in p.get("i") or []:
                item = self.items.get(_parse(raw))
                if item is not None:
                    out.append(self._content(item))
            return _json(h, {"id": READING, "items": out})
        if path == "/reader/api/0/edit-tag" and method == "POST":
            for raw in p.get("i") or []:
                item = self.items.get(_parse(raw))
                if item is None:
                    continue
                for tag in p.get("a") or []:
                    if tag == READ:
                        item.read = True
                    elif tag == STARRED:
                        item.starred = True
                for tag in p.get("r") or []:
                    if tag == READ:
                        item.read = False
                    elif tag == STARRED:
                        item.starred = False
            return _send(h, 200, "text/plain", b"OK")
        if path == "/reader/api/0/subscription/quickadd" and method == "POST":
            url = one("quickadd") or ""
            n = len(self.feeds) + 1000
            self.feeds[f"feed/{n}"] = Feed(f"feed/{n}", url, url)
            return _json(h, {"numResults": 1, "query": url, "streamId": f"feed/{n}"})
        if path == "/reader/api/0/subscription/edit" and method == "POST":
            if one("ac") == "unsubscribe":
                self.feeds.pop(one("s") or "", None)
            return _send(h, 200, "text/plain", b"OK")
        return _send(h, 404, "text/plain", b"unknown endpoint")

    def _content(self, item: Item) -> dict[str, Any]:
        feed = self.feeds.get(item.feed)
        cats = [READING]
        if item.read:
            cats.append(READ)
        if item.starred:
            cats.append(STARRED)
        if feed and feed.folder:
            cats.append(f"user/-/label/{feed.folder}")
        return {
            "id": f"{PREFIX}{item.id:016x}",
            "crawlTimeMsec": str(int(item.crawled * 1000)),
            "timestampUsec": str(int(item.crawled * 1_000_000)),
            "published": item.published,
            "title": item.title,
            "author": item.author or "",
            "canonical": [{"href": item.link}] if item.link else [],
            "alternate": [{"href": item.link, "type": "text/html"}] if item.link else [],
            "categories": cats,
            "summary": {"content": item.html},
            "origin": {
                "streamId": item.feed,
                "title": feed.title if feed else "",
                "htmlUrl": feed.url if feed else "",
            },
        }


def _parse(raw: str) -> int | None:
    try:
        if raw.startswith(PREFIX):
            return int(raw[len(PREFIX) :], 16)
        return int(raw)
    except ValueError:
        return None


def _send(
    h: BaseHTTPRequestHandler,
    status: int,
    ctype: str,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)


def _json(h: BaseHTTPRequestHandler, doc: dict[str, Any]) -> None:
    _send(h, 200, "application/json", json.dumps(doc).encode())
