"""`newsreader digest` in every format against a real fixture store with hostile feed text."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from newsreader.cli import main
from newsreader.digest import build_digest, md, parse_since, render_text
from newsreader.runtime import Runtime
from tests.fixture_store import build_store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(markup: str) -> _Tags:
    p = _Tags()
    p.feed(markup)
    p.close()
    return p


HOSTILE_SHOWN = (
    'Rail strike called off after pay deal <script>alert("x")</script> & '
    "[click](javascript:alert(1)) **now** red"
)


def test_text_digest_has_stories_opinion_and_tags(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_store(home)
    code, out, err = run(capsys, "digest")
    assert code == 0 and err == "" and "\x1b" not in out
    top = out.index("TOP STORIES")
    opinion = out.index("OPINION")
    assert top < opinion < out.index("#local") < out.index("#tech")
    stories = out[top:opinion]
    assert (
        "1. Commuters relieved as rail strike called off after pay deal (4 sources, 30m ago)"
        in (stories)
    )
    assert "2. Novalith to build $20bn chip factory in Ohio (2 sources, 5h ago)" in stories
    assert "   - Example Wire: Rail strike called off after late-night pay deal\n" in stories
    assert "     https://wire.example/news/rail-deal\n" in stories
    assert HOSTILE_SHOWN in stories and "javascript:alert(1)\n" not in stories
    # newest opinion first: the opinion feed's essays and a news feed's /opinion/ piece
    assert out[opinion:].splitlines()[2:7:2] == [
        "- The case for slower trains (The Long Table by Eve Author)",
        "- Why the rail deal is a bad bargain (The Morning Ledger by C. Writer)",
        "- In praise of the local library (The Long Table by Eve Author)",
    ]
    # tag highlights skip what the stories already show: #world has nothing else to add
    assert "#world" not in out and "#business" not in out
    assert "- Council approves new cycle lanes on the high street (Harbour City Courier)" in out


def test_period_limits_every_section(home: Path) -> None:
    now = build_store(home)
    rt = Runtime.load(None, None)
    with rt.open_store() as store:
        d = build_digest(store, rt.settings, now, parse_since("2.75h"))
        week = build_digest(store, rt.settings, now, parse_since("1w"))
        later = build_digest(store, rt.settings, now + 100 * 3600, parse_since("24h"))
    assert [[a.id for a in s.members] for s in d.stories] == [[7, 1, 13, 4]]
    assert [r.title for r in d.opinion] == ["The case for slower trains"]
    assert d.tags == []  # the cycle lanes (8 h) and tech pieces (4 h, 7 h) are older
    # a week covers the 30-hour-old festival piece, under #world
    assert ("world", ["Harbour festival draws record crowds"]) in [
        (t, [r.title for r in rows]) for t, rows in week.tags
    ]
    assert later.empty and "Nothing new in this period." in render_text(later)


def test_html_digest_is_self_contained_and_escapes_feed_text(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_store(home)
    code, out, _ = run(capsys, "digest", "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>") and "\x1b" not in out
    page = _parse(out)
    tags = {t for t, _ in page.tags}
    assert tags <= {"html", "head", "meta", "title", "body", "div", "h1", "h2", "h3", "p"} | {
        "ul",
        "li",
        "a",
        "span",
        "br",
    }
    # nothing loads or runs: no scripts, no external style sheets or images, no handlers
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert set(attrs) <= {"style", "href", "lang", "charset", "name", "content"}, tag
    hrefs = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert hrefs and all(h and h.startswith("https://") for h in hrefs)
    assert "javascript" not in "".join(h or "" for h in hrefs)
    # the hostile headline and feed name arrive as text, exactly as the feed wrote them
    text = "".join(page.text)
    assert HOSTILE_SHOWN in text
    assert 'Evil <b>Feed</b> & "Co" | [x](javascript:alert(2)):' in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in out
    assert "Train drivers&#x27; strike called off" in out


def test_markdown_digest_renders_feed_text_literally(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_store(home)
    code, out, _ = run(capsys, "digest", "--format", "markdown")
    assert code == 0 and out.startswith("# News digest\n")
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(out)
    page = _parse(rendered)
    assert "script" not in {t for t, _ in page.tags}
    hrefs = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    # 2 story headlines, 5 linked sources (the javascript: one is text), 3 opinion, 3 tags
    assert len(hrefs) == 13 and all(h and h.startswith("https://") for h in hrefs)
    text = "".join(page.text)
    assert HOSTILE_SHOWN in text  # not bold, not a link, not markup
    assert 'Evil <b>Feed</b> & "Co" | [x](javascript:alert(2))' in text
    assert "Commuters relieved as rail strike called off after pay deal" in text
    assert [t for t, _ in page.tags].count("h3") == 4  # 2 stories, 2 tags


@pytest.mark.parametrize(
    "text",
    ["1. not a list", "- not a list", "+ x", "# not a heading", "> not a quote", "a_b_c *d*"],
)
def test_markdown_escape_keeps_line_starts_literal(text: str) -> None:
    rendered = MarkdownIt("commonmark").render(f"- {md(text)}\n")
    assert rendered == f"<ul>\n<li>{text.replace('>', '&gt;')}</li>\n</ul>\n"


def test_json_digest_and_output_file(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_store(home)
    target = tmp_path / "digest.json"
    code, out, err = run(capsys, "digest", "--format", "json", "--output", str(target))
    assert code == 0 and out == "" and err == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [s["sources"] for s in data["stories"]] == [4, 2]
    rail = data["stories"][0]["articles"]
    assert [a["id"] for a in rail] == [7, 1, 13, 4]
    assert rail[2]["link"] is None and "\x1b" not in rail[2]["title"]
    assert [a["opinion"] for a in data["opinion"]] == [True, True, True]
    assert [t["tag"] for t in data["tags"]] == ["local", "tech"]
    assert list(tmp_path.glob(".digest-*")) == []  # no temporary file left behind

    code, _, err = run(capsys, "digest", "--output", str(tmp_path / "missing" / "d.html"))
    assert code == 1 and err.startswith("newsreader: ") and err.count("\n") == 1
    with pytest.raises(SystemExit) as info:
        main(["digest", "--since", "yesterday"])
    assert info.value.code == 2
