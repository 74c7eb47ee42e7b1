"""The reader's filter language, used by `[[rules]]`, `[[views]]` and `/` search.

    title ~ "sponsored|advertorial" or author = "PR Desk"
    (tag = space or text contains mars) and age < 2d and not starred
    rover landing                       # bare words: text contains each

Fields: title, author, feed (title or url), tag (the feed's tags, the article's categories
or a tag a rule gave it), section, text (title + body, through the full-text index), link, age, and the
flags unread, starred, opinion. Operators: = != ~ (regex, case-insensitive) contains < >
(age only); and, or, not, parentheses; implicit `and` between terms. Strings are quoted with
"..." or '...' (backslash escapes the quote).

`compile_query` turns a query into one SQL condition over `articles AS a` with `?`
parameters: user text is never pasted into SQL. Regexes and case-insensitive `contains` run
in Python functions (`SQL_FUNCTIONS`) the store registers on its connections. Pure: no store import.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from newsreader.model import NewsreaderError

TEXT_FIELDS = ("title", "author", "feed", "tag", "section", "text", "link")
FLAG_FIELDS = ("unread", "starred", "opinion")
FIELDS = (*TEXT_FIELDS, "age", *FLAG_FIELDS)
OPERATORS = ("=", "!=", "~", "contains", "<", ">")
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}

# Longest first, so "!=" is not read as "!" "=".
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<open>"|')
  | (?P<op>!=|=|~|<|>)
  | (?P<paren>[()])
  | (?P<word>[^\s()"'=!~<>]+)
  | (?P<bad>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class QueryError(NewsreaderError):
    """A query that does not parse: `line:column: what was expected`."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.line = line
        self.column = column
        self.reason = message


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # string | op | paren | word | end
    text: str
    pos: int  # offset in the query


@dataclass(frozen=True, slots=True)
class Compiled:
    """A query as SQL: `sql` is a condition over `articles AS a`; `params` fill its `?`."""

    sql: str
    params: tuple[object, ...]
    source: str


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "bad"
        if kind == "space":
            continue
        if kind == "open":
            raise _error(text, m.start(), "unterminated string: add the closing quote")
        if kind == "bad":
            raise _error(text, m.start(), f"unexpected {m.group()!r}")
        if kind == "string":
            raw = m.group()[1:-1]
            out.append(_Tok("string", re.sub(r"\\(.)", r"\1", raw, flags=re.DOTALL), m.start()))
        else:
            out.append(_Tok(kind, m.group(), m.start()))
    out.append(_Tok("end", "", len(text)))
    return out


def _error(text: str, pos: int, message: str) -> QueryError:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return QueryError(message, line, column)


def _describe(tok: _Tok) -> str:
    if tok.kind == "end":
        return "the end of the query"
    return repr(tok.text) if tok.kind != "string" else f'"{tok.text}"'


