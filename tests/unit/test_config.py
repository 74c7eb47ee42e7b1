from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsreader import config as cfg
from newsreader.keys import KEY_IDS
from newsreader.model import FeedConfig

BAD = sorted((Path(__file__).parents[1] / "fixtures" / "config").glob("*.toml"))


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_each_config_mistake_gets_its_own_one_line_message(path: Path) -> None:
    first = path.read_bytes().splitlines()[0].decode("utf-8")
    expected = re.sub(r"^# expect: ", "", first)
    with pytest.raises(cfg.ConfigError) as info:
        cfg.load_settings(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path)), message
    assert expected in message, message


def test_example_config_documents_every_key_and_loads() -> None:
    settings = cfg.load_settings(cfg.EXAMPLE_CONFIG, required=True)
    assert settings.refresh.concurrency == 64 and settings.refresh.per_host == 2
    assert settings.trending.window_hours == 48.0
    text = cfg.EXAMPLE_CONFIG.read_text()
    # Every settings key appears in the example with a comment line above it.
    for section, (_cls, schema) in cfg._SECTIONS.items():
        assert f"[{section}]" in text
        for key in schema:
            match = re.search(rf"^(#.*\n)+{key} = ", text, re.M)
            assert match, f"{section}.{key} is not documented in config.example.toml"
    for key in cfg._FEED_KEYS:
        assert re.search(rf"^# {key} = .*#", text, re.M), f"feeds.{key} undocumented"
    for table, keys in (("rules", cfg._RULE_KEYS), ("views", cfg._VIEW_KEYS)):
        block = text[text.index(f"# [[{table}]]") :]
        for key in keys:
            assert re.search(rf"^# {key} = .*#", block, re.M), f"{table}.{key} undocumented"
    assert "[keys]" in text


def test_repo_root_example_is_the_packaged_one() -> None:
    root = Path(__file__).parents[2] / "config.example.toml"
    assert root.read_bytes() == cfg.EXAMPLE_CONFIG.read_bytes()


def test_valid_config_with_feeds_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[feeds]]\nurl = "https://a.example/rss"\ntags = ["world"]\nsection = "opinion"\n'
        '[keys]\nstar = "x"\n[ui]\ntheme = "nord"\n[trending]\nwindow_hours = 24\n'
    )
    s = cfg.load_settings(path)
    assert s.feeds[0].url == "https://a.example/rss" and s.feeds[0].line == 1
    assert s.feeds[0].source == "config" and s.feeds[0].section == "opinion"
    assert s.keys == {"star": "x"} and "star" in KEY_IDS
    assert s.ui.theme == "nord" and s.trending.window_hours == 24.0


def test_missing_config_means_defaults_but_explicit_path_must_exist(tmp_path: Path) -> None:
    assert cfg.load_settings(tmp_path / "none.toml").refresh.interval == 30
    with pytest.raises(cfg.ConfigError, match="no such config file"):
        cfg.load_settings(tmp_path / "none.toml", required=True)


def test_subscriptions_written_atomically_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    feeds = [
        FeedConfig(url="https://a.example/rss", title='Quote " and \\ back', tags=["x", "y"]),
        FeedConfig(url="file:///tmp/f.xml", section="opinion", full_text=True),
    ]
    cfg.save_subscriptions(path, feeds)
    back = cfg.load_subscriptions(path)
    assert [(f.url, f.title, f.tags, f.section, f.full_text) for f in back] == [
        ("https://a.example/rss", 'Quote " and \\ back', ["x", "y"], "news", False),
        ("file:///tmp/f.xml", None, [], "opinion", True),
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["feeds.toml"]  # no temp file left


def test_paths_follow_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSREADER_CONFIG", str(tmp_path / "c.toml"))
    monkeypatch.setenv("NEWSREADER_DATA_DIR", str(tmp_path / "d"))
    assert cfg.config_path() == tmp_path / "c.toml"
    assert cfg.data_dir() == tmp_path / "d"
    assert cfg.config_path(tmp_path / "x.toml") == tmp_path / "x.toml"
    monkeypatch.delenv("NEWSREADER_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert cfg.config_path() == tmp_path / "xdg" / "newsreader" / "config.toml"


def test_rules_and_views_load_and_saved_views_survive_a_subscription_write(tmp_path: Path) -> None:
    conf = tmp_path / "config.toml"
    conf.write_text(
        '[[rules]]\nmatch = \'title ~ "sponsored"\'\naction = "hide"\n'
        'feeds = ["https://a.example/feed"]\n\n'
        '[[rules]]\nmatch = "mars"\naction = "tag"\ntag = " space "\n\n'
        '[[views]]\nname = "Space"\nmatch = "mars or venus"\nnotify = true\n'
    )
    settings = cfg.load_settings(conf)
    assert [(r.action, r.feeds, r.tag, r.line) for r in settings.rules] == [
        ("hide", ["https://a.example/feed"], None, 1),
        ("tag", [], "space", 6),
    ]
    assert [(v.name, v.match, v.notify, v.source) for v in settings.views] == [
        ("Space", "mars or venus", True, "config")
    ]
    feeds_toml = cfg.feeds_path(conf)
    saved = [cfg.ViewConfig(name="Rail", match='title ~ "rail|train"', source="feeds")]
    cfg.save_subscriptions(feeds_toml, [FeedConfig(url="https://a.example/feed")], saved)
    # A later write of the subscriptions alone keeps the saved view.
    cfg.save_subscriptions(feeds_toml, [FeedConfig(url="https://b.example/feed")])
    assert [f.url for f in cfg.load_subscriptions(feeds_toml)] == ["https://b.example/feed"]
    assert [(v.name, v.match) for v in cfg.load_saved_views(feeds_toml)] == [
        ("Rail", 'title ~ "rail|train"')
    ]
