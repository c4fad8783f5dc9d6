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
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from readlist.core.model import Paper
from readlist.core.text import fold

_WORD = re.compile(r"\w+")

W_TITLE, W_NOTE, W_ABSTRACT = 3.0, 2.0, 1.0
Q_EXACT, Q_PREFIX = 1.0, 0.7
Q_FUZZY = {1: 0.5, 2: 0.35}
# Short prefixes expand to the most common words only: "a" alone would be everything.
PREFIX_LIMIT = {1: 40, 2: 200, 3: 1000}


def words(text: str) -> list[str]:
    """Folded words of ``text``; hyphenated compounds also count joined up."""
    folded = fold(text).replace("_", " ")
    found = _WORD.findall(folded)
    if "-" in folded:
        for token in folded.split():
            if "-" in token:
                parts = _WORD.findall(token)
                if len(parts) > 1:
                    found.append("".join(parts))
    return found


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

    def __init__(self, pairs_word: np.ndarray, pairs_doc: np.ndarray, vocab_size: int) -> None:
        order = np.argsort(pairs_word, kind="stable")
        self.data = pairs_doc[order].astype(np.int32)
        counts = np.bincount(pairs_word, minlength=vocab_size)
        self.offsets = np.zeros(vocab_size + 1, dtype=np.int64)
        np.cumsum(counts, out=self.offsets[1:])

    def gather(self, word_ids: Iterable[int]) -> np.ndarray:
        off = self.offsets
        parts = [self.data[off[w] : off[w + 1]] for w in word_ids]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)

    def frequency(self, word_id: int) -> int:
        return int(self.offsets[word_id + 1] - self.offsets[word_id])


class SearchIndex:
    """An index over ``papers`` (in the order given) and their notes."""

    def __init__(self, papers: Sequence[Paper], notes: Mapping[str, str] | None = None) -> None:
        self.size = len(papers)
        self.position = {paper.id: i for i, paper in enumerate(papers)}
        self.titles_folded = [fold(p.title) for p in papers]
        vocab: dict[str, int] = {}
        title_pairs: tuple[list[int], list[int]] = ([], [])
        abstract_pairs: tuple[list[int], list[int]] = ([], [])
        for i, paper in enumerate(papers):
            for target, text in ((title_pairs, paper.title), (abstract_pairs, paper.abstract)):
                ids = {vocab.setdefault(w, len(vocab)) for w in words(text)}
                target[0].extend(ids)
                target[1].extend([i] * len(ids))
        self.vocab = vocab
        self.words = sorted(vocab)
        self._title = _Postings(np.array(title_pairs[0], dtype=np.int64), np.array(title_pairs[1]), len(vocab))
        self._abstract = _Postings(
            np.array(abstract_pairs[0], dtype=np.int64), np.array(abstract_pairs[1]), len(vocab)
        )
        self._by_length: dict[int, list[str]] = {}
        for word in self.words:
            self._by_length.setdefault(len(word), []).append(word)
        self.notes: dict[int, frozenset[str]] = {}
        for pid, note in (notes or {}).items():
            self.set_note(pid, note)
        self._expand = lru_cache(maxsize=512)(self._expand_uncached)

    # -- notes change while the app runs ------------------------------------

    def set_note(self, pid: str, note: str) -> None:
        i = self.position.get(pid)
        if i is None:
            return
        if note.strip():
            self.notes[i] = frozenset(words(note))
        else:
            self.notes.pop(i, None)

    # -- matching -------------------------------------------------------------

    def _expand_uncached(self, term: str) -> tuple[tuple[str, float], ...]:
        """The vocabulary words ``term`` stands for, with a quality in (0, 1]."""
        found: dict[str, float] = {}
        if term in self.vocab:
            found[term] = Q_EXACT
        lo = bisect.bisect_left(self.words, term)
        hi = bisect.bisect_left(self.words, term + "\U0010ffff")
        prefixed = self.words[lo:hi]
        limit = PREFIX_LIMIT.get(len(term))
        if limit is not None and len(prefixed) > limit:
            prefixed = sorted(prefixed, key=self._frequency, reverse=True)[:limit]
        for word in prefixed:
            found.setdefault(word, Q_PREFIX)
        typos = max_typos(term)
        if typos:
            n = len(term)
            pool = [w for length in range(n - typos, n + typos + 1) for w in self._by_length.get(length, ())]
            for word, distance, _ in process.extract(
                term, pool, scorer=Levenshtein.distance, score_cutoff=typos, limit=None
            ):
                found.setdefault(word, Q_FUZZY[int(distance)] if distance else Q_EXACT)
        return tuple(found.items())

    def _frequency(self, word: str) -> int:
        wid = self.vocab[word]
        return self._title.frequency(wid) + self._abstract.frequency(wid)

    def _note_matches(self, term: str, expanded: dict[str, float]) -> dict[int, float]:
        """Notes are few and change often, so they are scanned rather than indexed."""
        typos = max_typos(term)
        hits: dict[int, float] = {}
        for i, note_words in self.notes.items():
            best = 0.0
            for word in note_words:
                quality = expanded.get(word)
                if quality is None:
                    if word.startswith(term):
                        quality = Q_PREFIX
                    elif typos and abs(len(word) - len(term)) <= typos:
                        distance = Levenshtein.distance(term, word, score_cutoff=typos)
                        quality = Q_FUZZY.get(distance, 0.0) if distance <= typos else 0.0
                    else:
                        quality = 0.0
                best = max(best, quality)
            if best:
                hits[i] = best
        return hits

    def search(self, query: str) -> SearchResult:
        terms = list(dict.fromkeys(words(query)))
        if not terms:
            return SearchResult(query, list(range(self.size)))
        total = np.zeros(self.size, dtype=np.float32)
        keep = np.ones(self.size, dtype=bool)
        matched: set[str] = set()
        for term in terms:
            expanded = dict(self._expand(term))
            matched.update(expanded)
            score = np.zeros(self.size, dtype=np.float32)
            by_quality: dict[float, list[int]] = {}
            for word, quality in expanded.items():
                by_quality.setdefault(quality, []).append(self.vocab[word])
            for quality, ids in by_quality.items():
                for postings, weight in ((self._abstract, W_ABSTRACT), (self._title, W_TITLE)):
                    docs = postings.gather(ids)
                    if docs.size:
                        score[docs] = np.maximum(score[docs], quality * weight)
            for i, quality in self._note_matches(term, expanded).items():
                score[i] = max(score[i], quality * W_NOTE)
                matched.update(w for w in self.notes[i] if w.startswith(term) or w in expanded)
            keep &= score > 0
            total += score
        hits = np.flatnonzero(keep)
        if not hits.size:
            return SearchResult(query, [], frozenset(matched))
        scores = total[hits]
        phrase = " ".join(terms)
        if len(terms) > 1 or len(phrase) >= 3:
            for j, i in enumerate(hits.tolist()):  # the whole query inside the title
                if phrase in self.titles_folded[i]:
                    scores[j] += 2.0 * len(terms)
        order = np.lexsort((hits, -scores))
        return SearchResult(query, hits[order].tolist(), frozenset(matched))


def highlight_spans(text: str, matched: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of ``text`` whose words were matched by the last search."""
    if not matched:
        return []
    return [m.span() for m in _WORD.finditer(text.replace("_", " ")) if fold(m.group()) in matched]
