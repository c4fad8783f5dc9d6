"""The real TUI in a pseudo-terminal: a change made just before SIGTERM, SIGHUP, a closed terminal
or `q` is on disk afterwards.

Two launchers: ``python -m readlist`` as a user runs it, and the same CLI with a background saver
that never saves on its own (tests/helpers/tui_manual_saver.py), so that the change can only
reach the disk through the quit / signal path under test rather than through the saver's timer.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist.core.digest import parse_text
from readlist.core.library import Library
from tests.helpers.durability import (
    DEFAULTS,
    TUI_MANUAL_SAVER,
    import_sample,
    make_digest,
    state_on_disk,
    state_via_fresh_library,
    subprocess_env,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

ROWS, COLS = 40, 120
STARTUP = 60.0
GONE = 30.0  # generous: the app ends within two seconds; only "never" must fail
LARGE = 20_000
_ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1bP[^\x1b]*\x1b\\|\x1b[@-_]"
)
LAUNCHERS = {
    "readlist": [sys.executable, "-m", "readlist"],
    "manual-saver": [sys.executable, str(TUI_MANUAL_SAVER)],
    "stuck-output": [sys.executable, str(TUI_MANUAL_SAVER)],  # Textual's output queue fills at once
}


class Terminal:
    """A TUI process on the slave side of a pty; the test holds the master."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        try:
            master, slave = os.openpty()
        except OSError as exc:
            pytest.skip(f"no pseudo-terminal available: {exc}")
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.master = master
        self.output = b""

        def controlling_tty() -> None:  # runs in the child after setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=controlling_tty,
            close_fds=True,
        )
        os.close(slave)

    def _read(self, timeout: float) -> bool:
        """Read what is there within ``timeout``; False once the terminal is closed."""
        if self.master < 0:
            return False
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError as exc:  # EIO: every slave fd is closed (the app exited)
            if exc.errno == errno.EIO:
                return False
            raise
        self.output += chunk
        return bool(chunk)

    @property
    def text(self) -> str:
        return _ESCAPES.sub(b"", self.output).decode("utf-8", errors="replace")

    def wait_for(self, pattern: str, timeout: float = 10.0, since: int = 0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, _ESCAPES.sub(b"", self.output[since:]).decode("utf-8", errors="replace")):
                return
            if not self._read(0.05) and self.proc.poll() is not None:
                break
        tail = self.text[-2000:]
        self.kill()
        pytest.fail(f"the app never showed {pattern!r} (exit {self.proc.returncode}); screen tail:\n{tail}")

    def send(self, data: str | bytes) -> None:
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def wait_exit(self, timeout: float = 15.0) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            if not self._read(0.05):
                time.sleep(0.05)
        if self.proc.poll() is None:
            tail = self.text[-2000:]
            self.kill()
            pytest.fail(f"the app did not exit within {timeout} s; screen tail:\n{tail}")
        while self._read(0):  # drain the rest
            pass
        return self.proc.returncode

    def hang_up(self) -> None:
        """Close the terminal, as closing the window or losing the SSH session does."""
        os.close(self.master)
        self.master = -1

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def close(self) -> None:
        self.kill()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1


@pytest.fixture
def ids(isolated_data: Path) -> list[str]:
    return import_sample(isolated_data)


