"""Trending clustering/scoring and opinion classification (newsreader.ranking)."""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from newsreader.model import ParsedArticle
from newsreader.ranking import (
    DEFAULT_OPINION_KEYWORDS,
    RankItem,
    TrendingCache,
    is_opinion,
    normalise_title,
    trending,
)
from newsreader.ranking.clusters import _cluster
from newsreader.ranking.words import summary_terms, summary_text, title_terms

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ranking"
NOW = 1_750_000_000.0
HOUR = 3600.0

FEEDS = {
    1: "Example Wire",
    2: "The Morning Ledger",
    3: "Harbour City Courier",
    4: "Northfield Gazette",
    5: "Daily Signal Post",
    6: "Metro Bulletin",
}


def item(
    id: int,
    feed: int,
    title: str,
    hours_ago: float = 1.0,
    *,
    link: str | None = None,
    section: str = "news",
    rank: int = 0,
    feed_title: str | None = None,
) -> RankItem:
    return RankItem(
        id=id,
        feed_id=feed,
        feed_title=FEEDS.get(feed, f"Feed {feed}") if feed_title is None else feed_title,
        title=title,
        link=link if link is not None else f"https://feed{feed}.example/a/{id}",
        published=NOW - hours_ago * HOUR,
        section=section,
        rank=rank,
    )


def six_feed_set() -> list[RankItem]:
    """6 feeds: one story carried by 4 under different headlines, one by 2, rest singletons."""
    return [
        # the 4-source story
        item(1, 1, "Central bank raises interest rates to 5% as inflation lingers", 2),
        # (sharing only the topic's words, "central bank", "rates", "inflation", is not
        # enough since two rate decisions must stay apart: this report names the figure)
        item(2, 2, "Rates go up again to 5% as central bank fights stubborn inflation", 3),
        item(3, 3, "Central bank lifts key interest rate to 5 per cent", 1.5),
        item(4, 4, "Central bank rate rise to 5%: borrowers face higher mortgage costs", 4),
        # the 2-source story, fresher than the 4-source one
        item(5, 5, "Storm Elsa batters coast with 90mph winds", 0.5),
        item(6, 6, "Storm Elsa: flights cancelled as winds reach 90mph on the coast", 0.7),
        # singletons
        item(7, 1, "Town council approves new cycle lanes on high street", 0.2),
        item(8, 2, "Bakery chain to close 40 stores", 0.3),
        item(9, 3, "Local library celebrates 150th anniversary", 0.4),
        item(10, 5, "Households offered grants to replace central heating boilers", 0.6),
        item(11, 6, "Chess prodigy, 12, becomes youngest grandmaster in the country", 0.8),
    ]


# --- trending ---------------------------------------------------------------------------------


def test_four_source_story_ranks_first_and_singletons_do_not_trend():
    stories = trending(six_feed_set(), NOW)
    assert [s.sources for s in stories] == [4, 2]
    top = stories[0]
    assert {a.id for a in top.articles} == {1, 2, 3, 4}
    # title and lead are the freshest member; members are freshest first
    assert top.lead.id == 3
    assert top.title == "Central bank lifts key interest rate to 5 per cent"
    assert [a.id for a in top.articles] == [3, 1, 2, 4]
    assert {a.id for a in stories[1].articles} == {5, 6}
    assert stories[0].score > stories[1].score > 0


def test_more_sources_rank_higher_at_equal_age():
    items = [
        item(1, 1, "Rescuers free humpback whale stranded on beach", 2),
        item(2, 2, "Humpback whale stranded on beach is refloated by rescuers", 2),
        item(3, 3, "Novalith to build $20bn chip factory in Ohio", 2),
        item(4, 4, "Ohio wins $20bn Novalith chip factory", 2),
        item(5, 5, "Novalith chip factory in Ohio to create 3,000 jobs", 2),
    ]
    stories = trending(items, NOW)
    assert [(s.sources, s.lead.id) for s in stories] == [(3, 3), (2, 1)]


def test_shared_words_alone_do_not_merge_central_heating_and_central_bank():
    items = [
        item(1, 1, "Central bank raises interest rates to tame inflation", 1),
        item(2, 2, "Central bank lifts interest rates again as inflation lingers", 1),
        item(3, 3, "Households offered grants to replace central heating boilers", 1),
        item(4, 4, "Central heating boiler grant scheme opens to homeowners", 1),
        item(5, 5, "Central station to close for weekend engineering works", 1),
        item(6, 6, "Bank holiday traffic: drivers warned of delays", 1),
    ]
    stories = trending(items, NOW, min_sources=1, size=100)
    groups = sorted(sorted(a.id for a in s.articles) for s in stories)
    assert groups == [[1, 2], [3, 4], [5], [6]]


