"""Full-text search over titles, abstracts and notes, ranked the way a search engine ranks.

Each query word first becomes the vocabulary words it stands for, each with a quality: the
word itself (1.0), the same word inflected or spelt the British way (stems.py), words the last,
half-typed word starts with, and typo corrections. A typo is only corrected when the library
does not have the word as typed (or has it a handful of times against a far more common look-
alike): ``unlearning`` never pulls in ``unleashing``.

The papers holding those words come from posting lists that keep how often each word occurs,
and are scored like BM25F: the title counts three times the abstract, a note or tag a little
less than the abstract, repeats saturate, long abstracts are evened out, and rarer words weigh
more (inverse document frequency).

Then, per paper:

- *Soft AND*: a paper must hold at least half of the query's weight (so the distinctive words);
  one that misses a common word (``machine``, ``model``) still matches, below those holding all.
- *Phrase*: among papers holding every word, those where the words stand side by side in the
  order typed (any inflection, a hyphen or space between) rank above all others; with three words
  or more each adjacent pair counts too. Only the best-scoring papers are read for this.
- *Cut-off*: a paper scoring far below the best one is a weaker match; the result says how many
  strong matches lead the list, for a divider and for bulk actions.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import io
import marshal
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from readlist.core.papers import Papers
from readlist.core.stems import singular, stem
from readlist.core.storage import file_signature, write_atomic
from readlist.core.text import fold
from readlist.core.tokens import holds_phrase, phrase_pattern, words

if TYPE_CHECKING:
    from readlist.core.library import Library

# Field weights (BM25F): title above abstract above note and tags.
W_TITLE, W_ABSTRACT, W_NOTE = 3.0, 1.0, 0.7
K1 = 1.2  # how fast repeats of a word saturate
B_TITLE, B_ABSTRACT = 0.0, 0.75  # how much a long field is evened out (a title is a title)

# Match qualities: exact > same stem > start of the word being typed > typo > mistyped start.
Q_EXACT, Q_STEM, Q_PREFIX = 1.0, 0.85, 0.6
Q_TYPO = {1: 0.45, 2: 0.35}
Q_TYPO_PREFIX = 0.3
SURE = Q_PREFIX  # qualities from here up need no guessing
# A typed word the library has is only corrected to a look-alike this many times more common.
TYPO_RATIO = 20
INDEX_DIR = "index"  # in the library's cache folder
FUZZY_PREFIX_WORDS = 200  # the most common completions of a mistyped prefix
# Short prefixes expand to the most common words only: "a" alone would be everything.
PREFIX_LIMIT = {1: 40, 2: 150, 3: 400}

COMMON_SHARE = 0.05  # a word in more than 5% of the papers (and more than 3)...
COMMON_FLOOR = 3
COMMON_RATIO = 2  # ...and in twice as many as the query's rarest word is common
PHRASE_CHECKS = 100  # papers read for adjacency, best-scoring first
PHRASE_VARIANTS = 60  # variants of a word tried in the adjacency check
PAIR_BONUS = 0.5  # with three words or more: up to this much more for adjacent pairs
WEAK_SHARE = 0.2  # a paper scoring below this share of the best is a weaker match
_STRONG = 1e9  # added to a strong match's rank: far above any score

INDEX_VERSION = 4


def _ids_digest(papers: Papers, size: int) -> str:
    """Identifies the first ``size`` papers, so a cached index is only used for the same ones."""
    return hashlib.sha1("\n".join(papers.ids[:size]).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class _Cached:
    """An index as ``SearchIndex.load`` reads it from disk."""

    size: int
    vocab: dict[str, int]
    words: list[str]
    title: _Postings
    abstract: _Postings
    title_len: np.ndarray
    abstract_len: np.ndarray
    revs: list[int]


def max_typos(term: str) -> int:
    n = len(term)
    return 0 if n < 4 else 1 if n < 8 else 2


def idf(df: int | np.ndarray, size: int) -> float | np.ndarray:
    """BM25's inverse document frequency: a word in few papers says more."""
    return np.log1p((size - df + 0.5) / (df + 0.5))


def common_limit(size: int) -> float:
    """A word held by more papers than this is too common to say what a query is about."""
    return max(COMMON_SHARE * size, COMMON_FLOOR)


