"""Sizes and shapes: huge bodies and gzip bombs are cut at the cap with a clear per-feed
error while the other feeds refresh; many items, huge titles, deep nesting, empty and
truncated documents, wrong encodings, duplicate guids, hostile dates, and scripts from every
direction neither crash nor break what is stored and printed; a slow server is timed out."""

from __future__ import annotations

import json
import time
import zlib
from datetime import UTC, datetime
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from newsreader.cli import main
from tests.hostile.helpers import (
    FEEDS,
    Home,
    LoopbackServer,
    assert_terminal_safe,
    column_values,
    store_text_violations,
)

GOOD = (FEEDS / "rss20.xml").read_bytes()  # three items


def rss(items: list[str], title: str = "Shapes", decl: str = "utf-8") -> str:
    head = f'<?xml version="1.0" encoding="{decl}"?>\n' if decl else ""
    return (
        f'{head}<rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://shapes.example/</link>\n" + "\n".join(items) + "\n</channel></rss>\n"
    )


def item(title: str, guid: str | None = None, *, date: str | None = None, body: str = "") -> str:
    parts = [f"<title>{escape(title)}</title>"]
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{escape(guid)}</guid>')
    if date is not None:
        parts.append(f"<pubDate>{escape(date)}</pubDate>")
    if body:
        parts.append(f"<description>{escape(body)}</description>")
    return "<item>" + "".join(parts) + "</item>"


def refresh_json(home: Home, *extra: str) -> dict:
    proc = home.cli("refresh", "--json", *extra)
    assert proc.returncode == 0, proc.stderr
    assert_terminal_safe(proc.stdout)
    return json.loads(proc.stdout)


def by_url(report: dict) -> dict[str, dict]:
    return {f["url"].rsplit("/", 1)[1]: f for f in report["feeds"]}


