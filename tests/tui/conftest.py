"""Pilot fixtures: a small library of our own in the test's temporary data dir."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from readlist.core.digest import parse_text
from readlist.core.library import Library
from readlist.tui.app import ReadlistApp, make_app
from tests.helpers.pilot import keep_notices

HOSTILE = "[CLS] tokens [/] and [bold]x[/bold]"

DIGEST = f"""new

Get trending papers in your email inbox!

Subscribe

byAK and the research community

Mar 14

3D Gaussian Splatting for Real-Time Radiance Field Rendering

Scenes are represented as clouds of anisotropic Gaussians and rasterized quickly; code at https://github.com/example/splats.
https://arxiv.org/abs/2308.04079
  • 4 authors
·
Aug 8, 2023 12

{HOSTILE}

A title full of markup must be shown literally, with [MASK] and [link=https://evil.example]click[/link] kept as text.

Post-Training Quantization for Vision Transformers

We quantize weights and activations of vision transformers after training, keeping accuracy within one point.

Efficient Fine-Tuning with Low-Rank Adapters

Low-rank adapters cut the trainable parameters of large models while matching full fine-tuning quality.
"""


class Clipboard:
    """Stands in for pyperclip: records copies, or fails like a headless machine."""

    def __init__(self, works: bool = True) -> None:
        self.works = works
        self.copied: list[str] = []

    def __call__(self, text: str) -> bool:
        if self.works:
            self.copied.append(text)
        return self.works


@pytest.fixture(autouse=True)
def kept_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    keep_notices(monkeypatch)


@pytest.fixture(autouse=True)
def collectable() -> Iterator[None]:
    """The app takes what it loads out of the garbage collector's reach (``keep_for_good``);
    once a test is over none of it lives on, so the collector gets it back."""
    yield
    gc.unfreeze()


@pytest.fixture
def library(isolated_data: Path) -> Library:
    lib = Library(isolated_data)
    lib.import_digests([parse_text(DIGEST, "test.txt")])
    yield lib
    lib.close()


@pytest.fixture
def clipboard() -> Clipboard:
    return Clipboard()


@pytest.fixture
async def app(library: Library, clipboard: Clipboard) -> AsyncIterator[ReadlistApp]:
    yield make_app(library, copy=clipboard, save_delay=0.0)