def test_ageing_moves_a_story_down():
    three_sources = [
        item(1, 1, "Rail workers announce three-day strike over pay", 0),
        item(2, 2, "Rail strike: three days of disruption as pay talks fail", 0),
        item(3, 3, "Commuters face three-day rail strike over pay", 0),
    ]
    two_sources = [
        item(4, 4, "National museum reopens after five-year renovation", 1),
        item(5, 5, "Renovated national museum reopens to the public", 1),
    ]
    fresh = trending(three_sources + two_sources, NOW)
    assert [s.lead.id for s in fresh] == [1, 4]

    def aged(it: RankItem, hours: float) -> RankItem:
        return item(it.id, it.feed_id, it.title, hours)

    old = [aged(it, 30) for it in three_sources]
    later = trending(old + two_sources, NOW)
    assert [s.lead.id for s in later] == [4, 1]
    # same story, same sources: its score falls by half per half-life
    assert later[1].score == pytest.approx(fresh[0].score * 0.5 ** (30 / 12), rel=1e-9)
    # the half-life is a parameter: with a long one the bigger story stays ahead
    assert [s.lead.id for s in trending(old + two_sources, NOW, half_life_hours=200)] == [1, 4]


def test_story_outside_the_window_does_not_trend():
    story = [
        item(1, 1, "Wildfire forces evacuation of hill towns", 49),
        item(2, 2, "Hundreds evacuated as wildfire spreads near hill towns", 50),
    ]
    assert trending(story, NOW) == []
    assert len(trending(story, NOW, window_hours=72)) == 1
    # one copy inside the window is a single source: still not trending
    half_in = [story[0], item(3, 3, "Wildfire near hill towns forces evacuation", 10)]
    assert trending(half_in, NOW) == []
    assert [s.sources for s in trending(half_in, NOW, window_hours=50)] == [2]


def test_story_headline_is_a_report_not_a_piece_about_it():
    items = [
        item(1, 1, "Parliament votes to cap resale prices of event tickets", 3),
        item(2, 2, "Parliament passes bill to cap ticket resale prices", 2),
        item(3, 3, "Analysis: what the ticket resale price cap means for fans", 1),
    ]
    (story,) = trending(items, NOW)
    assert [a.id for a in story.articles] == [3, 2, 1]  # still one story, freshest first
    assert story.lead.id == 2 and story.title.startswith("Parliament passes")


def test_same_link_in_two_feeds_is_one_story():
    link = "https://example.org/world/2025/03/ceasefire"
    items = [
        item(1, 1, "Ceasefire agreed", 1, link=link),
        item(2, 2, "Both sides sign truce after weeks of talks", 2, link=link),
    ]
    (story,) = trending(items, NOW)
    assert story.sources == 2 and [a.id for a in story.articles] == [1, 2]


def test_one_feed_repeating_a_story_is_one_source():
    items = [
        item(1, 1, "Storm Elsa batters coast with 90mph winds", 1),
        item(2, 1, "Storm Elsa: 90mph winds batter the coast overnight", 2),
    ]
    assert trending(items, NOW) == []
    (story,) = trending(items, NOW, min_sources=1)
    assert story.sources == 1 and len(story.articles) == 2


def test_trending_section_feed_contributes_its_own_ranked_items():
    most_read = dict(section="trending", feed_title="Example Wire: Most read")
    items = [
        # a two-source news story
        item(1, 1, "Peanut allergy pill for children wins approval", 1),
        item(2, 2, "Regulator approves first peanut allergy pill for children", 1),
        # another two-source story, equally fresh, which the most-read feed also carries
        item(3, 3, "Brightmart data breach hits two million customers", 1),
        item(4, 4, "Two million Brightmart customers caught in data breach", 1),
        item(5, 9, "Brightmart data breach: what customers should do now", 1, rank=3, **most_read),
        # the most-read feed's own items: singletons that trend anyway, in its order
        item(6, 9, "Why everyone is talking about the new bakery", 5, rank=0, **most_read),
        item(7, 9, "Ten photos of the harbour at dawn", 1, rank=1, **most_read),
        item(8, 9, "A quiet, moving debut novel about grief", 0, rank=8, **most_read),
    ]
    stories = trending(items, NOW, size=10)
    leads = [s.lead.id for s in stories]
    # the carried story gains the rank bonus and moves ahead of its twin
    assert leads.index(3) < leads.index(1)
    brightmart = stories[leads.index(3)]
    # the most-read list is a vote, not a third outlet: two sources, and a news headline
    assert brightmart.sources == 2 and {a.id for a in brightmart.articles} == {3, 4, 5}
    assert brightmart.lead.section == "news"
    # single-source items of the trending feed appear, in the feed's own order, whatever
    # their age
    assert [i for i in leads if i in (6, 7, 8)] == [6, 7, 8]
    assert stories[leads.index(6)].sources == 1
    # the #1 most-read item is worth about one fresh source, below a fresh 2-source story
    assert stories[leads.index(6)].score < stories[leads.index(1)].score
    # a non-trending singleton is still excluded
    assert trending([item(9, 1, "Bakery chain to close 40 stores")], NOW) == []


