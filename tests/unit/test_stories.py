"""One story's full coverage from a real store: ranking.stories.story and `newsreader story`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.cli import main
from newsreader.ranking.stories import age_text, story
from newsreader.runtime import Runtime
from tests.fixture_store import build_store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_story_lists_every_source_newest_first(home: Path) -> None:
    now = build_store(home)
    rt = Runtime.load(None, None)
    with rt.open_store() as store:
        rail = story(store, rt.settings, 4, now)  # any member finds the same story
        same = story(store, rt.settings, 7, now)
        alone = story(store, rt.settings, 6, now)
        missing = story(store, rt.settings, 999, now)
    assert rail is not None and same is not None and alone is not None
    assert [a.id for a in rail.members] == [7, 1, 13, 4] == [a.id for a in same.members]
    assert [a.sort_ts for a in rail.members] == sorted(a.sort_ts for a in rail.members)[::-1]
    assert rail.lead_id == 7 and rail.sources == 4 and rail.sources_text == "4 sources"
    assert rail.title == "Commuters relieved as rail strike called off after pay deal"
    # an opinion piece about the same deal that shares too few words stays its own story
    assert [a.id for a in alone.members] == [6] and alone.sources_text == "1 source"
    assert missing is None


def test_story_of_an_article_older_than_the_window_is_matched_around_it(home: Path) -> None:
    now = build_store(home)
    cfg = home / "config" / "config.toml"
    cfg.write_text(cfg.read_text() + "\n[trending]\nwindow_hours = 3\n")
    rt = Runtime.load(None, None)
    with rt.open_store() as store:
        chip = story(store, rt.settings, 2, now)  # 5 h old; its twin is 6 h old
    assert chip is not None and [a.id for a in chip.members] == [2, 5]


def test_story_command_text_and_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_store(home)
    code, out, err = run(capsys, "story", "1")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == ("Commuters relieved as rail strike called off after pay deal  [4 sources]")
    assert [line.split()[0] for line in lines[1:]] == ["7", "1", "13", "4"]
    assert "Example Wire" in lines[2] and "(by Ann Lee)" in lines[2] and " 1h " in lines[2]
    assert "\x1b" not in out  # the hostile title's escape sequence is gone
    code, out, _ = run(capsys, "story", "6")
    assert out.splitlines()[1].endswith("(by C. Writer)  [opinion]")

    code, out, _ = run(capsys, "story", "13", "--json")
    data = json.loads(out)
    assert code == 0 and data["sources"] == 4 and data["lead_id"] == 7
    assert [a["id"] for a in data["articles"]] == [7, 1, 13, 4]
    hostile = data["articles"][2]
    assert hostile["link"] is None  # javascript: is never handed out as a link
    assert "\x1b" not in hostile["title"] and hostile["author"] == "<img src=x onerror=alert(3)>"

    code, out, err = run(capsys, "story", "424242")
    assert code == 1 and out == "" and err == "newsreader: no article with id 424242\n"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "now"),
        (59, "now"),
        (60, "1m"),
        (3599, "59m"),
        (7200, "2h"),
        (86400 * 3, "3d"),
        (86400 * 20, "2w"),
    ],
)
def test_age_text(seconds: float, text: str) -> None:
    assert age_text(seconds) == text
