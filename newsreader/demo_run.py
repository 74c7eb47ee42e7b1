"""`newsreader --demo`: the reader on the bundled sample feeds, offline, in a throwaway folder.

The demo gets its own config and data folder under a temporary directory, so it never reads
or writes the user's config, subscriptions or store.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from newsreader.runtime import Runtime


def prepare_demo(root: Path, now: datetime | None = None) -> Runtime:
    """Write the demo feeds, a config subscribing to them, and a store filled from them."""
    import tomli_w

    from newsreader.demo import materialise
    from newsreader.refresh import refresh

    now = now or datetime.now(UTC)
    written = materialise(root / "feeds", now)
    config = {
        "feeds": [
            {
                "url": path.resolve().as_uri(),
                "title": feed.title,
                "tags": list(feed.tags),
                "section": feed.section,
            }
            for path, feed in written
        ],
        # Local files only: nothing to poll on a timer, and `r` still re-reads them.
        "refresh": {"on_start": False, "interval": 0},
    }
    config_path = root / "config.toml"
    config_path.write_text(
        "# The --demo configuration (temporary; deleted when the demo ends).\n"
        + tomli_w.dumps(config)
    )
    rt = Runtime.load(config_path, root / "data")
    with rt.open_store() as store:
        asyncio.run(refresh(rt, store, force=True))
    return rt
