"""The bundled demo feeds (newsreader/demo): well-formed, complete, fresh after materialise,
with cross-feed stories for Trending and opinion pieces for the Opinion pane."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsreader.demo import DEMO_DIR, DEMO_FEEDS, DemoFeed, materialise, shift_dates
from newsreader.model import SECTIONS, RankItem
from newsreader.ranking import is_opinion, trending

NOW = datetime(2031, 3, 1, 0, 5, tzinfo=UTC)  # crosses a month end (non-leap February) on shift


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _date(text: str) -> datetime:
    text = text.strip()
    if text[:1].isdigit():
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    dt = parsedate_to_datetime(text)
    # The weekday written in the file must agree with the date (materialise recomputes it).
    assert text[:3] == dt.strftime("%a"), text
    return dt


def load(path: Path) -> tuple[str, list[dict]]:
    """(feed title, items as dicts) read with the standard library only."""
    if path.suffix == ".json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["version"] == "https://jsonfeed.org/version/1.1"
        items = [
            {
                "title": it["title"],
                "link": it["url"],
                "guid": it["id"],
                "author": it["authors"][0]["name"],
                "categories": it["tags"],
                "published": _date(it["date_published"]),
                "body": it["content_html"],
            }
            for it in doc["items"]
        ]
        return doc["title"], items
    root = ET.parse(path).getroot()
    feed_el = root.find("{*}channel") if _local(root.tag) in ("rss", "RDF") else root
    assert feed_el is not None
    title = feed_el.findtext("{*}title") or ""
    items = []
    for el in root.iter():
        if _local(el.tag) not in ("item", "entry"):
            continue
        item: dict = {"categories": []}
        for child in el:
            name, text = _local(child.tag), (child.text or "").strip()
            if name == "title":
                item["title"] = text
            elif name == "link":
                item["link"] = child.get("href") or text
            elif name in ("guid", "id"):
                item["guid"] = text
            elif name == "creator":
                item["author"] = text
            elif name == "author":
                item["author"] = child.findtext("{*}name")
            elif name in ("category", "subject"):
                item["categories"].append(child.get("term") or text)
            elif name in ("pubDate", "published", "date"):
                item["published"] = _date(text)
            elif name in ("encoded", "content") or (name == "description" and "body" not in item):
                item["body"] = text
        if "guid" not in item and el.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"):
            item["guid"] = el.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        items.append(item)
    return title, items


@pytest.fixture(scope="module")
def bundled() -> dict[str, tuple[DemoFeed, str, list[dict]]]:
    out = {}
    for feed in DEMO_FEEDS:
        title, items = load(DEMO_DIR / feed.file)
        out[feed.file] = (feed, title, items)
    return out


@pytest.fixture(scope="module")
def shifted(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[DemoFeed, list[dict]]]:
    dest = tmp_path_factory.mktemp("demo")
    return [(feed, load(path)[1]) for path, feed in materialise(dest, NOW)]


def _all_items(bundled: dict) -> list[tuple[DemoFeed, dict]]:
    return [(feed, it) for feed, _title, items in bundled.values() for it in items]


# --- the set of feeds -------------------------------------------------------------------------


def test_a_dozen_feeds_in_all_formats_with_one_trending_and_one_opinion_feed() -> None:
    assert len(DEMO_FEEDS) == 12
    assert len({f.file for f in DEMO_FEEDS}) == 12
    assert len({f.title for f in DEMO_FEEDS}) == 12
    for feed in DEMO_FEEDS:
        assert (DEMO_DIR / feed.file).is_file(), feed.file
        assert feed.section in SECTIONS
        assert feed.tags
    sections = Counter(f.section for f in DEMO_FEEDS)
    assert sections["trending"] == 1
    assert sections["opinion"] == 1
    kinds = Counter()
    for feed in DEMO_FEEDS:
        head = (DEMO_DIR / feed.file).read_text(encoding="utf-8")[:400]
        if head.startswith("{"):
            kinds["json"] += 1
        elif "<rss" in head:
            kinds["rss2"] += 1
        elif "<rdf:RDF" in head:
            kinds["rss1"] += 1
        elif "<feed" in head:
            kinds["atom"] += 1
    assert sum(kinds.values()) == 12
    assert kinds["json"] >= 2 and kinds["rss2"] >= 2 and kinds["atom"] >= 2 and kinds["rss1"] >= 1


def test_every_item_is_complete_and_links_point_at_invented_domains(bundled: dict) -> None:
    total = 0
    for file, (feed, title, items) in bundled.items():
        assert title == feed.title, file
        assert 8 <= len(items) <= 15, (file, len(items))
        total += len(items)
        guids = [it["guid"] for it in items]
        assert len(set(guids)) == len(guids), file
        for it in items:
            where = (file, it.get("title"))
            assert it["title"] and it["author"] and it["categories"], where
            assert isinstance(it["published"], datetime) and it["published"].tzinfo, where
            parts = urlsplit(it["link"])
            assert parts.scheme == "https" and parts.hostname.endswith(".example"), where
            blocks = re.findall(r"<(?:p|ul|ol|blockquote|pre)\b", it["body"])
            assert 2 <= len(blocks) <= 8, (where, len(blocks))
    assert total >= 120


def test_every_url_in_the_files_is_invented(bundled: dict) -> None:
    namespaces = {"purl.org", "www.w3.org", "jsonfeed.org"}
    for feed in DEMO_FEEDS:
        text = (DEMO_DIR / feed.file).read_text(encoding="utf-8")
        for host in re.findall(r"https?://([^/\"'<>\s]+)", text):
            assert host.endswith(".example") or host in namespaces, (feed.file, host)


def test_bodies_use_the_html_the_article_view_renders(bundled: dict) -> None:
    bodies = "\n".join(it["body"] for _f, it in _all_items(bundled))
    for needle in ("<ul>", "<ol>", "<blockquote>", '<a href="https://', "<pre><code"):
        assert needle in bodies, needle
    images = re.findall(r"<img [^>]*>", bodies)
    assert len(images) >= 4
    assert all(re.search(r'alt="[^"]{10,}"', img) for img in images)


def test_the_files_match_the_story_source() -> None:
    from newsreader.demo._build import render_all

    rendered = render_all()
    assert set(rendered) == {f.file for f in DEMO_FEEDS}
    for name, text in rendered.items():
        assert (DEMO_DIR / name).read_text(encoding="utf-8") == text, (
            f"{name} is stale: run python -m newsreader.demo._build"
        )


# --- materialise ------------------------------------------------------------------------------


def test_materialise_makes_the_newest_item_recent_and_none_in_the_future(
    shifted: list[tuple[DemoFeed, list[dict]]],
) -> None:
    dates = [it["published"] for _feed, items in shifted for it in items]
    assert len(dates) >= 120
    newest = max(dates)
    assert NOW - timedelta(hours=1) <= newest <= NOW
    assert all(d <= NOW for d in dates)
    # Spread over the last day and a half, so a 48-hour trending window sees the stories.
    recent = [d for d in dates if NOW - d <= timedelta(hours=36)]
    assert len(recent) >= 0.85 * len(dates)
    assert all(NOW - d <= timedelta(days=3) for d in dates)
    assert NOW - min(recent) >= timedelta(hours=30)


def test_materialise_writes_copies_in_order_and_leaves_the_bundle_alone(tmp_path: Path) -> None:
    before = {f.file: (DEMO_DIR / f.file).read_bytes() for f in DEMO_FEEDS}
    written = materialise(tmp_path / "feeds", datetime.now(UTC))
    assert [feed for _path, feed in written] == DEMO_FEEDS
    for path, feed in written:
        assert path == tmp_path / "feeds" / feed.file and path.is_file()
    assert {f.file: (DEMO_DIR / f.file).read_bytes() for f in DEMO_FEEDS} == before


def test_materialise_changes_only_the_dates(tmp_path: Path) -> None:
    date_re = re.compile(
        r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d \w{3} \d{4} \d\d:\d\d:\d\d \S+?(?=<)"
        r"|\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)"
    )
    for path, feed in materialise(tmp_path, datetime(2040, 1, 1, 12, 0)):  # naive = UTC
        old = (DEMO_DIR / feed.file).read_text(encoding="utf-8")
        new = path.read_text(encoding="utf-8")
        assert len(date_re.findall(old)) == len(date_re.findall(new)) > 8
        assert date_re.sub("D", old) == date_re.sub("D", new), feed.file
        assert "2025-03" not in new and "Mar 2025" not in new


def test_shift_dates_keeps_each_format_and_zone() -> None:
    text = (
        "<pubDate>Tue, 18 Mar 2025 09:40:00 GMT</pubDate><pubDate>Sat, 1 Mar 2025 23:30:00 +0100"
        '</pubDate><published>2025-03-18T10:40:00+01:00</published>"2025-03-18T09:40:00Z"'
    )
    out = shift_dates(text, timedelta(days=1, minutes=30))
    assert out == (
        "<pubDate>Wed, 19 Mar 2025 10:10:00 GMT</pubDate><pubDate>Mon, 03 Mar 2025 00:00:00 +0100"
        '</pubDate><published>2025-03-19T11:10:00+01:00</published>"2025-03-19T10:10:00Z"'
    )


# --- what the panes need ----------------------------------------------------------------------

_STOP_WORDS = (
    "a an the and or of to in on for at by with as from is are was were be it its this that "
    "after before over under into about than but not new what why how who your you we our "
    "first will can could should"
)
_STOP = set(_STOP_WORDS.split())


def _significant(title: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", re.sub(r"['\u2019]s\b", "", title.lower()))
    return {w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words if w not in _STOP}


def test_titles_of_one_story_share_words_across_feeds(bundled: dict) -> None:
    """Weak check independent of the ranking code: at least 4 groups of headlines from
    different outlets share >= 3 significant words, and hard negatives share only 1-2."""
    titles = [
        (feed.title, it["title"])
        for feed, it in _all_items(bundled)
        if feed.section != "trending"  # its items repeat the wire's own headlines
    ]
    parent = list(range(len(titles)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    near_misses = 0
    for i, (feed_a, a) in enumerate(titles):
        for j in range(i + 1, len(titles)):
            feed_b, b = titles[j]
            if feed_a == feed_b:
                continue
            shared = len(_significant(a) & _significant(b))
            if shared >= 3:
                parent[find(j)] = find(i)
            elif shared >= 1:
                near_misses += 1
    groups: dict[int, set[str]] = {}
    for i, (feed, _title) in enumerate(titles):
        groups.setdefault(find(i), set()).add(feed)
    multi = [feeds for feeds in groups.values() if len(feeds) >= 2]
    assert len(multi) >= 4
    assert max(len(feeds) for feeds in multi) >= 3
    assert near_misses >= 20


def _rank_items(shifted: list[tuple[DemoFeed, list[dict]]]) -> list[RankItem]:
    out = []
    for feed_id, (feed, items) in enumerate(shifted):
        for rank, it in enumerate(items):
            out.append(
                RankItem(
                    id=len(out) + 1,
                    feed_id=feed_id,
                    feed_title=feed.title,
                    title=it["title"],
                    link=it["link"],
                    published=it["published"].timestamp(),
                    section=feed.section,
                    rank=rank,
                )
            )
    return out


def test_trending_finds_stories_carried_by_several_feeds(shifted: list) -> None:
    stories = trending(_rank_items(shifted), NOW.timestamp(), size=20)
    trending_feed = next(i for i, (f, _) in enumerate(shifted) if f.section == "trending")
    multi = [s for s in stories if len({a.feed_id for a in s.articles} - {trending_feed}) >= 2]
    assert len(multi) >= 4
    assert max(s.sources for s in multi) >= 4
    # The sidebar shows each story's freshest headline: the big stories lead with news,
    # not with an opinion or interview piece that happens to share words.
    for story in multi[:6]:
        assert not re.match(r"(Analysis|Interview|Opinion)\b", story.title), story.title


def test_most_read_feed_lists_wire_stories_in_its_own_order(bundled: dict) -> None:
    (most_read,) = [v for v in bundled.values() if v[0].section == "trending"]
    wire_links = {
        it["link"] for feed, _t, items in bundled.values() if feed.section == "news" for it in items
    }
    items = most_read[2]
    assert all(it["link"] in wire_links for it in items)
    dates = [it["published"] for it in items]
    assert dates != sorted(dates, reverse=True)  # ranked by readers, not by time


def test_opinion_pieces_are_recognisable(bundled: dict) -> None:
    pairs = _all_items(bundled)
    opinion = [(f, it) for f, it in pairs if is_opinion(f.section, it["categories"], it["link"])]
    assert 20 <= len(opinion) <= len(pairs) // 2
    segments = Counter(urlsplit(it["link"]).path.split("/")[1] for _f, it in pairs)
    assert segments["opinion"] >= 8 and segments["blog"] >= 5
    cats = Counter(c for _f, it in pairs for c in it["categories"])
    assert cats["Opinion"] >= 5 and cats["Analysis"] >= 4 and cats["Interview"] >= 4
    # Not only the opinion-section feed: the pane mixes outlets.
    assert len({f.title for f, _it in opinion}) >= 5


def test_parse_feed_reads_every_materialised_file(tmp_path: Path) -> None:
    parse = pytest.importorskip("newsreader.parse")
    now = datetime.now(UTC)
    for path, feed in materialise(tmp_path, now):
        parsed = parse.parse_feed(path.read_bytes(), path.as_uri(), fetched_at=now)
        assert parsed.title == feed.title
        assert parsed.warning is None, (feed.file, parsed.warning)
        assert 8 <= len(parsed.articles) <= 15
        for art in parsed.articles:
            assert art.title and art.link and art.author and art.categories, art
            assert art.published is not None and art.published <= now
            assert now - art.published < timedelta(days=3)
            assert art.content_html or art.summary_html
