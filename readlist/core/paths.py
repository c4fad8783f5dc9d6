"""Where readlist keeps its data. Resolved lazily: importing never touches the disk."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "READLIST_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir``, else ``$READLIST_DATA_DIR``, else the platform's user data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("readlist", appauthor=False))


def ensure_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
