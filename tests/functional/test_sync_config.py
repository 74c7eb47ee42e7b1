"""[sync] in config.toml: the documented example loads, mistakes are one line with a line
number, and no value that may hold a secret is quoted back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsreader import config as cfg


def test_example_sync_section_uncommented_loads(tmp_path: Path) -> None:
    text = cfg.EXAMPLE_CONFIG.read_text()
    block = text[text.index("# [sync]") :]
    lines = [re.sub(r"^# ", "", line) for line in block.splitlines() if re.match(r"# \S", line)]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    sync = cfg.load_settings(path).sync
    assert sync is not None and sync.provider == "greader" and sync.username == "alice"
    assert sync.password_command == ["pass", "show", "freshrss"] and sync.concurrency == 4
    for key in cfg._SYNC_KEYS:
        assert f"# {key} = " in block, f"sync.{key} is not documented"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('provider = "greader"\n', "config.toml:1: [sync] needs url"),
        ('provider = "rss"\nurl = "https://a.example"\n', 'sync.provider must be one of "greader"'),
        ('provider = "fever"\nurl = "ftp://a.example"\n', "sync.url must be an http(s) URL"),
        (
            'provider = "fever"\nurl = "https://a"\nusername = "u"\npasword_file = "x"\n',
            "did you mean 'password_file'",
        ),
        ('provider = "fever"\nurl = "https://a"\npassword_command = []\n', "must not be empty"),
        (
            'provider = "fever"\nurl = "https://a"\nconcurrency = 0\n',
            "sync.concurrency must be greater than 0",
        ),
    ],
)
def test_sync_mistakes_are_one_line(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[sync]\n" + body)
    with pytest.raises(cfg.ConfigError) as info:
        cfg.load_settings(path)
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_secret_looking_values_are_never_quoted_back(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    for body in ('password = "hunter2-xyz"', 'password_command = "echo hunter2-xyz"'):
        path.write_text(f'[sync]\nprovider = "fever"\nurl = "https://a"\n{body}\n')
        with pytest.raises(cfg.ConfigError) as info:
            cfg.load_settings(path)
        assert "hunter2-xyz" not in str(info.value) and ":4:" in str(info.value)
