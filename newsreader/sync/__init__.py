"""Two-way sync with a feed server (Google Reader API or Fever): see engine.py.

With [sync] configured the server owns the subscriptions and the read state; `refresh`
(CLI and the TUI's r) syncs, and fetches only local-only feeds directly.
"""

from newsreader.sync.engine import SyncReport, run_sync
from newsreader.sync.http import SyncError

__all__ = ["SyncError", "SyncReport", "run_sync"]
