"""Configuration: where files live, and config.toml validated into typed settings.

The config file is the user's: we read it, never rewrite it. Every mistake becomes one
`ConfigError` line naming the file, the line where we can find it, and what was expected.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsreader.keys import KEY_IDS, PRESETS, keymap_problem
from newsreader.model import (
    DEFAULT_OPINION_KEYWORDS,
    RULE_ACTIONS,
    SECTIONS,
    FeedConfig,
    NewsreaderError,
    RuleConfig,
    ViewConfig,
)

APP_NAME = "newsreader"
EXAMPLE_CONFIG = Path(__file__).with_name("config.example.toml")


class ConfigError(NewsreaderError):
    """A config or subscriptions file is wrong; the message is one line for the user."""


@dataclass(slots=True)
class RefreshSettings:
    interval: int = 30  # minutes between automatic refreshes in the TUI; 0 turns it off
    on_start: bool = True
    concurrency: int = 64  # over all hosts; per_host is what bounds one server's load
    per_host: int = 2
    timeout: float = 30.0  # overall deadline per fetch, seconds
    connect_timeout: float = 10.0
    read_timeout: float = 20.0


@dataclass(slots=True)
class TrendingSettings:
    window_hours: float = 48.0
    half_life_hours: float = 12.0
    size: int = 10
    min_sources: int = 2
    read_copies: bool = True  # opening a trending story marks its copies in other feeds read


@dataclass(slots=True)
class OpinionSettings:
    keywords: list[str] = field(default_factory=lambda: list(DEFAULT_OPINION_KEYWORDS))
    size: int = 30


@dataclass(slots=True)
class StoreSettings:
    keep_days: int = 90  # unstarred articles older than this may be pruned; 0 keeps all


@dataclass(slots=True)
class UISettings:
    theme: str = "textual-dark"
    layout: str = "auto"  # auto | wide | narrow
    mark_read_on_open: bool = True
    browser: str = ""  # command for links, %u the URL ("" = the system's default browser)
    player: str = ""  # command with %u; empty: the first of mpv, vlc, xdg-open on PATH
    images: str = "auto"  # auto | off
    notify_command: str = ""  # run for each new article of a watched view (%t %u %v)


@dataclass(slots=True)
class MediaSettings:
    folder: str = ""  # empty: the platform's download folder + /newsreader
    max_mb: int = 2000  # largest enclosure download, MB
    image_max_kb: int = 5000  # largest picture fetched for an article, kB
    image_cache_mb: int = 200  # pictures kept on disk for offline reading, MB
    concurrency: int = 2  # downloads at once

    def download_folder(self) -> Path:
        if self.folder:
            return Path(self.folder).expanduser()
        import platformdirs

        return platformdirs.user_downloads_path() / APP_NAME


@dataclass(slots=True)
class SyncSettings:
    """[sync]: a feed server that owns the subscriptions and read state (newsreader.sync)."""

    provider: str  # "greader" | "fever"
    url: str
    username: str = ""
    # The secret comes from one of these (or $NEWSREADER_SYNC_PASSWORD), never config.toml.
    password_command: list[str] = field(default_factory=list)  # an argument list, no shell
    password_file: str = ""
    timeout: float = 30.0
    concurrency: int = 4


@dataclass(slots=True)
class Settings:
    feeds: list[FeedConfig] = field(default_factory=list)
    refresh: RefreshSettings = field(default_factory=RefreshSettings)
    trending: TrendingSettings = field(default_factory=TrendingSettings)
    opinion: OpinionSettings = field(default_factory=OpinionSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    ui: UISettings = field(default_factory=UISettings)
    media: MediaSettings = field(default_factory=MediaSettings)
    keys: dict[str, str] = field(default_factory=dict)
    rules: list[RuleConfig] = field(default_factory=list)
    views: list[ViewConfig] = field(default_factory=list)
    sync: SyncSettings | None = None  # None: no feed server, every feed is fetched directly
    path: Path | None = None  # the config file these came from (None: defaults)


# Expected type of each key: a Python type, a tuple of allowed strings, or "list[str]".
_SECTIONS: dict[str, tuple[type, dict[str, Any]]] = {
    "refresh": (
        RefreshSettings,
        {
            "interval": int,
            "on_start": bool,
            "concurrency": int,
            "per_host": int,
            "timeout": float,
            "connect_timeout": float,
            "read_timeout": float,
        },
    ),
    "trending": (
        TrendingSettings,
        {
            "window_hours": float,
            "half_life_hours": float,
            "size": int,
            "min_sources": int,
            "read_copies": bool,
        },
    ),
    "opinion": (OpinionSettings, {"keywords": "list[str]", "size": int}),
    "store": (StoreSettings, {"keep_days": int}),
    "ui": (
        UISettings,
        {
            "theme": str,
            "layout": ("auto", "wide", "narrow"),
            "mark_read_on_open": bool,
            "browser": str,
            "player": str,
            "images": ("auto", "off"),
            "notify_command": str,
        },
    ),
    "media": (
        MediaSettings,
        {
            "folder": str,
            "max_mb": int,
            "image_max_kb": int,
            "image_cache_mb": int,
            "concurrency": int,
        },
    ),
}
_FEED_KEYS: dict[str, Any] = {
    "url": str,
    "title": str,
    "tags": "list[str]",
    "section": SECTIONS,
    "full_text": bool,
    "refresh_minutes": int,
}
_RULE_KEYS: dict[str, Any] = {
    "match": str,
    "action": RULE_ACTIONS,
    "feeds": "list[str]",
    "tag": str,
}
_VIEW_KEYS: dict[str, Any] = {"name": str, "match": str, "notify": bool}
_POSITIVE = {
    "concurrency",
    "per_host",
    "timeout",
    "connect_timeout",
    "read_timeout",
    "size",
    "max_mb",
    "image_max_kb",
}
_SYNC_KEYS: dict[str, Any] = {
    "provider": ("greader", "fever"),
    "url": str,
    "username": str,
    "password_command": "list[str]",
    "password_file": str,
    "timeout": float,
    "concurrency": int,
}
_TOP_KEYS = ["feeds", *_SECTIONS, "keys", "rules", "views", "sync"]


def config_path(override: str | os.PathLike[str] | None = None) -> Path:
    """--config, else $NEWSREADER_CONFIG, else the platform's config folder."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("NEWSREADER_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir, else $NEWSREADER_DATA_DIR, else the platform's data folder."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("NEWSREADER_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME)


