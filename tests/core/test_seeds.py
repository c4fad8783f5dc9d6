"""The four real digests in ../shared/seeds (skipped when they are not there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.core.digest import Digest, read_digest
from readlist.core.importer import import_files
from readlist.core.library import Library
from readlist.core.links import find_urls
from readlist.core.selection import Columns, select_papers
from readlist.core.text import title_key

FUSECHAT = "FuseChat: Knowledge Fusion of Chat Models"
BONE = (
    "Bone: Block Affine Transformation as Parameter Efficient Fine-tuning Methods for Large Language Models"
)
FIRST_000 = "A Little Goes a Long Way: Efficient Long Context Training and Inference with Partial Contexts"
LAST_SENTENCE_000 = (
    "During inference, LongGen reduces KV cache memory by 62%, achieving 1.67x prefilling speedup and "
    "1.41x decoding speedup."
)


@pytest.fixture
def digests(seeds: list[Path]) -> dict[str, Digest]:
    return {path.name[:3]: read_digest(path) for path in seeds}


def test_entry_counts_and_labels(digests: dict[str, Digest]) -> None:
    got = {key: (len(d.entries), d.label, d.date) for key, d in digests.items()}
    assert got == {
        "000": (120, "Mar 14", "--03-14"),
        "002": (101, "Mar 11", "--03-11"),
        "003": (94, "Mar 18", "--03-18"),
        "004": (121, "Jul 29", "--07-29"),
    }


def test_no_problems_in_any_seed(digests: dict[str, Digest]) -> None:
    assert {key: [str(p) for p in d.problems] for key, d in digests.items()} == {
        "000": [],
        "002": [],
        "003": [],
        "004": [],
    }
    for digest in digests.values():
        assert all(e.abstract for e in digest.entries)
        assert all(len(e.title) < 300 and len(e.abstract) > 200 for e in digest.entries)


def test_first_titles(digests: dict[str, Digest]) -> None:
    assert {key: d.entries[0].title for key, d in digests.items()} == {
        "000": FIRST_000,
        "002": "EdgeMoE: Fast On-Device Inference of MoE-based Large Language Models",
        "003": "MTLoRA: A Low-Rank Adaptation Approach for Efficient Multi-Task Learning",
        "004": "A Multigrid Method for Efficiently Training Video Models",
    }


def test_first_abstract_of_000_is_exact(seeds: list[Path], digests: dict[str, Digest]) -> None:
    lines = seeds[0].read_text(encoding="utf-8").split("\n")
    at = lines.index(FIRST_000)
    assert lines[at + 1] == ""
    expected = lines[at + 2].strip()
    entry = digests["000"].entries[0]
    assert entry.line == at + 1
    assert entry.abstract == expected
    assert entry.abstract.startswith("Training and serving long-context large language models (LLMs)")
    assert entry.abstract.endswith(LAST_SENTENCE_000)


def test_fusechat_is_twice_in_000(digests: dict[str, Digest]) -> None:
    assert [e.title for e in digests["000"].entries].count(FUSECHAT) == 2


def test_fusechat_links_in_each_version(digests: dict[str, Digest]) -> None:
    """The two FuseChat entries are two versions of the abstract, each with its own code link."""
    versions = [find_urls(e.abstract) for e in digests["000"].entries if e.title == FUSECHAT]
    assert versions == [["https://github.com/fanqiwan/FuseAI"], ["https://github.com/fanqiwan/FuseLLM"]]


def test_fusechat_paper_keeps_the_fuseai_link_across_reopen(seeds: list[Path], isolated_data: Path) -> None:
    """Both versions' links survive the merge, and a reopen from the stored library."""
    library = Library(isolated_data)
    import_files(library, [str(seeds[0])])
    library.close()
    for _ in range(2):  # from library.json, then from the snapshot the first open wrote
        library = Library(isolated_data)
        (fusechat,) = [p for p in library.papers if p.title == FUSECHAT]
        assert "https://github.com/fanqiwan/FuseAI" in fusechat.links
        assert not [url for url in fusechat.links if url.endswith((".", ",", ")"))]
        library.close()


def test_all_seeds_import_into_401_unique_papers(seeds: list[Path], isolated_data: Path) -> None:
    library = Library(isolated_data)
    report = import_files(library, [str(p) for p in seeds])
    assert report.problems == []
    assert [(f.label, f.entries) for f in report.files] == [
        ("Mar 14", 120),
        ("Mar 11", 101),
        ("Mar 18", 94),
        ("Jul 29", 121),
    ]
    assert report.new == len(library.papers) == 401

    fusechat = [p for p in library.papers if p.title == FUSECHAT]
    assert len(fusechat) == 1
    assert fusechat[0].digests == ["Mar 14"]
    twice = [e.abstract for e in read_digest(seeds[0]).entries if e.title == FUSECHAT]
    assert fusechat[0].abstract == max(twice, key=len)
    # the longer version's link first, then the one only the shorter version has
    assert fusechat[0].links == ["https://github.com/fanqiwan/FuseLLM", "https://github.com/fanqiwan/FuseAI"]

    bone = [p for p in library.papers if p.title == BONE]
    assert len(bone) == 1
    assert bone[0].digests == ["Mar 14", "Mar 18", "Jul 29"]

    assert {label: info.count for label, info in library.digests.items()} == {
        "Mar 14": 119,
        "Mar 11": 101,
        "Mar 18": 94,
        "Jul 29": 121,
    }
    # newest import first: the Jul 29 digest was imported last
    assert library.in_order[0].title == "A Multigrid Method for Efficiently Training Video Models"
    library.close()

    before = (isolated_data / "library.json").read_bytes()
    library = Library(isolated_data)
    again = import_files(library, [str(p) for p in seeds])
    library.close()
    assert (again.new, again.updated, again.known) == (0, 0, 119 + 101 + 94 + 121)  # per file, unique
    assert (isolated_data / "library.json").read_bytes() == before


def test_each_digest_narrows_to_its_own_page_order(seeds: list[Path], isolated_data: Path) -> None:
    """Papers first seen in an earlier digest keep their place in the later ones."""
    library = Library(isolated_data)
    report = import_files(library, [str(p) for p in seeds])
    # FuseChat twice in Mar 14, then papers new in an earlier file of the same import
    assert [f.repeats for f in report.files] == [1, 4, 11, 19]
    assert report.known == 0  # into an empty library nothing is "already known"
    assert all(f.entries == f.new + f.known + f.repeats for f in report.files)
    ids = {title_key(title): p.id for p in library.papers for title in (p.title, *p.aliases)}
    columns = Columns(library)
    for path in seeds:
        digest = read_digest(path)
        page = list(dict.fromkeys(ids[title_key(e.title)] for e in digest.entries))
        selection = select_papers(library, "", index=None, columns=columns, digest=digest.label)
        assert [library.papers[i].id for i in selection.indices] == page, digest.label
    library.close()
