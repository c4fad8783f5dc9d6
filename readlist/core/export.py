"""Turning papers and their state into Markdown notes, BibTeX, RIS, CSV and JSON.

Every function here is pure: it takes ``(Paper, PaperState)`` pairs (or one paper and its state)
and returns text. ``to_json`` writes the document ``readlist import`` reads back (json_input.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from readlist.core.json_input import EXPORT_FORMAT, EXPORT_VERSION
from readlist.core.links import arxiv_abs_url
from readlist.core.model import Paper, PaperState, display_date, with_year
from readlist.core.text import clean_line, fold, plural

Pair = tuple[Paper, PaperState]
FORMATS = ("markdown", "bibtex", "ris", "csv", "json")
EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".bib": "bibtex",
    ".ris": "ris",
    ".csv": "csv",
    ".json": "json",
}


def _paper_fields(paper: Paper) -> dict[str, Any]:
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": paper.authors,
        "author_names": list(paper.author_names),
        "published": paper.published,
        "upvotes": paper.upvotes,
        "digests": list(paper.digests),
        "links": paper.links,
        "url": paper.url,
        "arxiv_id": paper.arxiv_id,
        "comments": paper.comments,
        "github_repo": paper.github_repo,
        "github_stars": paper.github_stars,
        "project_page": paper.project_page,
        "ai_summary": paper.ai_summary,
        "ai_keywords": list(paper.ai_keywords),
    }


def paper_json(paper: Paper, state: PaperState) -> dict[str, Any]:
    """One row of ``readlist list --json``."""
    return {
        **_paper_fields(paper),
        "read": state.read,
        "starred": state.starred,
        "note": state.note or None,
        "tags": list(state.tags),
    }


def render(fmt: str, pairs: Sequence[Pair], digest_dates: Mapping[str, str | None] | None = None) -> str:
    """``pairs`` in one of ``FORMATS``; ``digest_dates`` (label → ISO day) goes into JSON, and
    gives CSV the year of a date the page showed without one."""
    if fmt == "json":
        return to_json(pairs, digest_dates)
    if fmt == "csv":
        return to_csv(pairs, digest_dates)
    return {"markdown": to_markdown, "bibtex": to_bibtex, "ris": to_ris}[fmt](pairs)


# -- Markdown --------------------------------------------------------------------------------------

# Characters that can start Markdown (or GitHub's math) markup inside a line; a backslash before
# any ASCII punctuation is always allowed, so escaping one that needs none is harmless.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&$!])")


def _md(text: str) -> str:
    """Literal text inside a Markdown line: ``[CLS]`` stays brackets, ``# 1`` stays a hash."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _autolink(url: str) -> str:
    """``<url>``, with angle brackets inside the URL percent-encoded so that it stays one link."""
    return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"


def paper_markdown(paper: Paper, state: PaperState) -> str:
    """One paper as a Markdown section: title heading, facts as a list, the note quoted as is."""
    status = ("read" if state.read else "unread") + (" · ★ starred" if state.starred else "")
    facts = [("Link", _autolink(paper.url)), ("Status", status)]
    if state.tags:
        facts.append(("Tags", ", ".join(map(_md, state.tags))))
    if paper.published:
        facts.append(("Published", display_date(paper.published)))
    if paper.digests:
        facts.append(("Digests", ", ".join(map(_md, paper.digests))))
    if paper.author_names:
        facts.append(("Authors", ", ".join(map(_md, paper.author_names))))
    elif paper.authors is not None:
        facts.append(("Authors", f"{paper.authors}"))
    if paper.upvotes is not None:
        facts.append(("Upvotes", f"{paper.upvotes}"))
    if paper.comments is not None:
        facts.append(("Comments", f"{paper.comments}"))
    if paper.github_repo:
        stars = f" (★ {paper.github_stars})" if paper.github_stars is not None else ""
        facts.append(("Code", f"{_autolink(paper.github_repo)}{stars}"))
    if paper.project_page:
        facts.append(("Project page", _autolink(paper.project_page)))
    if paper.ai_summary:
        facts.append(("Hub's AI summary", _md(paper.ai_summary)))
    lines = [f"## {_md(paper.title)}", "", *(f"- **{name}:** {value}" for name, value in facts)]
    if state.note:
        lines += ["", *(f"> {line}".rstrip() for line in state.note.split("\n"))]
    return "\n".join(lines) + "\n"


