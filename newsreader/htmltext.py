"""Turn feed HTML into readable terminal text: styled spans per logical line, links as footnotes.

Core module: no Textual, and Rich only lazily (the CLI `show` path must start fast).
The parser is html.parser's event-based HTMLParser with an explicit stack, so hostile nesting
(10,000 levels) costs memory in a list, never Python recursion. Wrapping is left to the widget.
"""

from __future__ import annotations

import html as _html
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from newsreader.sanitize import clean_line, clean_text, safe_url

if TYPE_CHECKING:
    from rich.text import Text

__all__ = ["Rendered", "Span", "render_html", "to_rich_text"]

TRUNCATED = "[… truncated]"
RULE = "─" * 40
QUOTE_PREFIX = "│ "
CELL_SEP = " │ "
BULLETS = ("• ", "◦ ", "▪ ")
# Deeper contexts still render their text, but stop adding indentation (a line prefix of
# 10,000 "│ " would be useless and make every line cost O(depth)).
MAX_PREFIX_LEVELS = 10
# Backward searches for an implicitly closed element (an open <p>, <li>, <td>) look at most
# this far down the stack, so pathological nesting stays linear.
SCOPE_SEARCH = 64

STYLE_ORDER = ("heading", "bold", "italic", "code", "link", "quote", "dim")

# Elements whose content is never shown (scripts, embeds, form controls, the document head).
SKIP = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "noscript",
        "template",
        "svg",
        "head",
        "title",
        "select",
        "textarea",
        "canvas",
        "audio",
        "video",
        "math",
    }
)
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
INLINE_STYLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "cite": "italic",
    "var": "italic",
    "dfn": "italic",
    "code": "code",
    "kbd": "code",
    "samp": "code",
    "tt": "code",
    "small": "dim",
    "th": "bold",
    "dt": "bold",
    "caption": "bold",
    "figcaption": "dim",
}
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Block elements separated by a blank line (paragraph spacing) or by a plain line break.
PARA_BLOCKS = frozenset({"p", "blockquote", "pre", "table", "figure", "dl", "ul", "ol", "details"})
LINE_BLOCKS = frozenset(
    {
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "address",
        "center",
        "form",
        "fieldset",
        "summary",
        "figcaption",
        "caption",
        "dt",
        "dd",
        "li",
        "tr",
        "hgroup",
        "body",
        "html",
        "legend",
    }
)
# Starting any of these closes an open <p>, as a browser does.
CLOSES_P = PARA_BLOCKS | LINE_BLOCKS | HEADINGS | {"hr"}
INLINE = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "font",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "del",
        "ins",
        "label",
    }
)

_WS = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace only: a no-break space is content
_HAS_TAG = re.compile(r"<[A-Za-z!/?]")
_BLANK_SPLIT = re.compile(r"\n[ \t\r\f]*\n\s*")
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


@dataclass(slots=True)
class Span:
    text: str
    style: str = ""  # space-separated names from STYLE_ORDER


@dataclass(slots=True)
class Rendered:
    lines: list[list[Span]]  # logical lines: the widget wraps them
    links: list[str] = field(default_factory=list)  # "[1]" refers to links[0]
    truncated: bool = False

    def plain(self) -> str:
        """The text for `newsreader show`: one line per logical line, footnotes at the end."""
        out = ["".join(span.text for span in line) for line in self.lines]
        if self.links:
            if out:
                out.append("")
            out.extend(f"[{n}] {url}" for n, url in enumerate(self.links, 1))
        return "\n".join(out)


class _Ctx:
    """A block context that prefixes each line: a quote bar, a list item's marker/indent."""

    __slots__ = ("first", "rest", "pending", "quote")

    def __init__(self, first: str, rest: str, quote: bool = False) -> None:
        self.first = first
        self.rest = rest
        self.pending = not quote  # a list marker goes on the first line only
        self.quote = quote


class _Entry:
    """One open element on the explicit stack and what to undo when it closes."""

    __slots__ = ("tag", "styles", "ctx", "link", "link_mark", "brk", "list_state", "cell")

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.styles: tuple[str, ...] = ()
        self.ctx: _Ctx | None = None
        self.link: str | None = None
        self.link_mark = 0
        self.brk = 0  # break to request when the element closes
        self.list_state: list[int] | None = None  # [next number, step] for ul/ol
        self.cell = False


