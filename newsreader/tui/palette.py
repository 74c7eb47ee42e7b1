"""Ctrl+P: every keyboard action by name, "digest", "jump to feed: <title>" and "jump to tag".

Feed titles come from feeds, so hits are built as Content (Matcher.highlight would parse the
title as markup); help lines are markup in Textual, so they are escaped."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.markup import escape

from newsreader.keys import KEYS, KeySpec
from newsreader.sanitize import clean_line

if TYPE_CHECKING:
    from newsreader.tui.app import NewsApp


def _highlight(matcher: Matcher, text: str) -> Content:
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


async def _run_key(app: NewsApp, spec: KeySpec) -> None:
    """Run a key's action where the key would: the app, the main screen or its focused pane."""
    main = app.main
    if spec.target == "app":
        await app.run_action(spec.action)
    elif spec.target == "main":
        await app.run_action(spec.action, main)
    elif spec.target == "story":
        await app.run_action(spec.action, app.screen)
    else:
        await app.run_action(spec.action, main.focused or main.headlines)


class NewsCommands(Provider):
    @property
    def news(self) -> NewsApp:
        from newsreader.tui.app import NewsApp

        app = self.app
        assert isinstance(app, NewsApp)
        return app

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from newsreader.tui.screens.story import StoryScreen

        app = self.news
        out: list[tuple[str, Callable[[], object], str]] = []
        keys = {k[2]: k[0] for k in app.live_keys()}
        on_story = isinstance(self.screen, StoryScreen)  # its own keys make sense only there
        for spec in KEYS:
            if spec.target == "downloads":
                continue  # the downloads screen's own keys mean nothing elsewhere
            if spec.target == "story" and not on_story:
                continue
            out.append(
                (spec.description, partial(_run_key, app, spec), escape(f"key: {keys[spec.id]}"))
            )
        out.append(
            ("digest", app.main.show_digest, "top stories, opinion and tag highlights of 24 hours")
        )
        for url, title in app.feed_titles():
            out.append(
                (
                    f"jump to feed: {clean_line(title, 100)}",
                    partial(app.main.show_feed, url),
                    escape(clean_line(url)),
                )
            )
        for tag in app.tag_names():
            out.append(
                (f"jump to tag: {clean_line(tag, 100)}", partial(app.main.show_tag, tag), "tag")
            )
        for saved in app.views:
            out.append(
                (
                    f"jump to view: {clean_line(saved.name, 100)}",
                    partial(app.main.show_saved_view, saved.name, saved.match),
                    escape(clean_line(saved.match, 100)),
                )
            )
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
