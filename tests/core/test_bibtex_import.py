"""BibTeX in: readlist's own export comes back intact; Zotero's, arXiv's and Google Scholar's
entries give titles, abstracts, authors, years and arXiv ids; LaTeX is undone; a malformed entry
is reported with its line while the others load; the file is told by its content."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from readlist.core.bibtex_input import is_bibtex, latex_text
from readlist.core.export import to_bibtex
from readlist.core.importer import parse_input
from readlist.core.library import Library
from readlist.core.model import Paper, PaperState
from tests.core.test_export import NASTY_TITLES, make, rich_pair

ZOTERO = r"""
@article{vaswani_attention_2017,
	title = {Attention {Is} {All} {You} {Need}},
	url = {http://arxiv.org/abs/1706.03762},
	doi = {10.48550/arXiv.1706.03762},
	abstract = {The dominant sequence transduction models are based on complex recurrent or convolutional neural
networks. We propose a new simple network architecture, the {Transformer}, based solely on attention.},
	urldate = {2024-01-15},
	publisher = {arXiv},
	author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob},
	month = dec,
	year = {2017},
	note = {arXiv:1706.03762 [cs]},
	keywords = {Computer Science - Computation and Language, Computer Science - Machine Learning},
}
"""
ARXIV = r"""@misc{ho2020denoising,
      title={Denoising Diffusion Probabilistic Models},
      author={Jonathan Ho and Ajay Jain and Pieter Abbeel},
      year={2020},
      eprint={2006.11239v2},
      archivePrefix={arXiv},
      primaryClass={cs.LG},
      url={https://arxiv.org/abs/2006.11239},
}
"""
SCHOLAR = r"""@article{devlin2018bert,
  title={Bert: Pre-training of deep bidirectional transformers for language understanding},
  author={Devlin, Jacob and Chang, Ming-Wei and Lee, Kenton and Toutanova, Kristina},
  journal={arXiv preprint arXiv:1810.04805},
  year={2018}
}
"""
LATEX = r"""% A file that opens with comments, as JabRef and BibDesk write them
% Encoding: UTF-8

@inproceedings{naive,
  title = {Na{\"\i}ve {B}ayes \& {$k$}-{NN} for {S}$^{2}${FT}: {BERT} in Caf\'{e}s -- 100\% of them},
  author = {M{\"u}ller, J{\'e}r{\^o}me and {\L}ukasz Kaiser and {Research and Development Team} and others},
  abstract = {We cut costs by 50% (\$184M) with {\em sparse} attention; see \url{https://github.com/ex/naive}.},
  date = {2023-11-05},
}
"""


def parse(text: str, source: str = "refs.bib") -> list:
    [digest] = parse_input(text.encode(), source, "refs")
    return digest


def test_a_zotero_entry() -> None:
    [entry] = parse(ZOTERO).entries
    assert entry.title == "Attention Is All You Need"
    assert entry.abstract.startswith(
        "The dominant sequence transduction models are based on complex recurrent or "
        "convolutional neural networks. We propose"
    )
    assert "the Transformer, based" in entry.abstract
    assert entry.author_names == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit"]
    assert entry.authors == 4
    assert (entry.published, entry.arxiv_id) == ("2017-12", "1706.03762")
    assert entry.state is None  # the note only names the arXiv id; the subject headings are no tags
    assert entry.links == []  # the arXiv page is the paper's own


def test_an_arxiv_entry_and_a_google_scholar_one() -> None:
    [ddpm] = parse(ARXIV).entries
    assert (ddpm.title, ddpm.arxiv_id, ddpm.published) == (
        "Denoising Diffusion Probabilistic Models",
        "2006.11239",
        "2020",
    )
    assert ddpm.author_names == ["Jonathan Ho", "Ajay Jain", "Pieter Abbeel"]
    [bert] = parse(SCHOLAR).entries
    assert bert.arxiv_id == "1810.04805"
    assert bert.author_names[:2] == ["Jacob Devlin", "Ming-Wei Chang"]
    assert bert.abstract == ""  # Google Scholar gives none: not a problem
    assert parse(SCHOLAR).problems == []


def test_latex_is_undone_and_math_kept() -> None:
    digest = parse(LATEX)
    [entry] = digest.entries
    assert entry.title == "Naïve Bayes & $k$-NN for S$^{2}$FT: BERT in Cafés -- 100% of them"
    assert entry.author_names == ["Jérôme Müller", "Łukasz Kaiser", "Research and Development Team"]
    assert entry.abstract == (
        "We cut costs by 50% ($184M) with sparse attention; see https://github.com/ex/naive."
    )
    assert entry.published == "2023-11-05"
    assert entry.line == 4


def test_latex_text() -> None:
    assert latex_text("{BERT}") == "BERT"
    assert latex_text(r"\'e") == "é"
    assert latex_text(r"\&") == "&"
    assert latex_text("$x^2$ and $\\alpha$") == "$x^2$ and $\\alpha$"
    assert latex_text("plain -- text, 50% off") == "plain -- text, 50% off"
    assert latex_text("{{Double}} braces") == "Double braces"
    assert latex_text(r"\unknowncommand{kept} text") == "kept text"


def test_readlist_s_own_export_comes_back_intact() -> None:
    paper, state = rich_pair()
    nasty = [
        (
            make(
                title,
                abstract=title,
                published="2024-05-01",
                arxiv_id=f"2405.{n:05d}",
                author_names=["Ada Lovelace", title],
            ),
            PaperState(note=title, tags=("x",)),
        )
        for n, title in enumerate(NASTY_TITLES)
    ]
    pairs = [(paper, state), *nasty]
    digest = parse(to_bibtex(pairs))
    assert digest.problems == []
    assert len(digest.entries) == len(pairs)
    for (paper, state), entry in zip(pairs, digest.entries, strict=True):
        assert entry.title == " ".join(paper.title.split())
        assert entry.abstract == " ".join(paper.abstract.split())
        assert entry.arxiv_id == paper.arxiv_id
        assert entry.author_names == [" ".join(name.split()) for name in paper.author_names]
        assert entry.published == paper.published[:4]  # the export writes the year
        assert entry.state is not None
        assert entry.state.tags == state.tags
        assert entry.state.note == " ".join(state.note.split())  # BibTeX carries the note on one line
        assert entry.links == []  # the url it wrote is the paper's own page


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)


@settings(max_examples=150, deadline=None)
@example(title="0 $50%$ off", abstract="", note="$a#b$", tags=["$%$"])  # math LaTeX cannot read as written
@given(
    title=_TEXT.filter(lambda t: t.split()),
    abstract=_TEXT,
    note=_TEXT,
    tags=st.lists(st.from_regex(r"[a-z0-9_#%&{}$\\-]{1,8}", fullmatch=True), max_size=3),
)
def test_any_text_comes_back_from_the_export(title: str, abstract: str, note: str, tags: list[str]) -> None:
    paper = Paper("p1", title, abstract=abstract, published="2021-03-04", arxiv_id="2103.00001")
    state = PaperState(note=note, tags=tuple(tags))
    [entry] = parse(to_bibtex([(paper, state)])).entries
    assert entry.title == " ".join(title.split())
    assert entry.abstract == " ".join(abstract.split())
    assert entry.arxiv_id == "2103.00001"
    written_tags = [t for t in state.tags if t.strip("#")]
    assert (entry.state.tags if entry.state else ()) == tuple(
        dict.fromkeys(t.lstrip("#") for t in written_tags)
    )
    assert (entry.state.note if entry.state else "") == " ".join(note.split())


def test_a_malformed_entry_is_reported_with_its_line_and_the_others_load() -> None:
    text = (
        ARXIV
        + "\n@misc{broken,\n  title = {An Unclosed Title\n  year = 2020,\n}\n\n"
        + SCHOLAR
        + "@misc{nocomma title = {No Comma}}\n@misc{notitle, year = {2020}}\n"
    )
    digest = parse(text)
    assert [e.title for e in digest.entries] == [
        "Denoising Diffusion Probabilistic Models",
        "Bert: Pre-training of deep bidirectional transformers for language understanding",
    ]
    problems = [str(p) for p in digest.problems]
    assert problems[0].startswith("refs.bib:11: @misc{broken,: ") and problems[0].endswith("; skipped")
    assert problems[1].startswith("refs.bib:22: @misc{nocomma title =: ") and problems[1].endswith(
        "; skipped"
    )
    assert problems[2] == "refs.bib:23: @misc{notitle} has no title; skipped"
    assert len(problems) == 3 and all("\n" not in p for p in problems)


def test_a_key_used_twice_reads_both_entries_with_a_warning() -> None:
    digest = parse('@misc{same, title = "First Paper"}\n@misc{same, title = {Second Paper}}\n')
    assert [e.title for e in digest.entries] == ["First Paper", "Second Paper"]
    [warning] = digest.problems
    assert warning.warning and str(warning) == "refs.bib:2: the key 'same' is used twice; read all the same"


def test_bibtex_is_told_by_its_content() -> None:
    assert is_bibtex(ARXIV, "refs.txt")
    assert is_bibtex(LATEX, "-")  # after % comments
    assert is_bibtex("Some words JabRef wrote first\n" + ARXIV, "refs.bib")  # named .bib: BibTeX in any case
    assert not is_bibtex("Some words first\n" + ARXIV, "notes.txt")
    assert [str(p) for p in parse("% nothing but a comment\n").problems] == [
        "refs.bib: no BibTeX entries found in this file"
    ]
    assert not is_bibtex("new\n\nSubscribe\n\nMar 14\n\n@article{x, is a title\n\nAn abstract.", "mar14.txt")
    [entry] = parse(ARXIV, "<stdin>").entries
    assert entry.arxiv_id == "2006.11239"


def test_bibtex_papers_go_into_one_digest_named_after_the_file(library: Library) -> None:
    [digest] = parse_input((ARXIV + SCHOLAR).encode(), "refs.bib", "refs")
    assert (digest.label, digest.date) == ("refs", None)
    report = library.import_digests([digest])
    assert report.new == 2 and report.ok
    assert list(library.digests) == ["refs"]
    assert all(paper.digests == ["refs"] for paper in library.papers)
    # Importing readlist's export of them again finds them known, with their state back.
    pairs = [(paper, PaperState(note="keep", tags=("mine",))) for paper in library.papers]
    again = library.import_digests(parse_input(to_bibtex(pairs).encode(), "out.bib", "out"))
    assert (again.new, again.known) == (0, 2)
    assert all(
        library.state_of(p.id).note == "keep" and library.state_of(p.id).tags == ("mine",)
        for p in library.papers
    )
