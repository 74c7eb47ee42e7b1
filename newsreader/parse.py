"""Turn fetched feed bytes into model.ParsedFeed: RSS and Atom via feedparser, JSON Feed here.

Everything a feed says is untrusted. Before feedparser sees the bytes we decode them ourselves
(feedparser would read an undeclared KOI8-R feed as ISO-8859-1 as soon as any response header
is given), drop the DOCTYPE with its entity declarations (feedparser's lenient parser expands
internal entities, so a 70 KB feed can grow to hundreds of MB), and repair the entity and
control-character mistakes that would otherwise push the whole document onto the slower,
lenient parser. Every field that comes out goes through sanitize.

parse_feed is a plain module-level function with picklable arguments and result, so the
fetcher can run it in a ProcessPoolExecutor.
"""

from __future__ import annotations

import codecs
import html
import io
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from html.entities import html5 as _HTML5_ENTITIES
from urllib.parse import urljoin

from newsreader.model import Enclosure, FeedError, ParsedArticle, ParsedFeed
from newsreader.sanitize import clean_line, clean_text, has_control, safe_url

MAX_ITEMS = 5000  # more than any real feed; keeps a hostile one from filling the store
MAX_HTML_CHARS = 1_000_000  # per summary/content field
MAX_CATEGORIES = 50
DERIVED_TITLE_CHARS = 120
UNTITLED = "(untitled)"
_CHARDET_SAMPLE = 64 * 1024

_XML_ACCEPT = "application/xml; charset=utf-8"


class ParseError(FeedError):
    """The bytes are not a feed we can read."""


# --------------------------------------------------------------------------------------------
# Public API


def parse_feed(
    data: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
    *,
    fast: bool = True,
) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0, Atom or JSON Feed bytes fetched from url.

    `fast` lets plain RSS 2.0 skip feedparser (see fastrss.py); the result is the same.

    Raises ParseError (a FeedError) with a one-line reason when the bytes are not a feed; a
    feed that could be read despite mistakes comes back with .warning set.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse_feed takes bytes")  # a str would be opened as a path by feedparser
    data = bytes(data)
    now = _as_utc(fetched_at) if fetched_at is not None else datetime.now(UTC)
    hdrs = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    body = _strip_bom_ws(data)
    if not body:
        raise ParseError("empty document")

    content_type = hdrs.get("content-type", "").split(";")[0].strip().lower()
    first = body[:1]
    is_json = first in (b"{", b"[") or (
        first != b"<"
        and (
            content_type in ("application/feed+json", "application/json")
            or content_type.endswith("+json")
        )
    )
    if is_json:
        from newsreader import jsonfeed  # only JSON feeds need it

        return jsonfeed.parse_json_feed(data, url, now)
    return _parse_xml(data, url, hdrs, now, fast)


def looks_like_feed(data: bytes) -> bool:
    """Cheap sniff: does this look like RSS, Atom, RDF or JSON Feed (not an HTML page)?"""
    head = data[:65536]
    body = _strip_bom_ws(head)
    if not body:
        return False
    if body[:1] == b"{":
        return b"jsonfeed.org/version" in data[:1_000_000]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:2] in (b"<\x00", b"\x00<"):
        enc = "utf-16-be" if head[:2] in (b"\xfe\xff", b"\x00<") else "utf-16-le"
        text = head.decode(enc, "ignore").lstrip("\ufeff")
    else:
        text = head.decode("latin-1")
    root, doctype = _sniff_root(text)
    if root is None:
        return False
    local = root.rpartition(":")[2].lower()
    return local in ("rss", "feed", "rdf", "channel") and not doctype.lower().startswith("html")


# --------------------------------------------------------------------------------------------
# Shared normalisation helpers (jsonfeed.py uses these too)


def _as_utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def norm_datetime(dt: datetime | None, now: datetime) -> datetime | None:
    """UTC, never after now (the fetch time), None before 1970."""
    if dt is None:
        return None
    try:
        dt = _as_utc(dt)
    except (OverflowError, ValueError, OSError):
        return None
    if dt < _EPOCH:
        return None
    return min(dt, now)


