"""The bundled samples behind ``readlist --demo``: two digests a day apart that share two papers."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from readlist.cli import main
from readlist.core.demo import import_demo, sample_digests
from readlist.core.digest import read_digest
from readlist.core.digests import DigestCounts
from readlist.core.importer import import_files
from readlist.core.library import Library
from readlist.core.model import Paper
from readlist.core.visits import Visits
from tests.conftest import SAMPLE

SAMPLE_2 = SAMPLE.with_name("daily_papers_sample_2.txt")
ENTRIES_1, ENTRIES_2 = 29, 13  # distinct papers in each sample (the first lists one paper twice)
INSTRUCT = "Training language models to follow instructions with human feedback"
FLASH = "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness"


def by_title(lib: Library, title: str) -> Paper:
    found = [p for p in lib.papers if p.title == title]
    assert len(found) == 1, title
    return found[0]


def test_sample_digests_are_the_two_bundled_files_oldest_first() -> None:
    paths = sample_digests()
    assert [p.name for p in paths] == [SAMPLE.name, SAMPLE_2.name]
    assert all(p.is_file() for p in paths)
    assert [read_digest(p).label for p in paths] == ["Nov 20", "Nov 21"]


def test_second_sample_parses_without_problems() -> None:
    digest = read_digest(SAMPLE_2)
    assert (digest.label, digest.date) == ("Nov 21", "--11-21")
    assert digest.problems == []
    assert len(digest.entries) == ENTRIES_2
    assert len({e.title for e in digest.entries}) == ENTRIES_2
    assert all(e.abstract for e in digest.entries)
    # a mix of layouts: metadata lines on most entries, none on some
    with_meta = [e for e in digest.entries if e.authors is not None]
    assert 0 < len(with_meta) < ENTRIES_2
    assert all(e.published for e in with_meta)
    first = digest.entries[0]
    assert (first.authors, first.published, first.upvotes, first.arxiv_id) == (
        6,
        "2023-05-29",
        118,
        "2305.18290",
    )
    # the untidy text the parser and the display must cope with
    text = "\n".join(e.abstract for e in digest.entries)
    assert "[CLS]" in text and "[HJA20]" in text and "$O(n^2)$" in text
    assert "https://github.com/allenai/longformer." in text


def test_the_samples_share_exactly_two_papers() -> None:
    first = {e.title for e in read_digest(SAMPLE).entries}
    second = {e.title for e in read_digest(SAMPLE_2).entries}
    assert first & second == {INSTRUCT, FLASH}


def test_both_samples_give_one_entry_per_paper(library: Library) -> None:
    report = import_files(library, [str(p) for p in sample_digests()])
    assert report.ok
    assert [(f.label, f.entries, f.new, f.known, f.repeats) for f in report.files] == [
        ("Nov 20", ENTRIES_1 + 1, ENTRIES_1, 0, 1),
        ("Nov 21", ENTRIES_2, ENTRIES_2 - 2, 0, 2),
    ]  # Segment Anything twice in Nov 20; two papers of Nov 20 again in Nov 21
    assert len(library.papers) == ENTRIES_1 + ENTRIES_2 - 2
    assert (library.digests["Nov 20"].count, library.digests["Nov 21"].count) == (ENTRIES_1, ENTRIES_2)
    for title in (INSTRUCT, FLASH):
        assert by_title(library, title).digests == ["Nov 20", "Nov 21"]
    # the richest data of both digests: the second brings InstructGPT's link, metadata and
    # upvotes (and the longer summary); FlashAttention keeps the metadata only the first had
    instruct = by_title(library, INSTRUCT)
    assert (instruct.authors, instruct.published, instruct.upvotes, instruct.arxiv_id) == (
        20,
        "2022-03-04",
        95,
        "2203.02155",
    )
    new_wording = next(e.abstract for e in read_digest(SAMPLE_2).entries if e.title == INSTRUCT)
    assert instruct.abstract == new_wording
    flash = by_title(library, FLASH)
    assert (flash.authors, flash.published, flash.arxiv_id) == (5, "2022-05-27", "2205.14135")


def test_demo_import_makes_the_second_digest_new_since_the_last_visit(library: Library) -> None:
    report = import_demo(library)
    assert report.ok
    # The two text digests, then what the Hub tells of papers of both days.
    assert [(f.source.rsplit("/", 1)[-1], f.label) for f in report.files] == [
        ("daily_papers_sample.txt", "Nov 20"),
        ("daily_papers_sample_2.txt", "Nov 21"),
        ("daily_papers_sample_hub.json", "Nov 20"),
        ("daily_papers_sample_hub.json", "Nov 21"),
    ]
    assert (report.new, report.known) == (ENTRIES_1 + ENTRIES_2 - 2, 0)  # an empty library knows nothing
    assert (
        report.summary()
        == f"Imported 3 files: {ENTRIES_1 + ENTRIES_2 - 2} new, 0 already known, 9 repeated, 4 updated"
    )
    assert library.find("2302.05543").github_repo == "https://github.com/lllyasviel/ControlNet"
    rows = DigestCounts(library).rows(Visits(library.folder).last())
    assert [(row.label, row.total, row.new) for row in rows] == [
        ("Nov 21", ENTRIES_2, True),
        ("Nov 20", ENTRIES_1, False),
    ]


def test_demo_import_takes_extra_files_after_the_samples(library: Library, tmp_path: Path) -> None:
    extra = tmp_path / "mine.txt"
    extra.write_text(
        "Nov 22\n\nA Paper of My Own\n\nThis abstract is long enough for the parser to take it as one.\n",
        encoding="utf-8",
    )
    report = import_demo(library, [str(extra)])
    assert [f.label for f in report.files] == ["Nov 20", "Nov 21", "Nov 20", "Nov 21", "Nov 22"]
    assert len(library.papers) == ENTRIES_1 + ENTRIES_2 - 2 + 1


def test_demo_opens_both_samples_in_a_throwaway_library(
    isolated_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}

    def run(library: Library, *, report: object = None, demo: bool = False) -> None:
        seen.update(
            folder=library.folder,
            papers=len(library.papers),
            demo=demo,
            digests=sorted(library.digests),
            ok=getattr(report, "ok", None),
        )

    fake = types.ModuleType("readlist.tui.app")  # stands in for the TUI: no terminal, no textual
    fake.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "readlist.tui.app", fake)
    assert main(["--demo"]) == 0
    assert seen["papers"] == ENTRIES_1 + ENTRIES_2 - 2
    assert (seen["demo"], seen["ok"], seen["digests"]) == (True, True, ["Nov 20", "Nov 21"])
    folder = seen["folder"]
    assert isinstance(folder, Path) and not folder.exists()  # gone after the demo
    assert not isolated_data.exists()  # the real library was never touched
