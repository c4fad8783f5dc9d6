"""Resolving papers without an arXiv id through the Hub's search on 127.0.0.1."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from readlist.core.hub import HubClient, Retries
from readlist.core.json_input import read_daily_papers
from readlist.core.library import LIBRARY_FILE, Library
from readlist.core.model import paper_id
from readlist.core.resolve import MISSES_FILE, ResolveReport, resolve
from tests.helpers.fake_hub import FakeClock, FakeHub, Reply, entry

GAUSS, QUANT, SURVEY = (
    "Gaussian Splatting in the Wild",
    "Quantization of Vision Transformers",
    "A Survey of Diffusion Models",
)
ZEBRA, POLICY = "Zebra Finches Learn Songs", "Diffusion Policies for Robot Control"


@pytest.fixture
def library(lib: Library) -> Library:
    """The two text digests of tests/core/conftest.py, Mar 14 and Mar 15."""
    return lib


def run(library: Library, fake: FakeHub, clock: FakeClock | None = None, **options: object) -> ResolveReport:
    clock = clock or FakeClock()
    with HubClient(fake.url, clock=clock, rng=random.Random(3), retries=Retries(attempts=1)) as hub:
        return resolve(library, hub, clock=clock.time, **options)  # type: ignore[arg-type]


def asked(fake: FakeHub) -> list[str]:
    return [seen.params["q"] for seen in fake.requests if seen.path == "/api/papers/search"]


def test_only_an_exact_title_is_taken(library: Library, fake_hub: FakeHub) -> None:
    fake_hub.entries = [
        entry(
            "quantization of vision-transformers",
            "2301.00042",
            "2025-03-14",
            upvotes=12,
            githubRepo="https://github.com/q/vit",
        ),  # the same title, normalised
        entry("Zebra Finches Learn Songs Again", "2301.00043", "2025-03-15"),  # another paper
        entry("Diffusion Policies", "2301.00044", "2025-03-15"),
    ]
    clock = FakeClock()
    report = run(library, fake_hub, clock)
    assert report.found == [(paper_id(QUANT), "2301.00042")]
    assert sorted(report.missed) == sorted(paper_id(t) for t in (GAUSS, SURVEY, ZEBRA, POLICY))
    assert sorted(asked(fake_hub)) == sorted([GAUSS, QUANT, SURVEY, ZEBRA, POLICY])
    quant = library.by_id[paper_id(QUANT)]
    assert (quant.arxiv_id, quant.url, quant.upvotes, quant.github_repo, quant.digests) == (
        "2301.00042",
        "https://huggingface.co/papers/2301.00042",
        12,
        "https://github.com/q/vit",
        ["Mar 14"],
    )
    assert (quant.title, quant.aliases) == (QUANT, [])  # the same title: the page's spelling stays
    assert clock.slept == [0.5] * 4  # two requests a second at most


def test_misses_are_remembered_until_asked_again(
    library: Library, fake_hub: FakeHub, isolated_data: Path
) -> None:
    first = run(library, fake_hub)
    assert (len(first.missed), first.skipped) == (5, 0)
    misses = json.loads((isolated_data / MISSES_FILE).read_text())
    assert misses[paper_id(ZEBRA)]["title"] == ZEBRA
    fake_hub.requests.clear()

    second = run(library, fake_hub)
    assert (second.found, second.missed, second.skipped, asked(fake_hub)) == ([], [], 5, [])

    fake_hub.entries = [entry(ZEBRA, "2301.00050", "2025-03-15")]
    third = run(library, fake_hub, retry_misses=True, limit=2)
    assert len(asked(fake_hub)) == 2  # the two newest: Mar 15's
    assert third.found == [(paper_id(ZEBRA), "2301.00050")]
    assert paper_id(ZEBRA) not in json.loads((isolated_data / MISSES_FILE).read_text())


def test_papers_with_an_id_are_not_asked_about(library: Library, fake_hub: FakeHub) -> None:
    library.import_digests(read_daily_papers([entry(GAUSS, "2503.01111", "2025-03-14")], "hub", "hub"))
    run(library, fake_hub)
    assert GAUSS not in asked(fake_hub)


def test_an_id_that_is_another_papers_is_left_alone(library: Library, fake_hub: FakeHub) -> None:
    library.import_digests(read_daily_papers([entry(GAUSS, "2503.01111", "2025-03-14")], "hub", "hub"))
    fake_hub.entries = [entry(SURVEY, "2503.01111", "2025-03-14")]
    report = run(library, fake_hub)
    assert report.conflicts == [(paper_id(SURVEY), "2503.01111")]
    assert library.by_id[paper_id(SURVEY)].arxiv_id is None
    assert library.find("2503.01111").title == GAUSS
    fake_hub.requests.clear()
    assert run(library, fake_hub).conflicts == []  # remembered: not asked again
    assert SURVEY not in asked(fake_hub)


def test_a_failure_stops_the_run_and_keeps_what_was_found(
    library: Library, fake_hub: FakeHub, isolated_data: Path
) -> None:
    fake_hub.entries = [entry(ZEBRA, "2301.00050", "2025-03-15")]
    fake_hub.script.extend(
        [
            Reply(body=[entry(ZEBRA, "2301.00050", "2025-03-15")]),
            Reply(body=[]),
            Reply(401, {"error": "Invalid credentials"}),
        ]
    )
    report = run(library, fake_hub)
    assert report.error is not None and report.error.endswith(
        ": HTTP 401 Unauthorized: the Hub wants a token (set HF_TOKEN)"
    )
    assert "\n" not in report.error and not report.ok
    assert (report.found, len(report.missed), report.remaining) == ([(paper_id(ZEBRA), "2301.00050")], 1, 2)
    reopened = Library(isolated_data)  # saved, not only in memory
    assert reopened.find("2301.00050").title == ZEBRA
    reopened.close()
    assert (isolated_data / LIBRARY_FILE).is_file()