def struct_to_datetime(st: object) -> datetime | None:
    """feedparser's *_parsed values are UTC struct_times."""
    try:
        year, month, day, hour, minute, second = (int(x) for x in st[:6])  # type: ignore[index]
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse_date(raw: object) -> datetime | None:
    """A date string in any of the forms feeds use: RFC 3339, RFC 822, localised month names."""
    if not isinstance(raw, str):
        return None
    raw = raw.strip()[:200]
    if not raw:
        return None
    try:
        dt = datetime.fromisoformat(raw)
        return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        from feedparser.datetimes import _parse_date

        st = _parse_date(raw)
    except Exception:  # feedparser's date handlers are not hardened against garbage
        st = None
    if st is not None:
        return struct_to_datetime(st)
    return parse_localised_date(raw)


# Month names in languages feeds are commonly published in. Every prefix of at least three
# letters of a full name is accepted when it is unambiguous ("janv", "sept", "dez", "mär").
_MONTH_NAMES = {
    1: "january janvier januar enero gennaio janeiro januari jan janv ene gen",
    2: "february fevrier februar febrero febbraio fevereiro februari feb fevr fev",
    3: "march mars marz maerz marzo marco maart mar mrz mrt",
    4: "april avril abril aprile apr avr abr",
    5: "may mai mayo maggio maio mei mag",
    6: "june juin juni junio giugno junho jun giu",
    7: "july juillet juli julio luglio julho jul juil lug",
    8: "august aout agosto augustus aug ago",
    9: "september septembre setembro settembre septiembre setiembre sep sept set",
    10: "october octobre oktober octubre ottobre outubro oct okt ott out",
    11: "november novembre noviembre novembro nov",
    12: "december decembre dezember diciembre dicembre dezembro dec dez dic",
}


def _build_months() -> dict[str, int]:
    table: dict[str, int] = {}
    ambiguous: set[str] = set()
    for month, names in _MONTH_NAMES.items():
        for name in names.split():
            for end in range(3, len(name) + 1):
                prefix = name[:end]
                if table.get(prefix, month) != month:
                    ambiguous.add(prefix)
                table[prefix] = month
    for prefix in ambiguous:
        del table[prefix]
    return table


_MONTHS = _build_months()
_TZ_NAMES = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "wet": 0, "bst": 60, "cet": 60, "mez": 60,
    "west": 60, "cest": 120, "mesz": 120, "eet": 120, "eest": 180, "msk": 180,
    "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
    "pst": -480, "pdt": -420,
}  # fmt: skip
_DMY = re.compile(r"(\d{1,2})\.?\s*(?:de\s+)?([a-z]{3,12})\.?,?\s*(?:de\s+)?(\d{4})")
_MDY = re.compile(r"([a-z]{3,12})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\.?,?\s+(\d{4})")
_NUMERIC_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_TIME = re.compile(r"(\d{1,2})[:h](\d{2})(?::(\d{2}))?")
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})\b|\b([a-z]{1,4})\s*$")


def parse_localised_date(raw: str) -> datetime | None:
    """'Mi, 12 Mär 2025 10:00:00 +0100', '3 janvier 2025', '12 de marzo de 2025', '12.03.2025'."""
    text = unicodedata.normalize("NFKD", raw.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    day = month = year = None
    end = 0
    for pattern, order in ((_DMY, "dmy"), (_MDY, "mdy")):
        for m in pattern.finditer(text):
            if order == "dmy":
                d, name, y = m.groups()
            else:
                name, d, y = m.groups()
            if name in _MONTHS:
                day, month, year, end = int(d), _MONTHS[name], int(y), m.end()
                break
        if month:
            break
    if not month:
        m = _NUMERIC_DMY.search(text)
        if not m:
            return None
        day, month, year, end = int(m[1]), int(m[2]), int(m[3]), m.end()
    rest = text[end:]
    hour = minute = second = 0
    tm = _TIME.search(rest)
    if tm:
        hour, minute, second = int(tm[1]), int(tm[2]), int(tm[3] or 0)
        rest = rest[tm.end() :]
    offset = 0
    om = _OFFSET.search(rest)
    if om:
        if om[1]:
            offset = (int(om[2]) * 60 + int(om[3])) * (1 if om[1] == "+" else -1)
        else:
            offset = _TZ_NAMES.get(om[4], 0)
    try:
        tz = timezone(timedelta(minutes=offset))
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=tz)
    except ValueError:
        return None


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


