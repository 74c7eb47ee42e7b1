from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.media.names import MAX_NAME_BYTES, clean_name, download_name, unique_path


@pytest.mark.parametrize(
    ("url", "title", "mime", "expected"),
    [
        ("https://cdn.example/sgr/012.mp3", None, "audio/mpeg", "012.mp3"),
        ("https://cdn.example/012.mp3?token=abc#t=10", None, None, "012.mp3"),
        ("https://cdn.example/../../etc/passwd", "Episode 1", "audio/mpeg", "Episode 1.mp3"),
        ("https://cdn.example/a%2F..%2F..%2Fetc%2Fpasswd", None, None, "a .. .. etc passwd"),
        ("https://cdn.example/media.mp3", "Tides: part 2/3", "audio/mpeg", "Tides part 2 3.mp3"),
        ("https://cdn.example/watch?v=1", "Night ferry", "video/mp4", "Night ferry.mp4"),
        ("https://cdn.example/", "..", None, "download"),
        ("https://cdn.example/.bashrc", None, None, "bashrc"),
        ("https://cdn.example/--help.mp3", None, None, "help.mp3"),
        ("https://cdn.example/CON.mp3", None, None, "_CON.mp3"),
        (
            "https://cdn.example/x",
            "Bell \x1b]0;owned\x07 \x1b[2J\u202eevil",
            "audio/mpeg",
            "Bell evil.mp3",
        ),
    ],
)
def test_download_names_are_one_safe_component(
    url: str, title: str | None, mime: str | None, expected: str
) -> None:
    assert download_name(url, title, mime) == expected


def test_long_names_are_capped_in_bytes_keeping_the_extension() -> None:
    name = download_name("https://x.example/" + "é" * 300 + ".mp3")
    assert name.endswith(".mp3") and len(name.encode()) <= MAX_NAME_BYTES
    name.encode("utf-8")  # no half character left at the cut


@pytest.mark.parametrize("text", ["", ".", "..", "/", "\x00", "  ", "-", "...."])
def test_nothing_usable_is_empty(text: str) -> None:
    assert clean_name(text) == ""


def test_unique_path_skips_files_parts_and_reserved_names(tmp_path: Path) -> None:
    (tmp_path / "ep.mp3").write_bytes(b"mine")
    (tmp_path / "ep (2).mp3.part").write_bytes(b"half")
    assert unique_path(tmp_path, "ep.mp3", {"ep (3).mp3"}) == tmp_path / "ep (4).mp3"
    assert unique_path(tmp_path, "../../ep.mp3").parent == tmp_path
