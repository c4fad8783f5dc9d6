"""What the Hub adds to papers, how its counts merge, and the digest of a day the Hub named."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from readlist.core.digest import Digest, Entry, parse_text
from readlist.core.json_input import read_daily_papers
from readlist.core.library import CACHE_DIR, Library, digest_day, merge_into
from readlist.core.model import Paper, paper_id
from tests.core.conftest import MAR14, MAR15

GAUSS = "Gaussian Splatting in the Wild"
QUANT = "Quantization of Vision Transformers"


def item(title: str, arxiv_id: str, day: str = "2025-03-14", **paper: Any) -> dict[str, Any]:
    """One Daily Papers entry; ``numComments`` goes at the top level, the rest under ``paper``."""
    comments = paper.pop("numComments", None)
    inner = {
        "id": arxiv_id,
        "title": title,
        "summary": f"About {title}.",
        "upvotes": 1,
        "submittedOnDailyAt": f"{day}T08:00:00.000Z",
        **paper,
    }
    return {"paper": inner, "title": title, "numComments": comments}


def hub(*items: dict[str, Any], at: float | None) -> list[Digest]:
    """The digests of an answer, stamped as a fetch at ``at`` stamps them."""
    digests = read_daily_papers(list(items), "https://hub.test/api/daily_papers", "hub")
    for digest in digests:
        for entry in digest.entries:
            entry.hub_at = at
    return digests


@pytest.fixture
def texts(lib: Library) -> Library:
    """The two text digests of tests/core/conftest.py, Mar 14 and Mar 15."""
    return lib


# -- counts --------------------------------------------------------------------------------------


def counts(paper: Paper) -> tuple[int | None, int | None, int | None, float | None]:
    return paper.upvotes, paper.comments, paper.github_stars, paper.hub_at


def test_a_newer_answer_wins_even_when_lower() -> None:
    paper = Paper("a", "T", upvotes=40, comments=5, github_stars=300, hub_at=100.0)
    assert merge_into(paper, Paper("a", "T", upvotes=38, comments=4, github_stars=310, hub_at=200.0))
    assert counts(paper) == (38, 4, 310, 200.0)


def test_an_older_answer_changes_no_count() -> None:
    paper = Paper("a", "T", upvotes=40, comments=5, hub_at=200.0)
    assert not merge_into(paper, Paper("a", "T", upvotes=90, comments=1, hub_at=100.0))
    assert counts(paper) == (40, 5, None, 200.0)
    assert merge_into(paper, Paper("a", "T", github_stars=7, hub_at=100.0))  # but fills what is unknown
    assert counts(paper) == (40, 5, 7, 200.0)


def test_a_file_of_unknown_age_never_lowers_and_never_beats_a_live_answer() -> None:
    saved = Paper("a", "T", upvotes=10)
    assert not merge_into(saved, Paper("a", "T", upvotes=8))  # the max rule of every import
    assert merge_into(saved, Paper("a", "T", upvotes=12, comments=2))
    assert counts(saved) == (12, 2, None, None)
    live = Paper("a", "T", upvotes=10, hub_at=100.0)
    assert not merge_into(live, Paper("a", "T", upvotes=50))
    assert live.upvotes == 10


def test_the_hubs_fields_follow_the_newer_answer_and_are_never_taken_away() -> None:
    paper = Paper(
        "a",
        "T",
        github_repo="https://github.com/old/repo",
        ai_summary="Old.",
        ai_keywords=["x"],
        hub_at=100.0,
    )
    assert merge_into(
        paper, Paper("a", "T", github_repo="https://github.com/new/repo", ai_keywords=["y"], hub_at=200.0)
    )
    assert (paper.github_repo, paper.ai_summary, paper.ai_keywords) == (
        "https://github.com/new/repo",
        "Old.",
        ["y"],
    )
    assert not merge_into(paper, Paper("a", "T", github_repo="https://github.com/older/repo", hub_at=150.0))
    assert paper.github_repo == "https://github.com/new/repo"


def test_the_same_answer_again_changes_nothing() -> None:
    paper = Paper("a", "T", upvotes=3, comments=1, hub_at=100.0)
    assert not merge_into(paper, Paper("a", "T", upvotes=3, comments=1, hub_at=300.0))
    assert paper.hub_at == 100.0  # nothing new was learnt: the file is not rewritten for a time stamp


# -- one digest per day ----------------------------------------------------------------------------


def test_a_text_digest_gains_the_hubs_fields_and_its_year(texts: Library) -> None:
    gauss = texts.by_id[paper_id(GAUSS)]
    report = texts.import_digests(
        hub(
            item(
                GAUSS,
                "2503.01111",
                githubRepo="https://github.com/ex/wild",
                githubStars=12,
                numComments=4,
                projectPage="https://ex.github.io/wild",
                ai_summary="Splats outdoors.",
                ai_keywords=["splats"],
                upvotes=30,
            ),
            at=1000.0,
        )
    )
    assert report.ok, report.problems
    assert [(f.label, f.new, f.known, f.updated) for f in report.files] == [("Mar 14", 0, 1, 1)]
    assert list(texts.digests) == ["Mar 14", "Mar 15"]
    assert texts.digests["Mar 14"].date == "2025-03-14"  # the page gave no year; the Hub did
    assert texts.digests["Mar 15"].date == "--03-15"
    assert texts.digests["Mar 14"].sources == ["mar14.txt", "https://hub.test/api/daily_papers"]
    assert gauss.arxiv_id == "2503.01111"
    assert gauss.url == "https://huggingface.co/papers/2503.01111"
    assert (gauss.upvotes, gauss.comments, gauss.github_stars, gauss.hub_at) == (30, 4, 12, 1000.0)
    assert (gauss.github_repo, gauss.project_page) == (
        "https://github.com/ex/wild",
        "https://ex.github.io/wild",
    )
    assert (gauss.ai_summary, gauss.ai_keywords) == ("Splats outdoors.", ["splats"])
    assert gauss.digests == ["Mar 14"]
    assert texts.find("2503.01111") is gauss


def test_another_years_day_gets_its_own_digest(texts: Library) -> None:
    texts.import_digests(hub(item(GAUSS, "2503.01111"), at=1000.0))
    texts.import_digests(hub(item("A Paper of the Year Before", "2403.07777", day="2024-03-14"), at=1000.0))
    assert {label: info.date for label, info in texts.digests.items()} == {
        "Mar 14": "2025-03-14",
        "Mar 15": "--03-15",
        "Mar 14, 2024": "2024-03-14",
    }
    texts.import_digests(hub(item("Later That Day", "2503.02222"), at=2000.0))  # the same day again
    assert texts.by_id[paper_id("Later That Day")].digests == ["Mar 14"]
    assert digest_day(texts.digests["Mar 14, 2024"]) == "2024-03-14"


def test_refetching_updates_counts_only(texts: Library) -> None:
    texts.import_digests(hub(item(GAUSS, "2503.01111", upvotes=30, numComments=4, githubStars=12), at=1000.0))
    before = {p.id: p.to_record() for p in texts.papers}
    report = texts.import_digests(
        hub(item(GAUSS, "2503.01111", upvotes=29, numComments=6, githubStars=15), at=2000.0)
    )
    assert [(f.new, f.known, f.updated) for f in report.files] == [(0, 1, 1)]
    after = {p.id: p.to_record() for p in texts.papers}
    gauss = paper_id(GAUSS)
    assert {k: (before[gauss][k], v) for k, v in after[gauss].items() if before[gauss][k] != v} == {
        "upvotes": (30, 29),
        "comments": (4, 6),
        "github_stars": (12, 15),
        "hub_at": (1000.0, 2000.0),
    }
    assert {pid: rec for pid, rec in after.items() if pid != gauss} == {
        pid: rec for pid, rec in before.items() if pid != gauss
    }


def test_fetched_days_are_kept_with_the_papers(texts: Library, isolated_data: Path) -> None:
    texts.import_digests([], fetched={"2025-03-14": 1000.0, "2025-03-15": 1000.0})
    texts.import_digests([], fetched={"2025-03-14": 2000.0, "2025-03-15": 500.0})  # older: not recorded
    assert texts.fetched == {"2025-03-14": 2000.0, "2025-03-15": 1000.0}
    texts.close()
    for drop_cache in (False, True):
        if drop_cache:
            shutil.rmtree(isolated_data / CACHE_DIR)
        again = Library(isolated_data)
        assert again.fetched == {"2025-03-14": 2000.0, "2025-03-15": 1000.0}
        again.close()


def test_the_hubs_fields_survive_a_restart(texts: Library, isolated_data: Path) -> None:
    texts.import_digests(
        hub(
            item(
                GAUSS,
                "2503.01111",
                githubRepo="https://github.com/ex/wild",
                githubStars=12,
                ai_keywords=["a", "b"],
                numComments=2,
            ),
            at=1000.0,
        )
    )
    record = texts.by_id[paper_id(GAUSS)].to_record()
    texts.close()
    for drop_cache in (False, True):
        if drop_cache:
            shutil.rmtree(isolated_data / CACHE_DIR)
        again = Library(isolated_data)
        assert again.by_id[paper_id(GAUSS)].to_record() == record
        again.close()


# -- enrich: what resolve merges ---------------------------------------------------------------------


def test_enrich_merges_into_the_paper_and_no_digest(texts: Library) -> None:
    found = Entry(
        title=QUANT, line=1, arxiv_id="2301.00042", upvotes=9, author_names=["A. Author"], hub_at=1000.0
    )
    taken = Entry(title=GAUSS, line=1, arxiv_id="2301.00042", hub_at=1000.0)
    outcome = texts.enrich([(paper_id(QUANT), found), (paper_id(GAUSS), taken), ("0000000000", found)])
    assert outcome == {paper_id(QUANT): "updated", paper_id(GAUSS): "conflict", "0000000000": "gone"}
    quant = texts.by_id[paper_id(QUANT)]
    assert (quant.arxiv_id, quant.upvotes, quant.author_names, quant.digests) == (
        "2301.00042",
        9,
        ["A. Author"],
        ["Mar 14"],
    )
    assert texts.by_id[paper_id(GAUSS)].arxiv_id is None
    assert texts.find("2301.00042") is quant
    assert texts.enrich([(paper_id(QUANT), found)]) == {paper_id(QUANT): "unchanged"}


# -- another process's imports -------------------------------------------------------------------


def test_reload_brings_another_processes_papers_and_keeps_state(
    isolated_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = Library(isolated_data)
    running.import_digests([parse_text(MAR14, "mar14.txt")])
    gauss = paper_id(GAUSS)
    running.state.update(gauss, starred=True, note="mine")
    running.state.flush()
    running.state.update(paper_id(QUANT), read=True)  # not saved yet
    running.change([gauss], "tag", tags=["keep"])
    assert running.reload_if_changed() is False

    other = Library(isolated_data)
    other.import_digests(
        [parse_text(MAR15, "mar15.txt")] + hub(item(GAUSS, "2503.01111", upvotes=77), at=1.0),
        fetched={"2025-03-14": 1.0},
    )
    other.close()

    assert running.reload_if_changed() is True
    assert len(running.papers) == len(running.order) == 5 and set(running.digests) == {"Mar 14", "Mar 15"}
    assert running.digests["Mar 14"].date == "2025-03-14"
    assert running.fetched == {"2025-03-14": 1.0}
    assert running.find("2503.01111").upvotes == 77
    assert [running.papers[i].title for i in running.order][:2] == [
        "Zebra Finches Learn Songs",
        "Diffusion Policies for Robot Control",
    ]
    state = running.state_of(gauss)
    assert (state.starred, state.note, state.tags) == (True, "mine", ("keep",))
    assert running.state_of(paper_id(QUANT)).read is True
    assert running.undo() is not None and running.state_of(gauss).tags == ()

    # Unchanged: one stat, nothing read.
    monkeypatch.setattr(Library, "_load", lambda self: pytest.fail("read the library again"))
    assert running.reload_if_changed() is False
    running.close()


def test_an_import_after_a_reload_keeps_both(isolated_data: Path) -> None:
    one, two = Library(isolated_data), Library(isolated_data)
    one.import_digests([parse_text(MAR14, "mar14.txt")])
    two.import_digests([parse_text(MAR15, "mar15.txt")])
    assert one.reload_if_changed() is True
    one.import_digests(hub(item(QUANT, "2301.00042"), at=5.0))
    one.close()
    two.reload_if_changed()
    assert len(two.papers) == 5 and two.find("2301.00042") is not None
    two.close()
