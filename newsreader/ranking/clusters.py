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
   weights (the lower of the two sides, summed) reach ``MIN_WEIGHT`` (4.0) and
   ``MIN_OVERLAP`` (0.3) of the lighter headline's total weight, *and* cover enough of both
   headlines (Dice, ``2 * shared / (a + b)``), by what they share (``words.Terms.specific``:
   names, i.e. words capitalised inside a sentence, acronyms and rare words opening a
   headline that no other headline writes in lower case; and figures):
   two names or figures, or one figure, 0.3; one name, 0.5; each has a name or figure the
   other lacks, 0.45 with a name in common and never without one (two earthquakes of
   different size and place); only a topic's words, 0.5, or 0.9 when one side names a
   place or party the other lacks ("bird flu" at a named farm / a "bird flu vaccine").
   Two items with the same link always match (one article carried by two feeds).
   A run of capitalised words ("Elena Sarto", "Northstar Energy") is one name, its rarest
   word: a name of several words in common is one name in common.
   Candidate pairs come from an inverted index over each headline's *prefix*: all but its
   ``MIN_SHARED - 1`` commonest terms in the window. Two headlines sharing >= MIN_SHARED
   terms must share a prefix term (prefix filtering), so nothing is lost and the commonest
   terms never generate candidate pairs; the work is far below O(n^2).
5. **Merge** matches with union-find, strongest first (transitive: A~B and B~C put A, B, C
   in one story). Two stories of several headlines each join only on ``BRIDGE_MATCHES`` (2)
   matches between them or one of ``BRIDGE_WEIGHT`` (7.0): one headline sharing a couple of
   generic words with another story must not chain the two into one. A pair within
   ``VOTE_GAP`` (0.1) of its Dice threshold is a vote, and two stories whose headline pairs
   are at least ``VOTE_FRACTION`` (80%) votes join: a headline most of a story nearly
   matches is one more report of it.
