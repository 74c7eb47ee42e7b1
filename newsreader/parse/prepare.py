"""Bytes to text an XML parser reads strictly: BOM and charset detection (declared, HTTP,
chardet), DOCTYPE and entity-declaration removal (feedparser's lenient parser expands internal
entities, so a 70 KB feed can grow to hundreds of MB), and the repair of entity and
control-character mistakes that would otherwise push the whole document onto the slower,
lenient parser."""

from __future__ import annotations

import codecs
import re
from html.entities import html5 as _HTML5_ENTITIES

_CHARDET_SAMPLE = 64 * 1024

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


def strip_bom_ws(data: bytes) -> bytes:
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
    """The document as text: BOM, then (nearly) valid UTF-8, then declared, then chardet,
    then cp1252.

    Valid UTF-8 wins over a declaration because mislabelled UTF-8 is far more common than a
    legacy-encoded document that happens to be valid UTF-8.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _undo_double_utf8(data[3:].decode("utf-8", "newsreader-cp1252"))
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, "replace")
    for marker, name in _NO_BOM:
        if data.startswith(marker):
            return data.decode(name, "replace")
    m = _XML_DECL_ENC.match(data)
    declared = [_codec(m[1].decode("ascii")) if m else None, _codec(http_charset)]
    # 7-bit encodings such as ISO-2022-JP are valid ASCII but must still be decoded.
    for codec in declared:
        if codec and (codec.startswith("iso2022") or codec in ("utf_7", "hz")):
            decoded = _try_decode(data, codec)
            if decoded is not None:
                return decoded
    try:
        return _undo_double_utf8(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    nearly = _nearly_utf8(data)
    if nearly is not None:
        return _undo_double_utf8(nearly)
    for codec in declared:
        if codec and not codec.startswith("utf_"):
            decoded = _try_decode(data, codec)
            if decoded is not None:
                return decoded
    guess = _chardet_guess(data)
    text = _try_decode(data, guess)
    if text is not None:
        return text
    return _try_decode(data, "cp1252") or data.decode("latin-1")


# C1 code points (0x80-0x9f) in a feed are cp1252 bytes read as Latin-1, never controls
# anyone meant: they become their cp1252 characters (as browsers and feedparser map them)
# before anything removes controls; the five cp1252 leaves undefined go, one by one.
_C1 = re.compile("[\x80-\x9f]")
C1_TO_CP1252 = {c: bytes([c]).decode("cp1252", "ignore") or None for c in range(0x80, 0xA0)}
# A UTF-8 sequence whose bytes were read as Latin-1 and encoded again ("\xe2\x80\xa6" for
# "…" arriving as "â\x80¦"). Only a sequence holding a C1 code point is repaired here: those
# never occur in real text, while "Ä" followed by a no-break space does.
_DOUBLE_UTF8 = re.compile(
    "[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _undo_double_utf8(text: str) -> str:
    if text.isascii() or not _C1.search(text):  # isascii() is O(1): a flag of the str
        return text

    def repair(m: re.Match[str]) -> str:
        if not _C1.search(m[0]):
            return m[0]
        try:
            return m[0].encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            return m[0]

    return _DOUBLE_UTF8.sub(repair, text)


_C1_REF = re.compile(r"&#(?:1[2-5]\d|[xX][89][0-9a-fA-F]);")
_REF_RUN = re.compile(r"(?:&#(?:\d{1,3}|[xX][0-9a-fA-F]{1,2});){2,64}")


def undo_double_utf8_refs(text: str) -> str:
    """The same repair for character references: "&#226;&#128;&#166;" is "…" (a common CMS
    bug, and what feedparser alone repairs), wherever it appears, CDATA and HTML included."""
    if "&#" not in text or not _C1_REF.search(text):
        return text

    def repair(m: re.Match[str]) -> str:
        refs = m[0][2:-1].split(";&#")
        codes = [int(r[1:], 16) if r[:1] in "xX" else int(r) for r in refs]
        if max(codes) > 0xFF:
            return m[0]
        chars = "".join(map(chr, codes))
        fixed = _undo_double_utf8(chars)
        return m[0] if fixed == chars else "".join(f"&#{ord(c)};" for c in fixed)

    return _REF_RUN.sub(repair, text)


def _stray_byte_as_cp1252(exc: UnicodeError) -> tuple[str, int]:
    """Decode error handler: a byte that breaks UTF-8 is nearly always a cp1252 character
    (a quote pasted from a word processor)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    byte = exc.object[exc.start : exc.start + 1]
    return byte.decode("cp1252", "replace"), exc.start + 1


