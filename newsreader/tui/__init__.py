"""The TUI: the only package that imports Textual.

`app.py` holds the App (store, runtime, themes, keymap, workers); `screens/` the main screen
and the dialogs; `widgets/` the panes, which receive plain `model` rows and post messages up;
`palette.py` the command palette provider; `app.tcss` the stylesheet.
"""
