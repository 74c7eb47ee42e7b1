"""newsreader.subscriptions: feeds.toml and the store change together, or not at all."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from newsreader.model import FeedConfig, NewsreaderError, View
from newsreader.runtime import Runtime
from newsreader.subscriptions import rename, subscribe, unsubscribe, update
from tests.conftest import FIXTURES

RSS = (FIXTURES / "feeds" / "rss20.xml").resolve()
ATOM = (FIXTURES / "feeds" / "atom.xml").resolve()


def _runtime(tmp_path: Path, config: str = "") -> Runtime:
    conf = tmp_path / "config.toml"
    conf.write_text(config)
    return Runtime.load(conf, tmp_path / "data")


def test_add_rename_retag_remove_keep_files_and_store_in_step(tmp_path: Path) -> None:
    rt = _runtime(tmp_path)
    added, new = asyncio.run(subscribe(rt, FeedConfig(url=str(RSS), tags=["local"])))
    assert (added.url, added.title, new) == (RSS.as_uri(), "The Valley Courier", 3)
    feeds_toml = tmp_path / "feeds.toml"
    with rt.open_store() as store:
        assert rename(rt, store, added.url, "  Courier\x1b[31m  ") == "Courier"
        assert store.feeds([added.url])[0].title == "Courier"
        update(rt, store, added.url, tags=["news", "valley"])
        assert store.feeds([added.url])[0].tags == ["news", "valley"]
        assert 'title = "Courier"' in feeds_toml.read_text()
        assert store.count(View()) == 3
        removed = unsubscribe(rt, store, added.url)
        assert removed.title == "Courier"
        assert store.count(View()) == 0 and store.feeds() == []
    assert RSS.as_uri() not in feeds_toml.read_text()
    assert Runtime.load(tmp_path / "config.toml", tmp_path / "data").subscriptions == []


def test_config_feeds_are_refused_with_file_and_line_and_nothing_changes(tmp_path: Path) -> None:
    rt = _runtime(tmp_path, f'[[feeds]]\nurl = "{ATOM.as_uri()}"\n')
    with rt.open_store() as store:
        fid = store.feed_id(ATOM.as_uri())
        assert fid is not None
        for change in (
            lambda: unsubscribe(rt, store, ATOM.as_uri()),
            lambda: rename(rt, store, ATOM.as_uri(), "Mine"),
            lambda: update(rt, store, ATOM.as_uri(), tags=["x"]),
        ):
            with pytest.raises(NewsreaderError, match=r"config\.toml:1; edit config\.toml"):
                change()
        assert store.feed_id(ATOM.as_uri()) == fid
        with pytest.raises(NewsreaderError, match="not subscribed"):
            unsubscribe(rt, store, "https://nowhere.example/feed")
        with pytest.raises(NewsreaderError, match="cannot change url"):
            update(rt, store, ATOM.as_uri(), url="https://elsewhere.example/")
    assert not (tmp_path / "feeds.toml").exists()


def test_urls_without_a_scheme_are_https_feed_urls_too_and_other_schemes_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.runtime import normalise_url

    monkeypatch.chdir(tmp_path)
    (tmp_path / "local.xml").write_text("<rss/>")
    (tmp_path / "site.example").mkdir()  # a folder that looks like a host is still a folder
    assert normalise_url("example.com/feed") == "https://example.com/feed"
    assert normalise_url("example.com") == "https://example.com"
    assert normalise_url("localhost:8080/rss") == "https://localhost:8080/rss"
    assert normalise_url("127.0.0.1:9/feed") == "https://127.0.0.1:9/feed"
    assert normalise_url("feed://example.com/rss") == "https://example.com/rss"
    assert normalise_url("feed:https://example.com/rss") == "https://example.com/rss"
    assert normalise_url("  https://example.com/a ") == "https://example.com/a"
    assert normalise_url("local.xml") == (tmp_path / "local.xml").as_uri()
    assert normalise_url("missing.xml") == (tmp_path / "missing.xml").as_uri()
    assert normalise_url("site.example") == (tmp_path / "site.example").as_uri()
    for bad in ("ftp://example.com/feed", "gopher://example.com/"):
        with pytest.raises(NewsreaderError, match="^unsupported URL scheme '(ftp|gopher)'"):
            normalise_url(bad)
