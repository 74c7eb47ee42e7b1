"""[[rules]] and [[views]] end to end: a real refresh from a loopback server stores the
articles, the rules act as they are stored, and `list` shows what a user would see."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from newsreader.cli import main
from newsreader.model import View
from newsreader.runtime import Runtime

ITEMS = [
    ("Sponsored: the best mattress of 2026", "PR Desk", "Buy one today."),
    ("Mars rover finds ice near the pole", "Ann Lee", "The rover dug a trench."),
    ("Advertorial: crypto gold rush", "Sales", "Guaranteed returns."),
    ("Rail strike called off", "Bo Chen", "Trains run again on Monday."),
    ("Venus probe launch delayed", "Ann Lee", "A valve fault on the pad."),
]


def rss(items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<item><title>{t}</title><link>https://wire.example/{i}</link><guid>g{i}</guid>"
        f"<author>{a}</author><description>{d}</description>"
        f"<pubDate>Tue, 01 Dec 2026 {10 + i}:00:00 GMT</pubDate></item>"
        for i, (t, a, d) in enumerate(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{body}</channel></rss>'


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def titles(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    code, out, err = run(capsys, "list", "--json", *args)
    assert code == 0, err
    return [r["title"] for r in json.loads(out)]


@pytest.fixture
def wire(home: Path, httpserver: HTTPServer) -> str:
    httpserver.expect_request("/feed").respond_with_data(
        rss(ITEMS), content_type="application/rss+xml"
    )
    return httpserver.url_for("/feed")


def write_config(home: Path, url: str, rules: str, views: str = "") -> None:
    (home / "config" / "config.toml").write_text(
        f'[[feeds]]\nurl = "{url}"\ntags = ["wire"]\n\n{rules}\n{views}'
    )


RULES = """
[[rules]]
match = 'title ~ "sponsored|advertorial"'
action = "hide"

[[rules]]
match = 'author = "ann lee"'
action = "star"

[[rules]]
match = "rail"
action = "read"

[[rules]]
match = "mars or venus"
action = "tag"
tag = "space"

