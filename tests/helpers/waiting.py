"""Waiting on a condition, never on the clock: the limit is generous because it is only reached
when something is wrong; a condition that holds returns at once."""

from __future__ import annotations

import time
from collections.abc import Callable

LIMIT = 30.0  # seconds; only a failing test waits this long


def wait_until(
    condition: Callable[[], object], what: str = "condition", limit: float = LIMIT, interval: float = 0.005
) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` if it has not after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not met within {limit:g} s")
        time.sleep(interval)
