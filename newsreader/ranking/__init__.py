"""Ranking: which stories are trending across feeds, and which articles are opinion.

- ``words``: shared word handling (folding, stop words, stemming, headline word sets).
- ``clusters``: pure clustering of recent headlines into stories, and their scores.
- ``opinion``: the opinion classifier a refresh runs per article.
- ``stories``: the store-backed side (reads the window, returns ``TrendingStory`` rows);
  it imports the store, so it is not imported here: ``newsreader.ranking`` stays free of
  SQLite and Textual.
"""

from __future__ import annotations

from newsreader.model import DEFAULT_OPINION_KEYWORDS, RankItem
from newsreader.ranking.clusters import Story, TrendingCache, trending
from newsreader.ranking.opinion import is_opinion
from newsreader.ranking.words import normalise_title

__all__ = [
    "DEFAULT_OPINION_KEYWORDS",
    "RankItem",
    "Story",
    "TrendingCache",
    "is_opinion",
    "normalise_title",
    "trending",
]
