"""When readlist was last opened, so the app can tell which digests arrived since.

``visits.json`` in the data folder holds one time stamp. It is a convenience, not user data:
a damaged file is replaced at the next visit (unlike ``library.json`` and ``state.json``).

- No file: the first visit. There is no previous time, so every digest counts as new.
- A damaged file: the file was last written at the last visit, so its modification time stands
  in for the lost time stamp. Damage therefore never turns the whole library "new" again.
"""

from __future__ import annotations

import time
from pathlib import Path

import orjson

from readlist.core.paths import ensure_dir
from readlist.core.storage import write_atomic

VISITS_FILE = "visits.json"


class Visits:
    """The last-visit time stored in ``folder / visits.json``."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / VISITS_FILE

    def last(self) -> float | None:
        """When readlist was last opened (None if never), without recording a visit."""
        try:
            written = self.path.stat().st_mtime
        except OSError:
            return None
        try:
            value = orjson.loads(self.path.read_bytes()).get("last_visit")
        except (OSError, orjson.JSONDecodeError, AttributeError):
            value = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return written  # damaged: the file was written at the last visit

    def begin(self, now: float | None = None) -> float | None:
        """Record a visit now; return the previous visit's time (None on the first visit).

        A data folder that cannot be written only means the next visit sees this one's news again.
        """
        previous = self.last()
        try:
            ensure_dir(self.path.parent)
            write_atomic(self.path, orjson.dumps({"last_visit": time.time() if now is None else now}))
        except OSError:
            pass
        return previous


def is_new(imported_at: float, previous: float | None) -> bool:
    """Whether a digest imported at ``imported_at`` arrived after the ``previous`` visit."""
    return previous is None or imported_at > previous
