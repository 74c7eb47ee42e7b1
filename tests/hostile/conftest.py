"""The hostile suite's loopback server: `server` for one test, `module_server` for a module
whose tests share one refreshed store. Both are helpers.LoopbackServer (threaded, per-path
routes and delays, on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hostile.helpers import LoopbackServer


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def module_server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv
