"""The TUI: the only package that imports Textual.

`app.py` the App (runtime, store, theme, keymap, workers), `workers.py` its media, story,
digest, watched-view and rules work; `host.py` the narrow surface the
screens use instead of the store and the runtime, and the workers' result messages;
`screens/main.py` the main screen's behaviour, the other `screens/` its dialogs;
`widgets/` the panes (one `CursorList` base for every list), which get plain `model` rows
and post messages up; `bindings.py` builds each widget's keys from `newsreader.keys`;
`palette.py` the command palette provider; `app.tcss` the stylesheet.
"""
