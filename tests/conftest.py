"""Shared fixtures: every test gets its own config file and data folder through the same
environment variables users have (NEWSREADER_CONFIG, NEWSREADER_DATA_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private config dir and data dir; returns the folder holding both."""
    conf = tmp_path / "config"
    data = tmp_path / "data"
    conf.mkdir()
    monkeypatch.setenv("NEWSREADER_CONFIG", str(conf / "config.toml"))
    monkeypatch.setenv("NEWSREADER_DATA_DIR", str(data))
    # Never let a test reach the user's own folders through platformdirs.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return tmp_path


def cli_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["NEWSREADER_CONFIG"] = str(home / "config" / "config.toml")
    env["NEWSREADER_DATA_DIR"] = str(home / "data")
    return env
