"""Watched topics: saved views with `notify = true`. After a refresh or sync stores
articles, `news_since` says which watched views gained matches, and `run_notify_command`
hands each new article to `ui.notify_command`.

The command comes from config.toml only and runs as an argument list, never a shell; the
feed contributes whole arguments (title and link), cleaned of control characters first, so
no feed text is ever split or interpreted.
"""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.model import ArticleRow, NewsreaderError, View, ViewConfig
from newsreader.sanitize import clean_line, safe_url

if TYPE_CHECKING:
    from newsreader.store import Store

MAX_NOTIFIED = 20  # commands run per refresh: a flood of matches must not fork a hundred


@dataclass(slots=True)
class WatchNews:
    view: ViewConfig
    count: int  # new matches (capped at the page read)
    newest: list[ArticleRow]  # newest first

    @property
    def line(self) -> str:
        return f"{self.count} new in {clean_line(self.view.name, 60)}"


def news_since(store: Store, views: list[ViewConfig], since: float) -> list[WatchNews]:
    """New unread matches of each watched view among articles stored after `since`
    (epoch seconds)."""
    out = []
    for view in views:
        if not view.notify:
            continue
        rows = store.page(View(match=view.match, unread=True, new_since=since), limit=MAX_NOTIFIED)
        if rows:
            out.append(WatchNews(view, len(rows), rows))
    return out


def notify_argv(template: str, view: str, row: ArticleRow) -> list[str]:
    """The notify command for one article: `template` split like a shell would (it is the
    user's own config text), then %t (title), %u (link) and %v (view name) replaced inside
    single arguments; with none of them, title and link are appended."""
    try:
        parts = shlex.split(template)
    except ValueError as exc:
        raise NewsreaderError(f"ui.notify_command cannot be split into arguments: {exc}") from None
    if not parts:
        raise NewsreaderError("ui.notify_command is empty")
    values = {
        "%t": clean_line(row.title, 300),
        "%u": safe_url(row.link) or "",
        "%v": clean_line(view, 80),
    }
    used = any(key in part for part in parts[1:] for key in values)
    argv = [parts[0]]
    for part in parts[1:]:
        for key, value in values.items():
            part = part.replace(key, value)
        argv.append(part)
    if not used:
        argv += [values["%t"], values["%u"]]
    return argv


def run_notify_command(template: str, news: list[WatchNews], timeout: float = 10.0) -> list[str]:
    """Run the notify command once per new article (at most MAX_NOTIFIED in all); returns
    one-line errors. Output is discarded: nothing a notifier prints reaches the screen."""
    errors: list[str] = []
    budget = MAX_NOTIFIED
    for item in news:
        for row in reversed(item.newest):  # oldest first, so the newest notification is last
            if budget <= 0:
                return errors
            budget -= 1
            try:
                argv = notify_argv(template, item.view.name, row)
                subprocess.run(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=timeout,
                    check=False,
                )
            except NewsreaderError as exc:
                return [*errors, str(exc)]
            except FileNotFoundError:
                return [*errors, f"ui.notify_command: {clean_line(argv[0], 80)} not found"]
            except (OSError, subprocess.TimeoutExpired) as exc:
                errors.append(f"ui.notify_command failed: {clean_line(str(exc), 120)}")
    return errors
