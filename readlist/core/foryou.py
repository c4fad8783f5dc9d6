"""For you: every paper ranked by how much it resembles the papers the reader starred, tagged
or wrote a note on.

Those papers make the reader's *profile*: the words of their titles (counting double) and
abstracts, summed over the papers so that a theme several of them share weighs more, plus the
words of the notes and tags themselves, each word then weighed by how rare it is in the library
(similar.py's distinctive-word model behind "more like this", which also leaves out words in a
large share of the papers; common English words are left out too). Every paper then scores the weights of the profile words it holds,
as "more like this" scores a paper against one other; the words that earned a paper most of its
score are what ``ForYou.words`` gives, to show why it was suggested.

The order puts first the unread papers that share something with the profile, best first, then
the read ones that do, then the starred, tagged or noted papers themselves (the reader knows
them), then the papers that share nothing, in display order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from readlist.core.library import Library
from readlist.core.similar import FIELD_WEIGHTS, Q_ABSTRACT, Q_TITLE, MoreLikeThis
from readlist.core.tokens import STOP_WORDS, solo_words, spellings, words

PROFILE_WORDS = 300  # the heaviest words of the profile: enough to tell the reader's topics apart
NO_PROFILE = (
    "for you ranks papers by those you starred, tagged or wrote a note on: there are none yet, "
    "so the list keeps its order"
)


@dataclass(frozen=True, slots=True)
class ForYou:
    """The for-you ranking of the papers of one index (``scores`` and ``rank`` per paper)."""

    similar: MoreLikeThis
    profile: dict[int, float]  # word id → weight
    scores: np.ndarray  # per paper; 0: nothing in common with the profile
    seeds: np.ndarray  # per paper: starred, tagged or noted (the profile's own papers)
    rank: np.ndarray  # per paper: its place in the for-you order
    key: tuple[object, ...]  # what the profile was made from
    best: float  # the best score of a paper that is no seed

    @property
    def hint(self) -> str | None:
        """Why there is no for-you order (nothing starred, tagged or noted yet), or None."""
        if self.profile:
            return None
        if not self.seeds.any():
            return NO_PROFILE
        return (
            "for you: the papers you starred, tagged or noted share no distinctive word with the others yet, "
            "so the list keeps its order"
        )

    def share(self, i: int) -> float:
        """Paper ``i``'s score as a share of the best suggestion's, in [0, 1], for a bar or a percentage."""
        best = self.best
        return min(float(self.scores[i]) / best, 1.0) if best > 0 and 0 <= i < len(self.scores) else 0.0

    def words(self, i: int, limit: int = 5) -> list[str]:
        """The profile's words that earned paper ``i`` most of its score, heaviest first, as the
        paper writes them."""
        index = self.similar.index
        if not 0 <= i < index.size or not self.profile:
            return []
        paper = index.papers[i]
        norm = self.similar.prepare()
        title = " ".join([paper.title, *paper.aliases])
        fields = {"title": words(title), "abstract": words(paper.abstract)}
        earned: dict[str, float] = {}
        for name, found in fields.items():
            for word in set(found):
                weight = self.profile.get(index.vocab.get(word, -1))
                if weight is not None:
                    earned[word] = earned.get(word, 0.0) + weight * FIELD_WEIGHTS[name] * float(norm[name][i])
        text = f"{title}\n{paper.abstract}"
        written = spellings(text, earned)
        alone = solo_words(text)
        # A part of a compound says nothing more than the compound: it is left out when the
        # compound earned more, or when the paper only ever writes it inside the compound.
        inside = {part.lower() for form in written.values() if "-" in form for part in form.split("-")}
        shown: list[str] = []
        parts: set[str] = set()  # of the compounds shown so far
        for word in sorted(earned, key=lambda word: (-earned[word], word)):
            form = written.get(word, word)
            if "-" in form:
                parts.update(part.lower() for part in form.split("-"))
            elif word in parts or (word in inside and word not in alone):
                continue
            shown.append(form)
            if len(shown) == limit:
                break
        return shown


Seeds = dict[str, tuple[float, str, tuple[str, ...]]]


def seed_papers(library: Library) -> Seeds:
    """Paper id → (how much it counts: one per star, tags and note, its note, its tags) for the
    papers the reader starred, tagged or wrote a note on."""
    seeds = {}
    for pid, rec in library.state.records():
        note = str(rec.get("note") or "").strip()
        tags = tuple(rec.get("tags") or ())
        weight = float(bool(rec.get("starred"))) + float(bool(tags)) + float(bool(note))
        if weight:
            seeds[pid] = (weight, note, tags)
    return seeds


def for_you(
    library: Library,
    similar: MoreLikeThis,
    read: np.ndarray,
    display_rank: np.ndarray,
    previous: ForYou | None = None,
) -> ForYou:
    """Rank the papers of ``similar``'s index for the reader of ``library`` (``read`` and
    ``display_rank`` per paper of the library, see selection.Columns). The profile and scores of
    ``previous`` are kept when they were made from the same papers, stars, tags and notes: a read
    mark changes only the order."""
    seeds = seed_papers(library)
    key = (similar.index.size, tuple(sorted(seeds.items())))
    if (
        previous is not None
        and previous.similar is similar
        and previous.key == key
        and len(previous.scores) == len(read)
    ):
        profile, scores, seeded = previous.profile, previous.scores, previous.seeds
    else:
        profile, scores, seeded = _profile(similar, seeds, len(read))
    tier = np.where(seeded, 2, np.where(scores > 0, np.where(read, 1, 0), 3))
    order = np.lexsort((display_rank, -np.where(tier == 3, 0.0, scores), tier))
    rank = np.empty(len(read), dtype=np.int64)
    rank[order] = np.arange(len(read))
    suggestions = scores[~seeded]
    return ForYou(
        similar, profile, scores, seeded, rank, key, float(suggestions.max()) if suggestions.size else 0.0
    )


def _profile(
    similar: MoreLikeThis, seeds: Seeds, size: int
) -> tuple[dict[int, float], np.ndarray, np.ndarray]:
    """(word id → weight, every paper's score against those words, which papers are seeds).

    The seeds' words come from the index's posting lists, not from their text: one pass over the
    lists in numpy, however many papers the reader has starred."""
    index = similar.index
    seeded = np.zeros(size, dtype=bool)
    counts = np.zeros(index.size, dtype=np.float64)  # how much each indexed paper counts
    weights = np.zeros(len(index.vocab), dtype=np.float64)
    for pid, (weight, note, tags) in seeds.items():
        i = index.position.get(pid)
        if i is not None:
            seeded[i] = True
            counts[i] = weight
        # The reader's own words say much: a note's words as an abstract's, a tag's as a title's.
        for found, quality in ((words(note), Q_ABSTRACT), (words(" ".join(tags)), Q_TITLE)):
            for wid in {index.vocab[w] for w in found if w in index.vocab}:
                weights[wid] += weight * quality
    for field, quality in (("title", Q_TITLE), ("abstract", Q_ABSTRACT)):
        offsets, data = index.field_postings(field)
        held = counts[data]
        at = np.flatnonzero(held)
        word_ids = np.searchsorted(offsets, at, side="right") - 1  # the list each posting is in
        weights += quality * np.bincount(word_ids, weights=held[at], minlength=len(weights))[: len(weights)]
    weights[[index.vocab[w] for w in STOP_WORDS if w in index.vocab]] = 0.0
    ids, weight = similar.distinctive(np.flatnonzero(weights), weights[weights > 0])
    if ids.size > PROFILE_WORDS:
        heaviest = np.argsort(-weight, kind="stable")[:PROFILE_WORDS]
        ids, weight = ids[heaviest], weight[heaviest]
    scores = np.zeros(size, dtype=np.float64)
    if ids.size:
        known = similar.score_ids(ids, weight)
        scores[: len(known)] = known
    return dict(zip(ids.tolist(), weight.tolist(), strict=True)), scores, seeded
