"""The library: identity and merging across digests, re-imports, state, files on disk."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest

from readlist.core.digest import parse_text, read_digest
from readlist.core.importer import import_files
from readlist.core.library import LIBRARY_FILE, STATE_FILE, Library, merge_state
from readlist.core.library import import_day as REAL_IMPORT_DAY
from readlist.core.model import Paper, PaperState, paper_id
from readlist.core.selection import Columns, select_papers
from tests.conftest import FIXTURES, SAMPLE
from tests.core.conftest import JUL28, JUL29, JUL29_PAGE, SHARED

WEEK1 = FIXTURES / "week1.txt"
WEEK2 = FIXTURES / "week2.txt"

ADAPTIVE = "Adaptive Step Sizes for Diffusion Samplers"
CONTRASTIVE = "Contrastive Pretraining on Satellite Image Time Series"
LOSSLESS = "Lossless Compression of Model Checkpoints"
LOSSLESS_2 = "Lossless Compression for Model Checkpoints"
COUNTING = "Counting Objects in Crowded Scenes Without Boxes"
MULTILINGUAL = "Multilingual Instruction Tuning With Few Languages"


def shown(lib: Library) -> list[Paper]:
    """The papers in display order (``Library.papers`` itself is in storage order)."""
    return lib.in_order


def by_title(lib: Library, title: str) -> Paper:
    found = [p for p in lib.papers if p.title == title]
    assert len(found) == 1, (title, [p.title for p in lib.papers])
    return found[0]


def fields(paper: Paper) -> tuple:
    return (paper.authors, paper.published, paper.upvotes, paper.arxiv_id)


# -- identity and merging ---------------------------------------------------------------


def test_two_digests_merge_into_one_entry_per_paper(library: Library) -> None:
    first = import_files(library, [str(WEEK1)])
    assert [(f.label, f.entries, f.new, f.known, f.updated) for f in first.files] == [("Feb 3", 4, 4, 0, 0)]
    second = import_files(library, [str(WEEK2)])
    assert [(f.label, f.entries, f.new, f.known, f.updated) for f in second.files] == [("Feb 10", 5, 1, 3, 3)]
    assert (second.new, second.known, second.updated, second.problems, second.ok) == (1, 3, 3, [], True)

    assert [p.title for p in shown(library)] == [MULTILINGUAL, ADAPTIVE, CONTRASTIVE, LOSSLESS, COUNTING]
    assert [p.digests for p in shown(library)] == [
        ["Feb 10"],
        ["Feb 3", "Feb 10"],
        ["Feb 3", "Feb 10"],
        ["Feb 3", "Feb 10"],
        ["Feb 3"],
    ]
    assert {label: (d.count, d.sources, d.date) for label, d in library.digests.items()} == {
        "Feb 3": (4, ["week1.txt"], "--02-03"),
        "Feb 10": (4, ["week2.txt"], "--02-10"),
    }


@pytest.mark.parametrize("order", [(WEEK1, WEEK2), (WEEK2, WEEK1)], ids=["week1-first", "week2-first"])
def test_merge_keeps_the_richest_data_in_either_order(library: Library, order: tuple[Path, Path]) -> None:
    for path in order:
        import_files(library, [str(path)])
    assert len(library.papers) == 5
    week1 = {e.title: e for e in read_digest(WEEK1).entries}
    week2 = {e.title: e for e in read_digest(WEEK2).entries}

    adaptive = by_title(library, ADAPTIVE)
    # authors only in week 1; dated published, upvotes 9 > 3 and the arXiv id only in week 2
    assert fields(adaptive) == (5, "2024-10-08", 9, "2410.01234")
    assert adaptive.abstract == week2[ADAPTIVE].abstract  # the longer one

    contrastive = by_title(library, CONTRASTIVE)
    # week 1 has the year and 12 upvotes; week 2 a year-less date and 4
    assert fields(contrastive) == (7, "2024-09-30", 12, None)
    assert contrastive.abstract == week1[CONTRASTIVE].abstract

    # matched by arXiv id although the titles differ; the first title seen stays
    lossless = library.find("2403.04567")
    assert lossless is not None
    assert lossless.title == (LOSSLESS if order[0] == WEEK1 else LOSSLESS_2)
    assert fields(lossless) == (9, None, None, "2403.04567")
    assert lossless.abstract == week1[LOSSLESS].abstract
    assert sorted(lossless.digests) == ["Feb 10", "Feb 3"]
    assert not [p for p in library.papers if p.title in (LOSSLESS, LOSSLESS_2) and p is not lossless]


def test_same_paper_twice_in_one_digest_is_one_paper(library: Library) -> None:
    report = import_files(library, [str(WEEK2)])
    assert (report.files[0].entries, report.new, report.known, report.files[0].repeats) == (5, 4, 0, 1)
    paper = by_title(library, MULTILINGUAL)
    assert paper.digests == ["Feb 10"]
    assert (paper.pos, paper.positions) == (0, {"Feb 10": 0})  # its first place in the page
    first, second = [e for e in read_digest(WEEK2).entries if e.title == MULTILINGUAL]
    assert len(first.abstract) > len(second.abstract)
    assert paper.abstract == first.abstract


def in_digest(lib: Library, label: str) -> list[str]:
    selection = select_papers(lib, "", index=None, columns=Columns(lib), digest=label)
    return [lib.papers[i].title for i in selection.indices]


def test_a_paper_keeps_its_place_in_every_digest(isolated_data: Path) -> None:
    lib = Library(isolated_data)
    lib.import_digests([parse_text(JUL28, "jul28.txt"), parse_text(JUL29, "jul29.txt")])
    assert by_title(lib, SHARED).positions == {"Jul 28": 2, "Jul 29": 1}
    lib.close()
    for fresh in (False, True):  # from the snapshot (no paper objects made yet), then from library.json
        lib = Library(isolated_data)
        if fresh:
            lib.close()
            for path in lib.cache.rglob("*.snapshot"):
                path.unlink()
            lib = Library(isolated_data)
        assert in_digest(lib, "Jul 29") == JUL29_PAGE
        assert by_title(lib, SHARED).positions == {"Jul 28": 2, "Jul 29": 1}
        lib.close()


def test_a_library_saved_before_places_were_kept_still_loads(isolated_data: Path) -> None:
    lib = Library(isolated_data)
    lib.import_digests([parse_text(JUL28, "jul28.txt"), parse_text(JUL29, "jul29.txt")])
    lib.close()
    path = isolated_data / LIBRARY_FILE
    doc = json.loads(path.read_text(encoding="utf-8"))
    for record in doc["papers"].values():
        del record["positions"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    lib = Library(isolated_data)
    assert by_title(lib, SHARED).positions == {"Jul 28": 2}  # only its first digest's place is known
    assert in_digest(lib, "Jul 29") == [JUL29_PAGE[0], JUL29_PAGE[2], SHARED]  # an unknown place goes last
    lib.import_digests([parse_text(JUL29, "jul29.txt")])  # importing the digest again learns it
    assert in_digest(lib, "Jul 29") == JUL29_PAGE
    lib.close()


def test_bundled_sample_imports_29_unique_papers(library: Library) -> None:
    report = import_files(library, [str(SAMPLE)])
    assert (report.files[0].entries, report.new, report.known, report.ok) == (30, 29, 0, True)
    assert len(library.papers) == 29
    segment = by_title(library, "Segment Anything")
    assert segment.digests == ["Nov 20"]
    assert library.digests["Nov 20"].count == 29


def test_arxiv_match_with_a_title_that_differs_only_in_case_and_punctuation(library: Library) -> None:
    abstract = "This abstract is long enough to be taken as an abstract by the parser of digests."
    text_a = f"Mar 1\n\nDeep Nets, Revisited!\n\n{abstract}\n"
    text_b = f"Mar 2\n\ndeep nets revisited\n\n{abstract} It has one more sentence.\n"
    library.import_digests([parse_text(text_a, "a"), parse_text(text_b, "b")])
    assert [(p.title, p.digests) for p in library.papers] == [("Deep Nets, Revisited!", ["Mar 1", "Mar 2"])]
    assert library.papers[0].id == paper_id("deep nets revisited")


@pytest.mark.parametrize("reopen", [False, True], ids=["same-session", "after-reopen"])
def test_title_variant_learned_through_arxiv_id_is_remembered(isolated_data: Path, reopen: bool) -> None:
    """Seen once as "Title X, Revised" with the id, the same title without the id is the same paper."""
    abstract = "An abstract that is long enough to be read as an abstract by the digest parser, ending here."
    v1 = parse_text(f"Mar 1\n\nTitle X\n\n{abstract}\narXiv:2401.01234\n", "1")
    v2 = parse_text(f"Mar 2\n\nTitle X, Revised\n\n{abstract}\narXiv:2401.01234\n", "2")
    v2_no_id = parse_text(f"Mar 3\n\nTitle X, Revised\n\n{abstract}\n", "3")
    library = Library(isolated_data)
    library.import_digests([v1])
    library.import_digests([v2])
    if reopen:
        library.close()
        library = Library(isolated_data)
    report = library.import_digests([v2_no_id])
    assert (report.new, report.known) == (0, 1)
    assert [(p.title, p.digests) for p in library.papers] == [("Title X", ["Mar 1", "Mar 2", "Mar 3"])]
    library.close()


def test_importing_the_same_file_again_changes_nothing(library: Library, isolated_data: Path) -> None:
    import_files(library, [str(WEEK1), str(WEEK2)])
    path = isolated_data / LIBRARY_FILE
    before = path.read_bytes()
    before_stat = path.stat()
    records = [p.to_record() for p in library.papers]

    report = import_files(library, [str(WEEK2)])
    assert [(f.entries, f.new, f.known, f.updated) for f in report.files] == [(5, 0, 4, 0)]
    assert report.new == 0
    assert path.read_bytes() == before
    assert path.stat().st_ino == before_stat.st_ino  # not even rewritten with the same bytes
    assert [p.to_record() for p in library.papers] == records


def test_reimport_in_a_new_session_changes_nothing(isolated_data: Path) -> None:
    lib = Library(isolated_data)
    import_files(lib, [str(SAMPLE)])
    lib.close()
    before = (isolated_data / LIBRARY_FILE).read_bytes()
    lib = Library(isolated_data)
    report = import_files(lib, [str(SAMPLE)])
    lib.close()
    assert (report.new, report.known, report.updated) == (0, 29, 0)
    assert (isolated_data / LIBRARY_FILE).read_bytes() == before


def test_order_is_newest_digest_first(library: Library) -> None:
    import_files(library, [str(FIXTURES / "basic.txt")])  # Mar 14
    import_files(library, [str(FIXTURES / "markup.txt")])  # May 6
    expected = [
        "Why [CLS] tokens [/]",
        "Escaping [all] Brack",
        "Sparse Gaussian Spla",
        "Post-Training Quanti",
        "Curriculum Schedules",
    ]
    assert [p.title[:20] for p in shown(library)] == expected
    # the digest's date decides, not the order of the files on the command line
    other = Library(library.folder.parent / "other")
    import_files(other, [str(FIXTURES / "markup.txt"), str(FIXTURES / "basic.txt")])
    assert [p.title[:20] for p in shown(other)] == expected
    other.close()


def test_digest_day_infers_the_year_from_the_import(monkeypatch: pytest.MonkeyPatch) -> None:
    from readlist.core import library
    from readlist.core.library import DigestInfo, digest_day

    monkeypatch.setattr(library, "import_day", REAL_IMPORT_DAY)  # not the suite's Dec 31
    jan_2 = dt.datetime(2026, 1, 2, 9).timestamp()
    assert digest_day(DigestInfo("Dec 30", "--12-30", [], 1, jan_2)) == "2025-12-30"
    assert digest_day(DigestInfo("Jan 1", "--01-01", [], 2, jan_2)) == "2026-01-01"
    assert digest_day(DigestInfo("Mar 3, 2024", "2024-03-03", [], 3, jan_2)) == "2024-03-03"
    assert digest_day(DigestInfo("notes", None, [], 4, jan_2)) == "2026-01-02"


def test_digest_without_papers_records_nothing(library: Library, isolated_data: Path) -> None:
    report = import_files(library, [str(FIXTURES / "no_papers.txt")])
    assert report.files[0].entries == 0
    assert report.problems == [f"{FIXTURES / 'no_papers.txt'}: no papers found in this file"]
    assert library.digests == {}
    assert len(library.papers) == 0
    assert not (isolated_data / LIBRARY_FILE).exists()


def test_unreadable_inputs_are_errors_and_good_files_still_import(library: Library, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    report = import_files(library, [str(missing), str(WEEK1), str(tmp_path)])
    assert report.errors == [f"{missing}: no such file", f"{tmp_path}: is a directory, not a digest file"]
    assert report.ok is False
    assert len(library.papers) == 4


def test_find(library: Library) -> None:
    import_files(library, [str(WEEK1), str(WEEK2)])
    adaptive = by_title(library, ADAPTIVE)
    assert library.find(adaptive.id) is adaptive
    assert library.find(f"  {adaptive.id}\n") is adaptive
    assert library.find("2410.01234") is adaptive
    assert library.find("no-such-id") is None
    assert library.find(adaptive.id[:3]) is None  # too short to be a prefix
    unique = [p for p in library.papers if sum(q.id.startswith(p.id[:6]) for q in library.papers) == 1]
    assert library.find(unique[0].id[:6]) is unique[0]


# -- state --------------------------------------------------------------------------------


def test_state_follows_the_paper_across_a_later_import(library: Library) -> None:
    import_files(library, [str(WEEK1)])
    adaptive = by_title(library, ADAPTIVE)
    library.state.update(adaptive.id, read=True, starred=True, note="compare with DPM-Solver")
    library.state.flush()
    import_files(library, [str(WEEK2)])
    merged = library.find("2410.01234")
    assert merged is not None and merged.id == adaptive.id
    state = library.state_of(merged.id)
    assert (state.read, state.starred, state.note) == (True, True, "compare with DPM-Solver")
    assert library.state_of(by_title(library, MULTILINGUAL).id).read is False


def test_library_and_state_persist_across_close_and_reopen(isolated_data: Path) -> None:
    lib = Library(isolated_data)
    import_files(lib, [str(WEEK1), str(WEEK2)])
    records = [p.to_record() for p in shown(lib)]
    digests = {k: v.to_record() for k, v in lib.digests.items()}
    pid = by_title(lib, CONTRASTIVE).id
    lib.state.update(pid, starred=True, note="line one\nline two")
    lib.close()  # flushes without an explicit flush()

    lib = Library(isolated_data)
    assert [p.to_record() for p in shown(lib)] == records
    assert {k: v.to_record() for k, v in lib.digests.items()} == digests
    state = lib.state_of(pid)
    assert (state.read, state.starred, state.note) == (False, True, "line one\nline two")
    assert state.starred_at is not None and state.read_at is None
    lib.close()


def test_unknown_state_field_is_rejected(library: Library) -> None:
    with pytest.raises(ValueError):
        library.state.update("abc", abstract="x")


def test_abstracts_are_not_in_the_state_file(library: Library, isolated_data: Path) -> None:
    import_files(library, [str(WEEK1)])
    for paper in library.papers:
        library.state.update(paper.id, read=True)
    library.state.flush()
    state_text = (isolated_data / STATE_FILE).read_text(encoding="utf-8")
    library_text = (isolated_data / LIBRARY_FILE).read_text(encoding="utf-8")
    for paper in library.papers:
        assert paper.abstract[:60] in library_text
        assert paper.abstract[:60] not in state_text
        assert paper.title not in state_text
    docs = json.loads(state_text)["state"]
    assert len(docs) == 4
    assert {key for doc in docs.values() for key in doc} == {
        "id",
        "read",
        "starred",
        "note",
        "tags",
        "read_at",
        "starred_at",
        "note_at",
        "tags_at",
    }


def test_triage_does_not_rewrite_the_library_file(library: Library, isolated_data: Path) -> None:
    import_files(library, [str(WEEK1)])
    ino = (isolated_data / LIBRARY_FILE).stat().st_ino
    library.state.update(library.papers[0].id, starred=True)
    library.state.flush()
    assert (isolated_data / LIBRARY_FILE).stat().st_ino == ino


def test_file_and_folder_modes(tmp_path: Path) -> None:
    folder = tmp_path / "fresh" / "readlist"
    old = os.umask(0o022)
    try:
        lib = Library(folder)
        import_files(lib, [str(WEEK1)])
        lib.state.update(lib.papers[0].id, read=True)
        lib.close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in (LIBRARY_FILE, STATE_FILE, ".lock"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    # anything else kept there (caches, snapshots) is private too
    for path in folder.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


def test_two_libraries_on_one_folder_lose_no_import(isolated_data: Path) -> None:
    """Two processes that opened the library before either imported."""
    one = Library(isolated_data)
    two = Library(isolated_data)
    import_files(one, [str(WEEK1)])
    import_files(two, [str(WEEK2)])  # must reload week 1 before writing
    assert len(two.papers) == 5
    assert one.reload_if_changed() is True
    assert one.reload_if_changed() is False
    assert [p.title for p in shown(one)] == [p.title for p in shown(two)]
    one.close()
    two.close()
    three = Library(isolated_data)
    assert len(three.papers) == 5
    assert by_title(three, ADAPTIVE).digests == ["Feb 3", "Feb 10"]
    three.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "deleted"])
def test_damaged_cache_costs_time_never_data(isolated_data: Path, damage: str) -> None:
    """Whatever sits in the cache folder, the papers come from library.json."""
    lib = Library(isolated_data)
    import_files(lib, [str(WEEK1), str(WEEK2)])
    records = [p.to_record() for p in shown(lib)]
    cache = lib.cache
    lib.close()
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert files  # there is a cache to damage
    for path in files:
        if damage == "garbage":
            path.write_bytes(b"\x00not a snapshot\xff" * 7)
        elif damage == "truncated":
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        else:
            path.unlink()
    lib = Library(isolated_data)
    assert [p.to_record() for p in shown(lib)] == records
    lib.close()
    lib = Library(isolated_data)  # and again, from whatever cache the last open rebuilt
    assert [p.to_record() for p in shown(lib)] == records
    lib.close()


@pytest.mark.parametrize(
    ("current", "incoming", "merged"),
    [
        ("not good enough", "good", "not good enough\n\ngood"),  # a substring is not the note
        ("mine\n\ngood", "good", None),
        ("good\n\nmine", "good", None),
        ("a\n\ngood\n\nb", "good", None),
        ("good", "good", None),
        ("mine\n\ngood\n\nbetter", "good\n\nbetter", None),  # importing the same file twice
        ("mine\n\ngoods", "good", "mine\n\ngoods\n\ngood"),
        ("", "good", "good"),
    ],
)
def test_an_imported_note_is_added_unless_already_there(
    current: str, incoming: str, merged: str | None
) -> None:
    fields = merge_state(PaperState(note=current), PaperState(note=incoming))
    assert fields.get("note") == merged


def test_an_id_prefix_names_one_paper_or_says_why_not(isolated_data: Path) -> None:
    from readlist.core.digest import parse_text
    from readlist.core.errors import ReadlistError
    from readlist.core.model import paper_id

    # Two titles whose ids share their first four characters, found by trying.
    seen: dict[str, str] = {}
    n = 0
    while True:
        title = f"A Study of Shared Prefixes Number {n}"
        head = paper_id(title)[:4]
        if head in seen:
            break
        seen[head] = title
        n += 1
    pair = (seen[head], title)
    library = Library(isolated_data)
    library.import_digests(
        [parse_text("Mar 14\n\n" + "".join(f"{t}\n\nAn abstract about {t}.\n\n" for t in pair), "pair.txt")]
    )
    with pytest.raises(ReadlistError, match=f"'{head}' is the start of 2 ids"):
        library.lookup(head)
    with pytest.raises(ReadlistError, match="too short"):
        library.lookup(head[:3])
    assert library.lookup(paper_id(pair[0])[:8]).title == pair[0]
    assert library.find(head) is None
    library.close()
