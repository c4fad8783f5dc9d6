"""The bundled sample digests, and the throwaway library ``readlist --demo`` opens."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from readlist.core.importer import import_files
from readlist.core.library import ImportReport, Library

SAMPLE_FILES = ("daily_papers_sample.txt", "daily_papers_sample_2.txt")  # two days, oldest first
# What the Hub tells of some of their papers (arXiv ids, code, comments, its AI summary), in the
# shape of its Daily Papers answer: the demo shows what `readlist fetch` brings.
SAMPLE_HUB = "daily_papers_sample_hub.json"


def sample_file(name: str) -> Path:
    from importlib import resources

    return Path(str(resources.files("readlist.sample").joinpath(name)))


def sample_digests() -> list[Path]:
    """The bundled sample digests, oldest first."""
    return [sample_file(name) for name in SAMPLE_FILES]


def import_demo(library: Library, extra: Sequence[str] = ()) -> ImportReport:
    """The samples as a reader has them on the second day: the first digest came before the last
    visit, the second (and any ``extra`` files) since, so the digests panel has news to show."""
    from readlist.core.visits import Visits

    first, *later = sample_digests()
    report = import_files(library, [str(first)])
    Visits(library.folder).begin()
    return import_files(library, [*map(str, later), str(sample_file(SAMPLE_HUB)), *extra], report)
