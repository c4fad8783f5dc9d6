"""Undo and redo of state changes; the last few steps outlive a restart.

A step is what one user action changed: for each paper, the fields before and
after. A bulk action ("mark all shown as read") is one step however many papers
it touches. The history is a convenience, not a record: ``undo.json`` is written
atomically beside the state, and a damaged one only means an empty history.

What is saved stays small: at most ``KEEP`` steps of each stack, and only the newest
steps while their papers add up to at most ``KEEP_PAPERS`` (undo first, then redo).
A bulk step over more papers than that is undoable in this session only; otherwise
it would be rewritten on every later change and parsed at every start-up.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from readlist.core.state import STATE_FIELDS
from readlist.core.storage import write_atomic

UNDO_FILE = "undo.json"
LIMIT = 200  # steps held in memory
KEEP = 20  # steps kept on disk for the next session
KEEP_PAPERS = 20_000  # papers, over all steps kept on disk

Fields = dict[str, Any]


@dataclass(slots=True)
class Step:
    label: str
    before: dict[str, Fields]
    after: dict[str, Fields]

    def to_record(self) -> dict[str, Any]:
        return {"label": self.label, "before": self.before, "after": self.after}

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Step:
        before, after = rec["before"], rec["after"]
        if not (isinstance(rec["label"], str) and isinstance(before, dict) and isinstance(after, dict)):
            raise TypeError("not an undo step")
        for fields in (*before.values(), *after.values()):
            if not isinstance(fields, dict) or not set(fields) <= set(STATE_FIELDS):
                raise TypeError("not an undo step")
        return cls(rec["label"], before, after)


class UndoLog:
    """Two stacks of steps, saved on demand (by the saver thread, not the UI)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.done: list[Step] = []
        self.undone: list[Step] = []
        self._dirty = False
        self._mutex = threading.Lock()
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            data = orjson.loads(path.read_bytes())
            self.done = [Step.from_record(r) for r in data["done"]]
            self.undone = [Step.from_record(r) for r in data["undone"]]
        except (OSError, ValueError, TypeError, KeyError):
            self.done, self.undone = [], []

    def push(self, step: Step) -> None:
        with self._mutex:
            self.done = [*self.done[-(LIMIT - 1) :], step]
            self.undone = []
            self._dirty = True

    def undo(self) -> Step | None:
        return self._move(self.done, self.undone)

    def redo(self) -> Step | None:
        return self._move(self.undone, self.done)

    def _move(self, source: list[Step], target: list[Step]) -> Step | None:
        with self._mutex:
            if not source:
                return None
            step = source.pop()
            target.append(step)
            self._dirty = True
            return step

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        with self._mutex:
            budget = KEEP_PAPERS
            kept: dict[str, list[dict[str, Any]]] = {}
            for name, steps in (("done", self.done), ("undone", self.undone)):
                newest: list[dict[str, Any]] = []
                for step in reversed(steps[-KEEP:]):
                    budget -= len(step.after)
                    if budget < 0:
                        break
                    newest.append(step.to_record())
                kept[name] = newest[::-1]
            self._dirty = False
        try:
            write_atomic(self.path, orjson.dumps(kept))
        except BaseException:
            self._dirty = True
            raise
