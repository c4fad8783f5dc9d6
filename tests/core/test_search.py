"""Search ranking over a small library of hand-made papers."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.core.model import Paper
from readlist.core.papers import Papers
from readlist.core.search import SearchIndex, max_typos
from readlist.core.tokens import highlight_spans, words

FILLER = "We describe the method, run experiments on public data and discuss the results in detail."


def paper(pid: str, title: str, abstract: str = FILLER) -> Paper:
    return Paper(id=pid, title=title, abstract=abstract)


PAPERS = Papers.of(
    [
        paper("gs", "Sparse Gaussian Splatting for Real-Time Rendering"),
        paper("quant", "Post-Training Quantization of Language Models"),
        paper(
            "nerf",
            "Neural Radiance Fields for Indoor Scenes",
            "Compared with splatting approaches, our radiance field is slower but smaller.",
        ),
        paper("moe", "Mixture of Experts at Scale", "A sparse router sends every token to two experts."),
        paper("kv", "Compressing Key-Value Caches", "Quantization of cached keys halves memory."),
        paper("diff", "Diffusion Models Beat GANs"),
    ]
)
INDEX = {p.id: i for i, p in enumerate(PAPERS)}


def ids(index: SearchIndex, query: str) -> list[str]:
    return [PAPERS[i].id for i in index.search(query).indices]


def strong(index: SearchIndex, query: str, papers: list[Paper] = PAPERS) -> list[str]:
    """The strong matches: what the list shows above its "weaker matches" divider."""
    result = index.search(query)
    return [papers[i].id for i in result.indices[: result.strong]]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(PAPERS)


def test_empty_query_returns_everything_in_order(index: SearchIndex) -> None:
    for query in ("", "   ", "--", "!?"):
        assert index.search(query).indices == list(range(len(PAPERS)))


def test_exact_word(index: SearchIndex) -> None:
    assert ids(index, "rendering") == ["gs"]
    assert ids(index, "RENDERING") == ["gs"]
    assert ids(index, "zeppelin") == []


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("gausian splating", "gs"),
        ("gaussian splatting", "gs"),
        ("quantisation", "quant"),
        ("radiance fiels", "nerf"),
        ("difusion", "diff"),
    ],
)
def test_typos_find_papers(index: SearchIndex, query: str, best: str) -> None:
    assert ids(index, query)[0] == best


def test_transposed_letters_count_as_one_typo(index: SearchIndex) -> None:
    assert ids(index, "radiance feilds") == ["nerf"]
    assert ids(index, "mixutre") == ["moe"]


def test_typo_query_ranks_title_above_abstract(index: SearchIndex) -> None:
    assert ids(index, "quantisation") == ["quant", "kv"]
    assert ids(index, "splating") == ["gs", "nerf"]


def test_highlight_spans_of_a_typo_query(index: SearchIndex) -> None:
    result = index.search("gausian splating")
    title = PAPERS[INDEX["gs"]].title
    spans = highlight_spans(title, result.matched)
    assert [title[a:b] for a, b in spans] == ["Gaussian", "Splatting"]
    assert spans == [(7, 15), (16, 25)]
    assert highlight_spans(title, frozenset()) == []


def test_exact_beats_same_stem_beats_prefix() -> None:
    papers = [
        paper("prefix", "Modelscope Hubs for Ocean Currents"),
        paper("stem", "Modelling Ocean Currents"),
        paper("exact", "A Model of Ocean Currents"),
    ]
    index = SearchIndex(Papers.of(papers))
    assert [papers[i].id for i in index.search("model").indices] == ["exact", "stem", "prefix"]
    assert [papers[i].id for i in index.search("model ").indices] == ["exact", "stem"]  # a finished word


def test_a_look_alike_of_a_word_the_library_has_is_no_match() -> None:
    """Only a word the library lacks is taken for a typo: "model" never finds "Modal"."""
    papers = [
        paper("modal", "Modal Logic for Agents"),
        paper("model", "A Model of Ocean Currents"),
        paper("unleash", "Unleashing Small Networks"),
        paper("unlearn", "Unlearning in Small Networks"),
    ]
    index = SearchIndex(Papers.of(papers))
    assert [papers[i].id for i in index.search("model ").indices] == ["model"]
    assert [papers[i].id for i in index.search("unlearning").indices] == ["unlearn"]


def test_a_typo_never_outranks_the_word_itself() -> None:
    """A word the library has a few times is also read as a slip for a far more common one, but a
    paper holding the word as typed stays first, even in the abstract against titles."""
    papers = [
        paper("typed", "Ocean Currents", "We fit a modle to the data."),
        *(paper(f"m{n}", f"Model Number {n}", f"This model is model {n}.") for n in range(25)),
    ]
    index = SearchIndex(Papers.of(papers))
    found = [papers[i].id for i in index.search("modle ").indices]
    assert found[0] == "typed" and len(found) == 26


def test_a_typo_is_corrected_to_the_nearest_words() -> None:
    papers = [paper("near", "Splatting Scenes"), paper("far", "Splitting Hairs")]
    index = SearchIndex(Papers.of(papers))
    assert [papers[i].id for i in index.search("splating ").indices] == ["near"]


def test_title_match_ranks_above_abstract_only_match() -> None:
    papers = [
        paper("abstract", "Learning Rates Revisited", "A study of warmup for transformers and other nets."),
        paper("title", "Warmup Schedules", FILLER),
    ]
    index = SearchIndex(Papers.of(papers))
    assert [papers[i].id for i in index.search("warmup").indices] == ["title", "abstract"]


# The two papers of each pair below differ only in where a word is (title or abstract), or in how it
# is spelled (exactly or with a typo); everything else, lengths included, is the same. The paper that
# must lose comes first in display order, and no title holds the whole query, so neither the order
# nor a bonus for the query in the title can decide: only the weighing itself.


def ranked(papers: list[Paper], query: str, notes: dict[str, str] | None = None) -> list[str]:
    return [papers[i].id for i in SearchIndex(Papers.of(papers), notes).search(query).indices]


def test_a_word_in_the_title_weighs_more_than_the_same_word_in_the_abstract() -> None:
    papers = [
        paper("abstract", "Field Notes on Birds", "We report on the zebra seen at dawn, and on the quokka."),
        paper("title", "Field Notes on Zebra", "We report on the birds seen at dawn, and on the quokka."),
    ]
    assert ranked(papers, "zebra quokka") == ["title", "abstract"]
    assert ranked(papers, "quokka zebra") == ["title", "abstract"]


@pytest.mark.parametrize(
    ("typo", "exact", "query"),
    [
        ("Quantisation", "Quantization", "quantization pruning"),  # a slip in the paper's word
        ("Modal", "Model", "model pruning"),
        ("Transfromers", "Transformers", "transformers pruning"),  # two letters swapped
    ],
)
def test_an_exact_word_ranks_above_a_typo_of_it(typo: str, exact: str, query: str) -> None:
    abstract = "We prune the weights and keep the accuracy; pruning is done once."
    in_titles = [
        paper("typo", f"{typo} of Vision Networks", abstract),
        paper("exact", f"{exact} of Vision Networks", abstract),
    ]
    assert ranked(in_titles, query) == ["exact", "typo"]
    word = query.split()[0]
    in_abstracts = [
        paper("typo", "Vision Networks", f"{abstract} {typo} follows."),
        paper("exact", "Vision Networks", f"{abstract} {exact} follows."),
    ]
    # Alone, the word the library has as typed finds the paper that has it first (a mere
    # look-alike of it is no match at all: see test_a_typo_never_outranks_the_word_itself).
    assert ranked(in_abstracts, word)[:1] == ["exact"]
    in_notes = [paper("typo", "Vision Networks", abstract), paper("exact", "Vision Networks", abstract)]
    assert ranked(in_notes, word, {"typo": f"{typo} first", "exact": f"{exact} first"})[:1] == ["exact"]


def test_whole_phrase_ranks_first() -> None:
    papers = [
        paper("apart", "Language Tricks for Large Vision Models"),
        paper("phrase", "Large Language Models"),
    ]
    index = SearchIndex(Papers.of(papers))
    assert [papers[i].id for i in index.search("large language").indices] == ["phrase", "apart"]


def test_papers_holding_every_distinctive_word_are_the_strong_matches(index: SearchIndex) -> None:
    """A paper missing a distinctive word of the query is only a weaker match, after the others."""
    assert strong(index, "sparse") == ["gs", "moe"]
    assert strong(index, "sparse experts") == ["moe"]
    assert ids(index, "sparse experts") == ["moe", "gs"]
    assert strong(index, "sparse zeppelin") == []
    assert ids(index, "sparse zeppelin") == ["gs", "moe"]
    assert ids(index, "zeppelin airships") == []


def test_prefix_while_typing(index: SearchIndex) -> None:
    assert ids(index, "quanti") == ["quant", "kv"]
    assert ids(index, "compress") == ["kv"]


def test_hyphenated_words(index: SearchIndex) -> None:
    assert ids(index, "real-time") == ["gs"]
    assert ids(index, "realtime") == ["gs"]
    assert ids(index, "key value") == ["kv"]


def test_notes_are_searched() -> None:
    notes = {"diff": "Read for the reading group on Thursday", "moe": ""}
    index = SearchIndex(PAPERS, notes)
    assert ids(index, "thursday") == ["diff"]
    assert ids(index, "thursdy") == ["diff"]  # typo in a note
    assert ids(index, "readi grou") == ["diff"]  # prefixes in a note
    assert ids(index, "diffusion thursday") == ["diff"]
    index.set_note("gs", "thursday too")
    assert sorted(ids(index, "thursday")) == ["diff", "gs"]
    index.set_note("diff", "   ")
    assert ids(index, "thursday") == ["gs"]
    index.set_note("unknown-id", "thursday")  # ignored, no crash
    assert ids(index, "thursday") == ["gs"]


def test_title_above_abstract_above_note() -> None:
    papers = [
        paper("note", "Second", FILLER),
        paper("abstract", "First", "We measure robustness of classifiers."),
        paper("title", "Robustness of Classifiers", FILLER),
    ]
    index = SearchIndex(Papers.of(papers), {"note": "robustness matters"})
    assert [papers[i].id for i in index.search("robustness").indices] == ["title", "abstract", "note"]


def test_exact_note_match_beats_prefix_note_match() -> None:
    papers = [paper("prefix", "First"), paper("exact", "Second")]
    index = SearchIndex(Papers.of(papers), {"prefix": "diffusions", "exact": "diffusion"})
    assert [papers[i].id for i in index.search("diffusion").indices] == ["exact", "prefix"]


def test_result_matched_words(index: SearchIndex) -> None:
    result = index.search("experts")
    assert "experts" in result.matched
    assert len(result) == 1


def test_accents_and_case_are_folded() -> None:
    papers = [paper("a", "Théorie des Réseaux"), paper("b", "Unrelated")]
    index = SearchIndex(Papers.of(papers))
    assert index.search("theorie reseaux").indices == [0]
    assert highlight_spans(papers[0].title, index.search("reseaux").matched) == [(12, 19)]


def test_words_and_max_typos() -> None:
    assert words("Real-Time S$^{2}$FT, snake_case!") == [
        "real",
        "time",
        "s",
        "2",
        "ft",
        "snake",
        "case",
        "realtime",
    ]
    assert [max_typos(w) for w in ("gan", "gans", "splatin", "splating")] == [0, 1, 1, 2]


def test_equal_scores_keep_the_display_order() -> None:
    papers = [paper(pid, f"Graph Networks {pid.upper()}") for pid in ("a", "b", "c")]
    index = SearchIndex(Papers.of(papers), order=[2, 0, 1])
    assert index.search("graph").indices == [2, 0, 1]
    assert index.search("").indices == [2, 0, 1]


QUERIES = ["gausian splating", "quantisation", "sparse experts", "radiance", "real-time", "zeppelin", ""]


def test_on_disk_index_gives_the_same_results(tmp_path: Path) -> None:
    built = SearchIndex(PAPERS)
    first = SearchIndex.open(tmp_path / "index", PAPERS)
    assert (tmp_path / "index").is_dir()
    loaded = SearchIndex.load(tmp_path / "index", PAPERS)
    assert loaded is not None
    for query in QUERIES:
        expected = built.search(query)
        for index in (first, loaded):
            got = index.search(query)
            assert (got.indices, got.matched) == (expected.indices, expected.matched), query


def test_on_disk_index_is_extended_with_new_papers(tmp_path: Path) -> None:
    SearchIndex.open(tmp_path / "index", Papers.of(PAPERS[:3]))
    more = SearchIndex.open(tmp_path / "index", PAPERS, {"diff": "thursday"})
    assert strong(more, "gausian splating") == ["gs"]
    assert ids(more, "experts") == ["moe"]
    assert ids(more, "thursday") == ["diff"]
    assert ids(more, "sparse") == ["gs", "moe"]


def test_on_disk_index_for_other_papers_is_not_used(tmp_path: Path) -> None:
    SearchIndex.open(tmp_path / "index", PAPERS)
    others = Papers.of([paper("x", "Completely Different Things"), *PAPERS[1:]])
    assert SearchIndex.load(tmp_path / "index", others) is None
    index = SearchIndex.open(tmp_path / "index", others)
    assert [others[i].id for i in index.search("different").indices] == ["x"]
    assert index.search("splatting").indices == [2]  # only nerf's abstract now


@pytest.mark.parametrize("query", ["quantisation", "gausian splating", "difusion models"])
def test_typing_a_typo_letter_by_letter_never_empties_the_list(index: SearchIndex, query: str) -> None:
    """The half-typed last word matches words it could be a mistyped start of."""
    for end in range(1, len(query) + 1):
        if query[end - 1] != " ":
            assert index.search(query[:end]).indices, query[:end]


def test_a_finished_word_does_not_match_mistyped_prefixes(index: SearchIndex) -> None:
    assert ids(index, "quantis") and not ids(index, "quantis ")  # the space says the word is done


@pytest.mark.parametrize("slip", ["xiffusion", "iffusion", "idffusion", "ddiffusion"])
def test_a_slip_in_the_first_letter_still_finds_the_word(index: SearchIndex, slip: str) -> None:
    """Fuzzy matching scans words sharing the first letter; first-letter slips are looked up."""
    assert ids(index, slip + " ") == ["diff"]


def test_a_note_changed_during_a_search_does_not_mix_snapshots() -> None:
    """Another thread may swap the notes while a search runs: the search keeps to one snapshot."""
    index = SearchIndex(PAPERS)
    expand = index._expand
    changed = []

    def expand_while_notes_change(term: str, typing: bool) -> tuple[tuple[str, float], ...]:
        if not changed:
            changed.append(term)
            index.set_note("gs", "zzzqx")  # a word only this note has
        return expand(term, typing)

    index._expand = expand_while_notes_change  # type: ignore[method-assign]
    assert ids(index, "zzzqx ") == []  # the note came after the search began
    assert ids(index, "zzzqx ") == ["gs"]


def test_index_and_search_make_no_paper_objects(isolated_data: Path) -> None:
    """A reopened library's papers are columns until something asks for one: building, caching,
    loading and searching the index read the columns, so 100k papers never become 100k objects."""
    from readlist.core.library import Library
    from tests.core.conftest import MAR14, MAR15, open_with

    for _ in open_with(isolated_data, (MAR14, "mar14.txt"), (MAR15, "mar15.txt")):
        pass
    library = Library(isolated_data)
    try:
        for _ in range(2):  # built and cached, then loaded from the cache
            index = SearchIndex.open(
                library.cache / "index", library.papers, library.state.notes(), library.order
            )
            assert index.search("diffusion models").indices
            assert index.search("quantisation").indices
        assert len(library.papers) == 5
        assert all(made is None for made in library.papers._objects)
    finally:
        library.close()
