"""Safe file names for downloads: the name comes from a feed, so it is untrusted.

A name never holds a path separator or a control character, never starts with a dot or a
dash, is capped in length (in UTF-8 bytes, what file systems count), and never names a file
that already exists.
"""

from __future__ import annotations

import mimetypes
import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newsreader.sanitize import clean_line

MAX_NAME_BYTES = 180  # well under the usual 255, leaving room for " (99)" and ".part"
PART_SUFFIX = ".part"

# Controls (C0, DEL, C1), bidi overrides, separators, and characters Windows file systems
# refuse (a download folder may be a mounted FAT/NTFS disk).
_BAD = re.compile('[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff/\\\\:*?"<>|]')
_SPACES = re.compile(r"\s+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10))}
_RESERVED |= {f"lpt{i}" for i in range(10)}
_EXT = re.compile(r"\.[A-Za-z0-9]{1,8}$")
# Types whose usual extension mimetypes does not know or guesses oddly.
_TYPE_EXT = {
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/x-m4a": ".m4a",
    "audio/mp4": ".m4a",
    "audio/aac": ".aac",
    "audio/ogg": ".ogg",
    "audio/opus": ".opus",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/quicktime": ".mov",
    "image/jpeg": ".jpg",
}


def clean_name(text: str, limit: int = MAX_NAME_BYTES) -> str:
    """One path component from untrusted text, or "" when nothing usable is left."""
    text = unicodedata.normalize("NFC", clean_line(text, 4000))  # escape sequences go whole
    text = _BAD.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    # No hidden files, no "..", no name a command would take for an option, no trailing
    # dots (Windows file systems drop them).
    text = text.lstrip(".- ").rstrip(". ")
    stem, dot, ext = text.rpartition(".")
    if dot and stem and _EXT.match("." + ext):
        ext = "." + ext
    else:
        stem, ext = text, ""
    if stem.lower() in _RESERVED:
        stem = "_" + stem
    stem = _cap_bytes(stem, limit - len(ext.encode()))
    return (stem + ext) if stem else ""


def _cap_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: max(limit, 0)].decode("utf-8", "ignore").rstrip(" .")


def download_name(url: str, title: str | None = None, mime: str | None = None) -> str:
    """The file name for a download: the URL's last path segment when it looks like a file
    name, else the title; the extension from the URL or the type. Never empty."""
    try:
        path = urlsplit(url).path
    except ValueError:
        path = ""
    segment = clean_name(unquote(path.rstrip("/").rsplit("/", 1)[-1]))
    ext_match = _EXT.search(segment)
    ext = ext_match.group(0).lower() if ext_match else _ext_for(mime)
    if segment and ext_match and len(segment) > len(ext_match.group(0)) and not _opaque(segment):
        return segment
    base = clean_name(title or "") or (segment[: -len(ext)] if ext_match else segment)
    base = _cap_bytes(base, MAX_NAME_BYTES - len(ext.encode()))
    return clean_name(base + ext) or "download" + ext


def _opaque(name: str) -> bool:
    """A name like 'media.mp3' or 'stream.mp4' says nothing; a title reads better."""
    return name.rsplit(".", 1)[0].lower() in {
        "media",
        "stream",
        "audio",
        "video",
        "file",
        "download",
    }


def _ext_for(mime: str | None) -> str:
    if not mime:
        return ""
    mime = mime.split(";", 1)[0].strip().lower()
    return _TYPE_EXT.get(mime) or mimetypes.guess_extension(mime, strict=False) or ""


def unique_path(folder: Path, name: str, taken: set[str] | frozenset[str] = frozenset()) -> Path:
    """folder/name, or folder/'name (2).ext'... when that file, its .part, or a name in
    `taken` (reserved by another queued download) exists. Always directly inside folder."""
    name = clean_name(name) or "download"
    stem, ext = (name[: -len(m.group(0))], m.group(0)) if (m := _EXT.search(name)) else (name, "")
    for n in range(1, 10_000):
        candidate = name if n == 1 else f"{_cap_bytes(stem, MAX_NAME_BYTES - 12)} ({n}){ext}"
        path = folder / candidate
        if (
            candidate not in taken
            and not os.path.lexists(path)
            and not os.path.lexists(part_path(path))
        ):
            return path
    raise FileExistsError(f"{folder}: too many files named {name}")


def part_path(path: Path) -> Path:
    """Where a download is written until it is complete."""
    return path.with_name(path.name + PART_SUFFIX)


def inside(folder: Path, path: Path) -> bool:
    """True when path is directly inside folder (a stored path is checked before use)."""
    try:
        return path.parent.resolve() == folder.resolve() and path.name not in ("", ".", "..")
    except OSError:
        return False
