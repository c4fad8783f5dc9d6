"""Typo-tolerant full-text search over titles, abstracts and notes.

Rather than fuzzy-matching the query against every abstract (seconds at 100k
papers), each query word is matched against the vocabulary: exactly, as a prefix,
or within a small edit distance (rapidfuzz over words of similar length). The
papers holding those words come from posting lists, and scores add up per word
with numpy: title hits weigh more than note hits, which weigh more than abstract
hits; exact beats prefix beats fuzzy. Every query word must match (AND).
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import io
import marshal
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from readlist.core.model import Paper
from readlist.core.papers import Papers
from readlist.core.storage import file_signature, write_atomic
from readlist.core.text import fold
from readlist.core.tokens import words

if TYPE_CHECKING:
    from readlist.core.library import Library

W_TITLE, W_NOTE, W_ABSTRACT = 3.0, 2.0, 1.0
Q_EXACT, Q_PREFIX = 1.0, 0.7
Q_FUZZY = {1: 0.5, 2: 0.35}
Q_FUZZY_PREFIX = 0.3
FUZZY_PREFIX_WORDS = 200  # the most common completions of a mistyped prefix
# Short prefixes expand to the most common words only: "a" alone would be everything.
PREFIX_LIMIT = {1: 40, 2: 150, 3: 400}


INDEX_VERSION = 2


def _ids(papers: Sequence[Paper], size: int) -> list[str]:
    """The first ``size`` papers' ids, without making paper objects."""
    return papers.ids[:size] if isinstance(papers, Papers) else [p.id for p in papers[:size]]


def _ids_digest(papers: Sequence[Paper], size: int) -> str:
    """Identifies the first ``size`` papers, so a cached index is only used for the same ones."""
    return hashlib.sha1("\n".join(_ids(papers, size)).encode()).hexdigest()


def _revs(papers: Sequence[Paper]) -> list[int]:
    return papers.column("rev") if isinstance(papers, Papers) else [p.rev for p in papers]


def max_typos(term: str) -> int:
    n = len(term)
    return 0 if n < 4 else 1 if n < 8 else 2


@dataclass(slots=True)
class SearchResult:
    """Indices into the indexed sequence, best first, and the words that matched."""

    query: str
    indices: list[int]
    matched: frozenset[str] = field(default_factory=frozenset)

    def __len__(self) -> int:
        return len(self.indices)


class _Postings:
    """Word id → paper indices, stored as one CSR pair of numpy arrays."""

    def __init__(self, offsets: np.ndarray, data: np.ndarray) -> None:
        self.offsets = offsets
        self.data = data

    @classmethod
    def from_pairs(cls, pairs_word: np.ndarray, pairs_doc: np.ndarray, vocab_size: int) -> _Postings:
        order = np.argsort(pairs_word, kind="stable")  # stable: each list stays sorted by paper
        offsets = np.zeros(vocab_size + 1, dtype=np.int64)
        np.cumsum(np.bincount(pairs_word, minlength=vocab_size), out=offsets[1:])
        return cls(offsets, pairs_doc[order].astype(np.int32))

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        vocab_size = len(self.offsets) - 1
        return np.repeat(np.arange(vocab_size, dtype=np.int64), np.diff(self.offsets)), np.asarray(self.data)

    def gather(self, word_ids: Iterable[int]) -> np.ndarray:
        off = self.offsets
        parts = [self.data[off[w] : off[w + 1]] for w in word_ids]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)


def _texts(papers: Sequence[Paper], numbers: Sequence[int]) -> Iterable[tuple[str, str]]:
    """(titles, abstract) of the papers at ``numbers``; a library's papers give them from their
    columns, without making an object of every paper."""
    if isinstance(papers, Papers):
        return papers.texts(numbers)
    return ((" ".join([p.title, *p.aliases]), p.abstract) for p in (papers[i] for i in numbers))


def _pairs(papers: Sequence[Paper], numbers: Sequence[int], vocab: dict[str, int]) -> tuple[array, array, array, array]:
    """(word, paper number) pairs for the titles and abstracts of the papers at ``numbers``."""
    title_words, title_docs, abstract_words, abstract_docs = array("q"), array("i"), array("q"), array("i")
    get = vocab.get
    for i, (titles, abstract) in zip(numbers, _texts(papers, numbers), strict=True):
        for out_words, out_docs, text in ((title_words, title_docs, titles), (abstract_words, abstract_docs, abstract)):
            unique = set(words(text))
            for word in unique:
                wid = get(word)
                if wid is None:
                    wid = vocab[word] = len(vocab)
                out_words.append(wid)
            out_docs.extend(array("i", [i]) * len(unique))
    return title_words, title_docs, abstract_words, abstract_docs