[[rules]]
match = "venus"
action = "highlight"
"""


def test_rules_act_when_articles_are_stored_and_every_command_agrees(
    home: Path, wire: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home, wire, RULES, '[[views]]\nname = "Space"\nmatch = "tag = space"\n')
    code, out, err = run(capsys, "refresh", "--json")
    assert code == 0, err
    assert json.loads(out)["new"] == 5
    # hidden: out of every view and count, but kept
    assert titles(capsys) == [
        "Venus probe launch delayed",
        "Rail strike called off",
        "Mars rover finds ice near the pole",
    ]
    assert titles(capsys, "--hidden") == [
        "Advertorial: crypto gold rush",
        "Sponsored: the best mattress of 2026",
    ]
    assert titles(capsys, "--starred") == [
        "Venus probe launch delayed",
        "Mars rover finds ice near the pole",
    ]
    assert titles(capsys, "--unread") == [
        "Venus probe launch delayed",
        "Mars rover finds ice near the pole",
    ]
    assert titles(capsys, "--view", "space") == [
        "Venus probe launch delayed",
        "Mars rover finds ice near the pole",
    ]
    code, out, _ = run(capsys, "feeds", "--json")
    assert json.loads(out)[0]["unread"] == 2  # hidden and rule-read articles do not count
    rt = Runtime.load()
    with rt.open_store() as store:
        rows = store.page(View())
        assert [r.title for r in rows if r.highlight] == ["Venus probe launch delayed"]
        venus = store.article(rows[0].id)
        assert venus is not None and "space" in venus.categories
    code, out, _ = run(capsys, "show", str(rows[0].id))
    assert "Tags: space" in out


def test_changing_the_rules_reapplies_them_and_unhides(
    home: Path, wire: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home, wire, RULES)
    assert run(capsys, "refresh")[0] == 0
    run(capsys, "mark", *[str(i) for i in ids(capsys, "--starred")], "--unstar")
    # The hide rule goes and a new highlight arrives: the sponsored story comes back.
    write_config(
        home,
        wire,
        RULES.replace("sponsored|advertorial", "advertorial")
        + '\n[[rules]]\nmatch = "trench"\naction = "highlight"\n',
    )
    code, out, err = run(capsys, "list", "--json")
    assert code == 0
    assert "rules changed: " in err and "stored articles updated" in err
    assert "Sponsored: the best mattress of 2026" in [r["title"] for r in json.loads(out)]
    assert titles(capsys, "--hidden") == ["Advertorial: crypto gold rush"]
    # The star rule is not new: the user's unstar stands.
    assert titles(capsys, "--starred") == []
    _, _, err = run(capsys, "list")
    assert "rules changed" not in err  # only once per change
    with Runtime.load().open_store() as store:
        lit = [r.title for r in store.page(View()) if r.highlight]
    assert lit == ["Venus probe launch delayed", "Mars rover finds ice near the pole"]


def ids(capsys: pytest.CaptureFixture[str], *args: str) -> list[int]:
    code, out, _ = run(capsys, "list", "--json", *args)
    return [r["id"] for r in json.loads(out)]


def test_search_takes_the_query_language_and_new_since_finds_only_new(
    home: Path, wire: str, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home, wire, "")
    assert run(capsys, "refresh")[0] == 0
    assert titles(capsys, "--search", 'author = "Ann Lee" and not venus') == [
        "Mars rover finds ice near the pole"
    ]
    assert titles(capsys, "--search", "rove") == ["Mars rover finds ice near the pole"]  # prefix
    code, _, err = run(capsys, "list", "--search", "title ~")
    assert code == 1 and err.strip() == "newsreader: --search: 1:8: expected a value after '~'"
    code, _, err = run(capsys, "list", "--view", "nope")
    assert code == 1 and "no saved view named 'nope'" in err
    cut = time.time()
    httpserver.clear()
    more = [*ITEMS, ("Comet seen over Oslo", "Kim", "Bright.")]
    httpserver.expect_request("/feed").respond_with_data(
        rss(more), content_type="application/rss+xml"
    )
    assert run(capsys, "refresh", "--force")[0] == 0
    assert titles(capsys, "--new-since", str(cut)) == ["Comet seen over Oslo"]
    assert titles(capsys, "--new-since", "2000-01-01T00:00Z", "--limit", "1") == [
        "Comet seen over Oslo"
    ]


def test_an_article_the_feed_edits_is_ruled_again(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A feed retitling a story ("Rail strike" -> "Sponsored: ...") hides it; a retitle away
    from the rule brings it back. Read and star rules acted once, when it was new."""
    items = list(ITEMS)
    httpserver.expect_request("/feed").respond_with_handler(
        lambda _req: Response(rss(items), mimetype="application/rss+xml")
    )
    write_config(home, httpserver.url_for("/feed"), RULES)
    assert run(capsys, "refresh")[0] == 0
    assert "Rail strike called off" in titles(capsys)
    items[3] = ("Sponsored: rail travel deals", "Bo Chen", "Trains run again on Monday.")
    items[1] = ("Mars rover finds water ice", "Ann Lee", "Now with a comet.")
    assert run(capsys, "refresh", "--force")[0] == 0
    assert "Sponsored: rail travel deals" in titles(capsys, "--hidden")
    assert "Sponsored: rail travel deals" not in titles(capsys)
    items[3] = ("Rail strike over, trains run", "Bo Chen", "Trains run again on Monday.")
    assert run(capsys, "refresh", "--force")[0] == 0
    assert "Rail strike over, trains run" in titles(capsys)
    assert titles(capsys, "--hidden") == [
        "Advertorial: crypto gold rush",
        "Sponsored: the best mattress of 2026",
    ]
    assert "Mars rover finds water ice" in titles(capsys, "--starred")
