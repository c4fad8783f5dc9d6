"""Run ``readlist`` (the real CLI and TUI) with a background saver that never saves on its own.

The app's Saver normally writes ~0.2 s after a change, so a test that signals the app right
after a keypress cannot tell whether the change reached the disk through the signal handler or
through the timer. With ``ManualSaver`` ``poke()`` does nothing: a change reaches ``state.json``
only when the app stops its saver (quit, SIGTERM, SIGHUP) or closes the library.

Run as a script, it starts readlist with that saver; Pilot tests import ``ManualSaver`` and put it
in place of ``readlist.tui.app.Saver``. With ``READLIST_TEST_TINY_OUTPUT_QUEUE`` set, the script
also makes Textual's output queue hold one write instead of thirty, so that once its output
thread has died on a closed terminal the very next frames block the event loop, as a busy start
at 100k papers does with the full queue.
"""

from __future__ import annotations

import os
import sys

from readlist.core.state import Saver


class ManualSaver(Saver):
    def poke(self) -> None:
        pass


if __name__ == "__main__":
    import readlist.tui.app as app
    from readlist.cli import main

    app.Saver = ManualSaver  # type: ignore[misc]
    if os.environ.get("READLIST_TEST_TINY_OUTPUT_QUEUE"):
        import textual.drivers._writer_thread as writer_thread

        writer_thread.MAX_QUEUED_WRITES = 1  # type: ignore[misc]
    raise SystemExit(main(sys.argv[1:]))
