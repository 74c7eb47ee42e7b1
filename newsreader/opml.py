"""OPML import and export of subscriptions.

Reading: folder outlines become tags, as newsboat, Miniflux and NetNewsWire export them, and the
OPML 2.0 ``category`` attribute ("/News/World,Tech") adds more. Writing: feeds are grouped into
one folder per first tag; a feed with several tags also carries them all in ``category``, so
reading our own file back gives the same tags in the same order.

An OPML file is untrusted input: DOCTYPE and ENTITY declarations are refused before parsing
(billion laughs, external entities), and expat is told never to load external entities.
"""

from __future__ import annotations

import email.utils
import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from xml.parsers import expat

from newsreader.model import FeedConfig, NewsreaderError
from newsreader.sanitize import clean_line, has_control, safe_url

_FORBIDDEN = (b"<!doctype", b"<!entity")
_CATEGORY_SPLIT = re.compile(r"[,/]")
MAX_TAGS = 20  # per feed; real exports nest folders one to three deep


@dataclass(slots=True)
class OpmlFeed:
    url: str
    title: str | None = None
    tags: list[str] = field(default_factory=list)
    section: str = "news"
    full_text: bool = False


# Our own settings ride on outlines as extra attributes (OPML 2.0 allows any); other readers
# ignore them, and importing our export restores them.
SECTION_ATTR = "newsreaderSection"
FULL_TEXT_ATTR = "newsreaderFullText"
_SECTIONS = ("news", "opinion", "trending")


