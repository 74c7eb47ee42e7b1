"""Small modal screens, one a module (as Frogmouth's dialogs)."""

from newsreader.screens.add_feed import AddFeedScreen
from newsreader.screens.confirm import ConfirmScreen
from newsreader.screens.feeds import FeedsScreen
from newsreader.screens.help import HelpScreen
from newsreader.screens.input_dialog import InputScreen

__all__ = ["AddFeedScreen", "ConfirmScreen", "FeedsScreen", "HelpScreen", "InputScreen"]
