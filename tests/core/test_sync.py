"""readlist sync between data folders through a local bare repository (no network)."""

from __future__ import annotations

import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from readlist.core.errors import SyncError
from readlist.core.model import Paper
from readlist.core.sync import local, run
from readlist.core.sync import repo as repo_module
from readlist.core.sync.merge import NOTE_SEPARATOR
from readlist.core.sync.records import MARKER, README, STATE
from readlist.core.sync.repo import APPLIED, MAIN, SYNC_DIR, SyncRepo
from tests.core.conftest import JUL28, MAR14
from tests.helpers.sync_machines import Machine, bare_repo, git, two_machines


def test_done_when_changes_on_both_sides_end_up_identical_by_the_rules(tmp_path: Path) -> None:
    laptop, desktop, remote = two_machines(tmp_path)
    laptop.sync(remote)
    desktop.sync(remote)
    assert desktop.titles() == laptop.titles()
    p = laptop.ids()
    laptop.mark(p[0], starred=True)
    laptop.mark(p[1], starred=True)
    laptop.mark(p[2], tags=["rl", "vision"])
    laptop.mark(p[3], note="first look")
    laptop.sync()
    desktop.sync()
    # Now both sides change things, the desktop second (so its changes are the later ones).
    laptop.mark(p[0], starred=False)  # unstar here...
    laptop.mark(p[3], note="laptop: the method is neat")  # two different notes on one paper
    laptop.mark(p[2], tags=["vision"])  # ...a tag removed here, untouched there
    laptop.mark(p[4], read=True)
    desktop.mark(p[1], starred=False)  # unstar there
    desktop.mark(p[3], note="desktop: check the ablations")
    desktop.mark(p[4], tags=["to-read"])
    desktop.mark(p[0], read=True)
    laptop.sync()
    desktop.sync()
    laptop.sync()  # a second round: each sees everything
    desktop.sync()
    assert laptop.state() == desktop.state()
    state = laptop.state()
    assert state[p[0]] == {"read": True, "starred": False, "note": "", "tags": ()}
    assert p[1] not in state  # starred on the laptop, unstarred on the desktop later
    assert state[p[2]]["tags"] == ("vision",)
    assert (
        state[p[3]]["note"] == "desktop: check the ablations" + NOTE_SEPARATOR + "laptop: the method is neat"
    )
    assert state[p[4]] == {"read": True, "starred": False, "note": "", "tags": ("to-read",)}
    assert laptop.sync().summary().endswith("already up to date")


def test_an_unreachable_remote_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    laptop, _, remote = two_machines(tmp_path)
    laptop.sync(remote)
    laptop.mark(laptop.ids()[0], starred=True)
    before = laptop.data_bytes()
    remote.rename(tmp_path / "moved.git")
    with pytest.raises(SyncError) as failure:
        laptop.sync()
    assert str(failure.value).startswith(f"sync: cannot reach {remote}")
    assert "\n" not in str(failure.value)
    assert laptop.data_bytes() == before
    (tmp_path / "moved.git").rename(remote)
    laptop.sync()  # back: the star goes out
    desktop = Machine(tmp_path / "desktop")
    desktop.sync(remote)
    assert desktop.state() == laptop.state() != {}


def test_an_unreachable_http_remote_fails_at_once(tmp_path: Path) -> None:
    laptop, _, _ = two_machines(tmp_path)
    before = laptop.data_bytes()
    with pytest.raises(SyncError, match=r"^sync: cannot reach http://127\.0\.0\.1:9/"):
        laptop.sync("http://127.0.0.1:9/reading.git")
    assert laptop.data_bytes() == before


def test_a_new_remote_that_fails_leaves_the_one_before(tmp_path: Path) -> None:
    """A mistyped address given to readlist sync fails in one line, and the next plain sync
    goes to the remote that worked, with what it knew of it."""
    laptop, _, remote = two_machines(tmp_path)
    laptop.sync(remote)
    sync_dir = laptop.folder / SYNC_DIR
    held = git(sync_dir, "rev-parse", "refs/remotes/origin/main")
    with pytest.raises(SyncError, match="^sync: cannot reach"):
        laptop.sync(tmp_path / "typo.git")
    assert git(sync_dir, "config", "--get", "remote.origin.url").strip() == str(remote)
    assert git(sync_dir, "rev-parse", "refs/remotes/origin/main") == held
    laptop.mark(laptop.ids()[0], starred=True)
    assert laptop.sync().sent == 1


