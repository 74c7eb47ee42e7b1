"""Stories from the store: the glue between the store and the pure ranking modules.

Only articles inside one trending window are read from the store (one indexed range query),
with the start of each summary (``RankItem.summary``: the matching's second signal).
:func:`trending_stories` is what the sidebar and ``newsreader trending`` show;
:func:`story` is one story's full coverage (``newsreader story ID``, the story screen).
"""

from __future__ import annotations

import zlib

from newsreader.config import Settings
from newsreader.model import RankItem, TrendingStory
from newsreader.ranking.clusters import Story, TrendingCache, story_of, trending
from newsreader.ranking.words import SUMMARY_CHARS
from newsreader.store import Store

# Store.recent()'s columns, then the start of the summary (the matching's second signal: its
# first ~300 characters of text, so a little more of the HTML it is stored as, text or, from
# 200 bytes on, deflated: a deflated prefix inflates to the text's start). With a
# TrendingCache the last column is the article's content hash instead, and only summaries
# the cache has not seen at that hash are read (_SUMMARIES_SQL): a warm run reads the few
# new ones.
_SUMMARY_BYTES = SUMMARY_CHARS * 3
_SUMMARY = f"substr(a.summary_html, 1, {_SUMMARY_BYTES})"
_FROM = "FROM articles AS a INDEXED BY articles_sort JOIN feeds AS f ON f.id = a.feed_id "
_RECENT = "WHERE a.sort_ts >= ? ORDER BY a.sort_ts DESC, a.id DESC"
_WINDOW = "WHERE a.sort_ts >= ? AND a.sort_ts <= ? ORDER BY a.sort_ts DESC, a.id DESC"
_COLUMNS = (
    "SELECT a.id, a.feed_id, COALESCE(f.title, f.url), a.title, a.link, a.sort_ts, "
    "f.section, a.feed_rank, "
)
_SUMMARIES_SQL = f"SELECT a.id, {_SUMMARY} FROM articles AS a WHERE a.id IN "


def _window_rows(
    store: Store, cache: TrendingCache | None, start: float, end: float | None = None
) -> list[RankItem]:
    """The RankItems of articles sorted at ``start`` or later (and ``end`` or earlier)."""
    last = "a.content_hash " if cache is not None else _SUMMARY + " "
    where = _RECENT if end is None else _WINDOW
    args = (start,) if end is None else (start, end)
    rows = store.db.execute(_COLUMNS + last + _FROM + where, args).fetchall()
    if cache is None:
        summaries = [_text(r[8]) for r in rows]
    else:
        memo, seen = cache.summaries, {}
        missing = [r[0] for r in rows if (hit := memo.get(r[0])) is None or hit[0] != r[8]]
        read: dict[int, str] = {}
        for k in range(0, len(missing), 500):  # SQLite's bound-variable limit
            chunk = missing[k : k + 500]
            sql = _SUMMARIES_SQL + "(" + ",".join("?" * len(chunk)) + ")"
            read.update((aid, _text(raw)) for aid, raw in store.db.execute(sql, chunk))
        summaries = []
        for r in rows:
            text = read.get(r[0])
            hit = (r[8], text) if text is not None else memo.get(r[0], (r[8], ""))
            seen[r[0]] = hit
            summaries.append(hit[1])
        cache.summaries = seen
    return [
        RankItem(
            id=r[0],
            feed_id=r[1],
            feed_title=r[2],
            title=r[3],
            link=r[4],
            published=r[5],
            section=r[6],
            rank=r[7],
            summary=summary,
        )
        for r, summary in zip(rows, summaries, strict=True)
    ]


def _text(raw: str | bytes | None) -> str:
    """The start of a stored summary as text (HTML: words.summary_text drops the tags)."""
    if not raw:
        return ""
    if isinstance(raw, str):
        return raw
    try:  # deflated (store.schema.pack): its first bytes inflate to the text's start
        data = zlib.decompressobj(-15).decompress(raw, _SUMMARY_BYTES * 4)
    except zlib.error:
        return ""
    return data.decode("utf-8", "ignore")


def _rows(store: Store, stories: list[Story]) -> list[TrendingStory]:
    rows = store.rows([a.id for s in stories for a in s.articles])
    return [
        TrendingStory(
            title=s.title,
            sources=s.sources,
            score=s.score,
            members=[rows[a.id] for a in s.articles if a.id in rows],
            lead_id=s.lead.id,
        )
        for s in stories
    ]


def trending_stories(
    store: Store,
    settings: Settings,
    now: float,
    cache: TrendingCache | None = None,
    *,
    window_hours: float | None = None,
) -> list[TrendingStory]:
    """The top stories; ``window_hours`` overrides the configured window (the digest)."""
    t = settings.trending
    window = t.window_hours if window_hours is None else window_hours
    items = _window_rows(store, cache, now - window * 3600.0)
    stories = trending(
        items,
        now,
        window_hours=window,
        half_life_hours=t.half_life_hours,
        size=t.size,
        min_sources=t.min_sources,
        cache=cache,
    )
    return _rows(store, stories)


def story(
    store: Store,
    settings: Settings,
    article_id: int,
    now: float,
    cache: TrendingCache | None = None,
) -> TrendingStory | None:
    """Every source's article of the story ``article_id`` belongs to, newest first.

    None when there is no such article; a story of one when no other feed carries it.
    An article inside the trending window is matched against that window, so the story is
    the one the sidebar shows; an older one against a window of the same width around it.
    """
    row = store.rows([article_id]).get(article_id)
    if row is None:
        return None
    t = settings.trending
    width = t.window_hours * 3600.0
    if row.sort_ts >= now - width:
        items = _window_rows(store, cache, now - width)
    else:
        items = _window_rows(store, cache, row.sort_ts - width / 2, row.sort_ts + width / 2)
    found = story_of(items, article_id, now, half_life_hours=t.half_life_hours, cache=cache)
    return _rows(store, [found])[0] if found is not None else None


def age_text(seconds: float) -> str:
    """A short age for a list column: "now", "5m", "3h", "2d", "6w"."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 14 * 86400:
        return f"{int(seconds // 86400)}d"
    return f"{int(seconds // (7 * 86400))}w"
