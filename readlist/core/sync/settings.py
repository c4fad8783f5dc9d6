"""What this machine remembers about syncing, beside the repository: ``sync/readlist.json``.

``auto``: sync when the app starts and when it quits; ``last_sync``: when the last sync ended;
``keys``: the papers this machine holds under another id than the repository; ``papers``: the
papers' files of the last export, for as long as ``library.json`` does not change (both in
local.Export). None of it travels. A damaged file only forgets these (the keys are found again by
title, the papers' files made again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from readlist.core.errors import CorruptFileError
from readlist.core.storage import load_json, write_atomic

SETTINGS_FILE = "readlist.json"


@dataclass
class Settings:
    auto: bool = False
    last_sync: float | None = None
    keys: dict[str, str] = field(default_factory=dict)
    papers: dict[str, Any] | None = None

    @classmethod
    def load(cls, repo_dir: Path) -> Settings:
        try:
            data = load_json(repo_dir / SETTINGS_FILE) or {}
        except CorruptFileError:
            data = {}
        last, keys, papers = data.get("last_sync"), data.get("keys"), data.get("papers")
        return cls(
            auto=data.get("auto") is True,
            last_sync=float(last) if isinstance(last, int | float) and not isinstance(last, bool) else None,
            keys={k: v for k, v in keys.items() if isinstance(k, str) and isinstance(v, str)}
            if isinstance(keys, dict)
            else {},
            papers=papers if isinstance(papers, dict) and isinstance(papers.get("files"), dict) else None,
        )

    def save(self, repo_dir: Path) -> None:
        data = {"auto": self.auto, "last_sync": self.last_sync, "keys": self.keys, "papers": self.papers}
        write_atomic(repo_dir / SETTINGS_FILE, orjson.dumps(data, option=orjson.OPT_SORT_KEYS))
