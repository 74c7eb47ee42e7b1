"""Every user-facing key binding, by id. The TUI builds its bindings from this table and
config.toml's `[keys]` may rebind any id, so config validation lives with the core.

`target` names who owns the key, so each widget binds only its own:
- "list": the focused pane (headline list, trending, opinion, feeds list, article), which
  moves its cursor or scrolls;
- "main": the main screen (views, marks, links, panes, refresh, search, feeds);
- "app": the app, anywhere (help, quit);
- "story": the full coverage screen only (its other keys reuse the main screen's ids);
- "downloads": the downloads screen (pause, cancel, open folder).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Target = Literal["list", "main", "app", "story", "downloads"]


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
    KeySpec("save_search", "S", "save_search", "Save the search as a view"),
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
    # media (issue 16): an article's enclosures, and the downloads screen
    KeySpec("play", "e", "play", "Play enclosure"),
    KeySpec("download", "E", "download", "Download enclosure"),
    KeySpec("downloads", "D", "downloads", "Downloads"),
    KeySpec("download_pause", "p,space", "toggle_pause", "Pause/resume", False, "downloads"),
    KeySpec("download_cancel", "x,delete", "cancel", "Cancel download", False, "downloads"),
    KeySpec("download_forget", "d", "forget", "Remove from list", False, "downloads"),
    KeySpec("download_folder", "O", "open_folder", "Open folder", False, "downloads"),
    KeySpec("help", "question_mark", "help", "Help", True, target="app"),
    KeySpec("quit", "q", "quit", "Quit", True, target="app"),
)

KEY_IDS: frozenset[str] = frozenset(k.id for k in KEYS)

# `[keys] preset = "..."`: whole keymaps after other readers' defaults (the user's own
# `[keys]` entries still win).
PRESETS: dict[str, dict[str, str]] = {
    "newsboat": {
        "refresh_feed": "r",  # newsboat: r reloads the feed, R all of them
        "refresh_all": "R",
        "toggle_read": "N",
        "mark_all_read": "C",
        "open_link": "o",
        "next_unread": "n",
        "prev_unread": "p",
        "quit": "q",  # q goes back a level (the story to the list) before it quits
    },
}

# Keys the reader needs whatever the keymap: the command palette (it reaches every action).
RESERVED = {"ctrl+p": "the command palette"}

# Key names Textual understands besides single characters and character names
# ("question_mark", "slash": the character's Unicode name in lower case with underscores).
_NAMED = frozenset(
    [
        "escape",
        "enter",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        "slash",
        "backslash",
        "at",
        "minus",
        "plus",
        "underscore",
    ]
) | {f"f{n}" for n in range(1, 25)}
_RENAMED = {  # Unicode names Textual replaces with shorter ones
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def valid_key(key: str) -> bool:
    """A key as Textual names it: modifiers+base, the base one character or a known name."""
    *mods, base = key.split("+")
    if any(m not in _MODIFIERS for m in mods) or not base:
        return False
    if len(base) == 1 or base in _NAMED:
        return True
    import unicodedata

    try:
        return len(unicodedata.lookup(base.replace("_", " "))) == 1
    except KeyError:
        return False


def normal_key(key: str) -> str:
    """One spelling per key: '?' and 'question_mark' are the same key."""
    *mods, base = key.strip().split("+")
    if len(base) == 1 and not base.isalnum():
        import unicodedata

        name = unicodedata.name(base, base).lower().replace("-", "_").replace(" ", "_")
        base = _RENAMED.get(name, name)
    return "+".join([*mods, base])


def keymap_problem(keymap: dict[str, str]) -> tuple[str, str] | None:
    """The first problem in a `[keys]` table (already limited to known ids) as (id, one
    line), or None: an unknown key name, a key bound to two actions, a reserved key."""
    bound: dict[str, str] = {}
    for spec in KEYS:
        for key in keymap.get(spec.id, spec.keys).split(","):
            key = normal_key(key)
            if spec.id in keymap and not valid_key(key):
                return spec.id, f"keys.{spec.id}: {key!r} is not a key name"
            if spec.id in keymap and key in RESERVED:
                return spec.id, f"keys.{spec.id}: {key} is kept for {RESERVED[key]}"
            # The main screen's keys (list, main, app) share one keyboard; another screen's
            # keys (downloads) only clash among themselves.
            scope = spec.target if spec.target not in ("list", "main", "app") else "main"
            other = bound.get(f"{scope}:{key}")
            if other is not None:
                mine = spec.id if spec.id in keymap else other
                theirs = other if mine == spec.id else spec.id
                return mine, f"keys.{mine}: {key} is already bound to {theirs}"
            bound[f"{scope}:{key}"] = spec.id
    return None
