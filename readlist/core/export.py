"""Turning papers and their state into plain data for ``list --json``."""

from __future__ import annotations

from typing import Any

from readlist.core.model import Paper, PaperState


def paper_json(paper: Paper, state: PaperState) -> dict[str, Any]:
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": paper.authors,
        "published": paper.published,
        "upvotes": paper.upvotes,
        "digests": list(paper.digests),
        "links": paper.links,
        "url": paper.url,
        "arxiv_id": paper.arxiv_id,
        "read": state.read,
        "starred": state.starred,
        "note": state.note or None,
    }
