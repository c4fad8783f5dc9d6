"""The end of the process after SIGTERM or SIGHUP: the state saved first, then the process gone,
even when the event loop is stuck and a worker thread never finishes."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.durability import HELPERS, subprocess_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
STUCK = HELPERS / "stuck_process.py"
GONE = 30.0  # generous: the guard ends it within two seconds; only "never" must fail


def _start(data: Path, *args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(STUCK), *args],
        env=subprocess_env(data),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n", (
        proc.stderr.read() if proc.stderr else ""
    )
    return proc


def _exit_code(proc: subprocess.Popen[str]) -> int:
    try:
        return proc.wait(timeout=GONE)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the process was still running after the signal")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_stuck_process_saves_and_ends(tmp_path: Path, isolated_data: Path, signum: int) -> None:
    marker = tmp_path / "marker"
    proc = _start(isolated_data, str(marker))
    proc.send_signal(signum)
    assert _exit_code(proc) == 0
    assert marker.read_text() == "saved"


def test_a_failed_save_still_ends_the_process_and_says_so_in_the_exit_code(
    tmp_path: Path, isolated_data: Path
) -> None:
    proc = _start(isolated_data, str(tmp_path / "marker"), "fails")
    proc.send_signal(signal.SIGTERM)
    assert _exit_code(proc) == 1
