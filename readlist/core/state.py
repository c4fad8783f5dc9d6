"""Read / starred / note state, persisted with TinyDB and saved off the caller's thread.

Changes apply in memory at once (so the UI shows them immediately) and are queued;
``flush()`` writes them in one atomic file replacement under the cross-process lock,
first merging in whatever another readlist process wrote since we last looked.
A background ``Saver`` calls ``flush()`` shortly after each change.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from tinydb import TinyDB
from tinydb.table import Document

from readlist.core.errors import ReadlistError
from readlist.core.model import PaperState
from readlist.core.storage import AtomicJSONStorage, FileLock
from readlist.core.text import clean_tags

TABLE = "state"
STATE_FIELDS = ("read", "starred", "note", "tags")


class StateStore:
    """Per-paper state, held as the raw TinyDB documents so that loading 100k is quick."""

    def __init__(self, path: Path, lock: FileLock) -> None:
        self.path = path
        self.lock = lock
        self.db = TinyDB(path, storage=AtomicJSONStorage)
        self.storage: AtomicJSONStorage = self.db.storage  # type: ignore[assignment]
        self.table = self.db.table(TABLE)
        self._mutex = threading.RLock()
        self._records: dict[str, dict[str, Any]] = {}
        self._doc_ids: dict[str, int] = {}
        self._pending: dict[str, dict[str, Any]] = {}
        self._writing = False  # a flush has taken the pending changes and not finished writing them
        self._max_doc_id = 0
        self._read_count = self._starred_count = 0
        # Bumped on every change in memory, so that arrays derived from the state know when to rebuild.
        self.version = 0
        self._load()

    # -- reading -------------------------------------------------------------

    def _load(self) -> set[str]:
        """(Re)read the file; return the ids whose state differs from memory."""
        raw = (self.storage.read() or {}).get(TABLE, {})
        records: dict[str, dict[str, Any]] = {}
        doc_ids: dict[str, int] = {}
        for key, doc in raw.items():
            pid = doc.get("id") if isinstance(doc, dict) else None
            if isinstance(pid, str):
                records[pid] = dict(doc)
                doc_ids[pid] = int(key)
        with self._mutex:
            old = self._records
            changed = set()
            for pid in records.keys() | old.keys():
                new_rec, old_rec = records.get(pid) or {}, old.get(pid) or {}
                ours = self._pending.get(pid, {})  # our unsaved fields differ by design
                defaults = PaperState.DEFAULTS
                if any(
                    new_rec.get(k, defaults[k]) != old_rec.get(k, defaults[k])
                    for k in STATE_FIELDS
                    if k not in ours
                ):
                    changed.add(pid)
            for pid, fields in self._pending.items():  # our unsaved changes win
                records.setdefault(pid, {"id": pid}).update(fields)
            self._records = records
            self.version += 1
            self._doc_ids = doc_ids
            self._max_doc_id = max(map(int, raw), default=0)
            self._recount()
            return changed

    def get(self, pid: str) -> PaperState:
        record = self._records.get(pid)
        return PaperState.from_record(record) if record else PaperState()

    def record(self, pid: str) -> dict[str, Any] | None:
        """The raw stored fields (``read``, ``starred``, ``note``...), or None: for fast scans."""
        return self._records.get(pid)

    def records(self) -> list[tuple[str, dict[str, Any]]]:
        """Every paper with stored state and its raw record: for building arrays at 100k papers."""
        return list(self._records.items())

    def all(self) -> dict[str, PaperState]:
        return {pid: PaperState.from_record(rec) for pid, rec in list(self._records.items())}

    def notes(self) -> dict[str, str]:
        """The text search looks at beside title and abstract: each paper's note and tags."""
        texts = {pid: search_text(rec) for pid, rec in list(self._records.items())}
        return {pid: text for pid, text in texts.items() if text}

    def search_text(self, pid: str) -> str:
        return search_text(self._records.get(pid) or {})

    def tags(self) -> dict[str, int]:
        """Every tag in use and how many papers carry it, most used first."""
        counts: dict[str, int] = {}
        for rec in list(self._records.values()):
            for tag in rec.get("tags") or ():
                counts[tag] = counts.get(tag, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def counts(self) -> tuple[int, int]:
        """How many papers are read, and how many starred (kept up to date, not counted)."""
        return self._read_count, self._starred_count

    def _recount(self) -> None:
        records = list(self._records.values())
        self._read_count = sum(1 for rec in records if rec.get("read"))
        self._starred_count = sum(1 for rec in records if rec.get("starred"))

    # -- changing ------------------------------------------------------------

    def update(self, pid: str, **changes: Any) -> PaperState:
        """Apply ``read``/``starred``/``note``/``tags`` changes in memory and queue them."""
        self.update_many([pid], **changes)
        return self.get(pid)

    def update_many(self, pids: Iterable[str], **changes: Any) -> None:
        unknown = set(changes) - set(STATE_FIELDS)
        if unknown:
            raise ValueError(f"unknown state fields: {sorted(unknown)}")
        if "tags" in changes:
            changes["tags"] = clean_tags(changes["tags"])
        now = time.time()
        with self._mutex:
            for pid in pids:
                current = self._records.get(pid) or {"id": pid}
                fields = {}
                for key, value in changes.items():
                    # Queued even when memory already agrees: memory may be stale, and an
                    # explicit write must win over what another process saved meanwhile.
                    fields[key] = value
                    unchanged = current.get(key, PaperState.DEFAULTS[key]) == value
                    fields[f"{key}_at"] = current.get(f"{key}_at") if unchanged else now
                if not fields:
                    continue
                self._records[pid] = {**current, **fields}  # a new dict: readers never see it half-made
                if "read" in fields:
                    self._read_count += bool(fields["read"]) - bool(current.get("read"))
                if "starred" in fields:
                    self._starred_count += bool(fields["starred"]) - bool(current.get("starred"))
                self._pending.setdefault(pid, {}).update(fields)
            self.version += 1

    @property
    def dirty(self) -> bool:
        """Changes not on disk yet: pending, or taken by a write that has not returned."""
        return bool(self._pending) or self._writing

    def pending(self) -> dict[str, dict[str, Any]]:
        """The changes not saved yet: paper id → fields, with their ``*_at`` times."""
        with self._mutex:
            return {pid: dict(fields) for pid, fields in self._pending.items()}

    def adopt(self, changes: dict[str, dict[str, Any]]) -> int:
        """Take changes kept from an earlier run (recovery.py) where they are newer than what is
        stored, keeping their times; the next flush saves them. How many papers gained one."""
        newer_by_pid: dict[str, dict[str, Any]] = {}
        with self._mutex:
            for pid, fields in changes.items():
                current = self._records.get(pid) or {}
                newer: dict[str, Any] = {}
                for key in STATE_FIELDS:
                    stamp = fields.get(f"{key}_at") or 0
                    if (
                        key in fields
                        and stamp > (current.get(f"{key}_at") or 0)
                        and fields[key] != current.get(key, PaperState.DEFAULTS[key])
                    ):
                        newer[key], newer[f"{key}_at"] = fields[key], stamp
                if newer:
                    newer_by_pid[pid] = newer
            self.put(newer_by_pid)
        return len(newer_by_pid)

    def put(self, changes: dict[str, dict[str, Any]]) -> None:
        """Set fields to the values and times given (paper id → ``{"note": ..., "note_at": ...}``),
        as they are: the caller has decided they win (a recovered change, a merge from another
        machine). Applied in memory at once; the next flush saves them."""
        if not changes:
            return
        with self._mutex:
            for pid, fields in changes.items():
                current = self._records.get(pid) or {"id": pid}
                self._records[pid] = {**current, **fields}
                self._pending.setdefault(pid, {}).update(fields)
            self._recount()
            self.version += 1

    def refresh(self) -> set[str]:
        """Pick up changes another process saved; return the ids that changed."""
        with self._mutex:
            if not self.storage.changed_on_disk():
                return set()
            with self.lock:
                return self._load()

    def flush(self) -> set[str]:
        """Write pending changes; return ids changed by other processes meanwhile."""
        with self._mutex:
            if not self._pending:
                return set()
            with self.lock:
                outside = self._load() if self.storage.changed_on_disk() else set()
                self._writing = True  # first: ``dirty`` is read without the mutex
                pending, self._pending = self._pending, {}
                try:
                    self._write(pending)
                except BaseException:
                    for pid, fields in pending.items():  # keep them for the next try
                        self._pending.setdefault(pid, {}).update(fields)
                    raise
                finally:
                    self._writing = False
            return outside

    def _write(self, pending: dict[str, dict[str, Any]]) -> None:
        existing = {self._doc_ids[pid]: fields for pid, fields in pending.items() if pid in self._doc_ids}
        new = [pid for pid in pending if pid not in self._doc_ids]
        with self.storage.batch():
            if existing:
                self.table.update(lambda doc: doc.update(pending[doc["id"]]), doc_ids=list(existing))
            if new:
                # Explicit ids: TinyDB caches its next id, which another process may have used.
                first = self._max_doc_id + 1
                self._max_doc_id += len(new)
                docs = [
                    Document(full_record(self._records[pid]), doc_id=first + i) for i, pid in enumerate(new)
                ]
                self.table.insert_multiple(docs)
                for doc in docs:  # memory now matches the file, so a reload sees no change
                    self._records[doc["id"]] = dict(doc)
                self._doc_ids.update((pid, first + i) for i, pid in enumerate(new))

    def forget(self, pids: Iterable[str]) -> None:
        """Drop the state of papers that left the library (saved at once, under the lock)."""
        with self._mutex, self.lock:
            if self.storage.changed_on_disk():
                self._load()
            gone = {pid for pid in pids if pid in self._records}
            if not gone:
                return
            doc_ids = [self._doc_ids[pid] for pid in gone if pid in self._doc_ids]
            if doc_ids:
                self.table.remove(doc_ids=doc_ids)
            for pid in gone:
                self._records.pop(pid, None)
                self._pending.pop(pid, None)
                self._doc_ids.pop(pid, None)
            self._recount()
            self.version += 1

    def close(self) -> None:
        self.flush()
        self.db.close()


def search_text(record: dict[str, Any]) -> str:
    note, tags = record.get("note") or "", record.get("tags") or ()
    return f"{note}\n{' '.join(tags)}" if tags else note


def full_record(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with every state field and its time, defaults filled in."""
    full = {"id": record["id"]}
    for key in STATE_FIELDS:
        value = record.get(key, PaperState.DEFAULTS[key])
        full[key] = list(value) if isinstance(value, list) else value
        full[f"{key}_at"] = record.get(f"{key}_at")
    return full


class Flushable(Protocol):
    def flush(self) -> set[str]: ...


class Saver:
    """A background thread that flushes a StateStore (or a Library) soon after each change."""

    def __init__(
        self,
        store: Flushable,
        delay: float = 0.2,
        on_saved: Callable[[set[str]], None] | None = None,
        on_error: Callable[[ReadlistError | OSError], None] | None = None,
    ) -> None:
        self.store = store
        self.delay = delay
        self.on_saved = on_saved
        self.on_error = on_error
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="readlist-saver", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            # Let a burst of changes become one write; a stop cuts the wait short (and flushes).
            if self._stopping.is_set() or self._stopping.wait(self.delay):
                return
            self._flush_once()

    def _flush_once(self) -> None:
        try:
            outside = self.store.flush()
        except (ReadlistError, OSError) as exc:
            if self.on_error:
                self.on_error(exc)
            self._stopping.wait(1.0)
            self._wake.set()  # retry: the change stays pending, never dropped
            return
        if self.on_saved:
            self.on_saved(outside)

    def stop(self) -> None:
        """Stop the thread and flush whatever is still pending, on this thread."""
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout=5)  # at most the flush under way: the waits end at once
        self.store.flush()
