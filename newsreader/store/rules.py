"""`[[rules]]` applied in SQL: when articles are stored, and again over the whole store when
the rules change.

hide, highlight and tag are states the rules own: a full pass recomputes them from the
current rules, so an article comes back when its rule goes. read and star are the user's
own state: a rule sets them once (on new articles, and over the store when the rule itself
is new) and never takes them back.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsreader.model import RuleConfig
from newsreader.query import compile_query
from newsreader.store.queries import one

_META_KEY = "rules"


@dataclass(frozen=True, slots=True)
class _Compiled:
    action: str
    sql: str
    params: tuple[Any, ...]
    tag: str | None
    signature: str


def signature(rule: RuleConfig) -> str:
    text = "\x1f".join([rule.action, rule.match, rule.tag or "", *sorted(rule.feeds)])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _compile(rules: Sequence[RuleConfig], now: float) -> list[_Compiled]:
    out = []
    for rule in rules:
        q = compile_query(rule.match, now)
        sql, params = q.sql, q.params
        if rule.feeds:
            marks = ",".join("?" * len(rule.feeds))
            sql = f"(a.feed_id IN (SELECT id FROM feeds WHERE url IN ({marks})) AND {sql})"
            params = (*rule.feeds, *params)
        out.append(_Compiled(rule.action, sql, params, rule.tag, signature(rule)))
    return out


def _any(rules: list[_Compiled], action: str) -> tuple[str, list[Any]]:
    """One condition true when any rule of this action matches (or '0' when none)."""
    chosen = [r for r in rules if r.action == action]
    if not chosen:
        return "0", []
    return "(" + " OR ".join(r.sql for r in chosen) + ")", [p for r in chosen for p in r.params]


def _tags(rules: list[_Compiled]) -> tuple[str, list[Any]]:
    """An expression for the JSON list of tags the tag rules give a row (NULL for none)."""
    chosen = [r for r in rules if r.action == "tag"]
    if not chosen:
        return "NULL", []
    parts = " UNION ALL ".join(f"SELECT ? AS t WHERE {r.sql}" for r in chosen)
    params: list[Any] = []
    for r in chosen:
        params.extend([r.tag, *r.params])
    return f"NULLIF((SELECT json_group_array(t) FROM (SELECT DISTINCT t FROM ({parts}))), '[]')", (
        params
    )


def _owned_states(db: sqlite3.Connection, rules: list[_Compiled], scope: str, sp: list[Any]) -> int:
    """Recompute hidden, highlight and rule_tags for the rows in scope; rows changed."""
    changed = 0
    for column, action in (("hidden", "hide"), ("highlight", "highlight")):
        cond, params = _any(rules, action)
        changed += db.execute(
            f"UPDATE articles AS a SET {column} = COALESCE({cond}, 0) "
            f"WHERE {scope} AND {column} IS NOT COALESCE({cond}, 0)",
            [*params, *sp, *params],
        ).rowcount
    expr, params = _tags(rules)
    changed += db.execute(
        f"UPDATE articles AS a SET rule_tags = {expr} WHERE {scope} AND rule_tags IS NOT {expr}",
        [*params, *sp, *params],
    ).rowcount
    return changed


def _user_states(db: sqlite3.Connection, rules: list[_Compiled], scope: str, sp: list[Any]) -> int:
    changed = 0
    for rule in rules:
        if rule.action == "read":
            set_sql, unset = "read = 1", "read = 0"
        elif rule.action == "star":
            set_sql, unset = "starred = 1", "starred = 0"
        else:
            continue
        changed += db.execute(
            f"UPDATE articles AS a SET {set_sql} WHERE {scope} AND {unset} AND {rule.sql}",
            [*sp, *rule.params],
        ).rowcount
    return changed


def apply_to_new(
    db: sqlite3.Connection, rules: Sequence[RuleConfig], feed_id: int, after_id: int, now: float
) -> int:
    """Inside the caller's write transaction: the rules on one feed's articles stored just
    now (ids above `after_id`). Returns the rows they changed."""
    if not rules:
        return 0
    compiled = _compile(rules, now)
    scope, sp = "a.feed_id = ? AND a.id > ?", [feed_id, after_id]
    return _owned_states(db, compiled, scope, sp) + _user_states(db, compiled, scope, sp)


def apply_to_updated(
    db: sqlite3.Connection, rules: Sequence[RuleConfig], ids: Sequence[int], now: float
) -> int:
    """Inside the caller's write transaction: hide, highlight and tags recomputed for
    articles a feed changed (read and star acted once, when they were new)."""
    if not rules:
        return 0
    compiled = _compile(rules, now)
    changed = 0
    for k in range(0, len(ids), 500):  # SQLite's bound-variable limit
        chunk = list(ids[k : k + 500])
        scope = "a.id IN (" + ",".join("?" * len(chunk)) + ")"
        changed += _owned_states(db, compiled, scope, chunk)
    return changed


def needs_pass(db: sqlite3.Connection, rules: Sequence[RuleConfig]) -> bool:
    """Whether the stored articles were last ruled by other rules than these."""
    return _stored(db) != sorted(signature(r) for r in rules)


def apply_all(db: sqlite3.Connection, rules: Sequence[RuleConfig], now: float) -> int:
    """Inside the caller's write transaction: bring every stored article in line with the
    rules (owned states recomputed; read/star from rules that are new since the last pass).
    Returns the rows changed."""
    before = set(_stored(db))
    compiled = _compile(rules, now)
    changed = _owned_states(db, compiled, "1", [])
    changed += _user_states(db, [r for r in compiled if r.signature not in before], "1", [])
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (_META_KEY, json.dumps(sorted(r.signature for r in compiled))),
    )
    return changed


def _stored(db: sqlite3.Connection) -> list[str]:
    found = one(db, "SELECT value FROM meta WHERE key = ?", (_META_KEY,))
    if found is None:
        return []
    try:
        value = json.loads(found[0])
    except ValueError:
        return []
    return sorted(str(v) for v in value) if isinstance(value, list) else []
