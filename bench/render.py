"""Time article rendering: render_html + to_rich_text on generated 5 KB, 50 KB and 500 KB
articles (median of N runs). Not a test; prints figures.

    .venv/bin/python bench/render.py [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsreader.htmltext import render_html, to_rich_text

_TEXT = (
    "the council agreed on a new budget for schools and roads after a long debate while "
    "residents asked for more buses and safer crossings near the market square where "
    "traders said rents had risen sharply since spring"
)
WORDS = _TEXT.split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    # Inline markup as real articles have it: emphasis, links, code.
    i = rng.randrange(len(words))
    kind = rng.random()
    if kind < 0.15:
        words[i] = f'<a href="/story/{rng.randint(1, 9999)}">{words[i]}</a>'
    elif kind < 0.25:
        words[i] = f"<strong>{words[i]}</strong>"
    elif kind < 0.35:
        words[i] = f"<em>{words[i]}</em>"
    elif kind < 0.38:
        words[i] = f"<code>{words[i]}</code>"
    return " ".join(words).capitalize() + "."


def article(size: int, seed: int = 1) -> str:
    """An article of about size bytes: paragraphs with headings, lists, quotes, code, images."""
    rng = random.Random(seed)
    parts: list[str] = ["<h1>Generated article</h1>"]
    total = 0
    n = 0
    while total < size:
        n += 1
        if n % 12 == 0:
            block = f"<h2>Section {n // 12}</h2>"
        elif n % 9 == 0:
            items = "".join(f"<li>{sentence(rng)}</li>" for _ in range(4))
            block = f"<ul>{items}</ul>"
        elif n % 15 == 0:
            block = f"<blockquote><p>{sentence(rng)}</p></blockquote>"
        elif n % 20 == 0:
            block = "<pre><code>def f(x):\n    return x * 2\n\nprint(f(21))\n</code></pre>"
        elif n % 7 == 0:
            block = f'<figure><img src="/img/{n}.jpg" alt="Photo {n}"><figcaption>{sentence(rng)}</figcaption></figure>'
        else:
            block = "<p>" + " ".join(sentence(rng) for _ in range(rng.randint(2, 5))) + "</p>"
        parts.append(block)
        total += len(block) + 1
    return "\n".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    print(f"render_html + to_rich_text, median of {args.runs} runs")
    print(f"{'size':>8} {'render ms':>10} {'rich ms':>9} {'total ms':>9} {'lines':>6} {'links':>6}")
    for size in (5_000, 50_000, 500_000):
        html = article(size)
        r_times, t_times = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            rendered = render_html(html, "https://example.org/news/", max_chars=1_000_000)
            t1 = time.perf_counter()
            to_rich_text(rendered)
            t2 = time.perf_counter()
            r_times.append(t1 - t0)
            t_times.append(t2 - t1)
        r, t = statistics.median(r_times) * 1000, statistics.median(t_times) * 1000
        print(
            f"{len(html) / 1000:>6.0f}KB {r:>10.2f} {t:>9.2f} {r + t:>9.2f}"
            f" {len(rendered.lines):>6} {len(rendered.links):>6}"
        )
    # The default cap: a 500 KB article is cut at max_chars=200,000.
    html = article(500_000)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        to_rich_text(render_html(html))
        times.append(time.perf_counter() - t0)
    print(f"500KB with default max_chars (cut at 200 KB): {statistics.median(times) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