class _Refused(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _accept_url(url: str) -> str | None:
    """An http(s) or file:// URL fit to subscribe to, else None."""
    url = url.strip()
    if has_control(url) or url != clean_line(url, limit=4000):
        return None  # refuse rather than silently subscribe to an altered URL
    if url[:7].lower() == "file://":
        return url
    return safe_url(url)


def _split_category(value: str) -> list[str]:
    return [part for part in (clean_line(p, 200) for p in _CATEGORY_SPLIT.split(value)) if part]


def _find_declaration(data: bytes) -> int | None:
    """Line of the first DOCTYPE/ENTITY declaration in UTF-8/UTF-16 bytes, else None."""
    lowered = data.lower()  # ASCII-only lowering: fine for UTF-16 too (one byte per letter)
    for needle in _FORBIDDEN:
        text = needle.decode()
        for encoded, newline in (
            (needle, b"\n"),
            (text.encode("utf-16-le"), "\n".encode("utf-16-le")),
            (text.encode("utf-16-be"), "\n".encode("utf-16-be")),
        ):
            pos = lowered.find(encoded)
            if pos >= 0:
                return lowered.count(newline, 0, pos) + 1
    return None


def read_opml(path: Path, skipped: list[str] | None = None) -> list[OpmlFeed]:
    """Subscriptions in an OPML file. Raises NewsreaderError("FILE:LINE: reason")."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NewsreaderError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise NewsreaderError(f"{path}: is a directory, not an OPML file") from None
    except OSError as exc:
        raise NewsreaderError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return parse_opml(data, str(path), skipped)


def parse_opml(
    data: bytes, name: str = "<opml>", skipped: list[str] | None = None
) -> list[OpmlFeed]:
    """Like read_opml, for bytes already in memory; ``name`` is used in error messages.

    ``skipped`` gets a line per outline that is not taken, with its line and why."""
    skipped = [] if skipped is None else skipped
    line = _find_declaration(data)
    if line is not None:
        raise NewsreaderError(
            f"{name}:{line}: DOCTYPE/ENTITY declarations are not allowed in OPML (refused)"
        )

    feeds: list[OpmlFeed] = []
    by_url: dict[str, OpmlFeed] = {}
    # One entry per open <outline>: the folder name it gives its children, or None.
    stack: list[str | None] = []
    # Per open outline without a feed URL: its line, label and whether it holds outlines.
    folders: list[list[Any]] = []
    depth = 0
    saw_root = False
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args: object) -> NoReturn:
        raise _Refused(parser.CurrentLineNumber, "DOCTYPE/ENTITY declarations are not allowed")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth, saw_root
        depth += 1
        if depth == 1:
            if tag.lower() != "opml":
                raise _Refused(
                    parser.CurrentLineNumber, f"root element is <{tag[:40]}>, not <opml>"
                )
            saw_root = True
            return
        if tag != "outline":
            return
        # Attribute names vary in case between exporters (xmlUrl, xmlurl, XMLURL).
        lower = {k.lower(): v for k, v in attrs.items()}
        label = clean_line(lower.get("title") or lower.get("text") or "", 200) or None
        xml_url = lower.get("xmlurl")
        if folders:
            folders[-1][2] = True
        if not xml_url:
            stack.append(label)
            folders.append([parser.CurrentLineNumber, label, False])
            return
        stack.append(None)
        folders.append([0, None, True])  # a feed: never reported as an empty folder
        url = _accept_url(xml_url)
        if url is None:
            what = f" ({label})" if label else ""
            skipped.append(
                f"line {parser.CurrentLineNumber}{what}: not an http(s) or file URL: "
                f"{clean_line(xml_url, 80)!r}"
            )
            return
        section = lower.get(SECTION_ATTR.lower(), "news").strip().lower()
        full_text = lower.get(FULL_TEXT_ATTR.lower(), "").strip().lower() in ("true", "1", "yes")
        # Folder names from the outside in (stack[-1] is this outline's None), capped: a
        # hostile file nesting 20,000 folders must not give one feed 20,000 tags.
        tags = list(itertools.islice(filter(None, stack), MAX_TAGS))
        if lower.get("category"):
            tags += _split_category(lower["category"])
        existing = by_url.get(url)
        if existing is not None:  # listed again (often under another folder): merge its tags
            target = existing.tags
        else:
            title = label if label != url else None
            existing = by_url[url] = OpmlFeed(
                url, title, [], section if section in _SECTIONS else "news", full_text
            )
            feeds.append(existing)
            target = existing.tags
        for tag_name in tags:
            if len(target) >= MAX_TAGS:
                break
            if tag_name not in target:
                target.append(tag_name)

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        if tag == "outline" and depth >= 1 and stack:
            stack.pop()
            line, label, has_children = folders.pop()
            if not has_children:
                what = f" ({label})" if label else ""
                skipped.append(f"line {line}{what}: no feed URL (xmlUrl)")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code) if exc.code else str(exc)
        raise NewsreaderError(f"{name}:{exc.lineno}: not valid OPML: {reason}") from None
    except _Refused as exc:
        raise NewsreaderError(f"{name}:{exc.line}: {exc.reason}") from None
    if not saw_root:
        raise NewsreaderError(f"{name}:1: not valid OPML: no <opml> element")
    return feeds


def write_opml(
    feeds: Iterable[FeedConfig],
    title: str = "newsreader subscriptions",
    site_links: Mapping[str, str] | None = None,
) -> bytes:
    """OPML 2.0 bytes: untagged feeds first, then one folder per first tag.

    ``site_links`` maps a feed URL to its web site (``htmlUrl``), when the caller knows it.
    """
    site_links = site_links or {}
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = clean_line(title)
    ET.SubElement(head, "dateCreated").text = email.utils.formatdate(usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    loose: list[FeedConfig] = []
    grouped: list[tuple[str, FeedConfig]] = []
    for feed in feeds:
        tags = [t for t in (clean_line(t, 200) for t in feed.tags) if t]
        if tags:
            grouped.append((tags[0], feed))
        else:
            loose.append(feed)
    for feed in loose:
        _outline(body, feed, site_links)
    for tag, feed in grouped:
        folder = folders.get(tag)
        if folder is None:
            folder = folders[tag] = ET.SubElement(body, "outline", text=tag, title=tag)
        _outline(folder, feed, site_links)
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _outline(parent: ET.Element, feed: FeedConfig, site_links: Mapping[str, str]) -> None:
    name = clean_line(feed.title or "", 500) or feed.url
    attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": clean_line(feed.url, 4000)}
    link = safe_url(site_links.get(feed.url))
    if link:
        attrs["htmlUrl"] = link
    tags = [t for t in (clean_line(t, 200) for t in feed.tags) if t]
    if len(tags) > 1:
        attrs["category"] = ",".join(tags)
    if feed.section != "news":
        attrs[SECTION_ATTR] = feed.section
    if feed.full_text:
        attrs[FULL_TEXT_ATTR] = "true"
    ET.SubElement(parent, "outline", attrs)
