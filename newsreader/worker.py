"""The functions refresh runs in its parse workers, and the workers' loop (`serve`, driven by
newsreader.pool), in a module that imports only what they need: each worker then costs
~16 MB instead of ~28 MB with the whole refresh module (config, store, runtime) behind it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from newsreader.prepared import PreparedFeed, prepare_feed


def parse_for_store(
    data: bytes, url: str, headers: Mapping[str, str], fetched_at: datetime
) -> PreparedFeed:
    """Parse a feed and make its stored values (search text, deflated bodies, keys): the
    CPU-heavy part of storing it, done here so the store's writer only inserts."""
    from newsreader.parse import parse_feed

    return prepare_feed(parse_feed(data, url, headers, fetched_at))


def extract_page(body: bytes, url: str) -> str | None:
    """The readable part of an article's web page, as HTML (None if there is none)."""
    from newsreader.fulltext import extract

    return extract(body, url)


_JOBS: dict[str, Callable[..., Any]] = {
    "parse_for_store": parse_for_store,
    "extract_page": extract_page,
}


def serve() -> None:
    """A parse worker's loop (see newsreader.pool): a length-prefixed pickled job, (function
    name, arguments), in on stdin; a length-prefixed pickled (ok, result or exception) out
    on stdout, one answer per job, in order; ends at end of input."""
    import os
    import pickle

    # Answers go on a private copy of stdout; anything printed goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    while True:
        head = inp.read(4)
        if len(head) < 4:
            return
        blob = inp.read(int.from_bytes(head, "little"))
        answer: tuple[bool, Any]
        try:
            name, args = pickle.loads(blob)
            answer = (True, _JOBS[name](*args))
        except Exception as exc:
            answer = (False, exc)
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
            if not answer[0]:
                pickle.loads(data)  # an exception that cannot be rebuilt must not kill the pool
        except Exception:
            problem = answer[1] if not answer[0] else None
            text = f"{type(problem).__name__}: {problem}" if problem else "unpicklable result"
            data = pickle.dumps((False, RuntimeError(text)))
        out.write(len(data).to_bytes(4, "little") + data)
        out.flush()
