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
from newsreader.model import DEFAULT_OPINION_KEYWORDS, SECTIONS, FeedConfig, NewsreaderError

APP_NAME = "newsreader"
EXAMPLE_CONFIG = Path(__file__).with_name("config.example.toml")


class ConfigError(NewsreaderError):
    """A config or subscriptions file is wrong; the message is one line for the user."""


@dataclass(slots=True)
class RefreshSettings:
    interval: int = 30  # minutes between automatic refreshes in the TUI; 0 turns it off
    on_start: bool = True
    concurrency: int = 32
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


@dataclass(slots=True)
class Settings:
    feeds: list[FeedConfig] = field(default_factory=list)
    refresh: RefreshSettings = field(default_factory=RefreshSettings)
    trending: TrendingSettings = field(default_factory=TrendingSettings)
    opinion: OpinionSettings = field(default_factory=OpinionSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    ui: UISettings = field(default_factory=UISettings)
    keys: dict[str, str] = field(default_factory=dict)
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
_POSITIVE = {"concurrency", "per_host", "timeout", "connect_timeout", "read_timeout", "size"}
_TOP_KEYS = ["feeds", *_SECTIONS, "keys"]


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
        elif key in _SECTIONS:
            cls, schema = _SECTIONS[key]
            if not isinstance(value, dict):
                raise src.error(f"[{key}] must be a table, got {_value_desc(value)}", key)
            for sub in value:
                if sub not in schema:
                    raise _unknown(src, f"{key}.{sub}", list(schema))
            checked = {s: _check(src, f"{key}.{s}", v, schema[s]) for s, v in value.items()}
            setattr(settings, key, cls(**checked))
        else:
            raise _unknown(src, key, _TOP_KEYS)
    return settings


def load_subscriptions(path: Path) -> list[FeedConfig]:
    """feeds.toml, the subscriptions added from the program."""
    if not path.exists():
        return []
    data, src = _load_toml(path)
    for key in data:
        if key != "feeds":
            raise _unknown(src, key, ["feeds"])
    return _parse_feeds(src, data.get("feeds", []), "feeds")


def all_feeds(settings: Settings, subscriptions: list[FeedConfig]) -> list[FeedConfig]:
    """The union of config.toml's feeds and feeds.toml's; config.toml wins on a clash."""
    urls = {f.url for f in settings.feeds}
    return settings.feeds + [f for f in subscriptions if f.url not in urls]


def save_subscriptions(path: Path, feeds: list[FeedConfig]) -> None:
    """Write feeds.toml atomically (temp file + rename) so a crash never leaves half a file."""
    import tomli_w

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
    body = tomli_w.dumps({"feeds": entries}).encode("utf-8")
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
