"""Deterministic generator of realistic libraries for the benchmarks.

Titles and abstracts are drawn from the vocabulary and length distribution of the
real digests in ../shared/seeds (or of the bundled sample when those are absent),
so word frequencies, lengths and URLs look like the real thing. Some papers repeat
across digests, and a share of them carry read marks, stars and notes.

    python benchmarks/generate.py 10000 /tmp/lib10k
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

from readlist.core.digest import Digest, Entry, read_digest
from readlist.core.library import Library

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SAMPLE = ROOT / "readlist" / "sample" / "daily_papers_sample.txt"
PER_DIGEST = 120
REPEAT_SHARE = 0.08
READ_SHARE, STAR_SHARE, NOTE_SHARE = 0.30, 0.04, 0.03
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class Corpus:
    """Word frequencies and length distributions of real digests."""

    def __init__(self) -> None:
        files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
        entries = [e for f in (files or [SAMPLE]) for e in read_digest(f).entries]
        self.title_lengths = [len(e.title.split()) for e in entries]
        self.abstract_lengths = [len(e.abstract.split()) for e in entries if e.abstract]
        title_words = Counter(w for e in entries for w in e.title.split())
        abstract_words = Counter(w for e in entries for w in e.abstract.split() if not w.startswith("http"))
        self.title_vocab, self.title_weights = _cumulative(title_words)
        self.abstract_vocab, self.abstract_weights = _cumulative(abstract_words)
        self.urls = [u for e in entries for u in re.findall(r"https?://\S+", e.abstract)] or [
            "https://github.com/example/code."
        ]

    def title(self, rng: random.Random, serial: int) -> str:
        n = rng.choice(self.title_lengths)
        words = rng.choices(self.title_vocab, cum_weights=self.title_weights, k=n)
        # A serial-derived coined name keeps titles distinct, as real paper names are.
        coined = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(3)) + f"-{serial % 997}"
        return f"{coined}: " + " ".join(words)

    def abstract(self, rng: random.Random) -> str:
        n = rng.choice(self.abstract_lengths)
        text = " ".join(rng.choices(self.abstract_vocab, cum_weights=self.abstract_weights, k=n))
        if rng.random() < 0.25:
            text += f" Code is available at {rng.choice(self.urls)}"
        return text


def _cumulative(counts: Counter[str]) -> tuple[list[str], list[int]]:
    words = list(counts)
    return words, list(itertools.accumulate(counts[w] for w in words))


def make_digests(size: int, seed: int = 7) -> list[Digest]:
    """Digests holding ``size`` distinct papers in all, with repeats across digests."""
    rng = random.Random(seed)
    corpus = Corpus()
    digests: list[Digest] = []
    made: list[Entry] = []
    serial = 0
    while serial < size:
        n = len(digests)
        label = f"{MONTHS[n % 12]} {1 + (n // 12) % 28}"
        digest = Digest(source=f"gen-{n:05d}.txt", label=label, date=None)
        for line in range(PER_DIGEST):
            if made and rng.random() < REPEAT_SHARE:
                old = rng.choice(made)
                digest.entries.append(
                    Entry(old.title, line, old.abstract, old.authors, old.published, old.upvotes)
                )
                continue
            if serial >= size:
                break
            entry = Entry(corpus.title(rng, serial), line, corpus.abstract(rng))
            if rng.random() < 0.5:
                entry.authors = rng.randint(1, 30)
                entry.published = f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                entry.upvotes = rng.randint(0, 300) if rng.random() < 0.5 else None
            digest.entries.append(entry)
            made.append(entry)
            serial += 1
        digests.append(digest)
    return digests


def build(size: int, folder: Path, seed: int = 7) -> Library:
    """Create (or reuse) a library of ``size`` papers with some state, in ``folder``."""
    library = Library(folder)
    if len(library.papers) >= size:
        return library
    library.import_digests(make_digests(size, seed))
    rng = random.Random(seed + 1)
    for paper in library.papers:
        roll = rng.random()
        if roll < NOTE_SHARE:
            library.state.update(
                paper.id, read=True, note=f"Follow up: compare with {rng.choice(library.papers).title[:40]}"
            )
        elif roll < NOTE_SHARE + STAR_SHARE:
            library.state.update(paper.id, starred=True)
        elif roll < NOTE_SHARE + STAR_SHARE + READ_SHARE:
            library.state.update(paper.id, read=True)
    library.state.flush()
    return library


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    library = build(args.size, args.folder)
    print(
        f"{len(library.papers)} papers, {len(library.digests)} digests in {time.perf_counter() - start:.1f}s",
        file=sys.stderr,
    )
    library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
