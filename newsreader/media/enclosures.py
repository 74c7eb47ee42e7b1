"""An article's enclosures as the reader shows them: numbered lines with kind, type, size and
duration. Stored enclosures are dicts (url, type, length, and whatever optional fields the
parser adds: duration, title, thumbnail, medium); everything in them is untrusted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from newsreader.sanitize import clean_line, safe_url

_AUDIO_EXT = {"mp3", "m4a", "aac", "ogg", "oga", "opus", "flac", "wav", "m4b"}
_VIDEO_EXT = {"mp4", "m4v", "webm", "mkv", "mov", "avi", "ogv"}
_IMAGE_EXT = {"jpg", "jpeg", "png", "gif", "webp", "avif"}
_MEDIUMS = {"audio", "video", "image"}


@dataclass(frozen=True, slots=True)
class EnclosureInfo:
    index: int  # 1-based, as shown and as `e 2` / `download --index 2` take it
    url: str | None  # an http(s) link, or None when the feed gave something else
    raw_url: str  # what the feed gave, cleaned for display
    mime: str | None
    length: int | None  # bytes, as the feed claims
    kind: str  # audio | video | image | file
    duration: float | None = None  # seconds
    title: str | None = None
    thumbnail: str | None = None  # an http(s) picture link

    def line(self) -> str:
        """'1 audio · audio/mpeg · 27.0 MB · 42:10 · Episode 12' (no markup, no controls)."""
        parts = [self.kind]
        if self.mime:
            parts.append(self.mime)
        if self.length:
            parts.append(format_size(self.length))
        if self.duration:
            parts.append(format_duration(self.duration))
        if self.title:
            parts.append(self.title)
        if self.url is None:
            parts.append("(not an http(s) link)")
        return f"{self.index} " + " · ".join(parts)


def enclosure_list(enclosures: list[dict[str, Any]] | None) -> list[EnclosureInfo]:
    """Stored enclosure dicts (Article.enclosures) as display rows; junk entries skipped."""
    out: list[EnclosureInfo] = []
    for item in enclosures or []:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        raw = clean_line(item["url"], 2000)
        if not raw:
            continue
        mime = clean_line(item.get("type") if isinstance(item.get("type"), str) else "", 100)
        length = item.get("length")
        length = length if isinstance(length, int) and length > 0 else None
        title = item.get("title")
        thumb = item.get("thumbnail")
        out.append(
            EnclosureInfo(
                index=len(out) + 1,
                url=safe_url(raw),
                raw_url=raw,
                mime=mime.lower() or None,
                length=length,
                kind=kind_of(mime, raw, item.get("medium")),
                duration=parse_duration(item.get("duration")),
                title=clean_line(title, 200) or None if isinstance(title, str) else None,
                thumbnail=safe_url(thumb) if isinstance(thumb, str) else None,
            )
        )
    return out


def kind_of(mime: str | None, url: str = "", medium: Any = None) -> str:
    """audio | video | image | file, from the MIME type, else the medium, else the extension."""
    major = (mime or "").split("/", 1)[0].strip().lower()
    if major in _MEDIUMS:
        return major
    if isinstance(medium, str) and medium.lower() in _MEDIUMS:
        return medium.lower()
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        path = ""
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    if ext in _AUDIO_EXT:
        return "audio"
    if ext in _VIDEO_EXT:
        return "video"
    if ext in _IMAGE_EXT:
        return "image"
    return "file"


_HMS = re.compile(r"^\s*(?:(\d{1,4}):)?(\d{1,4}):(\d{1,2}(?:\.\d+)?)\s*$")


def parse_duration(value: Any) -> float | None:
    """Seconds from itunes:duration-style values: 3725, "3725", "62:05", "1:02:05"."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        m = _HMS.match(text)
        if m:
            seconds = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
        else:
            try:
                seconds = float(text)
            except ValueError:
                return None
    else:
        return None
    if not (0 < seconds < 1e7):  # NaN, negative, or longer than 100 days: not a duration
        return None
    return seconds


def format_duration(seconds: float) -> str:
    """'42:10', '1:02:05'."""
    total = int(round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def format_size(n: int | float) -> str:
    """Bytes for people, decimal as download tools show them: '812 B', '27.0 MB'."""
    if n < 1000:
        return f"{int(n)} B"
    for unit in ("kB", "MB", "GB", "TB"):
        n /= 1000
        if n < 1000 or unit == "TB":
            return f"{n:.1f} {unit}"
    return f"{n:.1f} TB"
