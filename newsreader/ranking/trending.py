"""Trending stories: cluster recent headlines across feeds and score the clusters.

Pure: no Textual, no SQLite. ``stories.py`` reads the in-window rows from the store, wraps
them in ``RankItem`` and calls :func:`trending`; word handling lives in ``words.py``.

Trending rule (NewsBlur-style title clustering)
-----------------------------------------------
1. **Window.** Only items with ``published >= now - window_hours`` take part (items dated
   after ``now`` count as age 0).
2. **Terms** (:func:`words.title_terms`): each headline becomes stemmed words, numbers and
   Chinese/Japanese character pairs, each with a weight from how rare it is in everyday use
   of the headline's language (see ``words.py``); the feed's own name and headline filler
   are dropped.
3. **Terms that link everything are skipped.** A term whose document frequency in the
   window exceeds ``max(DF_FLOOR, DF_FRACTION * n)`` is removed from every headline for
   this run.
4. **Match.** Two headlines match when they share at least ``MIN_SHARED`` (2) terms whose
   weights (the lower of the two sides, summed) reach ``MIN_WEIGHT`` (4.0, about two
   uncommon words or one name and a word) and ``MIN_OVERLAP`` (0.3) of the lighter
   headline's total weight. Two items with the same link always match (one article carried
   by two feeds).
   Candidate pairs come from an inverted index over each headline's *prefix*: all but its
   ``MIN_SHARED - 1`` commonest terms in the window. Two headlines sharing >= MIN_SHARED
   terms must share a prefix term (prefix filtering), so nothing is lost and the commonest
   terms never generate candidate pairs; the work is far below O(n^2).
5. **Merge** matches with union-find, strongest first (transitive: A~B and B~C put A, B, C
   in one story). Two stories of several headlines each join only on ``BRIDGE_MATCHES`` (2)
   matches between them or one of ``BRIDGE_WEIGHT`` (7.0): one headline sharing a couple of
   generic words with another story must not chain the two into one.
6. **Eligible** stories have ``>= min_sources`` distinct feeds, or contain an item from a
   ``section = "trending"`` feed (the site's own "most read" list is shown in its own order).
7. **Score** = for each distinct news/opinion feed in the story,
   ``0.5 ** (age of that feed's freshest member / half_life)``, plus, for each
   ``section = "trending"`` feed in the story, ``1 / (1 + best rank)`` of its members (no
   age decay: the rank is the site's own current judgement). So more sources rank higher, a
   story sinks as it ages, a site's #1 "most read" item is worth one fresh source and its
   list keeps its own order.
8. **Order**: score descending, then the freshest member's ``published`` descending, then
   its ``id`` ascending. The story's ``title`` and ``lead`` are its freshest report: a
   member of a news feed whose headline is not labelled as a piece about the story
   ("Analysis: ...", "Interview: ..."), else the freshest member outside a "most read" list
   (ties: lowest id); ``articles`` are freshest first. Same input, same output.

Weights and thresholds were chosen on ``tests/fixtures/ranking/headlines.json`` (210
headlines, 85 stories in English, German, French, Spanish, Russian and Chinese, 25 feeds,
hard negatives sharing 2-3 words) by a grid over ``ZIPF_CEIL``, ``W_MAX``, ``MIN_WEIGHT``,
``MIN_OVERLAP`` and the bridge weight: the best recall at precision >= 0.97 (a looser rule
for short headlines gained one pair and cost 40% more candidate pairs, so it went).
Pairwise precision / recall / F1 there: the previous rule (3 shared words, 2 outside a
generic list, overlap 0.5, hand stop lists, light English stemming) 0.993 / 0.649 / 0.785;
this one 0.979 / 0.825 / 0.895. On ``holdout.json`` (98 headlines, 40 stories, never tuned
on): before 1.000 / 0.547 / 0.707, after 0.894 / 0.800 / 0.844. What stays apart is mostly
paraphrase without shared words ("AI rules" / "artificial intelligence law", "quake" /
"earthquake"); what wrongly joins is two events of one topic sharing its words. ``tests/unit/test_ranking.py`` prints both sets.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

from newsreader.model import RankItem
from newsreader.ranking.words import fold_words, title_terms

# Matching thresholds (tuned on the labelled headline set, see module docstring).
MIN_SHARED = 2  # terms in common
MIN_WEIGHT = 4.0  # their weight (words.py), summed
MIN_OVERLAP = 0.3  # and that sum over the lighter headline's whole weight
# Two multi-headline stories join on BRIDGE_MATCHES matches, or one of this weight.
BRIDGE_MATCHES = 2
BRIDGE_WEIGHT = 7.0
# A word in more than max(DF_FLOOR, DF_FRACTION * n) in-window titles links everything.
DF_FLOOR = 25
DF_FRACTION = 0.02


@dataclass(slots=True)
class Story:
    title: str  # freshest member's headline
    sources: int  # distinct feeds
    score: float
    articles: list[RankItem]  # members, freshest first
    lead: RankItem  # the freshest report (what selecting the story opens)


class TrendingCache:
    """Memoises each article's weighed terms (words.title_terms) between refreshes.

    Keyed by article id and checked against its title and feed title, so an edited headline
    is recomputed. Each :func:`trending` call keeps only the ids it saw, so the cache follows
    the window instead of growing with the store.
    """

    __slots__ = ("_entries", "hits", "misses")

    def __init__(self) -> None:
        self._entries: dict[int, tuple[str, str, dict[str, float]]] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()

    def _tokens_for(self, items: Sequence[RankItem]) -> list[dict[str, float]]:
        old = self._entries
        new: dict[int, tuple[str, str, dict[str, float]]] = {}
        out: list[dict[str, float]] = []
        hits = 0
        for it in items:
            entry = old.get(it.id)
            if entry is not None and entry[0] == it.title and entry[1] == it.feed_title:
                hits += 1
            else:
                entry = (it.title, it.feed_title, title_terms(it.title, it.feed_title))
            new[it.id] = entry
            out.append(entry[2])
        self._entries = new
        self.hits += hits
        self.misses += len(items) - hits
        return out


# --- clustering ------------------------------------------------------------------------------


def _find(parent: list[int], i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:  # path compression
        parent[i], i = root, parent[i]
    return root


def _union(parent: list[int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        # Lower index becomes the root: deterministic, independent of call order.
        if ra < rb:
            parent[rb] = ra
        else:
            parent[ra] = rb


def _union_sized(parent: list[int], sizes: list[int], ra: int, rb: int) -> int:
    """Join two roots; the lower index stays root. Returns the new root."""
    if rb < ra:
        ra, rb = rb, ra
    parent[rb] = ra
    sizes[ra] += sizes[rb]
    return ra


def _cluster(
    terms: list[dict[str, float]],
    links: list[str | None],
    *,
    min_shared: int = MIN_SHARED,
    min_weight: float = MIN_WEIGHT,
    min_overlap: float = MIN_OVERLAP,
    bridge_weight: float = BRIDGE_WEIGHT,
    use_prefix: bool = True,
) -> list[int]:
    """Union-find parents over items (index order must be deterministic)."""
    n = len(terms)
    parent = list(range(n))
    df = Counter(chain.from_iterable(terms))
    cap = max(DF_FLOOR, int(DF_FRACTION * n))
    common = {w for w, c in df.items() if c > cap}
    if common:
        terms = [
            {w: x for w, x in s.items() if w not in common} if not common.isdisjoint(s) else s
            for s in terms
        ]

    # Prefix filtering over one global order (rarest in the window first, then the term, so
    # the order is total). A match needs >= min_shared terms worth >= min_weight (each counted
    # at the lower of its two weights), so the first shared term in this order lies where at
    # least that much of each headline is still ahead: only those *prefix* terms are indexed
    # and looked up, and the common tail of each headline never generates candidate pairs.
    order = {w: (c, w) for w, c in df.items() if c <= cap}
    key = order.__getitem__
    index: dict[str, list[int]] = {}
    totals = [sum(s.values()) for s in terms]
    keys = [frozenset(s) for s in terms]  # set intersection is cheaper on frozensets
    sizes = [1] * n
    matches: list[tuple[float, int, int]] = []  # (-weight, j, i): strongest first once sorted
    for i, s in enumerate(terms):
        size = len(s)
        if size < min_shared:
            continue
        ranked = sorted(s, key=key)
        ahead = total = totals[i]
        prefix: list[str] = []
        for k, w in enumerate(ranked):
            if ahead < min_weight - 1e-9 or size - k < min_shared:
                break
            prefix.append(w)
            ahead -= s[w]
        postings: list[list[int]] = []
        for w in prefix:
            posting = index.get(w)
            if posting is None:
                index[w] = [i]
            else:
                postings.append(posting)
        if not postings and use_prefix:
            continue
        candidates: Iterable[int] = (
            (postings[0] if len(postings) == 1 else set().union(*postings))
            if use_prefix
            else range(i)  # every earlier headline: the tests' check of the filter
        )
        mine = keys[i]
        for j in candidates:
            both = mine & keys[j]
            if len(both) < min_shared:
                continue
            other = terms[j]
            weight = 0.0
            for w in both:
                a, b = s[w], other[w]
                weight += a if a < b else b
            if weight < min_weight:
                continue
            lighter = total if total < totals[j] else totals[j]
            if weight >= min_overlap * lighter - 1e-9:
                matches.append((-weight, j, i))
        for posting in postings:
            posting.append(i)

    # Strongest matches first. Two stories of several headlines each are only joined by a
    # second match between them (or one very strong one): one headline that shares a couple
    # of generic words with another story ("Commuters face rail strike" / "Commuters
    # relieved as bus strike is called off") must not chain the two into one.
    matches.sort()
    deferred: list[tuple[float, int, int]] = []
    for m in matches:
        ra, rb = _find(parent, m[1]), _find(parent, m[2])
        if ra == rb:
            continue
        if sizes[ra] > 1 and sizes[rb] > 1 and -m[0] < bridge_weight:
            deferred.append(m)
            continue
        _union_sized(parent, sizes, ra, rb)
    bridges: Counter[tuple[int, int]] = Counter()
    for _, a, b in deferred:
        ra, rb = _find(parent, a), _find(parent, b)
        if ra == rb:
            continue
        pair = (ra, rb) if ra < rb else (rb, ra)
        bridges[pair] += 1
        if bridges[pair] >= BRIDGE_MATCHES:
            _union_sized(parent, sizes, ra, rb)

    by_link: dict[str, int] = {}
    for i, link in enumerate(links):
        if link:
            first = by_link.setdefault(link, i)
            if first != i:
                _union(parent, first, i)
    return parent


def _freshest_key(it: RankItem) -> tuple[float, int]:
    return (-it.published, it.id)


_input_order = attrgetter("id", "feed_id", "published")


def _decay(half_life_hours: float) -> float:
    return math.log(0.5) / (max(half_life_hours, 1e-9) * 3600.0)


# A headline labelled as one of these ("Analysis: ...", "The long read: ...") is a piece
# about the story; the story's headline comes from a report of it when there is one.
_FEATURE_LABELS = frozenset(
    [
        "analysis",
        "interview",
        "opinion",
        "comment",
        "column",
        "editorial",
        "explainer",
        "explained",
        "review",
        "podcast",
        "watch",
        "live",
        "blog",
        "perspective",
        "viewpoint",
        "commentary",
        "op",
        "ed",
        "long",
        "read",
        "the",
    ]
)


def _is_feature(title: str) -> bool:
    label, colon, _ = title.partition(":")
    if not colon:
        return False
    words = fold_words(label)
    return 0 < len(words) <= 3 and all(w in _FEATURE_LABELS for w in words) and words[-1] != "the"


def _story(members: list[RankItem], now: float, decay: float) -> Story:
    """Score one cluster (rule 7) and pick its lead; sorts ``members`` freshest first."""
    members.sort(key=_freshest_key)
    fresh: dict[int, float] = {}  # news/opinion feed -> its freshest member's time
    best_rank: dict[int, int] = {}  # trending feed -> its best rank in this story
    for it in members:
        if it.section == "trending":
            r = max(it.rank, 0)
            if r < best_rank.get(it.feed_id, r + 1):
                best_rank[it.feed_id] = r
        elif it.feed_id not in fresh:
            fresh[it.feed_id] = it.published  # members are freshest first
    score = math.fsum(math.exp(decay * max(0.0, now - t)) for t in fresh.values())
    score += math.fsum(1.0 / (1 + r) for r in best_rank.values())
    # A "most read" list is a vote, not another outlet reporting the story: it adds to
    # the score (above) but not to the source count, and never supplies the headline.
    lead = next(
        (it for it in members if it.section == "news" and not _is_feature(it.title)),
        None,
    ) or next((it for it in members if it.section != "trending"), members[0])
    sources = len(fresh) or len({it.feed_id for it in members})
    return Story(lead.title, sources, score, members, lead)


def trending(
    items: Sequence[RankItem],
    now: float,
    *,
    window_hours: float = 48,
    half_life_hours: float = 12,
    size: int = 10,
    min_sources: int = 2,
    cache: TrendingCache | None = None,
) -> list[Story]:
    """The top ``size`` stories among ``items`` (see the module docstring for the rule)."""
    start = now - window_hours * 3600.0
    recent = [it for it in items if it.published >= start]
    if not recent or size <= 0:
        return []
    recent.sort(key=_input_order)
    if cache is not None:
        sets = cache._tokens_for(recent)
    else:
        sets = [title_terms(it.title, it.feed_title) for it in recent]
    parent = _cluster(sets, [it.link for it in recent])

    groups: dict[int, list[RankItem]] = {}
    for i, it in enumerate(recent):
        root = parent[i]
        if root != i:
            root = _find(parent, root)
        group = groups.get(root)
        if group is None:
            groups[root] = [it]
        else:
            group.append(it)

    decay = _decay(half_life_hours)
    stories: list[Story] = []
    for members in groups.values():
        if len(members) < min_sources and all(it.section != "trending" for it in members):
            continue  # cheap exit for the many singletons
        feeds = {it.feed_id for it in members}
        if len(feeds) < min_sources and all(it.section != "trending" for it in members):
            continue
        stories.append(_story(members, now, decay))

    stories.sort(key=lambda s: (-s.score, -s.lead.published, s.lead.id))
    return stories[:size]


def story_of(
    items: Sequence[RankItem],
    article_id: int,
    now: float,
    *,
    half_life_hours: float = 12,
    cache: TrendingCache | None = None,
) -> Story | None:
    """The story ``article_id`` belongs to among ``items`` (clustered as :func:`trending`
    does, with no window filter: the caller picks the items), or None if it is not among
    them. An article no other matches is a story of one."""
    ordered = sorted(items, key=_input_order)
    target = next((i for i, it in enumerate(ordered) if it.id == article_id), None)
    if target is None:
        return None
    if cache is not None:
        sets = cache._tokens_for(ordered)
    else:
        sets = [title_terms(it.title, it.feed_title) for it in ordered]
    parent = _cluster(sets, [it.link for it in ordered])
    root = _find(parent, target)
    members = [it for i, it in enumerate(ordered) if _find(parent, i) == root]
    return _story(members, now, _decay(half_life_hours))