def html_to_line(markup: str, limit: int = 1000) -> str:
    """Plain one-line text from an HTML fragment (for titles given as HTML)."""
    return clean_line(html.unescape(_TAG.sub(" ", markup)), limit=limit)


def clean_html(markup: object) -> str | None:
    """HTML kept as HTML, without control characters, even as numeric character references."""
    if not isinstance(markup, str):
        return None
    if len(markup) > MAX_HTML_CHARS:
        markup = markup[:MAX_HTML_CHARS]
    if "&#" in markup:
        # As raw characters, an escape written as "&#27;[31m" is removed whole by clean_text.
        markup = _BAD_CHARREF.sub(_fix_html_charref, markup)
    markup = clean_text(markup).strip()
    return markup or None


_ACTIVE = re.compile(r"<(script|style|iframe|object|embed|form)\b.*?(?:</\1\s*>|$)", re.I | re.S)
_EVENT_ATTR = re.compile(r"""\s on[a-z]{2,30}\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)""", re.I | re.X)
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
    lowered = markup.lower()
    if "<" not in markup:
        return markup
    if any(
        tag in lowered for tag in ("<script", "<style", "<iframe", "<object", "<embed", "<form")
    ):
        markup = _ACTIVE.sub("", markup)
    if " on" in lowered:
        markup = _EVENT_ATTR.sub("", markup)
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


def text_to_html(text: str) -> str:
    """Plain text (an Atom type="text" summary, JSON content_text) as equivalent HTML."""
    text = clean_text(text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


# --------------------------------------------------------------------------------------------
# Decoding


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NO_BOM = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)
_XML_DECL = re.compile(r"^\s*<\?xml\b[^>]*>")
_XML_DECL_ENC = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
# Supersets browsers use in place of what is declared or guessed.
_UPGRADE = {
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}


def _strip_bom_ws(data: bytes) -> bytes:
    for bom, _ in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
            break
    return data.strip(b" \t\r\n\x00")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    codec = codec.replace("-", "_")
    return _UPGRADE.get(codec, codec)


def _try_decode(data: bytes, codec: str | None) -> str | None:
    if not codec:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        if codec == "cp1252":  # bytes cp1252 leaves undefined (0x81, 0x8d...) are rare but real
            return data.decode("latin-1")
        return None


