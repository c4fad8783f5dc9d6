"""Nothing lost when a readlist process is killed (SIGKILL) at a random moment.

A helper process makes state changes through the core and reports each one only after
``flush()`` returned; the test kills it at random moments, many times, and checks after every
kill that the data files load and that every reported change is there with its last value.
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
from pathlib import Path
from typing import Any

import pytest

from readlist.core.library import LIBRARY_FILE, STATE_FILE
from tests.helpers.durability import (
    DEFAULTS,
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

ROUNDS = 25
SEED = 20250314


def _wait_for_line(proc: subprocess.Popen[bytes], want: bytes, timeout: float = 20.0) -> bytes:
    """Read the process's stdout until a line equal to ``want``; return what was read."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    got = b""
    deadline = time.monotonic() + timeout
    while want + b"\n" not in got:
        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill()
            pytest.fail(f"no {want!r} line within {timeout} s; got {got!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                _, err = proc.communicate(timeout=10)
                pytest.fail(f"helper exited ({proc.returncode}) before {want!r}: {err.decode(errors='replace')}")
            got += chunk
    return got


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
            [sys.executable, str(STATE_WRITER), str(data), "--seed", str(SEED + round_no), "--tag", f"r{round_no}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env(data),
        )
        head = _wait_for_line(proc, b"ready")
        time.sleep(rng.uniform(0, 0.15))
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
    assert saved_total >= ROUNDS, "the helper barely got to change anything: the test tested nothing"
    doctor = run_readlist(data, "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "left-over temporary files" in doctor.stdout
    assert "Traceback" not in doctor.stderr


def test_killing_readlist_mark_mid_run_keeps_old_or_new_state_never_half(isolated_data: Path) -> None:
    data = isolated_data
    ids = import_sample(data)
    rng = random.Random(SEED + 1)
    expected: dict[str, dict[str, Any]] = {}
    killed = completed = 0
    for round_no in range(14):
        pid = ids[rng.randrange(len(ids))]
        old = dict(expected.get(pid, DEFAULTS))
        new = {**old, "note": f"note {round_no} «{rng.random():.6f}»", "starred": not old["starred"]}
        proc = subprocess.Popen(
            readlist_cmd("mark", pid, "--note", new["note"], "--star" if new["starred"] else "--unstar"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env(data),
        )
        time.sleep(rng.uniform(0.0, 0.3))
        proc.kill()
        _, err = proc.communicate(timeout=20)
        if proc.returncode == 0:
            completed += 1
        else:
            assert proc.returncode == -signal.SIGKILL, err.decode(errors="replace")
            killed += 1
        _assert_files_load(data, len(ids))
        now = state_on_disk(data).get(pid, DEFAULTS)
        if proc.returncode == 0:
            assert now == new, "mark exited 0 but its change is not on disk"
        else:
            assert now in (old, new), "a killed mark left half a change (note and star are one change)"
        expected[pid] = now
        assert _non_default(state_on_disk(data)) == _non_default(expected)
    print(f"killed {killed}")
    assert killed >= 1


def test_killing_readlist_import_mid_run_keeps_old_or_new_library(isolated_data: Path, tmp_path: Path) -> None:
    data = isolated_data
    ids = import_sample(data)
    mark = run_readlist(data, "mark", ids[0], "--star", "--note", "kept through every import")
    assert mark.returncode == 0, mark.stderr
    state_bytes = (data / STATE_FILE).read_bytes()
    rng = random.Random(SEED + 2)
    known = set(library_papers_on_disk(data))
    killed = 0
    for round_no in range(8):
        digest = tmp_path / f"digest-{round_no}.txt"
        digest.write_text(make_digest(400, f"imp{round_no}", date=f"Apr {round_no + 1}"), encoding="utf-8")
        proc = subprocess.Popen(readlist_cmd("import", str(digest)), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=subprocess_env(data))
        time.sleep(rng.uniform(0.05, 0.5))
        proc.kill()
        _, err = proc.communicate(timeout=60)
        assert proc.returncode in (0, -signal.SIGKILL), err.decode(errors="replace")
        killed += proc.returncode != 0
        now = set(library_papers_on_disk(data))
        added = now - known
        assert len(added) in ((0, 400) if proc.returncode else (400,)), "an import is all or nothing"
        assert library_papers_via_library(data) == library_papers_on_disk(data), "stale snapshot cache"
        assert (data / STATE_FILE).read_bytes() == state_bytes, "an import rewrote state.json"
        known = now
        json.loads((data / LIBRARY_FILE).read_bytes())
    print(f"killed {killed}")
    assert killed >= 1
