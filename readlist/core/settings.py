"""The reader's settings, kept in ``settings.json`` in the data folder.

Small and forgiving: a missing or damaged file means the defaults (it holds preferences, not
papers or notes), and it is written whole and atomically whenever a setting changes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path

import orjson

from readlist.core.storage import write_atomic

SETTINGS_FILE = "settings.json"


@dataclass(slots=True)
class Settings:
    advance: bool = False  # after r or s, the cursor moves on to the next paper (top-down triage)

    @classmethod
    def load(cls, folder: Path) -> Settings:
        try:
            data = orjson.loads((folder / SETTINGS_FILE).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(
            **{name: value for name, value in data.items() if name in known and isinstance(value, bool)}
        )

    def save(self, folder: Path) -> None:
        write_atomic(folder / SETTINGS_FILE, orjson.dumps(asdict(self), option=orjson.OPT_INDENT_2))
