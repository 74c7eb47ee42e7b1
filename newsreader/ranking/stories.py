"""Stories from the store: the glue between the store and the pure ranking modules.

Only articles inside the trending window are read from the store (one indexed range query).
"""

from __future__ import annotations

from newsreader.config import Settings
from newsreader.model import RankItem, TrendingStory
from newsreader.ranking.trending import TrendingCache, trending
from newsreader.store import Store


def trending_stories(
    store: Store, settings: Settings, now: float, cache: TrendingCache | None = None
) -> list[TrendingStory]:
    t = settings.trending
    items = [
        RankItem(
            id=r[0],
            feed_id=r[1],
            feed_title=r[2],
            title=r[3],
            link=r[4],
            published=r[5],
            section=r[6],
            rank=r[7],
        )
        for r in store.recent(now - t.window_hours * 3600.0)
    ]
    stories = trending(
        items,
        now,
        window_hours=t.window_hours,
        half_life_hours=t.half_life_hours,
        size=t.size,
        min_sources=t.min_sources,
        cache=cache,
    )
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
