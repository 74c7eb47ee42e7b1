"""Fetcher against real HTTP on 127.0.0.1: caching, redirects, errors, limits."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import gzip
import os
import socket
import ssl
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsreader import USER_AGENT
from newsreader.fetch import Fetcher, FetchResult

FIXTURES = Path(__file__).parents[1] / "fixtures" / "http"
FEED = (FIXTURES / "feed.xml").read_bytes()
MB = 1_000_000


async def fetch(url: str, **kwargs: object) -> FetchResult:
    conditional = {k: kwargs.pop(k) for k in ("etag", "last_modified") if k in kwargs}
    async with Fetcher(**kwargs) as fetcher:  # type: ignore[arg-type]
        return await fetcher.fetch(url, **conditional)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def _threaded() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def threaded_server(_threaded: HTTPServer) -> HTTPServer:
    """A server that handles requests concurrently (slow and endless responses, counting)."""
    _threaded.clear()
    return _threaded


def build_bomb(megabytes: int) -> bytes:
    """Zeros as one gzip member, about 1 kB per MB, built quickly.

    A 1 MB block compressed with a full flush is self-contained and byte-aligned, so the same
    bytes can be repeated; an empty final block and the right CRC/size trailer finish it.
    """
    zeros = bytes(1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03"
    trailer = struct.pack("<II", crc, (megabytes << 20) & 0xFFFFFFFF)
    return header + block * megabytes + b"\x03\x00" + trailer


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """1 GB of zeros gzipped to about 1 MB."""
    return build_bomb(1024)


def test_bomb_builder_is_valid_gzip() -> None:
    # The bomb tests mean something only if the construction really inflates as claimed.
    assert gzip.decompress(build_bomb(16)) == bytes(16 << 20)
    assert len(build_bomb(1024)) < 2 * MB


async def test_plain_200(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        FEED,
        content_type="application/rss+xml",
        headers={"ETag": '"v1"', "Last-Modified": "Tue, 18 Mar 2025 17:00:00 GMT"},
    )
    r = await fetch(httpserver.url_for("/feed.xml"))
    assert r.error is None and r.status == 200
    assert r.body == FEED
    assert r.etag == '"v1"' and r.last_modified == "Tue, 18 Mar 2025 17:00:00 GMT"
    assert r.headers["content-type"] == "application/rss+xml"
    assert r.final_url == r.url and r.permanent_redirect is None and not r.not_modified
    assert r.elapsed > 0


async def test_headers_sent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/f").respond_with_data(FEED)
    await fetch(httpserver.url_for("/f"))
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("newsreader/")
    assert request.headers["Accept"].startswith("application/rss+xml")
    assert request.headers["Accept-Encoding"] == "gzip, deflate"
    assert "If-None-Match" not in request.headers


async def test_gzip_and_deflate_decoded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gz").respond_with_data(
        gzip.compress(FEED), headers={"Content-Encoding": "gzip"}
    )
    httpserver.expect_request("/zlib").respond_with_data(
        zlib.compress(FEED), headers={"Content-Encoding": "deflate"}
    )
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    httpserver.expect_request("/raw").respond_with_data(
        raw.compress(FEED) + raw.flush(), headers={"Content-Encoding": "deflate"}
    )
    # Two gzip members back to back are one valid gzip body.
    half = len(FEED) // 2
    httpserver.expect_request("/multi").respond_with_data(
        gzip.compress(FEED[:half]) + gzip.compress(FEED[half:]),
        headers={"Content-Encoding": "gzip"},
    )
    # Plain XML mislabelled as gzip is taken as it is.
    httpserver.expect_request("/liar").respond_with_data(FEED, headers={"Content-Encoding": "gzip"})
    async with Fetcher() as f:
        for path in ("/gz", "/zlib", "/raw", "/multi", "/liar"):
            r = await f.fetch(httpserver.url_for(path))
            assert (path, r.error, r.body) == (path, None, FEED)


async def test_unknown_encoding_and_corrupt_gzip(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/br").respond_with_data(b"xx", headers={"Content-Encoding": "br"})
    httpserver.expect_request("/bad").respond_with_data(
        b"\x1f\x8b\x08\x00garbage-garbage", headers={"Content-Encoding": "gzip"}
    )
    async with Fetcher() as f:
        r = await f.fetch(httpserver.url_for("/br"))
        assert r.error == "unsupported Content-Encoding: br" and r.body is None
        r = await f.fetch(httpserver.url_for("/bad"))
        assert r.error is not None and r.error.startswith("bad gzip data") and r.body is None


async def test_conditional_get_and_304(httpserver: HTTPServer) -> None:
    etag, stamp = '"abc"', "Tue, 18 Mar 2025 17:00:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304)
        return Response(FEED, headers={"ETag": etag, "Last-Modified": stamp})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    url = httpserver.url_for("/feed")
    async with Fetcher() as f:
        first = await f.fetch(url)
        second = await f.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert first.status == 200 and first.body == FEED
    assert second.status == 304 and second.not_modified and second.body is None
    assert second.error is None
    # A 304 without validators echoes ours back, so the caller can always store them.
    assert (second.etag, second.last_modified) == (etag, stamp)
    request = httpserver.log[1][0]
    assert request.headers["If-None-Match"] == etag
    assert request.headers["If-Modified-Since"] == stamp


@pytest.mark.parametrize("status", [301, 308])
async def test_permanent_redirect(httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=status, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(FEED)
    r = await fetch(httpserver.url_for("/old"))
    assert r.error is None and r.body == FEED
    assert r.url == httpserver.url_for("/old")
    assert r.final_url == httpserver.url_for("/new")
    assert r.permanent_redirect == httpserver.url_for("/new")


async def test_temporary_redirect_not_stored(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/tmp").respond_with_data("", status=302, headers={"Location": "/x"})
    httpserver.expect_request("/x").respond_with_data(FEED)
    r = await fetch(httpserver.url_for("/tmp"))
    assert r.body == FEED and r.final_url == httpserver.url_for("/x")
    assert r.permanent_redirect is None


async def test_redirect_chain_permanent_prefix(httpserver: HTTPServer) -> None:
    # 301 -> 301 -> 302 -> 200: the stored URL is the last one reached by permanent hops.
    httpserver.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=301, headers={"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data("", status=302, headers={"Location": "/d"})
    httpserver.expect_request("/d").respond_with_data(FEED)
    httpserver.expect_request("/e").respond_with_data("", status=302, headers={"Location": "/f"})
    httpserver.expect_request("/f").respond_with_data("", status=301, headers={"Location": "/d"})
    httpserver.expect_request("/g").respond_with_data("", status=301, headers={"Location": "/h"})
    httpserver.expect_request("/h").respond_with_data("", status=500)
    async with Fetcher() as f:
        r = await f.fetch(httpserver.url_for("/a"))
        assert r.body == FEED and r.permanent_redirect == httpserver.url_for("/c")
        r = await f.fetch(httpserver.url_for("/e"))
        assert r.body == FEED and r.permanent_redirect is None
        # Never move a subscription to a URL that fails.
        r = await f.fetch(httpserver.url_for("/g"))
        assert (r.error or "").lower() == "http 500 internal server error"
        assert r.permanent_redirect is None


async def test_redirect_loop_and_limit(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop1").respond_with_data(
        "", status=302, headers={"Location": "/loop2"}
    )
    httpserver.expect_request("/loop2").respond_with_data(
        "", status=301, headers={"Location": "/loop1"}
    )
    for i in range(3):
        httpserver.expect_request(f"/hop{i}").respond_with_data(
            "", status=307, headers={"Location": f"/hop{i + 1}"}
        )
    httpserver.expect_request("/hop3").respond_with_data(FEED)
    async with Fetcher() as f:
        r = await f.fetch(httpserver.url_for("/loop1"))
        assert r.error == "too many redirects" and r.body is None
    async with Fetcher(max_redirects=2) as f:
        r = await f.fetch(httpserver.url_for("/hop0"))
        assert r.error == "too many redirects"
    async with Fetcher(max_redirects=3) as f:
        r = await f.fetch(httpserver.url_for("/hop0"))
        assert r.error is None and r.body == FEED


async def test_redirect_to_other_scheme_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/f").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    r = await fetch(httpserver.url_for("/f"))
    assert r.error == "redirect to unsupported URL scheme: file" and r.body is None


async def test_gone(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("bye", status=410)
    r = await fetch(httpserver.url_for("/gone"))
    assert r.gone and r.status == 410 and r.body is None
    assert r.error is not None and r.error.lower() == "http 410 gone"


async def test_429_retry_after_seconds(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"}
    )
    r = await fetch(httpserver.url_for("/busy"))
    assert r.status == 429 and r.retry_after == 120 and not r.gone and r.body is None
    assert r.error is not None
    assert r.error.lower() == "http 429 too many requests (retry after 120 s)"


async def test_503_retry_after_http_date(httpserver: HTTPServer) -> None:
    when = email.utils.formatdate(time.time() + 3600, usegmt=True)
    httpserver.expect_request("/down").respond_with_data(
        "", status=503, headers={"Retry-After": when}
    )
    httpserver.expect_request("/down2").respond_with_data("", status=503)
    async with Fetcher() as f:
        r = await f.fetch(httpserver.url_for("/down"))
        assert r.retry_after is not None and 3590 <= r.retry_after <= 3600
        assert r.error is not None and r.error.lower().startswith("http 503 service unavailable")
        r = await f.fetch(httpserver.url_for("/down2"))
        assert r.retry_after is None and r.error is not None
        assert r.error.lower() == "http 503 service unavailable"


async def test_other_http_errors(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    r = await fetch(httpserver.url_for("/missing"))
    assert r.status == 404 and r.body is None and not r.gone and r.retry_after is None
    assert not r.network_error
    assert r.error is not None and r.error.lower() == "http 404 not found"


async def test_slow_response_cut_at_deadline(threaded_server: HTTPServer) -> None:
    def trickle() -> Iterator[bytes]:
        yield b"<rss>"
        for _ in range(100):
            time.sleep(0.1)
            yield b" "

    threaded_server.expect_request("/slow").respond_with_response(Response(trickle()))
    started = time.monotonic()
    r = await fetch(threaded_server.url_for("/slow"), deadline=1, read_timeout=20)
    assert time.monotonic() - started < 3
    assert r.error == "timed out after 1 s" and r.body is None and r.status is None
    assert r.network_error


async def test_read_timeout(threaded_server: HTTPServer) -> None:
    def stall(request: Request) -> Response:
        time.sleep(1.5)
        return Response(FEED)

    threaded_server.expect_request("/stall").respond_with_handler(stall)
    r = await fetch(threaded_server.url_for("/stall"), read_timeout=0.3)
    assert r.error == "no data for 0.3 s (read timed out)"


async def test_endless_body_cut_at_cap(threaded_server: HTTPServer) -> None:
    sent = []

    def endless() -> Iterator[bytes]:
        chunk = b"<item>x</item>" * 4096
        while True:
            sent.append(len(chunk))
            yield chunk

    threaded_server.expect_request("/endless").respond_with_response(Response(endless()))
    r = await fetch(threaded_server.url_for("/endless"), max_bytes=MB)
    assert r.error == "response larger than 1 MB" and r.body is None
    assert sum(sent) < 20 * MB  # the client hung up instead of draining it


async def test_content_length_over_cap_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 2_000_000)
    r = await fetch(httpserver.url_for("/big"), max_bytes=MB)
    assert r.error == "response larger than 1 MB" and r.body is None
    r = await fetch(httpserver.url_for("/big"), max_bytes=2_000_000)
    assert r.error is None and len(r.body or b"") == 2_000_000


@pytest.mark.parametrize("max_bytes", [MB, 10 * MB])
async def test_gzip_bomb_cut_at_cap(
    httpserver: HTTPServer, gzip_bomb: bytes, max_bytes: int
) -> None:
    httpserver.expect_request("/bomb").respond_with_data(
        gzip_bomb, headers={"Content-Encoding": "gzip"}
    )
    tracemalloc.start()
    try:
        r = await fetch(httpserver.url_for("/bomb"), max_bytes=max_bytes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert r.error == f"response larger than {max_bytes // MB} MB" and r.body is None
    # The body may legitimately hold up to the cap; a bomb inflating per network read would
    # reach hundreds of MB.
    # (Measured: about cap + 2 MB alone, up to cap + 11 MB inside a full pytest run; reading
    # with httpx's own iter_bytes peaks at about 150 MB on a single network read.)
    assert peak < max_bytes + 30 * MB, f"peak {peak / MB:.0f} MB"


async def test_body_exactly_at_cap_accepted(httpserver: HTTPServer) -> None:
    data = b"a" * MB
    httpserver.expect_request("/gz").respond_with_data(
        gzip.compress(data), headers={"Content-Encoding": "gzip"}
    )
    r = await fetch(httpserver.url_for("/gz"), max_bytes=MB)
    assert r.error is None and r.body == data
    r = await fetch(httpserver.url_for("/gz"), max_bytes=MB - 1)
    assert r.error == "response larger than 999.999 kB" and r.body is None


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_connection_refused() -> None:
    r = await fetch(f"http://127.0.0.1:{closed_port()}/feed.xml")
    assert r.error == "connection refused" and r.status is None and r.body is None
    assert r.network_error


async def test_dns_failure() -> None:
    # .invalid never resolves (RFC 6761); resolvers answer at once, online or not.
    r = await fetch("http://no-such-host.invalid/feed.xml", deadline=5)
    assert r.error == "DNS lookup failed for no-such-host.invalid" and r.status is None
    assert r.network_error


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://[::1/feed", "invalid URL (Invalid IPv6 URL)"),
        ("http://127.0.0.1:99999/", "invalid URL (Port out of range 0-65535)"),
        ("https:///feed.xml", "invalid URL (no host)"),
    ],
)
async def test_invalid_urls(url: str, error: str) -> None:
    r = await fetch(url)
    assert r.error == error and r.status is None and not r.network_error


@contextlib.contextmanager
def raw_server(reply: bytes | None) -> Iterator[int]:
    """A socket server answering each connection with canned bytes (None: hang up)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    srv.settimeout(0.05)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                continue
            with conn, contextlib.suppress(OSError):
                conn.recv(65536)
                if reply is not None:
                    conn.sendall(reply)

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield srv.getsockname()[1]
    finally:
        stop.set()
        t.join(2)
        srv.close()


