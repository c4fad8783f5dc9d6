"""For you: papers like the starred, tagged and noted ones come first, unread before read, with the
words that made each match; with nothing starred, tagged or noted yet, a hint and no guessing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist.core.digest import parse_text
from readlist.core.foryou import NO_PROFILE
from readlist.core.library import Library
from readlist.core.search import SearchIndex
from readlist.core.selection import Columns, select_papers
from readlist.core.views import Sort
from tests.core.conftest import digest, open_with
from tests.core.test_similar import TEXTS

# Topics of three papers (the first two shared with more like this), and papers on none of them.
SPLATS = TEXTS[0:3]
SPEECH = TEXTS[6:9]
PROTEINS = [
    (
        "Protein Folding with Graph Networks",
        "We predict protein structures with a graph network over residues and their contacts.",
    ),
    (
        "Protein Design by Inverse Folding",
        "Given a backbone, we generate sequences of residues that fold into the protein structure.",
    ),
    (
        "Docking Small Molecules to Protein Pockets",
        "A graph network scores how ligands bind to protein pockets and ranks poses.",
    ),
]
OTHER = [
    ("Learning Rate Warmup Revisited", "Warmup stabilises early training of large transformers."),
    ("Ocean Currents from Satellite Altimetry", "We estimate surface currents from sea level measurements."),
]


@pytest.fixture
def shelf(isolated_data: Path) -> Iterator[Library]:
    # Interleaved, so that the display order alone would mix the topics.
    papers = [paper for trio in zip(SPLATS, SPEECH, PROTEINS, strict=True) for paper in trio] + OTHER
    page = digest("Mar 14", *((title, abstract, None) for title, abstract in papers))
    yield from open_with(isolated_data, (page, "mar14.txt"))


def pid(library: Library, title: str) -> str:
    return next(p.id for p in library.papers if p.title == title)


def ranked(library: Library, text: str = "") -> tuple[list[str], list[str]]:
    index = SearchIndex(library.papers, library.state.notes(), library.order)
    selection = select_papers(library, text, index=index, columns=Columns(library), sort=Sort.FORYOU)
    return [library.papers[i].title for i in selection.indices], selection.hints


def test_papers_like_the_starred_ones_come_first(shelf: Library) -> None:
    shelf.change([pid(shelf, SPLATS[0][0])], "star", starred=True)
    order, hints = ranked(shelf)
    assert not hints
    assert set(order[:2]) == {SPLATS[1][0], SPLATS[2][0]}
    assert order.index(SPLATS[0][0]) > 1  # the starred paper itself is no news: after the suggestions


def test_tags_and_notes_count_too_and_so_do_their_words(shelf: Library) -> None:
    shelf.change([pid(shelf, PROTEINS[0][0])], "tags", tags="proteins")
    order, _ = ranked(shelf)
    assert set(order[:2]) == {PROTEINS[1][0], PROTEINS[2][0]}
    # A note alone, on a paper of another topic, with the reader's own words.
    shelf.undo()
    shelf.change([pid(shelf, OTHER[0][0])], "note", note="read more about speech recognition and transcripts")
    order, _ = ranked(shelf)
    assert set(order[:3]) == {title for title, _ in SPEECH}


def test_read_papers_come_after_unread_ones(shelf: Library) -> None:
    shelf.change([pid(shelf, SPLATS[0][0])], "star", starred=True)
    best = ranked(shelf)[0][0]
    shelf.change([pid(shelf, best)], "read", read=True)
    order, _ = ranked(shelf)
    other = next(title for title, _ in SPLATS[1:] if title != best)
    assert order[0] == other
    assert order.index(best) > order.index(other)
    # ...but before the papers sharing nothing with what was starred
    assert order.index(best) < order.index(OTHER[1][0])


def test_the_words_that_made_a_match(shelf: Library) -> None:
    shelf.change([pid(shelf, SPLATS[0][0])], "star", starred=True)
    index = SearchIndex(shelf.papers, shelf.state.notes(), shelf.order)
    for_you = Columns(shelf).for_you(index)
    i = shelf.by_id.index[pid(shelf, SPLATS[1][0])]
    words = for_you.words(i)
    assert words and set(words) <= {
        "gaussian",
        "gaussians",
        "splats",
        "splatting",
        "scenes",
        "novel",
        "views",
        "view",
        "real",
        "time",
        "radiance",
        "fields",
        "render",
        "rasterize",
    }
    assert "gaussians" in words or "splats" in words
    assert 0 < for_you.share(i) <= 1
    unrelated = shelf.by_id.index[pid(shelf, OTHER[1][0])]
    assert for_you.words(unrelated) == [] and for_you.share(unrelated) == 0


def test_the_words_are_shown_as_the_paper_writes_them(isolated_data: Path) -> None:
    """Not as the index keeps them: ``LoRA``, not ``lora``; ``out-of-the-box``, not ``outofthebox``."""
    papers = [
        ("LoRA Adapters Out-of-the-Box", "Plug-and-play LoRA adapters for speech models, out-of-the-box."),
        ("Merging LoRA Adapters", "Merged LoRA adapters work out-of-the-box on new speech tasks."),
        *SPLATS,
        *PROTEINS,
        *OTHER,
    ]
    page = digest("Mar 14", *((title, abstract, None) for title, abstract in papers))
    for library in open_with(isolated_data, (page, "mar14.txt")):
        library.change([pid(library, papers[0][0])], "star", starred=True)
        index = SearchIndex(library.papers, library.state.notes(), library.order)
        words = Columns(library).for_you(index).words(library.by_id.index[pid(library, papers[1][0])])
        assert {"LoRA", "out-of-the-box", "adapters"} <= set(words), words
        assert not {"lora", "outofthebox", "Adapters", "box"} & set(words)  # nor the compound's parts


def test_a_word_that_earned_more_than_its_compound_is_shown(isolated_data: Path) -> None:
    papers = [
        (
            "Diffusion Samplers",
            "Fast diffusion samplers for diffusion models, and one latent-diffusion backbone.",
        ),
        (
            "Faster Diffusion",
            "We speed up diffusion sampling for diffusion models and a latent-diffusion model.",
        ),
        *SPLATS,
        *PROTEINS,
        *OTHER,
    ]
    page = digest("Mar 14", *((title, abstract, None) for title, abstract in papers))
    for library in open_with(isolated_data, (page, "mar14.txt")):
        library.change([pid(library, papers[0][0])], "star", starred=True)
        index = SearchIndex(library.papers, library.state.notes(), library.order)
        words = Columns(library).for_you(index).words(library.by_id.index[pid(library, papers[1][0])])
        assert "diffusion" in words and words.index("diffusion") < words.index("latent-diffusion"), words


def test_with_nothing_starred_it_says_so_instead_of_guessing(shelf: Library) -> None:
    order, hints = ranked(shelf)
    assert hints == [NO_PROFILE]
    assert order == [shelf.papers[i].title for i in shelf.order]  # the list keeps its order


def test_for_you_orders_a_query_s_results(shelf: Library) -> None:
    shelf.change([pid(shelf, PROTEINS[0][0])], "star", starred=True)
    order, _ = ranked(shelf, "graph OR scenes")
    assert order[0] == PROTEINS[2][0]  # a graph network, like the starred paper


def test_a_new_star_changes_the_order(shelf: Library) -> None:
    """The TUI keeps one Columns for the session: the ranking follows the state."""
    index = SearchIndex(shelf.papers, shelf.state.notes(), shelf.order)
    columns = Columns(shelf)

    def first() -> str:
        rows = select_papers(shelf, "", index=index, columns=columns, sort=Sort.FORYOU).indices
        return shelf.papers[rows[0]].title

    shelf.change([pid(shelf, SPLATS[0][0])], "star", starred=True)
    assert first() in {title for title, _ in SPLATS}
    shelf.undo()
    shelf.change([pid(shelf, SPEECH[0][0])], "star", starred=True)
    assert first() in {title for title, _ in SPEECH}
    shelf.import_digests(
        [
            parse_text(
                digest(
                    "Mar 15",
                    (
                        "Speech Recognition for Meetings",
                        "Speech audio of meetings is transcribed by a transducer.",
                        None,
                    ),
                ),
                "mar15.txt",
            )
        ]
    )
    index = SearchIndex(shelf.papers, shelf.state.notes(), shelf.order)
    assert first() == "Speech Recognition for Meetings"
