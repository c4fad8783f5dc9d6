"""A small library of our own, two digests a day apart, for the query, sort and undo tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist.core.digest import parse_text
from readlist.core.library import Library

HEADER = "new\n\nSubscribe\n\n{date}\n\n"


def digest(date: str, *papers: tuple[str, str, str | None]) -> str:
    """A digest page; each paper is (title, abstract, published line or None)."""
    body = []
    for title, abstract, published in papers:
        body.append(f"{title}\n\n{abstract}\n")
        if published:
            body.append(f"  • 3 authors\n·\n{published}\n")
    return HEADER.format(date=date) + "\n".join(body)


MAR14 = digest(
    "Mar 14",
    (
        "Gaussian Splatting in the Wild",
        "We render outdoor scenes with splats; code at https://github.com/ex/wild.",
        "Mar 1, 2024",
    ),
    (
        "Quantization of Vision Transformers",
        "Post-training quantization keeps accuracy within one point.",
        "Jan 5, 2023",
    ),
    (
        "A Survey of Diffusion Models",
        "Diffusion models generate images by reversing a noising process.",
        None,
    ),
)
MAR15 = digest(
    "Mar 15",
    (
        "Zebra Finches Learn Songs",
        "Young birds copy the songs of tutors; we model the learning curve.",
        "Feb 2, 2025",
    ),
    (
        "Diffusion Policies for Robot Control",
        "A diffusion model predicts robot actions from camera images.",
        "Dec 9, 2024",
    ),
)

# Two digests sharing a paper: last in the first, in the middle of the second.
SHARED = "Shared Attention for Long Documents"
JUL28 = digest(
    "Jul 28",
    (
        "Alpha Retrieval Benchmarks",
        "We collect retrieval benchmarks and compare twelve systems on them.",
        None,
    ),
    ("Beta Tokenizers Revisited", "Tokenizers change what a model can learn; we measure how much.", None),
    (SHARED, "Attention shared across chunks reads documents of a million tokens.", None),
)
JUL29 = digest(
    "Jul 29",
    ("Gamma Rays from Language Models", "A playful title for a paper about probing activations.", None),
    (SHARED, "Attention shared across chunks reads documents of a million tokens.", None),
    ("Delta Tuning at Scale", "Tuning only the deltas of a few layers matches full fine-tuning.", None),
)
JUL29_PAGE = ["Gamma Rays from Language Models", SHARED, "Delta Tuning at Scale"]


def open_with(folder: Path, *pages: tuple[str, str]) -> Iterator[Library]:
    """A library in ``folder`` holding the digest ``pages`` (text, file name), closed afterwards."""
    library = Library(folder)
    if pages:
        library.import_digests([parse_text(text, name) for text, name in pages])
    yield library
    library.close()


@pytest.fixture
def library(isolated_data: Path) -> Iterator[Library]:
    """An empty library."""
    yield from open_with(isolated_data)


@pytest.fixture
def lib(isolated_data: Path) -> Iterator[Library]:
    yield from open_with(isolated_data, (MAR14, "mar14.txt"), (MAR15, "mar15.txt"))
