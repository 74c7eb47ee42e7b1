"""The architecture's arrows, checked two ways. import-linter reads the static import graph
(contracts in pyproject.toml) and so sees every import, including ones inside functions; the
subprocess tests run the real thing and look at sys.modules, which proves that a deferred
import (cli.py launching the TUI) stays deferred. mypy runs from .ci/run, after the tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import newsreader
from tests.conftest import cli_env

REPO = Path(__file__).parents[2]
PACKAGE = Path(newsreader.__file__).parent

# Printed by the subprocess after each step: which Textual or TUI modules are loaded.
_LOADED = (
    "def loaded():\n"
    "    return sorted(m for m in sys.modules\n"
    "                  if m.split('.')[0] == 'textual' or m.startswith('newsreader.tui'))\n"
)


def core_modules() -> list[str]:
    """Every module of the package outside newsreader/tui/, found from the files (importing
    packages to walk them would load the TUI in this process's view of things)."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[1:2] == ("tui",) or parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def run_python(code: str, env: dict[str, str] | None = None) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.splitlines()


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    report = proc.stdout.partition("Broken contracts")[2] or proc.stdout  # not the banner
    assert proc.returncode == 0, report[-4000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_the_core_modules_are_found() -> None:
    modules = core_modules()
    assert {"newsreader", "newsreader.cli", "newsreader.store", "newsreader.config"} <= set(modules)
    assert not [m for m in modules if m.startswith("newsreader.tui")]


def test_importing_any_core_module_loads_no_textual() -> None:
    """Each module imported in turn in one fresh interpreter; the first whose import brings in
    Textual (or the TUI package) is the one named."""
    code = (
        "import importlib, json, sys\n" + _LOADED + f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "    print(json.dumps([name, loaded()]))\n"
    )
    lines = run_python(code)
    assert len(lines) == len(core_modules())
    leaks = [(name, mods[:3]) for name, mods in map(json.loads, lines) if mods]
    assert leaks[:1] == [], f"importing {leaks[0][0]} loads {leaks[0][1]}"


def test_headless_commands_never_import_textual(home: Path) -> None:
    """The CLI module imports the TUI only inside the function that launches it, so the
    headless commands, run for real against an empty store, never load it."""
    code = (
        "import contextlib, io, json, sys\n" + _LOADED + "from newsreader.cli import main\n"
        "for argv in (['feeds', '--json'], ['list', '--json'], ['trending', '--json'],\n"
        "             ['opinion'], ['export'], ['refresh']):\n"
        "    with contextlib.redirect_stdout(io.TextIOWrapper(io.BytesIO())):\n"
        "        code = main(argv)\n"
        "    print(json.dumps([argv, code, loaded()]))\n"
    )
    results = [json.loads(line) for line in run_python(code, env=cli_env(home))]
    assert [argv[0] for argv, _, _ in results] == [
        "feeds",
        "list",
        "trending",
        "opinion",
        "export",
        "refresh",
    ]
    assert [(argv[0], code) for argv, code, _ in results if code != 0] == []
    assert [(argv[0], mods[:3]) for argv, _, mods in results if mods] == []
