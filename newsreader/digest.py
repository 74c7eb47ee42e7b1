"""The daily digest: top stories with their sources, the newest opinion, per-tag highlights.

:func:`build_digest` reads the store (only the period's articles); the ``render_*`` functions
turn the result into text, Markdown, HTML (one self-contained file for a mail client: inline
styles, no scripts, no external resources) or JSON. Every string from a feed is untrusted:
control characters are stripped everywhere, HTML and Markdown escape it, and only http(s)
links are ever written as links.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from newsreader.config import Settings
from newsreader.model import ArticleRow, TrendingStory, View
from newsreader.ranking.stories import age_text, trending_stories
from newsreader.sanitize import clean_line, json_text, safe_url
from newsreader.store import Store, iso

FORMATS = ("text", "markdown", "html", "json")
OPINION_SIZE = 10
PER_TAG = 5

_SINCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw]?)\s*$", re.IGNORECASE)
_UNIT = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "": 3600}


def parse_since(text: str) -> float:
    """'24h', '90m', '2d', '1w' (a bare number is hours) -> seconds; ValueError otherwise."""
    m = _SINCE.match(text)
    if not m or float(m[1]) <= 0:
        raise ValueError(f"not a period: {text!r} (try 24h, 90m, 2d or 1w)")
    return float(m[1]) * _UNIT[m[2].lower()]


@dataclass(slots=True)
class Digest:
    now: float
    since: float  # epoch seconds: the period starts here
    stories: list[TrendingStory] = field(default_factory=list)
    opinion: list[ArticleRow] = field(default_factory=list)
    tags: list[tuple[str, list[ArticleRow]]] = field(default_factory=list)  # tag, newest first

    @property
    def empty(self) -> bool:
        return not (self.stories or self.opinion or self.tags)


def build_digest(store: Store, settings: Settings, now: float, period: float) -> Digest:
    """The digest of the ``period`` seconds before ``now``."""
    since = now - period
    stories = trending_stories(store, settings, now, window_hours=period / 3600.0)
    opinion = [
        r
        for r in store.page(View(opinion=True), limit=OPINION_SIZE)
        if r.sort_ts >= since and r.sort_ts <= now
    ]
    shown = {a.id for s in stories for a in s.members} | {r.id for r in opinion}
    links = {a.link for s in stories for a in s.members if a.link}
    tags: list[tuple[str, list[ArticleRow]]] = []
    for tag in sorted(store.tag_counts(), key=str.casefold):
        picked = _highlights(store, tag, since, now, shown, links)
        if picked:
            tags.append((tag, picked))
    return Digest(now=now, since=since, stories=stories, opinion=opinion, tags=tags)


def _highlights(
    store: Store, tag: str, since: float, now: float, shown: set[int], links: set[str]
) -> list[ArticleRow]:
    """A tag's newest articles of the period that the digest does not show yet."""
    picked: list[ArticleRow] = []
    after: tuple[float, int] | None = None
    size = PER_TAG * 4
    for _ in range(4):  # a few pages at most, however busy the tag
        page = store.page(View(tag=tag), after=after, limit=size)
        for r in page:
            if r.sort_ts < since:
                return picked
            if r.sort_ts > now or r.id in shown or (r.link and r.link in links):
                continue
            picked.append(r)
            shown.add(r.id)
            if r.link:
                links.add(r.link)  # the same article carried by two tagged feeds shows once
            if len(picked) == PER_TAG:
                return picked
        if len(page) < size:
            break
        after = page[-1].cursor
    return picked


# -- shared wording ----------------------------------------------------------------------------


