from __future__ import annotations

import pytest

from newsreader.media.enclosures import enclosure_list, format_duration, parse_duration


def test_enclosure_lines_show_kind_type_size_and_duration() -> None:
    items = enclosure_list(
        [
            {
                "url": "https://cdn.example/012.mp3",
                "type": "audio/mpeg",
                "length": 28734976,
                "duration": "29:54",
            },
            {
                "url": "https://cdn.example/v.bin",
                "type": None,
                "length": None,
                "medium": "video",
                "title": "Night \x1b[31mferry",
            },
            {"url": "https://cdn.example/p.JPG", "type": "", "length": 0},
            {"url": "javascript:alert(1)", "type": "audio/mpeg", "length": -5},
            {"url": 5},
            "junk",
        ]
    )
    assert [i.line() for i in items] == [
        "1 audio · audio/mpeg · 28.7 MB · 29:54",
        "2 video · Night ferry",
        "3 image",
        "4 audio · audio/mpeg · (not an http(s) link)",
    ]
    assert items[0].url == "https://cdn.example/012.mp3" and items[3].url is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (3725, 3725.0),
        ("3725", 3725.0),
        ("62:05", 3725.0),
        ("1:02:05", 3725.0),
        ("nan", None),
        ("-5", None),
        ("soon", None),
        (True, None),
        (None, None),
        ("1e12", None),
    ],
)
def test_durations_from_itunes_values(value: object, seconds: float | None) -> None:
    assert parse_duration(value) == seconds


def test_duration_text() -> None:
    assert [format_duration(s) for s in (59.6, 3725, 36000)] == ["1:00", "1:02:05", "10:00:00"]
