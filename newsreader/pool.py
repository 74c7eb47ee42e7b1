"""The refresh's parse workers: plain child processes (`newsreader.worker`) fed over pipes.

Not multiprocessing: its spawn context adds a resource-tracker process (13 MB) and two
threads in the parent (one unpickling every result under the parent's GIL, the one the
fetching and the store writer already share). Here each worker reads length-prefixed
pickled jobs on stdin and answers each, in order, on stdout; the event loop reads the
answers itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import newsreader

# The child finds this very newsreader wherever it was imported from, and nothing from the
# current directory (-P): a stray json.py there must not shadow the standard library.
_BOOT = (
    "import sys\n"
    "sys.path.append(sys.argv[1]) if sys.argv[1] not in sys.path else None\n"
    "from newsreader.worker import serve\n"
    "serve()\n"
)
_ROOT = str(Path(newsreader.__file__).resolve().parent.parent)
_HEADER = 4  # bytes of frame length, little-endian


class PoolBroken(RuntimeError):
    """A worker died or could not start: the caller runs the job itself."""


class _Child:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.pending: deque[asyncio.Future[Any]] = deque()
        self.reader: asyncio.Task[None] | None = None

    async def read_answers(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                head = await out.readexactly(_HEADER)
                blob = await out.readexactly(int.from_bytes(head, "little"))
                ok, value = pickle.loads(blob)
                if not self.pending:
                    break  # an answer nobody asked for: stop trusting this worker
                fut = self.pending.popleft()
                if fut.done():
                    continue
                if ok:
                    fut.set_result(value)
                else:
                    fut.set_exception(value)
        except (asyncio.IncompleteReadError, OSError, pickle.UnpicklingError, ValueError):
            pass
        except Exception:  # an answer that cannot be unpickled: same as a dead worker
            pass
        self.fail_pending()

    def fail_pending(self) -> None:
        while self.pending:
            fut = self.pending.popleft()
            if not fut.done():
                fut.set_exception(PoolBroken("parse worker stopped"))


class ParsePool:
    """`size` worker processes, started at the first job. A job goes to the worker with the
    fewest jobs waiting; `run` raises PoolBroken when no worker can do it."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._children: list[_Child] = []
        self._start_task: asyncio.Task[None] | None = None
        self._broken = False

    async def _start(self) -> None:
        for _ in range(self.size):
            try:
                proc = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-P",
                    "-c",
                    _BOOT,
                    _ROOT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    # Inside Textual (and the TUI's refresh child) stderr may be no file.
                    stderr=subprocess.DEVNULL,
                )
            except (OSError, ValueError, RuntimeError, NotImplementedError):
                break
            child = _Child(proc)
            child.reader = asyncio.create_task(child.read_answers())
            self._children.append(child)
        if not self._children:
            self._broken = True

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._start_task is None:  # the first job starts the workers; the rest wait
            self._start_task = asyncio.create_task(self._start())
        await asyncio.shield(self._start_task)
        live = [c for c in self._children if c.reader is not None and not c.reader.done()]
        if self._broken or not live:
            raise PoolBroken("no parse worker")
        child = min(live, key=lambda c: len(c.pending))
        stdin = child.proc.stdin
        assert stdin is not None
        blob = pickle.dumps((fn.__name__, args), protocol=pickle.HIGHEST_PROTOCOL)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        child.pending.append(fut)
        try:
            stdin.write(len(blob).to_bytes(_HEADER, "little") + blob)
            await stdin.drain()
        except (OSError, RuntimeError) as exc:
            child.fail_pending()
            raise PoolBroken("parse worker stopped") from exc
        return await fut

    async def aclose(self) -> None:
        """Ask every worker to end (end of input) and wait for it, briefly."""
        if self._start_task is not None:
            with contextlib.suppress(Exception):
                await self._start_task
        self._broken = True
        children, self._children = self._children, []
        for child in children:
            if child.proc.stdin is not None:
                child.proc.stdin.close()
        for child in children:
            try:
                await asyncio.wait_for(child.proc.wait(), 2.0)
            except (TimeoutError, ProcessLookupError):
                with contextlib.suppress(ProcessLookupError):
                    child.proc.kill()
                with contextlib.suppress(Exception):
                    await child.proc.wait()
            if child.reader is not None:
                child.reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await child.reader
            child.fail_pending()


def default_size() -> int:
    """Two workers on two cores or more: with store preparation in the workers, parsing is
    the refresh's largest CPU share, and one worker left a core idle (bench/refresh.py)."""
    return 2 if (os.cpu_count() or 1) > 1 else 1
