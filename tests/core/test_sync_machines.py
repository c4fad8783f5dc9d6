"""Three machines, random changes and syncs in a random order: once each has synced twice more,
all three hold the same state, and syncing again sends and brings nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.core.sync import run
from tests.core.conftest import JUL28, JUL29, MAR14
from tests.helpers.sync_machines import Machine, bare_repo

CHANGES = st.one_of(
    st.tuples(st.just("read"), st.booleans()),
    st.tuples(st.just("starred"), st.booleans()),
    st.tuples(st.just("note"), st.sampled_from(["", "one thought", "another thought", "a third"])),
    st.tuples(
        st.just("tags"), st.lists(st.sampled_from(["rl", "vision", "survey"]), unique=True, max_size=3)
    ),
)
STEPS = st.lists(
    st.tuples(st.integers(0, 2), st.one_of(st.just(("sync", None)), CHANGES), st.integers(0, 7)),
    min_size=5,
    max_size=20,
)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS)
def test_three_machines_converge_whatever_the_order(steps: list[tuple[int, tuple[str, object], int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        remote = bare_repo(tmp / "remote.git")
        machines = [
            Machine(tmp / f"m{i}", page)
            for i, page in enumerate([(MAR14, "mar14.txt"), (JUL28, "jul28.txt"), (JUL29, "jul29.txt")])
        ]
        for machine in machines * 2:
            machine.sync(remote)
        ids = sorted(machines[0].ids())
        for who, (what, value), paper in steps:
            if what == "sync":
                machines[who].sync()
            else:
                machines[who].mark(ids[paper % len(ids)], **{what: value})
        for machine in machines * 2:
            machine.sync()
        states = [machine.state() for machine in machines]
        assert states[0] == states[1] == states[2]
        for machine in machines:
            assert machine.sync().summary().endswith("already up to date")
            with machine.library() as library:
                assert run.status(machine.folder, library).ahead == 0