5b. **Summaries** (a second signal, after the merges above): two items still in different
   stories join when their headline-and-summary terms (``words.summary_terms``: the feed's
   summary without markup or "Read more", its first ``SUMMARY_CHARS`` characters) share two
   of each one's ``SUMMARY_KEYS`` (4) rarest names and figures, cover ``SUMMARY_DICE``
   (0.55) of both (Dice by weight), and their headlines share ``SUMMARY_FLOOR`` (1.0) of
   weight: paraphrased headlines of one event ("PM tours flooded northern towns" / "Prime
   minister promises aid on visit to flooded towns") whose summaries name the same people,
   places and figures. Candidates come from an index of those name pairs (the TrendingCache keeps
   and updates it), so the work is the short buckets, not the pairs.
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

Weights and thresholds were chosen on ``tests/fixtures/ranking/headlines.json`` (291
headlines with their feeds' summaries, 124 stories in English, German, French, Spanish,
Russian and Chinese, 25 feeds, hard negatives sharing 2-3 words, and 25 stories in pairs of
one name or one topic in two events) by grids over the thresholds: the best recall at
precision >= 0.97 for the headline rule, >= 0.98 for the summaries. Pairwise precision /
recall on that set: headlines alone 0.970 / 0.583, with summaries 0.985 / 0.723. Held out
(never tuned on): ``holdout.json`` (98 headlines) headlines alone 1.000 / 0.526, with
summaries 1.000 / 0.653; ``holdout2.json`` and ``holdout3.json`` (67 and 61 headlines of
heavily paraphrased reports) 1.000 / 0.038 -> 1.000 / 0.250 and 1.000 / 0.042 -> 1.000 /
0.250. What stays apart is paraphrase whose summaries are empty or name different things:
the price of never showing two events as one. ``tests/unit/test_ranking.py`` prints every
set.
"""

from __future__ import annotations

import gc
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

from newsreader.model import RankItem
from newsreader.ranking.words import WEAK_WORDS, Terms, fold_words, summary_terms, title_terms

# Matching thresholds (tuned on the labelled headline set, see module docstring).
MIN_SHARED = 2  # terms in common
MIN_WEIGHT = 4.0  # their weight (words.py), summed
MIN_OVERLAP = 0.3  # and that sum over the lighter headline's whole weight
# How much of both headlines' weight the shared terms must cover (Dice: 2 * shared /
# (a + b)), by what the two share. Names are words a headline capitalises mid-sentence
# (words.Terms.specific); figures are numbers other than years and single digits.
DICE_TWO_NAMED = 0.3  # two names or figures in common: "Storm Elsa ... 90mph"
DICE_FIGURE = 0.3  # one figure in common: "rates rise to 5%"
DICE_NAMED = 0.5  # one name in common: the same mayor in a bus plan and an inquiry
# each has a name or figure the other lacks, with a name in common (the same team in a
# final and in a draw); with none in common it is two events and never matches
DICE_CONFLICT = 0.45
# no name or figure in common, only a topic's words ("bird flu vaccine" and a bird-flu
# outbreak)...
DICE_TOPIC = 0.5
DICE_TOPIC_NAMED = 0.9  # ...while one of the two names a place or party the other lacks
# A pair within VOTE_GAP of its threshold is a vote: two stories join when votes link at
# least VOTE_FRACTION of their headline pairs (two at least).
VOTE_GAP = 0.1
VOTE_FRACTION = 0.8
# Two multi-headline stories join on BRIDGE_MATCHES matches, or one of this weight.
BRIDGE_MATCHES = 2
BRIDGE_WEIGHT = 7.0
# A word in more than max(DF_FLOOR, DF_FRACTION * n) in-window titles links everything.
DF_FLOOR = 25
DF_FRACTION = 0.02
# The summary's second chance for two headlines that did not match (paraphrases): their
# headline-and-summary terms match when two of each one's SUMMARY_KEYS rarest names and
# figures are the same, they cover SUMMARY_DICE of both (Dice, by weight), and the headlines
# share SUMMARY_FLOOR of weight. A summary lighter than SUMMARY_MIN_WEIGHT ("Read more", the
# headline again) takes no part.
SUMMARY_DICE = 0.55
SUMMARY_FLOOR = 1.0
SUMMARY_MIN_WEIGHT = 6.0
SUMMARY_KEYS = 4  # an item's rarest names and figures that find its candidates
SUMMARY_BUCKET = 30  # two names together in more items than this are a topic


@dataclass(slots=True)
class Story:
    title: str  # freshest member's headline
    sources: int  # distinct feeds
    score: float
    articles: list[RankItem]  # members, freshest first
    lead: RankItem  # the freshest report (what selecting the story opens)


class TrendingCache:
    """Memoises each article's weighed terms (words.title_terms, words.summary_terms), the
    summary pass's index, and the headline pass's matches between refreshes (only the pairs
    of new or changed headlines are judged again).

    Keyed by article id and checked against its title, feed title and summary, so an edited
    article is recomputed. Each :func:`trending` call keeps only the ids it saw, so the cache
    follows the window instead of growing with the store; the index is updated by the
    articles that came and went, not rebuilt.
    """

    __slots__ = ("_entries", "_index", "_pairs", "hits", "misses", "summaries")

    def __init__(self) -> None:
        self._entries: dict[int, _Entry] = {}
        self._index = _PairIndex()
        self._pairs = _PairMemo()  # the headline pass's last matches
        # stories.py's: each article's content hash and summary text as last read
        self.summaries: dict[int, tuple[str, str]] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._index = _PairIndex()
        self._pairs = _PairMemo()
        self.summaries.clear()

    def _tokens_for(self, items: Sequence[RankItem]) -> tuple[list[_Entry], _PairIndex]:
        old = self._entries
        new: dict[int, _Entry] = {}
        out: list[_Entry] = []
        index = self._index
        hits = 0
        for it in items:
            entry = old.get(it.id)
            if (
                entry is not None
                and entry[0] == it.title
                and entry[1] == it.feed_title
                and entry[2] == it.summary
            ):
                hits += 1
            else:
                entry = _entry(it)
                if it.id not in new:
                    stale = old.get(it.id)
                    if stale is not None and stale[4] is not None:
                        index.remove(it.id, stale[4])
                    if entry[4] is not None:
                        index.add(it.id, entry[4])
            new[it.id] = entry
            out.append(entry)
        for gone in old.keys() - new.keys():
            doc = old[gone][4]
            if doc is not None:
                index.remove(gone, doc)
        self._entries = new
        self.hits += hits
        self.misses += len(items) - hits
        return out, index


# What the cache keeps per article: title, feed title and summary (to check it is the same
# article), its headline terms, its headline-and-summary terms, the headline terms as a set
# and their total weight.
_Entry = tuple[str, str, str, Terms, "_Doc | None", frozenset[str], float]


def _entry(it: RankItem) -> _Entry:
    terms = title_terms(it.title, it.feed_title)
    return (
        it.title,
        it.feed_title,
        it.summary,
        terms,
        _doc(it, terms),
        frozenset(terms),
        sum(terms.values()),
    )


class _PairIndex:
    """The summary pass's candidates: for every two key names or figures (``_Doc.pairs``),
    the items that have both; and in how many items each is a key."""

    __slots__ = ("buckets", "df", "multi")

    def __init__(self) -> None:
        self.buckets: dict[tuple[str, str], set[int]] = {}
        self.multi: set[tuple[str, str]] = set()  # the buckets of two items or more
        self.df: dict[str, int] = {}

    def add(self, key: int, doc: _Doc) -> None:
        df = self.df
        for w in doc.keys:
            df[w] = df.get(w, 0) + 1
        for pair in doc.pairs:
            bucket = self.buckets.get(pair)
            if bucket is None:
                self.buckets[pair] = {key}
            else:
                bucket.add(key)
                if len(bucket) == 2:
                    self.multi.add(pair)

    def remove(self, key: int, doc: _Doc) -> None:
        df = self.df
        for w in doc.keys:
            if df[w] == 1:
                del df[w]
            else:
                df[w] -= 1
        for pair in doc.pairs:
            bucket = self.buckets[pair]
            bucket.discard(key)
            if len(bucket) == 1:
                self.multi.discard(pair)
            elif not bucket:
                del self.buckets[pair]


@dataclass(slots=True)
class _Doc:
    """An item's headline and summary terms together, and its summary pass index keys."""

    terms: dict[str, float]
    total: float
    keys: tuple[str, ...]  # its SUMMARY_KEYS rarest names and figures
    pairs: tuple[tuple[str, str], ...]  # every two of them


def _doc(it: RankItem, terms: Terms) -> _Doc | None:
    """An item's headline and summary terms (None without an informative summary)."""
    if not it.summary:
        return None
    summary = summary_terms(it.summary, it.title, it.feed_title)
    if sum(summary.values()) < SUMMARY_MIN_WEIGHT:
        return None
    both = dict(summary)
    for w, x in terms.items():
        if x > both.get(w, 0.0):
            both[w] = x
    specific = summary.specific | terms.specific | terms.opened
    keys = sorted(
        (w for w in specific if w in both and w not in WEAK_WORDS), key=lambda w: (-both[w], w)
    )[:SUMMARY_KEYS]
    keys.sort()
    pairs = tuple((a, b) for k, a in enumerate(keys) for b in keys[k + 1 :])
    return _Doc(both, sum(both.values()), tuple(keys), pairs)


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused (trending, story_of): clustering makes many small
    containers (and no cycles), so it would run full collections over the whole process's
    heap, a third of a cold run. Refcounting still frees everything."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _clustered(items: Sequence[RankItem], cache: TrendingCache | None) -> list[int]:
    """Union-find parents over ``items`` (in :data:`_input_order`)."""
    links = [it.link for it in items]
    if cache is None:
        entries = [_entry(it) for it in items]
        index = None
    else:
        entries, index = cache._tokens_for(items)
    return _cluster(
        [e[3] for e in entries],
        links,
        docs=[e[4] for e in entries],
        pair_index=index,
        ids=[it.id for it in items],
        keysets=[e[5] for e in entries],
        weights=[e[6] for e in entries],
        memo=None if cache is None else cache._pairs,
    )


# --- clustering ------------------------------------------------------------------------------


_NONE: frozenset[str] = frozenset()


def _named(specific: frozenset[str]) -> bool:
    """Whether a headline's specific terms include a name (not only figures)."""
    return any(not t[0].isdigit() for t in specific)


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
    docs: Sequence[_Doc | None] | None = None,
    pair_index: _PairIndex | None = None,
    ids: Sequence[int] = (),
    keysets: Sequence[frozenset[str]] | None = None,
    weights: Sequence[float] | None = None,
    memo: _PairMemo | None = None,
) -> list[int]:
    """Union-find parents over items (index order must be deterministic; ``memo`` needs
    ``ids``)."""
    n = len(terms)
    parent = list(range(n))
    specs = [getattr(s, "specific", _NONE) for s in terms]
    # a rare word opening a headline is a name unless some headline writes it in lower case
    opened = [getattr(s, "opened", _NONE) for s in terms]
    if any(opened):
        lowered = set().union(*(getattr(s, "lower", _NONE) for s in terms))
        specs = [sp | (op - lowered) if op else sp for sp, op in zip(specs, opened, strict=True)]
    df = Counter(chain.from_iterable(terms))
    cap = max(DF_FLOOR, int(DF_FRACTION * n))
    common = {w for w, c in df.items() if c > cap}
    # each headline's terms as a set (intersections are cheaper on frozensets) and their
    # weight, both without the common terms; weights are still read from ``terms``
    keys = [frozenset(s) for s in terms] if keysets is None else list(keysets)
    totals = [sum(s.values()) for s in terms] if weights is None else list(weights)
    if common:
        for i, kept in enumerate(keys):
            if not common.isdisjoint(kept):
                gone = kept & common
                keys[i] = kept - gone
                s = terms[i]
                totals[i] -= sum(s[w] for w in gone)
        # a name in every other headline of the window is dropped from the names too: left
        # there, it would read as a name one side has and the other lacks
        specs = [sp - common if not common.isdisjoint(sp) else sp for sp in specs]

    # Prefix filtering over one global order (rarest in the window first, then the term, so
    # the order is total). A match needs >= min_shared terms worth >= min_weight (each counted
    # at the lower of its two weights), so the first shared term in this order lies where at
    # least that much of each headline is still ahead: only those *prefix* terms are indexed
    # and looked up, and the common tail of each headline never generates candidate pairs.
    order = {w: (c, w) for w, c in df.items() if c <= cap}
    key = order.__getitem__
    index: dict[str, list[int]] = {}
    sizes = [1] * n
    named = [_named(sp) for sp in specs]
    matches: list[tuple[float, int, int]] = []  # (-weight, j, i): strongest first once sorted
    votes: list[tuple[int, int]] = []  # near misses: enough of them join two stories

    def judge(i: int, j: int) -> None:
        """Whether headlines i and j (j < i) match or nearly match (a vote)."""
        mine, s, total = keys[i], terms[i], totals[i]
        both = mine & keys[j]
        if len(both) < min_shared:
            return
        other = terms[j]
        weight = 0.0
        for w in both:
            a, b = s[w], other[w]
            weight += a if a < b else b
        if weight < min_weight:
            return
        lighter = total if total < totals[j] else totals[j]
        if weight < min_overlap * lighter - 1e-9:
            return
        # the stricter rules for pairs that share only a topic, or whose names clash
        spec_i, spec_j = specs[i], specs[j]
        if both.isdisjoint(spec_i) and both.isdisjoint(spec_j):
            # no shared name or figure; if each has its own, two events (2.0: never)
            if spec_i and spec_j:
                need = 2.0
            elif named[i] or named[j]:  # one names a place or party
                need = DICE_TOPIC_NAMED
            else:
                need = DICE_TOPIC
        elif (spec_i - both) and (spec_j - both):
            need = DICE_CONFLICT if not both.isdisjoint(spec_i & spec_j) else 2.0
        elif len(both & (spec_i | spec_j)) >= 2:
            need = DICE_TWO_NAMED  # two names or figures in common: "Storm Elsa, 90mph"
        elif not _named(both & (spec_i | spec_j)):
            need = DICE_FIGURE  # a figure in common: "rates rise to 5%"
        else:
            need = DICE_NAMED
        both_totals = total + totals[j]
        if 2.0 * weight >= need * both_totals - 1e-9:
            matches.append((-weight, j, i))
        elif need < 2.0 and 2.0 * weight >= (need - VOTE_GAP) * both_totals:
            votes.append((j, i))

    # With a memo (the TrendingCache's), only the pairs of a headline whose inputs to judge()
    # changed since the last run are judged again; the others' results are carried over.
    inputs: list[_PairInputs] = []
    dirty: list[int] = []
    if memo is not None:
        inputs = [(terms[i], keys[i], totals[i], specs[i]) for i in range(n)]
        seen = memo.inputs
        for i in range(n):
            prev = seen.get(ids[i])
            if prev is None or prev[0] is not terms[i] or prev[1:] != inputs[i][1:]:
                dirty.append(i)
    if memo is not None and memo.inputs and len(dirty) * 4 <= n:
        _judge_again(memo, ids, keys, dirty, min_shared, judge, matches, votes)
    else:
        for i, s in enumerate(terms):
            mine = keys[i]
            size = len(mine)
            if size < min_shared:
                continue
            ranked = sorted(mine, key=key)
            ahead = totals[i]
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
            for j in candidates:
                judge(i, j)
            for posting in postings:
                posting.append(i)
    if memo is not None:
        memo.inputs = {ids[i]: inputs[i] for i in range(n)}
        memo.matches = [(w, ids[j], ids[i]) for w, j, i in matches]
        memo.votes = [(ids[j], ids[i]) for j, i in votes]

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
    if docs is not None:
        _join_by_summaries(parent, sizes, terms, keys, docs, cap, pair_index, ids)
    _join_by_votes(parent, sizes, votes)

    by_link: dict[str, int] = {}
    for i, link in enumerate(links):
        if link:
            first = by_link.setdefault(link, i)
            if first != i:
                _union(parent, first, i)
    return parent


