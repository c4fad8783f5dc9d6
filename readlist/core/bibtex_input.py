"""Reading BibTeX (a .bib from readlist, Zotero, arXiv, Google Scholar...) into a digest.

bibtexparser splits the file into entries (and reports the ones it cannot read, with their
line); pylatexenc, which bibtexparser itself uses for the same job, turns LaTeX into text:
``{BERT}`` → BERT, ``M{\\"u}ller`` → Müller, ``\\&`` → &, while ``$…$`` math and ``--`` stay as
written. A paper gets:

- its title, abstract and authors (``and others`` left out);
- its published date from ``date`` (biblatex), else ``year`` and ``month``: only the year (or
  month) when that is all the entry says;
- its arXiv id from ``eprint`` (with ``archivePrefix = {arXiv}``, or when it is an arXiv id), else
  from an arxiv.org link or arXiv DOI in ``url``/``doi``, or ``arXiv:…`` in ``journal``, ``note``,
  ``howpublished`` or ``number`` (as Google Scholar, arXiv and Zotero write them);
- other links in ``url`` (a project page, a repository) as links of the paper;
- ``keywords`` that are single words as tags, and ``note`` (unless it only names the arXiv id)
  as the paper's note: what readlist's own export writes there.

Every paper of the file goes into one digest named after the file, as the papers of a JSON file
without days do. A malformed entry is reported as ``file:line: what is wrong``; the others load.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from readlist.core.digest import MAX_TITLE, Digest, Entry, Problem
from readlist.core.links import find_urls, is_arxiv_id, is_safe_to_open, paper_url
from readlist.core.model import PaperState, partial_date
from readlist.core.text import clean_line, clean_note, clean_tags

# An entry opens a BibTeX file (after blank lines and % comments): @article{ or @misc(.
_ENTRY_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]")
_COMMENT = re.compile(r"^\s*(?:%.*)?$")
_ARXIV_REF = re.compile(
    r"(?:arxiv(?:\.org/(?:abs|pdf)/|[:.]\s*)|10\.48550/arxiv\.)"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
    re.IGNORECASE,
)
# A note that only cites the arXiv id (``arXiv:1810.04805 [cs]``, as Zotero writes it).
_ARXIV_ONLY = re.compile(
    r"^\s*(?:arxiv\s*(?:preprint)?\s*)?" + _ARXIV_REF.pattern + r"\s*(?:\[[^\]]*\])?\s*\.?\s*$", re.IGNORECASE
)
# A command (\url, \'e, \\), math or a tie: anything but escaped characters and braces.
_COMMAND = re.compile(r"\\(?![&%_#${}])|(?<!\\)[$~]")
_ESCAPE_OR_BRACE = re.compile(r"\\([&%_#${}])|[{}]")  # \& \% \{ ... and the braces of {BERT}
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_MONTHS = {
    name: n
    for n, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_EPRINT_VERSION = re.compile(r"v\d+$")
_NOT_NAMES = {"others"}


def is_bibtex(text: str, source: str) -> bool:
    """Does ``text`` read as BibTeX: an entry (``@article{``) before anything but blank lines and
    ``%`` comments, whatever the file's name? A file named ``.bib`` is BibTeX in any case: one
    without an entry is reported as such."""
    if source.lower().endswith(".bib"):
        return True
    for line in text.splitlines():
        if not _COMMENT.match(line):
            return bool(_ENTRY_START.match(line))
    return False


@lru_cache(maxsize=1)
def _decoder() -> Any:
    """LaTeX to text, keeping math and ``--`` as written; the commands readlist's own export
    writes for literal braces, tildes and carets read back as those characters."""
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        SpecialsTextSpec,
        get_default_latex_context_db,
    )

    context = get_default_latex_context_db()
    context.add_context_category(
        "readlist",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
            MacroTextSpec("textasciitilde", "~"),
            MacroTextSpec("url", simplify_repl="%s"),
        ],
        specials=[SpecialsTextSpec(chars, chars) for chars in ("--", "---", "``", "''", "!`", "?`")],
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


def latex_text(value: str) -> str:
    """The text a LaTeX field value stands for, on one line (or as written if it holds no LaTeX).
    Braces and escaped characters alone (most abstracts) are undone here; a command, math or a
    tie takes pylatexenc, a hundred times slower."""
    if _COMMAND.search(value):
        try:  # a lone % in a title is text, not a LaTeX comment
            value = _decoder().latex_to_text(_BARE_PERCENT.sub(r"\\%", value))
        except Exception:  # pylatexenc's own errors have no common base; a field never stops an import
            value = value.replace("{", "").replace("}", "")
    else:
        value = _ESCAPE_OR_BRACE.sub(lambda m: m[1] or "", value)
    return clean_line(" ".join(value.split()))


def arxiv_id_in(text: str) -> str | None:
    """The arXiv id an ``arXiv:…`` reference, arxiv.org link or arXiv DOI in ``text`` names."""
    match = _ARXIV_REF.search(text)
    return match["id"] if match else None


def parse_bibtex(text: str, source: str, label: str) -> Digest:
    """The papers of a BibTeX file, in one digest called ``label``."""
    import bibtexparser
    from bibtexparser.middlewares import RemoveEnclosingMiddleware
    from bibtexparser.model import DuplicateBlockKeyBlock

    digest = Digest(source, label, None)
    logging.getLogger("bibtexparser").setLevel(
        logging.CRITICAL + 1
    )  # its warnings go into the report instead
    try:
        parsed = bibtexparser.parse_string(text)
    except Exception as exc:  # the parser gives up on a state it calls its own bug: one line, no traceback
        digest.problems.append(Problem(source, None, f"not readable as BibTeX ({exc.__class__.__name__})"))
        return digest
    blocks: list[tuple[int, Any]] = [(entry.start_line, entry) for entry in parsed.entries]
    for failed in parsed.failed_blocks:
        line = (failed.start_line or 0) + 1
        if isinstance(failed, DuplicateBlockKeyBlock) and failed.ignore_error_block is not None:
            # Two entries under one key are still two papers (or the same one twice).
            digest.problems.append(
                Problem(
                    source, line, f"the key {failed.key!r} is used twice; read all the same", warning=True
                )
            )
            entry = RemoveEnclosingMiddleware().transform_block(failed.ignore_error_block, parsed)
            blocks.append((failed.start_line, entry))
        else:
            digest.problems.append(
                Problem(source, line, f"{_first_line(failed.raw)}: {_reason(failed.error)}; skipped")
            )
    for start, block in sorted(blocks, key=lambda item: item[0] or 0):
        entry = _entry(block, (start or 0) + 1, source, digest.problems)
        if entry is not None:
            digest.entries.append(entry)
    if not digest.entries and not digest.problems:
        digest.problems.append(Problem(source, None, "no BibTeX entries found in this file"))
    return digest


def _first_line(raw: str | None) -> str:
    first = (raw or "").strip().split("\n", 1)[0]
    return clean_line(first[:60]) or "an entry"


def _reason(error: Exception) -> str:
    """What bibtexparser says is wrong, on one line."""
    reason = getattr(error, "abort_reason", None) or str(error) or error.__class__.__name__
    return clean_line(" ".join(str(reason).split())).rstrip(".")


def _fields(block: Any) -> dict[str, str]:
    """Field name (lower case) → value as written, for the fields with a text value."""
    return {field.key.lower(): field.value for field in block.fields if isinstance(field.value, str)}


def _entry(block: Any, line: int, source: str, problems: list[Problem]) -> Entry | None:
    fields = _fields(block)
    title = latex_text(fields.get("title", ""))
    if not title:
        problems.append(Problem(source, line, f"@{block.entry_type}{{{block.key}}} has no title; skipped"))
        return None
    if len(title) > MAX_TITLE:
        problems.append(Problem(source, line, f"a title of {len(title)} characters; skipped"))
        return None
    names = _names(fields.get("author", ""))
    arxiv_id = _arxiv_id(fields)
    note = clean_note(latex_text(fields.get("note", "")))
    if note and _ARXIV_ONLY.match(note):
        note = ""
    tags = _tags(latex_text(fields.get("keywords", "")))
    entry = Entry(
        title=title,
        line=line,
        abstract=latex_text(fields.get("abstract", "")),
        authors=len(names) or None,
        author_names=names,
        published=_published(fields),
        arxiv_id=arxiv_id,
        links=_links(fields.get("url", ""), title, arxiv_id),
        state=PaperState(note=note, tags=tuple(tags)) if note or tags else None,
    )
    return entry  # without an abstract, often: Google Scholar's entries have none


def _tags(keywords: str) -> list[str]:
    """The keywords that are one word each (``rl, to-read``): those make tags; a subject heading
    (``Computer Science - Machine Learning``) does not."""
    tags: list[str] = []
    for keyword in re.split(r"[,;]", keywords):
        found = clean_tags(keyword)
        if len(found) == 1 and found[0] not in tags:
            tags.append(found[0])
    return tags


def _names(value: str) -> list[str]:
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    names = []
    for raw in split_multiple_persons_names(value):
        if raw.strip().lower() in _NOT_NAMES:
            continue
        try:
            raw = parse_single_name_into_parts(raw, strict=False).merge_first_name_first
        except ValueError:  # a name BibTeX cannot split is kept as written
            pass
        name = latex_text(raw)
        if name:
            names.append(name)
    return names


def _published(fields: dict[str, str]) -> str | None:
    """``date`` (``2017-06-12``, ``2017-06``), else ``year`` with ``month`` when there is one."""
    date = partial_date(fields.get("date", "").strip()[:10])
    if date:
        return date
    year = fields.get("year", "").strip()
    if not partial_date(year) or len(year) != 4:
        return None
    month = fields.get("month", "").strip().lower()[:3]
    number = _MONTHS.get(month) or (int(month) if month.isdigit() and 1 <= int(month) <= 12 else None)
    return f"{year}-{number:02d}" if number else year


def _arxiv_id(fields: dict[str, str]) -> str | None:
    eprint = _EPRINT_VERSION.sub("", fields.get("eprint", "").strip())
    eprint = re.sub(r"^arxiv:\s*", "", eprint, flags=re.IGNORECASE)
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    if eprint and is_arxiv_id(eprint) and prefix in ("arxiv", ""):
        return eprint
    for name in ("url", "doi", "journal", "note", "howpublished", "number", "publisher"):
        found = arxiv_id_in(fields.get(name, ""))
        if found:
            return found
    return None


def _links(url: str, title: str, arxiv_id: str | None) -> list[str]:
    """Links in ``url`` besides the paper's own pages (arXiv, the Hub, the arXiv title search)."""
    own = {paper_url(title, arxiv_id)}
    return [
        link
        for link in find_urls(url.replace("\\_", "_").replace("\\%", "%"))
        if is_safe_to_open(link)
        and link not in own
        and arxiv_id_in(link) is None
        and "huggingface.co/papers/" not in link
        and "arxiv.org/search" not in link
    ]