async def test_redirect_to_invalid_url() -> None:
    reply = b"HTTP/1.1 301 Moved\r\nLocation: http://[broken/\r\nContent-Length: 0\r\n\r\n"
    with raw_server(reply) as port:
        r = await fetch(f"http://127.0.0.1:{port}/r")
    assert r.error == "invalid URL (Invalid IPv6 URL)" and r.permanent_redirect is None


async def test_unsupported_scheme() -> None:
    r = await fetch("ftp://example.com/feed.xml")
    assert r.error == "unsupported URL scheme: ftp"


async def test_server_hangs_up() -> None:
    with raw_server(None) as port:
        r = await fetch(f"http://127.0.0.1:{port}/")
    assert r.error == "server closed the connection" and r.status is None


class InFlight:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.max = 0

    def handler(self, request: Request) -> Response:
        with self.lock:
            self.now += 1
            self.max = max(self.max, self.now)
        time.sleep(0.15)
        with self.lock:
            self.now -= 1
        return Response(FEED)


async def test_per_host_limit(threaded_server: HTTPServer) -> None:
    counter = InFlight()
    threaded_server.expect_request("/f").respond_with_handler(counter.handler)
    async with Fetcher(per_host=2, concurrency=32) as f:
        results = await asyncio.gather(*(f.fetch(threaded_server.url_for("/f")) for _ in range(8)))
    assert all(r.body == FEED for r in results)
    assert counter.max == 2


