"""HTTP and local-file fetching for feeds: one shared client, bounded in time, size and concurrency.

A feed server is untrusted. Every fetch is capped in wall time (a server trickling bytes is cut
off), in bytes after decompression (a gzip bomb stops at the cap instead of inflating in memory)
and in redirects. Network and HTTP problems never raise: they come back as a one-line
``FetchResult.error``.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import os
import select
import socket
import ssl
import sys
import time
import urllib.request
import zlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

# httpx's package imports its command-line tool, and with it click, rich and pygments when
# they are installed (they are, next to Textual): 0.1-0.3 s and 6 MB per refresh process for
# a tool we never run. A None entry makes that import fail, and httpx then skips it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
import httpcore  # noqa: E402
import httpx  # noqa: E402

from newsreader import USER_AGENT  # noqa: E402

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)
# No br/zstd: we decompress by hand so the output can be bounded, and zlib is what we have.
ACCEPT_ENCODING = "gzip, deflate"
_REDIRECTS = {301, 302, 303, 307, 308}
_PERMANENT = {301, 308}
_STEP = 256 * 1024  # decompressed bytes per zlib call
_MAX_RETRY_AFTER = 7 * 24 * 3600.0  # a garbage header must not silence a feed for years


@dataclass(slots=True)
class FetchResult:
    url: str  # the URL requested
    final_url: str  # after redirects
    status: int | None  # final HTTP status, None on network error; 200/304 for local files
    body: bytes | None = None  # decompressed body (None on 304/error)
    headers: dict[str, str] = field(default_factory=dict)  # final response, lower-case keys
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # 304 (or an unchanged local file)
    permanent_redirect: str | None = None  # new URL when the chain began with 301/308
    gone: bool = False  # 410
    retry_after: float | None = None  # seconds, from Retry-After on 429/503
    error: str | None = None  # one-line reason
    elapsed: float = 0.0
    # True when the server could not be reached or stopped answering (DNS, refused, reset,
    # timeout): the network may be down. False for HTTP errors, bad URLs and local files.
    network_error: bool = False

    @property
    def ok(self) -> bool:
        """True when there is a new body or the resource is unchanged."""
        return self.error is None


class _TooLarge(Exception):
    pass


class _BadEncoding(Exception):
    pass


def _size_text(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000} MB"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1000:
        return f"{n / 1000:g} kB"
    return f"{n} bytes"


class _Body:
    """Collects a response body, decompressing gzip/deflate without ever exceeding the cap.

    ``Response.iter_bytes()`` inflates each network read whole before anyone can check its
    size, so one 64 kB read of a gzip bomb becomes tens of MB. Here every ``decompress`` call is
    told the room left (``max_length``) and the rest of the input waits in ``unconsumed_tail``.
    """

    def __init__(self, encoding: str, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.parts: list[bytes] = []
        self.size = 0
        self.raw_size = 0
        enc = encoding.strip().lower()
        if enc in ("", "identity"):
            self.mode = "identity"
        elif enc in ("gzip", "x-gzip", "deflate"):
            self.mode = enc
        else:
            raise _BadEncoding(f"unsupported Content-Encoding: {encoding.strip()[:40]}")
        self._d: zlib._Decompress | None = None
        self._started = False
        self._pending = b""  # first bytes of a deflate stream, kept until its format is known

    def _add(self, chunk: bytes) -> None:
        if chunk:
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise _TooLarge
            self.parts.append(chunk)

    def feed(self, data: bytes) -> None:
        self.raw_size += len(data)
        if self.raw_size > self.max_bytes:  # an endless body, compressed or not
            raise _TooLarge
        if self.mode == "identity":
            self._add(data)
            return
        if not self._started:
            data = self._pending + data
            if len(data) < 2:
                self._pending = data
                return
            self._pending = b""
            self._started = True
            if self.mode != "deflate" and data[:2] != b"\x1f\x8b":
                # Misconfigured servers label plain XML as gzip; take it as it is.
                self.mode = "identity"
                self._add(data)
                return
            # 47 = auto-detect gzip or zlib header. "deflate" is often sent raw (no zlib
            # header), which the zlib header check rejects on its first bytes.
            wbits = 47
            if self.mode == "deflate" and (data[0] & 0x0F != 8 or (data[0] << 8 | data[1]) % 31):
                wbits = -15
            self._d = zlib.decompressobj(wbits)
        self._inflate(data)

    def _inflate(self, data: bytes) -> None:
        d = self._d
        assert d is not None
        while True:
            # Never 0 (that means "unlimited" to zlib); small steps so no call builds a big
            # output buffer and then copies it.
            limit = min(self.max_bytes - self.size + 1, _STEP)
            try:
                out = d.decompress(data, limit)
            except zlib.error as exc:
                raise _BadEncoding(f"bad {self.mode} data ({exc})") from None
            self._add(out)
            data = d.unconsumed_tail
            if d.eof:
                rest = d.unused_data
                if rest[:2] == b"\x1f\x8b":  # another gzip member follows
                    d = self._d = zlib.decompressobj(47)
                    data = rest
                    continue
                return  # trailing garbage after the stream is ignored, as browsers do
            # A full output buffer may leave output pending inside zlib even with no input.
            if not data and len(out) < limit:
                return

    def finish(self) -> bytes:
        if self._pending:
            self.mode = "identity"
            self._add(self._pending)
        if self._d is not None and not self._d.eof:
            self._add(self._d.flush())
        return b"".join(self.parts)


def retry_after(value: str | None, cap: float = _MAX_RETRY_AFTER) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date, at most `cap`."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), cap)


def _exc_chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen and len(seen) < 10:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    return seen


def describe_error(exc: BaseException, host: str = "", fetcher: Fetcher | None = None) -> str:
    """One line for the user from an exception raised while fetching."""
    if isinstance(exc, httpx.ConnectTimeout):
        t = fetcher.connect_timeout if fetcher else None
        return f"connection timed out after {t:g} s" if t else "connection timed out"
    if isinstance(exc, httpx.ReadTimeout):
        t = fetcher.read_timeout if fetcher else None
        return f"no data for {t:g} s (read timed out)" if t else "read timed out"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"invalid URL ({_first_line(exc)})"
    for e in _exc_chain(exc):
        if isinstance(e, socket.gaierror):
            return f"DNS lookup failed for {host}" if host else "DNS lookup failed"
        if isinstance(e, ssl.SSLCertVerificationError):
            return (
                f"TLS certificate not valid: {getattr(e, 'verify_message', '') or _first_line(e)}"
            )
        if isinstance(e, ssl.SSLError):
            return f"TLS error: {getattr(e, 'reason', None) or _first_line(e)}"
        if isinstance(e, ConnectionRefusedError):
            return "connection refused"
        if isinstance(e, ConnectionResetError):
            return "connection reset by the server"
    text = _first_line(exc)
    lowered = text.lower()
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return f"DNS lookup failed for {host}" if host else "DNS lookup failed"
    if "temporary failure in name resolution" in lowered or "getaddrinfo failed" in lowered:
        return f"DNS lookup failed for {host}" if host else "DNS lookup failed"
    if "connection refused" in lowered or "errno 111" in lowered:
        return "connection refused"
    if isinstance(exc, httpx.RemoteProtocolError):
        if "without sending" in lowered or "peer closed" in lowered:
            return "server closed the connection"
        return f"bad HTTP response ({text})"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return f"connection error ({text})" if text else "connection error"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({text})" if text else "cannot connect"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else ""


def _url_problem(url: str) -> str | None:
    """Why an http(s) URL cannot be requested, or None."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises for a port out of range
        host = parts.hostname
    except ValueError as exc:
        return f"invalid URL ({exc})"
    return None if host else "invalid URL (no host)"


