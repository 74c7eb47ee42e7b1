"""Ctrl+P: every keyboard action by name, plus "jump to feed: <title>" and "jump to tag".

Feed titles come from feeds, so hits are built as Content (Matcher.highlight would parse the
title as markup); help lines are markup in Textual, so they are escaped."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from newsreader.keys import KEYS
from newsreader.sanitize import clean_line


def _highlight(matcher, text: str) -> Content:
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class NewsCommands(Provider):
    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        out: list[tuple[str, object, str]] = []
        keys = {k[2]: k[0] for k in app.live_keys()}
        for spec in KEYS:
            out.append(
                (
                    spec.description,
                    partial(app.run_action, spec.action),
                    escape(f"key: {keys[spec.id]}"),
                )
            )
        for url, title in app.feed_titles():
            out.append(
                (
                    f"jump to feed: {clean_line(title, 100)}",
                    partial(app.show_feed, url),
                    escape(clean_line(url)),
                )
            )
        for tag in app.tag_names():
            out.append((f"jump to tag: {clean_line(tag, 100)}", partial(app.show_tag, tag), "tag"))
        return out

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(Content(text), command, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, _highlight(matcher, text), command, text=text, help=help_text)