def feeds_path(config_file: Path) -> Path:
    """The subscriptions the program writes live beside config.toml."""
    return config_file.with_name("feeds.toml")


def _type_name(expected: Any) -> str:
    if isinstance(expected, tuple):
        return "one of " + ", ".join(f'"{v}"' for v in expected)
    return {
        int: "an integer",
        float: "a number",
        bool: "true or false",
        str: "a string",
        "list[str]": "a list of strings",
        dict: "a table",
    }.get(expected, str(expected))


def _value_desc(value: Any) -> str:
    kind = {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "table",
    }.get(type(value), type(value).__name__)
    text = repr(value) if not isinstance(value, dict) else "{...}"
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{kind} {text}"


class _Source:
    """The file being validated, for messages with line numbers."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.feed_headers: list[int] | None = None

    def line_of(self, dotted: str, occurrence: int = 0) -> int | None:
        """Best-effort line of a key: its assignment inside its table (the n-th [[feeds]])."""
        *tables, key = dotted.split(".")
        table = ".".join(tables)
        key_re = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        header_re = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
        current, count = "", -1
        for number, line in enumerate(self.lines, 1):
            header = header_re.match(line)
            if header:
                current = header.group(1)
                if current == table:
                    count += 1
                if not table and current.split(".")[0] == key:
                    return number  # an unknown [table] itself
                continue
            if current == table and (not table or count == occurrence) and key_re.match(line):
                return number
        return None

    def error(self, message: str, dotted: str | None = None, occurrence: int = 0) -> ConfigError:
        line = self.line_of(dotted, occurrence) if dotted else None
        where = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"{where}: {message}")


def _check(src: _Source, dotted: str, value: Any, expected: Any, occurrence: int = 0) -> Any:
    ok: bool
    if expected is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
        ok = ok and math.isfinite(value)  # TOML allows nan and inf; no setting wants them
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected == "list[str]":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif isinstance(expected, tuple):
        ok = isinstance(value, str) and value in expected
    else:
        ok = isinstance(value, expected)
    if not ok:
        raise src.error(
            f"{dotted} must be {_type_name(expected)}, got {_value_desc(value)}", dotted, occurrence
        )
    name = dotted.rsplit(".", 1)[-1]
    if name in _POSITIVE and value <= 0:
        raise src.error(f"{dotted} must be greater than 0, got {value}", dotted, occurrence)
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        raise src.error(f"{dotted} must not be negative, got {value}", dotted, occurrence)
    return value


def _unknown(src: _Source, dotted: str, known: list[str], occurrence: int = 0) -> ConfigError:
    key = dotted.rsplit(".", 1)[-1]
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f" (expected one of: {', '.join(known)})"
    return src.error(f"unknown key '{dotted}'{hint}", dotted, occurrence)


def _load_toml(path: Path) -> tuple[dict[str, Any], _Source]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    src = _Source(path, text)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(
            f"{path}: TOML syntax error: arrays or tables nested too deeply"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        reason = re.sub(r"\s*\(at .*?\)$", "", msg)
        where = f"{path}:{m.group(1)}:{m.group(2)}" if m else str(path)
        raise ConfigError(f"{where}: TOML syntax error: {reason}") from None
    return data, src


def _parse_feeds(src: _Source, items: Any, source: str) -> list[FeedConfig]:
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise src.error(
            "feeds must be written as [[feeds]] tables, got " + _value_desc(items), "feeds"
        )
    feeds: list[FeedConfig] = []
    seen: set[str] = set()
    for n, item in enumerate(items):
        for key in item:
            if key not in _FEED_KEYS:
                raise _unknown(src, f"feeds.{key}", list(_FEED_KEYS), n)
        if "url" not in item:
            line = _feed_header_line(src, n)
            where = f"{src.path}:{line}" if line else str(src.path)
            raise ConfigError(f"{where}: feed #{n + 1} has no url")
        values = {k: _check(src, f"feeds.{k}", v, _FEED_KEYS[k], n) for k, v in item.items()}
        url = values["url"].strip()
        if not url:
            raise src.error("feeds.url must not be empty", "feeds.url", n)
        if url in seen:
            raise src.error(f"feed {url} is listed twice", "feeds.url", n)
        seen.add(url)
        feeds.append(
            FeedConfig(
                url=url,
                title=values.get("title"),
                tags=[t.strip() for t in values.get("tags", []) if t.strip()],
                section=values.get("section", "news"),
                full_text=values.get("full_text", False),
                refresh_minutes=values.get("refresh_minutes"),
                source=source,
                line=_feed_header_line(src, n),
            )
        )
    return feeds


def _feed_header_line(src: _Source, occurrence: int) -> int | None:
    if src.feed_headers is None:  # computed once: a config may list hundreds of feeds
        src.feed_headers = [n for n, line in enumerate(src.lines, 1) if _FEEDS_HEADER.match(line)]
    headers = src.feed_headers
    return headers[occurrence] if occurrence < len(headers) else None


_FEEDS_HEADER = re.compile(r"^\s*\[\[\s*feeds\s*\]\]")


def _header_line(src: _Source, table: str, occurrence: int) -> int | None:
    header = re.compile(rf"^\s*\[\[\s*{table}\s*\]\]")
    lines = [n for n, line in enumerate(src.lines, 1) if header.match(line)]
    return lines[occurrence] if occurrence < len(lines) else None


def _tables(src: _Source, items: Any, table: str, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Validated `[[table]]` entries: known keys, right types, every required key present."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise src.error(
            f"{table} must be written as [[{table}]] tables, got " + _value_desc(items), table
        )
    out = []
    for n, item in enumerate(items):
        for key in item:
            if key not in schema:
                raise _unknown(src, f"{table}.{key}", list(schema), n)
        for key in ("name", "match", "action"):
            if key in schema and key not in item:
                line = _header_line(src, table, n)
                where = f"{src.path}:{line}" if line else str(src.path)
                raise ConfigError(f"{where}: {table} #{n + 1} has no {key}")
        out.append({k: _check(src, f"{table}.{k}", v, schema[k], n) for k, v in item.items()})
    return out


def _check_match(src: _Source, table: str, n: int, match: str) -> None:
    from newsreader.query import QueryError, check_query

    try:
        check_query(match)
    except QueryError as exc:
        raise src.error(f"{table} #{n + 1} match: {exc}", f"{table}.match", n) from None


def _parse_rules(src: _Source, items: Any) -> list[RuleConfig]:
    rules = []
    for n, values in enumerate(_tables(src, items, "rules", _RULE_KEYS)):
        _check_match(src, "rules", n, values["match"])
        if values["action"] == "tag" and not values.get("tag", "").strip():
            raise src.error(f'rules #{n + 1} has action = "tag" but no tag', "rules.action", n)
        rules.append(
            RuleConfig(
                match=values["match"],
                action=values["action"],
                feeds=[u.strip() for u in values.get("feeds", []) if u.strip()],
                tag=(values.get("tag") or "").strip() or None,
                line=_header_line(src, "rules", n),
            )
        )
    return rules


def _parse_views(src: _Source, items: Any, source: str) -> list[ViewConfig]:
    views: list[ViewConfig] = []
    seen: set[str] = set()
    for n, values in enumerate(_tables(src, items, "views", _VIEW_KEYS)):
        name = values["name"].strip()
        if not name:
            raise src.error("views.name must not be empty", "views.name", n)
        if name.casefold() in seen:
            raise src.error(f'view "{name}" is defined twice', "views.name", n)
        seen.add(name.casefold())
        _check_match(src, "views", n, values["match"])
        views.append(
            ViewConfig(
                name=name,
                match=values["match"],
                notify=values.get("notify", False),
                source=source,
                line=_header_line(src, "views", n),
            )
        )
    return views


def load_settings(path: Path, *, required: bool = False) -> Settings:
    """Read and validate config.toml. A missing file gives defaults unless `required`."""
    if not path.exists():
        if required:
            raise ConfigError(f"{path}: no such config file")
        return Settings(path=None)
    data, src = _load_toml(path)
    settings = Settings(path=path)
    for key, value in data.items():
        if key == "feeds":
            settings.feeds = _parse_feeds(src, value, "config")
        elif key == "rules":
            settings.rules = _parse_rules(src, value)
        elif key == "views":
            settings.views = _parse_views(src, value, "config")
        elif key == "keys":
            if not isinstance(value, dict):
                raise src.error(f"keys must be a table, got {_value_desc(value)}", "keys")
            value = dict(value)
            preset = _check(src, "keys.preset", value.pop("preset", ""), str)
            if preset and preset not in PRESETS:
                known = ", ".join(sorted(PRESETS))
                raise src.error(f"keys.preset must be one of: {known}", "keys.preset")
            for binding, keyspec in value.items():
                if binding not in KEY_IDS:
                    raise _unknown(src, f"keys.{binding}", sorted(KEY_IDS))
                _check(src, f"keys.{binding}", keyspec, str)
                if not keyspec.strip():
                    raise src.error(f"keys.{binding} must name a key", f"keys.{binding}")
            settings.keys = {**PRESETS.get(preset, {}), **value}
            if problem := keymap_problem(settings.keys):
                binding, message = problem
                raise src.error(message, f"keys.{binding}" if binding in value else "keys.preset")
        elif key == "sync":
            settings.sync = _parse_sync(src, value)
        elif key in _SECTIONS:
            cls, schema = _SECTIONS[key]
            if not isinstance(value, dict):
                raise src.error(f"[{key}] must be a table, got {_value_desc(value)}", key)
            for sub in value:
                if sub not in schema:
                    raise _unknown(src, f"{key}.{sub}", list(schema))
            checked = {s: _check(src, f"{key}.{s}", v, schema[s]) for s, v in value.items()}
            if key == "ui" and "player" in checked:
                _check_player(src, checked["player"])
            if key == "ui" and "theme" in checked:
                _check_theme(src, checked["theme"])
            setattr(settings, key, cls(**checked))
        else:
            raise _unknown(src, key, _TOP_KEYS)
    return settings


# Textual's built-in themes (the core cannot import Textual to ask it); a test in
# tests/unit/test_config.py checks each one is still there.
THEMES = (
    "ansi-dark", "ansi-light", "atom-one-dark", "atom-one-light", "catppuccin-frappe",
    "catppuccin-latte", "catppuccin-macchiato", "catppuccin-mocha", "dracula", "flexoki",
    "gruvbox", "monokai", "nord", "rose-pine", "rose-pine-dawn", "rose-pine-moon",
    "solarized-dark", "solarized-light", "textual-dark", "textual-light", "tokyo-night",
)  # fmt: skip


def _check_theme(src: _Source, theme: str) -> None:
    if theme in THEMES:
        return
    close = difflib.get_close_matches(theme, THEMES, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(THEMES)
    raise src.error(f"unknown theme {theme!r} in ui.theme; {hint}", "ui.theme")


def _check_player(src: _Source, command: str) -> None:
    """ui.player is split like a shell would (never run by one): it must split cleanly."""
    import shlex

    try:
        shlex.split(command)
    except ValueError as exc:
        raise src.error(f"ui.player cannot be split into arguments: {exc}", "ui.player") from None


def _parse_sync(src: _Source, value: Any) -> SyncSettings:
    if not isinstance(value, dict):
        raise src.error(f"[sync] must be a table, got {_value_desc(value)}", "sync")
    for sub in value:
        if sub == "password":
            raise src.error(
                "sync.password is not read from config.toml: use sync.password_command, "
                "sync.password_file or $NEWSREADER_SYNC_PASSWORD",
                "sync.password",
            )
        if sub not in _SYNC_KEYS:
            raise _unknown(src, f"sync.{sub}", list(_SYNC_KEYS))
    for required in ("provider", "url"):
        if required not in value:
            raise src.error(f"[sync] needs {required} (see config.example.toml)", "sync")
    command = value.get("password_command")
    if command is not None and not (
        isinstance(command, list) and all(isinstance(c, str) for c in command)
    ):
        # Not quoted back: a shell line written here may hold the secret itself.
        raise src.error(
            "sync.password_command must be a list of strings (an argument list such as "
            '["pass", "show", "feeds"]; no shell)',
            "sync.password_command",
        )
    checked = {k: _check(src, f"sync.{k}", v, _SYNC_KEYS[k]) for k, v in value.items()}
    url = checked["url"].strip()
    if not url.lower().startswith(("https://", "http://")):
        raise src.error(f"sync.url must be an http(s) URL, got {url!r}", "sync.url")
    if "password_command" in checked and not checked["password_command"]:
        raise src.error("sync.password_command must not be empty", "sync.password_command")
    return SyncSettings(**{**checked, "url": url})


def load_subscriptions(path: Path) -> list[FeedConfig]:
    """feeds.toml, the subscriptions added from the program."""
    return _load_feeds_file(path)[0]


def load_saved_views(path: Path) -> list[ViewConfig]:
    """The views saved from the program (`S`), kept in feeds.toml."""
    return _load_feeds_file(path)[1]


def _load_feeds_file(path: Path) -> tuple[list[FeedConfig], list[ViewConfig]]:
    if not path.exists():
        return [], []
    data, src = _load_toml(path)
    for key in data:
        if key not in ("feeds", "views"):
            raise _unknown(src, key, ["feeds", "views"])
    feeds = _parse_feeds(src, data.get("feeds", []), "feeds")
    return feeds, _parse_views(src, data.get("views", []), "feeds")


def all_feeds(settings: Settings, subscriptions: list[FeedConfig]) -> list[FeedConfig]:
    """The union of config.toml's feeds and feeds.toml's; config.toml wins on a clash."""
    urls = {f.url for f in settings.feeds}
    return settings.feeds + [f for f in subscriptions if f.url not in urls]


def save_subscriptions(
    path: Path, feeds: list[FeedConfig], views: list[ViewConfig] | None = None
) -> None:
    """Write feeds.toml atomically (temp file + rename) so a crash never leaves half a file.
    `views=None` keeps the saved views the file already holds."""
    import tomli_w

    if views is None:
        views = load_saved_views(path)

    entries = []
    for f in feeds:
        entry: dict[str, Any] = {"url": f.url}
        if f.title:
            entry["title"] = f.title
        if f.tags:
            entry["tags"] = list(f.tags)
        if f.section != "news":
            entry["section"] = f.section
        if f.full_text:
            entry["full_text"] = True
        if f.refresh_minutes is not None:
            entry["refresh_minutes"] = f.refresh_minutes
        entries.append(entry)
    doc: dict[str, Any] = {"feeds": entries}
    if views:
        doc["views"] = [
            {"name": v.name, "match": v.match} | ({"notify": True} if v.notify else {})
            for v in views
        ]
    body = tomli_w.dumps(doc).encode("utf-8")
    header = b"# Subscriptions added by newsreader (add, import, the TUI). Safe to edit.\n\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(header + body)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_first_config(path: Path) -> bool:
    """On a true first run, copy the commented example config into place. True if written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(EXAMPLE_CONFIG.read_bytes())
    return True
