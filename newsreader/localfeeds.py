"""A folder of feed files (RSS, Atom, JSON Feed) subscribed as one feed, so a reader can
follow what another tool downloads. Each refresh re-reads only the files whose size or
modification time changed; the per-file stamps are kept in the feed's etag column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsreader.model import FeedError, ParsedArticle, ParsedFeed

FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf", ".json", ".feed"})
MAX_FILES = 2000
MAX_FILE_BYTES = 10_000_000


@dataclass(slots=True)
class FolderRead:
    parsed: ParsedFeed | None  # None when nothing changed
    etag: str  # stamps of every file seen, for the next refresh
    errors: list[str] = field(default_factory=list)  # one line per file that failed


def feed_files(folder: Path) -> list[Path]:
    files = [
        p
        for p in folder.iterdir()
        if p.suffix.lower() in FEED_SUFFIXES and p.is_file() and not p.name.startswith(".")
    ]
    return sorted(files)[:MAX_FILES]


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_mtime_ns:x}-{st.st_size:x}"


def read_folder(folder: Path, previous_etag: str | None, fetched_at: datetime) -> FolderRead:
    """Parse the changed feed files of a folder into one feed. Raises FeedError if the folder
    cannot be read or holds no feed file at all."""
    from newsreader.parse import parse_feed

    try:
        files = feed_files(folder)
    except OSError as exc:
        raise FeedError(f"cannot read folder {folder}: {exc.strerror or exc}") from None
    if not files:
        raise FeedError(f"no feed files (.xml, .rss, .atom, .rdf, .json) in {folder}")
    try:
        before = json.loads(previous_etag) if previous_etag else {}
    except ValueError:
        before = {}
    if not isinstance(before, dict):
        before = {}
    stamps: dict[str, str] = {}
    articles: list[ParsedArticle] = []
    errors: list[str] = []
    changed = 0
    for path in files:
        try:
            stamp = _stamp(path)
        except OSError:
            continue
        stamps[path.name] = stamp
        if before.get(path.name) == stamp:
            continue
        changed += 1
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise FeedError("file larger than 10 MB")
            parsed = parse_feed(path.read_bytes(), path.as_uri(), None, fetched_at)
        except (FeedError, OSError) as exc:
            errors.append(f"{path.name}: {exc}")
            stamps.pop(path.name)  # try it again next time
            continue
        articles.extend(parsed.articles)
    etag = json.dumps(stamps, sort_keys=True)
    if not changed:
        return FolderRead(None, etag)
    if errors and not articles and len(errors) == changed == len(files):
        raise FeedError(f"no readable feed in {folder} ({errors[0]})")
    feed = ParsedFeed(title=folder.name, site_link=None, articles=articles, format="folder")
    return FolderRead(feed, etag, errors)
