"""URLs found in abstracts, arXiv ids, and which link a paper opens."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from readlist.core.digest import read_digest
from readlist.core.links import (
    arxiv_id_from_line,
    find_urls,
    is_arxiv_id,
    is_code_url,
    is_safe_to_open,
    paper_url,
)
from readlist.core.model import Paper
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("Code: https://github.com/fanqiwan/FuseAI.", ["https://github.com/fanqiwan/FuseAI"]),
        ("we call it LoLDU{https://github.com/SKDDJ/LoLDU}.", ["https://github.com/SKDDJ/LoLDU"]),
        ("(see https://x.org/a_(b))", ["https://x.org/a_(b)"]),
        ("(code: https://x.org/repo).", ["https://x.org/repo"]),
        ("at https://a.org/x, and https://b.org/y; done", ["https://a.org/x", "https://b.org/y"]),
        ("ends with https://a.org/q?x=1!", ["https://a.org/q?x=1"]),
        ('quoted "https://a.org/z" here', ["https://a.org/z"]),
        ("[https://a.org/in-brackets]", ["https://a.org/in-brackets"]),
        ("plain http://example.com/page works", ["http://example.com/page"]),
        ("no links [ASA+22,GTLV22] and S$^{2}$FT cost \\$184M", []),
        ("a bare https:// or https://x is not a link", []),
    ],
)
def test_find_urls(text: str, urls: list[str]) -> None:
    assert find_urls(text) == urls


def test_find_urls_deduplicates_in_order() -> None:
    text = "See https://b.org/1 and https://a.org/2. Again https://b.org/1, then (https://a.org/2)."
    assert find_urls(text) == ["https://b.org/1", "https://a.org/2"]


def test_paper_links_from_a_fixture_digest() -> None:
    digest = read_digest(FIXTURES / "basic.txt")
    links = [find_urls(e.abstract) for e in digest.entries]
    assert links == [
        ["https://github.com/example-lab/sparse-gs"],
        ["https://example.org/ptq_(v2)"],
        ["https://example.net/curriculum-vit", "https://github.com/example-lab/cvit"],
    ]


@pytest.mark.parametrize(
    ("line", "arxiv_id"),
    [
        ("https://arxiv.org/abs/2401.01234", "2401.01234"),
        ("arXiv:2401.01234", "2401.01234"),
        ("arxiv: 2401.01234v3", "2401.01234"),
        ("https://arxiv.org/pdf/2401.12345v2.pdf", "2401.12345"),
        ("http://www.arxiv.org/abs/2401.01234/", "2401.01234"),
        ("https://huggingface.co/papers/2402.05678", "2402.05678"),
        ("arXiv:hep-th/9901001", "hep-th/9901001"),
        ("See https://arxiv.org/abs/2401.01234 for details", None),
        ("https://github.com/a/b", None),
        ("2401.01234", None),
    ],
)
def test_arxiv_id_from_line(line: str, arxiv_id: str | None) -> None:
    assert arxiv_id_from_line(line) == arxiv_id


def test_is_arxiv_id() -> None:
    assert is_arxiv_id("2401.01234")
    assert is_arxiv_id("1706.03762")
    assert not is_arxiv_id("2401.123")
    assert not is_arxiv_id("hello")


def test_paper_url_with_arxiv_id_is_the_hf_papers_page() -> None:
    assert paper_url("Anything", "2401.01234") == "https://huggingface.co/papers/2401.01234"


def test_paper_url_without_id_searches_arxiv_for_the_exact_title() -> None:
    title = 'Q&A: "Fast" #1 Models + More'
    url = paper_url(title, None)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "arxiv.org", "/search/")
    assert parse_qs(parts.query) == {"query": [f'"{title}"'], "searchtype": ["title"]}
    assert url == (
        "https://arxiv.org/search/?query=%22Q%26A%3A+%22Fast%22+%231+Models+%2B+More%22&searchtype=title"
    )
    assert is_safe_to_open(url)


def test_paper_url_and_links_properties() -> None:
    paper = Paper(id="p", title="Attention Is All You Need", abstract="Code at https://a.org/t2t.")
    assert paper.url == "https://arxiv.org/search/?query=%22Attention+Is+All+You+Need%22&searchtype=title"
    assert paper.links == ["https://a.org/t2t"]
    paper.arxiv_id = "1706.03762"
    assert paper.url == "https://huggingface.co/papers/1706.03762"


@pytest.mark.parametrize(
    "url",
    ["https://github.com/fanqiwan/FuseAI", "http://example.com", "HTTPS://EXAMPLE.COM/A?b=c#d"],
)
def test_safe_urls(url: str) -> None:
    assert is_safe_to_open(url) is True


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript://example.com/%0Aalert(1)",
        "file:///etc/passwd",
        "ftp://example.com/file",
        "data:text/html,<script>alert(1)</script>",
        "https://example.com/a b",
        "https://example.com/\x1b[2J",
        "https://example.com/\x85",
        "https://example.com/\n",
        "https://github.com/evil/\u202eexe.txt",
        "https://exa\u200bmple.com",
        "https://",
        "",
    ],
)
def test_unsafe_urls(url: str) -> None:
    assert is_safe_to_open(url) is False


def test_link_choices_label_every_known_link() -> None:
    paper = Paper(
        id="p",
        title="Sparse Splats",
        abstract="Code: https://github.com/ex/sgs. Data at https://d.org/x, baselines at https://gitlab.com/ex/b.",
        arxiv_id="2503.01111",
        github_repo="https://github.com/ex/sgs",
        github_stars=311,
        project_page="https://ex.github.io/sgs",
        extra_links=["https://ex.github.io/sgs"],
    )
    assert [tuple(link) for link in paper.link_choices()] == [
        ("Hub page", "https://huggingface.co/papers/2503.01111", "hub"),
        ("arXiv abstract", "https://arxiv.org/abs/2503.01111", "abs"),
        ("arXiv PDF", "https://arxiv.org/pdf/2503.01111", "pdf"),
        ("Code (★ 311)", "https://github.com/ex/sgs", "code"),
        ("Project page", "https://ex.github.io/sgs", "project"),
        ("Link", "https://d.org/x", "other"),  # what the abstract adds, each link once
        ("Code", "https://gitlab.com/ex/b", "code"),  # a repository, wherever it was mentioned
    ]
    bare = Paper(id="q", title="No Id Yet")
    assert [(link.label, link.kind) for link in bare.link_choices()] == [("arXiv search", "search")]
    assert bare.link_choices()[0].url == bare.url


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://github.com/ex/sgs", True),
        ("https://www.gitlab.com/g/p", True),
        ("https://codeberg.org/u/r", True),
        ("https://github.com", False),
        ("https://github.com/", False),
        ("https://github.io/x", False),
        ("https://notgithub.com/x/y", False),
        ("https://example.org/github.com/x", False),
    ],
)
def test_code_urls(url: str, code: bool) -> None:
    assert is_code_url(url) is code