class _Renderer(HTMLParser):
    def __init__(self, base_url: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.lines: list[list[Span]] = []
        self.links: list[str] = []
        self._link_num: dict[str, int] = {}
        self._stack: list[_Entry] = []
        self._open: Counter[str] = Counter()
        self._styles: Counter[str] = Counter()
        self._style = ""
        self._ctx: list[_Ctx] = []
        self._cur: list[Span] | None = None  # the line being built (None: none started)
        self._cur_has_text = False
        self._break = 0  # pending break: 1 new line, 2 blank line
        self._space = False  # collapsed whitespace waiting for the next text
        self._space_style = ""
        self._line_quotes = 0  # quote bars on the last line started
        self._last_space = True  # the line so far ends in a space (or is empty)
        self._emitted = 0  # count of text pieces emitted, to know if a link had content
        self._pre = 0
        self._pre_fresh = False
        self._cells = 0  # inside a table cell: blocks do not break lines
        self._row_cells: list[int] = []
        self._skip_tag: str | None = None
        self._skip_depth = 0

    # --- output --------------------------------------------------------------------------

    def _request_break(self, level: int) -> None:
        if self._cells:
            return
        if level > self._break:
            # The first block inside a fresh list item shares the marker's line.
            if self._ctx and self._ctx[-1].pending:
                return
            self._break = level
        self._space = False

    def _prefix(self, blank: bool = False) -> list[Span]:
        spans: list[Span] = []
        if blank:
            # Bars only for quotes that enclose both the line above and the line below.
            quotes = min(self._line_quotes, sum(c.quote for c in self._ctx[:MAX_PREFIX_LEVELS]))
            if quotes:
                spans = [Span(QUOTE_PREFIX, "dim") for _ in range(quotes - 1)]
                spans.append(Span(QUOTE_PREFIX.rstrip(), "dim"))
            return spans
        self._line_quotes = 0
        for ctx in self._ctx[:MAX_PREFIX_LEVELS]:
            if ctx.quote:
                spans.append(Span(QUOTE_PREFIX, "dim"))
                self._line_quotes += 1
            elif ctx.pending:
                spans.append(Span(ctx.first))
                ctx.pending = False
            else:
                spans.append(Span(ctx.rest))
        return spans

    def _flush(self) -> None:
        if self._cur is not None:
            self.lines.append(self._cur)
            self._cur = None
            self._cur_has_text = False
            self._last_space = True

    def _start_line(self) -> None:
        if self._cur is not None:
            if not self._cur_has_text:
                self._break = 0  # a prefix-only line: its text goes right here
                return
            if not self._break:
                return
            self._flush()
        if self._break == 2 and self.lines:
            self.lines.append(self._prefix(blank=True))
        self._break = 0
        self._cur = self._prefix()
        self._cur_has_text = False
        self._last_space = True

    def _emit(self, text: str, style: str) -> None:
        self._start_line()
        cur = self._cur
        assert cur is not None
        if cur and self._cur_has_text and cur[-1].style == style:
            cur[-1].text += text
        else:
            cur.append(Span(text, style))
        self._cur_has_text = True
        self._last_space = text[-1] == " "
        self._emitted += 1

    def _emit_inline(self, text: str, style: str) -> None:
        """Inline content (text, an image marker) with browser-like whitespace collapsing."""
        if self._space and not self._last_space and not self._break and self._cur_has_text:
            self._emit(" ", self._space_style)
        self._space = False
        self._emit(text, style)

    def _hard_break(self) -> None:
        if self._cells:
            self._space, self._space_style = True, ""
            return
        self._start_line()
        self._flush()
        self._space = False

    # --- parser events -------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self._skip_tag is not None:
            return
        data = clean_text(data)
        if not data:
            return
        if self._pre:
            self._pre_data(data)
            return
        text = _WS.sub(" ", data)
        if text == " ":
            if not self._last_space or not self._cur_has_text:
                self._space, self._space_style = True, self._style
            return
        lead, trail = text[0] == " ", text[-1] == " "
        core = text.strip(" ")
        if lead:
            self._space, self._space_style = True, self._style
        self._emit_inline(core, self._style)
        if trail:
            self._space, self._space_style = True, self._style

    def _pre_data(self, data: str) -> None:
        if self._pre_fresh:
            # A browser drops the one newline right after <pre>.
            self._pre_fresh = False
            if data.startswith("\n"):
                data = data[1:]
        style = self._style
        for i, part in enumerate(data.split("\n")):
            if i:
                self._start_line()
                self._flush()
            if part:
                self._emit(part.expandtabs(4), style)
            elif self._cur is None and self._break:
                self._start_line()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth += 1
            elif self._skip_tag == "head" and tag == "body":
                self._skip_tag = None
            return
        if tag in SKIP:
            if tag in ("video", "audio"):
                self._emit_inline(f"[{tag}]", "dim")
            self._skip_tag, self._skip_depth = tag, 1
            return
        if tag in VOID:
            self._void(tag, attrs)
            return
        self._implicit_close(tag)
        entry = _Entry(tag)
        if tag in HEADINGS:
            self._request_break(2)
            entry.brk = 2
            entry.styles = ("heading",)
        elif tag in PARA_BLOCKS:
            level = 1 if tag in ("ul", "ol", "dl") and self._open["li"] + self._open["dd"] else 2
            self._request_break(level)
            entry.brk = level
            if tag == "blockquote":
                entry.ctx = _Ctx(QUOTE_PREFIX, QUOTE_PREFIX, quote=True)
                entry.styles = ("quote",)
            elif tag == "pre":
                entry.styles = ("code",)
                self._pre += 1
                self._pre_fresh = True
            elif tag == "ul" or tag == "ol":
                entry.list_state = _list_state(tag, attrs)
            elif tag == "table":
                self._row_cells.append(0)
        elif tag in LINE_BLOCKS:
            self._request_break(1)
            entry.brk = 1
            if tag == "li":
                entry.ctx = self._li_ctx(attrs)
            elif tag == "dd":
                entry.ctx = _Ctx("    ", "    ")
            elif tag == "tr" and self._row_cells:
                self._row_cells[-1] = 0
        elif tag in ("td", "th"):
            if self._row_cells:
                if self._row_cells[-1]:
                    self._emit(CELL_SEP, "dim")
                    self._space = False
                self._row_cells[-1] += 1
            entry.cell = True
            self._cells += 1
        elif tag == "a":
            # Links do not nest: a browser closes the open one first. If it is out of reach,
            # the inner one is shown as plain text rather than stacking footnote marks.
            if not self._open["a"] or self._close_open_link():
                entry.link = self._link_target(attrs)
            entry.link_mark = self._emitted
            if entry.link:
                entry.styles = ("link",)
        elif tag == "q":
            self._emit_inline("“", self._style)
        style = INLINE_STYLE.get(tag)
        if style:
            entry.styles += (style,)
        for name in entry.styles:
            self._styles[name] += 1
        if entry.styles:
            self._restyle()
        if entry.ctx is not None:
            self._ctx.append(entry.ctx)
        self._stack.append(entry)
        self._open[tag] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <div/> is not self-closing in HTML, but in XHTML feeds it is; treat it as empty.
        self.handle_starttag(tag, attrs)
        if (tag not in VOID and self._skip_tag is None) or self._skip_tag == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth -= 1
                if self._skip_depth <= 0:
                    self._skip_tag = None
            return
        if tag == "br":
            self._hard_break()
            return
        if not self._open[tag]:
            return
        while self._stack:
            entry = self._pop()
            if entry.tag == tag:
                break

    def _void(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._hard_break()
        elif tag == "hr":
            self._implicit_close(tag)
            self._request_break(2)
            self._emit(RULE, "dim")
            self._request_break(2)
        elif tag == "img":
            a = dict(attrs)
            if (a.get("width") or "").strip() in ("0", "1") or (a.get("height") or "").strip() in (
                "0",
                "1",
            ):
                return  # a tracking pixel
            alt = clean_line(a.get("alt") or "", limit=300)
            self._emit_inline(f"[image: {alt}]" if alt else "[image]", "dim")
        elif tag == "wbr":
            pass

    # --- stack helpers ---------------------------------------------------------------------

    def _pop(self) -> _Entry:
        entry = self._stack.pop()
        self._open[entry.tag] -= 1
        if entry.styles:
            for name in entry.styles:
                self._styles[name] -= 1
            self._restyle()
        if entry.ctx is not None and self._ctx and self._ctx[-1] is entry.ctx:
            self._ctx.pop()
        tag = entry.tag
        if tag == "a" and entry.link and self._emitted > entry.link_mark:
            self._emit(f"[{self._footnote(entry.link)}]", "dim")
        elif tag == "q":
            self._emit("”", self._style)
        elif tag == "pre":
            self._pre -= 1
            self._pre_fresh = False
            if self._cur is not None and not self._cur_has_text:
                self._cur = None  # the trailing newline before </pre>
        elif entry.cell:
            self._cells -= 1
            self._space = True
            self._space_style = ""
        elif tag == "table" and self._row_cells:
            self._row_cells.pop()
        if entry.brk:
            self._request_break(entry.brk)
        return entry

    def _close_to(self, index: int) -> None:
        while len(self._stack) > index:
            self._pop()

    def _find(self, targets: frozenset[str], stop: frozenset[str]) -> int:
        """Index of the nearest open element in targets, not looking past stop; -1 if none."""
        stack = self._stack
        low = max(0, len(stack) - SCOPE_SEARCH)
        for i in range(len(stack) - 1, low - 1, -1):
            tag = stack[i].tag
            if tag in targets:
                return i
            if tag in stop:
                return -1
        return -1

    def _implicit_close(self, tag: str) -> None:
        if tag in CLOSES_P and self._open["p"]:
            i = self._find(_P, _P_SCOPE)
            if i >= 0:
                self._close_to(i)
        if tag == "li" and self._open["li"]:
            i = self._find(_LI, _LISTS)
            if i >= 0:
                self._close_to(i)
        elif (tag == "dt" or tag == "dd") and (self._open["dt"] or self._open["dd"]):
            i = self._find(_DTDD, _DL)
            if i >= 0:
                self._close_to(i)
        elif (tag == "td" or tag == "th") and (self._open["td"] or self._open["th"]):
            i = self._find(_CELLS, _ROW)
            if i >= 0:
                self._close_to(i)
        elif tag == "tr" and self._open["tr"]:
            i = self._find(_TR, _TABLE)
            if i >= 0:
                self._close_to(i)

    def _close_open_link(self) -> bool:
        i = self._find(_A, frozenset())
        if i >= 0:
            self._close_to(i)
        return i >= 0

    def _restyle(self) -> None:
        self._style = " ".join(name for name in STYLE_ORDER if self._styles[name] > 0)

    def _li_ctx(self, attrs: list[tuple[str, str | None]]) -> _Ctx:
        state = None
        kind = "ul"
        depth = 0
        for entry in reversed(self._stack[-SCOPE_SEARCH:]):
            if entry.list_state is not None:
                if state is None:
                    state = entry.list_state
                    kind = entry.tag
                depth += 1
        if state is None or kind == "ul" or state[1] == 0:
            marker = BULLETS[max(depth - 1, 0) % len(BULLETS)]
        else:
            value = dict(attrs).get("value")
            if value and value.strip().lstrip("-").isdigit():
                state[0] = int(value)
            marker = f"{state[0]}. "
            state[0] += state[1]
        return _Ctx(marker, " " * len(marker))

    def _link_target(self, attrs: list[tuple[str, str | None]]) -> str | None:
        href = (dict(attrs).get("href") or "").strip()
        if not href or href.startswith("#"):
            return None  # no target, or an in-page anchor (footnote refs, tables of contents)
        if href.lower().startswith(_UNSAFE_SCHEMES):
            return None
        if self.base_url:
            try:
                href = urljoin(self.base_url, href)
            except ValueError:
                return None
        return safe_url(href)

    def _footnote(self, url: str) -> int:
        num = self._link_num.get(url)
        if num is None:
            self.links.append(url)
            num = self._link_num[url] = len(self.links)
        return num

    def finish(self) -> None:
        self.close()
        while self._stack:
            self._pop()
        self._flush()


_A = frozenset({"a"})
_P = frozenset({"p"})
_P_SCOPE = frozenset(CLOSES_P - {"p"}) | {"td", "th", "button"}
_LI = frozenset({"li"})
_LISTS = frozenset({"ul", "ol", "menu"})
_DTDD = frozenset({"dt", "dd"})
_DL = frozenset({"dl"})
_CELLS = frozenset({"td", "th"})
_ROW = frozenset({"tr", "table"})
_TR = frozenset({"tr"})
_TABLE = frozenset({"table"})


def _list_state(tag: str, attrs: list[tuple[str, str | None]]) -> list[int]:
    """[next number, step] for an <ol> (start=, reversed); step 0 marks a bulleted list."""
    if tag != "ol":
        return [1, 0]
    a = dict(attrs)
    start = (a.get("start") or "").strip()
    try:
        first = int(start) if start else 1
    except ValueError:
        first = 1
    return [first, -1 if "reversed" in a else 1]


def _tidy(lines: list[list[Span]]) -> list[list[Span]]:
    """Drop trailing spaces, leading/trailing blank lines and runs of blank lines."""
    out: list[list[Span]] = []
    prev_blank = True
    for line in lines:
        while line and not line[-1].text.strip(" "):
            line.pop()
        if line:
            last = line[-1]
            stripped = last.text.rstrip(" ")
            if stripped != last.text:
                line[-1] = Span(stripped, last.style)
        blank = all(span.text.strip(" │") == "" for span in line)
        if blank and prev_blank:
            continue
        out.append(line)
        prev_blank = blank
    while out and all(span.text.strip(" │") == "" for span in out[-1]):
        out.pop()
    return out


def _render_plain(text: str) -> list[list[Span]]:
    lines: list[list[Span]] = []
    for para in _BLANK_SPLIT.split(clean_text(_html.unescape(text))):
        para = _WS.sub(" ", para).strip(" ")
        if para:
            if lines:
                lines.append([])
            lines.append([Span(para)])
    return lines


def render_html(html: str, base_url: str | None = None, max_chars: int = 200_000) -> Rendered:
    """Render feed HTML (or plain text) as styled logical lines with numbered link footnotes.

    Hrefs are resolved against base_url; only http(s) targets get a number. Input beyond
    max_chars is cut (at a tag boundary) and a "[… truncated]" line ends the text.
    """
    if not html:
        return Rendered([], [])
    truncated = len(html) > max_chars
    if truncated:
        html = html[:max_chars]
        lt = html.rfind("<")
        if lt > html.rfind(">"):
            html = html[:lt]  # do not leave half a tag for the parser to show as text
    if not _HAS_TAG.search(html):
        lines = _render_plain(html)
        links: list[str] = []
    else:
        parser = _Renderer(base_url)
        parser.feed(html)
        parser.finish()
        lines = _tidy(parser.lines)
        links = parser.links
    if truncated:
        if lines:
            lines.append([])
        lines.append([Span(TRUNCATED, "dim")])
    return Rendered(lines, links, truncated)


# Our style names to Rich style strings (theme-neutral: attributes rather than colours,
# except code, which needs to stand apart from prose).
RICH_STYLES = {
    "bold": "bold",
    "italic": "italic",
    "code": "cyan",
    "link": "underline",
    "heading": "bold",
    "quote": "italic",
    "dim": "dim",
}
_rich_cache: dict[str, str] = {}


def _rich_style(style: str) -> str:
    mapped = _rich_cache.get(style)
    if mapped is None:
        parts: list[str] = []
        for name in style.split():
            for attr in RICH_STYLES.get(name, "").split():
                if attr not in parts:
                    parts.append(attr)
        mapped = _rich_cache[style] = " ".join(parts)
    return mapped


def to_rich_text(rendered: Rendered, footnotes: bool = True) -> Text:
    """A Rich Text of the rendered article (footnote list at the end when footnotes is True).

    Built only with Text.append(str, style), so feed text is never parsed as markup.
    """
    from rich.text import Text

    text = Text(end="")
    append = text.append
    first = True
    for line in rendered.lines:
        if not first:
            append("\n")
        first = False
        for span in line:
            append(span.text, _rich_style(span.style) if span.style else None)
    if footnotes and rendered.links:
        if not first:
            append("\n\n")
        for n, url in enumerate(rendered.links, 1):
            if n > 1:
                append("\n")
            append(f"[{n}] ", "dim")
            append(url, "underline")
    return text