@dataclass(slots=True)
class SearchResult:
    """Indices into the indexed sequence, best first, and the words that matched.

    The first ``strong`` indices are the strong matches; the rest scored far below the best.
    ``scores`` (when the query had words) says how well each matched, in the same order: higher is
    better, comparable within one result only.
    """

    query: str
    indices: list[int]
    matched: frozenset[str] = field(default_factory=frozenset)
    strong: int = -1  # -1: all of them
    scores: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.strong < 0:
            self.strong = len(self.indices)

    def __len__(self) -> int:
        return len(self.indices)


class _Postings:
    """Word id → paper indices and how often the word occurs there, as CSR numpy arrays."""

    def __init__(self, offsets: np.ndarray, data: np.ndarray, tf: np.ndarray) -> None:
        self.offsets = offsets
        self.data = data
        self.tf = tf

    @classmethod
    def from_pairs(
        cls, pairs_word: np.ndarray, pairs_doc: np.ndarray, pairs_tf: np.ndarray, vocab_size: int
    ) -> _Postings:
        order = np.argsort(pairs_word, kind="stable")  # stable: each list stays sorted by paper
        offsets = np.zeros(vocab_size + 1, dtype=np.int64)
        np.cumsum(np.bincount(pairs_word, minlength=vocab_size), out=offsets[1:])
        return cls(offsets, pairs_doc[order].astype(np.int32), pairs_tf[order].astype(np.uint16))

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        vocab_size = len(self.offsets) - 1
        word_ids = np.repeat(np.arange(vocab_size, dtype=np.int64), np.diff(self.offsets))
        return word_ids, np.asarray(self.data), np.asarray(self.tf)

    def gather(self, word_ids: Iterable[int]) -> np.ndarray:
        off = self.offsets
        parts = [self.data[off[w] : off[w + 1]] for w in word_ids]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)


def gather_positions(offsets: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where in a CSR ``data`` array the lists of the words ``ids`` lie, concatenated, and each
    list's length (to repeat a per-word value over its papers)."""
    starts = offsets[ids]
    lengths = offsets[ids + 1] - starts
    total = int(lengths.sum())
    if not total:
        return np.empty(0, dtype=np.int64), lengths
    # Position k is the start of its word's list plus how far into that list it is.
    first = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.int64) + np.repeat(starts - first, lengths), lengths


class _Pairs:
    """(word, paper, count) triples of one field, and each paper's length in words."""

    def __init__(self) -> None:
        self.words, self.docs, self.tf = array("q"), array("i"), array("H")
        self.lengths: dict[int, int] = {}

    def add(self, doc: int, text: str, vocab: dict[str, int]) -> None:
        found = words(text)
        counts = Counter(found)
        get = vocab.get
        for word, count in counts.items():
            wid = get(word)
            if wid is None:
                wid = vocab[word] = len(vocab)
            self.words.append(wid)
            self.tf.append(min(count, 65535))
        self.docs.extend(array("i", [doc]) * len(counts))
        self.lengths[doc] = len(found)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (
            np.frombuffer(self.words, np.int64),
            np.frombuffer(self.docs, np.int32),
            np.frombuffer(self.tf, np.uint16),
        )


def _pairs(papers: Papers, numbers: Sequence[int], vocab: dict[str, int]) -> tuple[_Pairs, _Pairs]:
    """The word triples of the titles and abstracts of the papers at ``numbers``."""
    title, abstract = _Pairs(), _Pairs()
    for i, (titles, text) in zip(numbers, papers.texts(numbers), strict=True):
        title.add(i, titles, vocab)
        abstract.add(i, text, vocab)
    return title, abstract


def _lengths(pairs: _Pairs, size: int, old: np.ndarray | None = None) -> np.ndarray:
    lengths = np.zeros(size, dtype=np.float32)
    if old is not None:
        lengths[: len(old)] = old[:size]
    if pairs.lengths:
        lengths[list(pairs.lengths)] = list(pairs.lengths.values())
    return lengths


@dataclass(frozen=True, slots=True)
class _NoteWords:
    """Words of notes (and tags) that no title or abstract has: sorted, and by stem."""

    words: list[str]
    stems: dict[str, tuple[str, ...]]


@dataclass(slots=True)
class _Term:
    """One query word: the vocabulary words it stands for and how each paper scores on it."""

    word: str
    variants: dict[str, float]
    score: np.ndarray  # per paper; 0 where the word is not found
    df: int  # how many papers hold it
    weight: float  # its inverse document frequency


