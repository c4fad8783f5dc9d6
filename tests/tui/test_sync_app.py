"""Sync in the app: the palette's "Sync now", the status line, syncing at start and at quit."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from pathlib import Path

import pytest

from readlist.core.library import Library
from readlist.core.sync import run
from readlist.core.sync.repo import SYNC_DIR
from readlist.tui import incoming
from readlist.tui.app import ReadlistApp
from tests.core.conftest import MAR14
from tests.helpers.pilot import background_done, notices, wait_for
from tests.helpers.sync_machines import Machine, bare_repo, git

SIZE = (120, 30)


def syncing(app: ReadlistApp) -> bool:
    return any(worker.group == "sync" and worker.is_running for worker in app.workers)


def status_line(app: ReadlistApp) -> str:
    return str(app.main.status.render())


def desktop_with_changes(tmp_path: Path, folder: Path, library: Library) -> tuple[Machine, Path, str]:
    """The app's folder and a desktop both synced with a remote; then the desktop imports a digest
    and stars one of the app's papers, and syncs."""
    remote = bare_repo(tmp_path / "remote.git")
    run.sync(folder, str(remote))
    desktop = Machine(tmp_path / "desktop")
    desktop.sync(remote)
    pid = library.papers.ids[0]
    with desktop.library() as other:
        from readlist.core.digest import parse_text

        other.import_digests([parse_text(MAR14, "mar14.txt")])
    desktop.mark(pid, starred=True, note="from the desktop")
    desktop.sync()
    return desktop, remote, pid


async def test_sync_now_brings_papers_and_state_into_the_running_app(
    app: ReadlistApp, library: Library, isolated_data: Path, tmp_path: Path
) -> None:
    _, _, pid = desktop_with_changes(tmp_path, isolated_data, library)
    before = len(library.papers)
    async with app.run_test(size=SIZE) as pilot:
        # The last sync, said as the app starts (once the first index is in: see _start_sync).
        await wait_for(pilot, lambda: app.sync_status.startswith("synced"))
        assert re.search(r"synced (just now|\d+ min ago)", status_line(app))
        started = time.time()
        command = next(c for c in app.readlist_commands() if c.title == "Sync now")
        command.callback()
        await wait_for(pilot, lambda: (app.last_sync or 0) >= started)
        # What the sync brought comes in by the app's poll, which the sync's end sets off (a
        # poll by the clock may take in the papers while the sync is still writing the state).
        await wait_for(pilot, lambda: len(app.library.papers) == before + 3)
        await wait_for(pilot, lambda: app.library.state_of(pid).starred)
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == before + 3)
        assert app.main.paper_list.papers is app.library.papers
        assert app.library.state_of(pid).note == "from the desktop"
        assert "synced just now" in status_line(app) or "synced 1 min ago" in status_line(app)
        await background_done(pilot)  # the index is extended with the papers that came in
        assert app.index is not None and len(app.index.position) == before + 3


async def test_sync_now_that_fails_says_so_in_the_status_line(
    app: ReadlistApp, isolated_data: Path, tmp_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "sync" not in status_line(app)  # not set up: nothing said
        app.action_sync_now()
        await wait_for(pilot, lambda: app.sync_status == "sync failed")
        # Short in the status line, which keeps its counts; the why in a notice.
        assert re.match(r" saved · sync failed · 4 papers · 4 unread · 0 starred$", status_line(app))
        assert any(
            n.startswith("Sync failed: not set up yet: run 'readlist sync REMOTE'") for n in notices(app)
        )


async def test_sync_at_start_and_at_quit(
    app: ReadlistApp, library: Library, isolated_data: Path, tmp_path: Path
) -> None:
    desktop, _, pid = desktop_with_changes(tmp_path, isolated_data, library)
    run.set_auto(isolated_data, True)
    async with app.run_test(size=SIZE) as pilot:
        # Synced at start: the star may come in by the clock's poll before the sync has ended.
        await wait_for(pilot, lambda: app.library.state_of(pid).starred and not syncing(app))
        other = next(p for p in app.library.papers.ids if p != pid)
        app.change([other], "read", read=True)
        await pilot.press("q")
    desktop.sync()
    assert desktop.state()[other]["read"]  # went out with the sync at quit


async def test_quitting_is_never_held_up_long_by_a_remote_that_hangs(
    app: ReadlistApp, library: Library, isolated_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = bare_repo(tmp_path / "remote.git")
    run.sync(isolated_data, str(remote))
    run.set_auto(isolated_data, True)
    hang = tmp_path / "hang"
    hang.write_text("#!/bin/sh\nsleep 600\n")
    hang.chmod(0o755)
    monkeypatch.setattr(incoming, "QUIT_SYNC_SECONDS", 1.0)
    started = time.time()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: (app.last_sync or 0) > started and not syncing(app)
        )  # the sync at start ended
        git(isolated_data / SYNC_DIR, "config", "remote.origin.uploadpack", str(hang))  # now the remote hangs
        pid = app.main.paper_list.current.id
        # A generous limit: the remote would hold a sync for ten minutes.
        await asyncio.wait_for(pilot.press("s", "q"), 60)
    assert Library(isolated_data).state_of(pid).starred  # saved before the sync was tried


async def test_sync_now_while_a_sync_runs_says_so(
    app: ReadlistApp, library: Library, isolated_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = bare_repo(tmp_path / "remote.git")
    run.sync(isolated_data, str(remote))
    release = threading.Event()
    real = run.sync

    def held(*args: object, **kwargs: object) -> object:
        release.wait(60)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run, "sync", held)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        started = time.time()
        app.action_sync_now()
        await wait_for(pilot, lambda: syncing(app))
        app.action_sync_now()
        await pilot.pause()
        assert notices(app)[-1] == "A sync is under way already."
        release.set()
        await wait_for(
            pilot, lambda: (app.last_sync or 0) >= started and app.sync_status.startswith("synced")
        )
