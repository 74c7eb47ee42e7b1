"""Extract the readable article from a fetched web page, for offline reading.

Uses trafilatura (imported inside extract(): it costs ~0.1 s to import, so it stays off the
start-up path). Measured against readability-lxml on tests/fixtures/pages: both keep the body
of plain pages, but trafilatura (favor_precision) also drops inline promos, ad markers and
newsletter boxes that readability keeps, and it does not pin chardet below 6.
The result is clean HTML for htmltext.render_html, or None when the page has no article.
"""

from __future__ import annotations

import logging
import re

from newsreader.sanitize import clean_text

__all__ = ["MIN_TEXT_CHARS", "extract"]

log = logging.getLogger(__name__)

# Below this much text the "article" is a gallery caption or a menu: the feed's own summary
# is the better thing to show.
MIN_TEXT_CHARS = 200
# The fetcher caps bodies at 10 MB; an article never needs more than this to be found, and
# lxml time grows with the tree.
MAX_INPUT_BYTES = 3_000_000

# trafilatura builds its output from its own XML tree, so these should never appear; they are
# removed anyway because the result is stored and rendered later, far from this check.
_DANGEROUS = re.compile(
    r"<(script|style|iframe|object|embed|noscript|template|svg)\b.*?(?:</\1\s*>|$)"
    r"|<(?:script|style|iframe|object|embed|noscript|template|svg|link|meta|base)\b[^>]*>",
    re.IGNORECASE | re.DOTALL,
)
_WRAPPER = re.compile(r"^\s*<html>\s*<body>\s*|\s*</body>\s*</html>\s*$", re.IGNORECASE)
# The article view shows the title above the body, so a leading <h1> would repeat it.
_LEADING_H1 = re.compile(r"^\s*<h1\b[^>]*>.*?</h1>\s*", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")
# One character reference to a C0 control or a noncharacter (&#27; &#7; &#xFFFF;) makes lxml
# refuse a text node and trafilatura then discards the whole page. HTML5 parsers drop or
# replace these anyway, so they are removed first (ASCII, so safe on undecoded bytes too).
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _drop_bad_ref(match: re.Match[bytes]) -> bytes:
    hexa, dec = match.groups()
    code = int(hexa, 16) if hexa else int(dec)
    if (
        (code < 32 and code not in (9, 10, 13))
        or 0xFDD0 <= code <= 0xFDEF
        or (code & 0xFFFE) == 0xFFFE
    ):
        return b""
    return match.group()


def _clean_refs(html: bytes | str) -> bytes | str:
    if isinstance(html, str):
        if "&#" not in html:
            return html
        return _CHAR_REF.sub(_drop_bad_ref, html.encode("utf-8", "surrogatepass")).decode(
            "utf-8", "surrogatepass"
        )
    return _CHAR_REF.sub(_drop_bad_ref, html) if b"&#" in html else html


def _quiet_library_logs() -> None:
    # Unconfigured, Python prints these libraries' warnings ("discarding data: URL") straight
    # to stderr, over the TUI or into `show` output. A NullHandler stops that while records
    # still propagate to whatever logging the application sets up.
    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def extract(html: bytes | str, url: str) -> str | None:
    """The article's readable content as clean HTML, or None when nothing article-like is found.

    html is the page as fetched (bytes: trafilatura detects the encoding); url is the page's
    address, used to resolve relative links and images. Never raises on bad input.
    """
    if not html:
        return None
    if len(html) > MAX_INPUT_BYTES:
        html = html[:MAX_INPUT_BYTES]
    html = _clean_refs(html)
    try:
        import trafilatura

        _quiet_library_logs()

        out = trafilatura.extract(
            html,
            url=url,
            output_format="html",
            favor_precision=True,  # less chrome (promos, newsletter boxes) at a small recall cost
            include_comments=False,
            include_tables=True,
            include_images=True,
            include_links=True,
            include_formatting=True,
            deduplicate=False,
        )
    except Exception as exc:  # a third-party parser on hostile input must not break a refresh
        log.debug("full-text extraction failed for %s: %r", url, exc)
        return None
    if not out:
        return None
    out = clean_text(out)
    out = _DANGEROUS.sub("", out)
    out = _WRAPPER.sub("", out)
    out = _LEADING_H1.sub("", out, count=1)
    text = _TAGS.sub("", out)
    if len(" ".join(text.split())) < MIN_TEXT_CHARS:
        return None
    return out.strip()