# What judge() reads of one headline: its terms (the cache's object: a new one is a changed
# article), its terms and total weight without the window's common terms, its names.
_PairInputs = tuple[dict[str, float], frozenset[str], float, frozenset[str]]


class _PairMemo:
    """The headline pass's last results by article id: each headline's inputs to the pair
    rule, and the matches and votes among them. A pair of unchanged headlines is judged as
    before, so a refresh judges only the pairs of new or changed ones."""

    __slots__ = ("inputs", "matches", "votes")

    def __init__(self) -> None:
        self.inputs: dict[int, _PairInputs] = {}
        self.matches: list[tuple[float, int, int]] = []  # (-weight, id j, id i), j before i
        self.votes: list[tuple[int, int]] = []  # (id j, id i)


def _judge_again(
    memo: _PairMemo,
    ids: Sequence[int],
    keys: list[frozenset[str]],
    dirty: list[int],
    min_shared: int,
    judge: Callable[[int, int], None],
    matches: list[tuple[float, int, int]],
    votes: list[tuple[int, int]],
) -> None:
    """The memo's matches and votes between unchanged headlines, and judge() of every pair
    with a ``dirty`` one that shares a term (a superset of the prefix filter's candidates:
    the rule decides, so the results are the same)."""
    position = {key: i for i, key in enumerate(ids)}
    changed = set(dirty)
    for weight, a, b in memo.matches:
        j, i = position.get(a), position.get(b)
        if j is not None and i is not None and j not in changed and i not in changed:
            matches.append((weight, j, i))
    for a, b in memo.votes:
        j, i = position.get(a), position.get(b)
        if j is not None and i is not None and j not in changed and i not in changed:
            votes.append((j, i))
    if not dirty:
        return
    postings: dict[str, list[int]] = {}
    for i, mine in enumerate(keys):
        if len(mine) >= min_shared:
            for w in mine:
                posting = postings.get(w)
                if posting is None:
                    postings[w] = [i]
                else:
                    posting.append(i)
    for i in dirty:
        if len(keys[i]) < min_shared:
            continue
        for j in sorted(set().union(*(postings[w] for w in keys[i]))):
            if j == i or (j > i and j in changed):  # two changed ones: judged once, as j
                continue
            judge(j, i) if j > i else judge(i, j)


