"""What the Pilot tests share: the terminal size, reading what is drawn, and waiting for workers."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerError, WorkerState

from readlist.tui.app import ReadlistApp
from tests.helpers.waiting import LIMIT

SIZE = (120, 36)
KEPT = "kept_notices"


def row_text(app: ReadlistApp, y: int) -> str:
    return "".join(segment.text for segment in app.main.paper_list.render_line(y))


def static_text(app: ReadlistApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def detail_text(app: ReadlistApp, section: str) -> str:
    """What the detail pane shows in one section: title, facts, note, hub, abstract or links."""
    return app.main.detail.section(section)


def keep_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every notification a ReadlistApp raises, for ``notices``: the app's own list forgets
    each one when its timeout, wall-clock seconds, is over, which a slow run could reach first."""
    notify = ReadlistApp.notify

    def keeping(app: ReadlistApp, message: str, **options: Any) -> None:
        app.__dict__.setdefault(KEPT, []).append(Notification(message, options.get("title", "")))
        notify(app, message, **options)

    monkeypatch.setattr(ReadlistApp, "notify", keeping)


def notices(app: ReadlistApp, title: str | None = None) -> list[str]:
    """The messages of the notifications the app raised so far (with ``title``: those with that title)."""
    kept: list[Notification] = app.__dict__.get(KEPT, [])
    return [n.message for n in kept if title is None or n.title == title]


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], limit: float = LIMIT) -> None:
    """Let the app run until ``condition`` holds: workers run in threads and post messages back.
    Returns as soon as it holds; fails clearly if it never does."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {limit:g} s")
        await pilot.pause(0.01)


async def background_done(pilot: Pilot[Any], limit: float = LIMIT) -> None:
    """Let the app finish the start's background work (index, digest counts, backup, sync) and
    every worker set off since, with what each posted handled: the workers' own completion is
    awaited (``app.workers.wait_for_complete``), then that of the workers their messages set off,
    until none is left."""
    app = pilot.app
    assert isinstance(app, ReadlistApp)
    deadline = time.monotonic() + limit
    while True:
        await pilot.pause()
        busy = [worker for worker in app.workers if not worker.is_finished]
        if not busy and app.started:
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"background work not done within {limit:g} s (running: {busy})")
        # A worker just set off is pending until its task runs, and cannot be waited for yet.
        running = [worker for worker in busy if worker.state is not WorkerState.PENDING]
        if running:
            # One that fails or is cancelled (a newer search) ends the wait: the loop looks again.
            # The app reports a failure in one line; the test looks at what it shows.
            with suppress(WorkerError):
                await asyncio.wait_for(app.workers.wait_for_complete(running), left)
        else:  # the start sets off its first worker after the first frame
            await pilot.pause(0.01)


def saved_state(data_dir: Path) -> dict[str, dict[str, Any]]:
    """pid -> the state record in ``state.json``, as another process would read it (nothing
    before the first save has put the file in place)."""
    path = data_dir / "state.json"
    if not path.exists():
        return {}
    raw = json.loads(path.read_text())
    return {doc["id"]: doc for doc in raw["state"].values()}
