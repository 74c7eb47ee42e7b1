"""What a sync client hands back: the server's feeds and items, still untrusted."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class RemoteFeed:
    remote_id: str  # the server's id for the subscription ("feed/12", "12")
    url: str  # the feed's own URL
    title: str = ""
    site_url: str | None = None
    folders: list[str] = field(default_factory=list)  # become tags


@dataclass(slots=True)
class RemoteItem:
    remote_id: int
    feed_id: str  # RemoteFeed.remote_id
    title: str = ""
    link: str | None = None
    author: str | None = None
    html: str | None = None
    published: float | None = None  # epoch seconds
    updated: float | None = None
    enclosures: list[tuple[str, str | None]] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def to_int64(value: int) -> int:
    """Ids as SQLite integers: 64-bit unsigned ids (a hex form may set the top bit) wrap."""
    value &= 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= 1 << 63 else value


def text(value: object) -> str:
    """A string field of a server's JSON, or "" when it is anything else."""
    return value if isinstance(value, str) else ""


def opt_text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
