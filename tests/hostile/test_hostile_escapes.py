"""Terminal escapes and markup from feeds: stripped before storage, stripped again before
display, and shown literally, never interpreted. Feeds come from a loopback server; the
CLI is the real `newsreader` command in a subprocess, and its raw stdout bytes are checked."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from newsreader.cli import main
from tests.hostile.helpers import (
    FEEDS,
    HOSTILE,
    Home,
    LoopbackServer,
    assert_terminal_safe,
    column_values,
    store_text_violations,
)

STORY = "Agency eyes joint Mars landing plan"
MARKUP = ("[bold red]x[/]", "[@click=app.quit]q[/]", "[link=file:///etc/passwd]p[/link]", "[/]")


@pytest.fixture(scope="module")
def escaped(tmp_path_factory: pytest.TempPathFactory, module_server: LoopbackServer) -> Home:
    """A store refreshed from four hostile feeds (RSS, Atom, and the parser's fixtures)."""
    home = Home(tmp_path_factory.mktemp("escapes"))
    urls = [
        module_server.add("/escapes.xml", (HOSTILE / "escapes.xml").read_bytes()),
        module_server.add(
            "/escapes.atom",
            (HOSTILE / "escapes.atom").read_bytes(),
            headers={"Content-Type": "application/atom+xml"},
        ),
        module_server.add("/hostile.xml", (FEEDS / "hostile.xml").read_bytes()),
        module_server.add(
            "/hostile.json",
            (FEEDS / "hostile.json").read_bytes(),
            headers={"Content-Type": "application/feed+json"},
        ),
    ]
    home.write_config(urls)
    assert main(home.argv("refresh")) == 0
    return home


def test_nothing_unsafe_is_stored_in_any_text_column(escaped: Home) -> None:
    assert store_text_violations(escaped.db) == []
    titles = [r[0] for r in column_values(escaped.db, "SELECT title FROM articles")]
    # The stories themselves survive, only the escapes are gone.
    assert sum(t.startswith(STORY) for t in titles) == 2
    assert any(t.startswith("Innocent headline MALICIOUS") for t in titles)
    feed_titles = {r[0] for r in column_values(escaped.db, "SELECT title FROM feeds")}
    assert any(t and t.startswith("Escape Wire") for t in feed_titles)
    assert not any("PWNED" in t or "FEEDTITLE" in t or "ATOMTITLE" in t for t in titles)


def test_only_http_links_are_stored_other_schemes_become_null(escaped: Home) -> None:
    rows = column_values(escaped.db, "SELECT title, link, enclosures FROM articles")
    by_title = {t: link for t, link, _ in rows}
    assert by_title["A file link"] is None
    assert by_title["A javascript link"] is None
    assert by_title["Innocent headline MALICIOUS OVERWRITE"] is None  # data: URL
    for _, link, enclosures in rows:
        assert link is None or link.startswith(("http://", "https://")), link
        for enc in json.loads(enclosures):
            assert enc["url"].startswith(("http://", "https://")), enc
    site_links = [r[0] for r in column_values(escaped.db, "SELECT site_link FROM feeds")]
    assert all(s is None or s.startswith(("http://", "https://")) for s in site_links)
    # The escape glued to a link is cut off, not the link thrown away.
    assert "https://ok.example/story-1" in [link for _, link, _ in rows]


def _ids(home: Home) -> list[int]:
    return [r[0] for r in column_values(home.db, "SELECT id FROM articles ORDER BY id")]


COMMANDS = [
    ("list",),
    ("list", "--json"),
    ("feeds",),
    ("feeds", "--json"),
    ("trending",),
    ("trending", "--json"),
    ("opinion",),
    ("opinion", "--json"),
    ("refresh", "--force"),
    ("refresh", "--force", "--json"),
    ("export",),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_cli_output_has_no_terminal_controls(escaped: Home, args: tuple[str, ...]) -> None:
    proc = escaped.cli(*args)
    assert proc.returncode == 0, proc.stderr
    text = assert_terminal_safe(proc.stdout, " ".join(args))
    assert_terminal_safe(proc.stderr, "stderr")
    assert text.strip(), "the command printed nothing, so the check proved nothing"
    if "--json" in args:
        # A script that decodes the JSON and prints a field gets no escapes either.
        assert_terminal_safe(json.dumps(json.loads(text), ensure_ascii=False).encode())


def test_show_every_article_prints_no_terminal_controls(escaped: Home) -> None:
    ids = _ids(escaped)
    assert len(ids) >= 8
    for article_id in ids:
        proc = escaped.cli("show", str(article_id))
        assert proc.returncode == 0, proc.stderr
        assert_terminal_safe(proc.stdout, f"show {article_id}")


def test_trending_shows_the_escaped_story_once_with_both_sources(escaped: Home) -> None:
    stories = json.loads(escaped.cli("trending", "--json").stdout)
    # (hostile.xml and hostile.json share enough markup words to join the same story)
    story = next(s for s in stories if any(a["title"].startswith(STORY) for a in s["articles"]))
    assert story["sources"] >= 2
    assert sum(a["title"].startswith(STORY) for a in story["articles"]) == 2


def test_markup_is_printed_literally_by_list_and_show(escaped: Home) -> None:
    out = escaped.cli("list").stdout.decode()
    for text in MARKUP:
        assert text in out, text
    rows = json.loads(escaped.cli("list", "--json").stdout)
    first = next(r for r in rows if r["feed"].endswith("/escapes.xml") and STORY in r["title"])
    assert all(text in first["title"] for text in MARKUP)
    assert first["author"] == "Eve hidden ›6n [@click=app.quit]me[/]"
    shown = escaped.cli("show", str(first["id"])).stdout.decode()
    assert "[link=file:///etc/passwd]p[/link]" in shown  # in the body
    assert "Tags: opinion, [red]tag[/]" in shown
    feeds = escaped.cli("feeds").stdout.decode()
    assert "[bold]b[/]" in feeds


@pytest.fixture(scope="module")
def tampered(escaped: Home, tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A copy of the store with raw escapes written straight into it, as an older version or
    another program might have left them: display must clean them again."""
    home = Home(tmp_path_factory.mktemp("tampered"))
    shutil.copy(escaped.config, home.config)
    home.data.mkdir()
    src = sqlite3.connect(escaped.db)
    dst = sqlite3.connect(home.db)
    src.backup(dst)
    src.close()
    bad = "\x1b]0;OWNED\x07\x1b[2J\x9b31m\x07\x08\r\u202e"
    dst.execute(
        "UPDATE articles SET title = title || ?, author = ?, link = ?, categories = ?, "
        "content_html = ?, summary_html = ?, published = 1700000000, sort_ts = strftime('%s')",
        (
            bad,
            "A" + bad,
            "https://x.example/" + bad,
            json.dumps(["c" + bad], ensure_ascii=False),
            f"<p>body{bad}</p><a href='https://y.example/{bad}'>l</a>",
            f"sum{bad}",
        ),
    )
    dst.execute("UPDATE feeds SET title = title || ?, last_error = ?", (bad, "err" + bad))
    dst.commit()
    dst.close()
    assert store_text_violations(home.db)  # the tampering took
    return home


@pytest.mark.parametrize(
    "args",
    [("list",), ("list", "--json"), ("feeds",), ("feeds", "--json"), ("opinion",)]
    + [("trending",), ("trending", "--json"), ("opinion", "--json")],
    ids=" ".join,
)
def test_display_cleans_again_what_the_store_holds(tampered: Home, args: tuple[str, ...]) -> None:
    proc = tampered.cli(*args)
    assert proc.returncode == 0, proc.stderr
    text = assert_terminal_safe(proc.stdout, " ".join(args))
    if "--json" in args:
        assert_terminal_safe(json.dumps(json.loads(text), ensure_ascii=False).encode())


def test_show_cleans_again_what_the_store_holds(tampered: Home) -> None:
    for article_id in _ids(tampered)[:3]:
        proc = tampered.cli("show", str(article_id))
        assert proc.returncode == 0, proc.stderr
        text = assert_terminal_safe(proc.stdout, "show")
        assert "OWNED" not in text


def test_escapes_in_the_users_own_config_are_not_printed_raw(tmp_path: Path) -> None:
    """Titles and tags typed into config.toml (or pasted there) are displayed safely too."""
    home = Home(tmp_path)
    home.write_config(
        [
            {
                "url": "https://feeds.example/x\x1b[31m",
                "title": "Mine \x1b]0;T\x07 \x9b2J",
                "tags": ["t\x1b[5m"],
            }
        ]
    )
    for args in (("feeds",), ("feeds", "--json"), ("list",), ("export",)):
        proc = home.cli(*args)
        if proc.returncode != 0:  # refusing the config is fine, if said safely
            assert_terminal_safe(proc.stderr, "stderr")
            assert proc.stderr.count(b"\n") == 1
        assert_terminal_safe(proc.stdout, " ".join(args))
