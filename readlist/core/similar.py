"""More like this: the papers whose titles and abstracts share the most distinctive words with one paper.

The paper's own words are the query. Each word weighs its BM25 inverse document frequency (from
the posting-list sizes), double when it is in the paper's title; words in a large share of the
library say nothing about a topic and are skipped, as are words no other paper has. Each other
paper then scores the weights of the words it shares, a title hit counting double, scaled by
BM25's length factor so that a long abstract does not win by sheer size. The work is a gather
of the query words' posting lists and a weighted ``np.bincount``: milliseconds at 100k papers.
"""

from __future__ import annotations

import numpy as np

from readlist.core.search import SearchIndex, gather_positions, idf
from readlist.core.tokens import words

Q_TITLE, Q_ABSTRACT = 2.0, 1.0  # a word of the paper's own title says more about its topic
FIELD_WEIGHTS = {"title": 2.0, "abstract": 1.0}  # a shared word in the other paper's title counts more
K1, B = 1.2, 0.75  # BM25's usual saturation and length normalisation
COMMON_SHARE = 0.05  # a word in more than 5% of the papers is too common to tell topics apart
COMMON_FLOOR = 20  # ...but a small library skips only words in more than min(20, half) of its papers


class MoreLikeThis:
    """Finds papers similar to a given one in a ``SearchIndex``.

    Make one per index and call ``find`` from a worker thread. The first call counts every paper's
    words (it reads all posting lists: ~0.35 s at 100k papers, so warm it with ``prepare`` in a
    worker); later calls take a few milliseconds. It catches up by itself if the index grows.
    """

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._size = -1
        self._norm: dict[str, np.ndarray] = {}

    def prepare(self) -> dict[str, np.ndarray]:
        """Per field, BM25's factor ``(k1 + 1) / (1 + k1 (1 - b + b len / avg len))`` of every paper,
        where ``len`` counts the paper's distinct words in that field."""
        size = self.index.size
        if size != self._size:
            norm = {}
            for field in ("title", "abstract"):
                _, data = self.index.field_postings(field)
                lengths = np.bincount(data, minlength=size)[:size].astype(np.float64)
                average = lengths[lengths > 0].mean() if lengths.any() else 1.0
                norm[field] = (K1 + 1) / (1 + K1 * (1 - B + B * lengths / average))
            self._norm, self._size = norm, size
        return self._norm

    def find(self, i: int, limit: int = 50) -> list[int]:
        """Indices (into ``index.papers``) of up to ``limit`` papers most like paper ``i``, best first;
        equal scores keep the index's display order. Never ``i`` itself; empty when the paper shares
        no distinctive word with any other (or ``i`` is not indexed)."""
        return [j for j, _ in self.similar(i, limit)]

    def similar(self, i: int, limit: int = 50) -> list[tuple[int, float]]:
        """As ``find``, each paper with how similar it is to paper ``i``, in (0, 1]: the share of
        the score paper ``i`` would get against itself (1: as close as the paper is to itself)."""
        index = self.index
        size = index.size
        if not 0 <= i < size or limit <= 0:
            return []
        paper = index.papers[i]
        weights: dict[str, float] = dict.fromkeys(words(paper.abstract), Q_ABSTRACT)
        weights.update(dict.fromkeys(words(" ".join([paper.title, *paper.aliases])), Q_TITLE))
        score = self.score(weights)
        itself = float(score[i])
        score[i] = 0.0
        hits = np.flatnonzero(score > 0)
        if hits.size > limit:  # the best ``limit`` and every paper tied with the last of them
            cut = -np.partition(-score[hits], limit - 1)[limit - 1]
            hits = hits[score[hits] >= cut]
        order = np.lexsort((index.rank[hits], -score[hits]))
        best = hits[order][:limit]
        shares = np.minimum(score[best] / itself, 1.0) if itself > 0 else np.ones(len(best))
        return list(zip(best.tolist(), shares.tolist(), strict=True))

    def distinctive(self, ids: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Of the word ids ``ids`` (with ``query``, how much each says of the topic), those that
        tell topics apart, and their weights times BM25's inverse document frequency. A word that
        only one paper has, or a large share of them, is left out."""
        size = self.index.size
        df = sum(offsets[ids + 1] - offsets[ids] for offsets, _ in self._fields().values())
        df = np.minimum(df, size)
        common = max(COMMON_SHARE * size, min(COMMON_FLOOR, size / 2))
        useful = (df > 1) & (df <= common)  # df 1: only one paper has the word
        return ids[useful], query[useful] * idf(df[useful], size)

    def score(self, weights: dict[str, float]) -> np.ndarray:
        """Every indexed paper's score against the folded words ``weights`` (see ``distinctive``):
        the weights of the words it holds, a title hit counting double, evened out for length."""
        vocab = self.index.vocab
        known = [(vocab[w], q) for w, q in weights.items() if w in vocab]
        ids = np.fromiter((wid for wid, _ in known), dtype=np.int64, count=len(known))
        query = np.fromiter((q for _, q in known), dtype=np.float64, count=len(known))
        return self.score_ids(*self.distinctive(ids, query))

    def score_ids(self, ids: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """As ``score``, for word ids already weighed."""
        size = self.index.size
        norm = self.prepare()
        score = np.zeros(size, dtype=np.float64)
        if not ids.size:
            return score
        for name, (offsets, data) in self._fields().items():
            docs, doc_weights = _gather(offsets, data, ids, weight)
            # ``[:size]``: a paper appended after ``size`` was read waits for the next call.
            score += (
                FIELD_WEIGHTS[name]
                * norm[name]
                * np.bincount(docs, weights=doc_weights, minlength=size)[:size]
            )
        return score

    def _fields(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        return {name: self.index.field_postings(name) for name in ("title", "abstract")}


def _gather(
    offsets: np.ndarray, data: np.ndarray, ids: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The papers of every word in ``ids`` (from CSR posting lists), each with its word's weight."""
    positions, lengths = gather_positions(offsets, ids)
    return data[positions], np.repeat(weights, lengths)
