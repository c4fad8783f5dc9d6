"""Run ``readlist`` (the real CLI and TUI) with a background saver that never saves on its own.

The app's Saver normally writes ~0.2 s after a change, so a test that signals the app right
after a keypress cannot tell whether the change reached the disk through the signal handler or
through the timer. Here ``poke()`` does nothing: a change reaches ``state.json`` only when the
app stops its saver (quit, SIGTERM, SIGHUP) or closes the library.
"""

from __future__ import annotations

import sys

import readlist.tui.app as app
from readlist.core.state import Saver


class ManualSaver(Saver):
    def poke(self) -> None:
        pass


app.Saver = ManualSaver  # type: ignore[misc]

from readlist.cli import main  # noqa: E402

raise SystemExit(main(sys.argv[1:]))