def _join_by_summaries(
    parent: list[int],
    sizes: list[int],
    terms: list[dict[str, float]],
    keys: list[frozenset[str]],
    docs: Sequence[_Doc | None],
    cap: int,
    index: _PairIndex | None = None,
    ids: Sequence[int] = (),
) -> None:
    """Join two stories on two reports whose headlines and summaries together tell one
    event (SUMMARY_* above), strongest first.

    Candidates share two of their SUMMARY_KEYS rarest names and figures: each item indexes
    every two of them (``_Doc.pairs``, made once per article; ``index`` is the cache's, by
    article id ``ids``, else one is made here), so the work is the short buckets, whatever
    the window's names. A name among the keys of more than ``cap`` items, or a pair of them
    in more than SUMMARY_BUCKET, is a topic, not an event, and links nothing."""
    if index is None:
        index = _PairIndex()
        for i, doc in enumerate(docs):
            if doc is not None:
                index.add(i, doc)
        position = None
    else:  # the cache's index, by article id
        position = {key: i for i, key in enumerate(ids)}
    df, buckets = index.df, index.buckets
    tried: set[tuple[int, int]] = set()
    found: list[tuple[float, int, int]] = []
    limit = min(cap, SUMMARY_BUCKET)
    for a, b in index.multi:
        members = buckets[(a, b)]
        if len(members) > limit or df[a] > cap or df[b] > cap:
            continue
        bucket = sorted(members) if position is None else sorted(position[k] for k in members)
        roots = [_find(parent, i) for i in bucket]
        if len(bucket) > 2 and len(set(roots)) == 1:
            continue  # one story already
        for x in range(1, len(bucket)):
            i, root = bucket[x], roots[x]
            doc = docs[i]
            assert doc is not None
            for y in range(x):
                j = bucket[y]
                if roots[y] == root or (j, i) in tried:
                    continue
                tried.add((j, i))
                other = docs[j]
                assert other is not None
                mine, theirs = doc.terms, other.terms
                weight = 0.0
                for w in mine.keys() & theirs.keys():
                    p, q = mine[w], theirs[w]
                    weight += p if p < q else q
                if 2.0 * weight < SUMMARY_DICE * (doc.total + other.total) - 1e-9:
                    continue
                head, other_head = terms[i], terms[j]
                floor = 0.0
                for w in keys[i] & keys[j]:
                    p, q = head[w], other_head[w]
                    floor += p if p < q else q
                if floor >= SUMMARY_FLOOR - 1e-9:
                    found.append((-weight, j, i))
    found.sort()
    for _, j, i in found:
        ra, rb = _find(parent, i), _find(parent, j)
        if ra != rb:
            _union_sized(parent, sizes, ra, rb)


