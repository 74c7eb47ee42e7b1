"""Feed discovery against real HTTP on 127.0.0.1 and local files."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from newsreader.discover import discover, feed_links
from newsreader.fetch import Fetcher
from newsreader.model import FeedError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "http"
RSS = (FIXTURES / "feed.xml").read_bytes()
ATOM = (FIXTURES / "atom.xml").read_bytes()
JSON = (FIXTURES / "feed.json").read_bytes()
PAGE = (FIXTURES / "page.html").read_bytes()
HTML = "text/html; charset=utf-8"


def page(*links: str, base: str | None = None) -> str:
    head = "".join(links) + (f'<base href="{base}">' if base else "")
    return f"<!doctype html><html><head><title>x</title>{head}</head><body>hi</body></html>"


@pytest.fixture
def soft_404(httpserver: HTTPServer) -> HTTPServer:
    """Unknown paths answer 404, as real sites do (the plugin's default is 500)."""
    httpserver.no_handler_status_code = 404
    return httpserver


async def test_feed_url_directly(soft_404: HTTPServer) -> None:
    soft_404.expect_request("/feed.xml").respond_with_data(RSS, content_type="application/rss+xml")
    async with Fetcher() as f:
        found = await discover(f, soft_404.url_for("/feed.xml"))
    assert found.url == soft_404.url_for("/feed.xml")
    assert found.parsed.title == "Example Wire"
    assert len(found.parsed.articles) == 2
    assert found.result.status == 200


async def test_page_link_relative_to_page(soft_404: HTTPServer) -> None:
    soft_404.expect_request("/news/").respond_with_data(PAGE, content_type=HTML)
    soft_404.expect_request("/news/feeds/main.xml").respond_with_data(RSS)
    soft_404.expect_request("/comments/atom.xml").respond_with_data(ATOM)
    async with Fetcher() as f:
        found = await discover(f, soft_404.url_for("/news/"))
    assert found.url == soft_404.url_for("/news/feeds/main.xml")
    assert found.parsed.title == "Example Wire"


def test_feed_links_order_types_and_body_ignored() -> None:
    links = feed_links(PAGE, "https://example.com/news/")
    # Stylesheets and language alternates are not feeds; <body> is not scanned.
    assert links == [
        "https://example.com/news/feeds/main.xml",
        "https://example.com/comments/atom.xml",
    ]
    html = page(
        '<link rel="Alternate" type="application/feed+json" href="feed.json">',
        '<link rel="alternate" type="application/json" href="javascript:alert(1)">',
        '<link rel="alternate" type="application/rss+xml" href="//cdn.example.net/r.xml">',
        base="https://other.example.org/blog/",
    ).encode()
    assert feed_links(html, "https://example.com/") == [
        "https://other.example.org/blog/feed.json",
        "https://cdn.example.net/r.xml",
    ]
    assert feed_links(b"\xff\xfe garbage <link", "https://example.com/") == []


async def test_broken_link_then_working_one(soft_404: HTTPServer) -> None:
    soft_404.expect_request("/").respond_with_data(
        page(
            '<link rel="alternate" type="application/rss+xml" href="/missing.xml">',
            '<link rel="alternate" type="application/atom+xml" href="/not-a-feed.xml">',
            '<link rel="alternate" type="application/feed+json" href="/feed.json">',
        ),
        content_type=HTML,
    )
    soft_404.expect_request("/not-a-feed.xml").respond_with_data(page(), content_type=HTML)
    soft_404.expect_request("/feed.json").respond_with_data(JSON)
    async with Fetcher() as f:
        found = await discover(f, soft_404.url_for("/"))
    assert found.url == soft_404.url_for("/feed.json")
    assert found.parsed.title == "Lab Notes"


async def test_common_path_on_same_origin(soft_404: HTTPServer) -> None:
    soft_404.expect_request("/blog/post/1").respond_with_data(page(), content_type=HTML)
    soft_404.expect_request("/atom.xml").respond_with_data(ATOM)
    soft_404.expect_request("/index.xml").respond_with_data(RSS)
    async with Fetcher() as f:
        found = await discover(f, soft_404.url_for("/blog/post/1"))
    # /atom.xml comes before /index.xml in the list of usual paths.
    assert found.url == soft_404.url_for("/atom.xml")
    assert found.parsed.title == "Space Desk"


async def test_no_feed_found(soft_404: HTTPServer) -> None:
    # A site answering every path with the same HTML page (a "soft 404").
    soft_404.expect_request("/").respond_with_data(page(), content_type=HTML)
    for path in ("/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml", "/feed.json"):
        soft_404.expect_request(path).respond_with_data(page(), content_type=HTML)
    url = soft_404.url_for("/")
    async with Fetcher() as f:
        with pytest.raises(FeedError) as info:
            await discover(f, url)
    assert str(info.value) == f"no feed found at {url}"


async def test_fetch_error_reported(soft_404: HTTPServer) -> None:
    url = soft_404.url_for("/nothing")
    async with Fetcher() as f:
        with pytest.raises(FeedError) as info:
            await discover(f, url)
    assert str(info.value).lower() == f"{url}: http 404 not found".lower()


async def test_permanent_redirect_gives_new_url(soft_404: HTTPServer) -> None:
    soft_404.expect_request("/old.rss").respond_with_data(
        "", status=301, headers={"Location": "/new.rss"}
    )
    soft_404.expect_request("/new.rss").respond_with_data(RSS)
    soft_404.expect_request("/tmp.rss").respond_with_data(
        "", status=302, headers={"Location": "/new.rss"}
    )
    async with Fetcher() as f:
        moved = await discover(f, soft_404.url_for("/old.rss"))
        temporary = await discover(f, soft_404.url_for("/tmp.rss"))
    assert moved.url == soft_404.url_for("/new.rss")
    assert temporary.url == soft_404.url_for("/tmp.rss")


async def test_sniffed_feed_that_does_not_parse(soft_404: HTTPServer) -> None:
    soft_404.expect_request("/bad.xml").respond_with_data(b'<rss version="2.0"><channel><title>')
    url = soft_404.url_for("/bad.xml")
    async with Fetcher() as f:
        try:
            found = await discover(f, url)
        except FeedError as exc:
            message = str(exc)
            assert message.startswith(f"{url}: not a feed") and "\n" not in message
            assert "not a feed" not in message[len(url) + 12 :]  # said once
        else:  # a lenient parser may accept a truncated feed; then it must say so
            assert found.parsed.warning


async def test_local_file_and_path(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(ATOM)
    notes = tmp_path / "notes.txt"
    notes.write_text("just some text\n")
    async with Fetcher() as f:
        by_path = await discover(f, str(feed))
        by_url = await discover(f, feed.as_uri())
        with pytest.raises(FeedError) as missing:
            await discover(f, str(tmp_path / "nope.xml"))
        with pytest.raises(FeedError) as not_feed:
            await discover(f, str(notes))
    assert by_path.url == str(feed) and by_path.parsed.title == "Space Desk"
    assert by_url.url == feed.as_uri() and by_url.parsed.title == "Space Desk"
    nope = tmp_path / "nope.xml"
    assert str(missing.value) == f"no such file: {nope}"
    assert str(not_feed.value) == f"{notes}: not a feed: no XML root element"