def test_size_limits_the_result():
    items = []
    topics = [
        ("Novalith", "chip", "factory", "Ohio"),
        ("Brightmart", "data", "breach", "customers"),
        ("humpback", "whale", "beach", "rescue"),
        ("Varga", "Harbour", "Open", "title"),
    ]
    for k, words in enumerate(topics):
        items.append(item(10 * k + 1, 1, " ".join(words), k))
        items.append(item(10 * k + 2, 2, " ".join(reversed(words)), k))
    assert len(trending(items, NOW)) == 4
    assert [s.lead.id for s in trending(items, NOW, size=2)] == [1, 11]
    assert trending(items, NOW, size=0) == []
    assert trending([], NOW) == []


def test_deterministic_for_same_items_and_now():
    base = six_feed_set() + [
        # an exact tie with the storm story: same score, same freshness, id decides
        item(12, 3, "Storm Elsa batters coast with 90mph winds", 0.5),
        item(13, 4, "Storm Elsa: flights cancelled as winds reach 90mph on the coast", 0.7),
    ]

    def snapshot(items: list[RankItem]) -> list[tuple]:
        return [
            (s.title, s.sources, s.score, tuple(a.id for a in s.articles), s.lead.id)
            for s in trending(items, NOW, min_sources=1, size=100)
        ]

    expected = snapshot(base)
    rng = random.Random(7)
    for _ in range(20):
        shuffled = base[:]
        rng.shuffle(shuffled)
        assert snapshot(shuffled) == expected
    # the tie: both storm copies are one story of 4 feeds; lead is the lowest id among the
    # freshest members
    storm = next(s for s in expected if s[3][0] in (5, 12))
    assert storm[1] == 4 and storm[3][:2] == (5, 12) and storm[4] == 5


def test_cache_gives_the_same_answer_and_follows_the_window():
    items = six_feed_set()
    cache = TrendingCache()
    cold = trending(items, NOW)
    first = trending(items, NOW, cache=cache)
    assert cache.misses == len(items) and cache.hits == 0
    warm = trending(items, NOW, cache=cache)
    assert cache.hits == len(items)
    assert [(s.title, s.score, s.sources) for s in warm] == [
        (s.title, s.score, s.sources) for s in first
    ]
    assert [(s.title, s.score) for s in cold] == [(s.title, s.score) for s in warm]
    # an edited headline is recomputed, not served stale: id 7 now joins the storm story
    edited = [*items[:6], item(7, 1, "Storm Elsa: 90mph winds batter the coast"), *items[7:]]
    stories = trending(edited, NOW, cache=cache)
    assert [{a.id for a in s.articles} for s in stories] == [{1, 2, 3, 4}, {5, 6, 7}]
    # the cache only keeps what the last call saw
    trending(items[:3], NOW, cache=cache)
    assert len(cache) == 3


def test_words_so_common_they_link_everything_are_skipped():
    # 60 unrelated pieces that share three words: without the document-frequency cap they
    # would collapse into one 60-source "story"
    rng = random.Random(3)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "pa", "qu", "do"]
    items = []
    for i in range(60):
        words = {"".join(rng.choice(syllables) for _ in range(4)) for _ in range(4)}
        items.append(item(i + 1, i + 1, "Ceasefire talks Geneva: " + " ".join(sorted(words)), 1))
    assert trending(items, NOW) == []


def test_a_name_too_common_to_link_still_lets_its_stories_match():
    # "Varga" is in 40 of 60 headlines: dropped as a linking word, it must not then count
    # as a name each side has and the other lacks (which would keep every Varga story apart)
    items = [
        item(100 + i, 100 + i, f"Town {i} welcomes Varga on tour stop {i + 11}") for i in range(40)
    ]
    items += [
        item(1, 1, "Storm warning: Varga cancels harbour concert", 1),
        item(2, 2, "Harbour concert cancelled as Varga pulls out over storm warning", 1),
    ]
    items += [item(200 + i, 200 + i, f"Unrelated headline about topic {i}") for i in range(20)]
    found = trending(items, NOW, min_sources=2, size=100)
    assert [sorted(a.id for a in s.articles) for s in found if 1 in {a.id for a in s.articles}] == [
        [1, 2]
    ]