@pytest.fixture
def open_tui(isolated_data: Path) -> Iterator:
    terminals: list[Terminal] = []

    def start(launcher: str = "readlist", papers: str = "29") -> Terminal:
        env = subprocess_env(isolated_data, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
        env.pop("TEXTUAL", None)
        if launcher == "stuck-output":
            env["READLIST_TEST_TINY_OUTPUT_QUEUE"] = "1"
        term = Terminal(LAUNCHERS[launcher], env, isolated_data.parent)
        terminals.append(term)
        term.wait_for(rf"{papers} papers", timeout=STARTUP)  # the status line, once the list is up
        return term

    yield start
    for term in terminals:
        term.close()


def _first(data: Path, pid: str) -> dict[str, object]:
    return state_on_disk(data).get(pid, DEFAULTS)


@pytest.mark.parametrize("launcher", ["readlist", "manual-saver"])
def test_sigterm_right_after_starring_saves_the_star(
    open_tui, isolated_data: Path, ids: list[str], launcher: str
) -> None:
    term = open_tui(launcher)
    mark = len(term.output)
    term.send("s")
    term.wait_for(r"1 starred", since=mark)  # the app applied the key: now signal at once
    term.proc.send_signal(signal.SIGTERM)
    assert term.wait_exit() == 0
    assert _first(isolated_data, ids[0])["starred"] is True
    assert state_via_fresh_library(isolated_data)[ids[0]]["starred"] is True


@pytest.mark.parametrize("launcher", ["readlist", "manual-saver"])
def test_sighup_right_after_a_note_saves_the_note(
    open_tui, isolated_data: Path, ids: list[str], launcher: str
) -> None:
    term = open_tui(launcher)
    term.send("r")
    mark = len(term.output)
    term.send("n")
    term.wait_for(r"Esc or Ctrl\+S saves", since=mark)
    term.send("kept through a hangup ✓")
    term.wait_for(r"hangup ✓", since=mark)
    mark = len(term.output)
    term.send(b"\x1b")
    term.wait_for(r"Note saved", since=mark)
    term.proc.send_signal(signal.SIGHUP)
    assert term.wait_exit() == 0
    assert _first(isolated_data, ids[0]) == {
        "read": True,
        "starred": False,
        "note": "kept through a hangup ✓",
    }


def test_sigterm_with_the_note_editor_still_open_keeps_the_typed_text(
    open_tui, isolated_data: Path, ids: list[str]
) -> None:
    term = open_tui("manual-saver")
    mark = len(term.output)
    term.send("n")
    term.wait_for(r"Esc or Ctrl\+S saves", since=mark)
    term.send("typed, never closed")
    term.wait_for(r"never closed", since=mark)
    term.proc.send_signal(signal.SIGTERM)
    assert term.wait_exit() == 0
    assert _first(isolated_data, ids[0])["note"] == "typed, never closed"


def _gone_after_hang_up(term: Terminal) -> bool:
    term.hang_up()
    try:
        term.proc.wait(timeout=GONE)
    except subprocess.TimeoutExpired:
        return False
    return True


def test_closing_the_terminal_saves(open_tui, isolated_data: Path, ids: list[str]) -> None:
    """The kernel sends SIGHUP (then SIGCONT) when the terminal goes away; the app cannot draw
    any more, and Textual's output thread dies on its next write."""
    term = open_tui("stuck-output")
    mark = len(term.output)
    term.send("sj")
    term.send("s")
    term.wait_for(r"2 starred", since=mark)
    assert _gone_after_hang_up(term), "the app kept running after its terminal closed"
    disk = state_on_disk(isolated_data)
    assert disk.get(ids[0], DEFAULTS)["starred"] and disk.get(ids[1], DEFAULTS)["starred"]


@pytest.fixture
def large(isolated_data: Path) -> list[str]:
    """A library of LARGE papers, as it is right after its import: the first start still builds
    the search index (seconds of work in a worker thread) and takes the day's backup."""
    library = Library(isolated_data)
    try:
        library.import_digests(
            [
                parse_text(
                    make_digest(LARGE // 10, f"t{k}", date=f"Mar {k + 1}", abstract_words=120), f"day{k}.txt"
                )
                for k in range(10)
            ]
        )
        return [library.papers[i].id for i in library.order]
    finally:
        library.close()


@pytest.mark.parametrize("how", ["hang-up", "sigterm", "quit"])
def test_the_first_start_of_a_large_library_ends_at_once_with_the_change_saved(
    open_tui, isolated_data: Path, large: list[str], how: str
) -> None:
    term = open_tui("stuck-output" if how == "hang-up" else "manual-saver", papers=f"{LARGE}")
    mark = len(term.output)
    term.send("s")
    term.wait_for(r" 1 starred", since=mark)
    if how == "hang-up":
        assert _gone_after_hang_up(term), "the app kept running after its terminal closed"
    else:
        if how == "sigterm":
            term.proc.send_signal(signal.SIGTERM)
        else:
            term.send("q")
        assert term.wait_exit(timeout=GONE) == 0
    assert state_on_disk(isolated_data)[large[0]]["starred"] is True


def test_q_saves_and_quits(open_tui, isolated_data: Path, ids: list[str]) -> None:
    term = open_tui("manual-saver")
    mark = len(term.output)
    term.send("s")
    term.send("r")
    term.wait_for(r"1 starred", since=mark)
    term.send("q")
    assert term.wait_exit() == 0
    assert _first(isolated_data, ids[0]) == {"read": True, "starred": True, "note": ""}
