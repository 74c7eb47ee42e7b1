"""The main screen (`main.py`) and the modal screens, one a module (as Frogmouth's). Import
each from its module: the dialogs load only when first opened."""
