"""Ending the process when its terminal closes or a signal asks it to, with nothing lost.

Textual's own shutdown can hang for good once the terminal is gone. Its output thread dies on
the first write that fails (EIO after a hang-up); the event loop goes on queueing frames until
the queue is full, then waits for room that never comes. A stuck loop never runs an asyncio
signal handler again, so SIGTERM goes unheard too. And even a healthy exit waits for every
worker thread to finish (asyncio shuts its executor down), which at 100k papers can mean the
seconds of an index build.

So the handlers here are plain ``signal`` handlers, which Python runs on the main thread even
while the loop is stuck, and a watchdog thread makes sure of the end: the state is saved first
(by the app when its loop still answers, else by the watchdog itself), then the process ends
within a bounded time whatever is still running.
"""

from __future__ import annotations

import os
import signal
import sys
import termios
import threading
import time
from collections.abc import Callable
from types import FrameType

SIGNALS = (signal.SIGTERM, signal.SIGHUP)
EXIT_WITHIN = 1.5  # seconds from SIGTERM (or a quit) to the end, while the terminal still shows
HANG_UP_WITHIN = 0.5  # after SIGHUP: the terminal is gone, there is nothing to put back
APP_SAVE_WAIT = 0.8  # how long the app's own save may take to start before the watchdog saves
AFTER_LATE_SAVE = 0.1  # the ordinary exit's last moment when the watchdog had to save itself
RESTORE_WAIT = 0.1  # a terminal nobody reads blocks its writers: putting it back gets this long
RESTORE_TERMINAL = "\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1003l\x1b[?1006l\x1b[?2004l"


class ShutdownGuard:
    """Saves, then ends the process in bounded time, after SIGTERM, SIGHUP or a quit.

    ``save`` writes the pending state; it may run on any thread, and costs nothing when
    nothing is pending. ``ask_app`` asks the app, from inside the signal handler, to save and
    exit the ordinary way: it may only schedule that work on the event loop, never do it.
    ``terminal_modes`` gives the terminal attributes to put back when the process has to end
    without Textual's help, and ``before_exit`` runs just before such an end.
    """

    def __init__(
        self,
        save: Callable[[], None],
        ask_app: Callable[[], None],
        terminal_modes: Callable[[], list[object] | None] = lambda: None,
        before_exit: Callable[[], None] = lambda: None,
    ) -> None:
        self._save = save
        self.ask_app = ask_app
        self.terminal_modes = terminal_modes
        self.before_exit = before_exit
        self.saved = threading.Event()
        self.save_failed = False
        self._save_lock = threading.Lock()
        self._ending = threading.Lock()
        self._previous: dict[int, object] = {}

    def install(self) -> None:
        for signum in SIGNALS:
            try:
                self._previous[signum] = signal.signal(signum, self._on_signal)
            except (ValueError, OSError):  # not the main thread, or a platform without it
                pass

    def uninstall(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self._previous = {}

    def save(self) -> None:
        """Write what is pending; the app and the watchdog take turns."""
        with self._save_lock:
            try:
                self._save()
                self.save_failed = False
            except Exception:
                self.save_failed = True
                raise
            finally:
                self.saved.set()

    def end_soon(self, within: float = EXIT_WITHIN) -> None:
        """Make sure the process ends ``within`` seconds from now (later only if saving takes
        longer: the state is never cut short). Only the first call counts."""
        if self._ending.acquire(blocking=False):
            threading.Thread(
                target=self._watch, args=(time.monotonic() + within,), name="readlist-shutdown", daemon=True
            ).start()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.end_soon(HANG_UP_WITHIN if signum == signal.SIGHUP else EXIT_WITHIN)
        self.ask_app()

    def _watch(self, deadline: float) -> None:
        if not self.saved.wait(APP_SAVE_WAIT):
            self._try_save()  # the loop did not get to it: save from here
            deadline = max(deadline, time.monotonic() + AFTER_LATE_SAVE)
        threading.Event().wait(max(0.0, deadline - time.monotonic()))
        # Still here: the ordinary exit is stuck or waiting on a worker. One more save, for
        # anything the app changed meanwhile (an editor its exit closed), then the end.
        self._try_save()
        for last in (self._restore_terminal, self.before_exit):
            worker = threading.Thread(target=last, name="readlist-last", daemon=True)
            worker.start()
            worker.join(RESTORE_WAIT)
        os._exit(1 if self.save_failed else 0)

    def _try_save(self) -> None:
        try:
            self.save()
        except Exception:  # noqa: BLE001 - kept in save_failed; the end must come regardless
            pass

    def _restore_terminal(self) -> None:
        """Leave the terminal usable when Textual could not (it hung, or never got there). A
        terminal back in its old modes was put back already: writing the escapes again would
        move the cursor under the shell's prompt."""
        try:
            fd = sys.__stdin__.fileno() if sys.__stdin__ else 0
            modes = self.terminal_modes()
            if modes is None or termios.tcgetattr(fd) == modes:
                return
            termios.tcsetattr(fd, termios.TCSANOW, modes)
            os.write(sys.__stderr__.fileno() if sys.__stderr__ else 2, RESTORE_TERMINAL.encode())
        except (OSError, ValueError, termios.error):
            pass  # the terminal is gone: nothing to put back