class _Parser:
    def __init__(self, text: str, now: float) -> None:
        self.text = text
        self.now = now
        self.toks = _tokens(text)
        self.i = 0
        self.params: list[object] = []

    # -- helpers ---------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> _Tok:
        return self.toks[min(self.i + ahead, len(self.toks) - 1)]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i = min(self.i + 1, len(self.toks) - 1)
        return tok

    def keyword(self, tok: _Tok, *words: str) -> bool:
        return tok.kind == "word" and tok.text.lower() in words

    def fail(self, tok: _Tok, message: str) -> QueryError:
        return _error(self.text, tok.pos, message)

    def param(self, value: object) -> str:
        self.params.append(value)
        return "?"

    # -- grammar ---------------------------------------------------------------------------

    def parse(self) -> str:
        if self.peek().kind == "end":
            raise self.fail(self.peek(), "empty query")
        sql = self.or_expr()
        tok = self.peek()
        if tok.kind != "end":
            message = "unmatched ')'" if tok.text == ")" else f"unexpected {_describe(tok)}"
            raise self.fail(tok, message)
        return sql

    def or_expr(self) -> str:
        parts = [self.and_expr()]
        while self.keyword(self.peek(), "or"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def and_expr(self) -> str:
        parts = [self.not_expr()]
        while True:
            tok = self.peek()
            if self.keyword(tok, "and"):
                self.take()
            elif tok.kind == "end" or tok.text == ")" or self.keyword(tok, "or"):
                break
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def not_expr(self) -> str:
        if self.keyword(self.peek(), "not"):
            self.take()
            return f"NOT {self.not_expr()}"
        return self.atom()

    def atom(self) -> str:
        tok = self.peek()
        if tok.kind == "paren" and tok.text == "(":
            self.take()
            if self.peek().text == ")":
                raise self.fail(self.peek(), "expected a condition inside '()'")
            inner = self.or_expr()
            close = self.peek()
            if close.text != ")":
                raise self.fail(close, f"expected ')' but found {_describe(close)}")
            self.take()
            return inner
        if tok.kind == "end":
            raise self.fail(tok, "expected a condition at the end of the query")
        if tok.kind == "op" or tok.text == ")" or self.keyword(tok, "and", "or"):
            raise self.fail(tok, f"expected a condition before {_describe(tok)}")
        nxt = self.peek(1)
        if tok.kind == "word" and tok.text.lower() in FIELDS and self._is_operator(nxt):
            self.take()
            op = self.take()
            return self.condition(tok, op)
        if tok.kind == "word" and tok.text.lower() in FLAG_FIELDS:
            self.take()
            return self.flag(tok.text.lower(), True)
        if tok.kind == "word" and self._is_operator(nxt):
            raise self.fail(tok, f"unknown field {tok.text!r} (fields: {', '.join(FIELDS)})")
        self.take()
        return self.text_contains(tok.text)

    def _is_operator(self, tok: _Tok) -> bool:
        return tok.kind == "op" or self.keyword(tok, "contains")

    def condition(self, field: _Tok, op_tok: _Tok) -> str:
        name = field.text.lower()
        op = op_tok.text.lower()
        value = self.peek()
        if value.kind not in ("word", "string") or (
            value.kind == "word" and value.text.lower() in ("and", "or", "not")
        ):
            raise self.fail(value, f"expected a value after '{op_tok.text}'")
        self.take()
        if name == "age":
            return self.age(op, value)
        if op in ("<", ">"):
            raise self.fail(
                op_tok, f"'{op}' compares ages only (age < 2d); use =, !=, ~ or contains"
            )
        if name in FLAG_FIELDS:
            if op not in ("=", "!="):
                raise self.fail(op_tok, f"{name} takes = or != (true/false)")
            word = value.text.lower()
            if word not in _TRUE | _FALSE:
                raise self.fail(value, f"expected true or false after '{op_tok.text}'")
            return self.flag(name, (word in _TRUE) == (op == "="))
        if op == "~":
            try:
                re.compile(value.text)
            except re.error as exc:
                raise self.fail(value, f"bad regular expression: {exc.msg}") from None
        if name == "text":
            return self.text_test(op, value.text)
        return self.column_test(name, op, value.text)

    # -- fields ----------------------------------------------------------------------------

    def flag(self, name: str, want: bool) -> str:
        if name == "opinion":
            cond = (
                "(a.opinion = 1 OR a.feed_id IN (SELECT id FROM feeds WHERE section = 'opinion'))"
            )
            return cond if want else f"NOT {cond}"
        column = {"unread": "a.read = 0", "starred": "a.starred = 1"}[name]
        return column if want else f"NOT ({column})"

    def age(self, op: str, value: _Tok) -> str:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(m|min|h|d|w)", value.text.lower())
        if m is None:
            raise self.fail(value, "expected an age such as 30m, 6h, 2d or 1w")
        if op not in ("<", ">"):
            raise self.fail(value, "age takes < or > (age < 2d: newer than two days)")
        cutoff = self.now - float(m.group(1)) * _UNITS[m.group(2)]
        # Younger than the age means published after the cutoff.
        return f"a.sort_ts {'>' if op == '<' else '<'} {self.param(cutoff)}"

    def text_contains(self, words: str) -> str:
        return self.text_test("contains", words)

    def text_test(self, op: str, value: str) -> str:
        if op == "~":
            # The body as the search index holds it (stored bodies may be deflated).
            return (
                "nr_regexp("
                + self.param(value)
                + ", a.title || ' ' || nr_search_body(a.fulltext_html, a.content_html, "
                "a.summary_html))"
            )
        match = fts_words(value)
        if not match:
            return "0" if op != "!=" else "1"
        cond = (
            f"a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH {self.param(match)})"
        )
        words = re.findall(r"\w+", value)
        if len(words) > 1:
            # The index keeps no word positions (it is smaller that way): it finds the
            # articles holding every word, and the phrase itself is checked on their text.
            cond = (
                f"({cond} AND nr_contains(a.title || ' ' || nr_search_body(a.fulltext_html, "
                f"a.content_html, a.summary_html), {self.param(' '.join(words))}))"
            )
        return f"NOT {cond}" if op == "!=" else cond

    def column_test(self, name: str, op: str, value: str) -> str:
        if name == "feed":
            inner = (
                self.test("title", op, value, negate=False)
                + " OR "
                + self.test("url", op, value, negate=False)
            )
            cond = f"a.feed_id IN (SELECT id FROM feeds WHERE {inner})"
            return f"NOT {cond}" if op == "!=" else cond
        if name == "section":
            cond = (
                "a.feed_id IN (SELECT id FROM feeds WHERE "
                + self.test("section", op, value, negate=False)
                + ")"
            )
            return f"NOT {cond}" if op == "!=" else cond
        if name == "tag":
            feed_tags = (
                "a.feed_id IN (SELECT feed_id FROM feed_tags WHERE "
                + self.test("tag", op, value, negate=False)
                + ")"
            )
            categories = (
                "EXISTS (SELECT 1 FROM json_each(a.categories) WHERE "
                + self.test("value", op, value, negate=False)
                + ")"
            )
            given = (
                "EXISTS (SELECT 1 FROM json_each(COALESCE(a.rule_tags, '[]')) WHERE "
                + self.test("value", op, value, negate=False)
                + ")"
            )
            cond = f"({feed_tags} OR {categories} OR {given})"
            return f"NOT {cond}" if op == "!=" else cond
        return self.test(f"a.{name}", op, value, negate=op == "!=")

    def test(self, column: str, op: str, value: str, *, negate: bool) -> str:
        """One column against one value; `negate` only for a plain column (IN handles the rest)."""
        if op == "~":
            return f"nr_regexp({self.param(value)}, {column})"
        if op == "contains":
            return f"nr_contains({column}, {self.param(value)})"
        cond = f"nr_equal({column}, {self.param(value)})"
        return f"NOT COALESCE({cond}, 0)" if negate else cond


def fts_words(text: str) -> str:
    """User text as FTS5 terms (every word, each quoted): never FTS syntax, whatever it holds."""
    return " ".join(f'"{w}"' for w in re.findall(r"\w+", text))


def compile_query(text: str, now: float) -> Compiled:
    """Parse and compile a query; `now` (epoch seconds) anchors `age`. Raises QueryError."""
    parser = _Parser(text, now)
    sql = parser.parse()
    return Compiled(sql, tuple(parser.params), text)


def is_plain(text: str) -> bool:
    """Whether `text` is only words to look for (no fields, operators or and/or/not): such
    a search keeps the full-text index's prefix matching ("elect" finds "election")."""
    try:
        toks = _tokens(text)
    except QueryError:
        return False
    return all(
        t.kind in ("word", "end") and t.text.lower() not in ("and", "or", "not", *FLAG_FIELDS)
        for t in toks
    )


def check_query(text: str) -> None:
    """Raise QueryError if `text` does not parse (config validation)."""
    compile_query(text, 0.0)


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _regexp(pattern: str, value: str | None) -> bool:
    return value is not None and _regex(pattern).search(value) is not None


def _contains(value: str | None, needle: str) -> bool:
    return value is not None and needle.casefold() in value.casefold()


def _equal(value: str | None, other: str) -> bool | None:
    return None if value is None else value.casefold() == other.casefold()


# What compiled queries call, for the store to register on each connection (this module
# stays free of sqlite3 so the TUI may parse queries): name -> (arguments, function).
SQL_FUNCTIONS: dict[str, tuple[int, Callable[..., bool | None]]] = {
    "nr_regexp": (2, _regexp),
    "nr_contains": (2, _contains),
    "nr_equal": (2, _equal),
}
