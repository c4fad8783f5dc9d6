"""Crash-safe TinyDB storage and the cross-process lock.

TinyDB's own JSONStorage rewrites its file in place, so a crash mid-write leaves
a truncated file. Here every write goes to a temporary file in the same folder,
is fsynced, then atomically renamed over the old file, and the folder is fsynced.
A file that exists but cannot be parsed raises CorruptFileError and is never
written over.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from readlist.core.errors import CorruptFileError, LockTimeout

FILE_MODE = 0o600
Signature = tuple[int, int, int]


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never half."""
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)


def file_signature(path: Path) -> Signature | None:
    """What changes whenever another process replaces the file."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def load_json(path: Path) -> Any:
    """Parse a data file, or None if it does not exist; CorruptFileError if unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CorruptFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        where = f"line {exc.lineno}" if raw.strip() else "empty file"
        raise CorruptFileError(f"{path}: damaged data file ({where}); it was left untouched") from None
    if not isinstance(data, dict):
        raise CorruptFileError(f"{path}: damaged data file (not a JSON object); it was left untouched")
    return data


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes atomically and batches writes on request.

    Inside ``with storage.batch():`` TinyDB's per-operation writes are kept in
    memory and written once at the end, so a multi-document change is one atomic
    file replacement.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._cache: dict[str, Any] | None = None
        self._signature: tuple[int, int, int] | None = None
        self._batching = 0
        self._dirty = False

    def read(self) -> dict[str, Any] | None:
        if self._batching and self._cache is not None:
            return self._cache
        signature = file_signature(self.path)
        if self._cache is not None and signature == self._signature:
            return self._cache
        self._cache = load_json(self.path)
        self._signature = signature
        return self._cache

    def write(self, data: dict[str, Any]) -> None:
        self._cache = data
        if self._batching:
            self._dirty = True
            return
        self._write_now()

    def _write_now(self) -> None:
        assert self._cache is not None
        write_atomic(self.path, orjson.dumps(self._cache))
        self._signature = file_signature(self.path)
        self._dirty = False

    def changed_on_disk(self) -> bool:
        return file_signature(self.path) != self._signature

    @property
    def clean_version(self) -> Signature | None:
        """The version of the file last read or written whole (None before any)."""
        return self._signature if self._cache is not None else None

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        self._batching += 1
        try:
            yield
        finally:
            self._batching -= 1
        if not self._batching and self._dirty:
            self._write_now()

    def close(self) -> None:
        if self._dirty:
            self._write_now()


class FileLock:
    """An exclusive ``flock`` on a lock file, shared by every readlist process."""

    def __init__(self, path: Path, timeout: float = 10.0) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        self._depth = 0

    def __enter__(self) -> FileLock:
        if self._depth == 0:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        os.close(fd)
                        raise
                    if time.monotonic() > deadline:
                        os.close(fd)
                        raise LockTimeout(f"{self.path}: another readlist process holds the lock") from None
                    time.sleep(0.01)
            self._fd = fd
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
