"""The app's work that brings papers in from elsewhere, or takes them out: today's papers
fetched from the Hub (F), a sync through git, and undoing the last import.

Each runs in a worker with a library of its own on the same folder, so the app's library is
only ever changed on the UI thread: when the work is done, the app's poll takes in what it
wrote, as it takes in any change made by another process. A mixin of ReadlistApp (app.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import SystemCommand
from textual.message import Message

from readlist.core.errors import ReadlistError
from readlist.core.library import Library
from readlist.core.text import ago, one_line, plural

if TYPE_CHECKING:
    from readlist.core.fetch import FetchReport
    from readlist.core.removal import Removal
    from readlist.core.sync.run import SyncReport

QUIT_SYNC_SECONDS = 10.0  # the most a sync at quit may hold quitting up (the state is saved before it)


class IncomingWork:
    """Mixed into ReadlistApp, which provides the library, its poll, its status line
    (``activity``, ``sync_status``) and its way of reporting a problem."""

    @dataclass
    class Activity(Message):
        """What a worker is doing now, for the status line (None: done)."""

        text: str | None

    @dataclass
    class FetchDone(Message):
        report: FetchReport

    @dataclass
    class ImportUndone(Message):
        removal: Removal

    @dataclass
    class Synced(Message):
        """A sync in the background ended: its report, or why it failed."""

        report: SyncReport | None
        error: str | None = None

    def incoming_commands(self) -> Iterable[SystemCommand]:
        """The palette's entries for this work that no key has."""
        yield SystemCommand(
            "Undo the last import",
            "Take out the papers and digests the last import or fetch added "
            "(kept in backups/, readlist import brings them back)",
            self.action_undo_import,
        )
        if not self.demo:
            yield SystemCommand(
                "Sync now",
                "Sync the library with its git remote, as readlist sync does",
                self.action_sync_now,
            )

    # -- fetching from the Hub ------------------------------------------------------------------

    def action_fetch(self) -> None:
        if self.activity is not None:
            self.notify(f"Busy: {self.activity}", markup=False)
            return
        self.fetch_today()

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def fetch_today(self) -> None:
        """Today's Daily Papers from the Hub, merged by a library of its own on this thread (the
        app's is only read here); the poll then takes the new papers in."""
        from readlist.core.fetch import Period, fetch_into, utc_today
        from readlist.core.hub import HubClient

        period = Period.day(utc_today())
        self.post_message(self.Activity(f"fetching {period.value} from the Hub…"))
        try:
            library = Library.open(self.library.folder)
            try:
                with (self.hub or HubClient.from_env)() as hub:
                    report = fetch_into(library, hub, [period])
            finally:
                library.close()
        finally:
            self.post_message(self.Activity(None))
        self.post_message(self.FetchDone(report))

    def on_incoming_work_activity(self, message: IncomingWork.Activity) -> None:
        self.activity = message.text

    def on_incoming_work_fetch_done(self, message: IncomingWork.FetchDone) -> None:
        report = message.report
        if report.failed:
            self.report_problem(ReadlistError(report.failed[0][1]), doing="fetch")
            return
        imported = report.imported
        if report.empty_days():
            self.notify(f"The Hub has no papers for {', '.join(report.empty_days())} yet.", markup=False)
        else:
            self.notify(f"Fetched from the Hub: {imported.brief()}.", markup=False)
        self.poll_outside()

    # -- syncing through git (core/sync) ---------------------------------------------------------

    def _start_sync(self) -> None:
        """When sync is set up: say when it last ran, and sync now if it is to run at start and quit."""
        from readlist.core.sync.repo import SYNC_DIR
        from readlist.core.sync.settings import Settings as SyncSettings

        self.set_interval(30, self._show_sync_age)
        if (self.library.folder / SYNC_DIR).is_dir():
            settings = SyncSettings.load(self.library.folder / SYNC_DIR)
            self.last_sync, self.sync_at_quit = settings.last_sync, settings.auto
            self._show_sync_age()
            if settings.auto:
                self.sync_now()

    def _show_sync_age(self) -> None:
        """Keep "synced 5 min ago" true (a failure, or a sync under way, is left as it is said)."""
        if self.last_sync is not None and (not self.sync_status or self.sync_status.startswith("synced")):
            self.sync_status = f"synced {ago(self.last_sync, time.time())}"

    def action_sync_now(self) -> None:
        """Save what is waiting, then sync in the background."""
        if any(worker.group == "sync" and worker.is_running for worker in self.workers):
            self.notify("A sync is under way already.", markup=False)
            return
        try:
            self.library.flush()
        except (ReadlistError, OSError) as exc:
            self.post_message(self.Synced(None, str(exc)))
            return
        self.sync_status = "syncing…"
        self.sync_now()

    @work(thread=True, group="sync", exit_on_error=False)
    def sync_now(self) -> None:
        """A sync through a library of its own on the same folder: this app's library is only
        touched on the UI thread, once the sync has ended (``synced``)."""
        from readlist.core.sync.run import sync

        try:
            report = sync(self.library.folder)
        except (ReadlistError, OSError) as exc:
            self.post_message(self.Synced(None, str(exc)))
        else:
            self.post_message(self.Synced(report))

    def on_incoming_work_synced(self, message: IncomingWork.Synced) -> None:
        if message.report is None:
            self.sync_status = "sync failed"  # the why is in the notice: the line keeps its counts
            reason = one_line(message.error or "").removeprefix("sync: ")
            self.notify(f"Sync failed: {reason}", severity="error", markup=False, timeout=10)
            return
        self.last_sync = time.time()
        self.sync_status = "synced just now"
        self.notify(one_line(message.report.summary()), markup=False)
        self.poll_outside()  # what the sync brought comes in as any change from outside does

    def watch_sync_status(self) -> None:
        self.main.refresh_status()

    async def _sync_before_quitting(self) -> None:
        """The sync at quit: bounded, and the state is saved before it, so it can only add."""
        from readlist.core.sync.run import sync

        deadline = time.monotonic() + QUIT_SYNC_SECONDS
        self.sync_status = "syncing before quitting…"
        try:
            await asyncio.wait_for(
                asyncio.to_thread(sync, self.library.folder, deadline=deadline), QUIT_SYNC_SECONDS + 2
            )
        except (TimeoutError, ReadlistError, OSError):
            pass  # the next sync sends what this one could not

    def action_undo_import(self) -> None:
        from readlist.tui.screens.confirm import ConfirmScreen

        last = self.library.last_import()
        if last is None:
            self.notify("No import to undo.", markup=False)
            return
        added, made = len(last.get("added", [])), last.get("digests", [])
        what = plural(added, "paper") + (
            f" and the digest{'s' if len(made) > 1 else ''} {', '.join(made)}" if made else ""
        )
        question = f"Take out the {what} the last import added? They are kept in backups/ with their state."

        def answer(yes: bool | None) -> None:
            if yes:
                self.undo_import()

        self.push_screen(ConfirmScreen(question), answer)

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def undo_import(self) -> None:
        """Through a library of its own, as a fetch is; the poll takes the papers away here."""
        from readlist.core.removal import undo_last_import

        library = Library.open(self.library.folder)
        try:
            removal = undo_last_import(library)
        finally:
            library.close()
        self.post_message(self.ImportUndone(removal))

    def on_incoming_work_import_undone(self, message: IncomingWork.ImportUndone) -> None:
        removal = message.removal
        gone = [plural(removal.papers, "paper"), *(f"the digest {label}" for label in removal.digests)]
        self.notify(
            f"Took out {' and '.join(gone)}" + (f"; kept in {removal.kept}." if removal.kept else "."),
            markup=False,
        )
        self.poll_outside()  # the papers go from the list as any change from outside does
