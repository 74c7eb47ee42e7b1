"""parse_feed on real feed files: formats, encodings, links, dates, JSON Feed, errors."""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsreader.model import FeedError, ParsedFeed
from newsreader.parse import MAX_ITEMS, looks_like_feed, parse_feed

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"
FETCHED = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


def load(name: str, url: str | None = None, headers: dict | None = None) -> ParsedFeed:
    data = (FEEDS / name).read_bytes()
    return parse_feed(data, url or f"https://site.example.com/feeds/{name}", headers, FETCHED)


def by_title(feed: ParsedFeed) -> dict:
    return {a.title: a for a in feed.articles}


# ---------------------------------------------------------------------------- formats


def test_rss20_fields() -> None:
    feed = load("rss20.xml")
    assert feed.format == "rss20"
    assert feed.title == "The Valley Courier"
    assert feed.site_link == "https://courier.example.com/"
    assert feed.warning is None
    first = feed.articles[0]
    assert first.title == "River levels fall after a week of rain"
    assert first.guid == "courier-2025-0412"
    assert first.link == "https://courier.example.com/news/river-levels"
    assert first.author == "Priya Raman"  # dc:creator
    assert first.published == datetime(2025, 3, 3, 8, 15, tzinfo=UTC)
    assert first.categories == ["Weather", "Environment"]  # "weather" deduplicated
    assert first.summary_html == "<p>Flood warnings were lifted on <b>Sunday</b>.</p>"
    # content:encoded is kept as HTML, relative links resolved against the feed URL
    assert "<b>Sunday</b> evening" in first.content_html
    assert 'href="https://site.example.com/gauges/weir"' in first.content_html
    second = feed.articles[1]
    assert second.author == "News Desk"  # "desk@... (News Desk)"
    assert second.content_html is None  # only a summary
    third = feed.articles[2]
    assert third.published == datetime(2025, 3, 1, 11, 0, tzinfo=UTC)  # +0100 -> UTC


def test_rss091_and_rss10() -> None:
    old = load("rss091.xml")
    assert old.format == "rss091n"  # told apart by the Netscape DOCTYPE we strip
    assert [a.title for a in old.articles] == [
        "Ferry timetable changes for the winter",
        "Lighthouse open day draws record crowd",
    ]
    assert old.articles[0].link == "http://gazette.example.com/2025/ferry-winter.html"
    rdf = load("rss10.xml")
    assert rdf.format == "rss10"
    comet = rdf.articles[0]
    assert comet.author == "Ines Okafor"
    assert comet.categories == ["comets"]
    # dc:date: the only date, so it is both published and updated
    assert comet.published == comet.updated == datetime(2025, 1, 14, 22, 10, tzinfo=UTC)


def test_atom_xml_base_authors_and_dates() -> None:
    feed = load("atom.xml")
    assert feed.format == "atom10"
    assert feed.title == "Field & Forest"  # type="html" title, unescaped to text
    assert feed.site_link == "https://blog.example.net/"
    coppice, dormice = feed.articles
    assert coppice.link == "https://blog.example.net/posts/2025/coppicing.html"
    assert coppice.author == "Ruth Calder, Olu Adeyemi"
    assert coppice.published == datetime(2025, 4, 8, 7, 30, tzinfo=UTC)
    assert coppice.updated == datetime(2025, 4, 9, 14, 45, tzinfo=UTC)
    assert coppice.categories == ["forestry", "hazel"]
    # a type="text" summary becomes escaped HTML; content keeps its markup, links resolved
    assert (
        coppice.summary_html == "<p>Third winter of the rotation: what regrew and what did not.</p>"
    )
    assert 'href="https://blog.example.net/posts/2023/first-cut.html"' in coppice.content_html
    assert 'src="https://blog.example.net/posts/2025/img/stools.jpg"' in coppice.content_html
    assert dormice.title == "Counting dormice boxes"  # xhtml title flattened to text
    assert dormice.author == "Woodland Team"  # Atom: inherited from the feed
    assert dormice.published == dormice.updated == datetime(2025, 3, 21, 7, 0, tzinfo=UTC)
    assert dormice.summary_html is None  # feedparser's copy of content is not a summary
    assert dormice.content_html == "<p>Fourteen of forty boxes were occupied.</p>"