@cache
def gzip_bomb() -> bytes:
    """200 MB of zeros as a ~200 kB gzip stream."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * 2**20
    return b"".join(c.compress(zeros) for _ in range(200)) + c.flush()


@pytest.mark.slow
def test_huge_body_and_gzip_bomb_are_cut_with_a_clear_error(
    tmp_path: Path, server: LoopbackServer
) -> None:
    huge = (rss([item(f"x{n}", f"g{n}", body="y" * 1000) for n in range(12_000)])).encode()
    assert len(huge) > 10_000_000
    home = Home(tmp_path)
    home.write_config(
        [
            server.add("/huge", huge),
            server.add("/bomb", gzip_bomb(), headers={"Content-Encoding": "gzip"}),
            server.add("/good", GOOD),
        ]
    )
    started = time.monotonic()
    report = by_url(refresh_json(home))
    assert time.monotonic() - started < 20  # hang detector
    for name in ("huge", "bomb"):
        assert report[name]["status"] == "error"
        assert "larger than 10 MB" in report[name]["error"], report[name]
    assert report["good"]["status"] == "new" and report["good"]["new"] == 3
    feeds = {f["url"].rsplit("/", 1)[1]: f for f in json.loads(home.cli("feeds", "--json").stdout)}
    assert "larger than 10 MB" in feeds["bomb"]["error"]
    assert "larger than 10 MB" in home.cli("feeds").stdout.decode()
    assert column_values(home.db, "SELECT count(*) FROM articles")[0][0] == 3


def test_five_thousand_items_are_stored_fast(tmp_path: Path, server: LoopbackServer) -> None:
    body = rss([item(f"Story number {n}", f"id-{n}", body=f"<p>text {n}</p>") for n in range(5000)])
    home = Home(tmp_path)
    home.write_config([server.add("/many", body.encode())])
    started = time.monotonic()
    assert main(home.argv("refresh")) == 0
    elapsed = time.monotonic() - started
    assert column_values(home.db, "SELECT count(*) FROM articles")[0][0] == 5000
    assert elapsed < 15, f"5,000 items took {elapsed:.1f} s"  # ~2 s here; a hang detector
    listed = json.loads(home.cli("list", "--json", "--limit", "5000").stdout)
    assert len(listed) == 5000


@pytest.mark.slow
def test_huge_title_is_capped_and_deep_html_still_shows(
    tmp_path: Path, server: LoopbackServer
) -> None:
    deep = "<div><b><i><span>" * 5000 + "deep text" + "</span></i></b></div>" * 5000
    unclosed = "<blockquote><ul><li>" * 5000 + "unclosed text"
    oversize = "<blockquote><ul><li>" * 20_000 + "never reached"  # past the 200 kB render cap
    body = rss(
        [
            item("T" * 200_000, "huge-title", body="short"),
            item("Deep", "deep", body=deep),
            item("Unclosed", "unclosed", body=unclosed),
            item("Oversize", "oversize", body=oversize),
        ]
    )
    home = Home(tmp_path)
    home.write_config([server.add("/shapes", body.encode())])
    assert main(home.argv("refresh")) == 0
    rows = dict(column_values(home.db, "SELECT guid, id FROM articles"))
    titles = [r[0] for r in column_values(home.db, "SELECT title FROM articles")]
    assert max(len(t) for t in titles) <= 1000
    for guid, needle in (
        ("huge-title", "TTTT"),
        ("deep", "deep text"),
        ("unclosed", "unclosed text"),
        ("oversize", "[… truncated]"),
    ):
        started = time.monotonic()
        proc = home.cli("show", str(rows[guid]))
        assert time.monotonic() - started < 10
        assert proc.returncode == 0, proc.stderr[-500:]
        text = assert_terminal_safe(proc.stdout)
        assert needle in text
        assert max(len(line) for line in text.splitlines()) < 5000
    assert home.cli("list").returncode == 0


@pytest.mark.slow
def test_deeply_nested_xml_elements_give_an_error_or_a_feed(
    tmp_path: Path, server: LoopbackServer
) -> None:
    nested = "<x>" * 100_000 + "</x>" * 100_000
    body = rss([item("Nested", "n1") + nested, item("After", "n2")])
    home = Home(tmp_path)
    home.write_config([server.add("/nested", body.encode()), server.add("/good", GOOD)])
    report = by_url(refresh_json(home))
    assert report["good"]["new"] == 3
    assert report["nested"]["status"] in ("new", "error")
    assert_terminal_safe(home.cli("list").stdout)


EMPTY_AND_BROKEN = {
    "empty": b"",
    "blank": b"  \r\n\t \n",
    "bom_only": b"\xef\xbb\xbf",
    "nul_bytes": b"\0" * 5000,
    "xml_decl_only": b'<?xml version="1.0"?>',
    "truncated_half": GOOD[: len(GOOD) // 2],
    "truncated_in_tag": GOOD[: GOOD.index(b"<item>") + 3],
    "truncated_json": b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "ti',
    "truncated_gzip": zlib.compressobj(9, zlib.DEFLATED, 31).compress(GOOD * 50)[:200],
    "binary": bytes(range(256)) * 40,
    "html": b"<!doctype html><html><body><p>hello</p></body></html>",
}


@pytest.mark.slow
def test_empty_and_truncated_documents_give_per_feed_errors_or_what_was_readable(
    tmp_path: Path, server: LoopbackServer
) -> None:
    home = Home(tmp_path)
    urls = []
    for name, data in EMPTY_AND_BROKEN.items():
        headers = {"Content-Encoding": "gzip"} if name == "truncated_gzip" else {}
        urls.append(server.add(f"/{name}", data, headers=headers))
    home.write_config([*urls, server.add("/good", GOOD)])
    report = by_url(refresh_json(home))
    assert report["good"]["new"] == 3
    for name in ("empty", "blank", "bom_only", "nul_bytes", "xml_decl_only", "binary", "html"):
        assert report[name]["status"] == "error", (name, report[name])
        error = report[name]["error"]
        assert error and "\n" not in error and "Traceback" not in error
        assert "could not parse" not in error, (name, error)  # a parser bug, not our error
    for name in ("truncated_half", "truncated_in_tag", "truncated_json", "truncated_gzip"):
        assert report[name]["status"] in ("new", "error"), report[name]
        assert "could not parse" not in (report[name]["error"] or "")
    # Whatever was readable before the cut is kept.
    assert report["truncated_half"]["new"] >= 1
    assert store_text_violations(home.db) == []


def test_wrong_declared_encodings_still_give_the_right_text(
    tmp_path: Path, server: LoopbackServer
) -> None:
    text = "Café crème: naïve über €5 — Ελλάδα"
    home = Home(tmp_path)
    home.write_config(
        [
            # UTF-8 bytes declared ISO-8859-1 in the XML and in the header
            server.add(
                "/utf8_as_latin1",
                rss([item(text, "1")], decl="iso-8859-1").encode(),
                headers={"Content-Type": "application/rss+xml; charset=iso-8859-1"},
            ),
            # cp1252 bytes declared UTF-8 in the header, no XML declaration
            server.add(
                "/cp1252_as_utf8",
                rss([item("Café crème: naïve über €5", "2")], decl="").encode("cp1252"),
                headers={"Content-Type": "application/rss+xml; charset=utf-8"},
            ),
            # UTF-8 declared UTF-16 (no BOM)
            server.add("/utf8_as_utf16", rss([item(text, "3")], decl="utf-16").encode()),
            # an encoding name that does not exist
            server.add("/bogus", rss([item(text, "4")], decl="x-no-such-thing").encode()),
            # UTF-16 with a BOM declared UTF-8
            server.add("/utf16_as_utf8", rss([item(text, "5")], decl="utf-8").encode("utf-16")),
        ]
    )
    report = refresh_json(home)
    assert report["errors"] == 0, report
    titles = dict(column_values(home.db, "SELECT guid, title FROM articles"))
    assert titles == {
        "1": text,
        "2": "Café crème: naïve über €5",
        "3": text,
        "4": text,
        "5": text,
    }


def test_duplicate_guids_never_duplicate_articles_or_reset_state(
    tmp_path: Path, server: LoopbackServer
) -> None:
    first = rss([item("First copy", "dup"), item("Second copy", "dup"), item("Other", "o")])
    home = Home(tmp_path)
    home.write_config([server.add("/dup", first.encode())])
    assert main(home.argv("refresh")) == 0
    rows = column_values(home.db, "SELECT id, guid, title FROM articles ORDER BY id")
    assert [(g, t) for _, g, t in rows] == [("dup", "First copy"), ("o", "Other")]
    dup_id = rows[0][0]
    assert home.cli("mark", str(dup_id), "--star").returncode == 0
    assert home.cli("mark", str(dup_id), "--read").returncode == 0
    server.add("/dup", rss([item("Edited title", "dup"), item("Edited again", "dup")]).encode())
    for _ in range(2):
        assert main(home.argv("refresh", "--force")) == 0
    rows = column_values(home.db, "SELECT id, guid, title, read, starred FROM articles ORDER BY id")
    assert rows == [(dup_id, "dup", "Edited title", 1, 1), (rows[1][0], "o", "Other", 0, 0)]


def test_hostile_dates_never_crash_and_published_is_never_in_the_future(
    tmp_path: Path, server: LoopbackServer
) -> None:
    dates = {
        "missing": None,
        "garbage": "not a date at all",
        "feb30": "Fri, 30 Feb 2024 10:00:00 GMT",
        "nines": "9999-99-99T99:99:99Z",
        "future": "Tue, 01 Jan 2999 00:00:00 GMT",
        "year10000": "10000-01-01T00:00:00Z",
        "epoch": "Thu, 01 Jan 1970 00:00:00 GMT",
        "before_epoch": "Mon, 01 Jan 1900 00:00:00 GMT",
        "year1": "0001-01-01T00:00:00Z",
        "huge_tz": "Mon, 01 Jan 2024 00:00:00 +9999",
        "long": "Mon, 01 Jan 2024 " + "0" * 100_000,
        "negative": "-1",
        "unix": "1700000000",
        "ok": "Mon, 01 Jan 2024 12:00:00 GMT",
    }
    home = Home(tmp_path)
    items = [item(f"Dated {k}", k, date=v) for k, v in dates.items()]
    home.write_config([server.add("/dates", rss(items).encode())])
    before = time.time()
    assert main(home.argv("refresh")) == 0
    after = time.time()
    proc = home.cli("list", "--json", "--limit", "100")
    assert proc.returncode == 0
    listed = {r["title"].removeprefix("Dated "): r for r in json.loads(proc.stdout)}
    assert set(listed) == set(dates)
    now = datetime.fromtimestamp(after + 1, UTC)
    for name, row in listed.items():
        if row["published"] is not None:
            published = datetime.fromisoformat(row["published"].replace("Z", "+00:00"))
            assert datetime(1970, 1, 1, tzinfo=UTC) <= published <= now, (name, row)
    assert listed["ok"]["published"] == "2024-01-01T12:00:00Z"
    future = listed["future"]["published"]
    assert (
        future is not None
        and before - 1
        <= datetime.fromisoformat(future.replace("Z", "+00:00")).timestamp()
        <= after + 1
    )  # clamped to the fetch time
    sort = column_values(home.db, "SELECT max(sort_ts), min(sort_ts) FROM articles")[0]
    assert sort[0] <= after + 1 and sort[1] >= 0
    for args in (("list",), ("trending",), ("opinion",)):
        assert_terminal_safe(home.cli(*args).stdout)
    assert home.cli("show", str(listed["future"]["id"])).returncode == 0


SCRIPTS = {
    "cjk": "日本語の見出し：東京で新しい駅が開業",
    "arabic": "عنوان الخبر باللغة العربية",
    "hebrew": "כותרת בעברית עם מספר 42",
    "emoji": "Launch 🚀👩‍🚀🏳️‍🌈 family 👨‍👩‍👧‍👦 flags 🇺🇦🇯🇵",
    "combining": "Z" + "\u0301\u0302\u0303\u0304\u0305\u0306" * 50 + "algo e\u0301",
    "zero_width": "zero\u200bwidth\u200cjoin\u200dner\u2060",
    "wide_mix": "ＦＵＬＬＷＩＤＴＨ ｋａｔａｋａｎａ ｶﾀｶﾅ 한국어 제목",
}
BIDI = "\u202eevil\u202c \u2066iso\u2069 \u202aembed\u202c \u2067rtl\u2069"


@pytest.mark.slow
def test_wide_rtl_combining_and_emoji_text_is_kept_and_bidi_overrides_are_stripped(
    tmp_path: Path, server: LoopbackServer
) -> None:
    items = [item(text, name, body=f"<p>{text}</p>") for name, text in SCRIPTS.items()]
    items.append(item("Bidi " + BIDI, "bidi", body=f"<p>{BIDI}</p>"))
    home = Home(tmp_path)
    home.write_config([server.add("/scripts", rss(items, title="Ünïcode ✓ 新聞 " + BIDI).encode())])
    assert main(home.argv("refresh")) == 0
    assert store_text_violations(home.db) == []
    titles = dict(column_values(home.db, "SELECT guid, title FROM articles"))
    for name, text in SCRIPTS.items():
        # zero-width characters are not controls; the text is kept as the feed gave it
        assert titles[name] == text, name
    assert titles["bidi"] == "Bidi evil iso embed rtl"
    for args in (("list",), ("list", "--json"), ("feeds",), ("trending",)):
        proc = home.cli(*args)
        assert proc.returncode == 0
        assert_terminal_safe(proc.stdout, " ".join(args))
    for (article_id,) in column_values(home.db, "SELECT id FROM articles"):
        proc = home.cli("show", str(article_id))
        assert proc.returncode == 0
        assert_terminal_safe(proc.stdout)


def _trickle(handler: BaseHTTPRequestHandler) -> None:
    """Headers at once, then one byte every 0.2 s for 6 s: only an overall deadline stops it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    try:
        for ch in rss([item("slow", "s")]).encode()[:30]:
            handler.wfile.write(bytes([ch]))
            handler.wfile.flush()
            time.sleep(0.2)
    except (BrokenPipeError, ConnectionResetError):
        pass


@pytest.mark.slow
def test_a_slow_server_is_timed_out_and_the_others_refresh(
    tmp_path: Path, server: LoopbackServer
) -> None:
    home = Home(tmp_path)
    home.write_config(
        [
            server.add("/trickle", handler=_trickle),
            server.add("/stall", GOOD, delay=5),
            server.add("/good", GOOD),
        ],
        extra="[refresh]\ntimeout = 1\n",
    )
    started = time.monotonic()
    report = by_url(refresh_json(home))
    elapsed = time.monotonic() - started
    assert elapsed < 4.5, f"refresh took {elapsed:.1f} s with timeout = 1"
    for name in ("trickle", "stall"):
        assert report[name]["status"] == "error"
        assert "timed out" in report[name]["error"], report[name]
    assert report["good"]["new"] == 3
