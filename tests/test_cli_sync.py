"""readlist sync on the command line: what it prints, exit codes, one-line errors."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from readlist.cli import main
from tests.conftest import FIXTURES
from tests.helpers.durability import readlist_cmd, subprocess_env
from tests.helpers.sync_machines import Machine, bare_repo, two_machines


def run(capsys: pytest.CaptureFixture[str], machine: Machine, *argv: str) -> tuple[int, str, str]:
    code = main(["sync", "--data-dir", str(machine.folder), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_then_status_then_auto(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    laptop, desktop, remote = two_machines(tmp_path)
    code, out, err = run(capsys, laptop, str(remote))
    assert (code, err) == (0, "")
    assert out == f"synced with {remote}: sent the changes of 5 papers\n"
    code, out, err = run(capsys, desktop, str(remote))
    assert (code, out, err) == (
        0,
        f"synced with {remote}: received the changes of 5 papers (5 new papers)\n",
        "",
    )
    assert run(capsys, desktop)[1] == f"synced with {remote}: already up to date\n"

    desktop.mark(desktop.ids()[0], starred=True)
    code, out, err = run(capsys, laptop, "--status")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"remote: {remote}"
    assert re.fullmatch(r"last sync: \d{4}-\d\d-\d\d \d\d:\d\d \((just now|\d+ min ago)\)", lines[1])
    assert lines[2:] == [
        "ahead: 0 papers changed here since the last sync",
        "behind: 0 papers changed on the remote since the last sync",
        "sync at the app's start and quit: off",
    ]
    run(capsys, desktop)
    assert (
        run(capsys, laptop, "--status")[1].splitlines()[3]
        == "behind: 1 paper changed on the remote since the last sync"
    )

    assert run(capsys, laptop, "--auto", "on") == (
        0,
        "the app now syncs when it starts and when it quits\n",
        "",
    )
    assert run(capsys, laptop, "--status")[1].splitlines()[-1] == "sync at the app's start and quit: on"
    assert run(capsys, laptop, "--auto", "off")[0] == 0
    assert run(capsys, laptop, "--status")[1].splitlines()[-1] == "sync at the app's start and quit: off"


def test_sync_errors_are_one_line_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    laptop, _, remote = two_machines(tmp_path)
    before = laptop.data_bytes()
    code, out, err = run(capsys, laptop)
    assert (code, out) == (1, "")
    assert (
        err.startswith("readlist: sync: not set up yet: run 'readlist sync REMOTE' once")
        and err.count("\n") == 1
    )
    code, out, err = run(capsys, laptop, str(tmp_path / "nowhere.git"))
    assert (code, out) == (1, "")
    assert err.startswith(f"readlist: sync: cannot reach {tmp_path / 'nowhere.git'}") and err.count("\n") == 1
    code, out, err = run(capsys, laptop, "--status")
    assert code == 1 and err.count("\n") == 1 and "cannot reach" in err and out.startswith("remote: ")
    assert "behind: unknown (the remote could not be asked)" in out.splitlines()
    assert laptop.data_bytes() == before
    assert run(capsys, laptop, str(remote))[0] == 0


@pytest.mark.parametrize(
    "argv",
    [["REMOTE", "--status"], ["REMOTE", "--auto", "on"], ["--status", "--auto", "on"], ["--auto", "maybe"]],
)
def test_sync_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    laptop = Machine(tmp_path / "laptop")
    code, out, err = run(capsys, laptop, *argv)
    assert (code, out) == (2, "") and err.count("\n") == 1


def test_git_missing_as_a_process_is_one_line(tmp_path: Path) -> None:
    laptop, _, remote = two_machines(tmp_path)
    env = subprocess_env(laptop.folder, PATH=str(tmp_path / "empty"))
    result = subprocess.run(
        readlist_cmd("sync", str(remote)), env=env, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "readlist: sync: git is not installed (or not on PATH); readlist sync needs it\n"


def test_a_sync_as_a_process_with_no_git_config_at_all(tmp_path: Path) -> None:
    laptop, desktop, _ = two_machines(tmp_path)
    remote = bare_repo(tmp_path / "remote.git")
    for machine in (laptop, desktop):
        result = subprocess.run(
            readlist_cmd("sync", str(remote)),
            env=subprocess_env(machine.folder),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert desktop.titles() == laptop.titles()
    assert not (tmp_path / "home" / ".gitconfig").exists()


def test_papers_without_an_abstract_sync_quietly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    laptop = Machine(tmp_path / "laptop")
    remote = bare_repo(tmp_path / "remote.git")
    assert main(["import", "--data-dir", str(laptop.folder), str(FIXTURES / "missing_abstract.txt")]) == 1
    capsys.readouterr()
    assert run(capsys, laptop, str(remote))[0] == 0
    desktop = Machine(tmp_path / "desktop")
    code, out, err = run(capsys, desktop, str(remote))
    assert (code, err) == (0, "") and "new paper" in out
    assert desktop.titles() == laptop.titles()
