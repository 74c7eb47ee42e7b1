"""The headless commands, run as users run them: in-process through main() for most, and as
real subprocesses where the process itself matters (exit codes, imports, python -m)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsreader.cli import main
from tests.conftest import FIXTURES, cli_env

FEEDS = FIXTURES / "feeds"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_local_feed_then_feeds_json_shows_it_only_in_its_own_dirs(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "add", str(FEEDS / "rss20.xml"), "--tag", "local")
    assert code == 0 and "The Valley Courier" in out and "3 articles" in out
    code, out, _ = run(capsys, "feeds", "--json")
    feeds = json.loads(out)
    assert [(f["url"], f["title"], f["tags"], f["unread"]) for f in feeds] == [
        ((FEEDS / "rss20.xml").resolve().as_uri(), "The Valley Courier", ["local"], 3)
    ]
    other = tmp_path / "other"
    code, out, _ = run(
        capsys, "--config", str(other / "c.toml"), "--data-dir", str(other / "d"), "feeds", "--json"
    )
    assert code == 1  # an explicit --config that does not exist is an error...
    (other).mkdir()
    (other / "c.toml").write_text("")
    code, out, _ = run(
        capsys, "--config", str(other / "c.toml"), "--data-dir", str(other / "d"), "feeds", "--json"
    )
    assert code == 0 and json.loads(out) == []  # ...and an empty one shows nothing


def test_list_show_mark_on_a_filled_store(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "add", (FEEDS / "rss20.xml").as_uri())[0] == 0
    assert run(capsys, "add", str(FEEDS / "atom.xml"), "--section", "opinion")[0] == 0
    code, out, _ = run(capsys, "list", "--json", "--limit", "50")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 5
    assert {
        "id",
        "feed",
        "feed_title",
        "title",
        "link",
        "author",
        "published",
        "read",
        "starred",
        "section",
    } <= set(rows[0])
    assert [r["published"] for r in rows] == sorted((r["published"] for r in rows), reverse=True)
    first = rows[0]
    code, out, _ = run(capsys, "show", str(first["id"]))
    assert code == 0 and out.startswith(first["title"]) and f"Link: {first['link']}" in out
    assert run(capsys, "mark", str(first["id"]), "--read")[0] == 0
    assert run(capsys, "mark", str(rows[1]["id"]), "--star")[0] == 0
    unread = json.loads(run(capsys, "list", "--unread", "--json")[1])
    assert first["id"] not in {r["id"] for r in unread} and len(unread) == 4
    starred = json.loads(run(capsys, "list", "--starred", "--json")[1])
    assert [r["id"] for r in starred] == [rows[1]["id"]]
    opinion = json.loads(run(capsys, "list", "--section", "opinion", "--json")[1])
    assert {r["feed_title"] for r in opinion} == {"Field & Forest"}
    code, out, _ = run(capsys, "list", "--search", "river", "--json")
    assert [r["title"] for r in json.loads(out)] == ["River levels fall after a week of rain"]
    code, out, err = run(capsys, "show", "424242")
    assert code == 1 and err == "newsreader: no article with id 424242\n"


def test_remove_refuses_config_feeds_naming_the_line(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = home / "config" / "config.toml"
    conf.write_text(f'[ui]\ntheme = "nord"\n\n[[feeds]]\nurl = "{(FEEDS / "atom.xml").as_uri()}"\n')
    assert run(capsys, "add", str(FEEDS / "rss20.xml"))[0] == 0
    code, _, err = run(capsys, "remove", (FEEDS / "atom.xml").as_uri())
    assert code == 1
    assert err.strip().endswith(f"is defined in {conf}:4; edit config.toml to remove it")
    code, out, _ = run(capsys, "remove", str(FEEDS / "rss20.xml"))
    assert code == 0 and "The Valley Courier" in out
    urls = [f["url"] for f in json.loads(run(capsys, "feeds", "--json")[1])]
    assert urls == [(FEEDS / "atom.xml").as_uri()]
    assert conf.read_text().startswith('[ui]\ntheme = "nord"')  # never rewritten


def test_export_then_import_round_trips(home: Path, tmp_path: Path, capsys) -> None:
    run(capsys, "add", str(FEEDS / "rss20.xml"), "--tag", "news")
    run(capsys, "add", str(FEEDS / "atom.xml"))
    out_file = tmp_path / "subs.opml"
    assert run(capsys, "export", str(out_file))[0] == 0
    data = out_file.read_bytes()
    assert b'<opml version="2.0">' in data and b'title="The Valley Courier"' in data
    second = tmp_path / "second"
    second.mkdir()
    (second / "config.toml").write_text("")
    args = ["--config", str(second / "config.toml"), "--data-dir", str(second / "data")]
    code, out, _ = run(capsys, *args, "import", str(out_file))
    assert code == 0 and "Imported 2 feeds" in out
    feeds = json.loads(run(capsys, *args, "feeds", "--json")[1])
    assert sorted((f["url"], f["tags"]) for f in feeds) == sorted(
        [((FEEDS / "rss20.xml").as_uri(), ["news"]), ((FEEDS / "atom.xml").as_uri(), [])]
    )
    code, out, _ = run(capsys, *args, "import", str(out_file))
    assert "Imported 0 feeds" in out and "2 already subscribed" in out


def test_broken_opml_changes_nothing(home: Path, tmp_path: Path, capsys) -> None:
    run(capsys, "add", str(FEEDS / "rss20.xml"))
    before = (home / "config" / "feeds.toml").read_bytes()
    bad = tmp_path / "bad.opml"
    bad.write_text('<?xml version="1.0"?>\n<opml version="2.0"><body>\n<outline xmlUrl="x"\n')
    code, _, err = run(capsys, "import", str(bad))
    assert code == 1 and err.count("\n") == 1 and str(bad) in err
    assert (home / "config" / "feeds.toml").read_bytes() == before


@pytest.mark.parametrize("name", ["unknown_key", "syntax_error", "wrong_type"])
def test_bad_config_exits_1_with_one_line(home: Path, name: str) -> None:
    src = FIXTURES / "config" / f"{name}.toml"
    shutil.copy(src, home / "config" / "config.toml")
    proc = subprocess.run(
        [sys.executable, "-m", "newsreader", "feeds"],
        env=cli_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stdout == "" and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr and "config.toml:" in proc.stderr


def test_usage_errors_exit_2_and_every_command_has_help(home: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newsreader", "list", "--limit", "0"],
        env=cli_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "must be at least 1" in proc.stderr
    for command in [
        "add",
        "remove",
        "feeds",
        "import",
        "export",
        "refresh",
        "list",
        "show",
        "trending",
        "opinion",
        "mark",
    ]:
        with pytest.raises(SystemExit) as info:
            main([command, "--help"])
        assert info.value.code == 0


def test_console_script_and_python_m_agree(home: Path) -> None:
    exe = Path(sys.executable).with_name("newsreader")
    outs = []
    for cmd in ([str(exe), "--version"], [sys.executable, "-m", "newsreader", "--version"]):
        proc = subprocess.run(cmd, env=cli_env(home), capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0
        outs.append(proc.stdout)
    assert outs[0] == outs[1] and outs[0].startswith("newsreader ")


def test_opinion_lists_as_many_as_the_config_says(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsreader.demo import DEMO_DIR

    (home / "config" / "config.toml").write_text("[opinion]\nsize = 2\n")
    assert run(capsys, "add", str(DEMO_DIR / "the-long-table.json"), "--section", "opinion")[0] == 0
    assert len(json.loads(run(capsys, "opinion", "--json")[1])) == 2
    assert len(json.loads(run(capsys, "opinion", "--json", "--limit", "5")[1])) == 5


def test_show_json_keeps_the_enclosures_fields(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "add", str(FEEDS / "podcast.xml"))[0] == 0
    code, out, _ = run(capsys, "list", "--json")
    first = json.loads(out)[0]
    code, out, err = run(capsys, "show", str(first["id"]), "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["id"] == first["id"] and shown["title"] == first["title"]
    assert shown["enclosures"], shown
    enclosure = shown["enclosures"][0]
    assert enclosure["url"].startswith(("http://", "https://"))
    assert enclosure["type"].startswith("audio/") and enclosure["duration"]
    assert isinstance(shown["text"], str) and isinstance(shown["tags"], list)


def _feed_file(path: Path, title: str, items: list[str]) -> Path:
    body = "".join(
        f"<item><title>{t}</title><link>https://example.org/{i}</link><guid>{path.stem}-{i}</guid>"
        f"<pubDate>Mon, 0{i + 1} Nov 2026 08:00:00 GMT</pubDate></item>"
        for i, t in enumerate(items)
    )
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>https://example.org/</link>{body}</channel></rss>",
        encoding="utf-8",
    )
    return path


def test_list_feed_takes_the_title_feeds_shows_and_refuses_an_ambiguous_one(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = _feed_file(tmp_path / "one.xml", "Café Ledger", ["Zürich votes", "Bern waits"])
    two = _feed_file(tmp_path / "two.xml", "Café Ledger", ["Genf schweigt"])
    assert run(capsys, "add", str(one))[0] == 0
    assert run(capsys, "add", str(two))[0] == 0
    code, out, err = run(capsys, "list", "--feed", "café ledger", "--json")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "2 feeds are titled 'café ledger'" in err
    assert one.resolve().as_uri() in err and two.resolve().as_uri() in err
    assert run(capsys, "remove", str(two))[0] == 0
    code, out, _ = run(capsys, "list", "--feed", "CAFÉ LEDGER", "--json")
    assert code == 0 and [r["title"] for r in json.loads(out)] == ["Bern waits", "Zürich votes"]
    # JSON keeps non-ASCII as UTF-8 rather than \u escapes.
    assert "Zürich" in out and "Caf\\u00e9" not in out
    code, _, err = run(capsys, "list", "--feed", "No Such Paper")
    assert code == 1 and "not subscribed to No Such Paper" in err


def test_mark_json_prints_the_marked_articles_in_their_new_state(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = _feed_file(tmp_path / "one.xml", "Ledger", ["First", "Second", "Third"])
    assert run(capsys, "add", str(feed))[0] == 0
    ids = [r["id"] for r in json.loads(run(capsys, "list", "--json")[1])]
    code, out, _ = run(capsys, "mark", str(ids[2]), str(ids[0]), "--read", "--json")
    marked = json.loads(out)
    assert code == 0
    assert [(r["id"], r["title"], r["read"]) for r in marked] == [
        (ids[2], "First", True),
        (ids[0], "Third", True),
    ]
    code, out, _ = run(capsys, "mark", str(ids[1]), "--star", "--json")
    assert [(r["title"], r["starred"], r["read"]) for r in json.loads(out)] == [
        ("Second", True, False)
    ]
    assert run(capsys, "mark", str(ids[1]), "--unstar")[1] == ""  # quiet without --json


def test_json_output_escapes_bidi_and_c1_characters() -> None:
    from newsreader.sanitize import json_text

    text = json_text({"t": "a\u202eb\x85c é\u4e2d"})
    assert "\u202e" not in text and "\x85" not in text
    assert "\\u202e" in text and "\\u0085" in text and "é\u4e2d" in text
    assert json.loads(text) == {"t": "a\u202eb\x85c é\u4e2d"}


def test_import_says_which_outlines_it_skipped_and_why(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "import", str(FIXTURES / "opml" / "nested.opml"))
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("Imported 4 feeds from ")
    assert lines[1:] == [
        "Skipped 4 outlines:",
        "  line 11 (A link, not a feed): no feed URL (xmlUrl)",
        "  line 12 (Empty folder): no feed URL (xmlUrl)",
        "  line 15 (Gopher): not an http(s) or file URL: 'gopher://old.example.com/feed'",
        "  line 16 (Javascript): not an http(s) or file URL: 'javascript:alert(1)'",
    ]
    code, _, err = run(capsys, "add", "ftp://example.com/feed")
    assert code == 1 and err == (
        "newsreader: unsupported URL scheme 'ftp': newsreader reads http(s) and file URLs\n"
    )