class SearchIndex:
    """An index over ``papers`` (in the order given) and their notes.

    ``order`` is the display order; equal scores keep it.
    """

    def __init__(
        self,
        papers: Sequence[Paper],
        notes: Mapping[str, str] | None = None,
        order: Sequence[int] | None = None,
    ) -> None:
        self.papers = papers
        self.vocab: dict[str, int] = {}
        tw, td, aw, ad = _pairs(papers, range(len(papers)), self.vocab)
        self._title = _Postings.from_pairs(np.frombuffer(tw, np.int64), np.frombuffer(td, np.int32), len(self.vocab))
        self._abstract = _Postings.from_pairs(
            np.frombuffer(aw, np.int64), np.frombuffer(ad, np.int32), len(self.vocab)
        )
        self._setup(len(papers), notes, order)
        self.revs = _revs(papers)

    def _setup(self, size: int, notes: Mapping[str, str] | None, order: Sequence[int] | None) -> None:
        self.size = size
        self.position = {pid: i for i, pid in enumerate(_ids(self.papers, size))}
        self.words = sorted(self.vocab)
        self._titles_folded: list[str] | None = None
        # The look-up caches hold tuples of words, never lists: the garbage collector stops tracking
        # a tuple of strings, while every full collection would walk each cached list again.
        self._pools: dict[tuple[str, int, int], tuple[str, ...]] = {}
        self._tails: dict[str, tuple[str, ...]] | None = None
        # (words of each paper's note, papers by note word, note words the vocabulary lacks):
        # one tuple swapped at once, so a search in another thread never mixes two snapshots.
        self._notes: tuple[dict[int, frozenset[str]], dict[str, set[int]], list[str]] = ({}, {}, [])
        self._freq: np.ndarray | None = None
        self.set_notes(notes or {})
        self.set_order(order if order is not None else range(size))
        self._prefixes: dict[tuple[str, int], tuple[str, ...]] = {}
        self._expand = lru_cache(maxsize=512)(self._expand_uncached)
        self._expand_typing = lru_cache(maxsize=256)(self._expand_partial)

    def set_order(self, order: Sequence[int]) -> None:
        """The display order (indices into papers), used to break ties and for empty queries."""
        self.order = list(order)
        rank = np.full(self.size, self.size, dtype=np.int64)
        known = [i for i in self.order if i < self.size]
        rank[known] = np.arange(len(known))
        self.rank = rank

    def extend(self, papers: Sequence[Paper], order: Sequence[int] | None = None) -> None:
        """Index papers appended since this index was built, and re-index papers whose text changed."""
        revs = _revs(papers)
        stale = [i for i in range(min(self.size, len(papers))) if revs[i] != self.revs[i]]
        numbers = stale + list(range(self.size, len(papers)))
        self.papers = papers
        if numbers:
            notes = self._notes[0]  # indices stay valid: papers are only ever appended
            tw, td, aw, ad = _pairs(papers, numbers, self.vocab)
            merged = []
            for postings, new_words, new_docs in ((self._title, tw, td), (self._abstract, aw, ad)):
                # A re-indexed paper keeps its old postings too: a stray match at worst, never a miss.
                old_words, old_docs = postings.pairs()
                merged.append(
                    _Postings.from_pairs(
                        np.concatenate([old_words, np.frombuffer(new_words, np.int64)]),
                        np.concatenate([old_docs, np.frombuffer(new_docs, np.int32)]),
                        len(self.vocab),
                    )
                )
            self._title, self._abstract = merged
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
        meta = {"version": INDEX_VERSION, "size": self.size, "ids": _ids_digest(self.papers, self.size),
                "vocab": vocab_in_id_order, "arrays": signatures, "revs": self.revs}
        write_atomic(folder / "index.meta", marshal.dumps(meta))

    def _arrays(self) -> dict[str, np.ndarray]:
        return {"title_offsets": self._title.offsets, "title_data": self._title.data,
                "abstract_offsets": self._abstract.offsets, "abstract_data": self._abstract.data}

    @classmethod
    def load(cls, folder: Path, papers: Sequence[Paper]) -> SearchIndex | None:
        """The cached index if it covers a prefix of ``papers``, else None."""
        try:
            meta = marshal.loads((folder / "index.meta").read_bytes())
            size = meta["size"]
            if meta.get("version") != INDEX_VERSION or size > len(papers) or meta["ids"] != _ids_digest(papers, size):
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
        index = cls.__new__(cls)
        index.papers = papers
        index.vocab = {word: i for i, word in enumerate(meta["vocab"])}
        index._title = _Postings(arrays["title_offsets"], arrays["title_data"])
        index._abstract = _Postings(arrays["abstract_offsets"], arrays["abstract_data"])
        index._setup(size, None, None)
        index.revs = list(meta["revs"])
        return index

    @classmethod
    def open(
        cls,
        folder: Path,
        papers: Sequence[Paper],
        notes: Mapping[str, str] | None = None,
        order: Sequence[int] | None = None,
    ) -> SearchIndex:
        """Load the cached index (extending it with new papers), or build and cache one."""
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
        index.set_notes(notes or {})
        index.warm()
        return index

    @classmethod
    def for_library(cls, library: Library) -> SearchIndex:
        """The library's index, kept in its cache folder, seeing every note and tag."""
        return cls.open(library.cache / "index", library.papers, library.state.notes(), library.order)

    @property
    def titles_folded(self) -> list[str]:
        if self._titles_folded is None:
            papers = self.papers
            titles = papers.column("title") if isinstance(papers, Papers) else [p.title for p in papers]
            self._titles_folded = [fold(title) for title in titles[: self.size]]
        return self._titles_folded

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
        self._set_notes({position[pid]: frozenset(words(n)) for pid, n in notes.items() if pid in position and n.strip()})

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
        self._notes = (by_doc, by_word, [word for word in by_word if word not in self.vocab])

    # -- matching -------------------------------------------------------------

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

    def warm(self) -> None:
        """Build the lazy look-up tables now (in a worker), not on the first keystrokes."""
        self._tail_index()
        self._most_frequent([], 0)
        self.titles_folded  # noqa: B018 (the first query of three letters needs them)

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
            pool = self._prefixes[key] = tuple(sorted({w[:n] for w in self._starting_with(first) if len(w) >= n}))
        return pool

    def _expand_partial(self, term: str) -> tuple[tuple[str, float], ...]:
        """Words that a half-typed, mistyped word may be heading for: ``quantis`` → quantization."""
        typos = max_typos(term)
        found: dict[str, float] = {}
        if not typos:
            return ()
        n = len(term)
        pool = [p for size in range(n - typos, n + typos + 1) for p in self._prefix_pool(term[0], size)]
        for prefix, distance, _ in process.extract(term, pool, scorer=OSA.distance, score_cutoff=typos, limit=None):
            if not distance:
                continue  # plain prefixes are already in the full expansion
            words_here = self._starting_with(prefix)
            if len(words_here) > FUZZY_PREFIX_WORDS:
                words_here = self._most_frequent(words_here, FUZZY_PREFIX_WORDS)
            for word in words_here:
                found.setdefault(word, Q_FUZZY_PREFIX)
        return tuple(found.items())

    def _expand_uncached(self, term: str) -> tuple[tuple[str, float], ...]:
        """The vocabulary words ``term`` stands for, with a quality in (0, 1]."""
        found: dict[str, float] = {}
        if term in self.vocab:
            found[term] = Q_EXACT
        prefixed = self._starting_with(term)
        limit = PREFIX_LIMIT.get(len(term))
        if limit is not None and len(prefixed) > limit:
            prefixed = self._most_frequent(prefixed, limit)
        for word in prefixed:
            found.setdefault(word, Q_PREFIX)
        typos = max_typos(term)
        if typos:
            pool = self._fuzzy_pool(term[0], len(term), typos)
            for word, distance, _ in process.extract(term, pool, scorer=OSA.distance, score_cutoff=typos, limit=None):
                found.setdefault(word, Q_FUZZY[int(distance)] if distance else Q_EXACT)
            for word in self._first_letter_slips(term):
                found.setdefault(word, Q_FUZZY[1])
        return tuple(found.items())

    def _most_frequent(self, candidates: list[str], limit: int) -> list[str]:
        """The ``limit`` candidates found in the most papers."""
        if self._freq is None:
            self._freq = np.diff(self._title.offsets) + np.diff(self._abstract.offsets)
        ids = np.fromiter((self.vocab[w] for w in candidates), dtype=np.int64, count=len(candidates))
        top = np.argsort(-self._freq[ids], kind="stable")[:limit]
        return [candidates[i] for i in top.tolist()]

    def _note_matches(
        self, term: str, expanded: dict[str, float], by_word: dict[str, set[int]], note_only: list[str]
    ) -> tuple[dict[int, float], list[str]]:
        """Papers whose note matches ``term``, and the note words that did."""
        # Note words the vocabulary knows were matched with it; the rest are few: scan them.
        qualities = {word: expanded[word] for word in expanded.keys() & by_word.keys()}
        for word in note_only:
            quality = Q_EXACT if word == term else Q_PREFIX if word.startswith(term) else 0.0
            if quality:
                qualities[word] = quality
        typos = max_typos(term)
        if typos and note_only:
            for word, distance, _ in process.extract(
                term, note_only, scorer=OSA.distance, score_cutoff=typos, limit=None
            ):
                qualities.setdefault(word, Q_FUZZY[int(distance)] if distance else Q_EXACT)
        hits: dict[int, float] = {}
        for word, quality in qualities.items():
            for doc in by_word[word]:
                if quality > hits.get(doc, 0.0):
                    hits[doc] = quality
        return hits, list(qualities)

    def containing(self, term: str, *, title_only: bool = False, prefix: bool = False) -> np.ndarray:
        """A mask of the papers whose title (or abstract, or note, unless ``title_only``) holds
        the folded word ``term``, or with ``prefix`` a word starting with it: no typos."""
        mask = np.zeros(self.size, dtype=bool)
        found = self._starting_with(term) if prefix else [term] if term in self.vocab else []
        ids = [self.vocab[w] for w in found]
        for postings in (self._title,) if title_only else (self._title, self._abstract):
            mask[postings.gather(ids)] = True
        if not title_only:
            note_words = self._notes[1]
            hits = [w for w in note_words if w.startswith(term)] if prefix else [term] if term in note_words else []
            for word in hits:
                mask[list(note_words[word])] = True
        return mask

    def search(self, query: str) -> SearchResult:
        """Papers matching every word of ``query``, best first.

        The last word, unless a space follows it, may still be being typed: it also matches
        words its letters so far could be a mistyped start of.
        """
        terms = list(dict.fromkeys(words(query)))
        typing = terms[-1] if terms and query[-1:].isalnum() else None
        if not terms:
            return SearchResult(query, list(self.order))
        _, note_words, note_only = self._notes  # read once: ``_set_notes`` may swap them meanwhile
        total = np.zeros(self.size, dtype=np.float32)
        keep = np.ones(self.size, dtype=bool)
        in_title = np.ones(self.size, dtype=bool)  # every word so far matched the title
        matched: set[str] = set()
        for term in terms:
            expanded = dict(self._expand(term))
            if term == typing:
                for word, quality in self._expand_typing(term):
                    expanded.setdefault(word, quality)
            matched.update(expanded)
            score = np.zeros(self.size, dtype=np.float32)
            title_hit = np.zeros(self.size, dtype=bool)
            by_quality: dict[float, list[int]] = {}
            for word, quality in expanded.items():
                by_quality.setdefault(quality, []).append(self.vocab[word])
            for quality, ids in by_quality.items():
                docs = self._abstract.gather(ids)
                if docs.size:
                    score[docs] = np.maximum(score[docs], quality * W_ABSTRACT)
                docs = self._title.gather(ids)
                if docs.size:
                    score[docs] = np.maximum(score[docs], quality * W_TITLE)
                    title_hit[docs] = True
            hits, words_hit = self._note_matches(term, expanded, note_words, note_only)
            if hits:
                docs = np.fromiter(hits, dtype=np.int64, count=len(hits))
                values = np.fromiter(hits.values(), dtype=np.float32, count=len(hits)) * W_NOTE
                score[docs] = np.maximum(score[docs], values)
                matched.update(words_hit)
            keep &= score > 0
            in_title &= title_hit
            total += score
        if len(terms) > 1 or len(terms[0]) >= 3:
            phrase = " ".join(terms)
            titles = self.titles_folded
            inside = [i for i in np.flatnonzero(keep & in_title).tolist() if phrase in titles[i]]
            total[inside] += 2.0 * len(terms)  # the whole query inside the title
        hits_all = np.flatnonzero(keep)
        if not hits_all.size:
            return SearchResult(query, [], frozenset(matched))
        order = np.lexsort((self.rank[hits_all], -total[hits_all]))
        return SearchResult(query, hits_all[order].tolist(), frozenset(matched))