def _is_http(url: str) -> bool:
    return url[:7].lower() == "http://" or url[:8].lower() == "https://"


def local_path(url: str) -> Path | None:
    """The path a file:// URL or a plain path names, or None for other URLs."""
    if url[:7].lower() == "file://":
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        return Path(url2pathname(unquote(parts.path)))
    if "://" in url or url[:7].lower() == "mailto:":
        return None
    return Path(os.path.expanduser(url))


def file_stamps(st: os.stat_result) -> tuple[str, str]:
    """(etag, last_modified) for a local file: the etag is exact, the date is for people."""
    etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
    return etag, email.utils.formatdate(st.st_mtime, usegmt=True)


class _Tracked(httpx.AsyncByteStream):
    """A response body that tells its host's pool when it is closed (the pool is busy till then)."""

    def __init__(self, stream: httpx.AsyncByteStream, pool: _HostPool) -> None:
        self._stream = stream
        self._pool = pool
        self._open = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._open:
                self._open = False
                self._pool.busy -= 1


class _Stream(httpcore.AsyncNetworkStream):
    """A connection as httpcore wants it, on asyncio's own streams. httpcore's default goes
    through anyio (a cancel scope and a task group per connect, one scope per read and
    write): a third of the fetching's CPU at 64 requests in flight."""

    __slots__ = ("_reader", "_writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as exc:
            raise httpcore.ReadTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc)) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()
        except TimeoutError as exc:
            raise httpcore.WriteTimeout(str(exc)) from exc
        except (OSError, RuntimeError) as exc:  # RuntimeError: written after close
            raise httpcore.WriteError(str(exc)) from exc

    async def aclose(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError, ssl.SSLError, asyncio.CancelledError):
            await self._writer.wait_closed()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as exc:
            await self.aclose()
            raise httpcore.ConnectTimeout(str(exc)) from exc
        except (OSError, ssl.SSLError) as exc:
            await self.aclose()
            raise httpcore.ConnectError(str(exc)) from exc
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._writer.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        if info == "socket":
            return self._writer.get_extra_info("socket")
        if info == "is_readable":  # an idle kept-alive connection the server has closed
            if self._reader.at_eof() or self._writer.transport.is_closing():
                return True
            sock = self._writer.get_extra_info("socket")
            try:
                return bool(sock is not None and select.select([sock], [], [], 0)[0])
            except (OSError, ValueError):
                return True
        return None


