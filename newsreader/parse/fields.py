"""Field cleaning shared by every parse path: links made absolute and http(s) only, HTML kept
as HTML but without scripts or control characters, titles given as HTML made plain text,
categories, lengths; plus the limits and the error all paths share."""

from __future__ import annotations

import contextlib
import html
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

from newsreader.model import Enclosure, FeedError, ParsedArticle
from newsreader.parse.prepare import C1_TO_CP1252, undo_double_utf8_refs
from newsreader.sanitize import clean_line, clean_text, has_control, safe_url

MAX_ITEMS = 5000  # more than any real feed; keeps a hostile one from filling the store
MAX_HTML_CHARS = 1_000_000  # per summary/content field
MAX_CATEGORIES = 50
DERIVED_TITLE_CHARS = 120
UNTITLED = "(untitled)"


def repair_text(text: str) -> str:
    """What feedparser does to the text of every element, so all paths agree: undo UTF-8
    read as Latin-1 when the whole text decodes that way, then map C1 to cp1252 (prepare.py
    has already done so in XML; JSON strings have not been through it)."""
    if text.isascii():
        return text
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("latin-1").decode("utf-8")
    return text.translate(C1_TO_CP1252)


class ParseError(FeedError):
    """The bytes are not a feed we can read."""


def absolute_url(link: object, base: str | None) -> str | None:
    """link resolved against base; only http(s) survives (other schemes give None)."""
    if not isinstance(link, str):
        return None
    link = link.strip()
    if not link:
        return None
    if base:
        try:
            link = urljoin(base, link)
        except ValueError:  # e.g. "http://[::1" (bad IPv6 literal)
            return None
    # Feeds do put raw spaces in paths; percent-encode them rather than lose the link.
    return safe_url(clean_line(link, limit=4000).replace(" ", "%20"))


_TAG = re.compile(r"<[^>]*>")
_BAD_CHARREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|(\d{1,10}));?")


# Elements that separate words; any other tag joins its neighbours ("1930ft<sup>2</sup>").
_BREAKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP = frozenset(("script", "style", "template", "title"))
# A void element in an RSS title is markup even when feedparser calls the title plain text.
VOID_TAG = re.compile(r"<(?:br|img|hr|wbr)\b[^<]*>", re.I)


