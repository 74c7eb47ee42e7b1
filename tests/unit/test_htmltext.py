"""Article body rendering: feed HTML to readable terminal text (newsreader.htmltext)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.htmltext import Rendered, Span, render_html, to_rich_text
from newsreader.sanitize import has_control

ROOT = Path(__file__).resolve().parents[2]


def text_lines(html: str, base_url: str | None = None) -> list[str]:
    return ["".join(s.text for s in line) for line in render_html(html, base_url).lines]


def styles_of(rendered: Rendered, text: str) -> str:
    for line in rendered.lines:
        for span in line:
            if text in span.text:
                return span.style
    raise AssertionError(f"{text!r} not rendered")


def test_paragraphs_and_headings_are_separated_by_blank_lines() -> None:
    html = "<h2>Budget vote</h2><p>First  para\n graph.</p><p>Second.</p>"
    assert text_lines(html) == ["Budget vote", "", "First para graph.", "", "Second."]
    assert "heading" in styles_of(render_html(html), "Budget vote")


def test_br_breaks_lines_and_divs_break_without_blank_line() -> None:
    assert text_lines("<p>one<br>two<br/>three</p>") == ["one", "two", "three"]
    assert text_lines("<div>a</div><div>b</div>") == ["a", "b"]


def test_inline_styles_become_spans_and_combine() -> None:
    r = render_html("<p>plain <b>bold <i>both</i></b> <em>it</em> <code>x = 1</code></p>")
    assert styles_of(r, "plain") == ""
    assert styles_of(r, "bold") == "bold"
    assert styles_of(r, "both") == "bold italic"
    assert styles_of(r, "it") == "italic"
    assert styles_of(r, "x = 1") == "code"
    assert r.plain() == "plain bold both it x = 1"


def test_whitespace_collapses_like_a_browser_and_entities_decode() -> None:
    html = "<p>\n   A &amp; B\t&lt;tag&gt;   <b> bold </b>  end&nbsp;&nbsp;x &#8212; &eacute;</p>"
    assert text_lines(html) == ["A & B <tag> bold end\xa0\xa0x — é"]


def test_links_get_numbered_footnotes_resolved_against_base_url() -> None:
    html = (
        '<p><a href="/world/story">Story</a>, <a href="https://other.example/x">other</a> '
        'and <a href="/world/story">again</a>.</p>'
    )
    r = render_html(html, base_url="https://news.example/home/")
    assert r.links == ["https://news.example/world/story", "https://other.example/x"]
    assert r.plain().splitlines() == [
        "Story[1], other[2] and again[1].",
        "",
        "[1] https://news.example/world/story",
        "[2] https://other.example/x",
    ]
    assert styles_of(r, "Story") == "link"


def test_unsafe_and_in_page_links_are_plain_text_without_a_number() -> None:
    html = (
        '<a href="javascript:alert(1)">js</a> <a href="file:///etc/passwd">file</a> '
        '<a href="data:text/html,x">data</a> <a href="#note1">note</a> '
        '<a href="JaVaScRiPt:evil()">mixed</a> <a>bare</a>'
    )
    r = render_html(html, base_url="https://news.example/a")
    assert r.links == []
    assert r.plain() == "js file data note mixed bare"
    assert styles_of(r, "js") == ""


def test_relative_link_without_base_url_gets_no_number() -> None:
    r = render_html('<a href="/relative">rel</a>')
    assert r.links == [] and r.plain() == "rel"


def test_images_show_alt_text_and_tracking_pixels_vanish() -> None:
    html = (
        '<p>Before <img src="a.jpg" alt="Crowd at the  square"> '
        '<img src="b.jpg"> <img src="t.gif" width="1" height="1" alt="pixel">after</p>'
    )
    assert text_lines(html) == ["Before [image: Crowd at the square] [image] after"]


def test_image_inside_link_keeps_the_footnote() -> None:
    r = render_html('<a href="https://x.example/p"><img alt="Map"></a>')
    assert r.plain().splitlines()[0] == "[image: Map][1]"


def test_lists_bullets_numbers_and_nesting() -> None:
    html = """
    <ul><li>apples</li><li>pears<ul><li>green</li><li>red</li></ul></li><li><p>plums</p></li></ul>
    <ol start="3"><li>three<li>four</ol>
    <ol reversed><li>two</li><li>one</li></ol>
    """
    assert text_lines(html) == [
        "• apples",
        "• pears",
        "  ◦ green",
        "  ◦ red",
        "• plums",
        "",
        "3. three",
        "4. four",
        "",
        "1. two",
        "0. one",
    ]


def test_long_list_item_continuation_lines_are_indented() -> None:
    assert text_lines("<ol><li>first<br>continued</li></ol>") == ["1. first", "   continued"]


def test_blockquote_is_prefixed_and_styled_as_quote() -> None:
    html = "<p>He said:</p><blockquote><p>We will build it.</p><p>Soon.</p></blockquote><p>End</p>"
    r = render_html(html)
    assert ["".join(s.text for s in line) for line in r.lines] == [
        "He said:",
        "",
        "│ We will build it.",
        "│",
        "│ Soon.",
        "",
        "End",
    ]
    assert "quote" in styles_of(r, "We will build it.")


def test_pre_keeps_indentation_and_line_breaks() -> None:
    html = "<p>Code:</p><pre><code>\ndef f(x):\n    return  x * 2\n\nprint(f(2))\n</code></pre><p>after</p>"
    r = render_html(html)
    assert ["".join(s.text for s in line) for line in r.lines] == [
        "Code:",
        "",
        "def f(x):",
        "    return  x * 2",
        "",
        "print(f(2))",
        "",
        "after",
    ]
    assert styles_of(r, "    return  x * 2") == "code"


def test_tables_render_cells_per_row() -> None:
    html = """<table><thead><tr><th>City</th><th>Votes</th></tr></thead>
    <tbody><tr><td> Leeds </td><td>1,204</td></tr><tr><td>York<td>980</tbody></table>"""
    r = render_html(html)
    assert ["".join(s.text for s in line) for line in r.lines] == [
        "City │ Votes",
        "Leeds │ 1,204",
        "York │ 980",
    ]
    assert styles_of(r, "City") == "bold"


def test_hr_is_a_rule_line() -> None:
    lines = text_lines("<p>a</p><hr><p>b</p>")
    assert lines[0] == "a" and lines[-1] == "b"
    assert lines[2] == "─" * 40


def test_scripts_styles_and_embeds_are_dropped() -> None:
    html = (
        "<p>keep</p><script>var secret = '<p>no</p>';</script><style>p{color:red}</style>"
        "<iframe src=x>frame text</iframe><noscript><p>enable js</p></noscript>"
        "<object><object>inner</object>outer</object><template><p>tpl</p></template><p>too</p>"
    )
    assert text_lines(html) == ["keep", "", "too"]


def test_terminal_escapes_and_controls_are_removed() -> None:
    html = (
        "<p>red\x1b[31mtext\x1b[0m &#27;]52;c;ZXZpbA==&#7; bell\x07 c1\x9b2J bidi\u202eevil</p>"
        '<img alt="alt\x1b[2J"><a href="https://x.example/\x1b[1m">l</a>'
    )
    r = render_html(html)
    for line in r.lines:
        for span in line:
            assert not has_control(span.text), span
    plain = r.plain()
    assert "redtext" in plain and "bidievil" in plain
    assert not has_control(plain)


def test_unclosed_paragraphs_and_stray_end_tags() -> None:
    html = "<p>one<p>two</div></span><p>three"
    assert text_lines(html) == ["one", "", "two", "", "three"]


def test_deep_nesting_does_not_recurse_or_crash() -> None:
    for tag in ("div", "blockquote", "b", "ul><li", "span"):
        html = f"<{tag}>" * 10_000 + "deep text" + "</p>" * 10
        lines = text_lines(html)
        assert lines and lines[-1].endswith("deep text"), tag
        # Indentation stops growing: a line is not 10,000 prefixes long.
        assert len(lines[-1]) < 100


def test_nested_links_do_not_stack_footnotes() -> None:
    r = render_html("<a href='https://x.example/'>" * 10_000 + "text", max_chars=10**6)
    assert r.plain() == "text[1]\n\n[1] https://x.example/"


def test_plain_text_input_is_split_into_paragraphs() -> None:
    text = "First paragraph\nstill first.\n\n\n  Second & last.  \n"
    assert text_lines(text) == ["First paragraph still first.", "", "Second & last."]


def test_long_input_is_truncated_with_a_note() -> None:
    html = "<p>" + "word " * 10_000 + "</p><p>tail end</p>"
    r = render_html(html, max_chars=5_000)
    assert r.truncated
    assert r.lines[-1] == [Span("[… truncated]", "dim")]
    assert "tail end" not in r.plain()
    assert not render_html("<p>short</p>", max_chars=5_000).truncated


def test_truncation_never_shows_half_a_tag() -> None:
    html = "<p>abc</p><p><a href='https://x.example/very/long/path'>link</a></p>"
    cut = html.index("very")
    r = render_html(html, max_chars=cut)
    assert r.plain().splitlines()[0] == "abc"
    assert "<a" not in r.plain() and "href" not in r.plain()


def test_empty_input() -> None:
    assert render_html("").lines == []
    assert render_html("<div> </div><p></p>").plain() == ""


def test_rich_text_keeps_markup_lookalikes_literal_and_applies_styles() -> None:
    html = "<p>[bold]not bold[/bold] [/] [@click=app.quit]x[/] <b>real</b></p><a href='https://x.example/'>l</a>"
    text = to_rich_text(render_html(html))
    assert text.plain.splitlines()[0] == "[bold]not bold[/bold] [/] [@click=app.quit]x[/] real"
    assert text.plain.endswith("[1] https://x.example/")
    styled = {text.plain[s.start : s.end]: str(s.style) for s in text.spans}
    assert styled["real"] == "bold"
    assert styled["l"] == "underline"
    assert "[bold]not bold[/bold]" not in styled  # no span came from the lookalike markup


def test_rich_text_without_footnotes() -> None:
    rendered = render_html("<p><a href='https://x.example/'>l</a></p>")
    assert to_rich_text(rendered, footnotes=False).plain == "l[1]"


def test_module_imports_neither_rich_nor_textual() -> None:
    code = "import sys, newsreader.htmltext; print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'textual')))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_fifty_kb_article_renders_without_hanging() -> None:
    para = "<p>" + "Residents asked for <b>more buses</b> and <a href='/x'>safer</a> roads. " * 10
    html = "<h2>Head</h2>" + (para + "</p>") * 60
    assert 40_000 < len(html) < 80_000
    start = time.perf_counter()
    to_rich_text(render_html(html, "https://news.example/"))
    # A hang detector only (a quadratic path would take seconds): bench/render.py prints the
    # figure, well under 50 ms.
    assert time.perf_counter() - start < 5


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=20),
            st.sampled_from(
                [
                    "<p>",
                    "</p>",
                    "<b>",
                    "</b>",
                    "<ul>",
                    "<li>",
                    "</ul>",
                    "<ol>",
                    "<pre>",
                    "</pre>",
                    "<blockquote>",
                    "</blockquote>",
                    "<a href='https://x.example/'>",
                    "<a href='javascript:x'>",
                    "</a>",
                    "<br>",
                    "<img alt='\x1b[2J'>",
                    "<table>",
                    "<tr>",
                    "<td>",
                    "<script>",
                    "&#27;",
                    "&amp;",
                    "<hr>",
                    "<",
                ]
            ),
        ),
        max_size=40,
    )
)
def test_any_input_renders_without_error_or_controls(parts: list[str]) -> None:
    rendered = render_html("".join(parts), base_url="https://news.example/")
    plain = rendered.plain()
    assert not has_control(plain)
    for url in rendered.links:
        assert url.startswith("https://")
    to_rich_text(rendered)
