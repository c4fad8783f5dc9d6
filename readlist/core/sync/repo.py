"""readlist's sync repository: a bare git repository in the data folder (``sync/``).

It has no working tree and no index: commits are made from the files in memory
(``git fast-import``), so there is no checkout to leave half-written and git never merges, or
writes a conflict marker into, a data file. The refs it keeps:

- ``refs/heads/main``: this machine's latest version (what it pushes to the remote's ``main``);
- ``refs/remotes/origin/main``: the remote's ``main`` as last fetched;
- ``refs/readlist/applied``: the version the library last took in whole. The next sync reads
  the library's changes against it, so a sync stopped after its merge but before it reached
  the library (killed, the machine off) is completed by the next one.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from readlist.core.errors import SyncError
from readlist.core.paths import ensure_dir
from readlist.core.sync.git import Git, remote_failure
from readlist.core.sync.records import MARKER, Blob, Tree, check_marker
from readlist.core.sync.trees import same

SYNC_DIR = "sync"
MAIN = "refs/heads/main"
REMOTE_MAIN = "refs/remotes/origin/main"
APPLIED = "refs/readlist/applied"
STAGED = "refs/readlist/staged"  # where a commit is made before main moves to it
OURS = "readlist.syncversion"  # set in the repository's config: it is readlist's
ZERO = "0" * 40
READLIST_IDENTITY = ("readlist", "readlist@localhost")
_SCP_LIKE = re.compile(r"^[\w.-]+@?[\w.-]*:")  # host:path or user@host:path, git's ssh shorthand


def remote_address(remote: str) -> str:
    """A remote as git should be given it: a local path made absolute (git runs elsewhere)."""
    if "://" in remote or _SCP_LIKE.match(remote):
        return remote
    return str(Path(remote).expanduser().resolve())


class SyncRepo:
    def __init__(self, folder: Path, deadline: float | None = None) -> None:
        self.dir = folder / SYNC_DIR
        self.git = Git(self.dir, deadline)
        # The remote before ``open`` set another, and its main; and whether this sync reached the new one.
        self._replaced: tuple[str, str | None] | None = None
        self._reached = False

    @classmethod
    def open(cls, folder: Path, remote: str | None = None, deadline: float | None = None) -> SyncRepo:
        """The folder's sync repository, made on the first sync (``remote`` is then required);
        given a remote, the repository syncs with it from now on."""
        repo = cls(folder, deadline)
        if not repo.dir.exists():
            if remote is None:
                raise SyncError(
                    "sync: not set up yet: run 'readlist sync REMOTE' once, with an empty private "
                    "repository (ssh, https, a local path or a bare repository)"
                )
            repo._create()
        repo._check_ours()
        if remote is not None:
            repo._replaced = (repo.remote, repo.ref(REMOTE_MAIN))
            repo._set_remote(remote_address(remote))
        elif not repo.remote:
            raise SyncError("sync: no remote set: run 'readlist sync REMOTE'")
        return repo

    def _create(self) -> None:
        """A new repository, made beside its place and moved in once it is whole."""
        ensure_dir(self.dir.parent)
        tmp = Path(tempfile.mkdtemp(prefix=".sync-new-", dir=self.dir.parent))
        try:
            git = Git(tmp, self.git.deadline)
            git.run("init", "--bare", "--quiet", "--initial-branch=main")
            git.run("config", "gc.autoDetach", "false")  # no gc left running after readlist ends
            git.run("config", OURS, "1")
            os.rename(tmp, self.dir)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _check_ours(self) -> None:
        found = (
            self.git.run("config", "--get", OURS, ok=(0, 1, 128)).text
            if (self.dir / "config").is_file()
            else ""
        )
        if found != "1":
            raise SyncError(
                f"sync: {self.dir} is not readlist's sync repository; it was left alone (move it "
                "elsewhere to start afresh)"
            )

    @property
    def remote(self) -> str:
        return self.git.run("config", "--get", "remote.origin.url", ok=(0, 1)).text

    def _set_remote(self, url: str) -> None:
        if url != self.remote:
            self.git.run("config", "remote.origin.url", url)
            self.git.run("update-ref", "-d", REMOTE_MAIN)  # what another remote held says nothing of this one

    @contextlib.contextmanager
    def keeping_remote_on_failure(self) -> Iterator[None]:
        """A sync that was given a new remote and could not reach it leaves the remote it had
        before in place: a mistyped address does not take over the syncs that follow. Once the
        new remote has answered, it stays (what it holds may be merged in already)."""
        try:
            yield
        except BaseException:
            if self._replaced is not None and not self._reached:
                before, held = self._replaced
                if before and before != self.remote:
                    self.git.run("config", "remote.origin.url", before)
                    if held is not None:
                        self.git.run("update-ref", REMOTE_MAIN, held)
            raise

    def clear_stale_locks(self) -> None:
        """Lock files a git command killed half-way left (the caller holds the sync lock, so no
        git of ours runs now)."""
        for lock in self.dir.rglob("*.lock"):
            if "objects" not in lock.relative_to(self.dir).parts:
                with contextlib.suppress(OSError):
                    lock.unlink()

    # -- reading -------------------------------------------------------------------------------

    def ref(self, name: str) -> str | None:
        found = self.git.run("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", ok=(0, 1)).text
        return found or None

    def tree(self, commit: str | None) -> Tree:
        if commit is None:
            return {}
        out = self.git.run("ls-tree", "-r", "-z", "--full-tree", commit).out
        tree: Tree = {}
        for entry in filter(None, out.split(b"\0")):
            info, path = entry.split(b"\t", 1)
            tree[path.decode("utf-8", "replace")] = Blob(info.split()[2].decode())
        return tree

    def read(self, blobs: list[Blob]) -> list[bytes]:
        """The contents of blobs, read in one go."""
        out = self.git.run("cat-file", "--batch", input="".join(f"{b.id}\n" for b in blobs).encode()).out
        found, at = [], 0
        for blob in blobs:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            if len(header) != 3 or header[0].decode() != blob.id:
                raise SyncError(f"sync: {self.dir}: object {blob.id} is missing")
            size = int(header[2])
            found.append(out[end + 1 : end + 1 + size])
            at = end + 1 + size + 1
        return found

    def is_ancestor(self, one: str, other: str) -> bool:
        return self.git.run("merge-base", "--is-ancestor", one, other, ok=(0, 1)).code == 0

    def merge_base(self, one: str, other: str) -> str | None:
        return self.git.run("merge-base", one, other, ok=(0, 1)).text or None

    # -- writing -------------------------------------------------------------------------------

    def identity(self) -> tuple[str, str]:
        """Who commits: the user's git identity, or readlist's own when git has none."""
        email = self.git.run("config", "--get", "user.email", ok=(0, 1)).text
        if not email:
            return READLIST_IDENTITY
        return self.git.run("config", "--get", "user.name", ok=(0, 1)).text or READLIST_IDENTITY[0], email

    def commit(self, tree: Tree, parents: list[str], message: str) -> str:
        """A commit of ``tree`` on ``parents`` (the first one's files are the starting point)."""
        start = self.tree(parents[0]) if parents else {}
        name, email = (re.sub(r"[<>\n]", "", part) for part in self.identity())
        text = f"{message}\n".encode()
        stream = [
            f"reset {STAGED}\ncommit {STAGED}\ncommitter {name} <{email}> {int(time.time())} +0000\n".encode(),
            b"data %d\n" % len(text),
            text,
        ]
        stream += [f"from {parents[0]}\n".encode()] if parents else []
        stream += [f"merge {parent}\n".encode() for parent in parents[1:]]
        for path in sorted(tree):
            blob = tree[path]
            if same(start.get(path), blob):
                continue
            if blob.data is None:
                stream.append(f"M 100644 {blob.id} {path}\n".encode())
            else:
                stream += [
                    f"M 100644 inline {path}\n".encode(),
                    b"data %d\n" % len(blob.data),
                    blob.data,
                    b"\n",
                ]
        stream += [f"D {path}\n".encode() for path in sorted(start.keys() - tree.keys())]
        stream.append(b"\ndone\n")
        self.git.run("fast-import", "--quiet", "--force", "--done", input=b"".join(stream))
        made = self.ref(STAGED)
        assert made is not None
        return made

    def move(self, name: str, new: str, old: str | None) -> None:
        """Point ref ``name`` at ``new``, if it still points at ``old`` (None: if it is not there)."""
        self.git.run("update-ref", name, new, old or ZERO)

    # -- the remote ----------------------------------------------------------------------------

    def fetch(self) -> str | None:
        """The remote's version (None while the remote is empty); SyncError when it is out of reach
        or holds something that is not a readlist sync repository."""
        theirs = self._fetch()
        self._reached = True  # it answered as a sync repository: a failure from now on is not its address
        return theirs

    def _fetch(self) -> str | None:
        remote = self.remote
        if self.ref(REMOTE_MAIN) is None and not self._remote_has_main(remote):
            return None
        result = self.git.run(
            "fetch",
            "--quiet",
            "--no-tags",
            "origin",
            f"+refs/heads/main:{REMOTE_MAIN}",
            ok=(0, 1, 128),
            network=True,
        )
        if result.code != 0:
            if "couldn't find remote ref" in result.err and not self._remote_has_main(remote):
                self.git.run("update-ref", "-d", REMOTE_MAIN)
                return None  # emptied since the last sync: this machine's version fills it again
            raise remote_failure("fetching from", remote, result.err)
        theirs = self.ref(REMOTE_MAIN)
        assert theirs is not None
        marker = self.tree(theirs).get(MARKER)
        check_marker(self.read([marker])[0] if marker else None, remote)
        return theirs

    def _remote_has_main(self, remote: str) -> bool:
        """False for an empty remote; SyncError for one holding other branches but no ``main``."""
        result = self.git.run("ls-remote", "origin", ok=(0, 1, 2, 128), network=True)
        if result.code != 0:
            raise remote_failure("looking at", remote, result.err)
        refs = {line.split("\t")[-1] for line in result.text.splitlines() if "\t" in line}
        if "refs/heads/main" in refs:
            return True
        if refs:
            check_marker(None, remote)  # something else lives there
        return False

    def push(self, commit: str) -> bool:
        """Push ``commit`` to the remote's main: False when the remote moved on meanwhile."""
        remote = self.remote
        result = self.git.run(
            "push", "--porcelain", "origin", f"{commit}:refs/heads/main", ok=(0, 1, 128), network=True
        )
        refused = [line for line in result.text.splitlines() if line.startswith("!")]
        if refused:
            if re.search(r"\[rejected\].*\((fetch first|non-fast-forward)\)", refused[0]):
                return False
            reason = refused[0].split("\t")[-1].strip("[] ")
            raise SyncError(f"sync: {remote} refused the push ({reason})")
        if result.code != 0:
            raise remote_failure("pushing to", remote, result.err)
        self.git.run("update-ref", REMOTE_MAIN, commit)
        return True


def hostname() -> str:
    return socket.gethostname() or "this machine"