def test_normalise_title():
    words = normalise_title("Crème brûlée: CHEFS' favourite desserts!")
    assert len(words) == 5 and all(w.isascii() and w.islower() for w in words)
    assert words == normalise_title("creme brulee, the chef's favourite dessert")
    # plurals and verb forms meet; stop words (several languages) go
    assert normalise_title("Bank raises rates") == normalise_title("banks raising the rate")
    assert normalise_title("Le président et la réforme des retraites") == normalise_title(
        "President Reforme Retraite"
    )
    # the feed's own name is not a story word
    assert normalise_title("Harbour Open final | Harbour City Courier", "Harbour City Courier") == {
        "open",
        "final",
    }
    assert normalise_title("") == frozenset()


# The held-out sets' floors. The summary rule as first fixed measured holdout.json 0.915 /
# 0.684 and holdout2.json 0.885 / 0.442: precision fell short. It was revised on
# headlines.json alone (new hard negatives there; a name of several words counts once;
# Dice 0.55), then measured holdout.json 1.000 / 0.653, holdout2.json 1.000 / 0.250 (both
# seen twice now) and holdout3.json, written before the revision, 1.000 / 0.250.
HOLDOUT_PRECISION, HOLDOUT_RECALL = 0.97, 0.65
HOLDOUT2_PRECISION, HOLDOUT2_RECALL = 0.97, 0.25
HOLDOUT2_BARE_PRECISION = 0.97
HOLDOUT3_PRECISION, HOLDOUT3_RECALL = 0.97, 0.25
HOLDOUT3_BARE_PRECISION = 0.97


def _labelled(path: Path, summaries: bool = True) -> tuple[list[RankItem], dict[int, str]]:
    """A headline set's items and their story labels. Each headline is [feed id, headline]
    or [feed id, headline, summary] (the summary as a feed's description carries it)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items, label = [], {}
    for key, headlines in data["stories"].items():
        for feed, title, *rest in headlines:
            n = len(items) + 1
            summary = rest[0] if rest and summaries else ""
            feed_title = data["feeds"][str(feed)]
            items.append(
                RankItem(n, feed, feed_title, title, None, NOW - n * 60, "news", summary=summary)
            )
            label[n] = key
    return items, label


def _pairwise(path: Path, summaries: bool = True) -> tuple[float, float, float, int, int]:
    """Pairwise precision, recall and F1 of trending()'s clusters against the labels."""
    items, label = _labelled(path, summaries)
    stories = trending(items, NOW, min_sources=1, size=len(items))
    cluster = {a.id: k for k, s in enumerate(stories) for a in s.articles}
    assert len(cluster) == len(items)
    tp = fp = fn = 0
    for a, b in itertools.combinations(items, 2):
        same, together = label[a.id] == label[b.id], cluster[a.id] == cluster[b.id]
        tp += same and together
        fp += together and not same
        fn += same and not together
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    print(
        f"\n{path.name}{'' if summaries else ' (headlines only)'}: {len(items)} headlines, "
        f"{len(set(label.values()))} stories: "
        f"pairwise precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}"
    )
    return precision, recall, f1, len(items), len(set(label.values()))


def test_labelled_headlines_precision_and_recall():
    # the rule of words.py and clusters.py was tuned on this set; its last stories are hard
    # negatives (one name in two events, one topic in two events). Measured, headlines
    # alone 0.970 / 0.583, with the summaries 0.985 / 0.723.
    precision, recall, _, n, stories = _pairwise(FIXTURES / "headlines.json", summaries=False)
    assert precision >= 0.97 and recall >= 0.55
    precision, recall, _, n, stories = _pairwise(FIXTURES / "headlines.json")
    assert n >= 290 and stories >= 120
    assert precision >= 0.98
    assert recall >= 0.7


def test_holdout_headlines_precision_and_recall():
    # never used to tune the rule (a wrong merge in the sidebar is worse than a missed one:
    # precision comes first). Headlines alone measured 1.000 / 0.526 when that rule was
    # fixed; the summaries were written before the summary rule and measured once after it.
    precision, recall, _, n, stories = _pairwise(FIXTURES / "holdout.json", summaries=False)
    assert precision >= 0.97 and recall >= 0.5
    precision, recall, _, n, stories = _pairwise(FIXTURES / "holdout.json")
    assert n >= 90 and stories >= 40
    assert precision >= HOLDOUT_PRECISION
    assert recall >= HOLDOUT_RECALL


def test_second_holdout_headlines_precision_and_recall():
    # written with its summaries before the summary rule was designed, never run while
    # tuning it: measured once, at the end
    precision, recall, _, n, stories = _pairwise(FIXTURES / "holdout2.json", summaries=False)
    assert precision >= HOLDOUT2_BARE_PRECISION
    precision, recall, _, n, stories = _pairwise(FIXTURES / "holdout2.json")
    assert n >= 60 and stories >= 20
    assert precision >= HOLDOUT2_PRECISION
    assert recall >= HOLDOUT2_RECALL


