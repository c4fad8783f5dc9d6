"""``readlist sync``: this machine's changes out, the other machines' in, nothing lost.

1. The library is written as the repository's files and committed on ``main`` (merged with
   what ``main`` holds beyond the last version the library took in, see repo.py).
2. The remote's ``main`` is fetched and merged (trees.py), as a merge commit with both parents.
3. The result is pushed. A push refused because another machine pushed meanwhile goes back to 2,
   a few times.
4. Only then does the library take in the result (local.py), and ``refs/readlist/applied``
   records that it did.

A failure at any step leaves ``library.json`` and ``state.json`` as they were; a sync killed at
any point is completed by the next one.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from readlist.core.errors import LockTimeout, SyncError
from readlist.core.library import Library
from readlist.core.paths import ensure_dir
from readlist.core.storage import FileLock
from readlist.core.sync.local import Applied, apply, export_library
from readlist.core.sync.records import MARKER, README, Tree
from readlist.core.sync.repo import APPLIED, MAIN, SYNC_DIR, SyncRepo, hostname
from readlist.core.sync.settings import Settings
from readlist.core.sync.trees import Files, changed_papers, merge_trees, same
from readlist.core.text import plural

PUSH_ATTEMPTS = 5
SYNC_LOCK = ".sync-lock"


@dataclass
class SyncReport:
    remote: str
    sent: int = 0  # papers whose record or state the push changed on the remote
    received: Applied = field(default_factory=Applied)

    def summary(self) -> str:
        got = self.received
        done = [f"sent the changes of {plural(self.sent, 'paper')}"] if self.sent else []
        if got.changed:
            new = f" ({plural(got.new, 'new paper')})" if got.new else ""
            done.append(f"received the changes of {plural(max(got.papers, got.state), 'paper')}{new}")
        return f"synced with {self.remote}: {', '.join(done) or 'already up to date'}"


@contextlib.contextmanager
def _sync_lock(folder: Path) -> Iterator[None]:
    try:
        with FileLock(ensure_dir(folder) / SYNC_LOCK, timeout=2.0):
            yield
    except LockTimeout:
        raise SyncError("sync: another sync of this library is running") from None


def sync(
    folder: Path, remote: str | None = None, *, library: Library | None = None, deadline: float | None = None
) -> SyncReport:
    """Sync the library in ``folder`` (``library``, or one opened here) with its remote (set to
    ``remote`` when given). ``deadline`` (``time.monotonic()``) bounds the whole sync."""
    with _sync_lock(folder):
        repo = SyncRepo.open(folder, remote, deadline)
        with repo.keeping_remote_on_failure():
            repo.clear_stale_locks()
            settings = Settings.load(repo.dir)
            own = library is None
            library = library or Library(folder)
            try:
                report = _sync(repo, library, settings)
            finally:
                if own:
                    library.close()
        settings.keys, settings.last_sync = report.received.keys, time.time()
        settings.save(repo.dir)
        return report


def _sync(repo: SyncRepo, library: Library, settings: Settings) -> SyncReport:
    report = SyncReport(repo.remote)
    files = Files(repo.read)
    head, applied = repo.ref(MAIN), repo.ref(APPLIED)
    head_tree = repo.tree(head)
    export = export_library(library, head_tree, files, settings.keys, settings.papers)
    mine = export.tree if applied == head else merge_trees(repo.tree(applied), export.tree, head_tree, files)
    # The export's files are all in the repository once ``mine`` is committed, if ``mine`` is the export.
    settings.papers = export.papers if mine is export.tree else None
    if _differ(mine, head_tree) and (
        head is not None or mine.keys() - {MARKER, README}
    ):  # an empty library adds nothing
        count = changed_papers(head_tree, mine, files)
        new = repo.commit(
            mine, [head] if head else [], f"{hostname()}: the changes of {plural(count, 'paper')}"
        )
        repo.move(MAIN, new, head)
        head = new
    head = _exchange(repo, head, files, report)
    report.received = apply(library, export, repo.tree(head), files)
    if head is not None:
        repo.move(APPLIED, head, applied)
    return report


def _differ(one: Tree, other: Tree) -> bool:
    return one.keys() != other.keys() or any(not same(one[path], other[path]) for path in one)


def _exchange(repo: SyncRepo, head: str | None, files: Files, report: SyncReport) -> str | None:
    """Fetch, merge and push until the remote takes ``main``; the version both now hold."""
    for _ in range(PUSH_ATTEMPTS):
        theirs = repo.fetch()
        if theirs is not None and theirs != head:
            head = _merge(repo, head, theirs, files)
        if head is None or head == theirs:
            return head
        if repo.push(head):
            report.sent = changed_papers(repo.tree(theirs), repo.tree(head), files)
            return head
    raise SyncError(
        f"sync: {repo.remote} kept changing while this sync merged ({PUSH_ATTEMPTS} tries); nothing was "
        "lost: run readlist sync again"
    )


def _merge(repo: SyncRepo, head: str | None, theirs: str, files: Files) -> str:
    if head is not None and repo.is_ancestor(theirs, head):
        return head
    if head is None or repo.is_ancestor(head, theirs):
        new = theirs
    else:
        base = repo.merge_base(head, theirs)
        tree = merge_trees(repo.tree(base), repo.tree(head), repo.tree(theirs), files)
        new = repo.commit(tree, [head, theirs], f"{hostname()}: merge the changes from {repo.remote}")
    repo.move(MAIN, new, head)
    return new


@dataclass
class SyncStatus:
    remote: str
    last_sync: float | None
    auto: bool
    ahead: int  # papers changed here since the last sync
    behind: int | None  # papers changed on the remote since (None: the remote could not be asked)
    error: str | None = None  # why not


def status(folder: Path, library: Library) -> SyncStatus:
    """Where this library stands against its remote (the remote is fetched, nothing merged)."""
    with _sync_lock(folder):
        repo = SyncRepo.open(folder)
        repo.clear_stale_locks()
        settings = Settings.load(repo.dir)
        files = Files(repo.read)
        applied = repo.ref(APPLIED)
        export = export_library(library, repo.tree(repo.ref(MAIN)), files, settings.keys, settings.papers)
        ahead = changed_papers(repo.tree(applied), export.tree, files)
        found = SyncStatus(repo.remote, settings.last_sync, settings.auto, ahead, None)
        try:
            theirs = repo.fetch()
        except SyncError as exc:
            found.error = str(exc)
            return found
        found.behind = 0
        if theirs is not None and not (applied and repo.is_ancestor(theirs, applied)):
            base = repo.merge_base(applied, theirs) if applied else None
            found.behind = changed_papers(repo.tree(base), repo.tree(theirs), files)
        return found


def set_auto(folder: Path, on: bool) -> None:
    """Turn syncing at the app's start and quit on or off."""
    repo = SyncRepo.open(folder)
    settings = Settings.load(repo.dir)
    settings.auto = on
    settings.save(repo.dir)


def auto_enabled(folder: Path) -> bool:
    """Whether the app syncs at start and quit (never when sync is not set up); reads no git."""
    repo_dir = folder / SYNC_DIR
    return repo_dir.is_dir() and Settings.load(repo_dir).auto
