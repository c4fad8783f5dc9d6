"""Nothing lost when a readlist process is killed (SIGKILL) at any moment.

A helper process makes state changes through the core and reports each one only after
``flush()`` returned; the test kills it at varied moments (after a random number of its reports),
many times, and checks after every kill that the data files load and that every reported change is
there with its last value. ``readlist mark`` and ``readlist import`` are killed halted inside a save,
just before and just after the rename (tests/helpers/halted_readlist.py), when their temporary
file appears, or not at all: what must hold is known for each.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from readlist.core.library import LIBRARY_FILE, STATE_FILE
from tests.helpers.durability import (
    DEFAULTS,
    HALTED_READLIST,
    STATE_WRITER,
    import_sample,
    library_papers_on_disk,
    library_papers_via_library,
    make_digest,
    parse_saved_lines,
    readlist_cmd,
    run_readlist,
    state_on_disk,
    state_via_fresh_library,
    subprocess_env,
)
from tests.helpers.waiting import LIMIT, wait_until

ROUNDS = 25
SEED = 20250314


def _read_until(
    proc: subprocess.Popen[bytes], enough: Callable[[bytes], bool], what: str, limit: float = LIMIT
) -> bytes:
    """Read the process's stdout until what was read is ``enough``; return it."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    got = b""
    deadline = time.monotonic() + limit
    while not enough(got):
        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill()
            pytest.fail(f"no {what} within {limit:g} s; got {got!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                _, err = proc.communicate(timeout=10)
                pytest.fail(
                    f"helper exited ({proc.returncode}) before {what}: {err.decode(errors='replace')}"
                )
            got += chunk
    return got


def _lines(kind: bytes, count: int) -> Callable[[bytes], bool]:
    """Whether ``count`` complete lines of this kind (``attempt``, ``saved``) were read."""
    return lambda got: sum(1 for line in got.split(b"\n")[:-1] if line.split(b" ", 1)[0] == kind) >= count


def _kill_and_collect(proc: subprocess.Popen[bytes], head: bytes) -> str:
    proc.kill()
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == -signal.SIGKILL, err.decode(errors="replace")
    return (head + out).decode("utf-8")


def _non_default(states: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {pid: fields for pid, fields in states.items() if fields != DEFAULTS}


def _assert_files_load(data: Path, papers: int) -> None:
    """Both files parse, a fresh Library opens, and its (snapshot-cached) papers match library.json."""
    on_disk = library_papers_on_disk(data)
    assert len(on_disk) == papers
    assert library_papers_via_library(data) == on_disk
    assert _non_default(state_via_fresh_library(data)) == _non_default(state_on_disk(data))


def _stray_temp_files(data: Path) -> list[str]:
    return sorted(p.name for p in data.glob(".*.tmp"))


def test_state_survives_sigkill_at_random_moments(isolated_data: Path) -> None:
    data = isolated_data
    ids = import_sample(data)
    # A write killed between creating its temp file and renaming it leaves one behind; plant a
    # damaged one so that every round also checks such files are ignored.
    planted = data / ".state.json.killedmidwrite.tmp"
    planted.write_bytes(b'{"state": {"1": {"id": "trunc')
    rng = random.Random(SEED)
    expected: dict[str, dict[str, Any]] = {}
    saved_total = in_flight_landed = 0
    for round_no in range(ROUNDS):
        proc = subprocess.Popen(
            [
                sys.executable,
                str(STATE_WRITER),
                str(data),
                "--seed",
                str(SEED + round_no),
                "--tag",
                f"r{round_no}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=subprocess_env(data),
        )
        # Killed right after its n-th report of a change about to be made ("attempt") or made
        # ("saved"): a moment that varies from round to round and lands inside writes as well.
        kind = rng.choice([b"attempt", b"saved"])
        reports = rng.randint(2, 6) if kind == b"attempt" else rng.randint(1, 5)  # either way one saved
        head = _read_until(proc, _lines(kind, reports), f"{reports} {kind.decode()} lines")
        out = _kill_and_collect(proc, head)
        saved, in_flight = parse_saved_lines(out)
        saved_total += len(saved)
        for change in saved:
            expected.setdefault(change["pid"], dict(DEFAULTS))[change["field"]] = change["value"]

        # every file loads (a fresh Library, no error), strays included
        _assert_files_load(data, len(ids))
        disk = state_on_disk(data)
        if in_flight is not None:
            # killed between update() and the report: that one change may or may not have landed
            pid, field = in_flight["pid"], in_flight["field"]
            on_disk = disk.get(pid, DEFAULTS)[field]
            if on_disk == in_flight["value"] and expected.get(pid, DEFAULTS)[field] != on_disk:
                expected.setdefault(pid, dict(DEFAULTS))[field] = on_disk
                in_flight_landed += 1
        assert _non_default(disk) == _non_default(expected), f"round {round_no}: a saved change is missing"
        assert planted.read_bytes() == b'{"state": {"1": {"id": "trunc'  # never read nor "repaired"
        for name in _stray_temp_files(data):
            assert name.startswith((".state.json.", ".library.json.")), name

    print(f"saved {saved_total}, in flight landed {in_flight_landed}")
    assert saved_total >= ROUNDS  # at least one saved change a round, by how the rounds end
    doctor = run_readlist(data, "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "left-over temporary files" in doctor.stdout
    assert "Traceback" not in doctor.stderr


# How a round of the two tests below ends: killed halted just before or just after the rename that
# saves the data file, killed as soon as its temporary file appears, or not killed at all.
ENDINGS = ("before-rename", "after-rename", "temp-file-seen", "not-killed")


def _run_and_end(data: Path, ending: str, name: str, mark: Path, *args: str) -> int:
    """Run ``readlist ARGS`` on ``data`` and end it as ``ending`` says, around its save of ``name``;
    return its exit status."""
    halts = ending in ("before-rename", "after-rename")
    argv = (
        [sys.executable, str(HALTED_READLIST), name, ending, str(mark), "--", *args]
        if halts
        else readlist_cmd(*args)
    )
    temporary = f".{name}.*.tmp"
    left_before = set(data.glob(temporary))  # by earlier rounds killed before their rename
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env(data))
    if halts:
        wait_until(lambda: mark.exists() or proc.poll() is not None, f"readlist halted {ending}")
    elif ending == "temp-file-seen":
        wait_until(
            lambda: proc.poll() is not None or set(data.glob(temporary)) - left_before,
            "a temporary file or the end",
            interval=0.0002,
        )
    if ending != "not-killed":
        proc.kill()
    _, err = proc.communicate(timeout=LIMIT)
    if halts:
        assert mark.exists() and proc.returncode == -signal.SIGKILL, err.decode(errors="replace")
    elif ending == "not-killed":
        assert proc.returncode == 0, err.decode(errors="replace")
    else:
        assert proc.returncode in (0, -signal.SIGKILL), err.decode(errors="replace")
    return proc.returncode


def test_killing_readlist_mark_mid_run_keeps_old_or_new_state_never_half(
    isolated_data: Path, tmp_path: Path
) -> None:
    data = isolated_data
    ids = import_sample(data)
    rng = random.Random(SEED + 1)
    expected: dict[str, dict[str, Any]] = {}
    for round_no in range(12):
        ending = ENDINGS[round_no % len(ENDINGS)]
        pid = ids[rng.randrange(len(ids))]
        old = dict(expected.get(pid, DEFAULTS))
        new = {**old, "note": f"note {round_no} «{rng.random():.6f}»", "starred": not old["starred"]}
        status = _run_and_end(
            data,
            ending,
            STATE_FILE,
            tmp_path / f"halted-{round_no}",
            "mark",
            pid,
            "--note",
            new["note"],
            "--star" if new["starred"] else "--unstar",
        )
        _assert_files_load(data, len(ids))
        now = state_on_disk(data).get(pid, DEFAULTS)
        if ending == "before-rename":
            assert now == old, "killed before its rename, mark changed the state"
        elif status == 0 or ending == "after-rename":
            assert now == new, "mark's change is not on disk after its rename"
        else:
            assert now in (old, new), "a killed mark left half a change (note and star are one change)"
        expected[pid] = now
        assert _non_default(state_on_disk(data)) == _non_default(expected)


def test_killing_readlist_import_mid_run_keeps_old_or_new_library(
    isolated_data: Path, tmp_path: Path
) -> None:
    data = isolated_data
    ids = import_sample(data)
    mark = run_readlist(data, "mark", ids[0], "--star", "--note", "kept through every import")
    assert mark.returncode == 0, mark.stderr
    state_bytes = (data / STATE_FILE).read_bytes()
    known = set(library_papers_on_disk(data))
    for round_no in range(8):
        ending = ENDINGS[round_no % len(ENDINGS)]
        digest = tmp_path / f"digest-{round_no}.txt"
        digest.write_text(make_digest(400, f"imp{round_no}", date=f"Apr {round_no + 1}"), encoding="utf-8")
        status = _run_and_end(
            data, ending, LIBRARY_FILE, tmp_path / f"halted-{round_no}", "import", str(digest)
        )
        now = set(library_papers_on_disk(data))
        added = len(now - known)
        if ending == "before-rename":
            assert added == 0, "killed before its rename, the import changed the library"
        elif status == 0 or ending == "after-rename":
            assert added == 400, "the import's papers are not on disk after its rename"
        else:
            assert added in (0, 400), "an import is all or nothing"
        assert library_papers_via_library(data) == library_papers_on_disk(data), "stale snapshot cache"
        assert (data / STATE_FILE).read_bytes() == state_bytes, "an import rewrote state.json"
        known = now
        json.loads((data / LIBRARY_FILE).read_bytes())
