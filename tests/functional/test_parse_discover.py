"""JSON Feed found over real HTTP (127.0.0.1) by content and Content-Type (issue 13): the
same file worked from disk, where nothing is sniffed."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from newsreader.discover import discover
from newsreader.fetch import Fetcher
from tests.conftest import FIXTURES


def _json_feed(first_key_chars: int, version: bool = True) -> bytes:
    doc: dict[str, object] = {"description": "x" * first_key_chars}
    doc["items"] = [{"id": "1", "url": "https://json.example.com/1", "title": "Found"}]
    if version:
        doc["version"] = "https://jsonfeed.org/version/1.1"
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (
            (FIXTURES / "feeds" / "json_version_last.json").read_bytes(),
            "application/json",
        ),  # escaped slashes
        (_json_feed(1_100_000), "application/json"),  # version after a long first key
        (_json_feed(10, version=False), "application/feed+json"),  # said by Content-Type
    ],
    ids=["escaped-slashes", "version-after-long-key", "content-type"],
)
async def test_json_feed_is_found_over_http_whatever_its_key_order(
    httpserver: HTTPServer, body: bytes, content_type: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data(body, content_type=content_type)
    async with Fetcher() as fetcher:
        found = await discover(fetcher, httpserver.url_for("/feed"))
    assert found.parsed.format.startswith("json")
    (article,) = found.parsed.articles
    assert article.title in ("Key order does not matter", "Found")
    assert article.link == "https://json.example.com/1"
