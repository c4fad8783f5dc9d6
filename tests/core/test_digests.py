"""Digest rows for the side panel (order, counts, news) and the last-visit store."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from readlist.core.digest import Digest, parse_text
from readlist.core.digests import DigestCounts, DigestRow
from readlist.core.library import Library
from readlist.core.model import paper_id
from readlist.core.visits import VISITS_FILE, Visits, is_new


def digest(date: str | None, *titles: str, label: str = "notes.txt") -> Digest:
    head = f"new\n\nSubscribe\n\n{date}\n\n" if date else "new\n\nSubscribe\n\n"
    body = "\n\n".join(f"{title}\n\nAn abstract about {title.lower()}." for title in titles)
    return parse_text(head + body + "\n", f"{date or label}.txt", default_label=label)


@pytest.fixture
def library(isolated_data: Path) -> Library:
    lib = Library(isolated_data)
    lib.import_digests([digest("Mar 14", "Alpha", "Beta", "Gamma")])
    lib.import_digests([digest("Mar 15", "Delta", "Alpha")])  # Alpha again, a day later
    yield lib
    lib.close()


def test_rows_are_newest_first_with_paper_and_read_counts(library: Library) -> None:
    library.state.update(paper_id("Alpha"), read=True)
    library.state.update(paper_id("Gamma"), read=True)
    rows = DigestCounts(library).rows(previous_visit=None)
    assert [(r.label, r.total, r.read) for r in rows] == [("Mar 15", 2, 1), ("Mar 14", 3, 2)]
    assert rows[0].day.endswith("-03-15") and rows[1].day.endswith("-03-14")
    assert all(r.new for r in rows)  # no previous visit: everything is new


def test_same_order_as_the_list(library: Library) -> None:
    # Two digests without a date fall on their import day; the later import goes first, as in the list.
    library.import_digests([digest(None, "Epsilon", label="first.txt")])
    library.import_digests([digest(None, "Zeta", label="second.txt")])
    rows = DigestCounts(library).rows(None)
    assert [r.label for r in rows][:2] == ["second.txt", "first.txt"]
    first_digest_of_list = [library.papers[i].digests[0] for i in library.order]
    assert list(dict.fromkeys(first_digest_of_list)) == [r.label for r in rows]


def test_new_means_imported_after_the_previous_visit(library: Library) -> None:
    imported = {info.label: info.imported_at for info in library.digests.values()}
    between = (imported["Mar 14"] + imported["Mar 15"]) / 2
    rows = {r.label: r for r in DigestCounts(library).rows(between)}
    assert rows["Mar 15"].new and not rows["Mar 14"].new
    assert not any(r.new for r in DigestCounts(library).rows(imported["Mar 15"] + 1))


def test_update_follows_read_marks_without_recounting(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = DigestCounts(library)
    monkeypatch.setattr(counts, "_count", lambda: pytest.fail("recounted"))
    alpha = paper_id("Alpha")
    library.state.update(alpha, read=True)
    counts.update([alpha, "no-such-paper"])
    assert {r.label: r.read for r in counts.rows(None)} == {"Mar 15": 1, "Mar 14": 1}
    counts.update([alpha])  # nothing changed since: nothing counted twice
    library.state.update(alpha, read=False)
    counts.update([alpha])
    assert {r.label: r.read for r in counts.rows(None)} == {"Mar 15": 0, "Mar 14": 0}


def test_imports_are_counted_afresh(library: Library) -> None:
    counts = DigestCounts(library)
    library.import_digests([digest("Mar 16", "Eta")])
    assert counts.rows(None)[0] == DigestRow("Mar 16", counts.rows(None)[0].day, 1, 0, True)
    # Only known papers, under a new label: no paper is added, yet the new digest counts them.
    library.import_digests([digest("Mar 17", "Beta", "Gamma")])
    assert [(r.label, r.total) for r in counts.rows(None)][:2] == [("Mar 17", 2), ("Mar 16", 1)]


def test_an_empty_library_has_no_rows(isolated_data: Path) -> None:
    lib = Library(isolated_data)
    try:
        assert DigestCounts(lib).rows(None) == []
    finally:
        lib.close()


# -- the last visit -------------------------------------------------------------------


def test_first_visit_has_no_previous_and_records_now(tmp_path: Path) -> None:
    visits = Visits(tmp_path / "data")
    assert visits.last() is None
    assert visits.begin(now=1000.0) is None
    path = tmp_path / "data" / VISITS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert visits.begin(now=2000.0) == 1000.0
    assert Visits(tmp_path / "data").last() == 2000.0


@pytest.mark.parametrize(
    "damage", [b"", b"{not json", b"[1, 2]", b'{"last_visit": "yesterday"}', b'{"last_visit": true}']
)
def test_a_damaged_file_stands_for_its_time_of_writing(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / VISITS_FILE
    path.write_bytes(damage)
    os.utime(path, (1234.0, 1234.0))
    assert Visits(tmp_path).begin(now=5000.0) == 1234.0  # not None: damage does not make all new
    assert Visits(tmp_path).last() == 5000.0  # and the file is good again


def test_a_failed_write_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Visits(tmp_path).begin(now=10.0)

    def full_disk(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("readlist.core.visits.write_atomic", full_disk)
    assert Visits(tmp_path).begin(now=20.0) == 10.0
    assert Visits(tmp_path).last() == 10.0


def test_is_new() -> None:
    assert is_new(5.0, None)
    assert is_new(5.0, 4.0)
    assert not is_new(5.0, 5.0)
    assert not is_new(5.0, 6.0)