def to_markdown(pairs: Iterable[Pair], heading: str = "Reading notes") -> str:
    sections = [paper_markdown(paper, state) for paper, state in pairs]
    count = plural(len(sections), "paper")
    return "\n".join([f"# {_md(heading)}\n", f"{count}\n", *sections])


# -- BibTeX ----------------------------------------------------------------------------------------

# BibTeX counts every brace, escaped or not, so braces in the text become commands: only the
# braces written here remain, and they always balance. The rest are LaTeX's special characters.
_LATEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "%": r"\%",
        "&": r"\&",
        "#": r"\#",
        "$": r"\$",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_MATH = re.compile(r"(?<!\\)\$([^$]+?)(?<!\\)\$")  # inline math: not at an escaped ``\$``
_URL_UNSAFE = str.maketrans({"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20"})
_STOP_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "for", "from", "in", "is", "of", "on", "the", "to", "with"}
)
_AND = re.compile(r"\band\b", re.IGNORECASE)


_BARE_IN_MATH = re.compile(r"(?<!\\)[%#&]")  # a comment, a macro parameter, an alignment


def _latex(text: str) -> str:
    """Text that LaTeX prints literally, on one line, but for its ``$…$`` math, which stays math
    (``S$^{2}$FT``) when it is whole: braces balanced, no ``$`` escaped by a backslash, no bare
    ``%``, ``#`` or ``&`` (LaTeX would not read those as written)."""
    text = " ".join(text.split())
    parts, at = [], 0
    for math in _MATH.finditer(text):
        if _whole(math[1]):
            parts += [text[at : math.start()].translate(_LATEX), math[0]]
            at = math.end()
    return "".join([*parts, text[at:].translate(_LATEX)])


def _whole(math: str) -> bool:
    depth = 0
    for ch in math:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0 and not math.endswith("\\") and not _BARE_IN_MATH.search(math)


def _bib_name(name: str) -> str:
    """A name BibTeX will not split: one holding ``and`` or a comma is kept whole in braces."""
    escaped = _latex(name)
    return f"{{{escaped}}}" if "," in name or _AND.search(name) else escaped


def cite_key(paper: Paper, long: bool = False) -> str:
    """``sparse2024-3f9a1c``: the first significant title word, the year, and the paper id
    (all of it when ``long``: ids are unique, so the long key never collides)."""
    words = re.findall(r"[a-z0-9]+", fold(paper.title))
    word = next(
        (w for w in words if w not in _STOP_WORDS and not w.isdigit()), words[0] if words else "paper"
    )
    year = paper.published[:4] if paper.published and not paper.published.startswith("--") else ""
    return f"{word[:24]}{year}-{paper.id if long else paper.id[:6]}"


def paper_bibtex(paper: Paper, state: PaperState, key: str | None = None) -> str:
    """One ``@misc`` entry (with ``eprint`` / ``archivePrefix`` when the arXiv id is known)."""
    fields = [("title", f"{{{_latex(paper.title)}}}")]  # double braces keep the title's capitals
    if paper.author_names:
        fields.append(("author", " and ".join(map(_bib_name, paper.author_names))))
    if paper.published and not paper.published.startswith("--"):
        fields.append(("year", paper.published[:4]))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
    fields.append(("url", paper.url.translate(_URL_UNSAFE)))
    if paper.abstract:
        fields.append(("abstract", _latex(paper.abstract)))
    if state.tags:
        fields.append(("keywords", _latex(", ".join(state.tags))))
    if state.note:
        fields.append(("note", _latex(state.note)))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@misc{{{key or cite_key(paper)},\n{body}}}\n"


def to_bibtex(pairs: Iterable[Pair]) -> str:
    entries = []
    used: set[str] = set()
    for paper, state in pairs:
        key = cite_key(paper)
        if key in used:
            key = cite_key(paper, long=True)
        while key in used:  # the same paper twice
            key += "x"
        used.add(key)
        entries.append(paper_bibtex(paper, state, key))
    return "\n".join(entries)


# -- RIS -------------------------------------------------------------------------------------------

# RIS (what Zotero, Mendeley and EndNote import) is one "XX  - value" line per field. Zotero's
# importer knows no preprint type and reads GEN as a journal article too, while Mendeley and
# EndNote read GEN as a generic document: JOUR means the same everywhere, and keeps the DOI and
# the abstract (ELEC, a web page, would not keep the DOI). The arXiv id goes where Zotero cites a
# preprint from: the DOI arXiv gives every paper (DO), the archive (DB) and the place in it (AN),
# and the abstract page (UR).
RIS_TYPE = "JOUR"
ARXIV_DOI = "10.48550/arXiv."


