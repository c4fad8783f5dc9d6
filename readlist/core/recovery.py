"""Changes that could not be saved, kept for the next start.

When readlist has to end while ``state.json`` cannot be written (damaged by a half-synced copy,
a full disk, a folder gone), the changes still waiting to be saved go to ``recovery.json``
beside it, written the same atomic way. The next time a library opens the folder it applies
them, field by field, where they are newer than what the state file holds, and removes the
file once they are saved. A damaged recovery file is left alone and reported, never applied.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson

from readlist.core.errors import CorruptFileError
from readlist.core.storage import load_json, write_atomic

RECOVERY_FILE = "recovery.json"
VERSION = 1


def save(folder: Path, pending: dict[str, dict[str, Any]]) -> Path:
    """Keep ``pending`` (paper id → changed fields with their ``*_at`` times) in the recovery
    file, together with what an earlier failure kept there, the newer change of a field winning."""
    path = folder / RECOVERY_FILE
    try:
        kept = load(folder)
    except CorruptFileError:
        kept = {}  # never apply it, but never lose the new changes for its sake: it is replaced
    for pid, fields in pending.items():
        kept[pid] = newer_fields(kept.get(pid, {}), fields)
    write_atomic(path, orjson.dumps({"version": VERSION, "saved_at": time.time(), "state": kept}))
    return path


def load(folder: Path) -> dict[str, dict[str, Any]]:
    """The kept changes, or an empty dict when there is no recovery file."""
    path = folder / RECOVERY_FILE
    data = load_json(path)
    if data is None:
        return {}
    state = data.get("state")
    if data.get("version") != VERSION or not isinstance(state, dict):
        raise CorruptFileError(f"{path}: not a recovery file this readlist can read; it was left untouched")
    return {
        pid: dict(fields)
        for pid, fields in state.items()
        if isinstance(pid, str) and isinstance(fields, dict)
    }


def remove(folder: Path) -> None:
    (folder / RECOVERY_FILE).unlink(missing_ok=True)


def newer_fields(current: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """``current`` with each field of ``incoming`` that was changed later (a field without a
    time is older than any with one)."""
    merged = dict(current)
    for key, value in incoming.items():
        if key.endswith("_at") or key == "id":
            continue
        stamp = incoming.get(f"{key}_at")
        if key not in merged or (stamp or 0) >= (merged.get(f"{key}_at") or 0):
            merged[key] = value
            merged[f"{key}_at"] = stamp
    return merged
