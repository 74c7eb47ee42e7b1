"""A Google Reader API client: FreshRSS (/api/greader.php), Miniflux (its base URL),
Inoreader, The Old Reader, BazQux.

Server quirks handled here: the Authorization header and the T token are both sent on POSTs
(Miniflux checks T on POST, others the header); read state is never asked for with
s=user/-/state/com.google/read (FreshRSS ignores that stream and returns every id): unread is
the reading list minus read (xt); ids come as decimal or as tag:google.com,2005:reader/item/
<16 hex digits>; `n` is capped by servers (Miniflux: 10,000), so every id list follows
`continuation`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Any

from newsreader.sync.http import Answer, Http, SyncError
from newsreader.sync.remote import RemoteFeed, RemoteItem, opt_text, text, to_int64
from newsreader.sync.state import Mark

ITEM_PREFIX = "tag:google.com,2005:reader/item/"
READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
IDS_PAGE = 10_000
CONTENTS_BATCH = 250  # items per stream/items/contents request
EDIT_BATCH = 500  # items per edit-tag request
HINT = "check sync.url (FreshRSS: https://HOST/api/greader.php, Miniflux: https://HOST)"


def parse_item_id(value: object) -> int | None:
    """An item id in either form as a (signed 64-bit) integer; None if it is neither."""
    if isinstance(value, int) and not isinstance(value, bool):
        return to_int64(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.startswith(ITEM_PREFIX):
        tail = value[len(ITEM_PREFIX) :]
        if re.fullmatch(r"[0-9a-fA-F]{1,16}", tail):
            return to_int64(int(tail, 16))
        return None
    if re.fullmatch(r"-?[0-9]{1,20}", value):
        return to_int64(int(value))
    return None


def long_id(remote_id: int) -> str:
    return f"{ITEM_PREFIX}{remote_id & 0xFFFFFFFFFFFFFFFF:016x}"


class GReaderClient:
    """One sync's session with a Google Reader API server."""

    name = "Google Reader API"

    def __init__(self, http: Http, username: str, password: str) -> None:
        self.http = http
        self._username = username
        self._password = password
        self._auth: str | None = None
        self._token: str | None = None
        self._token_lock = asyncio.Lock()

    # -- session --------------------------------------------------------------------------

    async def login(self) -> None:
        r = await self.http.request(
            "POST",
            "/accounts/ClientLogin",
            data={"Email": self._username, "Passwd": self._password},
        )
        if r.status_code in (401, 403):
            raise SyncError(
                f"{self.http.host} refused the login for user {self._username!r}; "
                "check sync.username and the password (FreshRSS: the API password)",
                "auth",
            )
        if r.status_code != 200:
            raise SyncError(
                f"{self.http.host}: no Google Reader login here (HTTP {r.status_code}); {HINT}"
            )
        auth = None
        for line in r.text.splitlines():
            if line.startswith("Auth="):
                auth = line[5:].strip()
        if not auth:
            raise SyncError(
                f"{self.http.host} does not answer as a Google Reader API (no Auth in the "
                f"login answer); {HINT}"
            )
        self._auth = auth

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"GoogleLogin auth={self._auth}"}

    async def _token_value(self) -> str:
        async with self._token_lock:  # batches sent at once share one token request
            if self._token is None:
                r = await self._get("/reader/api/0/token", json=False)
                self._token = r.text.strip()
            return self._token

    async def _get(self, path: str, params: Any = None, *, json: bool = True) -> Answer:
        r = await self.http.request("GET", path, params=params, headers=self._headers())
        return self._check(r, path, json)

    async def _post(self, path: str, data: dict[str, Any], *, json: bool = True) -> Answer:
        data = {**data, "T": await self._token_value()}
        r = await self.http.request("POST", path, data=data, headers=self._headers())
        if r.status_code == 401 and r.headers.get("X-Reader-Google-Bad-Token"):
            self._token = None  # tokens expire (FreshRSS: 30 min); one fresh try
            data["T"] = await self._token_value()
            r = await self.http.request("POST", path, data=data, headers=self._headers())
        return self._check(r, path, json)

    def _check(self, r: Answer, path: str, json: bool) -> Answer:
        if r.status_code in (401, 403):
            raise SyncError(
                f"{self.http.host} refused {path} (HTTP {r.status_code}); "
                "check sync.username and the password",
                "auth",
            )
        if r.status_code != 200:
            raise SyncError(f"{self.http.host}{path}: HTTP {r.status_code}; {HINT}")
        if (
            json
            and "json" not in r.headers.get("Content-Type", "")
            and not r.text.lstrip().startswith("{")
        ):
            raise SyncError(f"{self.http.host}{path}: the answer is not JSON; {HINT}")
        return r

    def _json(self, r: Answer, path: str) -> dict[str, Any]:
        try:
            doc = r.json()
        except (ValueError, RecursionError):  # not JSON, or nested to blow the stack
            doc = None
        if not isinstance(doc, dict):
            raise SyncError(f"{self.http.host}{path}: the answer is not a JSON object; {HINT}")
        return doc

    # -- reading ----------------------------------------------------------------------------

    async def feeds(self) -> list[RemoteFeed]:
        path = "/reader/api/0/subscription/list"
        doc = self._json(await self._get(path, {"output": "json"}), path)
        if not isinstance(doc.get("subscriptions"), list):
            # Never read as "no subscriptions": that would unsubscribe every feed here.
            raise SyncError(f"{self.http.host}{path}: no subscription list in the answer; {HINT}")
        out = []
        for sub in doc["subscriptions"]:
            if not isinstance(sub, dict) or not isinstance(sub.get("id"), str):
                continue
            url = sub.get("url")
            if not isinstance(url, str) or not url:
                feed_id = sub["id"]
                url = feed_id[5:] if feed_id.startswith("feed/http") else ""
            if not url:
                continue
            folders = [
                c["label"]
                for c in sub.get("categories") or []
                if isinstance(c, dict) and isinstance(c.get("label"), str) and c["label"]
            ]
            out.append(
                RemoteFeed(
                    remote_id=sub["id"],
                    url=url,
                    title=text(sub.get("title")),
                    site_url=opt_text(sub.get("htmlUrl")),
                    folders=folders,
                )
            )
        return out

    async def _ids(self, params: dict[str, Any]) -> set[int]:
        path = "/reader/api/0/stream/items/ids"
        ids: set[int] = set()
        continuation: str | None = None
        for _ in range(1000):  # 10 million ids; a server looping its continuation stops here
            query = {**params, "output": "json", "n": IDS_PAGE}
            if continuation:
                query["c"] = continuation
            doc = self._json(await self._get(path, query), path)
            for ref in doc.get("itemRefs") or []:
                rid = parse_item_id(ref.get("id")) if isinstance(ref, dict) else None
                if rid is not None:
                    ids.add(rid)
            nxt = doc.get("continuation")
            if not nxt or not isinstance(nxt, str | int) or str(nxt) == continuation:
                break
            continuation = str(nxt)
        return ids

    async def unread_ids(self) -> set[int]:
        return await self._ids({"s": READING_LIST, "xt": READ})

    async def starred_ids(self) -> set[int]:
        return await self._ids({"s": STARRED})

    async def recent_ids(self, since: float | None) -> set[int]:
        """Ids of items the server got since a time (its reading list, read or not)."""
        params: dict[str, Any] = {"s": READING_LIST}
        if since is not None:
            params["ot"] = int(since)
        return await self._ids(params)

    async def items(self, ids: Iterable[int]) -> list[RemoteItem]:
        wanted = sorted(set(ids))
        batches = [wanted[i : i + CONTENTS_BATCH] for i in range(0, len(wanted), CONTENTS_BATCH)]
        results = await asyncio.gather(*(self._contents(b) for b in batches))
        return [item for batch in results for item in batch]

    async def _contents(self, ids: list[int]) -> list[RemoteItem]:
        path = "/reader/api/0/stream/items/contents"
        r = await self._post(path, {"i": [long_id(i) for i in ids], "output": "json"})
        doc = self._json(r, path)
        out = []
        for raw in doc.get("items") or []:
            item = _item(raw) if isinstance(raw, dict) else None
            if item is not None:
                out.append(item)
        return out

    # -- writing ----------------------------------------------------------------------------

    async def push(self, marks: list[Mark]) -> list[Mark]:
        """Send marks in batches, one edit-tag per state and batch; returns those sent."""
        groups: dict[tuple[str, str], list[Mark]] = {}
        for m in marks:
            tag = READ if m.field == "read" else STARRED
            groups.setdefault(("a" if m.value else "r", tag), []).append(m)
        jobs = []
        for (verb, tag), group in groups.items():
            for start in range(0, len(group), EDIT_BATCH):
                jobs.append(self._edit(verb, tag, group[start : start + EDIT_BATCH]))
        done = await asyncio.gather(*jobs)
        return [m for batch in done for m in batch]

    async def _edit(self, verb: str, tag: str, marks: list[Mark]) -> list[Mark]:
        path = "/reader/api/0/edit-tag"
        await self._post(path, {"i": [long_id(m.remote_id) for m in marks], verb: tag}, json=False)
        return marks

    async def subscribe(self, url: str) -> None:
        path = "/reader/api/0/subscription/quickadd"
        await self._post(path, {"quickadd": url}, json=False)

    async def unsubscribe(self, remote_id: str) -> None:
        path = "/reader/api/0/subscription/edit"
        await self._post(path, {"ac": "unsubscribe", "s": remote_id}, json=False)