def ris_name(name: str) -> str:
    """``Ashish Vaswani`` → ``Vaswani, Ashish``: RIS names are family name first. A name of one
    word, of four or more (a team, a consortium) or already with a comma is kept as it is."""
    parts = name.split()
    if "," in name or not 2 <= len(parts) <= 3:
        return name
    return f"{parts[-1]}, {' '.join(parts[:-1])}"


def _ris_value(text: str) -> str:
    """One line, whatever the text holds: no line break can start a field or end the record."""
    return clean_line(" ".join(text.split()))


def paper_ris(paper: Paper, state: PaperState) -> str:
    """One RIS record, ``TY`` to ``ER``."""
    fields = [("TY", RIS_TYPE), ("TI", paper.title)]
    # Cleaned before the words are turned round: a control character moved to the front could
    # start what reads as an escape sequence and take the rest of the name with it.
    fields += [("AU", ris_name(_ris_value(name))) for name in paper.author_names]
    if paper.abstract:
        fields.append(("AB", paper.abstract))
    if paper.published and not paper.published.startswith("--"):
        year, _, rest = paper.published.partition("-")
        month, _, day = rest.partition("-")
        fields += [("PY", year), ("DA", f"{year}/{month}/{day}/")]
    if paper.arxiv_id:
        fields += [
            ("T2", "arXiv"),
            ("DO", ARXIV_DOI + paper.arxiv_id),
            ("DB", "arXiv"),
            ("AN", f"arXiv:{paper.arxiv_id}"),
            ("UR", arxiv_abs_url(paper.arxiv_id)),
        ]
    else:
        fields.append(("UR", paper.url))
    fields += [("KW", tag) for tag in state.tags]
    if state.note.strip():
        fields.append(("N1", state.note))
    lines = [
        f"{tag}  - {value}" for tag, value in ((tag, _ris_value(value)) for tag, value in fields) if value
    ]
    return "\n".join([*lines, "ER  - "]) + "\n"


def to_ris(pairs: Iterable[Pair]) -> str:
    return "\n".join(paper_ris(paper, state) for paper, state in pairs)


# -- CSV -------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "title",
    "url",
    "arxiv_id",
    "published",
    "authors",
    "author_names",
    "upvotes",
    "comments",
    "github_repo",
    "github_stars",
    "project_page",
    "digests",
    "tags",
    "read",
    "starred",
    "note",
    "ai_summary",
    "ai_keywords",
    "abstract",
)
# A cell starting with one of these is a formula to a spreadsheet (OWASP's "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = "; ".join(value) if isinstance(value, (list, tuple)) else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _year_of(paper: Paper, digest_dates: Mapping[str, str | None]) -> str | None:
    """The year of the day of the paper's first digest, when known."""
    day = digest_dates.get(paper.digests[0]) if paper.digests else None
    return day[:4] if day else None


def to_csv(pairs: Iterable[Pair], digest_dates: Mapping[str, str | None] | None = None) -> str:
    """A header and one row per paper; list fields are joined with ``; ``; a date the page gave
    without its year takes the year of the paper's first digest, as a spreadsheet wants a date."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for paper, state in pairs:
        row = {
            **_paper_fields(paper),
            "published": with_year(paper.published, _year_of(paper, digest_dates or {})) or paper.published,
            "tags": state.tags,
            "read": state.read,
            "starred": state.starred,
            "note": state.note,
        }
        writer.writerow([_cell(row[name]) for name in CSV_COLUMNS])
    return out.getvalue()


# -- JSON ------------------------------------------------------------------------------------------


def to_json(pairs: Sequence[Pair], digest_dates: Mapping[str, str | None] | None = None) -> str:
    """The readlist export document: every paper with its state, and the digests they are in
    (in ``digest_dates``' order, with its dates) so that an import puts everything back."""
    digest_dates = digest_dates or {}
    used = dict.fromkeys(label for paper, _ in pairs for label in paper.digests)
    labels = [label for label in digest_dates if label in used]
    labels += [label for label in used if label not in digest_dates]
    doc = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "digests": [{"label": label, "date": digest_dates.get(label)} for label in labels],
        "papers": [
            {
                **_paper_fields(paper),
                "positions": dict(paper.positions),
                "aliases": list(paper.aliases),
                "hub_at": paper.hub_at,
                "state": {
                    "read": state.read,
                    "starred": state.starred,
                    "note": state.note,
                    "tags": list(state.tags),
                },
            }
            for paper, state in pairs
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