class _LineText(HTMLParser):
    """The text of an HTML fragment: attribute values (with ">" in them) never leak, an
    image gives its alt text, and only block elements and <br> separate words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BREAKS:
            self.parts.append(" ")
        elif tag == "img":
            alt = next((v for k, v in attrs if k == "alt" and v), "")
            self.parts.append(f" {alt} " if alt else "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIP:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_line(markup: str, limit: int = 1000) -> str:
    """Plain one-line text from an HTML fragment (for titles given as HTML)."""
    markup = markup[: limit * 20]
    parser = _LineText()
    try:
        parser.feed(markup)
        parser.close()
        text = "".join(parser.parts)
    except Exception:  # HTMLParser is lenient, but never let a title take the parse down
        text = html.unescape(_TAG.sub(" ", markup))
    return clean_line(text, limit=limit)


def clean_html(markup: object) -> str | None:
    """HTML kept as HTML, without control characters, even as numeric character references."""
    if not isinstance(markup, str):
        return None
    if len(markup) > MAX_HTML_CHARS:
        markup = markup[:MAX_HTML_CHARS]
    if "&#" in markup:
        markup = undo_double_utf8_refs(markup)
        # As raw characters, an escape written as "&#27;[31m" is removed whole by clean_text.
        markup = _BAD_CHARREF.sub(_fix_html_charref, markup)
    markup = clean_text(markup).strip()
    return markup or None


_ACTIVE = re.compile(r"<(script|style|iframe|object|embed|form)\b.*?(?:</\1\s*>|$)", re.I | re.S)
_EVENT_ATTR = re.compile(r"""\s on[a-z]{2,30}\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)""", re.I | re.X)
# Finds every place _EVENT_ATTR could match, in the lowered text, 6x faster (a literal start,
# no IGNORECASE): under re.I [a-z] also takes İ ı ſ K, and "İ".lower() is "i" + U+0307.
_EVENT_HINT = re.compile("on[a-z\u0131\u017f\u0307]{2,60}\\s*=")
_LINK_ATTR = re.compile(
    r"""(\s(?:href|src|cite|poster|longdesc|background)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""",
    re.I,
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.I)
_SAFE_SCHEMES = frozenset(("http", "https", "mailto"))
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")


def fix_links(markup: str, base: str | None) -> str:
    """Make content HTML safe to keep and its links absolute: scripts, styles, frames and
    event handlers go, links with a scheme other than http(s)/mailto go, and relative links
    are resolved against the entry's base (xml:base or the feed URL)."""
    if "<" not in markup:
        return markup
    lowered = markup.lower()
    if any(
        tag in lowered for tag in ("<script", "<style", "<iframe", "<object", "<embed", "<form")
    ):
        markup = _ACTIVE.sub("", markup)
        lowered = markup.lower()  # what is left may join into an attribute checked below
    if _EVENT_HINT.search(lowered):
        markup = _EVENT_ATTR.sub("", markup)
        lowered = markup.lower()
    if "href" not in lowered and "src" not in lowered and "cite" not in lowered:
        return markup

    def repl(m: re.Match[str]) -> str:
        raw = m[2]
        value = html.unescape(raw[1:-1] if raw[:1] in "\"'" else raw)
        # Browsers ignore whitespace and controls inside a scheme ("java\tscript:").
        compact = _URL_JUNK.sub("", value)
        scheme = _SCHEME.match(compact)
        if scheme:
            if scheme[1].lower() not in _SAFE_SCHEMES:
                return ""
            return m[1] + '"' + html.escape(compact, quote=True) + '"'
        if base and compact and not compact.startswith("#"):
            try:
                absolute = urljoin(base, value.strip())
            except ValueError:
                return ""
            return m[1] + '"' + html.escape(absolute, quote=True) + '"'
        return m[0]

    return _LINK_ATTR.sub(repl, markup)


def _fix_html_charref(m: re.Match[str]) -> str:
    try:
        cp = int(m[1], 16) if m[1] else int(m[2])
    except ValueError:
        return ""
    if 0x80 <= cp <= 0x9F:  # what browsers do: &#146; means cp1252's right quote
        try:
            return f"&#{ord(bytes([cp]).decode('cp1252'))};"
        except UnicodeDecodeError:
            return ""
    if cp == 0 or cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
        return ""
    return chr(cp) if has_control(chr(cp)) else m[0]


def derive_title(*htmls: str | None) -> str:
    """A title for an item without one: the start of its summary or content, else (untitled)."""
    for markup in htmls:
        if markup:
            text = html_to_line(markup, limit=DERIVED_TITLE_CHARS)
            if text:
                return text
    return UNTITLED


def is_empty(article: ParsedArticle) -> bool:
    """Nothing worth storing (e.g. the cut-off last item of a truncated download)."""
    return article.title == UNTITLED and not (
        article.link
        or article.guid
        or article.summary_html
        or article.content_html
        or article.enclosures
    )


def clean_categories(terms: list[object]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for term in terms:
        if not isinstance(term, str):
            continue
        term = clean_line(term, limit=100)
        key = term.casefold()
        if term and key not in seen:
            seen.add(key)
            out.append(term)
            if len(out) >= MAX_CATEGORIES:
                break
    return out


def parse_length(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if 0 <= value < 2**63 else None
    if isinstance(value, str):
        value = value.strip()
        if value.isdigit() and len(value) <= 18:
            return int(value)
    return None


MAX_ENCLOSURES = 20
_MEDIA = frozenset(("audio", "video", "image", "document", "executable"))
_DURATION = re.compile(r"(?:(?:(\d{1,3}):)?(\d{1,4}):)?(\d{1,7})(?:\.\d*)?")


def parse_duration(value: object) -> int | None:
    """Seconds from itunes:duration ("1:02:03", "29:54", "754") or a number of seconds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if 0 <= value < 10**7 else None
    if not isinstance(value, str):
        return None
    m = _DURATION.fullmatch(value.strip())
    if not m:
        return None
    hours, minutes, seconds = (int(g or 0) for g in m.groups())
    total = hours * 3600 + minutes * 60 + seconds
    return total if total < 10**7 else None


def make_enclosure(
    url: object,
    base: str | None,
    type: object = None,
    length: object = None,
    *,
    duration: object = None,
    medium: object = None,
    title: object = None,
) -> Enclosure | None:
    """An Enclosure from untrusted values, or None when the URL is not http(s)."""
    href = absolute_url(url, base)
    if not href:
        return None
    ctype = clean_line(type, limit=200).lower() if isinstance(type, str) else ""
    kind = clean_line(medium, limit=20).lower() if isinstance(medium, str) else ""
    if not kind and ctype.partition("/")[0] in _MEDIA:
        kind = ctype.partition("/")[0]
    return Enclosure(
        href,
        ctype or None,
        parse_length(length),
        duration=parse_duration(duration),
        medium=kind if kind in _MEDIA else None,
        title=clean_line(title, limit=300) or None if isinstance(title, str) else None,
    )


def merge_enclosures(
    found: list[Enclosure | None],
    thumbnail: str | None = None,
    duration: int | None = None,
) -> list[Enclosure]:
    """One enclosure per URL (a later mention fills in what an earlier one left out), at most
    MAX_ENCLOSURES. The item's thumbnail and duration (itunes:duration) go to every file
    that has none; a thumbnail alone is kept as a picture."""
    by_url: dict[str, Enclosure] = {}
    for enc in found:
        if enc is None:
            continue
        seen = by_url.get(enc.url)
        if seen is None:
            if len(by_url) < MAX_ENCLOSURES:
                by_url[enc.url] = enc
            continue
        for key in ("type", "length", "duration", "thumbnail", "medium", "title"):
            if getattr(seen, key) is None:
                setattr(seen, key, getattr(enc, key))
    out = list(by_url.values())
    for enc in out:
        if enc.thumbnail is None and thumbnail != enc.url:
            enc.thumbnail = thumbnail
        if enc.duration is None and enc.medium in ("audio", "video", None):
            enc.duration = duration
    if not out and thumbnail:
        out.append(Enclosure(thumbnail, medium="image"))
    return out


def text_to_html(text: str) -> str:
    """Plain text (an Atom type="text" summary, JSON content_text) as equivalent HTML."""
    text = clean_text(text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
