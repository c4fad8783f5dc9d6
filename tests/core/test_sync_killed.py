"""A sync killed half-way (SIGKILL, everything it started dying with it) is finished by the next
one, and nothing is lost. The remote is slowed by a wrapper around git's own upload-pack or
receive-pack that waits until the test lets it go, so the kill lands at a known step: while
fetching (this machine's commit made, nothing merged) or while pushing (the merge made)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from readlist.core.sync.repo import SYNC_DIR
from tests.helpers.durability import readlist_cmd, subprocess_env
from tests.helpers.sync_machines import git, two_machines

WRAPPER = """#!/bin/sh
echo $$ > {reached}
while [ ! -e {go} ]; do sleep 0.05; done
exec {program} "$@"
"""


def wait_for(path: Path, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not path.exists() or not path.read_text().strip():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.02)


@pytest.mark.parametrize("step", ["upload-pack", "receive-pack"])
def test_a_sync_killed_while_fetching_or_pushing_is_finished_by_the_next(tmp_path: Path, step: str) -> None:
    laptop, desktop, remote = two_machines(tmp_path)
    laptop.sync(remote)
    desktop.sync(remote)
    p = laptop.ids()
    desktop.mark(p[0], note="desktop note", tags=["d"])
    desktop.sync()
    laptop.mark(p[0], note="laptop note")
    laptop.mark(p[1], starred=True)
    before = laptop.data_bytes()

    reached, go = tmp_path / "reached", tmp_path / "go"
    wrapper = tmp_path / f"slow-{step}"
    wrapper.write_text(WRAPPER.format(reached=reached, go=go, program=f"git-{step}"))
    wrapper.chmod(0o755)
    sync_dir = laptop.folder / SYNC_DIR
    git(sync_dir, "config", f"remote.origin.{step.replace('-', '')}", str(wrapper))

    proc = subprocess.Popen(
        readlist_cmd("sync"),
        env=subprocess_env(laptop.folder),
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(reached)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # readlist...
        proc.communicate()
    if reached.exists():  # ...and git, which runs in a group of its own, with the slow remote
        os.killpg(os.getpgid(int(reached.read_text())), signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    assert laptop.data_bytes() == before  # the library is taken care of after the push only
    if step == "receive-pack":
        assert "merge the changes" in git(sync_dir, "log", "-1", "--format=%s", "main")  # merged, not pushed
    go.touch()

    laptop.sync()
    desktop.sync()
    assert laptop.state() == desktop.state()
    state = laptop.state()
    assert state[p[0]]["tags"] == ("d",) and state[p[1]]["starred"]
    assert "desktop note" in state[p[0]]["note"] and "laptop note" in state[p[0]]["note"]
    assert laptop.sync().summary().endswith("already up to date")