def test_a_new_remote_that_answered_stays_when_the_sync_fails_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fetched from and merged, then refused the push: the new remote stays, so what it brought
    goes back to it next time, and never to the remote before it."""
    laptop, other, first = two_machines(tmp_path)
    laptop.sync(first)
    second = bare_repo(tmp_path / "second.git")
    other.sync(second)  # a remote with papers of its own

    def refused(self: SyncRepo, commit: str) -> bool:
        raise SyncError("sync: refused by a hook")

    with monkeypatch.context() as patch, pytest.raises(SyncError, match="refused"):
        patch.setattr(SyncRepo, "push", refused)
        laptop.sync(second)
    sync_dir = laptop.folder / SYNC_DIR
    assert git(sync_dir, "config", "--get", "remote.origin.url").strip() == str(second)
    before = git(first, "rev-parse", "main")
    laptop.sync()
    assert git(first, "rev-parse", "main") == before  # the first remote got nothing of the second's


def test_the_first_sync_of_a_new_machine_brings_everything(tmp_path: Path) -> None:
    laptop, desktop, remote = two_machines(tmp_path)
    laptop.mark(laptop.ids()[0], note="kept", tags=["a"])
    assert laptop.sync(remote).sent == len(laptop.ids())
    report = desktop.sync(remote)
    assert report.received.new == len(laptop.ids())
    assert git(remote, "rev-list", "--count", "main") == "1\n"  # the empty library made no commit
    assert desktop.titles() == laptop.titles() and desktop.state() == laptop.state()
    with desktop.library() as library:  # the digests came with their dates
        assert library.digest_dates() == {
            "Mar 14": library.digest_dates()["Mar 14"],
            "Mar 15": library.digest_dates()["Mar 15"],
        }


def test_two_libraries_synced_for_the_first_time_are_merged(tmp_path: Path) -> None:
    """Unrelated histories: every paper of both, and the state of both (as an import merges it)."""
    laptop, _, remote = two_machines(tmp_path)
    desktop = Machine(tmp_path / "desktop", (JUL28, "jul28.txt"), (MAR14, "mar14.txt"))
    shared = sorted(set(laptop.ids()) & set(desktop.ids()))[0]
    laptop.mark(shared, note="from the laptop", starred=True)
    desktop.mark(shared, note="from the desktop", tags=["x"])
    laptop.sync(remote)
    desktop.sync(remote)
    laptop.sync()
    assert laptop.titles() == desktop.titles() == laptop.titles() | desktop.titles()
    assert laptop.state() == desktop.state()
    state = laptop.state()[shared]
    assert state["starred"] and state["tags"] == ("x",)
    assert "from the laptop" in state["note"] and "from the desktop" in state["note"]


def test_a_push_refused_because_the_other_machine_pushed_is_merged_and_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, desktop, remote = two_machines(tmp_path)
    laptop.sync(remote)
    desktop.sync(remote)
    p = laptop.ids()
    laptop.mark(p[0], starred=True)
    desktop.mark(p[1], read=True)
    pushes: list[bool] = []
    real_fetch, real_push = SyncRepo.fetch, SyncRepo.push

    def fetch_then_desktop_pushes(self: SyncRepo) -> str | None:
        theirs = real_fetch(self)
        if not pushes and self.dir == laptop.folder / SYNC_DIR:
            patch.setattr(SyncRepo, "fetch", real_fetch)  # once
            desktop.sync()  # pushes between the laptop's fetch and its push
        return theirs

    def push(self: SyncRepo, commit: str) -> bool:
        done = real_push(self, commit)
        if self.dir == laptop.folder / SYNC_DIR:
            pushes.append(done)
        return done

    with monkeypatch.context() as patch:  # only this: undo() would also undo isolated_data's
        patch.setattr(SyncRepo, "fetch", fetch_then_desktop_pushes)
        patch.setattr(SyncRepo, "push", push)
        laptop.sync()
    assert pushes[:1] == [False] and pushes[-1] is True  # refused once, then merged and taken
    desktop.sync()
    assert laptop.state() == desktop.state()
    assert laptop.state()[p[0]]["starred"] and laptop.state()[p[1]]["read"]


def test_a_remote_that_keeps_moving_is_given_up_after_a_few_tries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, _, remote = two_machines(tmp_path)
    laptop.sync(remote)
    laptop.mark(laptop.ids()[0], starred=True)
    before = laptop.data_bytes()
    with monkeypatch.context() as patch, pytest.raises(SyncError, match="kept changing"):
        patch.setattr(SyncRepo, "push", lambda self, commit: False)
        laptop.sync()
    assert laptop.data_bytes() == before
    laptop.sync()
    assert git(remote, "log", "--oneline", "main").count("\n") == 2


@pytest.mark.parametrize(
    "content", ["another project", "a main branch without readlist's files", "newer readlist"]
)
def test_a_remote_holding_something_else_is_refused(tmp_path: Path, content: str) -> None:
    laptop, _, _ = two_machines(tmp_path)
    other = tmp_path / "other"
    subprocess.run(
        [
            "git",
            "init",
            "--quiet",
            "--initial-branch=main" if content != "another project" else "--initial-branch=trunk",
            str(other),
        ],
        check=True,
    )
    if content == "newer readlist":
        (other / MARKER).write_text('{"format": "readlist-sync", "version": 99}\n')
    else:
        (other / "setup.py").write_text("print('hello')\n")
    subprocess.run(["git", "-C", str(other), "add", "."], check=True)
    subprocess.run(
        ["git", "-C", str(other), "-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qm", "x"],
        check=True,
    )
    before = laptop.data_bytes()
    expected = "newer readlist" if content == "newer readlist" else "not a readlist sync repository"
    with pytest.raises(SyncError, match=expected):
        laptop.sync(other)
    assert laptop.data_bytes() == before
    assert git(other / ".git", "log", "--oneline", "--all").count("\n") == 1  # nothing pushed there


def test_git_missing_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    laptop, _, remote = two_machines(tmp_path)
    before = laptop.data_bytes()
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    with pytest.raises(SyncError, match="^sync: git is not installed"):
        laptop.sync(remote)
    assert laptop.data_bytes() == before and not (laptop.folder / SYNC_DIR).exists()


def test_a_folder_in_the_way_that_is_not_ours_is_left_alone(tmp_path: Path) -> None:
    laptop, _, remote = two_machines(tmp_path)
    (laptop.folder / SYNC_DIR).mkdir()
    (laptop.folder / SYNC_DIR / "notes.txt").write_text("mine")
    with pytest.raises(SyncError, match="is not readlist's sync repository"):
        laptop.sync(remote)
    assert [p.name for p in (laptop.folder / SYNC_DIR).iterdir()] == ["notes.txt"]


def test_a_data_folder_inside_a_users_repository_never_touches_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outer = tmp_path / "project"
    subprocess.run(["git", "init", "--quiet", str(outer)], check=True)
    (outer / "paper.tex").write_text("\\begin{document}")
    subprocess.run(["git", "-C", str(outer), "add", "."], check=True)
    subprocess.run(
        ["git", "-C", str(outer), "-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qm", "x"],
        check=True,
    )
    refs_before = git(outer / ".git", "for-each-ref")
    config_before = (outer / ".git" / "config").read_bytes()
    index_before = (outer / ".git" / "index").read_bytes()
    laptop = Machine(outer / "notes" / "readlist", (MAR14, "mar14.txt"))
    remote = bare_repo(tmp_path / "remote.git")
    monkeypatch.chdir(outer)
    monkeypatch.setenv("GIT_DIR", str(outer / ".git"))  # even pointed at it, git works on readlist's own
    laptop.sync(remote)
    laptop.mark(laptop.ids()[0], starred=True)
    laptop.sync()
    assert git(outer / ".git", "for-each-ref") == refs_before
    assert (outer / ".git" / "config").read_bytes() == config_before
    assert (outer / ".git" / "index").read_bytes() == index_before
    assert "readlist-sync.json" in git(remote, "ls-tree", "--name-only", "main")


def test_commits_carry_readlists_identity_when_git_has_none_and_the_users_when_it_has(tmp_path: Path) -> None:
    laptop, _, remote = two_machines(tmp_path)
    laptop.sync(remote)
    assert git(remote, "log", "-1", "--format=%cn <%ce>", "main").strip() == "readlist <readlist@localhost>"
    (tmp_path / "home" / ".gitconfig").parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "home" / ".gitconfig").write_text("[user]\n\tname = Ada\n\temail = ada@example.org\n")
    laptop.mark(laptop.ids()[0], read=True)
    laptop.sync()
    assert git(remote, "log", "-1", "--format=%cn <%ce>", "main").strip() == "Ada <ada@example.org>"


def test_the_repository_is_git_friendly(tmp_path: Path) -> None:
    laptop, _, remote = two_machines(tmp_path)
    laptop.mark(laptop.ids()[0], starred=True)
    laptop.sync(remote)
    laptop.mark(laptop.ids()[0], starred=False)
    laptop.sync()
    names = git(remote, "ls-tree", "-r", "--name-only", "main").split()
    assert {MARKER, README, STATE, "digests.jsonl"} <= set(names)
    assert all(
        name.startswith("papers/") for name in names if name not in {MARKER, README, STATE, "digests.jsonl"}
    )
    diff = git(remote, "diff", "main~1", "main", "--numstat").split("\n")
    assert [line.split("\t")[2] for line in diff if line] == [STATE]  # a star is one changed line
    assert git(remote, "diff", "main~1", "main", "--numstat").split("\t")[:2] == ["1", "1"]
    assert not any(
        name.endswith((".lock", ".json.tmp")) or "cache" in name or "backups" in name for name in names
    )


def test_a_sync_stopped_after_the_push_is_finished_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped before the library took in the merge: the next sync brings it, and loses nothing."""
    laptop, desktop, remote = two_machines(tmp_path)
    laptop.sync(remote)
    desktop.sync(remote)
    p = laptop.ids()
    desktop.mark(p[0], note="desktop note")
    desktop.sync()
    laptop.mark(p[1], starred=True)
    before = laptop.data_bytes()

    def dies(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the process ends here, with the merge pushed

    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(run, "apply", dies)
        laptop.sync()
    assert laptop.data_bytes() == before
    laptop.mark(p[2], read=True)  # and a change made in between
    laptop.sync()
    desktop.sync()
    assert laptop.state() == desktop.state()
    assert laptop.state()[p[0]]["note"] == "desktop note"
    assert laptop.state()[p[1]]["starred"] and laptop.state()[p[2]]["read"]
    sync_dir = laptop.folder / SYNC_DIR
    assert git(sync_dir, "rev-parse", APPLIED) == git(sync_dir, "rev-parse", MAIN)


def test_a_change_made_while_the_sync_runs_is_kept_and_sent_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, desktop, remote = two_machines(tmp_path)
    laptop.sync(remote)
    desktop.sync(remote)
    p = laptop.ids()
    desktop.mark(p[0], tags=["desk"])
    desktop.sync()
    real = run._exchange

    def exchange_while_the_app_writes(*args: object) -> str | None:
        laptop.mark(p[0], tags=["lap"])  # the app, mid-sync, on the same paper
        laptop.mark(p[1], note="typed meanwhile")
        return real(*args)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(run, "_exchange", exchange_while_the_app_writes)
        laptop.sync()
    assert (
        laptop.state()[p[0]]["tags"] == ("lap", "desk") and laptop.state()[p[1]]["note"] == "typed meanwhile"
    )
    laptop.sync()
    desktop.sync()
    assert desktop.state() == laptop.state()


def test_new_papers_fetched_on_one_machine_reach_the_other(tmp_path: Path) -> None:
    laptop, desktop, remote = two_machines(tmp_path)
    laptop.sync(remote)
    desktop.sync(remote)
    from readlist.core.digest import parse_text

    with desktop.library() as library:
        library.import_digests([parse_text(JUL28, "jul28.txt")])
    desktop.mark(laptop.ids()[0], starred=True)
    report = desktop.sync()
    assert report.sent == 4  # three papers, and a star on one the laptop has
    assert laptop.sync().received.new == 3
    assert laptop.titles() == desktop.titles() and laptop.state() == desktop.state()


def test_one_paper_imported_under_two_titles_becomes_one(tmp_path: Path) -> None:
    """The same arXiv paper, listed under two titles on two machines before either synced."""
    page = "new\n\nSubscribe\n\nMar 14\n\n{title}\n\nWe study attention.\nhttps://arxiv.org/abs/2401.00001\n"
    laptop = Machine(tmp_path / "laptop", (page.format(title="Sparse Attention Scales"), "a.txt"))
    desktop = Machine(tmp_path / "desktop", (page.format(title="Sparse Attention Scales Well"), "b.txt"))
    remote = bare_repo(tmp_path / "remote.git")
    laptop.mark(laptop.ids()[0], note="laptop note", starred=True)
    desktop.mark(desktop.ids()[0], note="desktop note")
    laptop.sync(remote)
    desktop.sync(remote)
    laptop.sync()
    assert git(remote, "show", "main:" + STATE).count("\n") == 1  # one record, under one id
    for machine, other in ((laptop, "desktop note"), (desktop, "laptop note")):
        (state,) = machine.state().values()
        assert state["starred"] and "laptop note" in state["note"] and other in state["note"]
    laptop.mark(laptop.ids()[0], note="rewritten on the laptop")  # a later edit replaces, as usual
    laptop.sync()
    desktop.sync()
    assert [s["note"] for s in desktop.state().values()] == ["rewritten on the laptop"]


def test_status_says_ahead_behind_and_when(tmp_path: Path) -> None:
    laptop, desktop, remote = two_machines(tmp_path)
    with pytest.raises(SyncError, match="not set up yet"), laptop.library() as library:
        run.status(laptop.folder, library)
    laptop.sync(remote)
    desktop.sync(remote)
    laptop.mark(laptop.ids()[0], read=True)
    desktop.mark(desktop.ids()[1], starred=True)
    desktop.mark(desktop.ids()[2], starred=True)
    desktop.sync()
    with laptop.library() as library:
        found = run.status(laptop.folder, library)
    assert (found.ahead, found.behind, found.error) == (1, 2, None)
    assert found.last_sync is not None and found.remote == str(remote)
    remote.rename(tmp_path / "gone.git")
    with laptop.library() as library:
        found = run.status(laptop.folder, library)
    assert found.behind is None and found.error is not None and "cannot reach" in found.error


def test_auto_setting_is_kept_beside_the_repository(tmp_path: Path) -> None:
    laptop, _, remote = two_machines(tmp_path)
    assert run.auto_enabled(laptop.folder) is False
    with pytest.raises(SyncError, match="not set up yet"):
        run.set_auto(laptop.folder, True)
    laptop.sync(remote)
    run.set_auto(laptop.folder, True)
    assert run.auto_enabled(laptop.folder) is True
    laptop.sync()  # a sync keeps the setting
    assert run.auto_enabled(laptop.folder) is True


def test_a_second_sync_at_the_same_time_waits_its_turn_or_says_so(tmp_path: Path) -> None:
    laptop, _, remote = two_machines(tmp_path)
    laptop.sync(remote)
    from readlist.core.storage import FileLock

    with FileLock(laptop.folder / run.SYNC_LOCK), pytest.raises(SyncError, match="another sync"):
        laptop.sync()


def test_a_local_remote_path_is_kept_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    laptop, _, remote = two_machines(tmp_path)
    monkeypatch.chdir(tmp_path)
    laptop.sync("remote.git")
    assert laptop.sync().remote == str(remote)
    assert repo_module.remote_address("git@example.org:me/reading.git") == "git@example.org:me/reading.git"
    assert (
        repo_module.remote_address("https://example.org/me/reading.git")
        == "https://example.org/me/reading.git"
    )


class _AskForPassword(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="private"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_an_authentication_failure_never_waits_for_a_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "GIT_ASKPASS", "SSH_ASKPASS"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AskForPassword)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        laptop, _, _ = two_machines(tmp_path)
        before = laptop.data_bytes()
        url = f"http://127.0.0.1:{server.server_address[1]}/me/reading.git"
        with pytest.raises(SyncError) as failure:
            laptop.sync(url)
    finally:
        server.shutdown()
    assert str(failure.value).startswith(f"sync: authentication failed for {url} (")
    assert "\n" not in str(failure.value)
    assert laptop.data_bytes() == before


def test_lock_files_left_by_a_killed_git_are_cleared(tmp_path: Path) -> None:
    laptop, _, remote = two_machines(tmp_path)
    laptop.sync(remote)
    sync_dir = laptop.folder / SYNC_DIR
    for stale in ("refs/heads/main.lock", "refs/remotes/origin/main.lock", "config.lock", "packed-refs.lock"):
        (sync_dir / stale).write_text("")
    laptop.mark(laptop.ids()[0], starred=True)
    assert laptop.sync().sent == 1
    assert not list(sync_dir.rglob("*.lock"))


def test_an_unchanged_library_is_not_written_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The papers' files of the last export serve while library.json is the same (a star is in
    state.json); an import makes them again."""
    laptop, _, remote = two_machines(tmp_path)
    laptop.sync(remote)
    made: list[str] = []
    real = local.paper_record_of

    def counted(paper: Paper, key: str) -> dict[str, object]:
        made.append(key)
        return real(paper, key)

    monkeypatch.setattr(local, "paper_record_of", counted)
    laptop.mark(laptop.ids()[0], starred=True)
    assert laptop.sync().sent == 1
    assert made == []
    with laptop.library() as library:
        from readlist.core.digest import parse_text

        library.import_digests([parse_text(JUL28, "jul28.txt")])
    assert laptop.sync().sent == 3
    assert set(made) == set(laptop.ids())  # written out again, every paper


def test_the_same_paper_spelled_differently_on_two_machines_settles(tmp_path: Path) -> None:
    """Other capitals, other digests (so another order of them): once merged, neither machine
    sends its own spelling back at every sync."""
    page = "new\n\nSubscribe\n\n{day}\n\n{title}\n\nWe study attention at scale.\n"
    laptop = Machine(
        tmp_path / "laptop",
        (page.format(day="Mar 14", title="Sparse Attention Scales"), "a.txt"),
        (page.format(day="Mar 16", title="Sparse Attention Scales"), "c.txt"),
    )
    desktop = Machine(
        tmp_path / "desktop",
        (page.format(day="Mar 15", title="Sparse attention scales"), "b.txt"),
        (page.format(day="Mar 14", title="Sparse attention scales"), "a.txt"),
    )
    remote = bare_repo(tmp_path / "remote.git")
    for machine in (laptop, desktop, laptop, desktop):
        machine.sync(remote)
    commits = git(remote, "rev-list", "--count", "main")
    for machine in (laptop, desktop, laptop):
        assert machine.sync().summary().endswith("already up to date")
        with machine.library() as library:
            assert run.status(machine.folder, library).ahead == 0
    assert git(remote, "rev-list", "--count", "main") == commits


@pytest.mark.parametrize(
    ("stderr", "kind"),
    [
        (
            "git@example.org: Permission denied (publickey).\r\nfatal: Could not read from remote repository.\n\n"
            "Please make sure you have the correct access rights\nand the repository exists.\n",
            "authentication failed for",
        ),
        (
            "fatal: could not read Username for 'https://example.org': terminal prompts disabled\n",
            "authentication failed for",
        ),
        (
            "remote: Invalid username or password.\nfatal: Authentication failed for 'https://example.org/me/r.git/'\n",
            "authentication failed for",
        ),
        (
            "ssh: Could not resolve hostname example.invalid: Name or service not known\r\n"
            "fatal: Could not read from remote repository.\n",
            "cannot reach",
        ),
        (
            "fatal: unable to access 'https://example.org/r.git/': Failed to connect to example.org port 443\n",
            "cannot reach",
        ),
        ("fatal: the remote end hung up unexpectedly\n", "fetching from"),
    ],
)
def test_git_failures_are_told_apart_in_one_line(stderr: str, kind: str) -> None:
    from readlist.core.sync.git import remote_failure

    message = str(remote_failure("fetching from", "REMOTE", stderr))
    assert message.startswith(f"sync: {kind} REMOTE") and "\n" not in message and "\r" not in message


def test_git_runs_on_readlists_repository_and_never_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readlist.core.sync.git import Git

    monkeypatch.setenv("GIT_DIR", "/elsewhere")
    monkeypatch.setenv("GIT_WORK_TREE", "/elsewhere")
    monkeypatch.setenv("GIT_INDEX_FILE", "/elsewhere/index")
    monkeypatch.setenv("GIT_SSH_COMMAND", "ssh -i ~/.ssh/reading")
    env = Git(tmp_path / "sync").env
    assert env["GIT_DIR"] == str(tmp_path / "sync")
    assert "GIT_WORK_TREE" not in env and "GIT_INDEX_FILE" not in env
    assert env["GIT_TERMINAL_PROMPT"] == "0"
    assert (
        env["GIT_SSH_COMMAND"].startswith("ssh -i ~/.ssh/reading ")
        and "BatchMode=yes" in env["GIT_SSH_COMMAND"]
    )


def test_how_long_ago() -> None:
    from readlist.core.text import ago

    now = 1_000_000.0
    assert [ago(now - seconds, now) for seconds in (0, 59, 60, 119, 3599, 3600, 86399, 86400, 3 * 86400)] == [
        "just now",
        "just now",
        "1 min ago",
        "1 min ago",
        "59 min ago",
        "1 h ago",
        "23 h ago",
        "1 day ago",
        "3 days ago",
    ]
    assert ago(now + 5, now) == "just now"  # a clock a little ahead