def test_podcast_enclosures() -> None:
    feed = load("podcast.xml", "https://radio.example.com/feeds/sgr.xml")
    medlars, walnuts = feed.articles
    assert [(e.url, e.type, e.length) for e in medlars.enclosures] == [
        ("https://cdn.example.com/sgr/012.mp3", "audio/mpeg", 28734976)
    ]
    # relative enclosure resolved, bad length -> None, file: enclosure dropped
    assert [(e.url, e.type, e.length) for e in walnuts.enclosures] == [
        ("https://radio.example.com/sgr/011.m4a", "audio/x-m4a", None)
    ]
    assert medlars.link is None and medlars.guid == "sgr-012"


def test_relative_links_resolve_against_feed_url() -> None:
    feed = load("relative.xml", "https://site.example.com/feeds/rel.xml")
    links = {a.title: a.link for a in feed.articles}
    assert feed.site_link == "https://site.example.com/"
    assert links == {
        "Same directory": "https://site.example.com/feeds/item-one.html",
        "Root relative": "https://site.example.com/news/item-two.html",
        "Protocol relative": "https://cdn.example.org/item-three",
        "Path with spaces": "https://site.example.com/news/a%20file.html",
    }
    summary = feed.articles[0].summary_html
    assert 'href="https://site.example.com/feeds/notes.html"' in summary
    assert 'src="https://site.example.com/img/a.png"' in summary


def test_redirected_url_is_the_base() -> None:
    # The fetcher passes the final URL after redirects; relative links follow it.
    feed = load("relative.xml", "https://moved.example.net/x/feed")
    assert feed.articles[1].link == "https://moved.example.net/news/item-two.html"


# ---------------------------------------------------------------------------- encodings


def test_undeclared_cp1252() -> None:
    feed = load("latin1.xml")
    assert feed.title == "Café Müller – Neuigkeiten"
    assert feed.articles[0].title == "Crème brûlée für die Fußgängerzone"
    assert "„Schöne Grüße“" in feed.articles[0].summary_html
    assert "3,50 €" in feed.articles[0].summary_html


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {"Content-Type": "text/xml"},  # feedparser alone would say us-ascii, then guess
        {"Content-Type": "application/rss+xml"},
        {"content-type": "text/html; charset="},
        {"ETag": '"abc"'},  # any header without content-type made feedparser use latin-1
    ],
)
def test_undeclared_koi8r(headers: dict | None) -> None:
    feed = load("koi8r.xml", headers=headers)
    assert feed.title == "Новости Приволжья"
    assert feed.articles[0].title == "Навигация по Волге откроется в апреле"
    assert feed.articles[1].summary_html == "Саженцы привезут из питомника на следующей неделе."
    assert feed.articles[0].published == datetime(2025, 3, 18, 4, 30, tzinfo=UTC)


def test_undeclared_shift_jis_and_declared_gb2312() -> None:
    jp = load("shiftjis.xml")
    assert jp.title == "港町ニュース"
    assert jp.articles[1].title == "新しいフェリーが来月から運航を開始"
    cn = load("gb2312.xml")
    assert cn.title == "江南日报"
    assert cn.articles[0].title == "城市公园新增自行车道"


def test_http_charset_used_when_bytes_are_not_utf8() -> None:
    data = (FEEDS / "koi8r.xml").read_bytes()
    feed = parse_feed(data, "https://x.example/", {"Content-Type": "text/xml; charset=koi8-r"})
    assert feed.title == "Новости Приволжья"


def test_valid_utf8_beats_a_wrong_declaration() -> None:
    text = (FEEDS / "latin1.xml").read_bytes().decode("cp1252")
    data = text.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="iso-8859-1"?>')
    feed = parse_feed(
        data.encode("utf-8"), "https://x.example/", {"content-type": "text/xml; charset=latin1"}
    )
    assert feed.title == "Café Müller – Neuigkeiten"


def test_utf16_with_bom() -> None:
    text = (FEEDS / "koi8r.xml").read_bytes().decode("koi8-r")
    data = text.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>')
    feed = parse_feed(data.encode("utf-16"), "https://x.example/")
    assert feed.articles[0].title == "Навигация по Волге откроется в апреле"
    assert looks_like_feed(data.encode("utf-16"))


# ---------------------------------------------------------------------------- dates


