"""Saved searches: named queries in searches.json, kept by name, shared between processes,
never written over when damaged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readlist.core.errors import CorruptFileError
from readlist.core.library import Library
from readlist.core.saved import MAX_NAME, SEARCHES_FILE, SavedSearchError, SavedSearches


def test_save_list_get_delete(isolated_data: Path) -> None:
    searches = SavedSearches(isolated_data)
    assert searches.all() == {} and searches.get("x") is None
    assert not isolated_data.exists()  # reading makes no folder
    assert searches.save("  Diffusion\tpapers ", "(diffusion OR\n gaussian)  is:unread") == "Diffusion papers"
    searches.save("arxiv", "has:code")
    assert searches.all() == {"arxiv": "has:code", "Diffusion papers": "(diffusion OR gaussian) is:unread"}
    assert searches.get("diffusion PAPERS") == "(diffusion OR gaussian) is:unread"
    searches.save("ARXIV", "has:summary")  # the same name whatever its case: replaced, as now spelt
    assert searches.all() == {"ARXIV": "has:summary", "Diffusion papers": "(diffusion OR gaussian) is:unread"}
    assert searches.delete("arxiv") and not searches.delete("arxiv")
    assert list(searches.all()) == ["Diffusion papers"]


def test_the_file_is_small_sorted_json(isolated_data: Path) -> None:
    searches = SavedSearches(isolated_data)
    searches.save("zeta", "z")
    searches.save("alpha", "a")
    text = (isolated_data / SEARCHES_FILE).read_text(encoding="utf-8")
    assert json.loads(text) == {
        "format": "readlist-searches",
        "version": 1,
        "searches": {"alpha": "a", "zeta": "z"},
    }
    assert text.index('"alpha"') < text.index('"zeta"') and text.endswith("}\n")
    assert not list(isolated_data.glob(f".{SEARCHES_FILE}.*"))  # no temporary file left behind


def test_another_process_sees_the_changes(isolated_data: Path) -> None:
    mine, theirs = SavedSearches(isolated_data), SavedSearches(isolated_data)
    mine.save("one", "1")
    theirs.save("two", "2")
    assert mine.all() == {"one": "1", "two": "2"}
    library = Library(isolated_data)  # with the library's own lock, as the app passes it
    try:
        SavedSearches(isolated_data, library.lock).delete("one")
    finally:
        library.close()
    assert theirs.all() == {"two": "2"}


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("", "x", "needs a name"),
        ("\x1b[2J\t", "x", "needs a name"),
        ("n" * (MAX_NAME + 1), "x", "at most"),
        ("empty", " \n ", "needs a query"),
    ],
)
def test_what_cannot_be_saved(isolated_data: Path, name: str, query: str, message: str) -> None:
    with pytest.raises(SavedSearchError, match=message):
        SavedSearches(isolated_data).save(name, query)


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"format": "other", "searches": {}}',
        '{"format": "readlist-searches", "searches": {"a": 1}}',
    ],
)
def test_a_damaged_file_is_reported_and_left_untouched(isolated_data: Path, content: str) -> None:
    isolated_data.mkdir()
    (isolated_data / SEARCHES_FILE).write_text(content, encoding="utf-8")
    searches = SavedSearches(isolated_data)
    with pytest.raises(CorruptFileError, match="left untouched"):
        searches.all()
    with pytest.raises(CorruptFileError):
        searches.save("x", "y")
    assert (isolated_data / SEARCHES_FILE).read_text(encoding="utf-8") == content
