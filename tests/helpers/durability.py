"""Shared bits of the durability tests: subprocess environments, digests, state on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from readlist.core.library import LIBRARY_FILE, STATE_FILE, Library
from readlist.core.storage import load_json

HELPERS = Path(__file__).resolve().parent
ROOT = HELPERS.parent.parent
SAMPLE = ROOT / "readlist" / "sample" / "daily_papers_sample.txt"
STATE_WRITER = HELPERS / "state_writer.py"
TUI_MANUAL_SAVER = HELPERS / "tui_manual_saver.py"
HALTED_READLIST = HELPERS / "halted_readlist.py"
DEFAULTS: dict[str, Any] = {"read": False, "starred": False, "note": ""}


def subprocess_env(data: Path, **extra: str) -> dict[str, str]:
    """The test's own environment, with every readlist path pointed into the test's tmp dir."""
    home = data.parent / "home"
    env = {
        **os.environ,
        "READLIST_DATA_DIR": str(data),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
    }
    env.update(extra)
    return env


def readlist_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "readlist", *args]


def run_readlist(
    data: Path, *args: str, timeout: float = 60, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        readlist_cmd(*args),
        env=subprocess_env(data),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=data.parent,
        **kwargs,
    )


def import_sample(data: Path) -> list[str]:
    """Import the bundled sample digest into ``data``; return the paper ids in display order."""
    result = run_readlist(data, "import", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    library = Library(data)
    try:
        return [library.papers[i].id for i in library.order]
    finally:
        library.close()


def state_on_disk(data: Path) -> dict[str, dict[str, Any]]:
    """pid -> {read, starred, note} as stored in state.json (defaults filled in)."""
    raw = load_json(data / STATE_FILE) or {}
    out = {}
    for doc in raw.get("state", {}).values():
        out[doc["id"]] = {key: doc.get(key, default) for key, default in DEFAULTS.items()}
    return out


def state_via_fresh_library(data: Path) -> dict[str, dict[str, Any]]:
    """The same, through a freshly opened Library (what the app would see)."""
    library = Library(data)
    try:
        return {
            pid: {"read": s.read, "starred": s.starred, "note": s.note}
            for pid, s in library.state.all().items()
        }
    finally:
        library.close()


def library_papers_on_disk(data: Path) -> dict[str, tuple[str, str]]:
    """pid -> (title, abstract) straight from library.json, bypassing the snapshot cache."""
    raw = load_json(data / LIBRARY_FILE) or {}
    return {doc["id"]: (doc["title"], doc.get("abstract", "")) for doc in raw.get("papers", {}).values()}


def library_papers_via_library(data: Path) -> dict[str, tuple[str, str]]:
    library = Library(data)
    try:
        return {p.id: (p.title, p.abstract) for p in library.papers}
    finally:
        library.close()


def make_digest(count: int, tag: str, date: str = "Mar 14", abstract_words: int = 40) -> str:
    """A well-formed digest with ``count`` papers whose titles are unique to ``tag``."""
    filler = " ".join(f"word{i % 17}" for i in range(abstract_words))
    entries = [
        f"Paper {tag} number {i} on durable storage\n\nWe study {tag} case {i}: {filler}. Code at "
        f"https://github.com/example/{tag}-{i}.\n"
        for i in range(count)
    ]
    return f"new\n\nSubscribe\n\n{date}\n\n" + "\n".join(entries)


def parse_saved_lines(stdout: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The ``saved`` records a state_writer printed, and its last ``attempt`` not followed by one."""
    saved: list[dict[str, Any]] = []
    in_flight = None
    for line in stdout.splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # cut off by the kill
        kind, _, payload = line.partition(" ")
        if kind == "attempt":
            in_flight = json.loads(payload)
        elif kind == "saved":
            saved.append(json.loads(payload))
            in_flight = None
    return saved, in_flight