def test_third_holdout_headlines_precision_and_recall():
    # written after the first two held-out sets were measured (their precision fell short)
    # and before the summary rule was revised: run once, after the revision
    precision, recall, _, n, stories = _pairwise(FIXTURES / "holdout3.json", summaries=False)
    assert precision >= HOLDOUT3_BARE_PRECISION
    precision, recall, _, n, stories = _pairwise(FIXTURES / "holdout3.json")
    assert n >= 60 and stories >= 20
    assert precision >= HOLDOUT3_PRECISION
    assert recall >= HOLDOUT3_RECALL


def test_names_and_figures_are_the_specific_terms():
    # a word capitalised inside a sentence is a name, weighed up however common it is
    terms = title_terms("Mayor Okafor cleared of wrongdoing in expenses inquiry")
    assert terms.specific == {"okafor"} and terms["okafor"] >= 3.0
    assert title_terms("Magnitude 6.8 earthquake strikes off Sumatra").specific == {
        "6.8",
        "sumatra",
    }
    # "Storm Elsa": the common word before a name is its title, not a second name
    assert title_terms("Thousands without power as Storm Elsa hits the coast").specific == {"elsa"}
    # Title Case says nothing; German capitalises every noun; acronyms are names anywhere
    assert title_terms("Storm Elsa Batters Coast With 90mph Winds").specific == {"90"}
    assert title_terms("GDL kündigt neuen Bahnstreik an").specific == {"gdl"}
    # a rare word opening the headline may be a name: the window decides (see clusters.py)
    assert "novalith" in title_terms("Novalith profits jump on chip sales").opened
    assert title_terms("Rail strike called off").specific == frozenset()


def _groups(titles: list[str]) -> list[list[int]]:
    items = [item(n + 1, n + 1, t) for n, t in enumerate(titles)]
    found = trending(items, NOW, min_sources=1, size=100)
    return sorted(sorted(a.id for a in s.articles) for s in found)


def test_pairs_sharing_only_a_topic_stay_apart():
    # a bird-flu outbreak and a bird-flu vaccine trial share "bird", "flu", "poultry"
    assert _groups(
        [
            "Bird flu confirmed at poultry farm near Eastmoor",
            "Eastmoor poultry farm hit by bird flu, 3km zone set up",
            "Bird flu vaccine for poultry approved for field trials",
            "Poultry could be vaccinated against bird flu under new trial",
        ]
    ) == [[1, 2], [3, 4]]


def test_one_name_in_two_events_stays_apart():
    # the same team in a final and in a draw; two earthquakes of different size and place
    assert _groups(
        [
            "Harcourt beat Riverside to win county cup final",
            "County cup final: late winner gives Harcourt victory over Riverside",
            "County cup semi-final draw: Riverside to face Dunmore",
            "Riverside drawn against Dunmore in county cup semi-finals",
            "Magnitude 6.2 earthquake strikes off Kestria coast",
            "Strong 6.2 quake hits Kestria, tsunami warning lifted",
            "Magnitude 5.1 earthquake shakes Morlan valley",
            "Morlan valley earthquake: no injuries reported after 5.1 tremor",
        ]
    ) == [[1, 2], [3, 4], [5, 6], [7, 8]]


def test_a_headline_most_of_a_story_nearly_matches_joins_it():
    # each pair alone falls just short; together they are one story (votes, clusters.py)
    stories = _groups(
        [
            "Rail strike called off after late-night pay deal",
            "Train drivers' strike called off as rail pay deal agreed",
            "Commuters relieved as rail strike called off after pay deal",
            'Rail strike called off after pay deal <script>alert("x")</script> & '
            "[click](javascript:alert(1)) **now** red",
        ]
    )
    assert stories == [[1, 2, 3, 4]]


def test_every_language_of_the_sets_is_matched_within_itself():
    # one story per language, headlines written by different outlets: all in one cluster
    stories = {
        "de": [
            "Autobauer streicht 5000 Stellen",
            "Stellenabbau: Autobauer will 5000 Jobs streichen",
        ],
        "fr": [
            "Le Louvre fermé après une grève surprise du personnel",
            "Grève surprise : le musée du Louvre n'a pas ouvert ses portes",
        ],
        "es": [
            "Incendio forestal en Valencia obliga a evacuar a 2000 vecinos",
            "Valencia: 2000 vecinos evacuados por un incendio forestal",
        ],
        "ru": [
            "ЦБ повысил ключевую ставку до 16%",
            "Банк России поднял ключевую ставку до 16 процентов",
        ],
        "zh": ["央行宣布降准0.5个百分点", "中国人民银行下调存款准备金率0.5个百分点"],
    }
    items = [
        item(10 * k + n + 1, n + 1, title)
        for k, titles in enumerate(stories.values())
        for n, title in enumerate(titles)
    ]
    found = trending(items, NOW, size=10)
    assert sorted(sorted(a.id for a in s.articles) for s in found) == [
        [1, 2],
        [11, 12],
        [21, 22],
        [31, 32],
        [41, 42],
    ]


