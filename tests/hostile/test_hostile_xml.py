"""XML attacks and hostile links, fetched by a real refresh from a loopback server.

Entity bombs must neither hang nor exhaust memory (wall-clock guards here are generous hang
detectors; memory is measured with tracemalloc around the in-process refresh, which parses
in this process below the process-pool threshold). External entities must never read a local
file into the store or fetch anything. Only http(s) links are stored or offered.
"""

from __future__ import annotations

import json
import time
import tracemalloc
import uuid
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
)

GOOD = (FEEDS / "rss20.xml").read_bytes()
LAUGHS = (FEEDS / "billion_laughs.xml").read_text()


def _bomb_variants() -> dict[str, bytes]:
    decl = LAUGHS[LAUGHS.index("<!DOCTYPE") : LAUGHS.index("]>") + 2]
    return {
        "billion_laughs": LAUGHS.encode(),
        "quadratic": (FEEDS / "quadratic.xml").read_bytes(),
        # The same bomb in UTF-16, so a byte-level DOCTYPE check would miss it.
        "laughs_utf16": LAUGHS.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16"),
        # Declarations after the root element push feedparser onto its lenient parser.
        "laughs_after_root": LAUGHS.replace(decl, "")
        .replace("<channel>", "<channel>" + decl, 1)
        .encode(),
        "laughs_lowercase_after_comment": LAUGHS.replace(
            "<!DOCTYPE", "<!-- ]> --><?pi ?>\n<!doctype", 1
        ).encode(),
    }


BOMBS = _bomb_variants()


@pytest.mark.parametrize("name", list(BOMBS))
def test_entity_bombs_neither_hang_nor_exhaust_memory(
    tmp_path: Path, server: LoopbackServer, name: str
) -> None:
    home = Home(tmp_path)
    home.write_config([server.add("/bomb", BOMBS[name]), server.add("/good", GOOD)])
    tracemalloc.start()
    started = time.monotonic()
    try:
        assert main(home.argv("refresh")) == 0
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 15, f"{name}: refresh took {elapsed:.1f} s"  # a hang detector only
    assert peak < 64 * 2**20, f"{name}: peak Python allocation {peak / 2**20:.0f} MB"
    rows = column_values(
        home.db,
        "SELECT f.url, a.title, length(a.title) + coalesce(length(a.summary_html), 0) "
        "FROM articles a JOIN feeds f ON f.id = a.feed_id",
    )
    assert sum(url.endswith("/good") for url, _, _ in rows) == 3  # the other feed is fine
    for _, title, size in rows:
        assert "lollol" not in title and "AAAAAAAAAA" * 100 not in title
        assert size < 100_000
    assert home.db.stat().st_size < 5 * 2**20


@pytest.fixture
def secret(tmp_path: Path) -> tuple[Path, str]:
    token = "SECRET-" + uuid.uuid4().hex
    path = tmp_path / "secret.txt"
    path.write_text(f"root:x:0:0:{token}:/root:/bin/sh\n")
    return path, token


@pytest.mark.parametrize("fixture", ["xxe_local.xml", "xxe_local.atom", "xxe.xml"])
def test_external_entities_never_read_files_or_fetch(
    tmp_path: Path, server: LoopbackServer, secret: tuple[Path, str], fixture: str
) -> None:
    path, token = secret
    dtd = server.add("/evil.dtd", f'<!ENTITY % x "{token}">'.encode())
    body = (HOSTILE if "local" in fixture else FEEDS) / fixture
    data = body.read_text().replace("@SECRET@", str(path)).replace("@DTD@", dtd)
    home = Home(tmp_path / "home")
    home.write_config([server.add("/xxe", data.encode())])
    assert main(home.argv("refresh")) == 0
    assert [h for h in server.hits if h != "/xxe"] == []  # no DTD or entity was fetched
    for f in home.data.iterdir():  # the database, its WAL and anything else stored
        assert token.encode() not in f.read_bytes(), f
    assert column_values(home.db, "SELECT count(*) FROM articles")[0][0] >= 1
    out = home.cli("list", "--json").stdout
    assert token.encode() not in out
    for row in json.loads(out):
        shown = home.cli("show", str(row["id"])).stdout
        assert token.encode() not in shown and b"root:x:0" not in shown


@pytest.mark.slow
def test_only_http_links_are_stored_offered_or_printed(
    tmp_path: Path, server: LoopbackServer
) -> None:
    pwned = tmp_path / "pwned"
    home = Home(tmp_path / "home")
    data = (HOSTILE / "links.xml").read_text().replace("@PWNED@", str(pwned))
    home.write_config([server.add("/links", data.encode())])
    assert main(home.argv("refresh")) == 0
    rows = column_values(home.db, "SELECT title, link, enclosures FROM articles")
    assert len(rows) == 15
    links = {title: link for title, link, _ in rows}
    for title in ("javascript", "upper javascript", "file", "data", "vbscript", "ftp", "mailto"):
        assert links[title] is None, title
    for title in ("tab in scheme", "newline in scheme", "control before scheme", "ssh"):
        link = links[title]
        # (resolved as a relative path against the feed's url: harmless http)
        assert link is None or link.startswith(server.url("/")), (title, link)
    assert links["plain https"] == "https://ok.example/good"
    assert links["relative"] == server.url("/relative/story")
    for _, link, enclosures in rows:
        assert link is None or link.startswith(("http://", "https://"))
        for enc in json.loads(enclosures):
            assert enc["url"].startswith(("http://", "https://")), enc
    listed = json.loads(home.cli("list", "--json").stdout)
    assert all(r["link"] is None or r["link"].startswith(("http://", "https://")) for r in listed)
    # show prints footnotes for http(s) links only; other schemes stay as the link's text.
    for row in listed:
        proc = home.cli("show", str(row["id"]))
        text = assert_terminal_safe(proc.stdout)
        for scheme in ("javascript:", "file:", "data:", "vbscript:", "ftp:", "mailto:", "ssh:"):
            assert f"] {scheme}" not in text.lower() and f"link: {scheme}" not in text.lower()
    for args in (("list",), ("trending",), ("opinion",), ("feeds",), ("refresh", "--force")):
        assert home.cli(*args).returncode == 0
    assert not pwned.exists()  # no title or link ever went through a shell
