"""OPML import/export: real exports from other readers, hostile files, round trip."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from newsreader.model import FeedConfig, NewsreaderError
from newsreader.opml import OpmlFeed, read_opml, write_opml

FIXTURES = Path(__file__).parents[1] / "fixtures" / "opml"


def test_newsboat_export() -> None:
    feeds = read_opml(FIXTURES / "newsboat.opml")
    assert feeds == [
        OpmlFeed("https://example.com/world/rss.xml", "Example Wire: World", ["news", "world"]),
        OpmlFeed("https://blog.example.org/atom.xml", "A Programmer's Notes", ["blogs"]),
        OpmlFeed("https://podcasts.example.net/feed.json", "Talk & Chat", []),
    ]  # exec: and query: feeds are newsboat-only and skipped


def test_miniflux_export_folders_become_tags() -> None:
    feeds = read_opml(FIXTURES / "miniflux.opml")
    assert feeds == [
        OpmlFeed("https://news.example.com/rss", "Hacker News", ["All"]),
        # Listed in two folders: one subscription carrying both tags.
        OpmlFeed("https://space.example.com/feed/", "Space Desk", ["Science", "Opinion"]),
        OpmlFeed("https://lab.example.com/index.xml", "Lab Notes — Ünïcode", ["Science"]),
    ]


def test_netnewswire_export() -> None:
    feeds = read_opml(FIXTURES / "netnewswire.opml")
    assert [(f.url, f.title, f.tags) for f in feeds] == [
        ("https://daring.example.com/feeds/main", "Daring Example", []),
        ("https://verge.example.com/rss/index.xml", "The Verge-ish", ["Tech"]),
        ("http://feedpress.example.com/sixcolors?type=xml&x=1", "Six Colors Example", ["Tech"]),
        ("file:///home/user/notes/feed.xml", "My notes", ["Local"]),
    ]


def test_nested_folders_categories_and_odd_outlines() -> None:
    skipped: list[str] = []
    feeds = read_opml(FIXTURES / "nested.opml", skipped)
    assert feeds == [
        OpmlFeed(
            "https://lemonde.example.fr/rss/une.xml",
            "Le Monde-ish",
            ["News", "Europe", "World", "french"],
        ),
        OpmlFeed("https://wire.example.com/feed", "Untitled feed, text only", ["News"]),
        OpmlFeed("https://notitle.example.com/rss", None, []),
        OpmlFeed("https://upper.example.com/rss", "Uppercase attrs", []),
    ]  # the link outline, the empty folder, gopher: and javascript: are skipped
    assert skipped == [
        "line 11 (A link, not a feed): no feed URL (xmlUrl)",
        "line 12 (Empty folder): no feed URL (xmlUrl)",
        "line 15 (Gopher): not an http(s) or file URL: 'gopher://old.example.com/feed'",
        "line 16 (Javascript): not an http(s) or file URL: 'javascript:alert(1)'",
    ]


@pytest.mark.parametrize(("name", "line"), [("billion_laughs.opml", 2), ("xxe.opml", 2)])
def test_entity_attacks_refused(name: str, line: int) -> None:
    path = FIXTURES / name
    started = time.perf_counter()
    with pytest.raises(NewsreaderError) as info:
        read_opml(path)
    assert time.perf_counter() - started < 5  # a hang detector; bench/opml.py has the figure
    message = str(info.value)
    assert (
        message == f"{path}:{line}: DOCTYPE/ENTITY declarations are not allowed in OPML (refused)"
    )
    assert "\n" not in message


def test_doctype_in_utf16_refused(tmp_path: Path) -> None:
    text = (FIXTURES / "xxe.opml").read_text().replace('"?>', '" encoding="UTF-16"?>', 1)
    path = tmp_path / "u16.opml"
    path.write_bytes(text.encode("utf-16"))
    with pytest.raises(NewsreaderError, match=r"u16\.opml:2: DOCTYPE/ENTITY"):
        read_opml(path)


def test_utf16_file_without_doctype_is_read(tmp_path: Path) -> None:
    text = (FIXTURES / "miniflux.opml").read_text().replace("UTF-8", "UTF-16", 1)
    path = tmp_path / "u16.opml"
    path.write_bytes(text.encode("utf-16"))
    assert [f.title for f in read_opml(path)] == [
        "Hacker News",
        "Space Desk",
        "Lab Notes — Ünïcode",
    ]


def test_malformed_names_file_and_line() -> None:
    path = FIXTURES / "malformed.opml"
    with pytest.raises(NewsreaderError) as info:
        read_opml(path)
    assert str(info.value) == f"{path}:6: not valid OPML: mismatched tag"


def test_not_opml_and_missing(tmp_path: Path) -> None:
    path = FIXTURES / "not_opml.xml"
    with pytest.raises(NewsreaderError) as info:
        read_opml(path)
    assert str(info.value) == f"{path}:2: root element is <rss>, not <opml>"
    with pytest.raises(NewsreaderError) as info:
        read_opml(tmp_path / "nope.opml")
    assert str(info.value) == f"{tmp_path / 'nope.opml'}: no such file"
    empty = tmp_path / "empty.opml"
    empty.write_bytes(b"")
    with pytest.raises(NewsreaderError, match=r"empty\.opml:1: not valid OPML: no element found"):
        read_opml(empty)


def test_control_characters_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "ctl.opml"
    path.write_text(
        '<opml version="2.0"><body><outline text="Evil&#x202e; red&#x9b;2J title"'
        ' xmlUrl="https://e.example.com/feed"/>'
        '<outline text="x" xmlUrl="https://e.example.com/a&#x9b;b"/></body></opml>'
    )
    feeds = read_opml(path)
    assert feeds == [OpmlFeed("https://e.example.com/feed", "Evil red title", [])]


def test_ten_thousand_outlines_are_read_without_hanging(tmp_path: Path) -> None:
    body = "".join(
        f'<outline text="Folder {i}">'
        + "".join(
            f'<outline type="rss" text="Feed {i}-{j}" xmlUrl="https://h{i}.example.com/f{j}.xml"/>'
            for j in range(100)
        )
        + "</outline>"
        for i in range(100)
    )
    path = tmp_path / "big.opml"
    path.write_text(f'<?xml version="1.0"?><opml version="2.0"><head/><body>{body}</body></opml>')
    started = time.perf_counter()
    feeds = read_opml(path)
    elapsed = time.perf_counter() - started
    assert len(feeds) == 10_000
    assert feeds[-1] == OpmlFeed("https://h99.example.com/f99.xml", "Feed 99-99", ["Folder 99"])
    # A hang detector (~0.2 s here): the figure is in bench/opml.py.
    assert elapsed < 10, f"{elapsed:.2f} s"


def test_write_structure() -> None:
    data = write_opml(
        [
            FeedConfig("https://a.example.com/feed", title="A & <B>", tags=["news"]),
            FeedConfig("https://b.example.com/rss?x=1&y=2"),
            FeedConfig("https://c.example.com/atom", title='Quote "C"', tags=["news", "tech"]),
            FeedConfig("https://d.example.com/feed", title="D", tags=["tech"]),
        ],
        title="My subs",
        site_links={"https://a.example.com/feed": "https://a.example.com/"},
    )
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "My subs"
    assert root.findtext("head/dateCreated")
    top = list(root.find("body") or [])
    # Untagged feeds first, then one folder per first tag, in first-seen order.
    assert [o.get("text") for o in top] == ["https://b.example.com/rss?x=1&y=2", "news", "tech"]
    assert top[0].get("xmlUrl") == "https://b.example.com/rss?x=1&y=2"
    assert top[0].get("type") == "rss"
    news = list(top[1])
    assert [o.get("title") for o in news] == ["A & <B>", 'Quote "C"']
    assert news[0].get("htmlUrl") == "https://a.example.com/"
    assert news[0].get("category") is None  # one tag: the folder says it all
    assert news[1].get("category") == "news,tech"
    assert [o.get("xmlUrl") for o in top[2]] == ["https://d.example.com/feed"]
    assert b"A &amp; &lt;B&gt;" in data


def test_round_trip(tmp_path: Path) -> None:
    configs = [
        FeedConfig("https://a.example.com/feed", title="Alpha", tags=["news"]),
        FeedConfig("https://b.example.com/rss?x=1&y=2"),
        FeedConfig("https://c.example.com/atom", title="Gamma ☄", tags=["tech", "news", "space"]),
        FeedConfig("file:///home/me/feed.xml", title="Local <file>", tags=["local"]),
        FeedConfig("https://d.example.com/op", section="opinion", full_text=True),
        FeedConfig("https://e.example.com/hot", tags=["x"], section="trending"),
    ]
    path = tmp_path / "out.opml"
    path.write_bytes(write_opml(configs))
    back = {f.url: f for f in read_opml(path)}
    assert set(back) == {c.url for c in configs}
    for c in configs:
        got = back[c.url]
        assert (got.title, got.tags, got.section, got.full_text) == (
            c.title,
            c.tags,
            c.section,
            c.full_text,
        )
    assert b'newsreaderSection="opinion" newsreaderFullText="true"' in path.read_bytes()


def test_round_trip_through_other_readers_files(tmp_path: Path) -> None:
    # Import a Miniflux export, export it, import again: nothing lost.
    first = read_opml(FIXTURES / "miniflux.opml")
    out = tmp_path / "again.opml"
    out.write_bytes(write_opml(FeedConfig(f.url, title=f.title, tags=f.tags) for f in first))
    assert read_opml(out) == first
