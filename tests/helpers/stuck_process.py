"""A process whose main thread is stuck the way Textual's gets after its terminal closes, guarded
by readlist's ShutdownGuard: the watchdog alone must save and end it.

    python stuck_process.py MARKER [fails]

It prints ``ready`` once its handlers are in place, then blocks its main thread forever in a
``put`` on a full queue (what Textual's event loop does once its output thread has died), with a
non-daemon worker thread running besides (what an index build is at exit). ``save`` writes
MARKER; with ``fails`` it raises instead, as on a full disk.
"""

from __future__ import annotations

import queue
import sys
import threading
from pathlib import Path

from readlist.tui.shutdown import ShutdownGuard

marker = Path(sys.argv[1])
fails = sys.argv[2:] == ["fails"]


def save() -> None:
    if fails:
        raise OSError(28, "No space left on device")
    marker.write_text("saved")


guard = ShutdownGuard(save=save, ask_app=lambda: None)  # the loop never answers
guard.install()
threading.Thread(target=threading.Event().wait, name="busy-worker").start()  # never ends
full: queue.Queue[str] = queue.Queue(maxsize=1)
full.put("a frame nobody writes")
print("ready", flush=True)
full.put("the next frame")  # blocks for good
