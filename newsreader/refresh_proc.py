"""The TUI's refresh, run in a child process so fetching, parsing and storing never share the
UI's interpreter (its GIL): the child streams one JSON line per finished feed and one with the
report, and the TUI turns those into status-bar updates.

    NEWSREADER_CONFIG=PATH NEWSREADER_DATA_DIR=DIR python -m newsreader.refresh_proc

The request is JSON on stdin, {"force": bool, "urls": [...] | null}, so no feed URL ever goes
through an argument list or a shell. Everything the child prints on stdout is one of:
    {"done": int, "total": int, "errors": int, "new": bool}        a feed finished
    {"new": int, "offline": str | null, "errors": [[title, error], ...]}   the refresh ended
    {"failed": str}                                                 the refresh could not run
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from newsreader.model import NewsreaderError
from newsreader.sanitize import clean_line

if TYPE_CHECKING:
    from newsreader.runtime import Runtime


@dataclass(slots=True)
class ChildReport:
    """What the TUI needs from a finished refresh."""

    new: int = 0
    offline: str | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (feed title, error)


ProgressFn = Callable[[int, int, int, bool], None]  # done, total, errors, brought new stories


class RefreshProcess:
    """One refresh in a child process, driven from a (non-UI) thread: `run()` blocks until the
    child ends, calling `progress` per finished feed; `stop()` ends it early from any thread."""

    def __init__(self, rt: Runtime, *, force: bool = False, urls: list[str] | None = None):
        self.argv = [sys.executable, "-m", "newsreader.refresh_proc"]
        # The paths go as the CLI's own variables: a config file that does not exist yet
        # means defaults here too, as it does in the app.
        self.env = dict(
            os.environ, NEWSREADER_CONFIG=str(rt.config_path), NEWSREADER_DATA_DIR=str(rt.data_dir)
        )
        self.request = json.dumps({"force": force, "urls": urls})
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._stopped = False

    def run(self, progress: ProgressFn | None = None) -> ChildReport:
        """The child's report; NewsreaderError (one line) if it failed or died."""
        # stderr to a file, not a pipe: a chatty child can never block on a full pipe, and
        # its last line is the reason when it dies.
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err:
            with self._lock:
                if self._stopped:
                    raise NewsreaderError("refresh stopped")
                try:
                    proc = self._proc = subprocess.Popen(
                        self.argv,
                        env=self.env,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=err,
                        text=True,
                        encoding="utf-8",
                        errors="replace",
                        bufsize=1,
                    )
                except OSError as exc:
                    raise NewsreaderError(f"cannot start the refresh: {exc.strerror}") from None
            assert proc.stdin is not None and proc.stdout is not None
            try:
                proc.stdin.write(self.request)
                proc.stdin.close()
            except OSError:
                pass  # it died at once: the exit code and stderr say why
            final: dict[str, Any] | None = None
            for line in proc.stdout:
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(msg, dict):
                    continue
                if "done" in msg:
                    if progress is not None:
                        progress(
                            int(msg["done"]),
                            int(msg["total"]),
                            int(msg["errors"]),
                            bool(msg["new"]),
                        )
                else:
                    final = msg
            code = proc.wait()
            if final is not None and "failed" in final:
                raise NewsreaderError(clean_line(str(final["failed"]), 300))
            if final is None or code != 0:
                if self._stopped:
                    raise NewsreaderError("refresh stopped")
                raise NewsreaderError(_died(code, err))
        return ChildReport(
            new=int(final.get("new", 0)),
            offline=final.get("offline"),
            errors=[(str(t), str(e)) for t, e in final.get("errors", [])],
        )

    def stop(self) -> None:
        """End the child (the app is quitting); its parse workers see their pipe close."""
        with self._lock:
            self._stopped = True
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()


def _died(code: int, err: IO[str]) -> str:
    err.seek(0)
    lines = [ln for ln in err.read().splitlines() if ln.strip()]
    why = f"exit code {code}" if code >= 0 else f"killed by signal {-code}"
    last = f": {clean_line(lines[-1], 200)}" if lines else ""
    return f"the refresh process died ({why}){last}"


# -- the child -------------------------------------------------------------------------------


def _emit(out: IO[str], msg: dict[str, Any]) -> None:
    out.write(json.dumps(msg, separators=(",", ":")) + "\n")
    out.flush()


def main(argv: list[str] | None = None) -> int:
    import asyncio

    argparse.ArgumentParser(prog="newsreader.refresh_proc", description=__doc__).parse_args(argv)
    # Our protocol owns the real stdout; anything else printed goes to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout = sys.stderr
    try:
        request = json.loads(sys.stdin.read() or "{}")
        force = bool(request.get("force"))
        urls = request.get("urls")
        if urls is not None:
            urls = [str(u) for u in urls]

        from newsreader.refresh import Progress, refresh
        from newsreader.runtime import Runtime

        rt = Runtime.load()

        def progress(p: Progress) -> None:
            new = p.feed is not None and bool(p.feed.new)
            _emit(out, {"done": p.done, "total": p.total, "errors": p.errors, "new": new})

        store = rt.open_store()
        try:
            report = asyncio.run(refresh(rt, store, force=force, urls=urls, progress=progress))
        finally:
            store.close()
    except NewsreaderError as exc:
        _emit(out, {"failed": str(exc)})
        return 1
    except Exception as exc:  # one line for the status bar; the TUI keeps working
        _emit(out, {"failed": f"{type(exc).__name__}: {exc}"})
        return 1
    errors = [[f.title, f.error or ""] for f in report.errors]
    _emit(out, {"new": report.new, "offline": report.offline, "errors": errors})
    return 0


if __name__ == "__main__":
    sys.exit(main())
