"""A real HTTP server on 127.0.0.1 for the media tests: feeds, media files with Range
support (or without), a connection cut halfway, a gate that holds a transfer mid-file, a
lying Content-Length, 503 with Retry-After; every request's headers are recorded."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MEDIA_FIXTURES = Path(__file__).parents[1] / "fixtures" / "media"


@dataclass
class File:
    body: bytes
    content_type: str = "application/octet-stream"
    ranges: bool = True  # honour Range (206); False: always the whole file (200)
    cut_after: int | None = None  # close the connection after this many body bytes...
    cuts: int = 1  # ...this many times
    gate_after: int | None = None  # send this many bytes, then wait for `gate`
    gate: threading.Event = field(default_factory=threading.Event)
    reached: threading.Event = field(default_factory=threading.Event)  # set at the gate
    claim_length: int | None = None  # a Content-Length other than the truth; -1: none
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = '"v1"'


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class MediaServer:
    def __init__(self) -> None:
        self.files: dict[str, File] = {}
        self.requests: list[Request] = []
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(
                    Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                )
                f = server.files.get(self.path.split("?", 1)[0])
                if f is None:
                    self._send(404, b"not found", {})
                    return
                if f.status != 200:
                    self._send(f.status, b"no", f.headers)
                    return
                body, status, headers = f.body, 200, {"Content-Type": f.content_type}
                if f.etag:
                    headers["ETag"] = f.etag
                headers.update(f.headers)
                if f.ranges:
                    headers["Accept-Ranges"] = "bytes"
                    m = re.match(r"bytes=(\d+)-$", self.headers.get("Range", ""))
                    if_range = self.headers.get("If-Range")
                    if m and (if_range is None or if_range == f.etag):
                        start = int(m.group(1))
                        if start >= len(f.body):
                            self._send(416, b"", {"Content-Range": f"bytes */{len(f.body)}"})
                            return
                        body, status = f.body[start:], 206
                        headers["Content-Range"] = f"bytes {start}-{len(f.body) - 1}/{len(f.body)}"
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                length = f.claim_length if f.claim_length is not None else len(body)
                if length >= 0:
                    self.send_header("Content-Length", str(length))
                else:  # the body ends when the connection does
                    self.close_connection = True
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    if f.gate_after is not None and len(body) > f.gate_after:
                        self.wfile.write(body[: f.gate_after])
                        self.wfile.flush()
                        f.reached.set()
                        f.gate.wait(30)
                        body = body[f.gate_after :]
                    if f.cut_after is not None and f.cuts > 0 and len(body) > f.cut_after:
                        f.cuts -= 1
                        self.wfile.write(body[: f.cut_after])
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    self.wfile.write(body)
                except OSError:  # the client went away
                    self.close_connection = True

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes, **kw: object) -> str:
        self.files[path] = File(body, **kw)  # type: ignore[arg-type]
        return self.url(path)

    def add_feed(self, path: str, fixture: str, content_type: str = "application/xml") -> str:
        """A fixture feed with {base} replaced by this server's address."""
        text = (MEDIA_FIXTURES / fixture).read_text().replace("{base}", self.base)
        return self.add(path, text.encode(), content_type=content_type, etag=None)

    def ranges_asked(self, path: str) -> list[str]:
        return [r.headers.get("range", "") for r in self.requests if r.path == path]

    def close(self) -> None:
        for f in self.files.values():
            f.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def media_server() -> Iterator[MediaServer]:
    server = MediaServer()
    try:
        yield server
    finally:
        server.close()


def media_bytes(n: int, seed: int = 1) -> bytes:
    """n bytes that differ along the file, so a misplaced resume shows in the result."""
    import random

    return random.Random(seed).randbytes(n)