def test_dates_localised_clamped_and_absurd() -> None:
    feed = load("dates_localised.xml")
    pub = {a.title: a.published for a in feed.articles}
    assert pub["German"] == datetime(2025, 3, 12, 9, 0, tzinfo=UTC)  # "Mi, 12 Mär 2025 ... +0100"
    assert pub["French"] == datetime(2025, 1, 3, 8, 30, tzinfo=UTC)  # "ven., 3 janvier 2025"
    assert pub["Spanish"] == datetime(2025, 3, 12, 13, 5, tzinfo=UTC)  # "... 14:05 CET"
    assert pub["Italian"] == datetime(2025, 2, 4, tzinfo=UTC)  # weekday "mar" is not March
    assert pub["Future"] == FETCHED  # 2100 clamped to the fetch time
    assert pub["Before epoch"] is None
    assert pub["Garbage"] is None
    assert pub["Updated only"] == datetime(2025, 2, 2, 2, 2, 2, tzinfo=UTC)
    for article in feed.articles:
        for value in (article.published, article.updated):
            assert value is None or value.tzinfo is UTC


def test_naive_fetched_at_is_utc_and_default_is_now() -> None:
    data = (FEEDS / "dates_localised.xml").read_bytes()
    feed = parse_feed(data, "https://x.example/", None, datetime(2025, 6, 1, 0, 0))
    future = by_title(feed)["Future"].published
    assert future == datetime(2025, 6, 1, tzinfo=UTC)
    before = datetime.now(UTC)
    future = by_title(parse_feed(data, "https://x.example/"))["Future"].published
    assert before <= future <= datetime.now(UTC)
    other_zone = datetime(2025, 6, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    future = by_title(parse_feed(data, "https://x.example/", None, other_zone))["Future"].published
    assert future == datetime(2025, 6, 1, tzinfo=UTC)


# ---------------------------------------------------------------------------- JSON Feed


def test_json_feed_11() -> None:
    feed = load("feed.json", "https://bakery.example.com/feed.json")
    assert feed.format == "json11"
    assert feed.title == "Kettle & Crumb"
    assert feed.site_link == "https://bakery.example.com/"
    assert feed.warning == "skipped 1 items that are not objects"
    rye, buns, guest = feed.articles
    assert rye.guid == "https://bakery.example.com/posts/rye-starter"
    assert rye.author == "Mara Lindqvist, Jonas Ek"
    assert rye.categories == ["baking", "rye"]
    assert rye.published == datetime(2025, 6, 1, 5, 0, tzinfo=UTC)
    assert rye.updated == datetime(2025, 6, 2, 10, 30, tzinfo=UTC)
    assert rye.content_html == "<p>Feed it twice a day once the kitchen passes 24&#176;C.</p>"
    assert rye.summary_html == "<p>Warm kitchens &amp; hungry starters.</p>"
    # numeric id, relative url, RFC 822 date, no title, content_text, feed-level author
    assert buns.guid == "20250520"
    assert buns.link == "https://bakery.example.com/posts/cardamom-buns"
    assert buns.published == datetime(2025, 5, 20, 6, 0, tzinfo=UTC)
    assert buns.title.startswith("No title on this one. Just a note")
    assert buns.content_html.startswith("<p>No title on this one.</p><p>Just a note")
    assert buns.author == "Mara Lindqvist"
    assert [(e.url, e.type, e.length) for e in buns.enclosures] == [
        ("https://bakery.example.com/media/buns.jpg", "image/jpeg", 48213)
    ]
    # no id, external_url only, garbage date, 1.0-style "author" in a 1.1 feed
    assert guest.guid is None
    assert guest.link == "https://news.example.org/story/ovens"
    assert guest.published is None
    assert guest.author == "Guest Writer"


def test_json_feed_html_is_resolved_and_sanitised_like_rss() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            {
                "id": "1",
                "url": "https://j.example/posts/one/",
                "content_html": '<p onclick="x()">Hi <a href="../two/">two</a> <img src="a.png">'
                '<script>alert(1)</script><a href="javascript:alert(2)">js</a></p>',
            }
        ],
    }
    html = (
        parse_feed(json.dumps(doc).encode(), "https://j.example/feed.json").articles[0].content_html
    )
    assert 'href="https://j.example/posts/two/"' in html
    assert 'src="https://j.example/posts/one/a.png"' in html
    assert "script" not in html and "onclick" not in html and "javascript" not in html


def test_json_feed_10() -> None:
    feed = load("feed10.json")
    assert feed.format == "json10"
    spring, neap = feed.articles
    assert spring.author == "Harbour Office"
    assert neap.author == "Deputy Harbourmaster"
    assert neap.content_html == "<p>Low range all week.</p>"