class _Backend(httpcore.AsyncNetworkBackend):
    """httpcore's network on plain asyncio (see _Stream)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                    happy_eyeballs_delay=0.25,  # as anyio does
                    limit=_STEP,
                )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        sock = writer.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return _Stream(reader, writer)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class _HostPool:
    __slots__ = ("busy", "transport")

    def __init__(self, transport: httpx.AsyncHTTPTransport) -> None:
        self.transport = transport
        self.busy = 0  # responses not yet closed


class _PerHostTransport(httpx.AsyncBaseTransport):
    """One small connection pool per host instead of one big one.

    httpcore's pool scans all its connections (nested, and with a socket check per idle one)
    each time a request starts or ends: with 64 hosts in flight that scan was most of a
    500-feed refresh's CPU, and it grows with the square of the connections. Here each pool
    holds one host's few connections; at most `keep_hosts` pools stay open, the least
    recently used idle one is closed first, so open sockets stay bounded too.
    """

    def __init__(self, *, per_host: int, keep_hosts: int) -> None:
        self._ssl = httpx.create_ssl_context()  # one CA bundle load, shared by every pool
        self._limits = httpx.Limits(max_connections=None, max_keepalive_connections=per_host)
        self._keep = max(1, keep_hosts)
        self._pools: OrderedDict[tuple[bytes, bytes, int | None], _HostPool] = OrderedDict()
        self._backend = _Backend()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            await self._trim()
            transport = httpx.AsyncHTTPTransport(verify=self._ssl, limits=self._limits)
            # httpx takes no network backend; its pool does (see _Backend).
            if isinstance(getattr(transport, "_pool", None), httpcore.AsyncConnectionPool):
                transport._pool._network_backend = self._backend
            pool = self._pools[key] = _HostPool(transport)
        else:
            self._pools.move_to_end(key)
        pool.busy += 1
        try:
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            pool.busy -= 1
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Tracked(response.stream, pool)
        return response

    async def _trim(self) -> None:
        while len(self._pools) >= self._keep:
            idle = next((k for k, p in self._pools.items() if p.busy == 0), None)
            if idle is None:
                return  # every pool is busy: the global limit bounds them anyway
            await self._pools.pop(idle).transport.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.transport.aclose()


def _env_proxies() -> bool:
    """True when the environment names an HTTP(S) proxy (httpx then routes through it)."""
    return any(k in ("http", "https", "all") for k in urllib.request.getproxies())


class Fetcher:
    """Fetches feeds with one shared ``httpx.AsyncClient``. Use as ``async with Fetcher() as f``."""

    def __init__(
        self,
        *,
        concurrency: int = 64,
        per_host: int = 2,
        connect_timeout: float = 10,
        read_timeout: float = 20,
        deadline: float = 30,
        max_bytes: int = 10_000_000,
        max_redirects: int = 5,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.per_host = max(1, per_host)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        self._global = asyncio.Semaphore(self.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        # With a proxy in the environment, httpx's own transport (it routes through it).
        transport = (
            None
            if _env_proxies()
            else _PerHostTransport(per_host=self.per_host, keep_hosts=self.concurrency)
        )
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(
                connect=self.connect_timeout,
                read=self.read_timeout,
                write=self.read_timeout,
                pool=self.deadline,
            ),
            # Our semaphores bound what is in flight; the pool only has to keep idle
            # connections for reuse without making a new host wait for one to be evicted.
            limits=httpx.Limits(
                max_connections=None,
                max_keepalive_connections=self.concurrency,
            ),
            headers={
                "User-Agent": self.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _host_semaphore(self, url: str) -> asyncio.Semaphore:
        key = urlsplit(url).netloc.lower()
        sem = self._hosts.get(key)
        if sem is None:
            sem = self._hosts[key] = asyncio.Semaphore(self.per_host)
        return sem

    async def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch url (http(s), file:// or a local path). Never raises for network/HTTP trouble."""
        started = time.monotonic()
        url = url.strip()
        if _is_http(url):
            result = await self._fetch_http(url, etag, last_modified)
        else:
            path = local_path(url)
            if path is None:
                scheme = url.split(":", 1)[0][:20]
                result = FetchResult(url, url, None, error=f"unsupported URL scheme: {scheme}")
            else:
                result = await asyncio.to_thread(self._read_file, url, path, etag, last_modified)
        result.elapsed = time.monotonic() - started
        return result

    # -- local files ------------------------------------------------------------------------

    def _read_file(
        self, url: str, path: Path, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        def fail(reason: str) -> FetchResult:
            return FetchResult(url, url, None, error=f"{reason}: {path}")

        try:
            st = path.stat()
            if path.is_dir():
                return fail("is a directory")
            tag, stamp = file_stamps(st)
            headers = {"etag": tag, "last-modified": stamp}
            # The etag is exact (ns mtime and size); the date alone only when no etag is known.
            unchanged = etag == tag if etag else last_modified == stamp
            if unchanged:
                return FetchResult(
                    url, url, 304, headers=headers, etag=tag, last_modified=stamp, not_modified=True
                )
            if st.st_size > self.max_bytes:
                return fail(f"file larger than {_size_text(self.max_bytes)}")
            with path.open("rb") as fh:
                body = fh.read(self.max_bytes + 1)
            if len(body) > self.max_bytes:
                return fail(f"file larger than {_size_text(self.max_bytes)}")
        except FileNotFoundError:
            return fail("no such file")
        except PermissionError:
            return fail("permission denied")
        except OSError as exc:
            return fail(exc.strerror or type(exc).__name__)
        return FetchResult(url, url, 200, body=body, headers=headers, etag=tag, last_modified=stamp)

    # -- HTTP -------------------------------------------------------------------------------

    async def _fetch_http(
        self, url: str, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        if self._client is None:
            raise RuntimeError("Fetcher used outside 'async with'")
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        permanent: str | None = None
        still_permanent = True
        deadline_at: float | None = None
        loop = asyncio.get_running_loop()
        hops = 0
        while True:
            problem = _url_problem(current)
            if problem:
                return FetchResult(url, current, None, error=problem)
            host = urlsplit(current).hostname or ""
            # Per-host slot first, then a global one, so a crowd waiting on one slow host does
            # not hold global slots that other hosts could use.
            async with self._host_semaphore(current), self._global:
                if deadline_at is None:  # queueing time does not count against the deadline
                    deadline_at = loop.time() + self.deadline
                try:
                    async with asyncio.timeout_at(deadline_at):
                        outcome = await self._one_request(current, headers)
                except TimeoutError:
                    return FetchResult(
                        url,
                        current,
                        None,
                        error=f"timed out after {self.deadline:g} s",
                        network_error=True,
                    )
                except Exception as exc:  # never a traceback for a network problem
                    return FetchResult(
                        url,
                        current,
                        None,
                        error=describe_error(exc, host, self),
                        network_error=isinstance(exc, httpx.TransportError | OSError)
                        and not isinstance(exc, httpx.UnsupportedProtocol),
                    )
            if isinstance(outcome, FetchResult):
                outcome.url = url
                if permanent and outcome.error is None:
                    outcome.permanent_redirect = permanent
                if outcome.not_modified:
                    # Servers may omit validators on 304: echo ours so callers can store them.
                    outcome.etag = outcome.etag or etag
                    outcome.last_modified = outcome.last_modified or last_modified
                return outcome
            status, location = outcome
            hops += 1
            if hops > self.max_redirects:
                return FetchResult(url, current, status, error="too many redirects")
            try:
                target = urljoin(current, location.strip())
            except ValueError as exc:
                return FetchResult(url, current, status, error=f"invalid URL ({exc})")
            if not _is_http(target):
                scheme = target.split(":", 1)[0][:20]
                return FetchResult(
                    url, current, status, error=f"redirect to unsupported URL scheme: {scheme}"
                )
            if still_permanent and status in _PERMANENT:
                permanent = target
            else:
                still_permanent = False
            current = target

    async def _one_request(
        self, url: str, headers: dict[str, str]
    ) -> FetchResult | tuple[int, str]:
        """One HTTP exchange: a finished result, or (status, Location) for a redirect."""
        assert self._client is not None
        async with self._client.stream("GET", url, headers=headers) as resp:
            status = resp.status_code
            hdrs = {k.lower(): v for k, v in resp.headers.items()}
            if status in _REDIRECTS:
                location = resp.headers.get("location")
                if location:
                    return status, location
                return FetchResult(
                    url, url, status, headers=hdrs, error=f"HTTP {status} without Location"
                )
            result = FetchResult(
                url,
                url,
                status,
                headers=hdrs,
                etag=hdrs.get("etag"),
                last_modified=hdrs.get("last-modified"),
            )
            if status == 304:
                result.not_modified = True
                return result
            if status >= 400 or status < 200:
                reason = resp.reason_phrase or ""
                error = f"HTTP {status} {reason}".rstrip()
                if status == 410:
                    result.gone = True
                if status in (429, 503):
                    result.retry_after = retry_after(hdrs.get("retry-after"))
                    if result.retry_after is not None:
                        error += f" (retry after {result.retry_after:.0f} s)"
                result.error = error
                return result
            too_large = f"response larger than {_size_text(self.max_bytes)}"
            length = hdrs.get("content-length", "")
            if length.isdigit() and int(length) > self.max_bytes and "content-encoding" not in hdrs:
                result.error = too_large
                return result
            try:
                body = _Body(hdrs.get("content-encoding", ""), self.max_bytes)
                async for chunk in resp.aiter_raw():
                    body.feed(chunk)
                result.body = body.finish()
            except _TooLarge:
                result.error = too_large
            except _BadEncoding as exc:
                result.error = str(exc)
            return result
