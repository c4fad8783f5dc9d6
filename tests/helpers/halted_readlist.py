"""Run ``readlist`` (the real CLI) so that it halts in the middle of saving one data file, for a
test to kill it there.

Usage: halted_readlist.py NAME WHEN MARK_FILE -- READLIST ARGS...

NAME is a data file's name (``state.json``, ``library.json``). WHEN is ``before-rename``: the new
contents are written and synced to a temporary file that is not yet renamed over NAME; or
``after-rename``: NAME is the new file but its folder is not yet synced. On getting there the
process creates MARK_FILE and waits to be killed. A crash at these two moments must leave the old
file or the new one, each whole.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

WHEN = ("before-rename", "after-rename")


def halt(mark: Path) -> None:
    mark.touch()
    while True:
        signal.pause()


def main() -> int:
    name, when, mark, separator, *argv = sys.argv[1:]
    if when not in WHEN or separator != "--":
        raise SystemExit(__doc__)
    real_replace = os.replace

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        ours = Path(dst).name == name
        if ours and when == "before-rename":
            halt(Path(mark))
        real_replace(src, dst, **kwargs)
        if ours and when == "after-rename":
            halt(Path(mark))

    os.replace = replace  # type: ignore[assignment]
    from readlist.cli import main as readlist

    return readlist(argv)


if __name__ == "__main__":
    raise SystemExit(main())
