"""Make untrusted feed text safe to store and to show in a terminal.

Neither Textual nor Rich strips ESC or C1 controls, so every string from a feed passes
through here before it is stored and again before it is displayed.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Whole escape sequences first, so their payloads (an OSC 52 clipboard write, an OSC 8 URL)
# go with them instead of being left behind as visible junk. A lone C1 string introducer
# (0x90, 0x9d...) is far more often a stray byte than an attack: it goes alone, so it never
# takes the rest of a title with it (the payload left behind is inert text).
_ESCAPE_SEQ = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]              # CSI ... final byte
    | \x1b[\]PX^_]                                 # OSC / DCS / SOS / PM / APC ...
      .*?(?:\x07|\x1b\\|\x9c|$)                    # ... up to BEL or ST (or the end)
    | \x1b[ -/]*[0-~]?                             # other two/three byte ESC sequences
    """,
    re.VERBOSE | re.DOTALL,
)
# C0 except tab/newline, DEL, C1; plus bidi overrides/isolates that reorder terminal output.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
_CONTROL_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")


def clean_text(text: str | None) -> str:
    """Multi-line text: escape sequences and control characters removed, newlines kept."""
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text or "\x9b" in text:  # every escape sequence starts with one of them
        text = _ESCAPE_SEQ.sub("", text)
    return _CONTROL.sub("", text)


def clean_line(text: str | None, limit: int = 1000) -> str:
    """One-line text (a title, an author): controls removed, whitespace collapsed, capped."""
    if not text:
        return ""
    if "\x1b" in text or "\x9b" in text:
        text = _ESCAPE_SEQ.sub("", text)
    # split() breaks at exactly the runs \s+ matches: re.sub(r"\s+", " ", t).strip(), faster.
    text = " ".join(_CONTROL_LINE.sub(" ", text).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def has_control(text: str) -> bool:
    """True when text still holds a character that must never reach a terminal."""
    return bool(_CONTROL.search(text)) or "\x1b" in text


def safe_url(url: str | None) -> str | None:
    """An http(s) URL without control characters or whitespace, else None."""
    if not url:
        return None
    url = clean_line(url, limit=4000)
    lower = url.lower()
    if not (lower.startswith("http://") or lower.startswith("https://")) or " " in url:
        return None
    return url


_TAG = re.compile(r"<[^>]*>")


def html_to_search_text(markup: str | None, limit: int = 20_000) -> str:
    """Cheap tag strip for the search index (rendering quality is not needed there)."""
    if not markup:
        return ""
    import html

    text = html.unescape(_TAG.sub(" ", markup[: limit * 4]))
    # Whitespace collapsed as in clean_line. The search index re-derives this text to delete
    # an entry, so what it gives for a body must never change.
    return " ".join(text.split())[:limit]


# json escapes C0 controls itself; these others could still steer a terminal or reorder text.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(data: Any) -> str:
    """JSON with non-ASCII text kept as UTF-8, and any control or bidi character escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