def _join_by_votes(parent: list[int], sizes: list[int], votes: list[tuple[int, int]]) -> None:
    """Join two stories when near-miss matches link at least VOTE_FRACTION of their
    headline pairs (and two at least): a headline most of a story's reports nearly match
    is one more report, while two events of one topic meet in only a pair or two."""
    for _ in range(8):  # each pass can enable the next; a few passes are plenty
        counts: Counter[tuple[int, int]] = Counter()
        for a, b in votes:
            ra, rb = _find(parent, a), _find(parent, b)
            if ra != rb:
                counts[(ra, rb) if ra < rb else (rb, ra)] += 1
        ready = sorted(
            (-c / (sizes[ra] * sizes[rb]), ra, rb)
            for (ra, rb), c in counts.items()
            if c >= 2 and c >= VOTE_FRACTION * sizes[ra] * sizes[rb] - 1e-9
        )
        if not ready:
            return
        for _, ra, rb in ready:
            if parent[ra] == ra and parent[rb] == rb:  # both untouched in this pass
                _union_sized(parent, sizes, ra, rb)


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


@_no_gc()
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
    parent = _clustered(recent, cache)

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


@_no_gc()
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
    parent = _clustered(ordered, cache)
    root = _find(parent, target)
    members = [it for i, it in enumerate(ordered) if _find(parent, i) == root]
    return _story(members, now, _decay(half_life_hours))