codecs.register_error("newsreader-cp1252", _stray_byte_as_cp1252)
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _nearly_utf8(data: bytes) -> str | None:
    """The document as UTF-8 when nearly all of it is: at least four valid multi-byte
    characters to each byte that is not. chardet, asked instead, reads such a document as
    MacRoman and turns every quote into mojibake; a legacy-encoded one has few or none."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = len(_NON_ASCII.findall(text)) - bad
    if good < 4 * bad:
        return None
    return data.decode("utf-8", "newsreader-cp1252")


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
    if codec and codec.startswith(("utf_16", "utf_32")) and b"\x00" not in data.lstrip()[:2]:
        return None  # markup in single bytes ("<r") is never UTF-16, whatever NULs follow
    # A weak guess between single-byte Western codes is best answered by cp1252.
    if codec and (guess.get("confidence") or 0) < 0.5 and codec.startswith(("cp125", "iso8859")):
        return "cp1252"
    return codec


_PROLOG_TOKEN = re.compile(r"\s*(<\?|<!--|<!|<)", re.ASCII)
_DOCTYPE_SCAN = re.compile(r"[\"'\[\]>]|<!--")
_ROOT_NAME = re.compile(r"<([^\s/>!?]{1,100})")
# ESC sequences become visible junk if only the ESC is dropped; but a sequence never takes a
# "<" or "]" with it, so a missing terminator cannot swallow the markup (or the "]]>" of a
# CDATA section) after it. C1 code points are left to fields.repair_text and sanitize: they are cp1252
# text far more often than controls, and removing one never removes anything else.
_RAW_CONTROLS = re.compile(
    r"\x1b\[[0-;=?]*[ -/]*[@-\\^-~]?|\x1b\](?!\]>)[^\x07\x1b\x9c<\]]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[^\[\]<]?|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]"
)
_AMPERSAND = re.compile(
    r"(<!\[CDATA\[.*?(?:\]\]>|\Z))"
    r"|&(?:#(\d{1,10});|#[xX]([0-9a-fA-F]{1,8});|([A-Za-z][A-Za-z0-9]{0,40});|)",
    re.DOTALL,
)
# Cheap pre-checks so a clean document skips the two substitutions above (most feeds).
_HAS_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_HAS_ENTITY_TO_FIX = re.compile(
    r"&(?!(?:amp|lt|gt|quot|apos);"
    r"|#(?:1[6-9]\d|[2-9]\d\d|[1-9]\d{3,6});"
    r"|#[xX](?:[a-fA-F][0-9a-fA-F]|[1-9a-fA-F][0-9a-fA-F]{2,5});)"
)
FEED_START = re.compile(r"<\?xml|<(?:rss|feed|rdf:RDF|RDF)[\s>]")
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
    text = undo_double_utf8_refs(text)
    if not text.isascii() and _C1.search(text):
        text = text.translate(C1_TO_CP1252)
    if "&" in text and _HAS_ENTITY_TO_FIX.search(text):
        text = _AMPERSAND.sub(_fix_entity, text)
    if _HAS_RAW_CONTROL.search(text):
        text = _RAW_CONTROLS.sub("", text)
    data = ('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8", "replace")
    return data, doctype, root


def looks_like_feed(data: bytes, content_type: str = "") -> bool:
    """Cheap sniff: does this look like RSS, Atom, RDF or JSON Feed (not an HTML page)?

    content_type is the response's Content-Type, if any: a JSON object served as
    application/feed+json is a JSON Feed even without a version."""
    head = data[:65536]
    body = strip_bom_ws(head)
    if not body:
        return False
    if body[:1] == b"{":
        # Anywhere: the version key may come after a long first key, and PHP writes
        # "https:\/\/jsonfeed.org\/version\/1.1".
        ctype = content_type.split(";")[0].strip().lower()
        return ctype == "application/feed+json" or b"jsonfeed.org" in data
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:2] in (b"<\x00", b"\x00<"):
        enc = "utf-16-be" if head[:2] in (b"\xfe\xff", b"\x00<") else "utf-16-le"
        text = head.decode(enc, "ignore").lstrip("\ufeff")
    else:
        text = head.decode("latin-1")
    root, _ = _sniff_root(text)
    if root is None:
        return False
    # The root decides: feeds written by HTML tools often carry an (X)HTML DOCTYPE.
    return root.rpartition(":")[2].lower() in ("rss", "feed", "rdf", "channel")
