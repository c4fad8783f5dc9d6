"""Machines for the sync tests: data folders beside one bare repository, all in the test's tmp dir."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from readlist.core.digest import parse_text
from readlist.core.library import LIBRARY_FILE, STATE_FILE, Library
from readlist.core.sync.run import SyncReport, sync
from tests.core.conftest import MAR14, MAR15

FIELDS = ("read", "starred", "note", "tags")


def bare_repo(path: Path) -> Path:
    """An empty bare repository, as a private one on a server starts."""
    subprocess.run(["git", "init", "--quiet", "--bare", str(path)], check=True)
    return path


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={repo}", *args], check=True, capture_output=True, text=True
    ).stdout


class Machine:
    """One machine's data folder."""

    def __init__(self, folder: Path, *pages: tuple[str, str]) -> None:
        self.folder = folder
        if pages:
            with self.library() as library:
                library.import_digests([parse_text(text, name) for text, name in pages])

    @contextmanager
    def library(self) -> Iterator[Library]:
        library = Library(self.folder)
        try:
            yield library
        finally:
            library.close()

    def ids(self) -> list[str]:
        with self.library() as library:
            return [library.papers[i].id for i in library.order]

    def titles(self) -> set[str]:
        with self.library() as library:
            return {paper.title for paper in library.papers}

    def mark(self, pid: str, **changes: Any) -> None:
        with self.library() as library:
            library.state.update(pid, **changes)

    def state(self) -> dict[str, dict[str, Any]]:
        """Every paper's state that is not the default, without times."""
        with self.library() as library:
            found = {}
            for pid, state in library.state.all().items():
                fields = {name: getattr(state, name) for name in FIELDS}
                if fields != {"read": False, "starred": False, "note": "", "tags": ()}:
                    found[pid] = fields
            return found

    def sync(self, remote: Path | str | None = None, **kwargs: Any) -> SyncReport:
        return sync(self.folder, None if remote is None else str(remote), **kwargs)

    def data_bytes(self) -> tuple[bytes, bytes | None]:
        """The two data files as they are on disk: a failed sync must leave them alone."""
        state = self.folder / STATE_FILE
        return (self.folder / LIBRARY_FILE).read_bytes(), state.read_bytes() if state.exists() else None


def two_machines(tmp_path: Path) -> tuple[Machine, Machine, Path]:
    """A laptop with two digests, a desktop with an empty library, and an empty remote."""
    return (
        Machine(tmp_path / "laptop", (MAR14, "mar14.txt"), (MAR15, "mar15.txt")),
        Machine(tmp_path / "desktop"),
        bare_repo(tmp_path / "remote.git"),
    )