@pytest.mark.parametrize(
    "name", ["headlines.json", "holdout.json", "holdout2.json", "holdout3.json"]
)
def test_prefix_filter_loses_no_match(name: str) -> None:
    # the candidate index must find every pair the rule would match comparing all pairs
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    titles = [t for headlines in data["stories"].values() for _, t, *_ in headlines]
    rng = random.Random(5)
    for _ in range(3):
        rng.shuffle(titles)
        terms = [title_terms(t) for t in titles]
        links = [None] * len(terms)
        fast, slow = _cluster(terms, links), _cluster(terms, links, use_prefix=False)
        assert [_root(fast, i) for i in range(len(terms))] == [
            _root(slow, i) for i in range(len(terms))
        ]


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        i = parent[i]
    return i


def test_japanese_grammar_does_not_match_headlines():
    # two unrelated headlines ending in the same verb form share only grammar
    a = "大阪で新しい美術館がオープンしている"
    b = "東京都で震度5強の地震 被害を確認している"
    c = "東京で震度5強の地震、けが人の情報なし"
    stories = trending([item(1, 1, a), item(2, 2, b), item(3, 3, c)], NOW)
    assert [sorted(x.id for x in s.articles) for s in stories] == [[2, 3]]
    assert not set(title_terms(a)) & set(title_terms(b))


def test_terms_fold_numbers_and_weigh_rare_words_up():
    one = title_terms("Inflation falls to 2.1%, lowest in three years")
    other = title_terms("Inflation drops more than expected to 2.1 per cent")
    assert "2.1%" in one and "2.1%" in other
    assert title_terms("Avian flu: 30,000 birds culled")["30000"] > 0
    assert set(title_terms("Novalith to build $20bn plant")) >= {"20", "novalith"}
    assert "20" in title_terms("Novalith announces $20 billion plant")
    # a name no word list knows weighs most, a common word little, a stop word nothing
    terms = title_terms("Brightmart says the government will act")
    assert terms["brightmart"] > terms["act"] > 0 and "the" not in terms and "say" not in terms
    assert "govern" not in terms or terms["govern"] <= 0.5  # generic newsroom word


# --- opinion ----------------------------------------------------------------------------------


def test_opinion_by_feed_section():
    assert is_opinion("opinion", [], "https://example.org/world/2025/03/18/election")
    assert is_opinion("Opinion", [], None)
    assert not is_opinion("news", [], "https://example.org/world/2025/03/18/election")
    assert not is_opinion("trending", [], None)


@pytest.mark.parametrize(
    "categories",
    [
        ["Opinion"],
        ["World", "Blogs"],
        ["Op-Ed"],
        ["op ed"],
        ["News analysis"],
        ["Opinion & Analysis/Columnists"],
        ["INTERVIEWS"],
        ["Perspectives"],
        ["Éditorial"],
    ],
)
def test_opinion_by_category(categories):
    assert is_opinion("news", categories, "https://example.org/news/2025/03/story")


@pytest.mark.parametrize(
    "categories",
    [["World"], ["Blogger tools"], ["Columnist"], ["Opinionated"], ["Analytics"], []],
)
def test_not_opinion_by_category(categories):
    assert not is_opinion("news", categories, "https://example.org/news/2025/03/story")


@pytest.mark.parametrize(
    "link",
    [
        "https://example.org/opinion/2025/03/18/why-rates-must-fall",
        "https://example.org/blogs/tech/new-phone-hands-on",
        "https://example.org/2025/03/op-ed/the-case-for-trains",
        "https://example.org/news/tech-blog/a-week-with-linux.html",
        "https://example.org/interviews/lena-varga/",
        "https://example.org/markets-analysis/rates-explained/12345",
        "https://example.org/Commentary/rates",
        "https://example.org/section/opinion",
        "https://example.org/story/view/opinion.html?id=4",
    ],
)
def test_opinion_by_link_segment(link):
    assert is_opinion("news", ["World"], link)


@pytest.mark.parametrize(
    "link",
    [
        "https://example.org/news/2025/03/18/why-i-quit-my-blog",
        "https://example.org/news/interview-process-reform/12345/amp",
        "https://blog.example.org/news/2025/03/rates",  # host names are not path segments
        "https://example.org/news/2025/03/rates?section=opinion",
        "https://example.org/bloggers-guide/rates",
        None,
        "",
        "not a url at all",
    ],
)
def test_not_opinion_by_link(link):
    assert not is_opinion("news", [], link)


