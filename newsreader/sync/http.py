"""One httpx client for a sync: bounded concurrency, timeouts, Retry-After, one-line errors.

Secrets travel in headers and POST bodies only, never in a URL, so no error line (they quote
the server's host and path at most) can carry one.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from newsreader import USER_AGENT
from newsreader.fetch import describe_error, retry_after
from newsreader.model import NewsreaderError

RETRY_WAIT_LIMIT = 30.0  # wait this long for a busy server within one sync; longer: next sync
RETRIES = 2


class SyncError(NewsreaderError):
    """A sync failed; the message is one line naming the server and what to check.

    kind: "auth" (login refused), "api" (not that API / bad answer), "offline" (cannot
    connect), "timeout", "busy" (429/503; retry_after says for how long), "config"."""

    def __init__(self, message: str, kind: str = "api", retry_after: float | None = None):
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after


MAX_BODY = 64 * 1024 * 1024  # a 250-item batch of long articles is a few MB


@dataclass(slots=True)
class Answer:
    """A whole response, read within MAX_BODY."""

    status_code: int
    headers: httpx.Headers
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


class Http:
    """Requests to one server, at most `concurrency` at a time, counted for the report."""

    def __init__(self, base_url: str, *, timeout: float = 30.0, concurrency: int = 4) -> None:
        self.base_url = base_url  # paths are appended as given
        self.host = urlsplit(base_url).netloc or base_url
        self.timeout = timeout
        self.requests = 0
        self._limit = asyncio.Semaphore(max(1, concurrency))
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"},
            follow_redirects=True,
            limits=httpx.Limits(max_connections=max(1, concurrency)),
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """One request (path is appended to the base URL); 429/503 with a short Retry-After
        are waited out and retried, anything else that is not a response raises SyncError."""
        url = self.base_url + path
        attempt = 0
        while True:
            async with self._limit:
                self.requests += 1
                try:
                    response = await self._send(method, url, params, data, headers)
                except httpx.TimeoutException:
                    raise SyncError(
                        f"{self.host} did not answer within {self.timeout:g} s; "
                        "check sync.url or try later",
                        "timeout",
                    ) from None
                except (httpx.TransportError, httpx.InvalidURL) as exc:
                    reason = describe_error(exc, urlsplit(url).hostname or "")
                    raise SyncError(
                        f"cannot reach {self.host}: {reason}; check sync.url and the network",
                        "offline",
                    ) from None
                except httpx.TooManyRedirects:
                    raise SyncError(f"{self.host}: a redirect loop; check sync.url") from None
                except httpx.RequestError as exc:  # e.g. a body that is not the gzip it says
                    raise SyncError(f"{self.host}: a bad answer ({describe_error(exc)})") from None
            if response.status_code in (429, 503):
                wait = retry_after(response.headers.get("Retry-After"), cap=24 * 3600.0)
                if attempt < RETRIES and wait is not None and wait <= RETRY_WAIT_LIMIT:
                    attempt += 1
                    await asyncio.sleep(wait)
                    continue
                raise SyncError(
                    f"{self.host} is busy (HTTP {response.status_code})"
                    + (f"; it asks to retry after {wait:.0f} s" if wait else "; try later"),
                    "busy",
                    retry_after=wait,
                )
            return response

    async def _send(
        self, method: str, url: str, params: Any, data: Any, headers: dict[str, str] | None
    ) -> Answer:
        request = self._client.build_request(method, url, params=params, data=data, headers=headers)
        response = await self._client.send(request, stream=True)
        try:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_BODY:
                    raise SyncError(
                        f"{self.host}: an answer larger than {MAX_BODY >> 20} MB; check sync.url",
                    )
        finally:
            await response.aclose()
        return Answer(response.status_code, response.headers, bytes(body))
