"""Regenerate the bundled demo feed files from `_stories.py`.

Not used at run time: the feed files in this folder are the shipped artefact. Run
`python -m newsreader.demo._build` after editing the stories. Dates are written in a fixed base
week; `newsreader.demo.materialise` shifts them to the present when the demo starts.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from newsreader.demo._stories import BASE, FEEDS, MOST_READ, Feed, Item

HERE = Path(__file__).parent


# --- a tiny markup for the article bodies -------------------------------------------------
# Blocks are separated by blank lines: "- " lines make a list, "1. " an ordered list,
# "> " a quote, "![alt](src)" an image, ```lang ... ``` a code block, anything else a paragraph.
# Inline: [text](url), **bold**, *italic*, `code`.


def _inline(text: str) -> str:
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"\*([^*]+)\*", r"<em>\1</em>", out)
    return re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', out)


def body_html(src: str) -> str:
    parts: list[str] = []
    text = src.strip("\n")
    # Code blocks first, so blank lines inside them survive.
    chunks = re.split(r"(```[a-z]*\n.*?\n```)", text, flags=re.S)
    for chunk in chunks:
        if chunk.startswith("```"):
            lang, _, code = chunk[3:-3].partition("\n")
            cls = f' class="language-{lang}"' if lang else ""
            parts.append(f"<pre><code{cls}>{html.escape(code.rstrip(), quote=False)}</code></pre>")
            continue
        for block in re.split(r"\n\s*\n", chunk.strip()):
            block = block.strip()
            if not block:
                continue
            lines = [ln.strip() for ln in block.splitlines()]
            if all(ln.startswith("- ") for ln in lines):
                items = "".join(f"<li>{_inline(ln[2:])}</li>" for ln in lines)
                parts.append(f"<ul>{items}</ul>")
            elif all(re.match(r"\d+\. ", ln) for ln in lines):
                items = "".join(f"<li>{_inline(ln.split(' ', 1)[1])}</li>" for ln in lines)
                parts.append(f"<ol>{items}</ol>")
            elif all(ln.startswith(">") for ln in lines):
                quote = " ".join(ln.lstrip("> ") for ln in lines)
                parts.append(f"<blockquote><p>{_inline(quote)}</p></blockquote>")
            elif m := re.fullmatch(r"!\[([^\]]*)\]\(([^)]+)\)", block):
                alt, src_url = m.groups()
                parts.append(f"<p><img src={quoteattr(src_url)} alt={quoteattr(alt)}></p>")
            else:
                parts.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "\n".join(parts)


def summary_text(src: str) -> str:
    """The first paragraph as plain text, for <description>/<summary>."""
    first = re.split(r"\n\s*\n", src.strip())[0]
    first = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", first)
    return re.sub(r"[*`]", "", " ".join(first.split()))


# --- dates ------------------------------------------------------------------------------


def _tz(feed: Feed) -> timezone:
    if feed.tz == "GMT":
        return UTC
    sign = 1 if feed.tz[0] == "+" else -1
    return timezone(sign * timedelta(hours=int(feed.tz[1:3]), minutes=int(feed.tz[3:5])))


def when(feed: Feed, hours_ago: float) -> datetime:
    dt = BASE - timedelta(minutes=round(hours_ago * 60))
    return dt.astimezone(_tz(feed))


def rfc822(feed: Feed, dt: datetime) -> str:
    if feed.tz == "GMT":
        return format_datetime(dt.astimezone(UTC), usegmt=True)
    return format_datetime(dt)


def iso(dt: datetime) -> str:
    s = dt.isoformat(timespec="seconds")
    return s.replace("+00:00", "Z")


def newest(feed: Feed) -> datetime:
    return when(feed, min(i.hours_ago for i in feed.items))


def link(feed: Feed, item: Item) -> str:
    return f"https://{feed.domain}/{item.path or feed.path}/{item.slug}"


# --- writers ----------------------------------------------------------------------------


def _x(s: str) -> str:
    return escape(s)


def _cdata(s: str) -> str:
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def write_rss20(feed: Feed) -> str:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"  <title>{_x(feed.title)}</title>",
        f"  <link>https://{feed.domain}/</link>",
        f'  <atom:link href="https://{feed.domain}/{feed.feed_path}" rel="self" type="application/rss+xml"/>',
        f"  <description>{_x(feed.description)}</description>",
        "  <language>en-gb</language>",
        f"  <lastBuildDate>{rfc822(feed, newest(feed))}</lastBuildDate>",
        "  <ttl>30</ttl>",
    ]
    for item in feed.items:
        url = link(feed, item)
        body = body_html(item.body)
        out.append("  <item>")
        out.append(f"    <title>{_x(item.title)}</title>")
        out.append(f"    <link>{_x(url)}</link>")
        if feed.guid_style == "permalink":
            out.append(f'    <guid isPermaLink="true">{_x(url)}</guid>')
        else:
            out.append(f'    <guid isPermaLink="false">{feed.domain}:{item.slug}</guid>')
        out.append(f"    <dc:creator>{_x(item.author)}</dc:creator>")
        out.extend(f"    <category>{_x(c)}</category>" for c in item.categories)
        out.append(f"    <pubDate>{rfc822(feed, when(feed, item.hours_ago))}</pubDate>")
        if feed.body_in == "content":
            out.append(f"    <description>{_x(summary_text(item.body))}</description>")
            out.append(f"    <content:encoded>{_cdata(body)}</content:encoded>")
        else:  # the whole body, entity-escaped, in <description>, as many old feeds do
            out.append(f"    <description>{_x(body)}</description>")
        out.append("  </item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def write_rss10(feed: Feed) -> str:
    home = f"https://{feed.domain}/"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        f"<channel rdf:about={quoteattr(home + feed.feed_path)}>",
        f"  <title>{_x(feed.title)}</title>",
        f"  <link>{home}</link>",
        f"  <description>{_x(feed.description)}</description>",
        f"  <dc:date>{iso(newest(feed))}</dc:date>",
        "  <dc:language>en-gb</dc:language>",
        "  <items>",
        "    <rdf:Seq>",
    ]
    out += [f"      <rdf:li rdf:resource={quoteattr(link(feed, i))}/>" for i in feed.items]
    out += ["    </rdf:Seq>", "  </items>", "</channel>"]
    for item in feed.items:
        url = link(feed, item)
        out.append(f"<item rdf:about={quoteattr(url)}>")
        out.append(f"  <title>{_x(item.title)}</title>")
        out.append(f"  <link>{_x(url)}</link>")
        out.append(f"  <description>{_x(summary_text(item.body))}</description>")
        out.append(f"  <dc:creator>{_x(item.author)}</dc:creator>")
        out.extend(f"  <dc:subject>{_x(c)}</dc:subject>" for c in item.categories)
        out.append(f"  <dc:date>{iso(when(feed, item.hours_ago))}</dc:date>")
        out.append(f"  <content:encoded>{_cdata(body_html(item.body))}</content:encoded>")
        out.append("</item>")
    out += ["</rdf:RDF>", ""]
    return "\n".join(out)


def write_atom(feed: Feed) -> str:
    home = f"https://{feed.domain}/"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        f"  <title>{_x(feed.title)}</title>",
        f"  <subtitle>{_x(feed.description)}</subtitle>",
        f'  <link rel="alternate" type="text/html" href="{home}"/>',
        f'  <link rel="self" type="application/atom+xml" href="{home}{feed.feed_path}"/>',
        f"  <id>tag:{feed.domain},2025:feed</id>",
        f"  <updated>{iso(newest(feed))}</updated>",
    ]
    for item in feed.items:
        url = link(feed, item)
        pub = when(feed, item.hours_ago)
        upd = when(feed, item.hours_ago - item.updated_after) if item.updated_after else pub
        out.append("  <entry>")
        out.append(f"    <title>{_x(item.title)}</title>")
        out.append(f'    <link rel="alternate" type="text/html" href={quoteattr(url)}/>')
        out.append(f"    <id>tag:{feed.domain},2025:{item.slug}</id>")
        out.append(f"    <author><name>{_x(item.author)}</name></author>")
        out.extend(f"    <category term={quoteattr(c)}/>" for c in item.categories)
        out.append(f"    <published>{iso(pub)}</published>")
        out.append(f"    <updated>{iso(upd)}</updated>")
        out.append(f"    <summary>{_x(summary_text(item.body))}</summary>")
        out.append(f'    <content type="html">{_x(body_html(item.body))}</content>')
        out.append("  </entry>")
    out += ["</feed>", ""]
    return "\n".join(out)


def write_json(feed: Feed) -> str:
    home = f"https://{feed.domain}/"
    items = []
    for item in feed.items:
        entry: dict[str, object] = {
            "id": link(feed, item),
            "url": link(feed, item),
            "title": item.title,
            "summary": summary_text(item.body),
            "content_html": body_html(item.body),
            "date_published": iso(when(feed, item.hours_ago)),
        }
        if item.updated_after:
            entry["date_modified"] = iso(when(feed, item.hours_ago - item.updated_after))
        entry["authors"] = [{"name": item.author}]
        entry["tags"] = item.categories
        items.append(entry)
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": home,
        "feed_url": home + feed.feed_path,
        "description": feed.description,
        "language": "en-GB",
        "items": items,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


WRITERS = {"rss20": write_rss20, "rss10": write_rss10, "atom": write_atom, "json": write_json}


def most_read(feeds: list[Feed]) -> Feed:
    """The wire's "most read" list: the same articles as the wire feed, in rank order."""
    source = next(f for f in feeds if f.file == MOST_READ.source_file)
    by_slug = {i.slug: i for i in source.items}
    MOST_READ.items = [by_slug[s] for s in MOST_READ.ranking]
    MOST_READ.domain = source.domain
    MOST_READ.path = source.path
    return MOST_READ


def render_all() -> dict[str, str]:
    """File name -> text of every demo feed, exactly as written to disk."""
    for feed in FEEDS:  # newest first, as publishers list them; "most read" keeps its rank order
        feed.items.sort(key=lambda i: i.hours_ago)
    return {feed.file: WRITERS[feed.fmt](feed) for feed in [*FEEDS, most_read(FEEDS)]}


def main() -> None:
    for name, text in render_all().items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
