"""Benchmark: trending() over a 100,000-article store (the in-window slice).

Builds 100,000 synthetic RankItems spread evenly over 30 days and 500 feeds (so ~6,700 fall
inside the default 48 h window), with vocabulary-based fake headlines: real English words
(wordfreq's list, commonest first, drawn with Zipf-like weights, so the word weights of
ranking/words.py see what they see in real headlines), English stop words, and stories that
several feeds cover with different subsets of the story's words. Each item has a summary of
about 300 characters as feeds carry them: sentences of everyday words with capitalised names
(a pool of 5,000, some far commoner than others) and figures; a story's reports share some
of its names and figures; one in ten summaries is empty or "Read more". Times trending() cold
(fresh word caches, no TrendingCache) and warm (with a TrendingCache filled by the previous
refresh), over the in-window items the store hands over,
and once over all 100,000 for reference. Not a pass/fail test; prints figures.

    .venv/bin/python bench/ranking.py [--items 100000] [--feeds 500] [--days 30] [--repeat 7]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsreader.model import RankItem
from newsreader.ranking import TrendingCache, trending, words

NOW = 1_750_000_000.0
STOP = [
    "the",
    "a",
    "of",
    "to",
    "in",
    "on",
    "for",
    "as",
    "with",
    "at",
    "by",
    "and",
    "after",
    "over",
    "from",
    "is",
    "are",
    "new",
    "why",
    "how",
]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    """`size` English words, commonest first (past the function words), as wordfreq ranks them."""
    import wordfreq

    words = [
        w
        for bucket in wordfreq.get_frequency_list("en", "small")
        for w in bucket
        if w.isalpha() and w.isascii() and len(w) > 2
    ]
    return words[200 : 200 + size]


STORY_OF: dict[int, int] = {}  # item id -> generated story number (singletons absent)


def summary(
    rng: random.Random,
    vocab: list[str],
    weights: list[float],
    names: list[str],
    name_weights: list[float],
    own: list[str],
) -> str:
    """~300 characters of sentences: everyday words, names and figures (``own``: the
    story's names and figures, some of which every report mentions)."""
    if rng.random() < 0.1:
        return rng.choice(["", "Read more", "Click here to read the full story."])
    words: list[str] = []
    picks = rng.sample(own, min(len(own), rng.randint(2, 4))) if own else []
    while sum(len(w) + 1 for w in words) < 290:
        r = rng.random()
        if picks and r < 0.15:
            words.append(picks.pop())
        elif r < 0.2:
            words.append(rng.choices(names, cum_weights=name_weights)[0])
        elif r < 0.25:
            words.append(str(rng.randint(10, 5000)))
        elif r < 0.45:
            words.append(rng.choice(STOP))
        else:
            words.append(rng.choices(vocab, cum_weights=weights)[0])
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


def build(n: int, feeds: int, days: float, seed: int = 1) -> list[RankItem]:
    rng = random.Random(seed)
    vocab = vocabulary(rng, 20_000)
    # Zipf-like weights: a few words are very common, most are rare
    weights = list(itertools.accumulate(1.0 / (r + 10) for r in range(len(vocab))))
    feed_titles = {
        f: f"The {rng.choice(vocab).title()} {rng.choice(vocab).title()}" for f in range(feeds)
    }
    trending_feeds = set(range(0, feeds, 50))  # 10 "most read" feeds
    names = [w.title() for w in vocab[5000:10000]]
    name_weights = list(itertools.accumulate(1.0 / (r + 5) for r in range(len(names))))
    story_names: list[list[str]] = []
    span = days * 86400.0
    items: list[RankItem] = []
    story_words: list[list[str]] = []
    story_time: list[float] = []
    while len(items) < n:
        published = NOW - rng.random() * span
        if rng.random() < 0.6:  # part of a multi-feed story
            if story_words and rng.random() < 0.85:
                # pick a story published near this time, else start a new one
                k = rng.randrange(len(story_words))
                STORY_OF[len(items) + 1] = k
                published = min(NOW, story_time[k] + rng.random() * 6 * 3600)
                key = story_words[k]
                own = story_names[k]
            else:
                key = rng.choices(vocab, cum_weights=weights, k=8)
                STORY_OF[len(items) + 1] = len(story_words)
                story_words.append(key)
                story_time.append(published)
                own = [rng.choice(names) for _ in range(3)] + [str(rng.randint(10, 99999))]
                story_names.append(own)
            words = rng.sample(key, rng.randint(4, 6)) + rng.choices(
                vocab, cum_weights=weights, k=rng.randint(1, 3)
            )
        else:
            words = rng.choices(vocab, cum_weights=weights, k=rng.randint(5, 9))
            own = []
        for _ in range(rng.randint(1, 3)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(STOP))
        feed = rng.randrange(feeds)
        section = (
            "trending" if feed in trending_feeds else ("opinion" if feed % 17 == 0 else "news")
        )
        title = " ".join(words).capitalize()
        items.append(
            RankItem(
                id=len(items) + 1,
                feed_id=feed,
                feed_title=feed_titles[feed],
                title=title,
                link=f"https://feed{feed}.example/{len(items) + 1}",
                published=published,
                section=section,
                summary=summary(rng, vocab, weights, names, name_weights, own),
            )
        )
    # a "most read" feed's latest fetch ranks its 20 newest items; older ones fell off the list
    by_feed: dict[int, list[int]] = {}
    for k, it in enumerate(items):
        if it.section == "trending":
            by_feed.setdefault(it.feed_id, []).append(k)
    for ks in by_feed.values():
        ks.sort(key=lambda k: -items[k].published)
        for pos, k in enumerate(ks):
            items[k] = dataclasses.replace(items[k], rank=pos if pos < 20 else 1000)
    return items


def timed(fn, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per run (CPU time is the fairer figure on a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--days", type=float, default=30)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    items = build(args.items, args.feeds, args.days)
    window = [it for it in items if it.published >= NOW - 48 * 3600]
    print(
        f"built {len(items):,} items / {args.feeds} feeds / {args.days:g} days "
        f"in {time.perf_counter() - t0:.1f} s; {len(window):,} inside the 48 h window"
    )

    def cold() -> None:
        words.reset()  # as in a fresh process: no word seen yet (word lists stay loaded)
        trending(window, NOW)

    cache = TrendingCache()
    trending(window, NOW, cache=cache)  # the previous refresh fills it

    def warm() -> None:
        trending(window, NOW, cache=cache)

    def everything() -> None:
        trending(items, NOW, cache=cache)

    def report(name: str, ms: tuple[list[float], list[float]]) -> None:
        wall, cpu = ms
        print(
            f"{name:<44} wall median {statistics.median(wall):6.1f} ms (min {min(wall):6.1f})"
            f"   cpu median {statistics.median(cpu):6.1f} ms (min {min(cpu):6.1f})"
        )

    report(f"trending, cold ({len(window):,} in-window items)", timed(cold, args.repeat))
    report("trending, warm (TrendingCache)", timed(warm, args.repeat))
    report(f"trending, warm, all {len(items):,} passed in", timed(everything, args.repeat))

    stories = trending(window, NOW, cache=cache)
    print("top stories:")
    for s in stories[:5]:
        print(
            f"  {s.sources:3d} sources  score {s.score:6.2f}  {len(s.articles):3d} items  {s.title[:60]}"
        )
    all_stories = trending(window, NOW, cache=cache, size=10**9, min_sources=1)
    # pairwise precision/recall against the generator's own stories
    found = {a.id: k for k, s in enumerate(all_stories) for a in s.articles}
    true_pairs: dict[int, int] = {}
    for it in window:
        if it.id in STORY_OF:
            true_pairs[STORY_OF[it.id]] = true_pairs.get(STORY_OF[it.id], 0) + 1
    sizes: dict[int, dict[int, int]] = {}
    for it in window:
        sizes.setdefault(found[it.id], {})
        key = STORY_OF.get(it.id, -it.id)
        sizes[found[it.id]][key] = sizes[found[it.id]].get(key, 0) + 1
    tp = sum(c * (c - 1) // 2 for d in sizes.values() for k, c in d.items() if k >= 0)
    predicted = sum(sum(d.values()) * (sum(d.values()) - 1) // 2 for d in sizes.values())
    actual = sum(c * (c - 1) // 2 for c in true_pairs.values())
    print(
        f"clustering vs generated stories: pairwise precision {tp / max(predicted, 1):.3f}, "
        f"recall {tp / max(actual, 1):.3f}"
    )
    multi = sum(1 for s in all_stories if s.sources >= 2)
    all_stories = [s for s in all_stories if s.sources >= 2]
    print(
        f"{multi:,} multi-source stories in the window; biggest has "
        f"{max(len(s.articles) for s in all_stories)} items"
    )


if __name__ == "__main__":
    main()
