"""What the Pilot tests share: the terminal size, reading what is drawn, and waiting for workers."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from readlist.tui.app import ReadlistApp
from tests.helpers.waiting import LIMIT

SIZE = (120, 36)


def row_text(app: ReadlistApp, y: int) -> str:
    return "".join(segment.text for segment in app.paper_list.render_line(y))


def static_text(app: ReadlistApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def notices(app: ReadlistApp) -> list[str]:
    """The text of every notification the app is showing."""
    return [str(n.message) for n in app._notifications]


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], limit: float = LIMIT) -> None:
    """Let the app run until ``condition`` holds: workers run in threads and post messages back.
    Returns as soon as it holds; fails clearly if it never does."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {limit:g} s")
        await pilot.pause(0.01)


def saved_state(data_dir: Path) -> dict[str, dict[str, Any]]:
    """pid -> the state record in ``state.json``, as another process would read it."""
    raw = json.loads((data_dir / "state.json").read_text())
    return {doc["id"]: doc for doc in raw["state"].values()}