def _date(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%a %d %b %Y, %H:%M UTC")


def _heading(d: Digest) -> tuple[str, str]:
    hours = (d.now - d.since) / 3600.0
    period = f"{hours:g} hours" if hours < 48 else f"{hours / 24:g} days"
    return "News digest", f"{_date(d.now)}, the last {period}"


def _is_opinion(r: ArticleRow) -> bool:
    return r.opinion or r.section == "opinion"


def _by(r: ArticleRow) -> str:
    return clean_line(r.author, 80)


def _story_meta(d: Digest, s: TrendingStory) -> str:
    lead = next((m for m in s.members if m.id == s.lead_id), s.members[0])
    return f"{s.sources_text}, {age_text(d.now - lead.sort_ts)} ago"


def _lead(s: TrendingStory) -> ArticleRow:
    return next((m for m in s.members if m.id == s.lead_id), s.members[0])


_EMPTY = "Nothing new in this period."


# -- text --------------------------------------------------------------------------------------


def render_text(d: Digest) -> str:
    title, sub = _heading(d)
    out = [f"{title}: {sub}", ""]
    if d.empty:
        out.append(_EMPTY)
    if d.stories:
        out += ["TOP STORIES", ""]
        for n, s in enumerate(d.stories, 1):
            out.append(f"{n}. {clean_line(s.title, 300)} ({_story_meta(d, s)})")
            for a in s.members:
                out.append(f"   - {clean_line(a.feed_title, 60)}: {clean_line(a.title, 300)}")
                link = safe_url(a.link)
                if link:
                    out.append(f"     {link}")
            out.append("")
    if d.opinion:
        out += ["OPINION", ""]
        for r in d.opinion:
            by = f" by {_by(r)}" if _by(r) else ""
            out.append(f"- {clean_line(r.title, 300)} ({clean_line(r.feed_title, 60)}{by})")
            link = safe_url(r.link)
            if link:
                out.append(f"  {link}")
        out.append("")
    for tag, rows in d.tags:
        out += [f"#{clean_line(tag, 60)}", ""]
        for r in rows:
            out.append(f"- {clean_line(r.title, 300)} ({clean_line(r.feed_title, 60)})")
            link = safe_url(r.link)
            if link:
                out.append(f"  {link}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- Markdown ----------------------------------------------------------------------------------

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can
# start markup inside a line (emphasis, links, code, raw HTML, entities, tables, strikeout).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|&~])")
_MD_LIST_START = re.compile(r"^(\d+)([.)])")


def md(text: str | None, limit: int = 300) -> str:
    """Feed text as literal Markdown text on one line."""
    text = _MD_SPECIAL.sub(r"\\\1", clean_line(text, limit))
    text = _MD_LIST_START.sub(r"\1\\\2", text)  # "1. x" would start a list
    if text.startswith("-"):
        text = "\\" + text
    return text


def _md_url(url: str) -> str:
    # Parentheses, angle brackets, quotes and spaces would end or break a link destination.
    return quote(url, safe=":/?#[]@!$&*+,;=%~-._")


def _md_link(text: str | None, url: str | None) -> str:
    link = safe_url(url)
    return f"[{md(text)}]({_md_url(link)})" if link else md(text)


def render_markdown(d: Digest) -> str:
    title, sub = _heading(d)
    out = [f"# {title}", "", f"*{md(sub)}*", ""]
    if d.empty:
        out += [_EMPTY, ""]
    if d.stories:
        out += ["## Top stories", ""]
        for n, s in enumerate(d.stories, 1):
            lead = _lead(s)
            out.append(f"### {n}\\. {_md_link(s.title, lead.link)}")
            out += ["", f"*{md(_story_meta(d, s))}*", ""]
            for a in s.members:
                out.append(f"- **{md(a.feed_title, 60)}**: {_md_link(a.title, a.link)}")
            out.append("")
    if d.opinion:
        out += ["## Opinion", ""]
        for r in d.opinion:
            by = f", {md(_by(r))}" if _by(r) else ""
            out.append(f"- {_md_link(r.title, r.link)} ({md(r.feed_title, 60)}{by})")
        out.append("")
    if d.tags:
        out += ["## By tag", ""]
        for tag, rows in d.tags:
            out += [f"### {md(tag, 60)}", ""]
            for r in rows:
                out.append(f"- {_md_link(r.title, r.link)} ({md(r.feed_title, 60)})")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- HTML --------------------------------------------------------------------------------------

# Inline styles only: many mail clients drop <style> blocks and every external resource.
_FONT = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif"
_S = {
    "body": f"margin:0;padding:0;background:#f4f4f2;color:#1d1d1b;{_FONT}",
    "wrap": "max-width:640px;margin:0 auto;padding:24px 20px;background:#ffffff",
    "h1": "margin:0 0 4px;font-size:24px;line-height:1.3",
    "sub": "margin:0 0 24px;color:#6b6b66;font-size:14px",
    "h2": (
        "margin:28px 0 12px;padding-bottom:4px;border-bottom:2px solid #1d1d1b;"
        "font-size:13px;letter-spacing:1px;text-transform:uppercase"
    ),
    "h3": "margin:18px 0 2px;font-size:18px;line-height:1.35",
    "meta": "margin:0 0 6px;color:#6b6b66;font-size:13px",
    "ul": "margin:0 0 8px;padding-left:20px",
    "li": "margin:0 0 6px;font-size:15px;line-height:1.45",
    "feed": "color:#6b6b66",
    "a": "color:#0b57a4;text-decoration:none",
    "mark": (
        "display:inline-block;padding:0 5px;border-radius:3px;background:#efe7d6;"
        "color:#6b4e16;font-size:11px;text-transform:uppercase"
    ),
    "foot": "margin:28px 0 0;color:#9a9a94;font-size:12px",
}


def _e(text: str | None, limit: int = 300) -> str:
    return html.escape(clean_line(text, limit), quote=True)


def _a(text: str | None, url: str | None) -> str:
    link = safe_url(url)
    if not link:
        return _e(text)
    return f'<a href="{html.escape(link, quote=True)}" style="{_S["a"]}">{_e(text)}</a>'


def _li(body: str) -> str:
    return f'<li style="{_S["li"]}">{body}</li>'


def render_html(d: Digest) -> str:
    title, sub = _heading(d)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}: {_e(sub)}</title></head>",
        f'<body style="{_S["body"]}"><div style="{_S["wrap"]}">',
        f'<h1 style="{_S["h1"]}">{_e(title)}</h1>',
        f'<p style="{_S["sub"]}">{_e(sub)}</p>',
    ]
    if d.empty:
        out.append(f"<p>{_e(_EMPTY)}</p>")
    if d.stories:
        out.append(f'<h2 style="{_S["h2"]}">Top stories</h2>')
        for s in d.stories:
            out.append(f'<h3 style="{_S["h3"]}">{_a(s.title, _lead(s).link)}</h3>')
            out.append(f'<p style="{_S["meta"]}">{_e(_story_meta(d, s))}</p>')
            out.append(f'<ul style="{_S["ul"]}">')
            for a in s.members:
                feed = f'<span style="{_S["feed"]}">{_e(a.feed_title, 60)}:</span>'
                out.append(_li(f"{feed} {_a(a.title, a.link)}"))
            out.append("</ul>")
    if d.opinion:
        out.append(f'<h2 style="{_S["h2"]}">Opinion</h2>')
        out.append(f'<ul style="{_S["ul"]}">')
        for r in d.opinion:
            by = f", {_e(_by(r))}" if _by(r) else ""
            feed = f'<span style="{_S["feed"]}">{_e(r.feed_title, 60)}{by}</span>'
            out.append(_li(f"{_a(r.title, r.link)}<br>{feed}"))
        out.append("</ul>")
    if d.tags:
        out.append(f'<h2 style="{_S["h2"]}">By tag</h2>')
        for tag, rows in d.tags:
            out.append(f'<h3 style="{_S["h3"]}">{_e(tag, 60)}</h3>')
            out.append(f'<ul style="{_S["ul"]}">')
            for r in rows:
                mark = f' <span style="{_S["mark"]}">opinion</span>' if _is_opinion(r) else ""
                feed = f'<span style="{_S["feed"]}">{_e(r.feed_title, 60)}</span>'
                out.append(_li(f"{_a(r.title, r.link)}{mark}<br>{feed}"))
            out.append("</ul>")
    out.append(f'<p style="{_S["foot"]}">Made by newsreader from your subscriptions.</p>')
    out.append("</div></body></html>")
    return "\n".join(out) + "\n"


# -- JSON --------------------------------------------------------------------------------------


def _article(r: ArticleRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "feed": r.feed_url,
        "feed_title": clean_line(r.feed_title),
        "title": clean_line(r.title),
        "link": safe_url(r.link),
        "author": clean_line(r.author) or None,
        "published": iso(r.sort_ts),
        "opinion": _is_opinion(r),
    }


def render_json(d: Digest) -> str:
    data = {
        "generated": iso(d.now),
        "since": iso(d.since),
        "stories": [
            {
                "title": clean_line(s.title),
                "sources": s.sources,
                "lead_id": s.lead_id,
                "articles": [_article(a) for a in s.members],
            }
            for s in d.stories
        ],
        "opinion": [_article(r) for r in d.opinion],
        "tags": [{"tag": clean_line(t), "articles": [_article(r) for r in rs]} for t, rs in d.tags],
    }
    return json_text(data) + "\n"


RENDERERS = {
    "text": render_text,
    "markdown": render_markdown,
    "html": render_html,
    "json": render_json,
}


def render(d: Digest, fmt: str) -> str:
    return RENDERERS[fmt](d)
