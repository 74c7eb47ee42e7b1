"""The player gets an argument list built from the config alone, plus the link as one
argument: checked with fake players that record the argv they were started with."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from newsreader import config as cfg
from newsreader.media.player import (
    PlayerError,
    folder_command,
    play,
    playable,
    player_command,
    spawn,
)

URL = "https://cdn.example/ep%2012.mp3?x=1&y=$(reboot)"


def fake_player(folder: Path, name: str) -> Path:
    """An executable that writes its argv (as JSON) to argv.json beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    out = folder / "argv.json"
    path.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(out)!r}, 'w').write(json.dumps(sys.argv))\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def recorded(folder: Path) -> list[str]:
    return json.loads((folder / "argv.json").read_text())


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


def test_default_is_the_first_player_found_and_mpv_runs_in_the_terminal(bin_dir: Path) -> None:
    fake_player(bin_dir, "vlc")
    cmd = player_command(URL)
    assert cmd.argv == ["vlc", URL] and not cmd.terminal
    fake_player(bin_dir, "mpv")
    cmd = player_command(URL)
    assert cmd.argv == ["mpv", URL] and cmd.terminal
    assert play(cmd) == 0
    assert recorded(bin_dir)[1:] == [URL]  # one argument, untouched, no shell


def test_a_template_is_split_from_the_config_and_the_link_is_one_argument(bin_dir: Path) -> None:
    player = fake_player(bin_dir / "my apps", "my player")
    template = f"'{player}' --title 'two words' --input=%u --end"
    cmd = player_command(URL, template)
    assert cmd.argv == [str(player), "--title", "two words", f"--input={URL}", "--end"]
    assert not cmd.terminal
    proc = play(cmd)
    assert not isinstance(proc, int)
    assert proc.wait(10) == 0
    assert recorded(player.parent)[1:] == cmd.argv[1:]


def test_without_percent_u_the_link_goes_last(bin_dir: Path) -> None:
    fake_player(bin_dir, "mpv")
    assert player_command(URL, "mpv --no-video").argv == ["mpv", "--no-video", URL]


def test_a_local_file_plays_by_its_absolute_path(bin_dir: Path, tmp_path: Path) -> None:
    fake_player(bin_dir, "mpv")
    episode = tmp_path / "-rf ep.mp3"
    episode.write_bytes(b"x")
    assert player_command(episode).argv == ["mpv", str(episode)]
    assert player_command(episode.as_uri()).argv == ["mpv", str(episode)]


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (
            "javascript:alert(1)",
            "only http(s) links and local files can be played, not javascript:",
        ),
        ("data:audio/mpeg;base64,AAAA", "not data:"),
        ("--help", "only http(s) links and local files can be played"),
        ("https://x.example/a b.mp3; rm -rf ~", "spaces or control characters"),
        ("https://x.example/\x1b]52;c;ZWNobyBvd25lZA==\x07.mp3", "control characters"),
        ("http:///no-host.mp3", "no host"),
        ("file://evil.example/share/ep.mp3", "another host"),
        ("file:///nonexistent/ep.mp3", "no such file: /nonexistent/ep.mp3"),
        ("file:relative/ep.mp3", "not file:"),
    ],
)
def test_hostile_links_are_refused_in_one_line(target: str, reason: str) -> None:
    with pytest.raises(PlayerError) as info:
        playable(target)
    assert reason in str(info.value) and "\n" not in str(info.value)


def test_missing_players_and_bad_templates_are_one_line(bin_dir: Path) -> None:
    with pytest.raises(PlayerError, match=r"no media player found .*ui\.player"):
        player_command(URL)
    with pytest.raises(PlayerError, match="ui.player: nosuchplayer not found"):
        player_command(URL, "nosuchplayer %u")
    with pytest.raises(PlayerError, match="must start with a program"):
        player_command(URL, "%u --flag")
    with pytest.raises(PlayerError, match="cannot be split"):
        player_command(URL, "mpv 'unclosed %u")


def test_config_checks_the_player_and_media_keys(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[ui]\nplayer = "mpv \'unclosed %u"\n')
    with pytest.raises(cfg.ConfigError, match=rf"^{path}:2: ui.player cannot be split"):
        cfg.load_settings(path)
    path.write_text('[ui]\nimages = "always"\n')
    with pytest.raises(cfg.ConfigError, match=r':2: ui.images must be one of "auto", "off"'):
        cfg.load_settings(path)
    path.write_text("[media]\nmax_mb = 0\n")
    with pytest.raises(cfg.ConfigError, match=":2: media.max_mb must be greater than 0"):
        cfg.load_settings(path)
    path.write_text("[media]\nconcurrency = -1\n")
    with pytest.raises(cfg.ConfigError, match=":2: media.concurrency must be greater than 0"):
        cfg.load_settings(path)
    path.write_text('[ui]\nplayer = "mpv --no-video %u"\n[media]\nfolder = "~/Podcasts"\n')
    s = cfg.load_settings(path)
    assert s.ui.player == "mpv --no-video %u" and s.ui.images == "auto"
    assert s.media.download_folder() == Path(os.path.expanduser("~/Podcasts"))
    assert s.media.max_mb == 2000 and s.media.concurrency == 2


def test_default_download_folder_is_the_platforms(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    assert (
        cfg.MediaSettings().download_folder() == platformdirs.user_downloads_path() / "newsreader"
    )


def test_open_folder_uses_xdg_open_with_the_path_as_one_argument(
    bin_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "my downloads"
    folder.mkdir()
    with pytest.raises(PlayerError, match="no program to open folders"):
        folder_command(folder)
    fake_player(bin_dir, "xdg-open")
    cmd = folder_command(folder)
    assert cmd.argv == ["xdg-open", str(folder)] and not cmd.terminal
    assert spawn(cmd).wait(10) == 0
    assert recorded(bin_dir)[1:] == [str(folder)]
    with pytest.raises(PlayerError, match="no such folder"):
        folder_command(tmp_path / "missing")
