"""Pairing an article's [image: alt] markers with their links, and pictures as half blocks."""

from __future__ import annotations

from PIL import Image
from rich.text import Text

from newsreader.htmltext import render_html, to_rich_text
from newsreader.tui.widgets.downloads import bar
from newsreader.tui.widgets.pictures import image_slots, marker_lines, picture_lines, shrink

HTML = (
    '<p>Intro <img src="/a.png" alt="first"></p>'
    '<img src="/pixel.gif" width="1" height="1">'  # a tracking pixel: no marker, no slot
    "<noscript><img src='/hidden.png' alt='hidden'></noscript>"  # never shown
    '<p><img src="data:image/png;base64,AAAA" alt="inline">'  # a marker without a link
    '<img src="https://b.example/b.jpg" alt="a long alternative text that will wrap"></p>'
    "<p>[image: typed by the author] is text, not a marker</p>"
)


def wrapped(html: str, width: int) -> list[Text]:
    from rich.console import Console

    text = to_rich_text(render_html(html, "https://a.example/post"))
    return list(text.wrap(Console(), width, overflow="fold"))


def test_slots_follow_the_markers_htmltext_draws() -> None:
    slots = image_slots(HTML, "https://a.example/post")
    assert slots == ["https://a.example/a.png", None, "https://b.example/b.jpg"]
    lines = wrapped(HTML, 30)
    at = marker_lines(lines)
    assert len(at) == len(slots)  # the author's own "[image: ...]" text is not a marker
    # a marker that wraps is placed after the line where it ends
    assert lines[at[2]].plain.rstrip().endswith("wrap]")


def test_a_picture_is_half_blocks_scaled_to_the_width() -> None:
    im = Image.new("RGB", (200, 100), "white")
    im.paste((0, 0, 255), (0, 50, 200, 100))  # blue bottom half
    small = shrink(im)
    assert small.size == (72, 36)  # within 72 x 40 pixels
    lines = picture_lines(small, 36)
    assert len(lines) == 9 and all(line.plain == "▀" * 36 for line in lines)
    first, last = lines[0].render(), lines[-1].render()
    assert [s.text for s in first] == ["▀" * 36]  # one run of one colour
    top, bottom = first[0].style, last[0].style
    assert top is not None and bottom is not None
    assert str(top.color.get_truecolor().hex) == "#ffffff"
    assert str(bottom.bgcolor.get_truecolor().hex) == "#0000ff"


def test_an_odd_pixel_height_repeats_the_last_row() -> None:
    im = Image.new("RGB", (4, 3), "red")
    im.paste((0, 255, 0), (0, 2, 4, 3))  # the third (last) pixel row is green
    rows = picture_lines(im, 4)
    assert len(rows) == 2
    style = rows[1].render()[0].style
    assert style is not None
    assert str(style.color.get_truecolor().hex) == str(style.bgcolor.get_truecolor().hex)


def test_progress_bar() -> None:
    assert bar(0.5, 10) == ("█████", "░░░░░")
    assert bar(None, 4) == ("", "░░░░")
    assert bar(7.0, 3) == ("███", "")