async def test_global_limit(threaded_server: HTTPServer) -> None:
    counter = InFlight()
    threaded_server.expect_request("/f").respond_with_handler(counter.handler)
    async with Fetcher(per_host=10, concurrency=3) as f:
        results = await asyncio.gather(*(f.fetch(threaded_server.url_for("/f")) for _ in range(9)))
    assert all(r.error is None for r in results)
    assert counter.max == 3


async def test_queue_time_does_not_count_against_deadline(threaded_server: HTTPServer) -> None:
    # 4 requests of 0.25 s through one slot take 1 s; each one alone is within 0.6 s.
    def handler(request: Request) -> Response:
        time.sleep(0.25)
        return Response(FEED)

    threaded_server.expect_request("/f").respond_with_handler(handler)
    async with Fetcher(per_host=1, deadline=0.6) as f:
        results = await asyncio.gather(*(f.fetch(threaded_server.url_for("/f")) for _ in range(4)))
    assert [r.error for r in results] == [None] * 4


# -- local files -------------------------------------------------------------------------------


async def test_file_url_and_path(tmp_path: Path) -> None:
    p = tmp_path / "my feed.xml"
    p.write_bytes(FEED)
    async with Fetcher() as f:
        by_url = await f.fetch(p.as_uri())
        by_path = await f.fetch(str(p))
    for r in (by_url, by_path):
        assert r.error is None and r.status == 200 and r.body == FEED
        assert r.last_modified == email.utils.formatdate(p.stat().st_mtime, usegmt=True)
        assert r.etag
    assert by_url.url == p.as_uri()


