"""Textual bindings built from the key table in `newsreader.keys` (ids kept, so config's
`[keys]` rebinds them through App.set_keymap)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from newsreader.keys import KEYS, Target


def bindings_for(target: Target, *, without: tuple[str, ...] = ()) -> list[BindingType]:
    """The bindings of every key whose `target` is this widget kind (less some ids)."""
    return [
        Binding(k.keys, k.action, k.description, show=k.show, id=k.id)
        for k in KEYS
        if k.target == target and k.id not in without
    ]