def test_json_detected_by_content_type_and_tolerant_of_odd_values() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": 42,
        "items": [
            {"id": None, "title": ["no"], "url": 7, "tags": "solo", "content_text": "Body."},
            {"id": "b", "title": "B", "date_published": "2025-01-02", "authors": "Someone"},
            {},
        ],
    }
    data = b"\n  " + json.dumps(doc).encode()
    feed = parse_feed(data, "https://j.example/", {"Content-Type": "application/feed+json"})
    assert feed.title == "42"
    assert [a.title for a in feed.articles] == ["Body.", "B"]  # the empty item is dropped
    assert feed.articles[0].guid is None and feed.articles[0].link is None
    assert feed.articles[1].published == datetime(2025, 1, 2, tzinfo=UTC)


def test_json_without_version_but_with_items_is_read_with_a_warning() -> None:
    data = json.dumps({"title": "T", "items": [{"id": "1", "title": "One"}]}).encode()
    feed = parse_feed(data, "https://j.example/")
    assert feed.format == "json"
    assert feed.warning == "no JSON Feed version"
    assert feed.articles[0].title == "One"


def test_json_item_cap() -> None:
    items = [{"id": str(i), "title": f"t{i}"} for i in range(MAX_ITEMS + 10)]
    doc = {"version": "https://jsonfeed.org/version/1.1", "items": items}
    feed = parse_feed(json.dumps(doc).encode(), "https://j.example/")
    assert len(feed.articles) == MAX_ITEMS
    assert feed.warning == f"kept the first {MAX_ITEMS} of {MAX_ITEMS + 10} items"


# ---------------------------------------------------------------------------- not feeds


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty document"),
        (b" \n\t \r\n", "empty document"),
        (b"\xef\xbb\xbf  ", "empty document"),
        ((FEEDS / "page.html").read_bytes(), "not a feed: looks like an HTML page"),
        (b"<html><body>hi</body></html>", "not a feed: looks like an HTML page"),
        (
            (FEEDS / "not_a_feed.xml").read_bytes(),
            "not a feed: no RSS or Atom root element (found <configuration>)",
        ),
        (b"just some text", "not a feed: no XML root element"),
        (b'{"hello": "world"}', "not a feed: JSON but not a JSON Feed (no jsonfeed.org version)"),
        (b"[1, 2, 3]", "not a feed: JSON but not a JSON Feed (not an object)"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id"', "JSON ends early"),
        (b'{"version": 1,, }', "not a feed: JSON parse error at line 1 column 15"),
        (b"[" * 100_000, "not a feed: JSON"),
    ],
)
def test_not_a_feed(data: bytes, message: str) -> None:
    with pytest.raises(FeedError) as info:
        parse_feed(data, "https://x.example/feed")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_truncated_xml_keeps_complete_items_with_a_warning() -> None:
    feed = load("truncated.xml")
    assert feed.title == "Interrupted Download"
    assert feed.warning.startswith("XML parse error at line 13")
    # the cut-off item has nothing left worth storing and is dropped
    assert [a.title for a in feed.articles] == ["Complete item before the cut"]


def test_badly_truncated_xml_is_an_error() -> None:
    with pytest.raises(FeedError, match=r"^not a feed: XML parse error at line 1"):
        parse_feed(b"<?xml version='1.0'?><zzz><a", "https://x.example/")


def test_malformed_feed_recovers_with_warning() -> None:
    feed = load("malformed.xml")
    assert feed.warning == "XML parse error at line 9: mismatched tag; read leniently"
    assert [a.title for a in feed.articles] == ["First post survives", "Second post survives too"]


def test_bare_ampersands_and_html_entities_parse_strictly() -> None:
    feed = load("ampersand.xml")
    assert feed.warning is None  # repaired before parsing, no lenient fallback needed
    assert feed.title == "Bits & Bytes"
    assert feed.site_link == "https://bits.example.com/?a=1&b=2"
    article = feed.articles[0]
    # &mdash; &nbsp; known, &unknownthing; kept literally, &#27;[31m removed whole
    assert article.title == "AT&T and R&D — a history &unknownthing;"
    assert article.link == "https://bits.example.com/story?id=7&ref=rss"
    assert article.summary_html == "Tom & Jerry © 2025"


def test_junk_before_the_feed_is_skipped() -> None:
    data = (
        b"Warning: something in /var/www/feed.php on line 3\n" + (FEEDS / "rss20.xml").read_bytes()
    )
    feed = parse_feed(data, "https://x.example/")
    assert len(feed.articles) == 3
    assert "ignored 50 characters before the feed" in feed.warning