class SearchIndex:
    """An index over ``papers`` (in the order given) and their notes.

    ``order`` is the display order; equal scores keep it.
    """

    def __init__(
        self,
        papers: Papers,
        notes: Mapping[str, str] | None = None,
        order: Sequence[int] | None = None,
        *,
        cached: _Cached | None = None,
    ) -> None:
        """Index ``papers`` (or, with ``cached``, take an index ``load`` read from disk)."""
        self.papers = papers
        if cached is None:
            self.vocab: dict[str, int] = {}
            title, abstract = _pairs(papers, range(len(papers)), self.vocab)
            self._title = _Postings.from_pairs(*title.arrays(), len(self.vocab))
            self._abstract = _Postings.from_pairs(*abstract.arrays(), len(self.vocab))
            self._title_len = _lengths(title, len(papers))
            self._abstract_len = _lengths(abstract, len(papers))
            self.words = sorted(self.vocab)
            size, self.revs = len(papers), papers.column("rev")
        else:
            self.vocab, self.words = cached.vocab, cached.words
            self._title, self._abstract = cached.title, cached.abstract
            self._title_len, self._abstract_len = cached.title_len, cached.abstract_len
            size, self.revs = cached.size, cached.revs
        self._setup(size, notes, order)

    def _setup(self, size: int, notes: Mapping[str, str] | None, order: Sequence[int] | None) -> None:
        self.size = size
        self.position = {pid: i for i, pid in enumerate(self.papers.ids[:size])}
        # BM25F's length factor of each paper, per field, as a multiplier of the field's weight.
        self._title_factor = self._factor(self._title_len, W_TITLE, B_TITLE)
        self._abstract_factor = self._factor(self._abstract_len, W_ABSTRACT, B_ABSTRACT)
        # The look-up caches hold tuples of words, never lists: the garbage collector stops tracking
        # a tuple of strings, while every full collection would walk each cached list again.
        self._pools: dict[tuple[str, int, int], tuple[str, ...]] = {}
        self._tails: dict[str, tuple[str, ...]] | None = None
        self._stems: dict[str, tuple[str, ...]] | None = None
        # (words of each paper's note, papers by note word, note words the vocabulary lacks):
        # one tuple swapped at once, so a search in another thread never mixes two snapshots.
        self._notes: tuple[dict[int, frozenset[str]], dict[str, set[int]], _NoteWords, int] = (
            {},
            {},
            _NoteWords([], {}),
            0,
        )
        self._freq: np.ndarray | None = None
        self.set_notes(notes or {})
        self.set_order(order if order is not None else range(size))
        self._prefixes: dict[tuple[str, int], tuple[str, ...]] = {}
        self._expand = lru_cache(maxsize=512)(self._expand_uncached)
        # The last query words scored, for the next keystroke: only its last word is new.
        self._scored: dict[tuple[str, bool, int], _Term] = {}

    @staticmethod
    def _factor(lengths: np.ndarray, weight: float, b: float) -> np.ndarray:
        average = float(lengths[lengths > 0].mean()) if lengths.any() else 1.0
        return (weight / (1 - b + b * lengths / average)).astype(np.float32)

    def set_order(self, order: Sequence[int]) -> None:
        """The display order (indices into papers), used to break ties and for empty queries."""
        self.order = list(order)
        rank = np.full(self.size, self.size, dtype=np.int64)
        known = [i for i in self.order if i < self.size]
        rank[known] = np.arange(len(known))
        self.rank = rank
        self._display = np.argsort(rank, kind="stable")  # every paper, in display order

    def extend(self, papers: Papers, order: Sequence[int] | None = None) -> None:
        """Index papers appended since this index was built, and re-index papers whose text changed."""
        revs = papers.column("rev")
        stale = [i for i in range(min(self.size, len(papers))) if revs[i] != self.revs[i]]
        numbers = stale + list(range(self.size, len(papers)))
        self.papers = papers
        if numbers:
            notes = self._notes[0]  # indices stay valid: papers are only ever appended
            title, abstract = _pairs(papers, numbers, self.vocab)
            merged = []
            for postings, new in ((self._title, title), (self._abstract, abstract)):
                old_words, old_docs, old_tf = postings.pairs()
                keep = ~np.isin(old_docs, stale)  # a re-indexed paper's old words go
                new_words, new_docs, new_tf = new.arrays()
                merged.append(
                    _Postings.from_pairs(
                        np.concatenate([old_words[keep], new_words]),
                        np.concatenate([old_docs[keep], new_docs]),
                        np.concatenate([old_tf[keep], new_tf]),
                        len(self.vocab),
                    )
                )
            self._title, self._abstract = merged
            self._title_len = _lengths(title, len(papers), self._title_len)
            self._abstract_len = _lengths(abstract, len(papers), self._abstract_len)
            self._setup(len(papers), None, order)
            self._set_notes(notes)
        elif order is not None:
            self.set_order(order)
        self.revs = revs

    # -- a cache on disk, so a large library is indexed once -----------------

    def save(self, folder: Path) -> None:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        signatures = {}
        for name, values in self._arrays().items():
            buffer = io.BytesIO()
            np.save(buffer, np.ascontiguousarray(values), allow_pickle=False)
            write_atomic(folder / f"{name}.npy", buffer.getvalue())
            signatures[name] = file_signature(folder / f"{name}.npy")
        vocab_in_id_order = sorted(self.vocab, key=self.vocab.__getitem__)
        # The words in order too: sorting 100k words on loading would hold the interpreter for
        # tens of milliseconds, while the reader's first keys wait.
        meta = {
            "version": INDEX_VERSION,
            "size": self.size,
            "ids": _ids_digest(self.papers, self.size),
            "vocab": vocab_in_id_order,
            "words": self.words,
            "arrays": signatures,
            "revs": self.revs,
        }
        write_atomic(folder / "index.meta", marshal.dumps(meta))

    def _arrays(self) -> dict[str, np.ndarray]:
        return {
            "title_offsets": self._title.offsets,
            "title_data": self._title.data,
            "title_tf": self._title.tf,
            "abstract_offsets": self._abstract.offsets,
            "abstract_data": self._abstract.data,
            "abstract_tf": self._abstract.tf,
            "title_len": self._title_len,
            "abstract_len": self._abstract_len,
        }

    @classmethod
    def load(cls, folder: Path, papers: Papers) -> SearchIndex | None:
        """The cached index if it covers a prefix of ``papers``, else None."""
        try:
            meta = marshal.loads((folder / "index.meta").read_bytes())
            size = meta["size"]
            if (
                meta.get("version") != INDEX_VERSION
                or size > len(papers)
                or meta["ids"] != _ids_digest(papers, size)
            ):
                return None
            arrays = {}
            for name, signature in meta["arrays"].items():
                path = folder / f"{name}.npy"
                if file_signature(path) != tuple(signature):
                    return None
                # A plain view: slicing a np.memmap costs microseconds of Python per slice.
                arrays[name] = np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            return None
        return cls(
            papers,
            cached=_Cached(
                size=size,
                vocab={word: i for i, word in enumerate(meta["vocab"])},
                words=list(meta["words"]),
                title=_Postings(arrays["title_offsets"], arrays["title_data"], arrays["title_tf"]),
                abstract=_Postings(
                    arrays["abstract_offsets"], arrays["abstract_data"], arrays["abstract_tf"]
                ),
                title_len=arrays["title_len"],
                abstract_len=arrays["abstract_len"],
                revs=list(meta["revs"]),
            ),
        )

    @classmethod
    def open(
        cls,
        folder: Path,
        papers: Papers,
        notes: Mapping[str, str] | None = None,
        order: Sequence[int] | None = None,
    ) -> SearchIndex:
        """Load the cached index (extending it with new papers), or build and cache one."""
        index = cls.cached(folder, papers, order)
        index.set_notes(notes or {})
        index.warm()
        return index

    @classmethod
    def cached(cls, folder: Path, papers: Papers, order: Sequence[int] | None = None) -> SearchIndex:
        """The index of ``papers`` kept in ``folder``: loaded and extended with the papers it
        lacks, or built; saved when it changed."""
        index = cls.load(folder, papers)
        if index is None:
            index = cls(papers, None, order)
            changed = True
        else:
            before = (index.size, index.revs)
            index.extend(papers, order if order is not None else range(len(papers)))
            changed = (index.size, index.revs) != before
        if changed:
            with contextlib.suppress(OSError):
                index.save(folder)
        return index

    @classmethod
    def for_library(cls, library: Library) -> SearchIndex:
        """The library's index, kept in its cache folder, seeing every note and tag."""
        return cls.open(library.cache / INDEX_DIR, library.papers, library.state.notes(), library.order)

    @classmethod
    def update_cache(cls, library: Library) -> None:
        """Bring the library's cached index up to date with its papers, and no more: what a
        command that imported papers does before it ends, so that the app's next start loads the
        index instead of building it while the reader types."""
        cls.cached(library.cache / INDEX_DIR, library.papers, library.order)

    def field_postings(self, field: Literal["title", "abstract"]) -> tuple[np.ndarray, np.ndarray]:
        """Read-only ``(offsets, data)`` of one field's posting lists, for callers that score papers
        themselves (similar.py): the papers holding word id ``w`` are ``data[offsets[w]:offsets[w + 1]]``."""
        postings = self._title if field == "title" else self._abstract
        views = postings.offsets.view(), postings.data.view()
        for view in views:
            view.flags.writeable = False
        return views

    # -- notes change while the app runs ------------------------------------

    def set_notes(self, notes: Mapping[str, str]) -> None:
        """Replace every note at once (``set_note`` is for one change)."""
        position = self.position
        self._set_notes(
            {position[pid]: frozenset(words(n)) for pid, n in notes.items() if pid in position and n.strip()}
        )

    def set_note(self, pid: str, note: str) -> None:
        i = self.position.get(pid)
        if i is None:
            return
        by_doc = dict(self._notes[0])  # copy-on-write: a search thread may be reading
        if note.strip():
            by_doc[i] = frozenset(words(note))
        else:
            by_doc.pop(i, None)
        self._set_notes(by_doc)

    def _set_notes(self, by_doc: dict[int, frozenset[str]]) -> None:
        by_word: dict[str, set[int]] = {}
        for doc, note_words in by_doc.items():
            for word in note_words:
                by_word.setdefault(word, set()).add(doc)
        note_only = sorted(word for word in by_word if word not in self.vocab)
        stems: dict[str, list[str]] = {}
        for word in note_only:
            stems.setdefault(stem(word), []).append(word)
        self._notes_seen = getattr(self, "_notes_seen", 0) + 1  # tells cached query words apart
        self._notes = (
            by_doc,
            by_word,
            _NoteWords(note_only, {key: tuple(found) for key, found in stems.items()}),
            self._notes_seen,
        )

    # -- the words a query word stands for -----------------------------------

    # Fuzzy matching compares the query word with words of the same first letter only
    # (twenty times fewer); a slip in the first letter is found by exact look-ups instead.

    def _starting_with(self, prefix: str) -> list[str]:
        lo = bisect.bisect_left(self.words, prefix)
        return self.words[lo : bisect.bisect_left(self.words, prefix + "\U0010ffff", lo)]

    def _fuzzy_pool(self, first: str, n: int, typos: int) -> tuple[str, ...]:
        """Words starting with ``first`` whose length is within ``typos`` of ``n``."""
        key = (first, n, typos)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = tuple(w for w in self._starting_with(first) if abs(len(w) - n) <= typos)
        return pool

    def _tail_index(self) -> dict[str, tuple[str, ...]]:
        """Words by all but their first letter."""
        if self._tails is None:
            tails: dict[str, list[str]] = {}
            for word in self.words:
                tails.setdefault(word[1:], []).append(word)
            self._tails = {tail: tuple(found) for tail, found in tails.items()}
        return self._tails

    def _stem_index(self) -> dict[str, tuple[str, ...]]:
        """Vocabulary words by their stem (only stems shared by two words or more)."""
        if self._stems is None:
            stems: dict[str, list[str]] = {}
            for word in self.words:
                stems.setdefault(stem(word), []).append(word)
            self._stems = {key: tuple(found) for key, found in stems.items() if len(found) > 1}
        return self._stems

    def warm(self) -> None:
        """Build the lazy look-up tables now (in a worker), not on the first keystrokes."""
        self._tail_index()
        self._stem_index()
        self._frequencies()

    def same_stem(self, term: str) -> tuple[str, ...]:
        """Vocabulary words that are ``term`` inflected or spelt another way (``term`` too, if known)."""
        return self._stem_index().get(stem(term), (term,) if term in self.vocab else ())

    def phrase_variants(self, term: str) -> list[str]:
        """The forms of ``term`` a quoted phrase accepts: itself, plural or singular, other spelling."""
        key = singular(term)
        return [term, *(w for w in self.same_stem(term) if w != term and singular(w) == key)]

    def _first_letter_slips(self, term: str) -> list[str]:
        """Words one edit away from ``term`` where that edit touches its first letter."""
        tails = self._tail_index()
        found = [w for w in tails.get(term[1:], ()) if w != term]  # first letter replaced
        found += tails.get(term, ())  # a letter added in front
        found += [w for w in (term[1:], term[1] + term[0] + term[2:]) if w in self.vocab]  # dropped, swapped
        return found

    def _prefix_pool(self, first: str, n: int) -> tuple[str, ...]:
        """The distinct first ``n`` letters of vocabulary words starting with ``first``."""
        key = (first, n)
        pool = self._prefixes.get(key)
        if pool is None:
            pool = self._prefixes[key] = tuple(
                sorted({w[:n] for w in self._starting_with(first) if len(w) >= n})
            )
        return pool

    def _mistyped_starts(self, term: str) -> list[str]:
        """Words that a half-typed, mistyped word may be heading for: ``quantis`` → quantization."""
        typos = max_typos(term)
        if not typos:
            return []
        n = len(term)
        pool = [p for size in range(n - typos, n + typos + 1) for p in self._prefix_pool(term[0], size)]
        found: dict[str, None] = {}
        for prefix, distance, _ in process.extract(
            term, pool, scorer=OSA.distance, score_cutoff=typos, limit=None
        ):
            if distance:
                words_here = self._starting_with(prefix)
                if len(words_here) > FUZZY_PREFIX_WORDS:
                    words_here = self._most_frequent(words_here, FUZZY_PREFIX_WORDS)
                found.update(dict.fromkeys(words_here))
        return list(found)

    def _typos(self, term: str) -> dict[str, int]:
        """Vocabulary words within ``max_typos(term)`` edits of ``term`` (not itself), and how many."""
        typos = max_typos(term)
        if not typos:
            return {}
        pool = self._fuzzy_pool(term[0], len(term), typos)
        found = {
            word: int(distance)
            for word, distance, _ in process.extract(
                term, pool, scorer=OSA.distance, score_cutoff=typos, limit=None
            )
            if distance
        }
        for word in self._first_letter_slips(term):
            found.setdefault(word, 1)
        return found

    def _expand_uncached(self, term: str, typing: bool) -> tuple[tuple[str, float], ...]:
        """The vocabulary words ``term`` stands for, with a quality in (0, 1]; ``typing``: the
        word may be unfinished."""
        found: dict[str, float] = {}
        if term in self.vocab:
            found[term] = Q_EXACT
        for word in self.same_stem(term):
            found.setdefault(word, Q_STEM)
        if typing:
            prefixed = self._starting_with(term)
            limit = PREFIX_LIMIT.get(len(term))
            if limit is not None and len(prefixed) > limit:
                prefixed = self._most_frequent(prefixed, limit)
            for word in prefixed:
                found.setdefault(word, Q_PREFIX)
        typos = self._typos(term)
        if found:  # the library has the word: only a far more common look-alike is a likely slip
            common = TYPO_RATIO * max(self._frequency(list(found)), 1)
            typos = {w: d for w, d in typos.items() if self._frequency([w]) >= common}
        elif typos:  # the nearest words only: one slip before two
            nearest = min(typos.values())
            typos = {w: d for w, d in typos.items() if d == nearest}
        for word, distance in typos.items():
            for variant in (word, *self.same_stem(word)):
                found.setdefault(variant, Q_TYPO[distance])
        if typing and not found:
            for word in self._mistyped_starts(term):
                found.setdefault(word, Q_TYPO_PREFIX)
        return tuple(found.items())

    def _frequencies(self) -> np.ndarray:
        """Per vocabulary word, in how many titles and abstracts it occurs."""
        if self._freq is None:
            self._freq = np.diff(self._title.offsets) + np.diff(self._abstract.offsets)
        return self._freq

    def _frequency(self, found: list[str]) -> int:
        freq = self._frequencies()
        return int(sum(freq[self.vocab[w]] for w in found if w in self.vocab))

    def _most_frequent(self, candidates: list[str], limit: int) -> list[str]:
        """The ``limit`` candidates found in the most papers."""
        freq = self._frequencies()
        ids = np.fromiter((self.vocab[w] for w in candidates), dtype=np.int64, count=len(candidates))
        top = np.argsort(-freq[ids], kind="stable")[:limit]
        return [candidates[i] for i in top.tolist()]

    def _note_matches(
        self,
        term: str,
        expanded: dict[str, float],
        by_word: dict[str, set[int]],
        note_only: _NoteWords,
        typing: bool,
    ) -> dict[str, float]:
        """The note words ``term`` matches, with their quality."""
        # Note words the vocabulary knows were matched with it; the rest are few: look them up.
        qualities = {word: expanded[word] for word in expanded.keys() & by_word.keys()}
        if typing:
            lo = bisect.bisect_left(note_only.words, term)
            for word in note_only.words[lo : bisect.bisect_left(note_only.words, term + "\U0010ffff", lo)]:
                qualities[word] = Q_PREFIX
        for word in note_only.stems.get(stem(term), ()):
            qualities[word] = Q_STEM
        if term in by_word and term not in self.vocab:
            qualities[term] = Q_EXACT
        typos = max_typos(term)
        if typos and note_only.words and not qualities and not expanded:
            for word, distance, _ in process.extract(
                term, note_only.words, scorer=OSA.distance, score_cutoff=typos, limit=None
            ):
                qualities.setdefault(word, Q_TYPO[int(distance)] if distance else Q_EXACT)
        return qualities

    # -- filters: plain look-ups without ranking ------------------------------

    def containing(
        self,
        terms: str | Sequence[str],
        *,
        only: Literal["title", "abstract"] | None = None,
        prefix: bool = False,
    ) -> np.ndarray:
        """A mask of the papers whose title, abstract or note (or ``only`` the one field) holds
        one of the folded words ``terms``, or with ``prefix`` a word starting with one: no typos."""
        terms = [terms] if isinstance(terms, str) else list(terms)
        mask = np.zeros(self.size, dtype=bool)
        if prefix:
            found = [w for term in terms for w in self._starting_with(term)]
        else:
            found = [term for term in terms if term in self.vocab]
        ids = [self.vocab[w] for w in found]
        fields = {"title": (self._title,), "abstract": (self._abstract,), None: (self._title, self._abstract)}
        for postings in fields[only]:
            mask[postings.gather(ids)] = True
        if only is None:
            note_words = self._notes[1]
            hits = (
                [w for w in note_words if w.startswith(tuple(terms))]
                if prefix
                else [term for term in terms if term in note_words]
            )
            for word in hits:
                mask[list(note_words[word])] = True
        return mask

    # -- ranking ------------------------------------------------------------

    def _field_weights(
        self, postings: _Postings, factor: np.ndarray, variants: dict[str, float]
    ) -> np.ndarray:
        """Per paper, the BM25F weight of ``variants`` in one field: quality × count, summed over
        the variants, times the field's weight over its length factor."""
        total = np.zeros(self.size, dtype=np.float64)
        by_quality: dict[float, list[int]] = {}
        for word, quality in variants.items():
            if word in self.vocab:
                by_quality.setdefault(quality, []).append(self.vocab[word])
        for quality, ids in by_quality.items():
            positions, _ = gather_positions(postings.offsets, np.array(ids, dtype=np.int64))
            if positions.size:
                counts = np.bincount(
                    postings.data[positions], weights=postings.tf[positions], minlength=self.size
                )
                total += quality * counts[: self.size]
        return total * factor

    def _weights(
        self, variants: dict[str, float], notes: dict[str, float], by_word: dict[str, set[int]]
    ) -> np.ndarray:
        total = self._field_weights(self._title, self._title_factor, variants)
        total += self._field_weights(self._abstract, self._abstract_factor, variants)
        best: dict[int, float] = {}
        for word, quality in notes.items():
            for doc in by_word[word]:
                best[doc] = max(best.get(doc, 0.0), quality)
        if best:
            docs = np.fromiter(best, dtype=np.int64, count=len(best))
            total[docs] += W_NOTE * np.fromiter(best.values(), dtype=np.float64, count=len(best))
        return total

    def _term(self, term: str, typing: bool, note_words: dict[str, set[int]], note_only: _NoteWords) -> _Term:
        variants = dict(self._expand(term, typing))
        notes = self._note_matches(term, variants, note_words, note_only, typing)
        sure = {w: q for w, q in variants.items() if q >= SURE}
        sure_notes = {w: q for w, q in notes.items() if q >= SURE}
        weights = self._weights(sure, sure_notes, note_words)
        unsure = (
            {w: q for w, q in variants.items() if q < SURE},
            {w: q for w, q in notes.items() if q < SURE},
        )
        if unsure[0] or unsure[1]:
            guessed = self._weights(*unsure, note_words)
            held = weights > 0
            if held.any():
                # A typo never outranks the word itself, wherever that stands.
                guessed = np.minimum(guessed, 0.5 * float(weights[held].min()))
            weights = np.where(held, weights, guessed)
        df = int(np.count_nonzero(weights))
        weight = float(idf(df, self.size))
        score = weight * weights * (K1 + 1) / (weights + K1)
        return _Term(term, {**variants, **notes}, score, df, weight)

    def search(self, query: str) -> SearchResult:
        """Papers matching ``query``, best first (see the module's docstring).

        The last word, unless a space follows it, may still be being typed: it also matches
        words it starts, and words its letters so far could be a mistyped start of.
        """
        terms = list(dict.fromkeys(words(query)))
        if not terms:
            return SearchResult(query, list(self.order))
        typing = terms[-1] if query[-1:].isalnum() else None
        notes = self._notes  # read once: ``_set_notes`` may swap them meanwhile
        scored: dict[tuple[str, bool, int], _Term | None] = {
            (term, term == typing, notes[3]): None for term in terms
        }
        cache = self._scored
        for key in scored:
            scored[key] = cache.get(key) or self._term(key[0], key[1], notes[1], notes[2])
        found = [t for t in scored.values() if t is not None]
        self._scored = {key: t for key, t in zip(scored, found, strict=True)}  # for the next keystroke
        matched = frozenset(w for t in found for w in t.variants)
        held = np.array([t.score > 0 for t in found])
        # A common word (in many papers, and many times more than the query's rarest word) may be
        # missing; the other words are what the query is about.
        rarest = min((t.df for t in found if t.df), default=0)
        common = np.array([t.df > common_limit(self.size) and t.df >= COMMON_RATIO * rarest for t in found])
        about = held[~common]
        display = self._display
        hits = display[about.any(axis=0)[display]]  # in display order: a stable sort keeps it for ties
        if not hits.size:
            return SearchResult(query, [], matched)
        held = held[:, hits]
        eligible = about[:, hits].all(axis=0)  # holds every distinctive word
        strength = np.sum([t.score[hits] for t in found], axis=0)
        best = strength[eligible].max() if eligible.any() else 0.0
        strong = eligible & (strength >= WEAK_SHARE * best)
        rank = strength.copy()
        if len(found) > 1:
            # Papers holding more of the query's weight first: every word, then all but common ones...
            weights = np.array([t.weight for t in found])
            weight = float(weights.sum())
            rank += 10 * (weights @ held)
            rank += self._adjacency(found, hits, held.all(axis=0), strength, weight)
        order = np.argsort(-(rank + np.where(strong, _STRONG, 0.0)), kind="stable")
        return SearchResult(query, hits[order].tolist(), matched, int(strong.sum()), rank[order])

    def _adjacency(
        self, found: list[_Term], hits: np.ndarray, every: np.ndarray, strength: np.ndarray, weight: float
    ) -> np.ndarray:
        """Rank bonus of ``hits`` for the query's words standing side by side, in order: the whole
        query puts a paper above every other; with three words or more, each adjacent pair adds
        to its score. Only the best-scoring papers holding every word are read."""
        bonus = np.zeros(len(hits), dtype=np.float64)
        candidates = np.flatnonzero(every)
        if candidates.size > PHRASE_CHECKS:
            candidates = candidates[np.argsort(-strength[candidates], kind="stable")[:PHRASE_CHECKS]]
        if not candidates.size:
            return bonus
        groups = [self._phrase_words(t) for t in found]
        whole = phrase_pattern(groups)
        pairs = [phrase_pattern(groups[k : k + 2]) for k in range(len(groups) - 1)] if len(groups) > 2 else []
        for n, texts in zip(candidates.tolist(), self.papers.texts(hits[candidates].tolist()), strict=True):
            folded = [fold(text) for text in texts]
            if any(holds_phrase(whole, text) for text in folded):
                bonus[n] = 10 * weight
            elif pairs:
                adjacent = sum(1 for pattern in pairs if any(holds_phrase(pattern, text) for text in folded))
                bonus[n] = PAIR_BONUS * strength[n] * adjacent / len(pairs)
        return bonus

    @staticmethod
    def _phrase_words(term: _Term) -> list[str]:
        """The words tried for ``term`` in the adjacency check: the best ones, at most a few dozen."""
        ranked = sorted(term.variants.items(), key=lambda item: -item[1])
        return [word for word, _ in ranked[:PHRASE_VARIANTS]]