def _href(value: object) -> str | None:
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, dict) and isinstance(entry.get("href"), str):
                return entry["href"]
    return None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,20}", value.strip()):
        return float(value)
    return None


def _item(raw: dict[str, Any]) -> RemoteItem | None:
    rid = parse_item_id(raw.get("id"))
    origin = raw.get("origin")
    feed_id = origin.get("streamId") if isinstance(origin, dict) else None
    if rid is None or not isinstance(feed_id, str):
        return None
    html = None
    for key in ("content", "summary"):
        body = raw.get(key)
        if isinstance(body, dict) and isinstance(body.get("content"), str) and body["content"]:
            html = body["content"]
            break
    published = _number(raw.get("published"))
    updated = _number(raw.get("updated"))
    if published is None:
        usec = _number(raw.get("timestampUsec"))
        published = usec / 1_000_000 if usec is not None else None
    enclosures = [
        (e["href"] if isinstance(e.get("href"), str) else e.get("url"), e.get("type"))
        for e in raw.get("enclosure") or []
        if isinstance(e, dict)
    ]
    categories = [
        c.rsplit("/label/", 1)[1]
        for c in raw.get("categories") or []
        if isinstance(c, str) and "/label/" in c
    ]
    return RemoteItem(
        remote_id=rid,
        feed_id=feed_id,
        title=text(raw.get("title")),
        link=_href(raw.get("canonical")) or _href(raw.get("alternate")),
        author=opt_text(raw.get("author")),
        html=html,
        published=published,
        updated=updated,
        enclosures=[
            (u, t if isinstance(t, str) else None) for u, t in enclosures if isinstance(u, str)
        ],
        categories=categories,
    )