def decode_xml(data: bytes, http_charset: str | None) -> str:
    """The document as text: BOM, then valid UTF-8, then declared, then chardet, then cp1252.

    Valid UTF-8 wins over a declaration because mislabelled UTF-8 is far more common than a
    legacy-encoded document that happens to be valid UTF-8.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace")
    for marker, codec in _NO_BOM:
        if data.startswith(marker):
            return data.decode(codec, "replace")
    m = _XML_DECL_ENC.match(data)
    declared = [_codec(m[1].decode("ascii")) if m else None, _codec(http_charset)]
    # 7-bit encodings such as ISO-2022-JP are valid ASCII but must still be decoded.
    for codec in declared:
        if codec and (codec.startswith("iso2022") or codec in ("utf_7", "hz")):
            text = _try_decode(data, codec)
            if text is not None:
                return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for codec in declared:
        if codec and not codec.startswith("utf_"):
            text = _try_decode(data, codec)
            if text is not None:
                return text
    guess = _chardet_guess(data)
    text = _try_decode(data, guess)
    if text is not None:
        return text
    return _try_decode(data, "cp1252") or data.decode("latin-1")


def _chardet_guess(data: bytes) -> str | None:
    """chardet on the lines that hold non-ASCII bytes (markup only dilutes and slows it)."""
    try:
        import chardet
    except ImportError:
        return None
    sample = bytearray()
    for line in data.splitlines():
        if not line.isascii():
            sample += line + b"\n"
            if len(sample) >= _CHARDET_SAMPLE:
                break
    guess = chardet.detect(bytes(sample or data[:_CHARDET_SAMPLE]))
    codec = _codec(guess.get("encoding"))
    # A weak guess between single-byte Western codes is best answered by cp1252.
    if codec and (guess.get("confidence") or 0) < 0.5 and codec.startswith(("cp125", "iso8859")):
        return "cp1252"
    return codec


# --------------------------------------------------------------------------------------------
# Making the document safe for feedparser


_PROLOG_TOKEN = re.compile(r"\s*(<\?|<!--|<!|<)", re.ASCII)
_DOCTYPE_SCAN = re.compile(r"[\"'\[\]>]|<!--")
_ROOT_NAME = re.compile(r"<([^\s/>!?]{1,100})")
# ESC sequences become visible junk if only the ESC is dropped; OSC stops at "<" so a
# missing terminator cannot swallow the markup after it.
# C1 OSC/DCS (0x9d, 0x90: undefined in cp1252, so never mojibake) go too: feedparser turns a
# C1 string terminator (0x9c) into "œ" in HTML, which would leave the OSC unterminated.
_RAW_CONTROLS = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?|(?:\x1b\]|[\x90\x9d])[^\x07\x1b\x9c<]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[^\[\]<]?|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]"
)
_AMPERSAND = re.compile(
    r"(<!\[CDATA\[.*?(?:\]\]>|\Z))"
    r"|&(?:#(\d{1,10});|#[xX]([0-9a-fA-F]{1,8});|([A-Za-z][A-Za-z0-9]{0,40});|)",
    re.DOTALL,
)
# Cheap pre-checks so a clean document skips the two substitutions above (most feeds).
_HAS_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x90\x9d\ufffe\uffff]")
_HAS_ENTITY_TO_FIX = re.compile(
    r"&(?!(?:amp|lt|gt|quot|apos);"
    r"|#(?:1[6-9]\d|[2-9]\d\d|[1-9]\d{3,6});"
    r"|#[xX](?:[a-fA-F][0-9a-fA-F]|[1-9a-fA-F][0-9a-fA-F]{2,5});)"
)
_FEED_START = re.compile(r"<\?xml|<(?:rss|feed|rdf:RDF|RDF)[\s>]")
_XML_ENTITIES = frozenset(("amp", "lt", "gt", "quot", "apos"))


def _skip_markup(text: str, pos: int) -> int:
    """End of the <!...> declaration starting at pos: quotes, [internal subset] and comments
    are skipped; an unterminated declaration runs to the end of the text."""
    depth = 0
    i = pos + 2
    n = len(text)
    while i < n:
        m = _DOCTYPE_SCAN.search(text, i)
        if not m:
            return n
        tok = m.group()
        if tok in ('"', "'"):
            close = text.find(tok, m.end())
            i = n if close < 0 else close + 1
        elif tok == "<!--":
            close = text.find("-->", m.end())
            i = n if close < 0 else close + 3
        elif tok == "[":
            depth += 1
            i = m.end()
        elif tok == "]":
            depth = max(0, depth - 1)
            i = m.end()
        else:  # ">"
            if depth == 0:
                return m.end()
            i = m.end()
    return n


def _sniff_root(text: str) -> tuple[str | None, str]:
    """(first element's name, DOCTYPE text) skipping the prolog."""
    pos, doctype = 0, ""
    while True:
        m = _PROLOG_TOKEN.match(text, pos)
        if not m:
            return None, doctype
        tok, start = m[1], m.start(1)
        if tok == "<?":
            end = text.find("?>", start)
            pos = len(text) if end < 0 else end + 2
        elif tok == "<!--":
            end = text.find("-->", start)
            pos = len(text) if end < 0 else end + 3
        elif tok == "<!":
            end = _skip_markup(text, start)
            if text[start : start + 9].upper() == "<!DOCTYPE":
                doctype = text[start + 9 : min(end, start + 300)].strip()
            pos = end
        else:
            rm = _ROOT_NAME.match(text, start)
            return (rm[1] if rm else None), doctype


def _clean_prolog(text: str) -> tuple[str, str, str | None]:
    """Remove DOCTYPE and any other <!...> declarations before the root element.

    Returns (text, doctype head, root element name). Removed spans keep their newlines so
    the parser's line numbers still match the document.
    """
    out: list[str] = []
    pos, doctype = 0, ""
    root = None
    while True:
        m = _PROLOG_TOKEN.match(text, pos)
        if not m:
            out.append(text[pos:])
            break
        tok, start = m[1], m.start(1)
        if tok in ("<?", "<!--"):
            close = "?>" if tok == "<?" else "-->"
            end = text.find(close, start)
            end = len(text) if end < 0 else end + len(close)
            out.append(text[pos:end])
        elif tok == "<!":
            end = _skip_markup(text, start)
            if text[start : start + 9].upper() == "<!DOCTYPE":
                doctype = text[start + 9 : min(end, start + 300)].strip()
            out.append(text[pos:start] + "\n" * text.count("\n", start, end))
        else:
            rm = _ROOT_NAME.match(text, start)
            root = rm[1] if rm else None
            out.append(text[pos:])
            break
        pos = end
    return "".join(out), doctype, root


def _fix_entity(m: re.Match[str]) -> str:
    if m[1] is not None:  # CDATA: left alone
        return m[1]
    if m[4] is not None:
        name = m[4]
        if name in _XML_ENTITIES:
            return m[0]
        chars = _HTML5_ENTITIES.get(name + ";")
        if chars is None:
            return "&amp;" + name + ";"  # unknown: keep it as literal text
        return "".join(f"&#{ord(c)};" for c in chars)
    if m[2] is not None or m[3] is not None:
        try:
            cp = int(m[2]) if m[2] is not None else int(m[3], 16)
        except ValueError:
            return ""
        if 0x80 <= cp <= 0x9F:
            try:
                return f"&#{ord(bytes([cp]).decode('cp1252'))};"
            except UnicodeDecodeError:
                return ""
        if (0 < cp < 0x20 and cp not in (0x9, 0xA, 0xD)) or cp == 0x7F:
            return chr(cp)  # illegal in XML; _RAW_CONTROLS removes it with its sequence
        legal = (
            cp in (0x9, 0xA, 0xD)
            or 0x20 <= cp <= 0xD7FF
            or 0xE000 <= cp <= 0xFFFD
            or 0x10000 <= cp <= 0x10FFFF
        )
        return m[0] if legal else ""
    return "&amp;"  # a bare ampersand ("AT&T")


def prepare_xml(text: str) -> tuple[bytes, str, str | None]:
    """UTF-8 bytes feedparser can read strictly whenever the feed is otherwise well formed."""
    text = text.lstrip("\ufeff")
    decl = _XML_DECL.match(text)
    if decl:  # keeps a leading blank line from breaking the strict parser
        text = text[decl.end() :]
    text, doctype, root = _clean_prolog(text)
    if _HAS_ENTITY_TO_FIX.search(text):
        text = _AMPERSAND.sub(_fix_entity, text)
    if _HAS_RAW_CONTROL.search(text):
        text = _RAW_CONTROLS.sub("", text)
    data = ('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8", "replace")
    return data, doctype, root


# --------------------------------------------------------------------------------------------
# RSS / Atom


def _parse_xml(
    data: bytes, url: str, hdrs: dict[str, str], now: datetime, fast: bool = True
) -> ParsedFeed:
    charset = None
    ctype = hdrs.get("content-type", "")
    for part in ctype.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip()
    text = decode_xml(data, charset)
    warnings: list[str] = []
    clean, doctype, root = prepare_xml(text)
    if root is None:
        # Junk before the feed (a PHP notice, a stray line) is common enough to skip.
        m = _FEED_START.search(text, 0, 65536)
        if m and m.start() > 0:
            clean, doctype, root = prepare_xml(text[m.start() :])
            warnings.append(f"ignored {m.start()} characters before the feed")
    if (root or "").lower() == "html" or doctype.lower().startswith("html"):
        raise ParseError("not a feed: looks like an HTML page")
    if root is None:
        raise ParseError("not a feed: no XML root element")

    if fast and root == "rss":
        from newsreader.fastrss import parse_rss

        plain = parse_rss(clean, url)
        if plain is not None:
            feed, entries = plain
            return _build(feed, entries, "rss20", url, now, warnings)

    import feedparser  # heavy; only the parsing process needs it

    headers = {"content-location": url, "content-type": _XML_ACCEPT}
    if "content-language" in hdrs:
        headers["content-language"] = hdrs["content-language"]
    try:
        # A stream, never bytes or str: feedparser treats a str (and even bytes) as a
        # path or URL to open.
        # feedparser's own HTML sanitiser and link resolver re-parse every HTML chunk with
        # sgmllib and took half the parse time; fix_links does the part we need with regexes.
        result = feedparser.parse(
            io.BytesIO(clean),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except RecursionError as exc:
        raise ParseError("not a feed: elements nested too deeply") from exc
    except Exception as exc:  # feedparser bugs on garbage must not escape as tracebacks
        raise ParseError(f"not a feed: the parser failed ({type(exc).__name__})") from exc

    version = result.get("version") or ""
    entries = result.get("entries") or []
    error = result.get("bozo_exception") if result.get("bozo") else None
    if error is not None:
        warnings.append(_describe_xml_error(error) + "; read leniently")
    if not version:
        if not entries:
            if error is not None:
                raise ParseError("not a feed: " + _describe_xml_error(error))
            found = f" (found <{clean_line(root, limit=40)}>)" if root else ""
            raise ParseError(f"not a feed: no RSS or Atom root element{found}")
        warnings.append("unknown feed format")
    if version == "rss091u" and "netscape" in doctype.lower():
        version = "rss091n"  # feedparser tells the 0.91 dialects apart by the DOCTYPE we removed

    return _build(result.get("feed") or {}, entries, version, url, now, warnings)


def _build(
    feed: dict, entries: list, version: str, url: str, now: datetime, warnings: list[str]
) -> ParsedFeed:
    """Normalise feedparser-shaped feed and entry dictionaries into a ParsedFeed."""
    feed_base = _detail_base(feed, "title_detail") or url
    site_link = absolute_url(feed.get("link"), feed_base)
    feed_title = _title_text(feed) or None
    # Atom: an entry without an author has the feed's authors.
    feed_author = _author(feed) if version.startswith("atom") else None

    if len(entries) > MAX_ITEMS:
        warnings.append(f"kept the first {MAX_ITEMS} of {len(entries)} items")
        entries = entries[:MAX_ITEMS]
    articles = [_article(e, url, now, feed_author) for e in entries if isinstance(e, dict)]
    articles = [a for a in articles if not is_empty(a)]
    return ParsedFeed(
        title=feed_title,
        site_link=site_link,
        articles=articles,
        format=version,
        warning=clean_line("; ".join(warnings), limit=300) or None,
    )


def _describe_xml_error(error: BaseException) -> str:
    line = getattr(error, "getLineNumber", None)
    msg = getattr(error, "getMessage", None)
    if callable(line) and callable(msg):
        try:
            return clean_line(f"XML parse error at line {line()}: {msg()}", limit=200)
        except Exception:  # SAX locators can be gone; fall back to the text
            pass
    return clean_line(f"XML parse error: {error}", limit=200)


def _detail_base(obj: Mapping, key: str) -> str | None:
    detail = dict.get(obj, key) if isinstance(obj, dict) else None
    base = detail.get("base") if isinstance(detail, dict) else None
    return base if isinstance(base, str) and base else None


def _title_text(obj: Mapping) -> str:
    title = dict.get(obj, "title")
    if not isinstance(title, str):
        return ""
    detail = dict.get(obj, "title_detail") or {}
    ctype = detail.get("type", "") if isinstance(detail, dict) else ""
    if "html" in ctype:
        return html_to_line(title)
    return clean_line(title)


def _author(obj: Mapping) -> str | None:
    names: list[str] = []
    for person in dict.get(obj, "authors") or []:
        if isinstance(person, dict):
            name = clean_line(person.get("name") or person.get("email") or "", limit=200)
            if name and name not in names:
                names.append(name)
    if not names:
        author = dict.get(obj, "author")
        if isinstance(author, str):
            names = [clean_line(author, limit=200)]
    return clean_line(", ".join(n for n in names if n), limit=300) or None


def _article(e: dict, url: str, now: datetime, feed_author: str | None) -> ParsedArticle:
    base = (
        _detail_base(e, "title_detail")
        or _detail_base(e, "summary_detail")
        or _content_base(e)
        or url
    )
    content_html = None
    content = dict.get(e, "content")
    if isinstance(content, list) and content and isinstance(content[0], dict):
        content_html = _detail_html(content[0])
    summary_html = None
    # feedparser copies content into "summary" when there is no summary; only a real one
    # (it comes with summary_detail) counts.
    summary_detail = dict.get(e, "summary_detail")
    if isinstance(summary_detail, dict):
        summary_html = _detail_html(summary_detail)

    published = _entry_date(e, "published", now)
    updated = _entry_date(e, "updated", now)
    if published is None:
        published = updated  # Atom requires only <updated>; RSS dc:date lands there too

    guid = (
        clean_line(dict.get(e, "id") or "", limit=2000)
        if isinstance(dict.get(e, "id"), str)
        else ""
    )
    categories = clean_categories(
        [t.get("term") or t.get("label") for t in dict.get(e, "tags") or [] if isinstance(t, dict)]
    )
    enclosures = []
    for link in dict.get(e, "links") or []:
        if isinstance(link, dict) and link.get("rel") == "enclosure":
            href = absolute_url(link.get("href"), base)
            if href:
                ctype = clean_line(link.get("type") or "", limit=200) or None
                enclosures.append(Enclosure(href, ctype, parse_length(link.get("length"))))
    title = _title_text(e) or derive_title(summary_html, content_html)
    return ParsedArticle(
        title=title,
        guid=guid or None,
        link=absolute_url(dict.get(e, "link"), base),
        author=_author(e) or feed_author,
        published=published,
        updated=updated,
        categories=categories,
        summary_html=summary_html,
        content_html=content_html,
        enclosures=enclosures,
    )


def _content_base(e: dict) -> str | None:
    content = dict.get(e, "content")
    if isinstance(content, list) and content and isinstance(content[0], dict):
        base = content[0].get("base")
        return base if isinstance(base, str) and base else None
    return None


def _detail_html(detail: dict) -> str | None:
    value = detail.get("value")
    if not isinstance(value, str) or not value.strip():
        return None
    if "html" not in (detail.get("type") or "text/html"):
        value = text_to_html(value[:MAX_HTML_CHARS])
    else:
        base = detail.get("base")
        value = fix_links(value[:MAX_HTML_CHARS], base if isinstance(base, str) else None)
    return clean_html(value)


def _entry_date(e: dict, key: str, now: datetime) -> datetime | None:
    dt = struct_to_datetime(dict.get(e, key + "_parsed"))
    if dt is None:
        raw = dict.get(e, key)
        if isinstance(raw, str) and raw.strip():
            dt = parse_localised_date(raw[:200])
    return norm_datetime(dt, now)


__all__ = ["ParseError", "looks_like_feed", "parse_feed"]