async def test_file_not_modified_until_changed(tmp_path: Path) -> None:
    p = tmp_path / "feed.xml"
    p.write_bytes(FEED)
    async with Fetcher() as f:
        first = await f.fetch(str(p))
        same = await f.fetch(str(p), etag=first.etag, last_modified=first.last_modified)
        assert same.not_modified and same.body is None and same.error is None
        # Only the date stored (no etag): the date decides.
        same = await f.fetch(str(p), last_modified=first.last_modified)
        assert same.not_modified
        # Changed within the same second: the exact etag still notices.
        p.write_bytes(FEED + b"\n")
        changed = await f.fetch(str(p), etag=first.etag, last_modified=first.last_modified)
        assert not changed.not_modified and changed.body == FEED + b"\n"
        os.utime(p, (time.time() + 10, time.time() + 10))
        changed = await f.fetch(str(p), last_modified=first.last_modified)
        assert not changed.not_modified and changed.body == FEED + b"\n"


async def test_file_errors(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 2000)
    async with Fetcher(max_bytes=1000) as f:
        r = await f.fetch(str(tmp_path / "nope.xml"))
        assert r.error == f"no such file: {tmp_path / 'nope.xml'}" and r.status is None
        assert not r.network_error
        r = await f.fetch(str(tmp_path))
        assert r.error == f"is a directory: {tmp_path}"
        r = await f.fetch(big.as_uri())
        assert r.error == f"file larger than 1 kB: {big}" and r.body is None
        r = await f.fetch("file://otherhost/x.xml")
        assert r.error == "unsupported URL scheme: file"


TLS = Path(__file__).parent.parent / "fixtures" / "tls"  # a self-signed cert for 127.0.0.1


@pytest.fixture
def tls_server() -> Iterator[HTTPServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS / "cert.pem", TLS / "key.pem")
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


async def test_https_certificates_are_checked_and_connections_kept(
    tls_server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TLS through the fetcher's own asyncio network layer: an unknown certificate is one
    clear line; a trusted one gives the body, twice over one kept-alive connection."""
    tls_server.expect_request("/feed.xml").respond_with_data(
        "<rss>ok</rss>", content_type="application/rss+xml"
    )
    url = tls_server.url_for("/feed.xml")
    assert url.startswith("https://127.0.0.1:")
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    result = await fetch(url)
    assert result.body is None
    assert result.error is not None and result.error.startswith("TLS certificate not valid")
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "cert.pem"))
    async with Fetcher() as fetcher:
        first = await fetcher.fetch(url)
        second = await fetcher.fetch(url)
    assert (first.status, first.body, first.error) == (200, b"<rss>ok</rss>", None)
    assert (second.status, second.body, second.error) == (200, b"<rss>ok</rss>", None)
