"""A Fever API client: FreshRSS (/api/fever.php), Miniflux (/fever/), Tiny Tiny RSS (plugin),
yarr, coldsweat.

The api_key (md5 of "username:password") goes in the POST body with every request; the
selectors go in the query string (coldsweat reads them only there, and marks only from the
body). Items come 50 per request, marks one item per request: they are pipelined within the
client's concurrency limit.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Iterable
from typing import Any

from newsreader.sync.http import Http, SyncError
from newsreader.sync.remote import RemoteFeed, RemoteItem, opt_text, text, to_int64
from newsreader.sync.state import Mark

PAGE = 50
HINT = "check sync.url (FreshRSS: https://HOST/api/fever.php, Miniflux: https://HOST/fever/)"


class FeverClient:
    name = "Fever API"

    def __init__(self, http: Http, username: str, password: str) -> None:
        self.http = http
        self._username = username
        self._key = hashlib.md5(f"{username}:{password}".encode()).hexdigest()
        self._seen: dict[int, RemoteItem] = {}

    async def _call(self, selectors: str, body: dict[str, str] | None = None) -> dict[str, Any]:
        # The path keeps sync.url as given ("/fever/", "/api/fever.php"); "?api" starts the query.
        r = await self.http.request(
            "POST",
            "?api" + (f"&{selectors}" if selectors else ""),
            data={"api_key": self._key, **(body or {})},
        )
        if r.status_code in (401, 403):
            raise self._refused()
        if r.status_code != 200:
            raise SyncError(f"{self.http.host}: no Fever API here (HTTP {r.status_code}); {HINT}")
        try:
            doc = r.json()
        except (ValueError, RecursionError):  # not JSON, or nested to blow the stack
            doc = None
        if not isinstance(doc, dict) or "api_version" not in doc:
            raise SyncError(f"{self.http.host} does not answer as a Fever API; {HINT}")
        if not doc.get("auth"):
            raise self._refused()
        return doc

    def _refused(self) -> SyncError:
        return SyncError(
            f"{self.http.host} refused the Fever login for user {self._username!r}; "
            "check sync.username and the password (FreshRSS: the API password)",
            "auth",
        )

    async def login(self) -> None:
        """Nothing to do: every request carries the key, and the first answer says whether it
        was accepted (auth: 0) before anything is written. Saves a request per sync."""

    async def feeds(self) -> list[RemoteFeed]:
        groups_doc, feeds_doc = await asyncio.gather(self._call("groups"), self._call("feeds"))
        names = {
            str(g.get("id")): g.get("title")
            for g in groups_doc.get("groups") or []
            if isinstance(g, dict) and isinstance(g.get("title"), str)
        }
        folders: dict[str, list[str]] = {}
        for link in feeds_doc.get("feeds_groups") or groups_doc.get("feeds_groups") or []:
            if not isinstance(link, dict):
                continue
            name = names.get(str(link.get("group_id")))
            for fid in str(link.get("feed_ids") or "").split(","):
                if name and fid.strip():
                    folders.setdefault(fid.strip(), []).append(name)
        if not isinstance(feeds_doc.get("feeds"), list):
            # Never read as "no feeds": that would unsubscribe every feed here.
            raise SyncError(f"{self.http.host}: no feed list in the Fever answer; {HINT}")
        out = []
        for f in feeds_doc["feeds"]:
            if not isinstance(f, dict) or not isinstance(f.get("url"), str) or "id" not in f:
                continue
            fid = str(f["id"])
            out.append(
                RemoteFeed(
                    remote_id=fid,
                    url=f["url"],
                    title=text(f.get("title")),
                    site_url=opt_text(f.get("site_url")),
                    folders=folders.get(fid, []),
                )
            )
        return out

    @staticmethod
    def _id_list(value: object) -> set[int]:
        return {to_int64(int(v)) for v in re.findall(r"\d{1,20}", str(value or ""))}

    async def unread_ids(self) -> set[int]:
        return self._id_list((await self._call("unread_item_ids")).get("unread_item_ids"))

    async def starred_ids(self) -> set[int]:
        return self._id_list((await self._call("saved_item_ids")).get("saved_item_ids"))

    async def recent_ids(self, since_id: int | None) -> set[int]:
        """Items above the highest id seen so far, 50 a page (kept for items())."""
        if since_id is None:
            return set()  # first sync: unread and starred items only, not the whole history
        found: set[int] = set()
        for _ in range(10_000):
            page = [
                i
                for i in (
                    _item(raw)
                    for raw in (await self._call(f"items&since_id={since_id}")).get("items") or []
                    if isinstance(raw, dict)
                )
                if i is not None
            ]
            for item in page:
                self._seen[item.remote_id] = item
                found.add(item.remote_id)
            if len(page) < PAGE:
                break
            next_id = max(i.remote_id for i in page)
            if next_id <= since_id:
                break
            since_id = next_id
        return found

    async def items(self, ids: Iterable[int]) -> list[RemoteItem]:
        wanted = sorted(set(ids))
        have = [self._seen[i] for i in wanted if i in self._seen]
        rest = [i for i in wanted if i not in self._seen]
        pages = [rest[i : i + PAGE] for i in range(0, len(rest), PAGE)]

        async def one(page: list[int]) -> list[RemoteItem]:
            doc = await self._call("items&with_ids=" + ",".join(map(str, page)))
            items = [_item(raw) for raw in doc.get("items") or [] if isinstance(raw, dict)]
            return [i for i in items if i is not None]

        fetched = await asyncio.gather(*(one(p) for p in pages))
        return have + [item for page in fetched for item in page]

    async def push(self, marks: list[Mark]) -> list[Mark]:
        async def one(m: Mark) -> Mark:
            state = {
                ("read", True): "read",
                ("read", False): "unread",
                ("starred", True): "saved",
                ("starred", False): "unsaved",
            }[(m.field, m.value)]
            try:
                await self._call("", {"mark": "item", "as": state, "id": str(m.remote_id)})
            except SyncError as exc:
                if "HTTP 404" not in str(exc):  # the server no longer has it: nothing to do
                    raise
            return m

        return list(await asyncio.gather(*(one(m) for m in marks)))

    async def subscribe(self, url: str) -> None:
        raise SyncError(
            f"the Fever API cannot subscribe; add {url} on {self.http.host} itself, "
            "or add it here with --local",
            "config",
        )

    async def unsubscribe(self, remote_id: str) -> None:
        raise SyncError(
            f"the Fever API cannot unsubscribe; remove the feed on {self.http.host} itself",
            "config",
        )


def _item(raw: dict[str, Any]) -> RemoteItem | None:
    try:
        rid = to_int64(int(raw.get("id")))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if isinstance(raw.get("id"), bool) or "feed_id" not in raw:
        return None
    created = raw.get("created_on_time")
    return RemoteItem(
        remote_id=rid,
        feed_id=str(raw["feed_id"]),
        title=text(raw.get("title")),
        link=opt_text(raw.get("url")),
        author=opt_text(raw.get("author")),
        html=opt_text(raw.get("html")),
        published=float(created)
        if isinstance(created, int | float) and not isinstance(created, bool)
        else None,
    )