def test_title_missing_is_derived() -> None:
    data = b"""<rss version="2.0"><channel><title>x</title>
    <item><description>&lt;p&gt;A &lt;b&gt;bold&lt;/b&gt; start of a story that goes on&lt;/p&gt;</description></item>
    <item><guid isPermaLink="false">only-a-guid</guid></item>
    <item><guid isPermaLink="false">dup</guid><title>A</title></item>
    <item><guid isPermaLink="false">dup</guid><title>B</title></item>
    </channel></rss>"""
    feed = parse_feed(data, "https://x.example/")
    assert [a.title for a in feed.articles] == [
        "A bold start of a story that goes on",
        "(untitled)",
        "A",
        "B",  # duplicate guids are the store's business, not an error
    ]


def test_long_title_is_capped() -> None:
    data = (
        b"<rss version='2.0'><channel><item><title>"
        + b"word " * 2000
        + b"</title></item></channel></rss>"
    )
    feed = parse_feed(data, "https://x.example/")
    assert len(feed.articles[0].title) == 1000
    assert feed.articles[0].title.endswith("…")


# ---------------------------------------------------------------------------- API contract


def test_bytes_that_name_a_file_are_not_opened(tmp_path: Path) -> None:
    # feedparser.parse(b"/path") would open and parse that file.
    path = tmp_path / "secret-feed.xml"
    path.write_bytes((FEEDS / "rss20.xml").read_bytes())
    with pytest.raises(FeedError):
        parse_feed(str(path).encode(), "https://x.example/")


def test_str_is_refused() -> None:
    with pytest.raises(TypeError):
        parse_feed("<rss/>", "https://x.example/")  # type: ignore[arg-type]


def _parse_fixture(name: str) -> ParsedFeed:
    return parse_feed((FEEDS / name).read_bytes(), "https://site.example.com/f", None, FETCHED)


def test_result_pickles_and_runs_in_a_process_pool() -> None:
    feed = load("atom.xml")
    assert pickle.loads(pickle.dumps(feed)) == feed
    with ProcessPoolExecutor(max_workers=1) as pool:
        remote = pool.submit(_parse_fixture, "rss20.xml").result(timeout=60)
        assert remote == _parse_fixture("rss20.xml")
        with pytest.raises(FeedError, match="HTML page"):
            pool.submit(_parse_fixture, "page.html").result(timeout=60)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rss091.xml", True),
        ("rss10.xml", True),
        ("rss20.xml", True),
        ("atom.xml", True),
        ("feed.json", True),
        ("feed10.json", True),
        ("podcast.xml", True),
        ("koi8r.xml", True),
        ("shiftjis.xml", True),
        ("billion_laughs.xml", True),
        ("page.html", False),
        ("empty.xml", False),
        ("not_a_feed.xml", False),
    ],
)
def test_looks_like_feed(name: str, expected: bool) -> None:
    assert looks_like_feed((FEEDS / name).read_bytes()) is expected


def test_looks_like_feed_edge_cases() -> None:
    assert not looks_like_feed(b'{"version": "1", "items": []}')
    assert not looks_like_feed(b"<!-- <rss> --><html></html>")
    assert looks_like_feed(b"<!-- <html> -->\n<feed xmlns='http://www.w3.org/2005/Atom'/>")
    assert not looks_like_feed(b"\x00\x01\x02 garbage")


def test_parser_package_stays_lean() -> None:
    """Refresh's worker processes import only the parser: never the store, sqlite3, Textual,
    and not feedparser until a feed needs it."""
    import subprocess
    import sys

    code = (
        "import sys, newsreader.worker\n"
        "from newsreader.parse import parse_feed\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "newsreader.parse.feed" in out
    for heavy in ("newsreader.store", "sqlite3", "textual", "feedparser", "newsreader.refresh"):
        assert heavy not in out


def test_event_handlers_go_whatever_space_precedes_them() -> None:
    """A tab or newline before onclick, or a handler that joins up only once a script is
    gone, is removed like the plain case; prose with "on" and "=" is left alone."""
    from newsreader.parse.fields import fix_links

    assert fix_links('<a\tonclick="x()">a</a>', None) == "<a>a</a>"
    assert fix_links("<a\nONMOUSEOVER=x>b</a>", None) == "<a>b</a>"
    assert fix_links('<a hr onab="x"ef="javascript:alert(1)">c</a>', None) == "<a>c</a>"
    assert fix_links("<p>on the river, long = 3</p>", None) == "<p>on the river, long = 3</p>"