def test_news_piece_with_blog_only_in_its_body_is_not_opinion():
    article = ParsedArticle(
        title="Council approves new cycle lanes",
        link="https://example.org/news/2025/03/18/council-approves-cycle-lanes",
        categories=["Local", "Transport"],
        summary_html="<p>The plan was first floated on the mayor's blog.</p>",
        content_html="<p>Read the full opinion piece on our blog; see the editorial column.</p>",
    )
    assert "blog" in article.content_html and "opinion" in article.content_html
    assert not is_opinion("news", article.categories, article.link)


def test_opinion_keywords_are_configurable():
    link = "https://example.org/reviews/2025/03/new-phone"
    assert not is_opinion("news", ["Reviews"], link)
    assert is_opinion("news", ["Reviews"], None, keywords=("review",))
    assert is_opinion("news", [], link, keywords=[*DEFAULT_OPINION_KEYWORDS, "review"])
    assert not is_opinion("news", ["Opinion"], None, keywords=())


def test_trending_is_one_thing_the_function():
    # the clustering module is `clusters`: `newsreader.ranking.trending` is only the function
    assert callable(trending) and trending.__module__ == "newsreader.ranking.clusters"
    assert importlib.util.find_spec("newsreader.ranking.trending") is None


def test_ranking_imports_neither_textual_nor_sqlite():
    code = (
        "import sys, newsreader.ranking; "
        "print(sorted(m for m in ('textual', 'sqlite3', 'wordfreq') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --- summaries ----------------------------------------------------------------------------------


def test_summary_text_drops_markup_boilerplate_and_the_headline_again():
    assert summary_text("<p>Mayor <b>Okafor</b> &amp; council agree &#8364;5m plan</p>") == (
        "Mayor Okafor & council agree \u20ac5m plan"
    )
    assert summary_text("Read more at The Morning Ledger.") == ""
    assert summary_text("Click here to read the full story.") == ""
    assert summary_text("Weiterlesen") == ""
    assert summary_text(
        "Rates rise to 5%. The post Rates rise appeared first on Example Wire."
    ) == ("Rates rise to 5%.")
    assert summary_text("Bus strike called off", "Bus strike called off") == ""
    long = "Word " * 200
    assert len(summary_text(long)) <= 300
    # days and months are neither names nor much evidence
    terms = summary_terms("The club beat Eastport on Saturday in March, Okafor scoring twice.")
    assert {"okafor", "eastport"} <= terms.specific
    assert not {"saturday", "march"} & terms.specific and terms["saturday"] <= 0.5


def _summarised(rows: list[tuple[int, str, str]]) -> list[RankItem]:
    return [
        RankItem(n, feed, FEEDS[feed], title, None, NOW - n * 60, "news", summary=text)
        for n, (feed, title, text) in enumerate(rows, 1)
    ]


FLOOD_VISIT = [
    (
        2,
        "PM tours flooded northern towns and promises aid",
        "Erik Holm promised £50m in emergency aid during a visit to flooded Tarnby and "
        "Eskdale on Monday.",
    ),
    (
        4,
        "Prime minister promises aid on visit to flooded towns",
        "The prime minister pledged £50m for flood-hit Tarnby and Eskdale on his visit on Monday.",
    ),
]


def test_a_summary_joins_paraphrased_headlines():
    with_summaries = trending(_summarised(FLOOD_VISIT), NOW, min_sources=1, size=10)
    assert [sorted(a.id for a in s.articles) for s in with_summaries] == [[1, 2]]
    # the headlines alone share too little
    bare = _summarised([(feed, title, "") for feed, title, _ in FLOOD_VISIT])
    assert len(trending(bare, NOW, min_sources=1, size=10)) == 2
    # an unhelpful summary takes no part
    unhelpful = _summarised([(feed, title, "Read more") for feed, title, _ in FLOOD_VISIT])
    assert len(trending(unhelpful, NOW, min_sources=1, size=10)) == 2


def test_a_summary_does_not_join_one_name_in_two_events():
    items = _summarised(
        [
            (
                3,
                "Mayor Okafor unveils plan for free buses for under-18s",
                "Mayor Grace Okafor announced plans for free bus travel for under-18s in "
                "Harbour City from April.",
            ),
            (
                2,
                "Mayor Okafor cleared of wrongdoing in expenses inquiry",
                "An inquiry cleared Harbour City Mayor Grace Okafor of wrongdoing over her "
                "expenses claims.",
            ),
        ]
    )
    assert len(trending(items, NOW, min_sources=1, size=10)) == 2


def test_cache_rejudges_only_changed_headlines_and_agrees_with_a_fresh_run():
    # the TrendingCache carries the headline pass's matches over between runs and judges
    # again only the pairs of new or edited headlines: windows that slide a little at a time
    # (each run takes the incremental path) and edits give what a fresh run gives
    items, _ = _labelled(FIXTURES / "headlines.json")
    cache = TrendingCache()

    def groups(stories: list) -> list[tuple[list[int], float]]:
        return sorted((sorted(a.id for a in s.articles), s.score) for s in stories)

    def edit(it: RankItem, title: str) -> RankItem:
        return dataclasses.replace(it, title=title)

    windows = [items[:240], items[:240], items[5:245], items[20:260], items[20:260]]
    # a headline rewritten to join another story, and one to leave its own
    windows.append([edit(it, items[30].title) if it.id == 200 else it for it in items[20:260]])
    windows.append([edit(it, "Quiet day") if it.id == 31 else it for it in items[20:260]])
    for part in windows:
        warm = trending(part, NOW, min_sources=1, size=1000, cache=cache)
        assert groups(warm) == groups(trending(part, NOW, min_sources=1, size=1000))
        assert len(cache._pairs.inputs) == len(part)
    joined = trending(windows[5], NOW, min_sources=1, size=1000, cache=cache)
    assert any({31, 200} <= {a.id for a in s.articles} for s in joined)


def test_cache_with_summaries_follows_the_window():
    # the labelled set with its summaries, fed in overlapping windows: the cache (and its
    # summary index, updated by what came and went) gives what a fresh run gives
    items, _ = _labelled(FIXTURES / "headlines.json")
    cache = TrendingCache()

    def groups(stories: list) -> list[list[int]]:
        return sorted(sorted(a.id for a in s.articles) for s in stories)

    for start, end in [(0, 260), (40, 200), (0, 120), (100, 260), (0, 260)]:
        part = items[start:end]
        cold = trending(part, NOW, min_sources=1, size=1000)
        warm = trending(part, NOW, min_sources=1, size=1000, cache=cache)
        assert groups(warm) == groups(cold)
    # an edited summary is read again
    edited = [
        RankItem(it.id, it.feed_id, it.feed_title, it.title, None, it.published, "news", 0, "")
        for it in items
    ]
    assert groups(trending(edited, NOW, min_sources=1, size=1000, cache=cache)) == groups(
        trending(edited, NOW, min_sources=1, size=1000)
    )


def test_trending_from_a_store_reads_summaries_and_rereads_an_edited_one(home: Path) -> None:
    # a real store: the summaries are stored as feeds send them (HTML; the long one deflated)
    import time as _time
    from datetime import UTC, datetime

    from newsreader.model import ParsedFeed
    from newsreader.ranking.stories import trending_stories
    from newsreader.runtime import Runtime
    from newsreader.store import FetchOutcome

    (home / "config" / "config.toml").write_text(
        '[[feeds]]\nurl = "https://a.example/rss"\ntitle = "The Morning Ledger"\n\n'
        '[[feeds]]\nurl = "https://b.example/rss"\ntitle = "Northfield Gazette"\n',
        encoding="utf-8",
    )
    now = _time.time()
    long_tail = " The visit was his third to the region this year." * 6  # > 200 bytes
    (a_title, a_summary), (b_title, b_summary) = [(t, s) for _, t, s in FLOOD_VISIT]
    rt = Runtime.load(None, None)

    def record(url: str, title: str, summary: str | None) -> None:
        article = ParsedArticle(
            title=title,
            guid=f"{url}#1",
            link=url.replace("/rss", "/1"),
            published=datetime.fromtimestamp(now - 3600, UTC),
            summary_html=summary,
        )
        feed = ParsedFeed(title=None, site_link=None, articles=[article])
        store.record_fetch(ids[url], FetchOutcome(status=200), feed, now=now, keep_title=True)

    with rt.open_store() as store:
        ids = store.sync_feeds(rt.feeds)
        record("https://a.example/rss", a_title, f"<p>{a_summary}{long_tail}</p>")
        record("https://b.example/rss", b_title, f"<p>{b_summary} &amp; more</p>")
        cache = TrendingCache()
        cold = trending_stories(store, rt.settings, now)
        warm = [trending_stories(store, rt.settings, now, cache) for _ in range(2)][-1]
        assert [s.sources for s in cold] == [s.sources for s in warm] == [2]
        # the feed edits its summary to a "Read more": the story falls apart, cache or not
        record("https://b.example/rss", b_title, "Read more")
        assert trending_stories(store, rt.settings, now, cache) == []
        assert trending_stories(store, rt.settings, now) == []
