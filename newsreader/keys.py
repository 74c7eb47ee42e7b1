"""Every user-facing key binding, by id. The TUI builds its bindings from this table and
config.toml's `[keys]` may rebind any id, so config validation lives with the core.

`target` names who owns the key, so each widget binds only its own:
- "list": the focused pane (headline list, trending, opinion, feeds list, article), which
  moves its cursor or scrolls;
- "main": the main screen (views, marks, links, panes, refresh, search, feeds);
- "story": the full coverage screen only (its other keys reuse the main screen's ids);
- "app": the app, anywhere (help, quit).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Target = Literal["list", "main", "story", "app"]


class KeySpec(NamedTuple):
    id: str
    keys: str  # Textual key list, comma separated
    action: str
    description: str
    show: bool = False  # shown in the footer
    target: Target = "main"


KEYS: tuple[KeySpec, ...] = (
    KeySpec("down", "j,down", "cursor_down", "Next story", target="list"),
    KeySpec("up", "k,up", "cursor_up", "Previous story", target="list"),
    KeySpec("top", "g,home", "cursor_top", "First story", target="list"),
    KeySpec("bottom", "G,end", "cursor_bottom", "Last story", target="list"),
    KeySpec("page_down", "pagedown", "page_down", "Page down", target="list"),
    KeySpec("page_up", "pageup", "page_up", "Page up", target="list"),
    KeySpec("open", "enter", "select", "Open", True, target="list"),
    KeySpec("next_pane", "tab", "next_pane", "Next pane"),
    KeySpec("prev_pane", "shift+tab", "prev_pane", "Previous pane"),
    KeySpec("page_article", "space", "page_article", "Page article / next unread"),
    KeySpec("next_unread", "n", "next_unread", "Next unread"),
    KeySpec("prev_unread", "p", "prev_unread", "Previous unread"),
    KeySpec("toggle_read", "m", "toggle_read", "Read/unread", True),
    KeySpec("star", "s", "toggle_star", "Star", True),
    KeySpec("mark_all_read", "A", "mark_all_read", "Mark view read"),
    KeySpec("undo", "u", "undo", "Undo mark read"),
    KeySpec("refresh_all", "r", "refresh_all", "Refresh", True),
    KeySpec("refresh_feed", "R", "refresh_feed", "Refresh feed"),
    KeySpec("search", "slash", "search", "Search", True),
    KeySpec("feeds", "f", "feeds", "Feeds", True),
    KeySpec("view_all", "1", "view('all')", "All stories"),
    KeySpec("view_unread", "2", "view('unread')", "Unread"),
    KeySpec("view_starred", "3", "view('starred')", "Starred"),
    KeySpec("view_opinion", "4", "view('opinion')", "Opinion"),
    KeySpec("open_link", "o", "open_link", "Open link", True),
    KeySpec("copy_link", "y", "copy_link", "Copy link"),
    KeySpec("full_text", "F", "full_text", "Fetch full text"),
    KeySpec("trending", "t", "focus_trending", "Trending"),
    KeySpec("coverage", "c", "coverage", "Full coverage of the story"),
    KeySpec("story_read", "M", "mark_story_read", "Mark story read", target="story"),
    KeySpec("help", "question_mark", "help", "Help", True, target="app"),
    KeySpec("quit", "q", "quit", "Quit", True, target="app"),
)

KEY_IDS: frozenset[str] = frozenset(k.id for k in KEYS)
