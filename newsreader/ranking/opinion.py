"""Opinion pieces: which articles are opinion, from feed section, categories and link.

Rule (:func:`is_opinion`)
-------------------------
An article is opinion when its feed's section is ``"opinion"``, or a category contains a
keyword as whole word(s), or a link *directory* segment contains one, or the link's last
segment *is* one. Words are casefolded, accent-folded and split on anything not a letter or
digit, so "Op-Ed", "op_ed" and "OP ED" all match "op-ed". A simple plural of the keyword's
last word matches too ("Blogs", "Opinions", "Interviews", "analyses"). The last path
segment (the article's slug, after dropping trailing numeric/"amp"/"index" segments and a
file extension) must equal a keyword: a news slug like ``/news/why-i-quit-my-blog`` is not
opinion, but ``/blog/why-i-quit`` and ``/2025/03/op-ed/slug`` are. The host name and the
body are never looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from newsreader.model import DEFAULT_OPINION_KEYWORDS
from newsreader.ranking.words import fold, fold_words


@lru_cache(maxsize=64)
def _keyword_words(keywords: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    out = []
    for k in keywords:
        words = tuple(fold_words(k))
        if words:
            out.append(words)
    return tuple(out)


@lru_cache(maxsize=64)
def _keyword_stems(kws: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    return tuple(kw[0][:4] for kw in kws)


def _word_is(word: str, kw: str) -> bool:
    """``word`` is ``kw`` or a simple plural of it."""
    return (
        word == kw
        or word == kw + "s"
        or word == kw + "es"
        or (kw.endswith("is") and word == kw[:-2] + "es")  # analysis -> analyses
        or (kw.endswith("y") and word == kw[:-1] + "ies")
    )


def _has_phrase(words: list[str], kw: tuple[str, ...]) -> bool:
    n = len(kw)
    for i in range(len(words) - n + 1):
        if all(words[i + k] == kw[k] for k in range(n - 1)) and _word_is(words[i + n - 1], kw[-1]):
            return True
    return False


def _is_phrase(words: list[str], kw: tuple[str, ...]) -> bool:
    return len(words) == len(kw) and _has_phrase(words, kw)


_TRAILING_SEGMENTS = frozenset({"amp", "index", "index.html", "index.htm", "print"})
_EXTENSION = re.compile(r"\.(?:s?html?|php|aspx?|jsp)$", re.IGNORECASE)


def is_opinion(
    section: str,
    categories: Iterable[str],
    link: str | None,
    keywords: Iterable[str] = DEFAULT_OPINION_KEYWORDS,
) -> bool:
    """Whether an article is opinion: by feed section, categories or link path segments."""
    if section.strip().lower() == "opinion":
        return True
    kws = _keyword_words(tuple(keywords))
    if not kws:
        return False
    # Fast path (a refresh classifies every new article): any match contains the start of
    # a keyword's first word, so most news items are ruled out by one substring scan.
    haystack = fold(" ".join(categories) + " " + (link or ""))
    if not any(stem in haystack for stem in _keyword_stems(kws)):
        return False
    for category in categories:
        words = fold_words(category)
        if any(_has_phrase(words, kw) for kw in kws):
            return True
    if not link:
        return False
    try:
        path = unquote(urlsplit(link).path)
    except ValueError:
        return False
    segments = [s for s in path.split("/") if s]
    while segments and (segments[-1].isdigit() or segments[-1].lower() in _TRAILING_SEGMENTS):
        segments.pop()
    if not segments:
        return False
    *directories, slug = segments
    for seg in directories:
        words = fold_words(seg)
        if any(_has_phrase(words, kw) for kw in kws):
            return True
    slug_words = fold_words(_EXTENSION.sub("", slug))
    return any(_is_phrase(slug_words, kw) for kw in kws)
