"""No error ends the app: a damaged file under a running app is said once, with the way back; the
changes made meanwhile are kept and saved once the file reads again, or kept in recovery.json
when the reader quits first."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.core import recovery
from readlist.core.library import Library
from readlist.tui.app import ReadlistApp
from tests.helpers.pilot import SIZE, notices, static_text, wait_for

DAMAGED = b'{"state": {"1": {"id": '


async def test_a_damaged_state_file_loses_nothing_and_ends_nothing(
    app: ReadlistApp, library: Library, isolated_data: Path
) -> None:
    state = isolated_data / "state.json"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await wait_for(pilot, lambda: not library.state.dirty)
        good = state.read_bytes()
        state.write_bytes(DAMAGED)  # a half-synced copy, from outside
        await wait_for(
            pilot, lambda: any("state.json" in n and "doctor" in n for n in notices(app)), limit=30
        )
        warning = next(n for n in notices(app) if "state.json" in n)
        assert "\n" not in warning and "changes are kept" in warning
        pid = app.main.paper_list.current.id
        await pilot.press("r")  # the reader goes on
        await wait_for(pilot, lambda: "NOT SAVED" in static_text(app, "#status"), limit=30)
        assert state.read_bytes() == DAMAGED  # never written over
        assert sum("state.json" in n for n in notices(app)) == 1  # said once, not every second
        state.write_bytes(good)  # restored
        await wait_for(
            pilot, lambda: "saved" in static_text(app, "#status") and not library.state.dirty, limit=30
        )
        await pilot.press("j")
        assert app.is_running
    assert Library(isolated_data).state_of(pid).read


async def test_quitting_with_a_damaged_file_keeps_the_changes_for_the_next_start(
    app: ReadlistApp, library: Library, isolated_data: Path
) -> None:
    state = isolated_data / "state.json"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pid = app.main.paper_list.current.id
        await pilot.press("r")
        await wait_for(pilot, lambda: not library.state.dirty)
        good = state.read_bytes()
        state.write_bytes(DAMAGED)
        await pilot.press("s", "q")
        await wait_for(pilot, lambda: any("Press q again" in n for n in notices(app)))
        assert app.is_running
        await pilot.press("q")
    assert recovery.load(isolated_data)[pid]["starred"] is True
    state.write_bytes(good)
    reopened = Library(isolated_data)
    assert reopened.state_of(pid).starred and reopened.state_of(pid).read
    reopened.close()


async def test_a_failing_worker_is_said_in_one_line_and_the_app_goes_on(
    app: ReadlistApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_room(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("readlist.core.backup.backup_daily", no_room)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any("backup failed" in n for n in notices(app)))
        assert any("No space left on device" in n for n in notices(app))
        await pilot.press("j")
        assert app.is_running and app.main.paper_list.cursor == 1


async def test_papers_come_in_while_the_state_file_is_damaged(
    app: ReadlistApp, library: Library, isolated_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process imports a digest, and state.json is found damaged: the papers still come
    in, and the damage is said once."""
    from readlist.core.digest import parse_text

    monkeypatch.setattr("readlist.tui.app.POLL_SECONDS", 3600.0)  # the test says when to look
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await wait_for(pilot, lambda: not library.state.dirty)
        before = len(app.main.paper_list.rows)
        other = Library(isolated_data)
        other.import_digests([parse_text("Mar 20\n\nA Paper From Elsewhere\n\nIt came in.\n", "x.txt")])
        other.close()
        (isolated_data / "state.json").write_bytes(DAMAGED)
        app.poll_outside()
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == before + 1)
        await wait_for(pilot, lambda: any("state.json" in n for n in notices(app)))
