"""Rotating daily backups of the data files, and the checks behind ``readlist doctor``.

A backup is only taken of a file that parses, so the newest backup is always a good
one. A damaged file is never overwritten: restoring first moves it aside.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from readlist.core.errors import CorruptFileError
from readlist.core.storage import Signature, file_signature, load_json, write_atomic

BACKUP_DIR = "backups"
# State is small and precious; the library is large and can be re-imported from digests.
KEEP = {"state.json": 7, "library.json": 3}
_NAME = re.compile(r"^(?P<stem>[a-z]+)-(?P<day>\d{4}-\d{2}-\d{2})\.json$")


def backups_of(folder: Path, name: str) -> list[Path]:
    """Backups of data file ``name``, newest first."""
    stem = Path(name).stem
    found = []
    for path in (folder / BACKUP_DIR).glob(f"{stem}-*.json"):
        match = _NAME.match(path.name)
        if match and match["stem"] == stem:
            found.append(path)
    return sorted(found, reverse=True)


def backup_daily(
    folder: Path, today: dt.date | None = None, known_good: Mapping[str, Signature | None] | None = None
) -> list[Path]:
    """Back up each data file that loads cleanly, once a day; keep the newest few.

    ``known_good`` names the versions of files the caller has already read cleanly (by their
    ``file_signature``): those are copied without parsing them again, which at 100k papers
    would hold the interpreter for a second or two.
    """
    day = (today or dt.date.today()).isoformat()
    made = []
    for name, keep in KEEP.items():
        source = folder / name
        target = folder / BACKUP_DIR / f"{Path(name).stem}-{day}.json"
        if not source.exists() or target.exists():
            continue
        before = file_signature(source)
        data = source.read_bytes()
        verified = (known_good or {}).get(name)
        if not (verified is not None and before == verified == file_signature(source)):
            try:
                load_json(source)
            except CorruptFileError:
                continue  # never let a damaged file push a good backup out
        target.parent.mkdir(mode=0o700, exist_ok=True)
        write_atomic(target, data)
        made.append(target)
        for old in backups_of(folder, name)[keep:]:
            old.unlink(missing_ok=True)
    return made


def newest_good_backup(folder: Path, name: str) -> Path | None:
    for path in backups_of(folder, name):
        try:
            load_json(path)
        except CorruptFileError:
            continue
        return path
    return None


def restore(folder: Path, name: str) -> tuple[Path, Path | None]:
    """Put the newest good backup of ``name`` in place; return it and where the old file went."""
    backup = newest_good_backup(folder, name)
    if backup is None:
        raise CorruptFileError(f"{folder / name}: no good backup to restore")
    current = folder / name
    moved = None
    if current.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        moved = current.with_name(f"{name}.damaged-{stamp}")
        os.replace(current, moved)
    write_atomic(current, backup.read_bytes())
    return backup, moved


@dataclass(slots=True)
class Finding:
    ok: bool
    message: str

    def __str__(self) -> str:
        return f"{'ok ' if self.ok else 'BAD'}  {self.message}"


def check(folder: Path) -> list[Finding]:
    """What ``readlist doctor`` reports about a data folder."""
    if not folder.exists() and not folder.is_symlink():  # nothing imported yet: nothing to damage
        return [Finding(True, f"no library at {folder} yet (nothing to check)")]
    findings = [Finding(folder.is_dir(), f"data folder {folder}")]
    if not folder.is_dir():
        return findings
    for name, table, what in (("library.json", "papers", "papers"), ("state.json", "state", "paper states")):
        path = folder / name
        if not path.exists():
            findings.append(Finding(True, f"{name}: not created yet"))
            continue
        try:
            data = load_json(path) or {}
            count = len(data.get(table, {}))
            findings.append(Finding(True, f"{name}: readable, {count} {what}"))
        except CorruptFileError as exc:
            backup = newest_good_backup(folder, name)
            hint = (
                f"; newest good backup {backup.name} (readlist doctor --restore)" if backup else "; no backup"
            )
            findings.append(Finding(False, f"{exc}{hint}"))
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            findings.append(Finding(False, f"{name}: readable by others (mode {mode:o}); chmod 600 it"))
    backups = (
        sorted(p.name for p in (folder / BACKUP_DIR).glob("*.json")) if (folder / BACKUP_DIR).is_dir() else []
    )
    findings.append(Finding(True, f"backups: {', '.join(backups) if backups else 'none yet'}"))
    strays = [p.name for p in folder.glob(".*.tmp")]
    if strays:
        findings.append(
            Finding(
                True, f"left-over temporary files from an interrupted write (harmless): {', '.join(strays)}"
            )
        )
    return findings


def corrupt_hint(folder: Path, error: CorruptFileError) -> str:
    """The one-line message for a damaged file, naming the backup that can replace it."""
    for name in KEEP:
        if str(folder / name) in str(error):
            backup = newest_good_backup(folder, name)
            if backup:
                return f"{error}. Newest good backup: {backup}; 'readlist doctor --restore' puts it back"
    return str(error)
