"""The readlist Textual app: a thin layer over ``readlist.core``.

The App keeps what lives as long as the process: start-up, saving, watching for changes made
by another process, signals and quitting. Its mixins hold the background work: what is derived
from the library (search index, digest counts, backup: derived.py) and what brings papers in or
takes them out (fetch, sync, undoing an import: incoming.py). What the reader looks at and
presses keys in is the main screen (screens/main.py). Calls go down (the app asks the library
to change state), messages come up (widgets and worker threads post messages; workers never
touch widgets). Screens, search and backups are imported where first used: the first frame
waits for every module imported up front."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from readlist.clipboard import system_copy
from readlist.core.errors import CorruptFileError, ReadlistError, UnsavedChanges
from readlist.core.library import ImportReport, Library, Loaded
from readlist.core.settings import Settings
from readlist.core.state import Saver
from readlist.core.text import one_line, plural, strip_controls
from readlist.core.undo import Step
from readlist.tui.actions import palette_commands
from readlist.tui.derived import DerivedData, keep_for_good
from readlist.tui.incoming import IncomingWork
from readlist.tui.screens.main import MainScreen
from readlist.tui.shutdown import ShutdownGuard

if TYPE_CHECKING:
    from readlist.core.hub import HubClient

POLL_SECONDS = 1.0


class ReadlistApp(IncomingWork, DerivedData, App[None]):
    CSS_PATH = Path(__file__).with_name("readlist.tcss")
    TITLE = "readlist"
    # Textual's own binding for the palette, named as the key bar names the other keys.
    BINDINGS = [
        Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            show=False,
            priority=True,
            tooltip="Open the command palette",
        )
    ]

    @dataclass
    class LibraryChanged(Message):
        """Papers or digests came in from outside (another process, or a fetch here)."""

        loaded: Loaded

    @dataclass
    class PapersChanged(Message):
        """Read / starred / note / tags state changed for ``ids``: here (``fields`` says which)
        or in another process (``fields`` None: any of them)."""

        ids: Collection[str]
        fields: frozenset[str] | None = None

    @dataclass
    class Saved(Message):
        outside: set[str]  # papers another process changed, found while saving

    @dataclass
    class SaveFailed(Message):
        error: ReadlistError | OSError

    # Shown in the status line, which their watchers update: a plain reactive would repaint the
    # whole screen on every change ("saving…" on each star would redraw all of it).
    save_status: var[str] = var("saved", init=False)
    activity: var[str | None] = var(None, init=False)
    sync_status: var[str] = var("", init=False)  # "synced 2 min ago", "sync failed", or nothing

    def __init__(
        self,
        library: Library,
        *,
        report: ImportReport | None = None,
        demo: bool = False,
        copy: Callable[[str], bool] = system_copy,
        browser: Callable[[str], bool] | None = None,  # None: the system's web browser
        save_delay: float = 0.2,
        end_promptly: bool = False,
        hub: Callable[[], HubClient] | None = None,  # None: HF_ENDPOINT and HF_TOKEN decide
    ) -> None:
        super().__init__()
        self.library = library
        self.report = report
        self.demo = demo
        self.system_copy = copy
        self.browser = browser
        self.save_delay = save_delay
        self.hub = hub
        # A real run ends soon after quitting even while a worker still runs (see shutdown.py);
        # an app run inside the tests must leave the test process alone.
        self.end_promptly = end_promptly
        # What the status line says once everything is saved: the demo keeps nothing.
        self.saved_text = "DEMO: a throwaway library, gone when you quit" if demo else "saved"
        self.set_reactive(ReadlistApp.save_status, self.saved_text)
        self.settings = Settings.load(library.folder)
        self.saver: Saver | None = None
        self._last_error: str | None = None  # the problem last reported, so a retry says it once
        self._quit_despite_error = False
        self.shutdown = ShutdownGuard(
            save=self._save_everything,
            ask_app=self._ask_to_exit,
            terminal_modes=self._terminal_modes,
            before_exit=self._forget_demo,
        )
        self._event_loop: asyncio.AbstractEventLoop | None = None
        self.last_sync: float | None = None
        self.sync_at_quit = False
        self.main = MainScreen()

    def get_default_screen(self) -> Screen:
        return self.main

    def get_key_display(self, binding: Binding) -> str:
        """Keys as help, hints and the README write them (``Ctrl+P``, ``Esc``), also for
        Textual's own bindings, which it would write ``^p`` and ``esc``."""
        shown = super().get_key_display(binding)
        if shown.startswith("^") and len(shown) > 1:
            return f"Ctrl+{shown[1:].upper()}"
        return "Esc" if shown == "esc" else shown

    def on_mount(self) -> None:
        keep_for_good()  # the modules, the library and the widgets
        self._event_loop = asyncio.get_running_loop()
        self.shutdown.install()
        self.sub_title = "demo library: changes vanish at exit" if self.demo else str(self.library.folder)
        self.saver = Saver(
            self.library,
            delay=self.save_delay,
            on_saved=lambda outside: self.post_message(self.Saved(outside)),
            on_error=lambda exc: self.post_message(self.SaveFailed(exc)),
        )
        if self.report is not None:
            self._announce(self.report)
        for notice in self.library.notices:
            self.notify(one_line(notice), markup=False, timeout=10)
        self.call_after_refresh(self._start_background)

    def on_unmount(self) -> None:
        self.shutdown.uninstall()

    def _start_background(self) -> None:
        """Background work starts once the first frame is up, one piece after another: threads
        that run at once take turns at the interpreter with the keys the reader presses. The
        index comes first (the filter waits for it); the poll costs a stat a second."""
        self.build_index()
        self.set_interval(POLL_SECONDS, self.poll_outside)

    def _announce(self, report: ImportReport) -> None:
        summary = report.summary()
        problems = report.problems + report.warnings
        if problems:
            shown = "\n".join(strip_controls(p) for p in problems[:3])
            more = f"\n…and {len(problems) - 3} more" if len(problems) > 3 else ""
            self.notify(
                f"{summary}.\n{shown}{more}",
                title="Import problems",
                severity="warning",
                markup=False,
                timeout=10,
            )
        else:
            self.notify(summary + ".", markup=False)

    # -- changes made elsewhere -----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def poll_outside(self) -> None:
        """What another process (or a fetch here) changed: papers and digests, read off the UI
        thread and taken in on it; read marks, stars, notes and tags."""
        # The state first, so that papers that come in show theirs; a damaged state file does not
        # keep the papers out (its error is raised once they are in).
        changed: set[str] = set()
        damaged: ReadlistError | None = None
        try:
            changed = self.library.state.refresh()
        except CorruptFileError as exc:
            damaged = exc
        loaded = self.library.read_changes()
        if loaded is not None:
            self.post_message(self.LibraryChanged(loaded))
        if changed:
            self.post_message(self.PapersChanged(changed))
        if damaged is not None:
            raise damaged

    @on(LibraryChanged)
    def library_changed(self, message: LibraryChanged) -> None:
        if message.loaded.source == self.library.revision[1]:
            return  # taken in already
        before = self.library.papers.ids
        self.library.take(message.loaded)
        if self.library.papers.ids[: len(before)] != before:  # papers left: the index's places moved
            self.index = self.similar = None
        self.main.papers_reloaded()
        self.build_index()  # the cached index is extended with the new papers
        self.count_digests()
        added = len(self.library.papers) - len(before)
        if added > 0:
            self.notify(f"{plural(added, 'new paper')} came in.", markup=False)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """No background failure ends the app: it is said in one line, and the work is tried
        again when it comes round (the poll each second, a save on the next change)."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            if event.worker.group == "index":
                self.after_the_index()
            self.report_problem(event.worker.error, doing=event.worker.group)

    def report_problem(self, error: BaseException, doing: str = "") -> None:
        if isinstance(error, CorruptFileError):
            from readlist.core.backup import corrupt_hint

            hint = corrupt_hint(self.library.folder, error)
            if "doctor" not in hint:
                hint += ". 'readlist doctor' says what is wrong"
            text = f"{hint}. Your changes are kept while readlist runs, and saved once the file reads again."
        elif isinstance(error, ReadlistError | OSError) and doing == "saving":
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            text = f"Could not save: {reason}. Retrying; nothing is lost while readlist runs."
        elif isinstance(error, ReadlistError | OSError):
            text = f"{doing + ' failed: ' if doing else ''}{error}"
        else:
            raise error  # a bug: let it crash, loudly, after the state is saved (see cli.py)
        if text != self._last_error:
            self._last_error = text
            self.notify(one_line(text), severity="error", markup=False, timeout=12)

    # -- state changes --------------------------------------------------------------------------

    def change(self, pids: Collection[str], label: str, **changes: object) -> Step | None:
        """Change state as one undo step, and show it."""
        return self.stepped(self.library.change(pids, label, **changes))

    def change_each(self, changes_of: dict[str, dict[str, object]], label: str) -> Step | None:
        """Each paper's own changes, as one undo step, shown."""
        return self.stepped(self.library.change_each(changes_of, label))

    def undo(self) -> Step | None:
        return self.stepped(self.library.undo())

    def redo(self) -> Step | None:
        return self.stepped(self.library.redo())

    def stepped(self, step: Step | None) -> Step | None:
        """A change made here (None: nothing changed): save it soon, and show it at once."""
        if step is not None:
            self.save_status = "saving…"
            if self.saver:
                self.saver.poke()
            fields = frozenset(name for changed in step.after.values() for name in changed)
            self.papers_changed(self.PapersChanged(step.after.keys(), fields))
        return step

    @on(PapersChanged)
    def papers_changed(self, message: PapersChanged) -> None:
        """The one path for a change, made here or elsewhere: everything derived catches up."""
        self.catch_up(message.ids, message.fields)
        self.main.papers_changed(message.ids)

    @on(Saved)
    def saved(self, message: Saved) -> None:
        if not self.library.state.dirty:
            self.save_status = self.saved_text
            self._last_error = None
        if message.outside:
            self.papers_changed(self.PapersChanged(message.outside))

    @on(SaveFailed)
    def save_failed(self, message: SaveFailed) -> None:
        self.save_status = "NOT SAVED (retrying)"
        self.report_problem(message.error, doing="saving")

    def watch_save_status(self) -> None:
        self.main.refresh_status()

    def watch_activity(self) -> None:
        self.main.refresh_status()

    # -- saving, signals and quitting -----------------------------------------------------------

    def _save_everything(self) -> None:
        """Stop the background saver and write what it had not: runs on any thread."""
        saver, self.saver = self.saver, None
        if saver is not None:
            saver.stop()
        self.library.flush_or_keep()

    def _ask_to_exit(self) -> None:
        """Called inside a SIGTERM or SIGHUP handler: only schedule the work."""
        if self._event_loop is not None:
            self._event_loop.call_soon_threadsafe(self._save_and_exit)

    def _save_and_exit(self) -> None:
        """What SIGTERM and SIGHUP run on the event loop, when it still answers."""
        self.main.save_open_editors()
        try:
            self.shutdown.save()
        except Exception:  # noqa: BLE001 - the state stays in memory; the watchdog tries again
            pass
        self.exit()

    def _terminal_modes(self) -> list[object] | None:
        return getattr(self._driver, "attrs_before", None)

    def _forget_demo(self) -> None:
        """The demo's throwaway library goes with the process, even when it ends the hard way."""
        if self.demo:
            shutil.rmtree(self.library.folder, ignore_errors=True)

    async def action_quit(self) -> None:
        self.main.save_open_editors()
        try:
            self.shutdown.save()
        except Exception as exc:  # disk full, a damaged file: say so, keep the changes in memory
            if not self._quit_despite_error:
                self._quit_despite_error = True
                kept = (
                    " (the unsaved changes are kept in a recovery file, applied at the next start)"
                    if isinstance(exc, UnsavedChanges)
                    else ""
                )
                self.notify(
                    f"Could not save before quitting: {exc}. Press q again to quit anyway{kept}.",
                    severity="error",
                    markup=False,
                    timeout=15,
                )
                return
        if self.sync_at_quit and not self.demo:
            await self._sync_before_quitting()
        if self.end_promptly:
            self.shutdown.end_soon()
        self.exit()

    # -- the command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's own screenshot command writes into the current folder; readlist has its own script.
        yield from (c for c in super().get_system_commands(screen) if c.title != "Screenshot")
        if screen is self.main:
            yield from self.readlist_commands()

    def readlist_commands(self) -> Iterable[SystemCommand]:
        yield from palette_commands(self.main)
        yield from self.main.saved_search_commands()
        yield from self.incoming_commands()


def make_app(library: Library, **kwargs: object) -> ReadlistApp:
    """The one factory the CLI, the tests and the screenshot script share."""
    return ReadlistApp(library, **kwargs)  # type: ignore[arg-type]


def run(library: Library, *, report: ImportReport | None = None, demo: bool = False) -> int:
    """Run the app; its exit code (non-zero when it crashed)."""
    app = make_app(library, report=report, demo=demo, end_promptly=True)
    app.run()
    try:
        app.shutdown.save()  # after a crash too: what cannot be saved goes to the recovery file
    except ReadlistError as exc:
        print(f"readlist: {one_line(str(exc))}", file=sys.stderr)
        return 1
    return app.return_code or 0
