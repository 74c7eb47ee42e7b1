"""Moved to :mod:`newsreader.ranking.stories`; kept so older imports keep working."""

from __future__ import annotations

from newsreader.ranking.stories import trending_stories

__all__ = ["trending_stories"]
