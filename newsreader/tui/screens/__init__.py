"""Small modal screens, one a module (as Frogmouth's dialogs)."""

from newsreader.tui.screens.add_feed import AddFeedScreen
from newsreader.tui.screens.confirm import ConfirmScreen
from newsreader.tui.screens.feeds import FeedsScreen
from newsreader.tui.screens.help import HelpScreen
from newsreader.tui.screens.input_dialog import InputScreen

__all__ = ["AddFeedScreen", "ConfirmScreen", "FeedsScreen", "HelpScreen", "InputScreen"]
