"""Property-based fuzzing of the parse-and-store path: random bytes, mutated real feeds and
feeds whose every field is random text go through parse_feed and Store.record_fetch into a
real store. Nothing may escape but our own FeedError/NewsreaderError, and no stored string
(any table, any column, JSON decoded) may hold a terminal-unsafe character."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.model import FeedError, NewsreaderError
from newsreader.parse import parse_feed
from newsreader.store import FetchOutcome, Store
from tests.hostile.helpers import FEEDS, HOSTILE, store_text_violations

FETCHED = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
SEEDS = [
    (FEEDS / name).read_bytes()
    for name in (
        "rss20.xml",
        "atom.xml",
        "rss10.xml",
        "feed.json",
        "podcast.xml",
        "hostile.xml",
        "hostile.json",
        "latin1.xml",
    )
] + [(HOSTILE / "escapes.xml").read_bytes(), (HOSTILE / "escapes.atom").read_bytes()]
# Pieces a hostile feed would splice in: escape sequences, C1, bidi, entities, markup, CDATA.
NASTY = [
    b"\x1b[2J",
    b"\x1b]0;title\x07",
    b"\x1b]52;c;eA==\x1b\\",
    b"\xc2\x9b31m",
    b"\x9b",
    b"\x07",
    b"\x08",
    b"\r",
    b"\x00",
    b"\xe2\x80\xae",
    b"&#27;",
    b"&#x9b;",
    b"&#0;",
    b"&amp;#27;[31m",
    b"<![CDATA[\x1b[31m]]>",
    b"[bold]x[/]",
    b"<",
    b"&",
    b"]]>",
    b'"',
    b"\\u001b",
    b"\xff\xfe",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
]
CONTROL_HEAVY = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("\x1b\x07\x08\r\x00\x85\x9b\x9d\x9c\u202e\u2066[]/;:=")),
    ),
    max_size=60,
)
BAD = (FeedError, NewsreaderError)
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = Store(tmp_path_factory.mktemp("fuzz") / "newsreader.db")
    yield s
    s.close()


def _parse_and_store(store: Store, data: bytes, ctype: str | None = None) -> None:
    headers = {"Content-Type": ctype} if ctype else {}
    try:
        parsed = parse_feed(data, "https://fuzz.example/feed", headers, FETCHED)
    except BAD:
        return
    (feed_id,) = store.sync_feeds([_feed()]).values()
    store.record_fetch(feed_id, FetchOutcome(status=200), parsed, now=FETCHED.timestamp())
    violations = store_text_violations(store.path)
    assert violations == [], violations[:3]
    for link, enclosures in store.db.execute("SELECT link, enclosures FROM articles"):
        assert link is None or link.startswith(("http://", "https://"))
        assert all(e["url"].startswith(("http://", "https://")) for e in json.loads(enclosures))
    # Leave the store small so each example's scan stays cheap.
    store.delete_feed("https://fuzz.example/feed")


def _feed():  # -> FeedConfig
    from newsreader.model import FeedConfig

    return FeedConfig(url="https://fuzz.example/feed")


WRAPPERS = [
    (b"", b""),
    (b'<rss version="2.0"><channel><item><title>', b"</title><link>https://x.example/"),
    (b'<rss version="2.0"><channel><title>T</title><item><description>', b"</description>"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>', b"</title></entry></feed>"),
]


@FUZZ
@given(
    data=st.binary(max_size=3000),
    wrap=st.sampled_from(WRAPPERS),
    ctype=st.sampled_from([None, "application/json", "text/xml; charset=koi8-r"]),
)
def test_random_bytes(
    store: Store, data: bytes, wrap: tuple[bytes, bytes], ctype: str | None
) -> None:
    """Raw random bytes, and random bytes where a title or body goes (any encoding mess)."""
    _parse_and_store(store, wrap[0] + data + wrap[1], ctype)


@st.composite
def mutated_feed(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "flip", "delete", "truncate", "duplicate"]))
        if kind == "insert":
            data[pos:pos] = draw(st.sampled_from(NASTY))
        elif kind == "flip" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif kind == "delete":
            del data[pos : pos + draw(st.integers(1, 50))]
        elif kind == "truncate" and pos > 0:
            del data[pos:]
        elif kind == "duplicate":
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 200))]
    return bytes(data)


@pytest.mark.slow
@FUZZ
@given(data=mutated_feed())
def test_mutated_real_feeds(store: Store, data: bytes) -> None:
    _parse_and_store(store, data)


@pytest.mark.slow
@FUZZ
@given(
    fields=st.fixed_dictionaries(
        {
            "feed_title": CONTROL_HEAVY,
            "title": CONTROL_HEAVY,
            "author": CONTROL_HEAVY,
            "body": CONTROL_HEAVY,
            "category": CONTROL_HEAVY,
            "link": st.one_of(CONTROL_HEAVY, CONTROL_HEAVY.map(lambda s: "https://x.example/" + s)),
            "guid": CONTROL_HEAVY,
            "date": CONTROL_HEAVY,
        }
    ),
    kind=st.sampled_from(["rss", "atom", "json"]),
)
def test_random_text_in_every_field(store: Store, fields: dict[str, str], kind: str) -> None:
    """Well-formed documents whose text is random (controls included, as XML cannot carry
    them raw, only where the parser's repairs let them through; JSON carries them all)."""
    f = fields
    if kind == "json":
        data = json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": f["feed_title"],
                "home_page_url": f["link"],
                "items": [
                    {
                        "id": f["guid"],
                        "url": f["link"],
                        "title": f["title"],
                        "content_html": f["body"],
                        "content_text": f["body"],
                        "summary": f["body"],
                        "date_published": f["date"],
                        "tags": [f["category"]],
                        "authors": [{"name": f["author"]}],
                        "attachments": [{"url": f["link"], "mime_type": f["title"]}],
                    }
                ],
            }
        ).encode()
    elif kind == "rss":
        data = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>{escape(f['feed_title'])}</title><item><title>{escape(f['title'])}</title>"
            f"<link>{escape(f['link'])}</link><guid>{escape(f['guid'])}</guid>"
            f"<dc:creator>{escape(f['author'])}</dc:creator><category>{escape(f['category'])}"
            f"</category><pubDate>{escape(f['date'])}</pubDate><description>{escape(f['body'])}"
            f"</description><enclosure url={quoteattr(f['link'])} type={quoteattr(f['title'])}/>"
            "</item></channel></rss>"
        ).encode("utf-8", "surrogatepass")
    else:
        data = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f'<title>{escape(f["feed_title"])}</title><entry><title type="html">'
            f"{escape(f['title'])}</title><id>{escape(f['guid'])}</id>"
            f"<link href={quoteattr(f['link'])}/><updated>{escape(f['date'])}</updated>"
            f"<author><name>{escape(f['author'])}</name></author>"
            f'<category term={quoteattr(f["category"])}/><content type="html">'
            f"{escape(f['body'])}</content></entry></feed>"
        ).encode("utf-8", "surrogatepass")
    _parse_and_store(store, data)


def test_the_fuzz_store_path_is_real(store: Store) -> None:
    """The property tests above would pass vacuously if everything were refused."""
    _parse_and_store(store, (HOSTILE / "escapes.xml").read_bytes())
    (feed_id,) = store.sync_feeds([_feed()]).values()
    parsed = parse_feed((HOSTILE / "escapes.xml").read_bytes(), "https://fuzz.example/feed")
    store.record_fetch(feed_id, FetchOutcome(status=200), parsed)
    assert store.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    assert Path(store.path).exists()
